// SPDX-License-Identifier: GPL-2.0
/*
 * isol-count: count the kernel entries and interrupts a CPU takes while a
 * task spins there in user mode.
 *
 *	isol-count [-i] [-d] CPU SECONDS
 *
 * A child pinned to CPU locks its memory and spins on a shared flag: no
 * syscall, no clock read, nothing but user-mode loads.  The parent, on
 * another CPU, lets the CPU settle (the tick stops a little after the
 * child arrives), then measures a window of SECONDS: /proc/interrupts of
 * CPU before and after, and the context_tracking:user_exit events (one per
 * user->kernel entry on a nohz_full CPU) that CPU's trace buffer holds
 * with a timestamp inside the window (trace_clock=mono, the parent's
 * CLOCK_MONOTONIC).  The measurement itself runs on the parent's CPU and
 * touches CPU only by reading.  Counts, not times: under TCG time is
 * virtual.
 *
 * To name what interrupted the CPU, the window also counts, by function,
 * what ran there (csd_function_entry: the function of a cross-CPU call;
 * workqueue_execute_start; hrtimer_expire_entry; timer_expire_entry) and,
 * on any CPU, who queued a cross-CPU call for it (csd_queue_cpu callsite),
 * and what work other CPUs left for its next entry instead of interrupting
 * it (task_isolation_defer: the kind, and the sender's call site).
 *
 * With -i the child also asks for task isolation (PR_TASK_ISOLATION with
 * SIGUSR1, retried on EAGAIN) before it spins.  Each break delivers
 * SIGUSR1, whose handler counts it by the cause in si_errno; the child
 * then isolates again and spins on.  The window counts the breaks, and
 * "isolate_attempts" says how many prctl() calls the first isolation took,
 * "prctl_calls" how many the isolations in the window took (each one is a
 * kernel entry, counted in kernel_entries too).
 *
 * With -d the parent disturbs CPU once, in the middle of the window: it
 * starts a short-lived process pinned there (the scheduler's wake-up IPI
 * is an interrupt of CPU), the everyday mistake an isolated CPU meets.
 * With -M it asks the host instead, at the same moment, for a machine
 * check on CPU: the line "# host: mce CPU" on fd 3, which the test
 * harness reads from the guest's results (tools-testing/harness/boot.sh).
 * "last_break_detail" is the si_pid of the last break: its vector, for an
 * exception.
 *
 * Output: one "key: value" per line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/prctl.h>

#define TRACING "/sys/kernel/tracing"
#define MAX_ROWS 64
#define MAX_CAUSES 64

/* Events that name a cause; missing ones (older kernels) are skipped. */
static const char *const cause_events[] = {
	"csd/csd_function_entry",
	"csd/csd_queue_cpu",
	"workqueue/workqueue_execute_start",
	"timer/hrtimer_expire_entry",
	"timer/timer_expire_entry",
	"task_isolation/task_isolation_defer",
};

struct cause {
	char name[96];
	long count;
};
#define SETTLE_SECONDS 1

struct irq_row {
	char name[64];
	unsigned long long count;
};

/* Names of PR_TASK_ISOLATION_CAUSE_* (si_errno of a break), index 0: other. */
static const char *const cause_names[] = {
	[0]					= "other",
	[PR_TASK_ISOLATION_CAUSE_SYSCALL]	= "syscall",
	[PR_TASK_ISOLATION_CAUSE_EXCEPTION]	= "exception",
	[PR_TASK_ISOLATION_CAUSE_INTERRUPT]	= "interrupt",
	[PR_TASK_ISOLATION_CAUSE_NMI]		= "nmi",
	[PR_TASK_ISOLATION_CAUSE_ENTRY]		= "entry",
	[PR_TASK_ISOLATION_CAUSE_NOT_QUIET]	= "not-quiet",
};
#define NR_CAUSES (sizeof(cause_names) / sizeof(cause_names[0]))
/*
 * Give up on a CPU that stays busy (EAGAIN) this long.  A liveness bound,
 * not a measurement: work a stressor left queued on the CPU (vm.stat_refresh)
 * can keep it busy for more than 100000 calls.
 */
