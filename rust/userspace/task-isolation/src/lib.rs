// SPDX-License-Identifier: GPL-2.0
//! Linux task isolation for applications.
//!
//! `PR_TASK_ISOLATION` (Documentation/userspace-api/task_isolation.rst)
//! lets a task that runs alone on an isolated CPU (booted with
//! `isolcpus=nohz,domain,CPULIST`) ask the kernel never to interrupt it
//! in user mode, and to be told by a signal when that promise breaks.
//! This crate does what every such program does around the prctl: pin the
//! task, lock and pre-fault its memory, retry while the CPU is not quiet
//! yet (with a bounded back-off, and the reasons it can see when it gives
//! up), decode the break signal, and leave again.
//!
//! ```no_run
//! use task_isolation::{Isolated, Options};
//!
//! task_isolation::install_break_handler(libc::SIGUSR1)?;
//! let guard = Isolated::enter(2, &Options { signal: libc::SIGUSR1, ..Options::default() })?;
//! // ... the polling loop: no syscall, no page fault ...
//! if let Some(b) = task_isolation::take_break() {
//!     eprintln!("isolation broke: {b}");
//! }
//! drop(guard); // leaves isolation
//! # Ok::<(), task_isolation::Error>(())
//! ```
//!
//! C programs use the same functions through `include/task_isolation.h`
//! and the static library (`ti_enter()`, `ti_leave()`, ...).

pub mod abi;
mod ffi;
pub mod sys;
pub mod trace;

pub use abi::{Cause, Mode, NotQuiet, Stats};

use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// `si_code` of a break signal (libc's constant).
pub use libc::SI_KERNEL;

/// How [`Isolated::enter`] goes about it.
#[derive(Debug, Clone)]
pub struct Options {
    /// The break signal; 0 is the kernel's default, `SIGKILL`.  Must be 0
    /// in a mode that logs breaks ([`Mode::Log`], [`Mode::SoftLog`]).
    pub signal: i32,
    /// Whether syscalls keep isolation, and whether breaks are signalled
    /// or logged ([`Mode`]); the default is the kernel's, strict.
    pub mode: Mode,
    /// How many `PR_TASK_ISOLATION` calls to make while the CPU is not
    /// quiet (`EAGAIN`) before giving up; 0 is the default, 2000.
    pub max_attempts: u32,
    /// Pin the calling thread to the CPU first (else it must be pinned to
    /// that CPU alone already: [`Error::NotPinned`]).  The pinning stays
    /// after isolation ends.
    pub pin: bool,
    /// `mlockall(MCL_CURRENT | MCL_FUTURE)` first: a page fault breaks
    /// isolation.  It stays in effect for the process after isolation
    /// ends: later mappings, thread stacks included, are locked too and
    /// count against `RLIMIT_MEMLOCK`.
    pub mlock: bool,
    /// Bytes of stack below the caller to touch first, for the same
    /// reason; no more than the thread's stack has left (a small thread
    /// stack wants less than the default, 256 KiB).
    pub prefault_stack: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            signal: 0,
            mode: Mode::Strict,
            max_attempts: 2000,
            pin: true,
            mlock: true,
            prefault_stack: 256 * 1024,
        }
    }
}

/// The back-off after the `attempt`th `EAGAIN` (counted from 0): 50 us,
/// doubling, at most 5 ms.  2000 attempts take at most about 10 s.
pub fn backoff(attempt: u32) -> Duration {
    let us = 50u64.saturating_mul(1u64 << attempt.min(16));
    Duration::from_micros(us.min(5000))
}

/// What keeps a CPU from being quiet: what the kernel's last check found
/// (`PR_TASK_ISOLATION_GET_NOT_QUIET`), and what user space can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The kernel's own answer for the task's last check.
    Kernel(NotQuiet),
    /// Another task is runnable on the CPU.
    OtherTask {
        /// Its thread id.
        tid: i32,
        /// Its command name.
        comm: String,
    },
    /// An hrtimer is queued on the CPU (`/proc/timer_list`, root only).
    Hrtimer {
        /// The timer's function.
        function: String,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Kernel(n) => write!(f, "the kernel says {n}"),
            Reason::OtherTask { tid, comm } => {
                write!(f, "another runnable task on the CPU: {comm} (tid {tid})")
            }
            Reason::Hrtimer { function } => {
                write!(f, "an hrtimer is queued on the CPU: {function}")
            }
        }
    }
}

