// SPDX-License-Identifier: GPL-2.0
//! What sysfs and procfs say about CPUs and tasks.  Every reader takes the
//! filesystem root, so that tests can give it a tree of their own.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The CPU directory of sysfs under `root`.
pub fn cpu_dir(root: &Path) -> PathBuf {
    root.join("sys/devices/system/cpu")
}

/// A CPU list as the kernel prints it ("2-3,5"; empty for none) as
/// numbers, ascending.  `None` for anything else.
pub fn parse_cpulist(s: &str) -> Option<Vec<usize>> {
    let mut cpus = Vec::new();
    let s = s.trim();
    if s.is_empty() {
        return Some(cpus);
    }
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (a.parse::<usize>().ok()?, b.parse::<usize>().ok()?);
                if a > b {
                    return None;
                }
                cpus.extend(a..=b);
            }
            None => cpus.push(part.parse().ok()?),
        }
    }
    cpus.sort_unstable();
    cpus.dedup();
    Some(cpus)
}

/// The CPU list in the file `path`.
pub fn read_cpulist(path: &Path) -> io::Result<Vec<usize>> {
    let s = fs::read_to_string(path)?;
    parse_cpulist(&s).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: not a CPU list: {:?}", path.display(), s.trim()),
        )
    })
}

/// A CPU list formatted as the kernel does ("2-3,5").
pub fn format_cpulist(cpus: &[usize]) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while i < cpus.len() {
        let mut j = i;
        while j + 1 < cpus.len() && cpus[j + 1] == cpus[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            cpus[i].to_string()
        } else {
            format!("{}-{}", cpus[i], cpus[j])
        });
        i = j + 1;
    }
    out.join(",")
}

/// One task (thread) as `/proc/<pid>/task/<tid>/stat` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskStat {
    /// Its thread id.
    pub tid: i32,
    /// Its command name.
    pub comm: String,
    /// Its state letter (`R` for runnable).
    pub state: char,
    /// The CPU it last ran on.
    pub cpu: usize,
}

/// Parse one `stat` line.  The command name may hold spaces and
/// parentheses: it ends at the last ')'.
pub fn parse_stat(line: &str) -> Option<TaskStat> {
    let open = line.find('(')?;
    let close = line.rfind(')')?;
    let tid = line[..open].trim().parse().ok()?;
    let comm = line.get(open + 1..close)?.to_string();
    let rest: Vec<&str> = line[close + 1..].split_whitespace().collect();
    // Field 3 (state) is rest[0]; field 39 (processor) is rest[36].
    let state = rest.first()?.chars().next()?;
    let cpu = rest.get(36)?.parse().ok()?;
    Some(TaskStat {
        tid,
        comm,
        state,
        cpu,
    })
}

/// Every thread of the system that procfs under `root` lists.
pub fn tasks(root: &Path) -> Vec<TaskStat> {
    let mut out = Vec::new();
    let Ok(procs) = fs::read_dir(root.join("proc")) else {
        return out;
    };
    for p in procs.flatten() {
        if !p
            .file_name()
            .to_string_lossy()
            .bytes()
            .all(|b| b.is_ascii_digit())
        {
            continue;
        }
        let Ok(threads) = fs::read_dir(p.path().join("task")) else {
            continue;
        };
        for t in threads.flatten() {
            // A task may exit between the listing and the read.
            if let Ok(line) = fs::read_to_string(t.path().join("stat")) {
                out.extend(parse_stat(&line));
            }
        }
    }
    out.sort_by_key(|t| t.tid);
    out
}

/// The CPUs whose RCU callbacks the kernel offloads (to rcuo kthreads on
/// housekeeping CPUs), from its boot log line "rcu: Offload RCU callbacks
/// from CPUs: 2-3."; `None` without that line (no offloading, or the
/// line has left the log buffer).
pub fn parse_rcu_offload(log: &str) -> Option<Vec<usize>> {
    const KEY: &str = "Offload RCU callbacks from CPUs: ";
    let line = log.lines().rev().find(|l| l.contains(KEY))?;
    let list = line[line.find(KEY)? + KEY.len()..]
        .trim()
        .trim_end_matches('.');
    parse_cpulist(list)
}

