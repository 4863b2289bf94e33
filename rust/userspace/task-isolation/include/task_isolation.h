/* SPDX-License-Identifier: GPL-2.0 */
/*
 * task_isolation.h - Linux task isolation (PR_TASK_ISOLATION) for C
 * programs: the C API of the task-isolation crate.  Link with its static
 * library, libtask_isolation.a (cargo build --release), and -lpthread -ldl
 * -lm on glibc.  The kernel's side is
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

struct ti_options {
	int signal;		/* break signal; 0: SIGKILL */
	unsigned int max_attempts;	/* EAGAIN retries; 0: 2000 */
	unsigned int flags;	/* TI_NO_* */
};

struct ti_break {
	int cause;		/* TI_CAUSE_* */
	int detail;		/* syscall number or vector; -1: none */
	int signal;		/* the signal that told of it */
};

/*
 * Isolate the calling thread on @cpu: check that the CPU can host an
 * isolated task (/sys/devices/system/cpu/task_isolation), pin the thread
 * to it, mlockall(), pre-fault 256 KiB of stack, then retry
 * PR_TASK_ISOLATION while the CPU is not quiet (back-off from 50 us to
 * 5 ms).  @opts may be NULL (SIGKILL, 2000 attempts).
 * Return: 0, isolated from the return to user mode on; -EINVAL for a CPU
 * that cannot host an isolated task, a kernel without task isolation,
 * unknown TI_NO_* flags or a request the kernel refuses; -EAGAIN when the
 * CPU did not become quiet; another -errno of a failed syscall.  On
 * failure, ti_last_error() says why, with what user space could see that
 * keeps the CPU busy (another runnable task, a pending signal, a queued
 * hrtimer).
 */
int ti_enter(int cpu, const struct ti_options *opts);

/* Leave isolation (an allowed syscall).  Return: 0 or -errno. */
int ti_leave(void);

/*
 * Return: 1 when the calling thread is isolated (and its break signal in
 * *@signal unless NULL, 0 for SIGKILL), 0 when not, or -errno.
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

/* The name of a cause ("syscall", ..., as the trace events print it; "unknown"). */
const char *ti_cause_name(int cause);

/*
 * Install an SA_SIGINFO handler for @signal that records each break;
 * ti_take_break() and ti_breaks() read what it recorded.  Pass the same
 * signal in ti_options.signal.  Return: 0 or -errno.
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