/// Why entering failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The kernel has no task isolation (no
    /// `/sys/devices/system/cpu/task_isolation`).
    Unsupported,
    /// The CPU is not both nohz_full and domain-isolated.
    NotEligible {
        /// The CPU asked for.
        cpu: usize,
        /// Whether it is nohz_full.
        nohz_full: bool,
        /// Whether it is outside the scheduler domains.
        domain_isolated: bool,
    },
    /// An argument this library refuses before asking the kernel: a
    /// signal outside `0..=SIGRTMAX` (its encoding would change it), a
    /// signal with a mode that sends none, an unknown option of the C
    /// API, a negative CPU.
    InvalidArgument(&'static str),
    /// The thread may run on other CPUs than `cpu` ([`Options::pin`] off).
    NotPinned {
        /// The CPU asked for.
        cpu: usize,
        /// The CPUs the thread may run on.
        allowed: Vec<usize>,
    },
    /// The kernel refused the request (`EINVAL`): a break signal it does
    /// not accept, a traced task, a compat task, syscall user dispatch.
    Refused {
        /// The flags passed.
        flags: libc::c_ulong,
    },
    /// The CPU did not become quiet (`EAGAIN`) in `attempts` calls.
    NotQuiet {
        /// The CPU asked for.
        cpu: usize,
        /// How many calls were made.
        attempts: u32,
        /// What user space could see after the last one (may be empty).
        reasons: Vec<Reason>,
    },
    /// A system call failed.
    Os {
        /// Which one.
        call: &'static str,
        /// Its errno.
        errno: i32,
    },
}

impl Error {
    /// The errno a C caller gets for it, positive.
    pub fn errno(&self) -> i32 {
        match self {
            Error::Unsupported => libc::EOPNOTSUPP,
            Error::InvalidArgument(_)
            | Error::NotPinned { .. }
            | Error::NotEligible { .. }
            | Error::Refused { .. } => libc::EINVAL,
            Error::NotQuiet { .. } => libc::EAGAIN,
            Error::Os { errno, .. } => *errno,
        }
    }

    fn last_os(call: &'static str) -> Error {
        Error::Os {
            call,
            errno: io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unsupported => {
                f.write_str("the kernel has no task isolation (no /sys/devices/system/cpu/task_isolation)")
            }
            Error::NotEligible {
                cpu,
                nohz_full,
                domain_isolated,
            } => {
                write!(f, "CPU {cpu} cannot host an isolated task:")?;
                if !nohz_full {
                    f.write_str(" not nohz_full")?;
                }
                if !domain_isolated {
                    f.write_str(" not domain-isolated")?;
                }
                if *nohz_full && *domain_isolated {
                    f.write_str(" not listed in /sys/devices/system/cpu/task_isolation")?;
                }
                f.write_str(" (boot with isolcpus=nohz,domain,CPULIST)")
            }
            Error::InvalidArgument(what) => write!(f, "invalid argument: {what}"),
            Error::NotPinned { cpu, allowed } => write!(
                f,
                "the thread may run on CPUs {}, not on CPU {cpu} alone (pin it, or set Options::pin)",
                sys::format_cpulist(allowed)
            ),
            Error::Refused { flags } => write!(
                f,
                "the kernel refused PR_TASK_ISOLATION {flags:#x} (EINVAL: signal, traced or compat task, syscall user dispatch)"
            ),
            Error::NotQuiet {
                cpu,
                attempts,
                reasons,
            } => {
                write!(f, "CPU {cpu} not quiet after {attempts} attempts")?;
                if reasons.is_empty() {
                    f.write_str(": no reason found (a kernel without PR_TASK_ISOLATION_GET_NOT_QUIET: the tick or a timer-wheel timer)")
                } else {
                    for (i, r) in reasons.iter().enumerate() {
                        f.write_str(if i == 0 { ": " } else { "; " })?;
                        write!(f, "{r}")?;
                    }
                    Ok(())
                }
            }
            Error::Os { call, errno } => write!(f, "{call}: {}", io::Error::from_raw_os_error(*errno)),
        }
    }
}

