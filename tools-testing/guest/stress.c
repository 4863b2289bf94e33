// SPDX-License-Identifier: GPL-2.0
/*
 * stress: one kernel-activity generator for the bench, run on the
 * housekeeping CPUs while isol-count watches an isolated one.
 *
 *	stress MODE
 *
 * Loops until killed.  Each mode exercises one mechanism known (or
 * suspected) to reach other CPUs:
 *   mprotect    mprotect/munmap storms in this process's own mm
 *   fork        fork/exit churn: thread stacks are vmalloc'ed and vfree'd
 *   timer       many short nanosleeps (hrtimer traffic)
 *   lru         mlock/munlock of fresh pages (lru_add_drain_all())
 *   membarrier  MEMBARRIER_CMD_GLOBAL_EXPEDITED, registered (IPIs to CPUs
 *               running registered tasks; MEMBARRIER_CMD_GLOBAL is refused
 *               with EINVAL when nohz_full is on)
 */
#define _GNU_SOURCE
#include <linux/membarrier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGES 64

/* PAGES fresh anonymous pages, each touched so that it is really mapped. */
static char *map_touched(long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		exit(1);
	memset(p, 1, len);
	return p;
}

static void mprotect_storm(long page)
{
	for (;;) {
		char *p = map_touched(PAGES * page);

		mprotect(p, PAGES * page, PROT_READ);
		mprotect(p, PAGES * page, PROT_READ | PROT_WRITE);
		munmap(p, PAGES * page);
	}
}

static void fork_churn(void)
{
	for (;;) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

static void timer_storm(void)
{
	struct timespec ts = { 0, 10000 };

	for (;;)
		nanosleep(&ts, NULL);
}

static void lru_churn(long page)
{
	for (;;) {
		char *p = map_touched(PAGES * page);

		mlock(p, PAGES * page);
		munlock(p, PAGES * page);
		munmap(p, PAGES * page);
	}
}

static void membarrier_storm(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0))
		exit(1);
	for (;;)
		if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0))
			exit(1);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	const char *mode = argc == 2 ? argv[1] : "";

	if (!strcmp(mode, "mprotect"))
		mprotect_storm(page);
	else if (!strcmp(mode, "fork"))
		fork_churn();
	else if (!strcmp(mode, "timer"))
		timer_storm();
	else if (!strcmp(mode, "lru"))
		lru_churn(page);
	else if (!strcmp(mode, "membarrier"))
		membarrier_storm();
	fprintf(stderr, "usage: stress mprotect|fork|timer|lru|membarrier\n");
	return 2;
}
