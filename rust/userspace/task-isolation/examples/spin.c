// SPDX-License-Identifier: GPL-2.0
/*
 * spin.c - the Rust example spin.rs, in C through task_isolation.h:
 *
 *   spin-c CPU [LOOPS] [--break]
 *
 * Same checks, output and exit codes as spin.rs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "task_isolation.h"

int main(int argc, char **argv)
{
	struct ti_options opts = { .signal = SIGUSR1, .max_attempts = 200 };
	unsigned long long loops = 50000000ULL, i;
	volatile uint64_t x = 0;
	struct ti_break b;
	int cpu = -1, brk = 0, n = 0, r, sig = 0, left;
	char why[512];

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--break"))
			brk = 1;
		else if (n++ == 0)
			cpu = atoi(argv[a]);
		else
			loops = strtoull(argv[a], NULL, 0);
	}
	if (cpu < 0) {
		fprintf(stderr, "usage: spin-c CPU [LOOPS] [--break]\n");
		return 2;
	}
	if (ti_install_break_handler(SIGUSR1) < 0)
		return 2;
	r = ti_enter(cpu, &opts);
	if (r < 0) {
		ti_last_error(why, sizeof(why));
		if (r == -EAGAIN) {
			printf("not quiet: %s\n", why);
			return 3;
		}
		fprintf(stderr, "spin-c: %s\n", why);
		return 2;
	}
	/* The polling loop: no syscall, no fault. */
	for (i = 0; i < loops; i++)
		x = x * 6364136223846793005ULL + i;
	if (brk) {
		syscall(SYS_getppid);
		r = ti_take_break(&b);
		ti_leave();
		if (!r) {
			printf("break: none signalled\n");
			return 1;
		}
		printf("break: %s cause=%d detail=%d\n", ti_cause_name(b.cause),
		       b.cause, b.detail);
		return b.cause == TI_CAUSE_SYSCALL && b.detail == SYS_getppid ? 0 : 1;
	}
	/* An allowed syscall; printf() is not one, so it comes after leaving. */
	r = ti_state(&sig);
	n = ti_breaks();
	left = ti_leave();
	printf("isolated loop: %llu iterations, %d breaks, still isolated: %s\n",
	       loops, n, r == 1 ? "true" : "false");
	return left == 0 && n == 0 && r == 1 && sig == SIGUSR1 ? 0 : 1;
}