impl std::error::Error for Error {}

/// The isolation state of the calling thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    /// The break signal; 0 for `SIGKILL` (or none, in a mode that logs).
    pub signal: i32,
    /// The mode of the request in effect.
    pub mode: Mode,
}

fn prctl(option: libc::c_int, arg: libc::c_ulong) -> libc::c_int {
    // SAFETY: PR_TASK_ISOLATION and PR_GET_TASK_ISOLATION take integers
    // only; no pointer is passed.
    unsafe {
        libc::prctl(
            option,
            arg,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    }
}

/// Whether the calling thread is isolated, and with which signal and
/// mode (`PR_GET_TASK_ISOLATION`, an allowed syscall: it does not break
/// isolation).  In a mode that logs breaks, a thread that waits to be
/// isolated again after a break counts as isolated.
pub fn state() -> Result<Option<State>, Error> {
    let r = prctl(abi::PR_GET_TASK_ISOLATION, 0);
    if r < 0 {
        return Err(Error::last_os("prctl(PR_GET_TASK_ISOLATION)"));
    }
    let flags = r as libc::c_ulong;
    Ok((flags & abi::ENABLE != 0).then(|| State {
        signal: abi::signal_of(flags),
        mode: Mode::of(flags),
    }))
}

/// The calling thread's counters (`PR_GET_TASK_ISOLATION` with
/// `GET_STATS`, an allowed syscall): how often it became isolated, and
/// its breaks by cause.  [`Error::Unsupported`] on a kernel without them.
pub fn stats() -> Result<Stats, Error> {
    let mut st = Stats::default();
    // SAFETY: arg3 points to a struct task_isolation_stats of the size
    // passed in arg4, which the kernel may write.
    let r = unsafe {
        libc::prctl(
            abi::PR_GET_TASK_ISOLATION,
            abi::GET_STATS,
            &mut st as *mut Stats,
            std::mem::size_of::<Stats>() as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    if r < 0 {
        return match io::Error::last_os_error().raw_os_error() {
            Some(libc::EINVAL) => Err(Error::Unsupported),
            _ => Err(Error::last_os("prctl(PR_GET_TASK_ISOLATION, GET_STATS)")),
        };
    }
    Ok(st)
}

/// Why the calling thread's last check of its CPU (its last
/// `PR_TASK_ISOLATION` request, or its way back to user mode) found the
/// CPU busy; `None` when it found it quiet.  An allowed syscall.
/// [`Error::Unsupported`] on a kernel without the query.
pub fn not_quiet() -> Result<Option<NotQuiet>, Error> {
    let mut detail: libc::c_int = 0;
    // SAFETY: arg3 points to an int the kernel may write.
    let r = unsafe {
        libc::prctl(
            abi::PR_GET_TASK_ISOLATION,
            abi::GET_NOT_QUIET,
            &mut detail as *mut libc::c_int,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    if r < 0 {
        return match io::Error::last_os_error().raw_os_error() {
            Some(libc::EINVAL) => Err(Error::Unsupported),
            _ => Err(Error::last_os(
                "prctl(PR_GET_TASK_ISOLATION, GET_NOT_QUIET)",
            )),
        };
    }
    Ok(NotQuiet::from_raw(r, detail))
}

/// Leave isolation (an allowed syscall; a no-op when not isolated).
pub fn leave() -> Result<(), Error> {
    if prctl(abi::PR_TASK_ISOLATION, 0) < 0 {
        return Err(Error::last_os("prctl(PR_TASK_ISOLATION, 0)"));
    }
    Ok(())
}

/// What keeps `cpu` from being quiet for the calling thread: the kernel's
/// answer for its last check ([`not_quiet`], when the kernel has it), then
/// what user space can see: other runnable tasks there, hrtimers queued
/// there (when `/proc/timer_list` is readable).  A pending signal only the
/// kernel can tell: `sigpending()` shows the blocked ones, which do not
/// count.
pub fn diagnose(cpu: usize) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if let Ok(Some(n)) = not_quiet() {
        reasons.push(Reason::Kernel(n));
    }
    // SAFETY: gettid() has no preconditions.
    let me = unsafe { libc::gettid() };
    for t in sys::tasks(Path::new("/")) {
        if t.cpu == cpu && t.state == 'R' && t.tid != me {
            reasons.push(Reason::OtherTask {
                tid: t.tid,
                comm: t.comm,
            });
        }
    }
    if let Ok(text) = std::fs::read_to_string("/proc/timer_list") {
        for function in sys::hrtimers_on(&text, cpu).unwrap_or_default() {
            reasons.push(Reason::Hrtimer { function });
        }
    }
    reasons
}

/// Whether `cpu` can host an isolated task, as sysfs under `root` says.
fn check_eligible(root: &Path, cpu: usize) -> Result<(), Error> {
    let dir = sys::cpu_dir(root);
    let list = sys::read_cpulist(&dir.join("task_isolation")).map_err(|_| Error::Unsupported)?;
    if list.contains(&cpu) {
        return Ok(());
    }
    let has = |f: &str| sys::read_cpulist(&dir.join(f)).is_ok_and(|l| l.contains(&cpu));
    Err(Error::NotEligible {
        cpu,
        nohz_full: has("nohz_full"),
        domain_isolated: has("isolated"),
    })
}

/// The CPUs the calling thread may run on.
pub(crate) fn affinity() -> Result<Vec<usize>, Error> {
    // SAFETY: an all-zero cpu_set_t is a valid empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid cpu_set_t of the size passed.
    if unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) } < 0 {
        return Err(Error::last_os("sched_getaffinity"));
    }
    // SAFETY: `set` was filled in, and every index is below CPU_SETSIZE.
    Ok((0..libc::CPU_SETSIZE as usize)
        .filter(|&c| unsafe { libc::CPU_ISSET(c, &set) })
        .collect())
}

pub(crate) fn pin(cpu: usize) -> Result<(), Error> {
    if cpu >= libc::CPU_SETSIZE as usize {
        return Err(Error::InvalidArgument("CPU number beyond CPU_SETSIZE"));
    }
    // SAFETY: an all-zero cpu_set_t is a valid empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid cpu_set_t, and `cpu` is below CPU_SETSIZE
    // (checked above): CPU_SET does not check.
    unsafe { libc::CPU_SET(cpu, &mut set) };
    // SAFETY: `set` is a valid cpu_set_t of the size passed.
    if unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) } < 0 {
        return Err(Error::last_os("sched_setaffinity"));
    }
    Ok(())
}

