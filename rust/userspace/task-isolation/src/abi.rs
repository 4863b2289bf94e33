// SPDX-License-Identifier: GPL-2.0
//! The kernel's ABI: prctl numbers, flag encoding and break causes, as
//! `include/uapi/linux/prctl.h` of the series defines them and
//! `Documentation/userspace-api/task_isolation.rst` documents them.

use core::fmt;

/// `prctl(PR_TASK_ISOLATION, flags, 0, 0, 0)`: enter (flags with
/// [`ENABLE`]) or leave (flags 0) isolation.
pub const PR_TASK_ISOLATION: libc::c_int = 48;
/// `prctl(PR_GET_TASK_ISOLATION, 0, 0, 0, 0)`: the flags in effect.
pub const PR_GET_TASK_ISOLATION: libc::c_int = 49;
/// Enter isolation.
pub const ENABLE: libc::c_ulong = 1 << 0;
/// Accepted for compatibility with earlier versions; with signal 0 it is
/// their "no signal" mode, [`ALLOW_SYSCALLS`] and [`LOG`] together.
pub const USERSIG: libc::c_ulong = 1 << 1;
/// The soft mode: no syscall breaks isolation; each one's way back to
/// user mode checks the CPU again.
pub const ALLOW_SYSCALLS: libc::c_ulong = 1 << 2;
/// A break sends no signal: it is counted and traced, and the thread is
/// isolated again on a way back to user mode that finds its CPU quiet.
pub const LOG: libc::c_ulong = 1 << 3;

/// What a break does, and whether syscalls break isolation: the mode
/// flags of a request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Any syscall but the allowed ones breaks isolation; a break leaves
    /// isolation and sends the signal.  The kernel's default.
    #[default]
    Strict,
    /// [`ALLOW_SYSCALLS`]: syscalls keep isolation.
    Soft,
    /// [`LOG`]: breaks are logged, not signalled; no signal may be set.
    Log,
    /// Both (the earlier interface's "no signal" mode).
    SoftLog,
}

impl Mode {
    /// The mode flags.
    pub fn flags(self) -> libc::c_ulong {
        match self {
            Mode::Strict => 0,
            Mode::Soft => ALLOW_SYSCALLS,
            Mode::Log => LOG,
            Mode::SoftLog => ALLOW_SYSCALLS | LOG,
        }
    }

    /// The mode of `flags` as `PR_GET_TASK_ISOLATION` returns them,
    /// `USERSIG` with signal 0 included.
    pub fn of(flags: libc::c_ulong) -> Mode {
        let nosig = flags & USERSIG != 0 && signal_of(flags) == 0;
        match (
            flags & ALLOW_SYSCALLS != 0 || nosig,
            flags & LOG != 0 || nosig,
        ) {
            (false, false) => Mode::Strict,
            (true, false) => Mode::Soft,
            (false, true) => Mode::Log,
            (true, true) => Mode::SoftLog,
        }
    }

    /// Whether a break sends no signal in this mode.
    pub fn logs(self) -> bool {
        matches!(self, Mode::Log | Mode::SoftLog)
    }

