// SPDX-License-Identifier: GPL-2.0
//! The C API, declared in `include/task_isolation.h`; each function's
//! contract is there.  Errors are negative errnos; the text of the last
//! failed `ti_enter()` of a thread is kept for `ti_last_error()`.  Out
//! parameters, which C may pass uninitialised, are written through their
//! raw pointers, never through references.

use crate::{Break, Cause, Error, Isolated, Mode, NotQuiet, Options, Stats};
use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_uint, CStr};

/// `struct ti_options`.
#[repr(C)]
pub struct TiOptions {
    signal: c_int,
    max_attempts: c_uint,
    flags: c_uint,
    stack_kib: c_uint,
}

/// `struct ti_break`.
#[repr(C)]
pub struct TiBreak {
    cause: c_int,
    detail: c_int,
    signal: c_int,
}

// The header's layouts (it asserts the same sizes).
const _: () = assert!(std::mem::size_of::<TiOptions>() == 16);
const _: () = assert!(std::mem::size_of::<TiBreak>() == 12);

const TI_NO_PIN: c_uint = 1 << 0;
const TI_NO_MLOCK: c_uint = 1 << 1;
const TI_ALLOW_SYSCALLS: c_uint = 1 << 2;
const TI_LOG: c_uint = 1 << 3;
const TI_FLAGS: c_uint = TI_NO_PIN | TI_NO_MLOCK | TI_ALLOW_SYSCALLS | TI_LOG;
const _: () = assert!(
    TI_ALLOW_SYSCALLS as libc::c_ulong == crate::abi::ALLOW_SYSCALLS
        && TI_LOG as libc::c_ulong == crate::abi::LOG
);

/// `struct ti_stats`: the kernel's `struct task_isolation_stats`.
pub type TiStats = Stats;
const _: () = assert!(std::mem::size_of::<TiStats>() == 152);

/// The mode `ti_options.flags` ask for.  The mode bits are the kernel's
/// (asserted above); the others must not reach `Mode::of()`, which reads
/// `TI_NO_MLOCK`'s bit as `USERSIG`.
fn mode_of(flags: c_uint) -> Mode {
    Mode::of((flags & (TI_ALLOW_SYSCALLS | TI_LOG)).into())
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Keep `e`'s text for ti_last_error(); its negative errno.  A thread
/// whose thread-locals are gone (a C destructor at thread exit) keeps
/// nothing, rather than panic across the C boundary.
fn fail(e: Error) -> c_int {
    let errno = e.errno();
    let _ = LAST_ERROR.try_with(|l| *l.borrow_mut() = e.to_string());
    -errno
}

/// Write `v` to C's `out` unless it is NULL.
///
/// # Safety
///
/// `out` is NULL or valid for writing a `T`.
unsafe fn put<T>(out: *mut T, v: T) {
    if !out.is_null() {
        // SAFETY: the caller's precondition; `write` reads nothing there.
        unsafe { out.write(v) };
    }
}

fn to_c(b: Break) -> TiBreak {
    TiBreak {
        cause: b.cause.number(),
        detail: b.detail,
        signal: b.signal,
    }
}

/// # Safety
///
/// `opts` is NULL or points to a valid `struct ti_options`.
#[no_mangle]
pub unsafe extern "C" fn ti_enter(cpu: c_int, opts: *const TiOptions) -> c_int {
    let mut o = Options::default();
    // SAFETY: the caller passes NULL or a valid struct ti_options.
    if let Some(c) = unsafe { opts.as_ref() } {
        if c.flags & !TI_FLAGS != 0 {
            return fail(Error::InvalidArgument("unknown TI_* flag"));
        }
        o.signal = c.signal;
        o.mode = mode_of(c.flags);
        o.max_attempts = c.max_attempts;
        o.pin = c.flags & TI_NO_PIN == 0;
        o.mlock = c.flags & TI_NO_MLOCK == 0;
        if c.stack_kib != 0 {
            o.prefault_stack = c.stack_kib as usize * 1024;
        }
    }
    let Ok(cpu) = usize::try_from(cpu) else {
        return fail(Error::InvalidArgument("negative CPU number"));
    };
    match Isolated::enter(cpu, &o) {
        // C has no destructor: ti_leave() leaves.
        Ok(guard) => {
            std::mem::forget(guard);
            0
        }
        Err(e) => fail(e),
    }
}

/// # Safety
///
/// `out` is NULL or valid for writing a `struct ti_stats`.
#[no_mangle]
pub unsafe extern "C" fn ti_stats(out: *mut TiStats) -> c_int {
    if out.is_null() {
        return -libc::EINVAL;
    }
    match crate::stats() {
        Ok(st) => {
            // SAFETY: the caller passes a writable struct ti_stats.
            unsafe { put(out, st) };
            0
        }
        Err(e) => -e.errno(),
    }
}

#[no_mangle]
pub extern "C" fn ti_leave() -> c_int {
    match crate::leave() {
        Ok(()) => 0,
        Err(e) => -e.errno(),
    }
}

/// # Safety
///
/// `signal` is NULL or points to an int to write.
#[no_mangle]
pub unsafe extern "C" fn ti_state(signal: *mut c_int) -> c_int {
    match crate::state() {
        Ok(Some(s)) => {
            // SAFETY: the caller passes NULL or a writable int.
            unsafe { put(signal, s.signal) };
            1
        }
        Ok(None) => 0,
        Err(e) => -e.errno(),
    }
}

/// # Safety
///
/// `buf` points to `len` writable bytes (or `len` is 0).
#[no_mangle]
pub unsafe extern "C" fn ti_last_error(buf: *mut c_char, len: usize) -> usize {
    let copy = |s: &String| {
        if len > 0 && !buf.is_null() {
            let n = s.len().min(len - 1);
            // SAFETY: the caller's buffer holds `len` bytes, and n + 1 <= len.
            unsafe {
                std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), n);
                buf.add(n).write(0);
            }
        }
        s.len()
    };
    LAST_ERROR.try_with(|l| copy(&l.borrow())).unwrap_or(0)
}

