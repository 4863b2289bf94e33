/* SPDX-License-Identifier: GPL-2.0 */
/*
 * task_isolation.h - Linux task isolation (PR_TASK_ISOLATION) for C
 * programs: the C API of the task-isolation crate.  Link with its static
 * library, libtask_isolation.a (cargo build --release), and the system
 * libraries that `cargo rustc --lib -- --print native-static-libs` lists
 * (glibc: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc).  The kernel's side is
 * Documentation/userspace-api/task_isolation.rst.
 *
 * Every function may be called from any thread; isolation is a property
 * of the calling thread.  Errors are negative errno values.
 */
#ifndef TASK_ISOLATION_H
#define TASK_ISOLATION_H

#include <signal.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The causes of a break (si_errno of the break signal). */
#define TI_CAUSE_SYSCALL	1	/* detail: the syscall number */
#define TI_CAUSE_EXCEPTION	2	/* detail: x86 IDT vector, arm64 ESR_ELx.EC */
#define TI_CAUSE_INTERRUPT	3	/* detail: x86 IDT vector, -1 on arm64 */
#define TI_CAUSE_NMI		4
#define TI_CAUSE_ENTRY		5	/* interrupt or exception, not told apart */
#define TI_CAUSE_NOT_QUIET	6	/* CPU busy again on the way to user mode */
#define TI_CAUSE_AFFINITY	7	/* affinity changed, or the CPU left the set */

/* ti_options.flags */
#define TI_NO_PIN	(1u << 0)	/* the thread is pinned to the CPU already */
#define TI_NO_MLOCK	(1u << 1)	/* no mlockall(MCL_CURRENT | MCL_FUTURE) */
/* The modes (Documentation/userspace-api/task_isolation.rst, "Modes"). */
#define TI_ALLOW_SYSCALLS (1u << 2)	/* syscalls keep isolation (soft) */
#define TI_LOG		(1u << 3)	/* breaks are logged, not signalled */

struct ti_options {
	int signal;		/* break signal, 0..SIGRTMAX; 0: SIGKILL; 0 with TI_LOG */
	unsigned int max_attempts;	/* EAGAIN retries; 0: 2000 */
	unsigned int flags;	/* TI_NO_*, TI_ALLOW_SYSCALLS, TI_LOG */
	unsigned int stack_kib;	/* stack to pre-fault (KiB); 0: 256 */
};

/* A thread's counters: the kernel's struct task_isolation_stats. */
struct ti_stats {
	unsigned long long isolated;	/* times the thread became isolated */
	unsigned long long breaks;	/* breaks, all causes */
	unsigned long long by_cause[16];	/* breaks by TI_CAUSE_* (0 unused) */
	int last_cause;			/* of the last break, 0 if none */
	int last_detail;		/* its detail */
};

struct ti_break {
	int cause;		/* TI_CAUSE_*, or a newer kernel's number */
	int detail;		/* syscall number or vector; -1: none */
	int signal;		/* the signal that told of it */
};

/* The library (src/ffi.rs) asserts the same sizes. */
_Static_assert(sizeof(struct ti_options) == 16, "struct ti_options");
_Static_assert(sizeof(struct ti_break) == 12, "struct ti_break");
_Static_assert(sizeof(struct ti_stats) == 152, "struct ti_stats");

