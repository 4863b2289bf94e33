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
 * and, for the kernels that have them (KCONFIG=debian|rt):
 *   bpf         load and close a socket filter: with BPF_JIT each load
 *               allocates and writes executable text, each close frees it
 *   perf        open, enable, disable and close a cycle counter (software
 *               cpu-clock if the PMU has none) system-wide on CPUs 0 and 1
 *   threads     create and join threads: with VMAP_STACK each stack is
 *               vmalloc'ed and vfree'd (lazy purges flush kernel TLBs)
 *   udp         UDP datagrams over loopback, sender to receiver
 *   veth        create a veth pair, set both ends up, delete it (rtnetlink)
 * and one that is not a stressor of the housekeeping CPUs:
 *   prctl CPU   pinned to CPU, enter and leave task isolation in a loop
 *               (EAGAIN is retried, a break's SIGUSR1 is counted, EINVAL
 *               from a kernel without task isolation too), with a 1 ms
 *               sleep in between; prints the counts on SIGTERM
 * A mode whose syscall fails exits with status 1 and names the call:
 * the bench reports a stressor that stopped.
 */
#define _GNU_SOURCE
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/membarrier.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/prctl.h>
#include <linux/veth.h>
#include <net/if.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
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

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static void bpf_churn(void)
{
	/* r0 = 0; exit: a socket filter that drops everything. */
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	for (;;) {
		int fd;

		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		attr.insns = (unsigned long)insns;
		attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
		attr.license = (unsigned long)"GPL";
		fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		if (fd < 0)
			fail("bpf(BPF_PROG_LOAD)");
		close(fd);
	}
}

static int perf_open(int cpu, __u32 type, __u64 config)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = type,
		.config = config,
		.disabled = 1,
	};

	return syscall(__NR_perf_event_open, &attr, -1, cpu, -1, 0);
}

