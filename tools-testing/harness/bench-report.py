#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the bench suite's "bench: STRESSOR: KEY: VALUE" lines into JSON and
a markdown table.

    bench-report.py ARCH RESULTS JSON_OUT MD_OUT COMMAND [EXPECTED,...]

Exits 1 (naming the stressor) when a stressor reported an error or no
kernel entry count, or an EXPECTED stressor has no row.
"""
import datetime
import json
import re
import sys

arch, results, json_out, md_out, command = sys.argv[1:6]
modes = {"nohz_full": {}, "task_isolation": {}}
rows, ti_rows, errors = modes["nohz_full"], modes["task_isolation"], []
for line in open(results, errors="replace"):
    m = re.match(r"^bench: ([\w-]+): (.+?): (.*)$", line.rstrip())
    if not m:
        continue
    stressor, key, value = m.groups()
    mode = rows
    if key.startswith("ti "):   # the task isolation run
        mode, key = ti_rows, key[3:]
    row = mode.setdefault(stressor, {"kernel_entries": None, "irqs": {}, "causes": {},
                                     "breaks_by_cause": {}})
    if key == "error":
        errors.append(f"{stressor}: {value}")
    elif key == "kernel_entries":
        row["kernel_entries"] = int(value)
    elif key.startswith("irq "):
        row["irqs"][key[4:]] = int(value)
    elif key.startswith("cause "):
        row["causes"][key[6:]] = int(value)
    elif key.startswith("break "):
        row["breaks_by_cause"][key[6:]] = int(value)
    elif key in ("seconds", "cpu", "spins", "breaks", "isolate_attempts", "prctl_calls"):
        row[key] = int(value)
expected = [x for x in (sys.argv[6] if len(sys.argv) > 6 else "").split(",") if x]
for stressor in expected:
    if stressor not in rows:
        errors.append(f"{stressor}: no result at all")
for stressor, row in rows.items():
    if row["kernel_entries"] is None:
        errors.append(f"{stressor}: no kernel_entries line")
    ti = ti_rows.get(stressor)
    if ti is None or ti["kernel_entries"] is None or "breaks" not in ti:
        errors.append(f"{stressor}: no task isolation result (kernel_entries, breaks)")


def ti_cell(ti):
    """The task isolation column: entries, breaks and their causes."""
    if not ti or "breaks" not in ti:
        return "no result"
    causes = ", ".join(f"{v} {k}" for k, v in sorted(ti["breaks_by_cause"].items()))
    deferred = ", ".join(f"{v} {k[9:]}" for k, v in sorted(ti["causes"].items())
                         if k.startswith("deferred "))
    senders = ", ".join(f"{v} {k[12:]}" for k, v in sorted(ti["causes"].items())
                        if k.startswith("deferred-by "))
    return (f"{ti['kernel_entries']} entries ({ti.get('prctl_calls', '?')} prctl), "
            f"{ti['breaks']} breaks"
            + (f" ({causes})" if causes else "")
            + (f", deferred: {deferred} (by {senders})" if deferred else "")
            + f"; isolated on prctl #{ti.get('isolate_attempts', '?')}")


date = datetime.date.today().isoformat()
report = {"arch": arch, "date": date, "command": command, "modes": modes}
with open(json_out, "w") as f:
    json.dump(report, f, indent=2, sort_keys=True)
    f.write("\n")

with open(md_out, "w") as f:
    f.write(f"# Kernel entries on isolated CPU 2, {arch}\n\n")
    f.write(f"Measured {date} with `{command}` (QEMU TCG, 4 vCPUs, "
            "`isolcpus=nohz,domain,2-3`).  Each row: the stressor runs on CPUs 0-1 "
            "while a task spins in user mode on CPU 2; counts are over the "
            "window (seconds column), from `context_tracking:user_exit` on CPU 2 "
            "and CPU 2's `/proc/interrupts` deltas.  *What ran* names the functions "
            "CPU 2 ran in the window (`ran-csd`: a cross-CPU call, `ran-work`: a "
            "workqueue item, `ran-hrtimer`/`ran-timer`: timer callbacks) and "
            "`queued-by` the call sites that queued a cross-CPU call for it.  "
            "*Task isolation*: the same window again, the task isolated with "
            "`PR_TASK_ISOLATION` (SIGUSR1); kernel entries on CPU 2, breaks of "
            "isolation by the cause the signal carried, and how many prctl() calls "
            "the first isolation took (EAGAIN until the CPU is quiet).  After each "
            "break the task takes the signal, returns from its handler and calls "
            "prctl() until it is isolated again: those entries are counted too, "
            "and *prctl* says how many were isolation calls.  *deferred* counts the "
            "work other CPUs left for CPU 2's next entry instead of interrupting it "
            "(`task_isolation_defer`: by kind, and by the sender's call site).\n\n")
    f.write("| stressor | seconds | nohz_full only: kernel entries | "
            "interrupts on CPU 2 | what ran | task isolation |\n|---|---|---|---|---|---|\n")
    for stressor, row in rows.items():
        irqs = ", ".join(f"{v} {k}" for k, v in sorted(row["irqs"].items())) or "none"
        causes = ", ".join(f"{v} {k}" for k, v in
                           sorted(row["causes"].items(), key=lambda kv: -kv[1])) or "none"
        f.write(f"| {stressor} | {row.get('seconds', '?')} | {row['kernel_entries']} | "
                f"{irqs} | {causes} | {ti_cell(ti_rows.get(stressor))} |\n")

for e in errors:
    print(f"bench: {e}", file=sys.stderr)
sys.exit(1 if errors or not rows else 0)
