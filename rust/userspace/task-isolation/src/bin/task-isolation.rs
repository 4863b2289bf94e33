// SPDX-License-Identifier: GPL-2.0
//! task-isolation: which CPUs can host an isolated task, which run one,
//! why a CPU is not quiet, and the breaks as they happen.

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use task_isolation::{sys, trace, Error, Isolated, Mode, Options};

const USAGE: &str = "\
usage: task-isolation cpus            which CPUs can host an isolated task, and why not
       task-isolation running         the CPUs that run an isolated task now
       task-isolation threads         the threads that isolate, or did: state, mode, counters
       task-isolation why CPU         what keeps CPU from being quiet: the kernel's answer to a
                                      trial request from this process, and what user space sees
       task-isolation watch [SECONDS] print task isolation events as they happen (all CPUs),
                                      then the totals by cause; until SIGINT without SECONDS";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = match args.as_slice() {
        ["cpus"] => cpus(),
        ["running"] => running(),
        ["threads"] => threads(),
        ["why", cpu] => match cpu.parse() {
            Ok(cpu) => why(cpu),
            Err(_) => Err(format!("not a CPU number: {cpu}")),
        },
        ["watch"] => watch(None),
        ["watch", s] => match s.parse::<u64>() {
            Ok(s) => watch(Some(Duration::from_secs(s))),
            Err(_) => Err(format!("not a number of seconds: {s}")),
        },
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("task-isolation: {e}");
            ExitCode::FAILURE
        }
    }
}

fn cpulist(name: &str) -> Result<Vec<usize>, String> {
    let p = sys::cpu_dir(Path::new("/")).join(name);
    sys::read_cpulist(&p).map_err(|e| format!("{}: {e}", p.display()))
}

fn task_isolation_list() -> Result<Vec<usize>, String> {
    cpulist("task_isolation").map_err(|e| format!("{e} (a kernel without task isolation?)"))
}