static void perf_churn(void)
{
	for (;;) {
		int cpu, fd[2];

		for (cpu = 0; cpu < 2; cpu++) {
			fd[cpu] = perf_open(cpu, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
			if (fd[cpu] < 0)
				fd[cpu] = perf_open(cpu, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
			/* CPU 1 offline (the hotplug stressor): that one next time. */
			if (fd[cpu] < 0 && errno == ENODEV)
				continue;
			if (fd[cpu] < 0)
				fail("perf_event_open");
			ioctl(fd[cpu], PERF_EVENT_IOC_ENABLE, 0);
		}
		for (cpu = 0; cpu < 2; cpu++) {
			if (fd[cpu] < 0)
				continue;
			ioctl(fd[cpu], PERF_EVENT_IOC_DISABLE, 0);
			close(fd[cpu]);
		}
	}
}

static void *thread_fn(void *arg)
{
	return arg;
}

static void thread_churn(void)
{
	for (;;) {
		pthread_t t[8];
		int i;

		for (i = 0; i < 8; i++)
			if (pthread_create(&t[i], NULL, thread_fn, NULL))
				fail("pthread_create");
		for (i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
	}
}

static void udp_loopback(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	char buf[512] = { 0 };
	int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);

	if (rx < 0 || tx < 0)
		fail("socket");
	if (bind(rx, (struct sockaddr *)&a, sizeof(a)) || getsockname(rx, (struct sockaddr *)&a, &len))
		fail("bind");
	for (;;) {
		if (sendto(tx, buf, sizeof(buf), 0, (struct sockaddr *)&a, sizeof(a)) < 0)
			fail("sendto");
		if (recv(rx, buf, sizeof(buf), 0) < 0)
			fail("recv");
	}
}

/* One rtnetlink request, built in place: header, ifinfomsg, attributes. */
struct nlreq {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[256];
};

static struct rtattr *nl_attr(struct nlreq *r, unsigned short type, const void *data, int len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nl_end(struct nlreq *r, struct rtattr *nest)
{
	nest->rta_len = (char *)r + r->nh.nlmsg_len - (char *)nest;
}

/* Send @r and wait for its acknowledgement; exit on an error. */
static void nl_talk(int fd, struct nlreq *r, const char *what)
{
	char buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;

	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (send(fd, r, r->nh.nlmsg_len, 0) < 0 || recv(fd, buf, sizeof(buf), 0) < 0)
		fail(what);
	if (h->nlmsg_type == NLMSG_ERROR && ((struct nlmsgerr *)NLMSG_DATA(h))->error) {
		fprintf(stderr, "%s: error %d\n", what, ((struct nlmsgerr *)NLMSG_DATA(h))->error);
		exit(1);
	}
}

static void nl_init(struct nlreq *r, unsigned short type, unsigned short flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(r->ifi));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = flags;
	r->ifi.ifi_family = AF_UNSPEC;
}

static void link_up(int fd, const char *name)
{
	struct nlreq r;

	nl_init(&r, RTM_NEWLINK, 0);
	r.ifi.ifi_index = if_nametoindex(name);
	r.ifi.ifi_flags = IFF_UP;
	r.ifi.ifi_change = IFF_UP;
	nl_talk(fd, &r, "RTM_NEWLINK up");
}

static void veth_churn(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

	if (fd < 0)
		fail("socket(AF_NETLINK)");
	for (;;) {
		struct rtattr *info, *data, *peer;
		struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
		struct nlreq r;

		nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
		nl_attr(&r, IFLA_IFNAME, "tiveth0", sizeof("tiveth0"));
		info = nl_attr(&r, IFLA_LINKINFO, NULL, 0);
		nl_attr(&r, IFLA_INFO_KIND, "veth", sizeof("veth") - 1);
		data = nl_attr(&r, IFLA_INFO_DATA, NULL, 0);
		peer = nl_attr(&r, VETH_INFO_PEER, &peer_ifi, sizeof(peer_ifi));
		nl_attr(&r, IFLA_IFNAME, "tiveth1", sizeof("tiveth1"));
		nl_end(&r, peer);
		nl_end(&r, data);
		nl_end(&r, info);
		nl_talk(fd, &r, "RTM_NEWLINK veth");
		link_up(fd, "tiveth0");
		link_up(fd, "tiveth1");
		nl_init(&r, RTM_DELLINK, 0);
		r.ifi.ifi_index = if_nametoindex("tiveth0");
		nl_talk(fd, &r, "RTM_DELLINK");
	}
}

static volatile sig_atomic_t prctl_ok, prctl_einval, prctl_breaks, prctl_stop;

static void on_usr1(int sig)
{
	prctl_breaks++;
}

static void on_term(int sig)
{
	prctl_stop = 1;
}

static int prctl_churn(int cpu)
{
	struct timespec ms = { 0, 1000000 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fail("sched_setaffinity");
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		fail("mlockall");
	signal(SIGUSR1, on_usr1);
	signal(SIGTERM, on_term);
	while (!prctl_stop) {
		if (!prctl(PR_TASK_ISOLATION, PR_TASK_ISOLATION_ENABLE |
			   PR_TASK_ISOLATION_SET_SIG(SIGUSR1), 0, 0, 0)) {
			prctl_ok++;
			prctl(PR_TASK_ISOLATION, 0, 0, 0, 0);
		} else if (errno == EINVAL) {
			/* A kernel without task isolation: the same syscalls and sleeps. */
			prctl_einval++;
		} else if (errno != EAGAIN) {
			fail("prctl(PR_TASK_ISOLATION)");
		}
		nanosleep(&ms, NULL);
	}
	printf("isolated: %d\neinval: %d\nbreaks: %d\n", (int)prctl_ok, (int)prctl_einval,
	       (int)prctl_breaks);
	return 0;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	const char *mode = argc >= 2 ? argv[1] : "";

	if (argc == 3 && !strcmp(mode, "prctl"))
		return prctl_churn(atoi(argv[2]));

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
	else if (!strcmp(mode, "bpf"))
		bpf_churn();
	else if (!strcmp(mode, "perf"))
		perf_churn();
	else if (!strcmp(mode, "threads"))
		thread_churn();
	else if (!strcmp(mode, "udp"))
		udp_loopback();
	else if (!strcmp(mode, "veth"))
		veth_churn();
	fprintf(stderr, "usage: stress mprotect|fork|timer|lru|membarrier|bpf|perf|threads|udp|veth, stress prctl CPU\n");
	return 2;
}
