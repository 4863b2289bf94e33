// SPDX-License-Identifier: GPL-2.0
//! Spin isolated on a CPU, the way a polling loop does, through the
//! library.
//!
//!   spin CPU [LOOPS] [--break]
//!
//! Enters isolation on CPU with SIGUSR1 as the break signal, runs LOOPS
//! iterations of a loop that makes no syscall (default 50,000,000), checks
//! that no break was signalled and that the task is still isolated, then
//! leaves.  With --break it makes one syscall (getppid) while isolated
//! and checks that the break is decoded as that syscall.  Prints "entered
//! after N attempts", then "isolated loop: ..." or "break: ..." lines;
//! exits 0 when every check held, 1 when one failed, 3 when the CPU did
//! not become quiet (the reasons follow "not quiet:"), 2 for bad usage or
//! another error.

use std::process::ExitCode;
use task_isolation::{Cause, Isolated, Options};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let brk = args.iter().any(|a| a == "--break");
    let nums: Vec<u64> = args
        .iter()
        .filter(|a| *a != "--break")
        .filter_map(|a| a.parse().ok())
        .collect();
    let (Some(&cpu), loops) = (nums.first(), nums.get(1).copied().unwrap_or(50_000_000)) else {
        eprintln!("usage: spin CPU [LOOPS] [--break]");
        return ExitCode::from(2);
    };
    if let Err(e) = task_isolation::install_break_handler(libc::SIGUSR1) {
        eprintln!("spin: {e}");
        return ExitCode::from(2);
    }
    let opts = Options {
        signal: libc::SIGUSR1,
        max_attempts: 200,
        ..Options::default()
    };
    let guard = match Isolated::enter(cpu as usize, &opts) {
        Ok(g) => g,
        Err(e @ task_isolation::Error::NotQuiet { .. }) => {
            println!("not quiet: {e}");
            return ExitCode::from(3);
        }
        Err(e) => {
            eprintln!("spin: {e}");
            return ExitCode::from(2);
        }
    };
    // The polling loop: no syscall, no fault.
    let mut x = 0u64;
    for i in 0..loops {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
    }
    std::hint::black_box(x);
    let ok = if brk {
        // SAFETY: getppid has no arguments and no preconditions.
        unsafe { libc::syscall(libc::SYS_getppid) };
        // The signal is delivered on the syscall's way back.
        let b = task_isolation::take_break();
        let _ = guard.leave();
        match b {
            Some(b) => {
                println!("break: {b} cause={} detail={}", b.cause.number(), b.detail);
                b.cause == Cause::Syscall && i64::from(b.detail) == libc::SYS_getppid
            }
            None => {
                println!("break: none signalled");
                false
            }
        }
    } else {
        // An allowed syscall: it does not break isolation.
        let still = guard.is_isolated();
        let breaks = task_isolation::breaks();
        let left = guard.leave();
        println!(
            "isolated loop: {loops} iterations, {breaks} breaks, still isolated: {}",
            matches!(still, Ok(true))
        );
        breaks == 0 && matches!(still, Ok(true)) && left.is_ok()
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
