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
/// Accepted for compatibility with earlier versions when a signal is set.
pub const USERSIG: libc::c_ulong = 1 << 1;

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