/// IRQs whose effective affinity includes `cpu`: "name (N)".
fn irqs_on(cpu: usize) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(dir) = fs::read_dir("/proc/irq") else {
        return out;
    };
    let mut irqs: Vec<u32> = dir
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    irqs.sort_unstable();
    for irq in irqs {
        let d = PathBuf::from(format!("/proc/irq/{irq}"));
        let eff = fs::read_to_string(d.join("effective_affinity_list")).unwrap_or_default();
        if !sys::parse_cpulist(&eff).is_some_and(|l| l.contains(&cpu)) {
            continue;
        }
        // The action names are the subdirectories (device names).
        let names: Vec<String> = fs::read_dir(&d)
            .map(|r| {
                r.flatten()
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        out.push(if names.is_empty() {
            format!("{irq}")
        } else {
            format!("{irq} ({})", names.join(","))
        });
    }
    out
}

fn cpus() -> Result<(), String> {
    let eligible = task_isolation_list()?;
    let online = cpulist("online")?;
    let nohz = cpulist("nohz_full").unwrap_or_default();
    let isolated = cpulist("isolated").unwrap_or_default();
    let running = cpulist("task_isolation_running").unwrap_or_default();
    println!("task isolation CPUs: {}", sys::format_cpulist(&eligible));
    let cs = Path::new("/sys/devices/system/clocksource/clocksource0");
    if let Ok(cur) = fs::read_to_string(cs.join("current_clocksource")) {
        let avail = fs::read_to_string(cs.join("available_clocksource")).unwrap_or_default();
        println!(
            "clocksource: {} (available: {}; an unstable one keeps the tick)",
            cur.trim(),
            avail.trim()
        );
    }
    let offloaded = sys::parse_rcu_offload(&sys::kernel_log());
    for cpu in online {
        let mut notes = Vec::new();
        if eligible.contains(&cpu) {
            notes.push("can isolate".to_string());
        } else {
            let mut why = Vec::new();
            if !nohz.contains(&cpu) {
                why.push("not nohz_full");
            }
            if !isolated.contains(&cpu) {
                why.push("in the scheduler domains");
            }
            notes.push(format!("cannot isolate: {}", why.join(", ")));
        }
        if running.contains(&cpu) {
            notes.push("runs an isolated task now".into());
        }
        if eligible.contains(&cpu) {
            notes.push(match &offloaded {
                Some(l) if l.contains(&cpu) => "RCU callbacks offloaded".to_string(),
                Some(_) => "RCU callbacks not offloaded (rcu_nocbs)".to_string(),
                None => "RCU offloading unknown (not in the kernel log)".to_string(),
            });
            let irqs = irqs_on(cpu);
            if !irqs.is_empty() {
                notes.push(format!("device IRQs routed here: {}", irqs.join(" ")));
            }
            let mce = format!("/sys/devices/system/machinecheck/machinecheck{cpu}/check_interval");
            if let Ok(s) = fs::read_to_string(mce) {
                notes.push(format!(
                    "machine-check poll every {} s (held back while isolated)",
                    s.trim()
                ));
            }
        }
        println!("cpu{cpu}: {}", notes.join("; "));
    }
    Ok(())
}

fn running() -> Result<(), String> {
    task_isolation_list()?;
    println!(
        "{}",
        sys::format_cpulist(&cpulist("task_isolation_running")?)
    );
    Ok(())
}

fn threads() -> Result<(), String> {
    task_isolation_list()?;
    let all = sys::isolated_threads(Path::new("/"));
    if all.is_empty() {
        println!("no thread isolates, or did");
    }
    for (pid, t, ti) in all {
        let causes: Vec<String> = ti
            .by_cause
            .iter()
            .filter(|(_, n)| *n != 0)
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        let mut line = format!(
            "pid {pid} tid {} ({}) cpu{}: {}, mode {}, isolated {} times, breaks {}",
            t.tid,
            t.comm,
            t.cpu,
            ti.state,
            Mode::of(ti.flags as libc::c_ulong).name(),
            ti.isolated,
            ti.breaks
        );
        if !causes.is_empty() {
            line += &format!(" ({})", causes.join(", "));
        }
        if ti.breaks != 0 {
            line += &format!(", last: {} detail={}", ti.last_cause, ti.last_detail);
        }
        println!("{line}");
    }
    Ok(())
}

/// Ask the kernel: pin this process to `cpu` and request isolation a few
/// times; on success leave at once.  The kernel's answer, or None when it
/// has no PR_TASK_ISOLATION_GET_NOT_QUIET.  The break signal is SIGUSR1,
/// handled: a break between the request and the leave (a device
/// interrupt routed to the CPU) is reported, not fatal.
fn trial(cpu: usize) -> Result<Option<String>, String> {
    task_isolation::install_break_handler(libc::SIGUSR1).map_err(|e| e.to_string())?;
    let opts = Options {
        signal: libc::SIGUSR1,
        max_attempts: 20,
        ..Options::default()
    };
    match Isolated::enter(cpu, &opts) {
        Ok(guard) => {
            let _ = guard.leave();
            Ok(Some(match task_isolation::take_break() {
                None => "quiet: a task can isolate there now".into(),
                Some(b) => format!("quiet, but isolation broke at once: {b}"),
            }))
        }
        Err(Error::NotQuiet { attempts, .. }) => match task_isolation::not_quiet() {
            Ok(Some(n)) => Ok(Some(format!(
                "not quiet after {attempts} attempts: the kernel says {n}"
            ))),
            Ok(None) => Ok(Some(format!("not quiet after {attempts} attempts"))),
            Err(_) => Ok(None),
        },
        Err(e) => Err(e.to_string()),
    }
}

fn why(cpu: usize) -> Result<(), String> {
    let eligible = task_isolation_list()?;
    if !eligible.contains(&cpu) {
        println!("cpu{cpu}: cannot host an isolated task (not both nohz_full and domain-isolated)");
        return Ok(());
    }
    // What user space sees first: the trial below adds this process.
    let mut seen = Vec::new();
    for t in sys::tasks(Path::new("/")) {
        if t.cpu == cpu && t.state == 'R' {
            seen.push(format!(
                "cpu{cpu}: runnable task {} (tid {})",
                t.comm, t.tid
            ));
        }
    }
    match fs::read_to_string("/proc/timer_list") {
        Ok(text) => {
            for f in sys::hrtimers_on(&text, cpu).unwrap_or_default() {
                seen.push(format!("cpu{cpu}: hrtimer {f}"));
            }
        }
        Err(e) => seen.push(format!(
            "cpu{cpu}: /proc/timer_list not readable ({e}): hrtimers not checked"
        )),
    }
    // An isolated task there would be broken by the trial's wakeup.
    if cpulist("task_isolation_running")?.contains(&cpu) {
        println!("cpu{cpu}: runs an isolated task now (not disturbed: no trial)");
    } else {
        match trial(cpu)? {
            Some(answer) => println!("cpu{cpu}: {answer}"),
            None => println!(
                "cpu{cpu}: the kernel does not say why (no PR_TASK_ISOLATION_GET_NOT_QUIET)"
            ),
        }
    }
    for line in &seen {
        println!("{line}");
    }
    Ok(())
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop(_: libc::c_int) {
    STOP.store(true, Ordering::Relaxed);
}

/// SIGINT, SIGTERM and SIGHUP end a watch, its cleanup included: without
/// SA_RESTART, so that a blocked read returns.
fn catch_stop_signals() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: an all-zero sigaction is valid (no flags, empty mask).
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        sa.sa_sigaction = on_stop as *const () as libc::sighandler_t;
        // SAFETY: `sa` is a valid sigaction whose handler only stores to
        // an atomic.
        unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) };
    }
}

