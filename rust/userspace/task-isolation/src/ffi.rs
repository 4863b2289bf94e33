// SPDX-License-Identifier: GPL-2.0
//! The C API, declared in `include/task_isolation.h`; each function's
//! contract is there.  Errors are negative errnos; the text of the last
//! failed `ti_enter()` of a thread is kept for `ti_last_error()`.

use crate::{Break, Cause, Error, Isolated, Options};
use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_uint, CStr};

/// `struct ti_options`.
#[repr(C)]
pub struct TiOptions {
    signal: c_int,
    max_attempts: c_uint,
    flags: c_uint,
}

/// `struct ti_break`.
#[repr(C)]
pub struct TiBreak {
    cause: c_int,
    detail: c_int,
    signal: c_int,
}

const TI_NO_PIN: c_uint = 1 << 0;
const TI_NO_MLOCK: c_uint = 1 << 1;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn fail(e: Error) -> c_int {
    let errno = e.errno();
    LAST_ERROR.with(|l| *l.borrow_mut() = e.to_string());
    -errno
}

fn to_c(b: Break, out: &mut TiBreak) {
    *out = TiBreak {
        cause: b.cause.number(),
        detail: b.detail,
        signal: b.signal,
    };
}

/// # Safety
///
/// `opts` is NULL or points to a valid `struct ti_options`.
#[no_mangle]
pub unsafe extern "C" fn ti_enter(cpu: c_int, opts: *const TiOptions) -> c_int {
    let mut o = Options::default();
    // SAFETY: the caller passes NULL or a valid struct ti_options.
    if let Some(c) = unsafe { opts.as_ref() } {
        if c.flags & !(TI_NO_PIN | TI_NO_MLOCK) != 0 {
            return fail(Error::Refused {
                flags: c.flags as u64,
            });
        }
        o.signal = c.signal;
        if c.max_attempts != 0 {
            o.max_attempts = c.max_attempts;
        }
        o.pin = c.flags & TI_NO_PIN == 0;
        o.mlock = c.flags & TI_NO_MLOCK == 0;
    }
    let Ok(cpu) = usize::try_from(cpu) else {
        return fail(Error::Os {
            call: "ti_enter: CPU",
            errno: libc::EINVAL,
        });
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
            if let Some(p) = unsafe { signal.as_mut() } {
                *p = s.signal;
            }
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
    LAST_ERROR.with(|l| {
        let s = l.borrow();
        if len > 0 && !buf.is_null() {
            let n = s.len().min(len - 1);
            // SAFETY: the caller's buffer holds `len` bytes, and n + 1 <= len.
            unsafe {
                std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), n);
                *buf.add(n) = 0;
            }
        }
        s.len()
    })
}

/// # Safety
///
/// `si` points to a valid siginfo_t, `out` to a writable struct ti_break.
#[no_mangle]
pub unsafe extern "C" fn ti_decode(si: *const libc::siginfo_t, out: *mut TiBreak) -> c_int {
    // SAFETY: the caller passes valid pointers (or NULL, refused here).
    let (Some(si), Some(out)) = (unsafe { si.as_ref() }, unsafe { out.as_mut() }) else {
        return -libc::EINVAL;
    };
    match Break::from_siginfo(si) {
        Some(b) => {
            to_c(b, out);
            0
        }
        None => -libc::ENOENT,
    }
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
        Err(_) => c"unknown",
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
/// `out` is NULL or points to a writable struct ti_break.
#[no_mangle]
pub unsafe extern "C" fn ti_take_break(out: *mut TiBreak) -> c_int {
    match crate::take_break() {
        Some(b) => {
            // SAFETY: the caller passes NULL or a writable struct ti_break.
            if let Some(out) = unsafe { out.as_mut() } {
                to_c(b, out);
            }
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
    fn bad_options_are_refused() {
        let o = TiOptions {
            signal: 0,
            max_attempts: 0,
            flags: 1 << 5,
        };
        // SAFETY: &o is a valid struct ti_options.
        assert_eq!(unsafe { ti_enter(2, &o) }, -libc::EINVAL);
        // SAFETY: NULL options are allowed.
        assert_eq!(unsafe { ti_enter(-1, std::ptr::null()) }, -libc::EINVAL);
    }
}