/// Touch `bytes` of stack below the caller, 16 KiB a frame.
#[inline(never)]
fn prefault_stack(bytes: usize) {
    let mut page = [0u8; 16 * 1024];
    std::hint::black_box(&mut page);
    if bytes > page.len() {
        prefault_stack(bytes - page.len());
    }
    std::hint::black_box(&page);
}

/// Isolation of the calling thread, left when dropped.  Not `Send`: it
/// belongs to the thread that entered.
#[derive(Debug)]
pub struct Isolated {
    cpu: usize,
    signal: i32,
    _thread: PhantomData<*const ()>,
}

impl Isolated {
    /// Isolate the calling thread on `cpu`: check that the CPU is
    /// eligible, pin, lock memory and pre-fault the stack as `opts` says,
    /// then call `PR_TASK_ISOLATION` until the CPU is quiet, with a
    /// bounded back-off ([`backoff`]).  The returned guard is isolated
    /// from the return to user mode on, until a break or until it is
    /// dropped.
    pub fn enter(cpu: usize, opts: &Options) -> Result<Isolated, Error> {
        let flags = abi::request_flags(opts.signal, opts.mode).ok_or(Error::InvalidArgument(
            if opts.mode.logs() {
                "a break signal with a mode that logs breaks"
            } else {
                "break signal outside 0..=SIGRTMAX"
            },
        ))?;
        check_eligible(Path::new("/"), cpu)?;
        if opts.pin {
            pin(cpu)?;
        } else {
            let allowed = affinity()?;
            if allowed != [cpu] {
                return Err(Error::NotPinned { cpu, allowed });
            }
        }
        // SAFETY: mlockall() has no memory-safety preconditions.
        if opts.mlock && unsafe { libc::mlockall(libc::MCL_CURRENT | libc::MCL_FUTURE) } < 0 {
            return Err(Error::last_os("mlockall"));
        }
        prefault_stack(opts.prefault_stack);
        let attempts = match opts.max_attempts {
            0 => Options::default().max_attempts,
            n => n,
        };
        for attempt in 0..attempts {
            if prctl(abi::PR_TASK_ISOLATION, flags) == 0 {
                return Ok(Isolated {
                    cpu,
                    signal: opts.signal,
                    _thread: PhantomData,
                });
            }
            match io::Error::last_os_error().raw_os_error() {
                Some(libc::EAGAIN) => {}
                Some(libc::EINVAL) => {
                    // The CPU or the affinity may have changed since the
                    // checks (a cpuset, another task's sched_setaffinity()).
                    check_eligible(Path::new("/"), cpu)?;
                    let allowed = affinity()?;
                    if allowed != [cpu] {
                        return Err(Error::NotPinned { cpu, allowed });
                    }
                    return Err(Error::Refused { flags });
                }
                _ => return Err(Error::last_os("prctl(PR_TASK_ISOLATION)")),
            }
            if attempt + 1 < attempts {
                std::thread::sleep(backoff(attempt));
            }
        }
        Err(Error::NotQuiet {
            cpu,
            attempts,
            reasons: diagnose(cpu),
        })
    }

