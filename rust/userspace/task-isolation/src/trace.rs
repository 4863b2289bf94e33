// SPDX-License-Identifier: GPL-2.0
//! The `task_isolation` trace events as tracefs prints them, for
//! `task-isolation watch`.

use std::collections::BTreeMap;

/// One event line of `trace_pipe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The task that was running ("comm-pid").
    pub task: String,
    /// The CPU the event was recorded on.
    pub cpu: usize,
    /// The timestamp, as printed.
    pub time: String,
    /// The event without its `task_isolation_` prefix: begin, break,
    /// leave, defer, flush.
    pub name: String,
    /// Its fields, as printed ("cause=syscall detail=39 ...").
    pub fields: String,
}

impl Event {
    /// The value of field `key` ("cause" -> "syscall").
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
    }
}

/// Parse "  comm-123  [002] d..1.  12.345678: task_isolation_break: cause=..."
/// (`None` for other events and for lines that are not events).
pub fn parse_line(line: &str) -> Option<Event> {
    // The event name first: a task's name may hold " [" or ": ".
    let (head, tail) = line.split_once(": task_isolation_")?;
    let open = head.rfind('[')?;
    let close = open + head[open..].find(']')?;
    let task = head[..open].trim().to_string();
    let cpu = head[open + 1..close].trim().parse().ok()?;
    // After the CPU: the flags (optional) and the time.
    let time = head[close + 1..].split_whitespace().last()?.to_string();
    let (name, fields) = tail.split_once(':').unwrap_or((tail, ""));
    Some(Event {
        task,
        cpu,
        time,
        name: name.trim().to_string(),
        fields: fields.trim().to_string(),
    })
}

/// Counts of what `watch` saw: breaks by cause, other events by name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Breaks by cause name (as printed: an unknown number stays as is).
    pub breaks: BTreeMap<String, u64>,
    /// Every other event by name; deferred work by kind ("defer sync").
    pub others: BTreeMap<String, u64>,
}

impl Totals {
    /// Count `e`.
    pub fn add(&mut self, e: &Event) {
        match (e.name.as_str(), e.field("cause"), e.field("work")) {
            ("break", Some(cause), _) => *self.breaks.entry(cause.to_string()).or_default() += 1,
            ("defer", _, Some(work)) => {
                *self.others.entry(format!("defer {work}")).or_default() += 1
            }
            (name, _, _) => *self.others.entry(name.to_string()).or_default() += 1,
        }
    }

    /// One line: "breaks: 3 (syscall 2, interrupt 1); begin 4, defer sync 10".
    pub fn summary(&self) -> String {
        let n: u64 = self.breaks.values().sum();
        let list = |m: &BTreeMap<String, u64>| {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut s = format!("breaks: {n}");
        if n > 0 {
            s += &format!(" ({})", list(&self.breaks));
        }
        if !self.others.is_empty() {
            s += &format!("; {}", list(&self.others));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_lines_parse() {
        let e = parse_line(
            "   spin-93      [002] d..1.   41.123456: task_isolation_break: cause=syscall detail=39 addr=0x0 ip=do_syscall_64+0x1e/0x1d0",
        )
        .unwrap();
        assert_eq!(
            (e.task.as_str(), e.cpu, e.time.as_str(), e.name.as_str()),
            ("spin-93", 2, "41.123456", "break")
        );
        assert_eq!(e.field("cause"), Some("syscall"));
        assert_eq!(e.field("detail"), Some("39"));
        assert_eq!(e.field("dd"), None);
        let e = parse_line("<idle>-0 [000] 5.000001: task_isolation_defer: cpu=2 work=sync ip=smp_text_poke_sync_cpu").unwrap();
        assert_eq!(
            (e.cpu, e.name.as_str(), e.field("work")),
            (0, "defer", Some("sync"))
        );
        assert_eq!(parse_line("sh-1 [001] 1.0: sched_switch: prev=a"), None);
        // A task name with " [" and ": " in it.
        let e = parse_line("a [1] b: c-12 [002] 7.5: task_isolation_leave: error=0").unwrap();
        assert_eq!(
            (e.task.as_str(), e.cpu, e.time.as_str()),
            ("a [1] b: c-12", 2, "7.5")
        );
        assert_eq!(parse_line("# tracer: nop"), None);
    }

    #[test]
    fn totals_count_causes() {
        let mut t = Totals::default();
        for l in [
            "a-1 [002] 1.0: task_isolation_break: cause=syscall detail=1",
            "a-1 [002] 1.1: task_isolation_break: cause=syscall detail=2",
            "a-1 [002] 1.2: task_isolation_break: cause=0x7 detail=-1",
            "a-1 [002] 1.3: task_isolation_begin: cpu=2 flags=0x1",
            "b-2 [000] 1.4: task_isolation_defer: cpu=2 work=tlb ip=x",
        ] {
            t.add(&parse_line(l).unwrap());
        }
        assert_eq!(
            t.summary(),
            "breaks: 3 (0x7 1, syscall 2); begin 1, defer tlb 1"
        );
        assert_eq!(Totals::default().summary(), "breaks: 0");
    }
}