    /// Its name on a command line: strict, soft, log, soft-log.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Strict => "strict",
            Mode::Soft => "soft",
            Mode::Log => "log",
            Mode::SoftLog => "soft-log",
        }
    }

    /// The mode a command line names.
    pub fn from_name(name: &str) -> Option<Mode> {
        [Mode::Strict, Mode::Soft, Mode::Log, Mode::SoftLog]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

/// The flags that ask for isolation in `mode` with `signal` as the break
/// signal (0: `SIGKILL`); `None` for a signal outside `0..=SIGRTMAX`, or
/// one with a mode that sends none (the kernel's `EINVAL`).
pub fn request_flags(signal: i32, mode: Mode) -> Option<libc::c_ulong> {
    if mode.logs() && signal != 0 {
        return None;
    }
    enable_flags(signal).map(|f| f | mode.flags())
}

/// The flags that ask for isolation with `signal` as the break signal
/// (0: the kernel's default, `SIGKILL`); `None` for a number outside
/// `0..=SIGRTMAX`, which the encoding would silently change.
pub fn enable_flags(signal: i32) -> Option<libc::c_ulong> {
    (0..=libc::SIGRTMAX())
        .contains(&signal)
        .then_some(ENABLE | ((signal as libc::c_ulong) << 8))
}

/// The break signal encoded in `flags` (0: `SIGKILL`).
pub fn signal_of(flags: libc::c_ulong) -> i32 {
    ((flags >> 8) & 0x7f) as i32
}

/// `prctl(PR_GET_TASK_ISOLATION, GET_NOT_QUIET, &detail, 0, 0)`: why
/// the task's last check of its CPU found it busy.
pub const GET_NOT_QUIET: libc::c_ulong = 1;

/// `prctl(PR_GET_TASK_ISOLATION, GET_STATS, &stats, size, 0)`: the
/// calling thread's counters.
pub const GET_STATS: libc::c_ulong = 2;

/// `struct task_isolation_stats`: a thread's counters, kept from its
/// start.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Times the thread became isolated.
    pub isolated: u64,
    /// Breaks of its isolation, all causes.
    pub breaks: u64,
    /// Breaks by cause number (`by_cause[1]`: syscalls; 0 is unused, and
    /// the slots past the last cause are for causes to come).
    pub by_cause: [u64; 16],
    /// The cause of the last break, 0 if none.
    pub last_cause: i32,
    /// Its detail, as in `si_pid`.
    pub last_detail: i32,
}

/// The size of the first version of [`Stats`], the least the kernel takes.
pub const STATS_SIZE_VER0: usize = 152;
const _: () = assert!(core::mem::size_of::<Stats>() == STATS_SIZE_VER0);

impl Stats {
    /// The breaks with `cause` (0 for one the kernel does not count).
    pub fn breaks_by(&self, cause: Cause) -> u64 {
        usize::try_from(cause.number())
            .ok()
            .and_then(|i| self.by_cause.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// The last break's cause, if there was one.
    pub fn last_cause(&self) -> Option<Cause> {
        Cause::from_raw(self.last_cause)
    }
}

/// The tick dependencies, `PR_TASK_ISOLATION_TICK_DEP_*`, by name as the
/// `task_isolation_not_quiet` event prints them.
pub const TICK_DEPS: [(u32, &str); 7] = [
    (1 << 0, "posix_timer"),
    (1 << 1, "perf_events"),
    (1 << 2, "sched"),
    (1 << 3, "clock_unstable"),
    (1 << 4, "rcu"),
    (1 << 5, "rcu_exp"),
    // A dependency the kernel's ABI has no name for (a later kernel's).
    (1 << 15, "other"),
];

/// The names of the dependencies in `deps` ("posix_timer|sched"; unknown
/// bits as a number; "none" for 0).
pub fn tick_dep_names(deps: u32) -> String {
    let mut names: Vec<String> = TICK_DEPS
        .iter()
        .filter(|(bit, _)| deps & bit != 0)
        .map(|(_, n)| n.to_string())
        .collect();
    let known: u32 = TICK_DEPS.iter().map(|(b, _)| b).sum();
    if deps & !known != 0 {
        names.push(format!("{:#x}", deps & !known));
    }
    if names.is_empty() {
        "none".into()
    } else {
        names.join("|")
    }
}

/// Why the kernel found the CPU busy, `PR_TASK_ISOLATION_NOT_QUIET_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotQuiet {
    /// Another task is runnable on the CPU.
    Task,
    /// A signal is pending for the task.
    Signal,
    /// The tick runs; `deps` is what keeps it (0: an event close by, a
    /// timer due within a jiffy, RCU or irq_work).
    Tick {
        /// `PR_TASK_ISOLATION_TICK_DEP_*` bits.
        deps: u32,
    },
    /// The tick is stopped, but a timer is queued on the CPU.
    Timer,
    /// A reason this library does not know yet (a newer kernel).
    Other {
        /// The kernel's number.
        reason: i32,
        /// Its detail.
        detail: i32,
    },
}

impl NotQuiet {
    /// The reason `prctl()` returned with its detail; `None` for 0 (the
    /// CPU was quiet).
    pub fn from_raw(reason: i32, detail: i32) -> Option<NotQuiet> {
        match reason {
            0 => None,
            1 => Some(NotQuiet::Task),
            2 => Some(NotQuiet::Signal),
            3 => Some(NotQuiet::Tick {
                deps: detail as u32,
            }),
            4 => Some(NotQuiet::Timer),
            reason => Some(NotQuiet::Other { reason, detail }),
        }
    }