    /// The CPU it runs isolated on.
    pub fn cpu(&self) -> usize {
        self.cpu
    }

    /// Its break signal (0: `SIGKILL`).
    pub fn signal(&self) -> i32 {
        self.signal
    }

    /// Whether the thread is still isolated (no break since it entered;
    /// in a mode that logs breaks, whether it still asks for isolation:
    /// [`stats`] tells of its breaks).
    pub fn is_isolated(&self) -> Result<bool, Error> {
        state().map(|s| s.is_some())
    }

    /// Leave isolation now, with its result.
    pub fn leave(self) -> Result<(), Error> {
        let r = leave();
        std::mem::forget(self);
        r
    }
}

impl Drop for Isolated {
    fn drop(&mut self) {
        // Nothing to report it to; leave() explains a failure.
        let _ = leave();
    }
}

/// One break, as its signal tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    /// Why isolation broke.
    pub cause: Cause,
    /// The syscall number or vector; -1 when none is named.
    pub detail: i32,
    /// The signal that told of it.
    pub signal: i32,
}

impl Break {
    /// The break a signal's siginfo reports, if it reports one:
    /// `si_code` `SI_KERNEL`, the cause in `si_errno`, the detail in
    /// `si_pid`.  A fault's own signal (the notification in the default
    /// mode) is not one.
    pub fn from_siginfo(si: &libc::siginfo_t) -> Option<Break> {
        if si.si_code != SI_KERNEL {
            return None;
        }
        let cause = Cause::from_raw(si.si_errno)?;
        // SAFETY: the kernel fills the _kill member for SI_KERNEL
        // signals, and si_pid reads it; every bit pattern is an int.
        let detail = unsafe { si.si_pid() };
        Some(Break {
            cause,
            detail,
            signal: si.si_signo,
        })
    }

    /// One word for the handler's atomic store: a valid bit, the signal
    /// (8 bits), the cause (16 bits: a larger unknown one is clamped), the
    /// detail.
    fn pack(self) -> u64 {
        let cause = self.cause.number().clamp(0, 0xffff) as u64;
        (1 << 63) | ((self.signal as u64 & 0xff) << 48) | (cause << 32) | self.detail as u32 as u64
    }

    fn unpack(v: u64) -> Option<Break> {
        if v & (1 << 63) == 0 {
            return None;
        }
        Some(Break {
            cause: Cause::from_raw(((v >> 32) & 0xffff) as i32)?,
            detail: v as u32 as i32,
            signal: ((v >> 48) & 0xff) as i32,
        })
    }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.cause)?;
        match self.cause {
            Cause::Syscall => write!(f, " (syscall {})", self.detail),
            Cause::Exception | Cause::Interrupt if self.detail >= 0 => {
                write!(f, " (vector {:#x})", self.detail)
            }
            _ => Ok(()),
        }
    }
}

