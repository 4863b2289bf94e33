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
/// (0: the kernel's default, `SIGKILL`).
pub fn enable_flags(signal: i32) -> libc::c_ulong {
    ENABLE | (((signal as libc::c_ulong) & 0x7f) << 8)
}

/// The break signal encoded in `flags` (0: `SIGKILL`).
pub fn signal_of(flags: libc::c_ulong) -> i32 {
    ((flags >> 8) & 0x7f) as i32
}

/// Why isolation broke: `si_errno` of the break signal, `PR_TASK_ISOLATION_CAUSE_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
        }
    }

    /// The cause a tracepoint name stands for.
    pub fn from_name(name: &str) -> Option<Cause> {
        CAUSES.iter().copied().find(|c| c.name() == name)
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
        f.write_str(self.name())
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
    }

    #[test]
    fn flags_encode_the_signal() {
        assert_eq!(enable_flags(0), 1);
        assert_eq!(
            enable_flags(libc::SIGUSR1),
            1 | ((libc::SIGUSR1 as libc::c_ulong) << 8)
        );
        assert_eq!(signal_of(enable_flags(libc::SIGRTMIN())), libc::SIGRTMIN());
        assert_eq!(signal_of(enable_flags(0)), 0);
    }
}