    /// The kernel's number and detail, as `prctl()` gave them.
    pub fn to_raw(self) -> (i32, i32) {
        match self {
            NotQuiet::Task => (1, 0),
            NotQuiet::Signal => (2, 0),
            NotQuiet::Tick { deps } => (3, deps as i32),
            NotQuiet::Timer => (4, 0),
            NotQuiet::Other { reason, detail } => (reason, detail),
        }
    }
}

impl fmt::Display for NotQuiet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotQuiet::Task => f.write_str("another task is runnable"),
            NotQuiet::Signal => f.write_str("a signal is pending"),
            NotQuiet::Tick { deps } => {
                write!(f, "the tick runs (kept by: {})", tick_dep_names(*deps))
            }
            NotQuiet::Timer => f.write_str("a timer is queued"),
            NotQuiet::Other { reason, detail } => write!(f, "reason {reason} (detail {detail:#x})"),
        }
    }
}

/// Why isolation broke: `si_errno` of the break signal, `PR_TASK_ISOLATION_CAUSE_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cause {
    /// A syscall other than the allowed ones; the detail is its number.
    Syscall,
    /// An exception or fault; the detail is its vector (x86 IDT vector,
    /// arm64 exception class).
    Exception,
    /// An interrupt or IPI; the detail is the x86 IDT vector, -1 on arm64.
    Interrupt,
    /// An NMI taken in user mode.
    Nmi,
    /// An interrupt or exception the entry code could not tell apart.
    Entry,
    /// The CPU was busy again on the way back to user mode.
    NotQuiet,
    /// Another task changed the affinity, or the CPU left the isolated set.
    Affinity,
    /// A cause this library does not know yet (a newer kernel): its number.
    Other(i32),
}

/// Every cause, in the kernel's numbering order.
pub const CAUSES: [Cause; 7] = [
    Cause::Syscall,
    Cause::Exception,
    Cause::Interrupt,
    Cause::Nmi,
    Cause::Entry,
    Cause::NotQuiet,
    Cause::Affinity,
];

impl Cause {
    /// The kernel's number, `PR_TASK_ISOLATION_CAUSE_*`.
    pub fn number(self) -> i32 {
        match self {
            Cause::Syscall => 1,
            Cause::Exception => 2,
            Cause::Interrupt => 3,
            Cause::Nmi => 4,
            Cause::Entry => 5,
            Cause::NotQuiet => 6,
            Cause::Affinity => 7,
            Cause::Other(n) => n,
        }
    }

    /// The name the `task_isolation_break` tracepoint prints.
    pub fn name(self) -> &'static str {
        match self {
            Cause::Syscall => "syscall",
            Cause::Exception => "exception",
            Cause::Interrupt => "interrupt",
            Cause::Nmi => "nmi",
            Cause::Entry => "entry",
            Cause::NotQuiet => "not_quiet",
            Cause::Affinity => "affinity",
            Cause::Other(_) => "unknown",
        }
    }

    /// The cause a tracepoint name stands for.
    pub fn from_name(name: &str) -> Option<Cause> {
        CAUSES.iter().copied().find(|c| c.name() == name)
    }

    /// The cause `si_errno` names: a known one, else [`Cause::Other`]
    /// for any positive number (0 and negative numbers name none).
    pub fn from_raw(n: i32) -> Option<Cause> {
        match Cause::try_from(n) {
            Ok(c) => Some(c),
            Err(_) if n > 0 => Some(Cause::Other(n)),
            Err(_) => None,
        }
    }
}

/// A number that is no `PR_TASK_ISOLATION_CAUSE_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownCause(pub i32);

impl TryFrom<i32> for Cause {
    type Error = UnknownCause;