static BREAKS: AtomicU32 = AtomicU32::new(0);
static LAST_BREAK: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_break(_sig: libc::c_int, si: *mut libc::siginfo_t, _uc: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler.
    if let Some(b) = unsafe { si.as_ref() }.and_then(Break::from_siginfo) {
        LAST_BREAK.store(b.pack(), Ordering::Relaxed);
        BREAKS.fetch_add(1, Ordering::Release);
    }
}

/// Install a handler for `signal` that records each break (async-signal
/// safe: two atomics); [`take_break`] and [`breaks`] read them.  Use the
/// same signal in [`Options::signal`].  It replaces the signal's handler,
/// with `SA_RESTART` (a syscall that broke isolation by mistake is not
/// cut short with `EINTR`).  The record is the process's, not the
/// thread's: with several isolated threads, the last break of any of
/// them is the one [`take_break`] returns.
pub fn install_break_handler(signal: i32) -> Result<(), Error> {
    // SAFETY: an all-zero sigaction is valid (no flags, empty mask).
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = on_break as *const () as libc::sighandler_t;
    sa.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
    // SAFETY: `sa` is a valid sigaction whose handler has the SA_SIGINFO
    // signature and only touches atomics.
    if unsafe { libc::sigaction(signal, &sa, std::ptr::null_mut()) } < 0 {
        return Err(Error::last_os("sigaction"));
    }
    Ok(())
}

/// The last break the handler recorded since the last call, if any.
pub fn take_break() -> Option<Break> {
    Break::unpack(LAST_BREAK.swap(0, Ordering::Acquire))
}