/// The kernel log as `/dev/kmsg` gives it (text of each record, one per
/// line), read without waiting; empty if it cannot be read (not root).
pub fn kernel_log() -> String {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let Ok(mut f) = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open("/dev/kmsg")
    else {
        return String::new();
    };
    let mut out = String::new();
    let mut buf = vec![0u8; 8192];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let rec = String::from_utf8_lossy(&buf[..n]);
                // "prio,seq,time,flags;text\n" and continuation lines.
                if let Some((_, text)) = rec.split_once(';') {
                    out.push_str(text.lines().next().unwrap_or(""));
                    out.push('\n');
                }
            }
            // EPIPE: a record was overwritten while reading; go on.
            Err(e) if e.raw_os_error() == Some(libc::EPIPE) => continue,
            Err(_) => break,
        }
    }
    out
}

/// A thread's task isolation state and counters, as
/// `/proc/<pid>/task/<tid>/task_isolation` shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadIsolation {
    /// `off`, `pending`, `isolated`, `breaking` or `waiting`.
    pub state: String,
    /// The flags of its request, as `PR_GET_TASK_ISOLATION` returns them.
    pub flags: u64,
    /// Times it became isolated.
    pub isolated: u64,
    /// Its breaks, all causes.
    pub breaks: u64,
    /// Its breaks by cause name, in the file's order, the zeros included.
    pub by_cause: Vec<(String, u64)>,
    /// The cause of its last break (`none` before the first).
    pub last_cause: String,
    /// Its detail.
    pub last_detail: i64,
}

/// Parse a `task_isolation` file: "name:\tvalue" lines.  `None` without
/// a `state` line (not such a file).
pub fn parse_task_isolation(text: &str) -> Option<ThreadIsolation> {
    let mut t = ThreadIsolation::default();
    let mut seen_state = false;
    for line in text.lines() {
        let Some((key, val)) = line.split_once(":\t") else {
            continue;
        };
        let num = || val.trim().parse::<u64>().ok();
        match key {
            "state" => {
                t.state = val.trim().to_string();
                seen_state = true;
            }
            "flags" => {
                t.flags = u64::from_str_radix(val.trim().trim_start_matches("0x"), 16).ok()?
            }
            "isolated" => t.isolated = num()?,
            "breaks" => t.breaks = num()?,
            "last_cause" => t.last_cause = val.trim().to_string(),
            "last_detail" => t.last_detail = val.trim().parse().ok()?,
            cause => t.by_cause.push((cause.to_string(), num()?)),
        }
    }
    seen_state.then_some(t)
}

/// Every thread under `root`'s procfs whose `task_isolation` file shows
/// isolation or a past one (state not `off`, or counters not 0), with
/// its pid, tid and command name, by tid.
pub fn isolated_threads(root: &Path) -> Vec<(i32, TaskStat, ThreadIsolation)> {
    let mut out = Vec::new();
    let Ok(procs) = fs::read_dir(root.join("proc")) else {
        return out;
    };
    for p in procs.flatten() {
        let Ok(pid) = p.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(threads) = fs::read_dir(p.path().join("task")) else {
            continue;
        };
        for t in threads.flatten() {
            // A task may exit between the listing and the reads.
            let (Ok(text), Ok(stat)) = (
                fs::read_to_string(t.path().join("task_isolation")),
                fs::read_to_string(t.path().join("stat")),
            ) else {
                continue;
            };
            if let (Some(ti), Some(st)) = (parse_task_isolation(&text), parse_stat(&stat)) {
                if ti.state != "off" || ti.isolated != 0 || ti.breaks != 0 {
                    out.push((pid, st, ti));
                }
            }
        }
    }
    out.sort_by_key(|(_, t, _)| t.tid);
    out
}