/// A tracefs instance of its own, removed when dropped, so that watching
/// leaves the global buffer and other users' events alone.
struct Instance(PathBuf);

impl Instance {
    fn new() -> Result<Instance, String> {
        let root = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.join("instances").is_dir())
            .ok_or("no tracefs (mount -t tracefs nodev /sys/kernel/tracing)")?;
        let dir = root.join(format!(
            "instances/task-isolation-watch-{}",
            std::process::id()
        ));
        fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let inst = Instance(dir);
        let enable = inst.0.join("events/task_isolation/enable");
        fs::write(&enable, "1")
            .map_err(|e| format!("{}: {e} (no task_isolation events?)", enable.display()))?;
        Ok(inst)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = fs::write(self.0.join("events/task_isolation/enable"), "0");
        let _ = fs::remove_dir(&self.0);
    }
}

fn watch(limit: Option<Duration>) -> Result<(), String> {
    catch_stop_signals();
    let inst = Instance::new()?;
    let pipe = fs::File::open(inst.0.join("trace_pipe")).map_err(|e| e.to_string())?;
    let fd = pipe.as_raw_fd();
    let mut reader = BufReader::new(pipe);
    let start = Instant::now();
    let mut totals = trace::Totals::default();
    let mut out = io::stdout().lock();
    let mut line = String::new();
    while !STOP.load(Ordering::Relaxed) {
        let left = match limit {
            Some(l) => match l.checked_sub(start.elapsed()) {
                Some(d) => d,
                None => break,
            },
            None => Duration::from_secs(1),
        };
        // Poll, so that the time limit and SIGINT end a quiet watch; a
        // buffered line needs no poll.
        if reader.buffer().is_empty() {
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = left.as_millis().min(1000) as libc::c_int;
            // SAFETY: `pfd` is one valid pollfd.
            if unsafe { libc::poll(&mut pfd, 1, ms) } <= 0 {
                continue;
            }
        }
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.to_string()),
        }
        if let Some(e) = trace::parse_line(&line) {
            totals.add(&e);
            // A reader that went away (watch | head) ends the watch.
            let line = format!("{} cpu{} {} {} {}", e.time, e.cpu, e.task, e.name, e.fields);
            if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                break;
            }
        }
    }
    // The instance can go once nothing holds its trace_pipe open.
    drop(reader);
    drop(inst);
    let _ = writeln!(out, "total: {}", totals.summary());
    Ok(())
}