/// How many breaks the handler has recorded.
pub fn breaks() -> u32 {
    BREAKS.load(Ordering::Acquire)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded() {
        assert_eq!(backoff(0), Duration::from_micros(50));
        assert_eq!(backoff(3), Duration::from_micros(400));
        assert_eq!(backoff(7), Duration::from_millis(5));
        assert_eq!(backoff(u32::MAX), Duration::from_millis(5));
        let total: Duration = (0..2000).map(backoff).sum();
        assert!(total < Duration::from_secs(11), "{total:?}");
    }

    fn siginfo(code: i32, errno: i32, pid: i32) -> libc::siginfo_t {
        // SAFETY: all-zero is a valid siginfo_t.
        let mut si: libc::siginfo_t = unsafe { std::mem::zeroed() };
        si.si_signo = libc::SIGUSR1;
        si.si_code = code;
        si.si_errno = errno;
        // The _kill member: si_pid follows the three ints (and padding on
        // 64-bit), as the kernel lays it out.
        let base = &mut si as *mut libc::siginfo_t as *mut u8;
        let off = if cfg!(target_pointer_width = "64") {
            16
        } else {
            12
        };
        // SAFETY: the offset is within siginfo_t (128 bytes).
        unsafe { base.add(off).cast::<i32>().write_unaligned(pid) };
        si
    }

    #[test]
    fn breaks_decode_from_siginfo() {
        let b = Break::from_siginfo(&siginfo(SI_KERNEL, 1, 39)).unwrap();
        assert_eq!(
            b,
            Break {
                cause: Cause::Syscall,
                detail: 39,
                signal: libc::SIGUSR1
            }
        );
        assert_eq!(b.to_string(), "syscall (syscall 39)");
        let b = Break::from_siginfo(&siginfo(SI_KERNEL, 3, 0xfb)).unwrap();
        assert_eq!(b.to_string(), "interrupt (vector 0xfb)");
        let b = Break::from_siginfo(&siginfo(SI_KERNEL, 7, -1)).unwrap();
        assert_eq!(
            (b.cause, b.detail, b.to_string().as_str()),
            (Cause::Affinity, -1, "affinity")
        );
        // A fault's own signal, or a signal from kill(), is no break.
        assert_eq!(Break::from_siginfo(&siginfo(1, 0, 0)), None);
        assert_eq!(Break::from_siginfo(&siginfo(0, 0, 1234)), None);
        // A cause of a newer kernel is still a break; SI_KERNEL without a
        // cause (si_errno 0) is not one.
        let b = Break::from_siginfo(&siginfo(SI_KERNEL, 9, 5)).unwrap();
        assert_eq!(
            (b.cause, b.detail, b.to_string().as_str()),
            (Cause::Other(9), 5, "cause 9")
        );
        assert_eq!(Break::from_siginfo(&siginfo(SI_KERNEL, 0, 0)), None);
    }

    #[test]
    fn the_handler_records_breaks_unknown_causes_included() {
        install_break_handler(libc::SIGUSR2).unwrap();
        // A break signal as the kernel sends it, to this thread: delivered
        // before the syscall returns.
        let send = |code: i32, errno: i32, pid: i32| {
            let mut si = siginfo(code, errno, pid);
            si.si_signo = libc::SIGUSR2;
            // SAFETY: a signal to this very thread with a valid siginfo;
            // gettid()/getpid() have no preconditions.
            unsafe {
                libc::syscall(
                    libc::SYS_rt_tgsigqueueinfo,
                    libc::getpid(),
                    libc::gettid(),
                    libc::SIGUSR2,
                    &si as *const libc::siginfo_t,
                )
            }
        };
        let before = breaks();
        assert_eq!(send(SI_KERNEL, 1, 39), 0);
        assert_eq!(
            take_break(),
            Some(Break {
                cause: Cause::Syscall,
                detail: 39,
                signal: libc::SIGUSR2
            })
        );
        assert_eq!(take_break(), None);
        assert_eq!(send(SI_KERNEL, 8, -1), 0);
        assert_eq!(take_break().map(|b| b.cause), Some(Cause::Other(8)));
        // A queued signal (SI_QUEUE) is no break.
        assert_eq!(send(-1, 1, 39), 0);
        assert_eq!(take_break(), None);
        assert_eq!(breaks(), before + 2);
    }

    #[test]
    fn bad_signals_are_refused_before_the_kernel() {
        for signal in [-1, 128, 129] {
            let e = Isolated::enter(
                2,
                &Options {
                    signal,
                    ..Options::default()
                },
            )
            .unwrap_err();
            assert_eq!(
                e,
                Error::InvalidArgument("break signal outside 0..=SIGRTMAX")
            );
        }
    }

    #[test]
    fn breaks_pack_round_trip() {
        for c in abi::CAUSES {
            let b = Break {
                cause: c,
                detail: -1,
                signal: 34,
            };
            assert_eq!(Break::unpack(b.pack()), Some(b));
        }
        assert_eq!(Break::unpack(0), None);
    }

    #[test]
    fn eligibility_is_read_from_sysfs() {
        let root = std::env::temp_dir().join(format!("ti-sysfs-{}", std::process::id()));
        let dir = sys::cpu_dir(&root);
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(check_eligible(&root, 2), Err(Error::Unsupported));
        std::fs::write(dir.join("task_isolation"), "2-3\n").unwrap();
        std::fs::write(dir.join("nohz_full"), "1-3\n").unwrap();
        std::fs::write(dir.join("isolated"), "2-3\n").unwrap();
        assert_eq!(check_eligible(&root, 3), Ok(()));
        let e = check_eligible(&root, 1).unwrap_err();
        assert_eq!(
            e,
            Error::NotEligible {
                cpu: 1,
                nohz_full: true,
                domain_isolated: false
            }
        );
        assert_eq!(e.errno(), libc::EINVAL);
        assert!(e.to_string().contains("not domain-isolated"), "{e}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn errors_say_why() {
        let e = Error::NotQuiet {
            cpu: 2,
            attempts: 5,
            reasons: vec![
                Reason::Kernel(NotQuiet::Tick { deps: 1 }),
                Reason::OtherTask {
                    tid: 42,
                    comm: "spin".into(),
                },
            ],
        };
        assert_eq!(e.errno(), libc::EAGAIN);
        assert_eq!(
            e.to_string(),
            "CPU 2 not quiet after 5 attempts: the kernel says the tick runs (kept by: posix_timer); \
             another runnable task on the CPU: spin (tid 42)"
        );
        let e = Error::NotQuiet {
            cpu: 2,
            attempts: 1,
            reasons: vec![],
        };
        assert!(e.to_string().ends_with("the tick or a timer-wheel timer)"));
    }
}