/// # Safety
///
/// `si` is NULL or points to a valid siginfo_t; `out` is NULL or valid
/// for writing a struct ti_break.
#[no_mangle]
pub unsafe extern "C" fn ti_decode(si: *const libc::siginfo_t, out: *mut TiBreak) -> c_int {
    // SAFETY: the caller passes NULL or a valid siginfo_t.
    let Some(si) = (unsafe { si.as_ref() }) else {
        return -libc::EINVAL;
    };
    if out.is_null() {
        return -libc::EINVAL;
    }
    match Break::from_siginfo(si) {
        Some(b) => {
            // SAFETY: `out` is not NULL, and valid for writing.
            unsafe { put(out, to_c(b)) };
            0
        }
        None => -libc::ENOENT,
    }
}

/// # Safety
///
/// `detail` is NULL or points to an int to write.
#[no_mangle]
pub unsafe extern "C" fn ti_not_quiet(detail: *mut c_int) -> c_int {
    let (reason, d) = match crate::not_quiet() {
        Ok(n) => n.map_or((0, 0), NotQuiet::to_raw),
        Err(e) => return -e.errno(),
    };
    // SAFETY: the caller passes NULL or a writable int.
    unsafe { put(detail, d) };
    reason
}

#[no_mangle]
pub extern "C" fn ti_cause_name(cause: c_int) -> *const c_char {
    let name: &'static CStr = match Cause::try_from(cause) {
        Ok(Cause::Syscall) => c"syscall",
        Ok(Cause::Exception) => c"exception",
        Ok(Cause::Interrupt) => c"interrupt",
        Ok(Cause::Nmi) => c"nmi",
        Ok(Cause::Entry) => c"entry",
        Ok(Cause::NotQuiet) => c"not_quiet",
        Ok(Cause::Affinity) => c"affinity",
        _ => c"unknown",
    };
    name.as_ptr()
}

#[no_mangle]
pub extern "C" fn ti_install_break_handler(signal: c_int) -> c_int {
    match crate::install_break_handler(signal) {
        Ok(()) => 0,
        Err(e) => -e.errno(),
    }
}

/// # Safety
///
/// `out` is NULL or valid for writing a struct ti_break.
#[no_mangle]
pub unsafe extern "C" fn ti_take_break(out: *mut TiBreak) -> c_int {
    match crate::take_break() {
        Some(b) => {
            // SAFETY: the caller passes NULL or a writable struct ti_break.
            unsafe { put(out, to_c(b)) };
            1
        }
        None => 0,
    }
}

