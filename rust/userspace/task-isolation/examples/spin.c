// SPDX-License-Identifier: GPL-2.0
/*
 * spin.c - the Rust example spin.rs, in C through task_isolation.h:
 *
 *   spin-c CPU [LOOPS] [--break] [--mode strict|soft|log|soft-log]
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

static const char *const modes[] = { "strict", "soft", "log", "soft-log" };
/* The ti_options.flags of each mode, in the order of modes[]. */
static const unsigned int mode_flags[] = {
	0, TI_ALLOW_SYSCALLS, TI_LOG, TI_ALLOW_SYSCALLS | TI_LOG
};

static void report(const struct ti_stats *before, const struct ti_stats *after)
{
	printf("stats: isolated %llu, breaks %llu\n",
	       after->isolated - before->isolated, after->breaks - before->breaks);
}

static int usage(void)
{
	fprintf(stderr, "usage: spin-c CPU [LOOPS] [--break] [--mode strict|soft|log|soft-log]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct ti_options opts = { .signal = SIGUSR1, .max_attempts = 200 };
	struct ti_stats before = { 0 }, after = { 0 };
	unsigned long long loops = 50000000ULL, i, syscalls;
	volatile uint64_t x = 0;
	struct ti_break b;
	int cpu = -1, brk = 0, n = 0, r, sig = 0, left, mode = 0;
	char why[512];

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--break")) {
			brk = 1;
		} else if (!strcmp(argv[a], "--mode")) {
			if (++a == argc)
				return usage();
			for (mode = 0; mode < 4 && strcmp(argv[a], modes[mode]); mode++)
				;
			if (mode == 4)
				return usage();
		} else if (n++ == 0) {
			cpu = atoi(argv[a]);
		} else {
			loops = strtoull(argv[a], NULL, 0);
		}
	}
	if (cpu < 0)
		return usage();
	opts.flags = mode_flags[mode];
	if (opts.flags & TI_LOG)
		opts.signal = 0;
	if (ti_install_break_handler(SIGUSR1) < 0)
		return 2;
	ti_stats(&before);
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
		ti_stats(&after);	/* an allowed syscall */
		ti_leave();
		report(&before, &after);
		syscalls = after.by_cause[TI_CAUSE_SYSCALL] - before.by_cause[TI_CAUSE_SYSCALL];
		if (r && mode == 0) {
			printf("break: %s cause=%d detail=%d\n", ti_cause_name(b.cause),
			       b.cause, b.detail);
			return b.cause == TI_CAUSE_SYSCALL && b.detail == SYS_getppid &&
			       syscalls == 1 ? 0 : 1;
		}
		if (r) {
			printf("break: %s signalled in mode %s\n", ti_cause_name(b.cause),
			       modes[mode]);
			return 1;
		}
		if (mode == 2) {
			printf("break: logged %s detail=%d\n",
			       after.last_cause ? ti_cause_name(after.last_cause) : "none",
			       after.last_detail);
			return syscalls == 1 && after.last_cause == TI_CAUSE_SYSCALL &&
			       after.last_detail == SYS_getppid ? 0 : 1;
		}
		if (mode != 0) {
			printf("break: none, syscalls allowed\n");
			return after.breaks == before.breaks ? 0 : 1;
		}
		printf("break: none signalled\n");
		return 1;
	}
	/* Allowed syscalls; printf() is not one, so it comes after leaving. */
	r = ti_state(&sig);
	ti_stats(&after);
	n = ti_breaks();
	left = ti_leave();
	printf("isolated loop: %llu iterations, %d breaks, still isolated: %s\n",
	       loops, n, r == 1 ? "true" : "false");
	report(&before, &after);
	return left == 0 && n == 0 && r == 1 && sig == opts.signal &&
	       after.breaks == before.breaks ? 0 : 1;
}
