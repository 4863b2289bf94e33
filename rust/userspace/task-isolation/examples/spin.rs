// SPDX-License-Identifier: GPL-2.0
//! Spin isolated on a CPU, the way a polling loop does, through the
//! library.
//!
//!   spin CPU [LOOPS] [--break] [--mode strict|soft|log|soft-log]
//!
//! Enters isolation on CPU in the mode asked for (default strict), with
//! SIGUSR1 as the break signal (none in the modes that log breaks), runs
//! LOOPS iterations of a loop that makes no syscall (default 50,000,000),
//! checks that no break happened and that the task is still isolated,
//! then leaves.  With --break it makes one syscall (getppid) while
//! isolated and checks what the mode promises: strict, a break signalled
//! and decoded as that syscall; log, the same break counted but not
//! signalled; soft and soft-log, no break at all.  Prints "entered",
//! then "isolated loop: ..." or "break: ..." lines and a "stats: ..."
//! line; exits 0 when every check held, 1 when one failed, 3 when the CPU
//! did not become quiet (the reasons follow "not quiet:"), 2 for bad
//! usage or another error.

use std::process::ExitCode;
use task_isolation::{Cause, Isolated, Mode, Options, Stats};

fn usage() -> ExitCode {
    eprintln!("usage: spin CPU [LOOPS] [--break] [--mode strict|soft|log|soft-log]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut brk = false;
    let mut mode = Mode::Strict;
    let mut nums: Vec<u64> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--break" => brk = true,
            "--mode" => match args.next().as_deref().and_then(Mode::from_name) {
                Some(m) => mode = m,
                None => return usage(),
            },
            n => match n.parse() {
                Ok(n) => nums.push(n),
                Err(_) => return usage(),
            },
        }
    }
    let (Some(&cpu), loops) = (nums.first(), nums.get(1).copied().unwrap_or(50_000_000)) else {
        return usage();
    };
    let signal = if mode.logs() { 0 } else { libc::SIGUSR1 };
    if let Err(e) = task_isolation::install_break_handler(libc::SIGUSR1) {
        eprintln!("spin: {e}");
        return ExitCode::from(2);
    }
    let opts = Options {
        signal,
        mode,
        max_attempts: 200,
        ..Options::default()
    };
    let before = task_isolation::stats().unwrap_or_default();
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
        // A signal is delivered on the syscall's way back.
        let b = task_isolation::take_break();
        // The counters: an allowed syscall.
        let after = task_isolation::stats().unwrap_or_default();
        let _ = guard.leave();
        report(&before, &after);
        let syscalls = after
            .breaks_by(Cause::Syscall)
            .wrapping_sub(before.breaks_by(Cause::Syscall));
        match (mode, b) {
            (Mode::Strict, Some(b)) => {
                println!("break: {b} cause={} detail={}", b.cause.number(), b.detail);
                b.cause == Cause::Syscall
                    && i64::from(b.detail) == libc::SYS_getppid
                    && syscalls == 1
            }
            (Mode::Log, None) => {
                println!(
                    "break: logged {} detail={}",
                    after.last_cause().map_or("none".into(), |c| c.to_string()),
                    after.last_detail
                );
                syscalls == 1
                    && after.last_cause() == Some(Cause::Syscall)
                    && i64::from(after.last_detail) == libc::SYS_getppid
            }
            (Mode::Soft | Mode::SoftLog, None) => {
                println!("break: none, syscalls allowed");
                after.breaks == before.breaks
            }
            (_, Some(b)) => {
                println!("break: {b} signalled in mode {}", mode.name());
                false
            }
            (_, None) => {
                println!("break: none signalled");
                false
            }
        }
    } else {
        // An allowed syscall: it does not break isolation.
        let still = guard.is_isolated();
        let after = task_isolation::stats().unwrap_or_default();
        let breaks = task_isolation::breaks();
        let left = guard.leave();
        println!(
            "isolated loop: {loops} iterations, {breaks} breaks, still isolated: {}",
            matches!(still, Ok(true))
        );
        report(&before, &after);
        breaks == 0 && after.breaks == before.breaks && matches!(still, Ok(true)) && left.is_ok()
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn report(before: &Stats, after: &Stats) {
    println!(
        "stats: isolated {}, breaks {}",
        after.isolated.wrapping_sub(before.isolated),
        after.breaks.wrapping_sub(before.breaks)
    );
}