    fn try_from(n: i32) -> Result<Self, Self::Error> {
        CAUSES
            .iter()
            .copied()
            .find(|c| c.number() == n)
            .ok_or(UnknownCause(n))
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Other(n) => write!(f, "cause {n}"),
            c => f.write_str(c.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_round_trip() {
        for c in CAUSES {
            assert_eq!(Cause::try_from(c.number()), Ok(c));
            assert_eq!(Cause::from_name(c.name()), Some(c));
        }
        assert_eq!(Cause::try_from(0), Err(UnknownCause(0)));
        assert_eq!(Cause::try_from(8), Err(UnknownCause(8)));
        assert_eq!(Cause::from_name("0x7"), None);
        assert_eq!(Cause::from_raw(3), Some(Cause::Interrupt));
        assert_eq!(Cause::from_raw(9), Some(Cause::Other(9)));
        assert_eq!(Cause::Other(9).to_string(), "cause 9");
        assert_eq!(Cause::from_raw(0), None);
        assert_eq!(Cause::from_raw(-1), None);
    }

    #[test]
    fn not_quiet_reasons_decode() {
        assert_eq!(NotQuiet::from_raw(0, 0), None);
        assert_eq!(NotQuiet::from_raw(1, 0), Some(NotQuiet::Task));
        assert_eq!(
            NotQuiet::from_raw(3, 5).unwrap().to_string(),
            "the tick runs (kept by: posix_timer|sched)"
        );
        assert_eq!(
            NotQuiet::from_raw(3, 0).unwrap().to_string(),
            "the tick runs (kept by: none)"
        );
        assert_eq!(tick_dep_names(1 << 9), "0x200");
        assert_eq!(tick_dep_names((1 << 15) | 1), "posix_timer|other");
        assert_eq!(NotQuiet::from_raw(4, 0), Some(NotQuiet::Timer));
        let other = NotQuiet::from_raw(5, 7).unwrap();
        assert_eq!(
            other,
            NotQuiet::Other {
                reason: 5,
                detail: 7
            }
        );
        assert_eq!(other.to_raw(), (5, 7));
        for (r, d) in [(1, 0), (2, 0), (3, 0x21), (4, 0)] {
            assert_eq!(NotQuiet::from_raw(r, d).unwrap().to_raw(), (r, d));
        }
    }

    #[test]
    fn modes_encode() {
        let usr1 = libc::SIGUSR1;
        assert_eq!(request_flags(0, Mode::Strict), Some(ENABLE));
        assert_eq!(
            request_flags(usr1, Mode::Soft),
            Some(ENABLE | ALLOW_SYSCALLS | ((usr1 as libc::c_ulong) << 8))
        );
        assert_eq!(request_flags(0, Mode::Log), Some(ENABLE | LOG));
        assert_eq!(
            request_flags(0, Mode::SoftLog),
            Some(ENABLE | ALLOW_SYSCALLS | LOG)
        );
        // No signal for a mode that sends none.
        assert_eq!(request_flags(usr1, Mode::Log), None);
        assert_eq!(request_flags(usr1, Mode::SoftLog), None);
        for m in [Mode::Strict, Mode::Soft, Mode::Log, Mode::SoftLog] {
            assert_eq!(Mode::of(request_flags(0, m).unwrap()), m);
            assert_eq!(Mode::from_name(m.name()), Some(m));
        }
        // USERSIG with signal 0: the earlier "no signal" mode.
        assert_eq!(Mode::of(ENABLE | USERSIG), Mode::SoftLog);
        assert_eq!(Mode::of(ENABLE | USERSIG | (10 << 8)), Mode::Strict);
        assert_eq!(Mode::from_name("hard"), None);
    }

    #[test]
    fn stats_index_by_cause() {
        let mut st = Stats::default();
        st.by_cause[2] = 5;
        st.last_cause = 2;
        assert_eq!(st.breaks_by(Cause::Exception), 5);
        assert_eq!(st.breaks_by(Cause::Other(99)), 0);
        assert_eq!(st.last_cause(), Some(Cause::Exception));
        assert_eq!(Stats::default().last_cause(), None);
    }

    #[test]
    fn flags_encode_the_signal() {
        assert_eq!(enable_flags(0), Some(1));
        assert_eq!(
            enable_flags(libc::SIGUSR1),
            Some(1 | ((libc::SIGUSR1 as libc::c_ulong) << 8))
        );
        assert_eq!(
            signal_of(enable_flags(libc::SIGRTMAX()).unwrap()),
            libc::SIGRTMAX()
        );
        assert_eq!(signal_of(enable_flags(0).unwrap()), 0);
        // 128 would encode as 0 (SIGKILL), 129 as SIGHUP.
        assert_eq!(enable_flags(128), None);
        assert_eq!(enable_flags(129), None);
        assert_eq!(enable_flags(-1), None);
    }
}