#define MAX_BUSY_SECONDS 30
#define STR_(x) #x
#define STR(x) STR_(x)

struct shared {
	volatile int ready;
	volatile int stop;
	volatile int error;		/* errno of a failed isolation */
	volatile long attempts;		/* prctl() calls of the first isolation */
	volatile unsigned long long spins;
	volatile long breaks;
	volatile long prctls;		/* every prctl(PR_TASK_ISOLATION) call */
	volatile long cause[NR_CAUSES];
	volatile int last_detail;	/* si_pid of the last break */
};

static struct shared *sh;

static void die(const char *what)
{
	fprintf(stderr, "isol-count: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		die(path);
	close(fd);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* SIGUSR1: isolation broke; count it by cause.  Runs not isolated. */
static void on_break(int sig, siginfo_t *si, void *uc)
{
	unsigned int c = si->si_code == SI_KERNEL ? (unsigned int)si->si_errno : 0;

	sh->cause[c < NR_CAUSES ? c : 0]++;
	sh->last_detail = si->si_pid;
	sh->breaks++;
}

/* Isolate the calling task; return the prctl() calls it took, or -errno. */
static long isolate(void)
{
	double t0 = now();
	long n;

	for (n = 1; !sh->stop && now() - t0 <= MAX_BUSY_SECONDS; n++) {
		sh->prctls++;
		if (!prctl(PR_TASK_ISOLATION, PR_TASK_ISOLATION_ENABLE |
			   PR_TASK_ISOLATION_SET_SIG(SIGUSR1), 0, 0, 0))
			return n;
		if (errno != EAGAIN)
			return -errno;
	}
	return sh->stop ? n : -EAGAIN;
}

/* The child of -i: isolated spinning, isolating again after each break. */
static void spin_isolated(void)
{
	struct sigaction sa = { .sa_sigaction = on_break, .sa_flags = SA_SIGINFO };
	long n, seen = 0;

	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
	n = isolate();
	if (n < 0) {
		sh->error = -n;
		_exit(1);
	}
	sh->attempts = n;
	sh->ready = 1;
	while (!sh->stop) {
		while (!sh->stop && sh->breaks == seen)
			sh->spins++;
		seen = sh->breaks;
		n = sh->stop ? 0 : isolate();
		if (n < 0) {
			sh->error = -n;
			break;
		}
	}
	_exit(0);	/* exit_group() keeps isolation: no break */
}

/* -d: run a process on CPU for a moment; wait for it to end. */
static void disturb(int cpu)
{
	pid_t p = fork();

	if (p < 0)
		die("fork");
	if (p == 0) {
		pin(cpu);
		_exit(0);
	}
	if (waitpid(p, NULL, 0) < 0)
		die("waitpid");
}

/*
 * The CPU column of every /proc/interrupts row.  Only online CPUs have a
 * column, so the header ("CPU0 CPU2 CPU3" while CPU 1 is offline) says
 * which one is CPU's.
 */
static int read_irqs(int cpu, struct irq_row *rows)
{
	char line[4096], want[16];
	int n = 0, ncpus = 0, col = -1;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		die("/proc/interrupts");
	snprintf(want, sizeof(want), "CPU%d", cpu);
	if (fgets(line, sizeof(line), f))
		for (char *p = strtok(line, " \n"); p; p = strtok(NULL, " \n")) {
			if (!strcmp(p, want))
				col = ncpus;
			ncpus++;
		}
	if (col < 0) {
		errno = ENODEV;
		die("CPU column in /proc/interrupts");
	}
	cpu = col;
	while (n < MAX_ROWS && fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		unsigned long long v = 0;

		while (*p == ' ')
			p++;
		end = strchr(p, ':');
		if (!end)
			continue;
		*end = '\0';
		snprintf(rows[n].name, sizeof(rows[n].name), "%.31s", p);
		p = end + 1;
		for (int c = 0; c < ncpus; c++) {
			unsigned long long x = strtoull(p, &end, 10);

			if (end == p)	/* a row with one column (ERR, MIS) */
				break;
			if (c == cpu)
				v = x;
			p = end;
		}
		/* A numbered IRQ is named by its action, the row's last word. */
		if (rows[n].name[0] >= '0' && rows[n].name[0] <= '9') {
			char *last = strrchr(p, ' ');

			if (last && last[1] != '\n' && last[1] != '\0')
				snprintf(rows[n].name + strlen(rows[n].name),
					 sizeof(rows[n].name) - strlen(rows[n].name),
					 "-%.*s", (int)strcspn(last + 1, "\n"), last + 1);
		}
		rows[n++].count = v;
	}
	fclose(f);
	return n;
}

static void add_cause(struct cause *c, int *n, const char *kind, const char *what)
{
	char name[96];
	int len = strcspn(what, " ,+\n");

	snprintf(name, sizeof(name), "%s %.*s", kind, len, what);
	for (int i = 0; i < *n; i++)
		if (!strcmp(c[i].name, name)) {
			c[i].count++;
			return;
		}
	if (*n < MAX_CAUSES) {
		snprintf(c[*n].name, sizeof(c[*n].name), "%s", name);
		c[(*n)++].count = 1;
	}
}

/*
 * Walk the merged trace: user_exit events of CPU and the cause events
 * (see the top of the file) with a timestamp in [t0, t1].
 */
static long scan_trace(int cpu, double t0, double t1, struct cause *c, int *nc)
{
	char line[1024], tag[16], target[24];
	long entries = 0;
	FILE *f = fopen(TRACING "/trace", "r");

	if (!f)
		die(TRACING "/trace");
	snprintf(tag, sizeof(tag), "[%03d]", cpu);
	snprintf(target, sizeof(target), "cpu=%d ", cpu);
	while (fgets(line, sizeof(line), f)) {
		char *ev, *ts, *p;
		int here;

		if (line[0] == '#')
			continue;
		/* "  comm-pid  [CPU] flags  SECONDS: event: fields" */
		ev = strstr(line, ": ");
		while (ev && !(ev[-1] >= '0' && ev[-1] <= '9'))
			ev = strstr(ev + 1, ": ");
		if (!ev)
			continue;
		*ev = '\0';
		ev += 2;
		ts = strrchr(line, ' ');
		if (!ts || atof(ts) < t0 || atof(ts) > t1)
			continue;
		here = strstr(line, tag) != NULL;
		if (here && !strncmp(ev, "user_exit:", 10))
			entries++;
		else if (here && !strncmp(ev, "csd_function_entry: func=", 25))
			add_cause(c, nc, "ran-csd", ev + 25);
		else if (here && (p = strstr(ev, "workqueue_execute_start: ")) && (p = strstr(p, "function ")))
			add_cause(c, nc, "ran-work", p + 9);
		else if (here && !strncmp(ev, "hrtimer_expire_entry:", 21) && (p = strstr(ev, "function=")))
			add_cause(c, nc, "ran-hrtimer", p + 9);
		else if (here && !strncmp(ev, "timer_expire_entry:", 19) && (p = strstr(ev, "function=")))
			add_cause(c, nc, "ran-timer", p + 9);
		else if (!strncmp(ev, "csd_queue_cpu: ", 15) && strstr(ev, target) &&
			 (p = strstr(ev, "callsite=")))
			add_cause(c, nc, "queued-by", p + 9);
		else if (!strncmp(ev, "task_isolation_defer: ", 22) && strstr(ev, target)) {
			if ((p = strstr(ev, "work=")))
				add_cause(c, nc, "deferred", p + 5);
			if ((p = strstr(ev, "ip=")))
				add_cause(c, nc, "deferred-by", p + 3);
		}
	}
	fclose(f);
	return entries;
}

int main(int argc, char **argv)
{
	struct irq_row before[MAX_ROWS], after[MAX_ROWS];
	struct cause causes[MAX_CAUSES];
	long entries, breaks0, prctls0, cause0[NR_CAUSES];
	int cpu, secs, nrows, status, ncauses = 0, isolated = 0, disturbing = 0;
	double t0, t1;
	pid_t child;

	for (; argc > 1 && argv[1][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[1], "-i"))
			isolated = 1;
		else if (!strcmp(argv[1], "-d"))
			disturbing = 1;
		else if (!strcmp(argv[1], "-M"))
			disturbing = 2;
		else
			break;
	}
	if (argc != 3 || atoi(argv[2]) <= 0) {
		fprintf(stderr, "usage: isol-count [-i] [-d|-M] CPU SECONDS\n");
		return 2;
	}
	cpu = atoi(argv[1]);
	secs = atoi(argv[2]);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");

	write_file(TRACING "/tracing_on", "0");
	write_file(TRACING "/trace_clock", "mono");
	write_file(TRACING "/buffer_size_kb", "4096");
	write_file(TRACING "/trace", "");
	write_file(TRACING "/events/context_tracking/user_exit/enable", "1");
	for (unsigned int i = 0; i < sizeof(cause_events) / sizeof(cause_events[0]); i++) {
		char path[128];

		snprintf(path, sizeof(path), TRACING "/events/%s/enable", cause_events[i]);
		if (!access(path, W_OK))
			write_file(path, "1");
	}
	write_file(TRACING "/tracing_on", "1");

	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		pin(cpu);
		if (mlockall(MCL_CURRENT | MCL_FUTURE))
			die("mlockall");
		if (isolated)
			spin_isolated();
		sh->ready = 1;
		while (!sh->stop)
			sh->spins++;
		_exit(0);
	}
	/* The parent measures from anywhere but CPU. */
	pin(cpu == 0 ? 1 : 0);
	while (!sh->ready) {
		if (waitpid(child, &status, WNOHANG) == child) {
			errno = sh->error;
			die(errno == EAGAIN ?
			    "prctl(PR_TASK_ISOLATION): CPU still busy after "
			    STR(MAX_BUSY_SECONDS) " s of retries" :
			    errno ? "prctl(PR_TASK_ISOLATION)" : "spinning child");
		}
		usleep(10000);
	}
	sleep(SETTLE_SECONDS);

	nrows = read_irqs(cpu, before);
	breaks0 = sh->breaks;
	prctls0 = sh->prctls;
	for (unsigned int i = 0; i < NR_CAUSES; i++)
		cause0[i] = sh->cause[i];
	t0 = now();
	if (disturbing) {
		sleep(secs / 2);
		if (disturbing == 1)
			disturb(cpu);
		else if (dprintf(3, "# host: mce %d\n", cpu) < 0)
			die("asking the host for a machine check (fd 3)");
		sleep(secs - secs / 2);
	} else {
		sleep(secs);
	}
	t1 = now();
	read_irqs(cpu, after);

	sh->stop = 1;
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status))
		die("spinning child");
	errno = sh->error;
	if (errno)
		die("prctl(PR_TASK_ISOLATION) after a break");
	write_file(TRACING "/tracing_on", "0");

	printf("cpu: %d\nseconds: %d\nspins: %llu\n", cpu, secs, sh->spins);
	if (isolated) {
		printf("isolate_attempts: %ld\n", sh->attempts);
		printf("breaks: %ld\n", sh->breaks - breaks0);
		if (sh->breaks)
			printf("last_break_detail: %d\n", sh->last_detail);
		printf("prctl_calls: %ld\n", sh->prctls - prctls0);
		for (unsigned int i = 0; i < NR_CAUSES; i++)
			if (sh->cause[i] != cause0[i])
				printf("break %s: %ld\n", cause_names[i], sh->cause[i] - cause0[i]);
	}
	entries = scan_trace(cpu, t0, t1, causes, &ncauses);
	printf("kernel_entries: %ld\n", entries);
	for (int i = 0; i < nrows; i++)
		if (after[i].count != before[i].count)
			printf("irq %s: %llu\n", before[i].name, after[i].count - before[i].count);
	for (int i = 0; i < ncauses; i++)
		printf("cause %s: %ld\n", causes[i].name, causes[i].count);
	return 0;
}