/*
 * Isolate the calling thread on @cpu: check that the CPU can host an
 * isolated task (/sys/devices/system/cpu/task_isolation), pin the thread
 * to it (with TI_NO_PIN: check that it is pinned there alone),
 * mlockall(MCL_CURRENT | MCL_FUTURE), pre-fault the stack, then retry
 * PR_TASK_ISOLATION while the CPU is not quiet (back-off from 50 us to
 * 5 ms).  @opts may be NULL (SIGKILL, 2000 attempts, 256 KiB of stack).
 * The pinning and the memory locking stay after isolation ends.
 * Return: 0, isolated from the return to user mode on; -EINVAL for a bad
 * argument (a signal outside 0..SIGRTMAX, a signal with TI_LOG, unknown
 * TI_* flags, a negative CPU), a CPU that cannot host an isolated task, a thread not
 * pinned to it alone, or a request the kernel refuses; -EOPNOTSUPP on a
 * kernel without task isolation; -EAGAIN when the CPU did not become
 * quiet; another -errno of a failed syscall.  On failure,
 * ti_last_error() says why; for -EAGAIN, the kernel's reason
 * (ti_not_quiet()) and what user space sees (the runnable tasks there,
 * the hrtimers queued there).  Not a cancellation point: a thread
 * cancelled inside it is undefined behaviour (disable cancellation
 * around it).
 */
int ti_enter(int cpu, const struct ti_options *opts);

/* Leave isolation (an allowed syscall).  Return: 0 or -errno. */
int ti_leave(void);

/*
 * The calling thread's counters (PR_GET_TASK_ISOLATION with
 * PR_TASK_ISOLATION_GET_STATS, an allowed syscall) into *@out.
 * Return: 0; -EOPNOTSUPP on a kernel without them; -EINVAL for NULL.
 */
int ti_stats(struct ti_stats *out);

/*
 * Return: 1 when the calling thread is isolated (and its break signal in
 * *@signal unless NULL, 0 for SIGKILL; with TI_LOG, also while it waits
 * to be isolated again after a break), 0 when not, or -errno.
 */
int ti_state(int *signal);

/*
 * Copy the text of the calling thread's last ti_enter() failure into
 * @buf (at most @len bytes, NUL-terminated).  Return: its full length.
 */
size_t ti_last_error(char *buf, size_t len);

/*
 * Decode the siginfo of a signal.  Return: 0 and *@out filled when it
 * tells of a break (si_code SI_KERNEL, a known cause in si_errno),
 * -ENOENT when it does not (a fault's own signal, a kill()), -EINVAL for
 * a NULL pointer.  Async-signal-safe.
 */
int ti_decode(const siginfo_t *si, struct ti_break *out);

/* Why the kernel's last check found the CPU busy (ti_not_quiet()). */
#define TI_NOT_QUIET_TASK	1	/* another runnable task */
#define TI_NOT_QUIET_SIGNAL	2	/* a pending signal */
#define TI_NOT_QUIET_TICK	3	/* the tick; detail: TICK_DEP bits */
#define TI_NOT_QUIET_TIMER	4	/* a timer queued */

/*
 * Why the calling thread's last check of its CPU (its last
 * PR_TASK_ISOLATION request, or its way back to user mode) found the CPU
 * busy: PR_GET_TASK_ISOLATION with PR_TASK_ISOLATION_GET_NOT_QUIET, an
 * allowed syscall.  Return: TI_NOT_QUIET_*, and its detail in *@detail
 * unless NULL (for the tick, the PR_TASK_ISOLATION_TICK_DEP_* bits that
 * keep it, else 0); 0 when the check found the CPU quiet; -EINVAL on a
 * kernel without the query.
 */
int ti_not_quiet(int *detail);

/* The name of a cause ("syscall", ..., as the trace events print it; "unknown"). */
const char *ti_cause_name(int cause);

/*
 * Install an SA_SIGINFO | SA_RESTART handler for @signal that records
 * each break, replacing the signal's handler; ti_take_break() and
 * ti_breaks() read what it recorded.  Pass the same signal in
 * ti_options.signal.  The record is the process's: with several isolated
 * threads, the last break of any of them.  Return: 0 or -errno.
 */
int ti_install_break_handler(int signal);

/* Return: 1 and the last recorded break in *@out (unless NULL), once; else 0. */
int ti_take_break(struct ti_break *out);

/* Return: how many breaks the handler has recorded. */
unsigned int ti_breaks(void);

#ifdef __cplusplus
}
#endif

#endif /* TASK_ISOLATION_H */