/// The functions of the hrtimers queued on `cpu`, from the text of
/// `/proc/timer_list` (root only; `None` when it says nothing of `cpu`).
pub fn hrtimers_on(timer_list: &str, cpu: usize) -> Option<Vec<String>> {
    let header = format!("cpu: {cpu}");
    let mut inside = false;
    let mut seen = false;
    let mut out = Vec::new();
    for line in timer_list.lines() {
        if line.starts_with("cpu: ") {
            inside = line.trim_end() == header;
            seen |= inside;
            continue;
        }
        if line.starts_with("Tick Device") {
            inside = false;
        }
        // " #0: <00000000b5ab6a0a>, tick_nohz_handler, S:01"
        if inside && line.trim_start().starts_with('#') && line.contains(">, ") {
            if let Some(f) = line.split(">, ").nth(1).and_then(|r| r.split(',').next()) {
                out.push(f.trim().to_string());
            }
        }
    }
    seen.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpulists_parse_and_format() {
        assert_eq!(parse_cpulist("2-3,5\n"), Some(vec![2, 3, 5]));
        assert_eq!(parse_cpulist(""), Some(vec![]));
        assert_eq!(parse_cpulist("\n"), Some(vec![]));
        assert_eq!(parse_cpulist("3-2"), None);
        assert_eq!(parse_cpulist("a"), None);
        assert_eq!(format_cpulist(&[0, 2, 3, 4, 7]), "0,2-4,7");
        assert_eq!(format_cpulist(&[]), "");
    }

    #[test]
    fn stat_lines_parse_with_odd_names() {
        // Fields 4 to 38, then 39 (processor) and two more.
        let mut fields = vec!["0"; 35];
        fields.extend(["2", "0", "0"]);
        let line = format!("123 (a (b) c) R {}\n", fields.join(" "));
        let t = parse_stat(&line).unwrap();
        assert_eq!(
            (t.tid, t.comm.as_str(), t.state, t.cpu),
            (123, "a (b) c", 'R', 2)
        );
        assert_eq!(parse_stat("123 (x) S 1 2"), None);
    }

    #[test]
    fn own_stat_names_the_cpu_it_runs_on() {
        // Pinned to one CPU, the task's processor field is that CPU.
        let cpu = crate::affinity().unwrap()[0];
        crate::pin(cpu).unwrap();
        // SAFETY: gettid() has no preconditions.
        let tid = unsafe { libc::gettid() };
        let line = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).unwrap();
        let t = parse_stat(&line).unwrap();
        assert_eq!((t.tid, t.state, t.cpu), (tid, 'R', cpu));
    }

    #[test]
    fn rcu_offload_line_parses() {
        let log = "clocksource: tsc-early\nrcu: \tOffload RCU callbacks from CPUs: 2-3,5.\nx\n";
        assert_eq!(parse_rcu_offload(log), Some(vec![2, 3, 5]));
        assert_eq!(parse_rcu_offload("rcu: Hierarchical RCU\n"), None);
    }

    #[test]
    fn task_isolation_files_parse() {
        let text = "state:\tisolated\nflags:\t0x9\nisolated:\t3\nbreaks:\t2\n\
                    syscall:\t0\nexception:\t2\nlast_cause:\texception\nlast_detail:\t14\n";
        let t = parse_task_isolation(text).unwrap();
        assert_eq!(t.state, "isolated");
        assert_eq!(t.flags, 9);
        assert_eq!((t.isolated, t.breaks), (3, 2));
        assert_eq!(
            t.by_cause,
            vec![("syscall".to_string(), 0), ("exception".to_string(), 2)]
        );
        assert_eq!((t.last_cause.as_str(), t.last_detail), ("exception", 14));
        assert_eq!(parse_task_isolation("breaks:\t2\n"), None);
        assert_eq!(parse_task_isolation("state:\toff\nbreaks:\tx\n"), None);
    }

    #[test]
    fn timer_list_sections() {
        let text = "\
cpu: 1
 clock 0:
active timers:
 #0: <00000000deadbeef>, tick_nohz_handler, S:01
cpu: 2
 clock 0:
active timers:
 #0: <00000000b5ab6a0a>, hrtimer_wakeup, S:01
 # expires at 1-1 nsecs [in 1 to 1 nsecs]
 clock 1:
active timers:
Tick Device: mode:     1
 #0: <00000000b5ab6a0a>, not_this_one, S:01
";
        assert_eq!(
            hrtimers_on(text, 2),
            Some(vec!["hrtimer_wakeup".to_string()])
        );
        assert_eq!(
            hrtimers_on(text, 1),
            Some(vec!["tick_nohz_handler".to_string()])
        );
        assert_eq!(hrtimers_on(text, 3), None);
    }
}