#[no_mangle]
pub extern "C" fn ti_breaks() -> c_uint {
    crate::breaks()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi;

    fn last() -> String {
        let mut buf = [0 as c_char; 128];
        // SAFETY: buf holds 128 bytes.
        unsafe { ti_last_error(buf.as_mut_ptr(), buf.len()) };
        // SAFETY: ti_last_error() terminated it.
        unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn cause_names_match_the_rust_ones() {
        for c in abi::CAUSES {
            // SAFETY: ti_cause_name() returns a static C string.
            let s = unsafe { CStr::from_ptr(ti_cause_name(c.number())) };
            assert_eq!(s.to_str().unwrap(), c.name());
        }
        // SAFETY: as above.
        assert_eq!(
            unsafe { CStr::from_ptr(ti_cause_name(0)) }
                .to_str()
                .unwrap(),
            "unknown"
        );
    }

    #[test]
    fn last_error_truncates_and_terminates() {
        assert_eq!(
            fail(Error::NotQuiet {
                cpu: 2,
                attempts: 3,
                reasons: vec![]
            }),
            -libc::EAGAIN
        );
        let mut buf = [0x55 as c_char; 8];
        // SAFETY: buf holds 8 bytes.
        let n = unsafe { ti_last_error(buf.as_mut_ptr(), buf.len()) };
        assert!(n > 8);
        // SAFETY: ti_last_error() terminated it.
        assert_eq!(
            unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(),
            "CPU 2 n"
        );
    }

    #[test]
    fn options_flags_name_the_mode() {
        assert_eq!(mode_of(0), Mode::Strict);
        assert_eq!(mode_of(TI_NO_PIN | TI_NO_MLOCK), Mode::Strict);
        assert_eq!(mode_of(TI_ALLOW_SYSCALLS | TI_NO_MLOCK), Mode::Soft);
        assert_eq!(mode_of(TI_LOG), Mode::Log);
        assert_eq!(mode_of(TI_ALLOW_SYSCALLS | TI_LOG), Mode::SoftLog);
    }

    #[test]
    fn bad_options_are_refused_before_the_kernel() {
        let mut o = TiOptions {
            signal: 0,
            max_attempts: 0,
            flags: 1 << 5,
            stack_kib: 0,
        };
        // SAFETY: &o is a valid struct ti_options.
        assert_eq!(unsafe { ti_enter(2, &o) }, -libc::EINVAL);
        assert_eq!(last(), "invalid argument: unknown TI_* flag");
        // SAFETY: NULL options are allowed.
        assert_eq!(unsafe { ti_enter(-1, std::ptr::null()) }, -libc::EINVAL);
        assert_eq!(last(), "invalid argument: negative CPU number");
        o.flags = 0;
        o.signal = 128;
        // SAFETY: &o is a valid struct ti_options.
        assert_eq!(unsafe { ti_enter(2, &o) }, -libc::EINVAL);
        assert_eq!(
            last(),
            "invalid argument: break signal outside 0..=SIGRTMAX"
        );
        // A signal with the mode that sends none.
        o.signal = libc::SIGUSR1;
        o.flags = TI_LOG;
        // SAFETY: &o is a valid struct ti_options.
        assert_eq!(unsafe { ti_enter(2, &o) }, -libc::EINVAL);
        assert_eq!(
            last(),
            "invalid argument: a break signal with a mode that logs breaks"
        );
        // SAFETY: NULL is refused before anything is written.
        assert_eq!(unsafe { ti_stats(std::ptr::null_mut()) }, -libc::EINVAL);
    }

    #[test]
    fn decode_writes_through_uninitialised_memory() {
        // SAFETY: all-zero is a valid siginfo_t.
        let mut si: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let mut out = std::mem::MaybeUninit::<TiBreak>::uninit();
        // SAFETY: valid pointers; `out` is only written.
        assert_eq!(unsafe { ti_decode(&si, out.as_mut_ptr()) }, -libc::ENOENT);
        si.si_signo = libc::SIGUSR1;
        si.si_code = crate::SI_KERNEL;
        si.si_errno = 3;
        // SAFETY: as above.
        assert_eq!(unsafe { ti_decode(&si, out.as_mut_ptr()) }, 0);
        // SAFETY: ti_decode() returned 0, so it wrote `out`.
        let b = unsafe { out.assume_init_read() };
        assert_eq!((b.cause, b.signal), (3, libc::SIGUSR1));
        // SAFETY: NULL pointers are refused.
        assert_eq!(
            unsafe { ti_decode(&si, std::ptr::null_mut()) },
            -libc::EINVAL
        );
        // SAFETY: as above.
        assert_eq!(
            unsafe { ti_decode(std::ptr::null(), out.as_mut_ptr()) },
            -libc::EINVAL
        );
    }
}
