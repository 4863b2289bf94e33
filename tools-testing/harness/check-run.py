#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one guest run from its two logs.

    check-run.py [--kunit-min N] [--counts FILE] LABEL CONSOLE RESULTS

CONSOLE is the serial console (the kernel's messages and KUnit's KTAP),
RESULTS the guest suite's own output (TAP).  Prints one TAP-like line per
finding and a closing line "LABEL: N passed, N failed[, N skipped]"; exits 1
when anything failed.  Failures: a "not ok" in KTAP or TAP, a TAP plan
that does not match, fewer passed KUnit tests than --kunit-min, any kernel
WARNING/BUG/Oops/lockdep splat, a missing end marker.  (objtool warnings
are build errors: OBJTOOL_WERROR, and build-kernel.sh checks its log.)
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

END_MARKER = "=== END OF RUN ==="
TIME_PREFIX = re.compile(r"^\[\s*\d+\.\d+\]\s?")
RESULT = re.compile(r"^(\s*)(not ok|ok)\b(?:\s+\d+)?\s*(?:-\s*)?(.*)$")
PLAN = re.compile(r"^(\s*)1\.\.(\d+)\s*$")
KERNEL_PROBLEMS = [
    (re.compile(r"\bWARNING: "), "kernel WARNING"),
    (re.compile(r"\bBUG: "), "kernel BUG"),
    (re.compile(r"\bOops\b"), "kernel Oops"),
    (re.compile(r"Kernel panic"), "kernel panic"),
    (re.compile(r"general protection fault"), "general protection fault"),
    (re.compile(r"Unable to handle kernel"), "unhandled kernel fault"),
    (re.compile(r"Internal error: "), "arm64 internal error"),
    (re.compile(r"possible (recursive|circular) locking|inconsistent lock state|"
                r"suspicious RCU usage|DEBUG_LOCKS_WARN_ON|INFO: lockdep is turned off"),
     "lockdep splat"),
    (re.compile(r"UBSAN: |KASAN: |KCSAN: "), "sanitizer report"),
    (re.compile(r"rcu: INFO: .*stall"), "RCU stall"),
]


def strip(line):
    return TIME_PREFIX.sub("", line.rstrip("\r\n"))


DIAG_KEEP = 12  # diagnostic lines shown under a failed result


def tap_leaves(lines):
    """(status, name) for each TAP/KTAP result that has no subtests, plus a
    failure when the top-level results do not match the top-level plan.
    A failed result's name carries the last DIAG_KEEP diagnostic ("# ")
    lines printed since the result before it (kselftest_harness's
    TH_LOG), so that a CI log alone tells why a case failed.  The guest's
    own "not ok - guest: ..." line (a suite that exited non-zero) is not
    one of the suite's planned results."""
    out, prev_indent, top, plan, diag = [], None, 0, None, []
    for line in lines:
        p = PLAN.match(line)
        if p and not p.group(1):
            plan = int(p.group(2))
        m = RESULT.match(line)
        if not m:
            if line.lstrip().startswith("#"):
                diag.append(line.strip())
            continue
        indent = len(m.group(1).expandtabs())
        desc, _, directive = m.group(3).partition(" #")
        if desc.startswith("#"):
            desc, directive = "", desc[1:]
        top += indent == 0 and not desc.startswith("guest: ")
        if prev_indent is None or prev_indent <= indent:
            skip = m.group(2) == "ok" and directive.strip().upper().startswith("SKIP")
            status = "skip" if skip else ("pass" if m.group(2) == "ok" else "fail")
            name = desc.strip() or "(no description)"
            if status == "fail" and diag:
                name += "".join("\n#   " + d for d in diag[-DIAG_KEEP:])
            out.append((status, name))
        prev_indent = indent
        diag = []
    if out and plan is None:
        out.append(("fail", "TAP: no 1..N plan (the suite was cut short?)"))
    elif out and plan != top:
        out.append(("fail", f"TAP: plan says {plan} results, {top} were printed"))
    return out


def kunit_results(console_path, kunit_py):
    """Per-test KUnit results via the tree's own parser (kunit.py parse)."""
    if not kunit_py or not os.path.exists(kunit_py):
        return None, "kunit.py not found"
    with tempfile.NamedTemporaryFile(suffix=".json") as js:
        proc = subprocess.run([sys.executable, "-B", kunit_py, "parse", "--json=" + js.name,
                               os.path.abspath(console_path)],
                              capture_output=True, text=True)
        try:
            data = json.load(open(js.name))
        except (OSError, ValueError):
            return None, "kunit.py parse wrote no JSON:\n" + proc.stdout[-2000:]
    if proc.returncode not in (0, 1):
        return None, f"kunit.py parse exited with {proc.returncode}:\n" + proc.stdout[-2000:]
    results = []

    def walk(suite, prefix):
        for case in suite.get("test_cases", []):
            results.append((case["status"], f"{prefix}{suite['name']}.{case['name']}"))
        for sub in suite.get("sub_groups", []):
            walk(sub, prefix)
    for suite in data.get("tests", [data] if "test_cases" in data else []):
        walk(suite, "")
    return results, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kunit-min", type=int, default=1)
    ap.add_argument("--kunit-py", default=os.environ.get("KUNIT_PY"))
    ap.add_argument("--counts", help="append 'LABEL passed failed skipped' to this file")
    ap.add_argument("label")
    ap.add_argument("console")
    ap.add_argument("results")
    a = ap.parse_args()

    checks = []  # (status, description)
    console = [strip(l) for l in open(a.console, errors="replace")] if os.path.exists(a.console) else []
    results = [strip(l) for l in open(a.results, errors="replace")] if os.path.exists(a.results) else []

    checks.append(("pass" if any(END_MARKER in l for l in results) else "fail",
                   "guest printed the end marker"))

    seen = set()
    for line in console:
        for rx, what in KERNEL_PROBLEMS:
            if rx.search(line) and what not in seen:
                seen.add(what)
                checks.append(("fail", f"console: {what}: {line.strip()[:160]}"))
    if not seen:
        checks.append(("pass", "console: no kernel warning, BUG, Oops or lockdep splat"))

    if a.kunit_min > 0:
        kres, err = kunit_results(a.console, a.kunit_py)
        if kres is None:
            checks.append(("fail", f"KUnit: {err}"))
        else:
            passed = 0
            for status, name in kres:
                st = {"SUCCESS": "pass", "PASS": "pass", "SKIPPED": "skip", "SKIP": "skip"}.get(status, "fail")
                passed += st == "pass"
                checks.append((st, f"KUnit {name}"))
            if passed < a.kunit_min:
                checks.append(("fail", f"KUnit: {passed} passed, expected at least {a.kunit_min}"))

    leaves = tap_leaves(results)
    if not leaves:
        checks.append(("fail", "guest suite reported no TAP results"))
    checks += [(s, f"guest {n}") for s, n in leaves]

    counts = {"pass": 0, "fail": 0, "skip": 0}
    for i, (status, desc) in enumerate(checks, 1):
        counts[status] += 1
        word = {"pass": "ok", "fail": "not ok", "skip": "ok"}[status]
        print(f"{word} {i} {a.label}: {desc}" + (" # SKIP" if status == "skip" else ""))
    line = f"{a.label}: {counts['pass']} passed, {counts['fail']} failed"
    if counts["skip"]:
        line += f", {counts['skip']} skipped"
    print(line)
    if a.counts:
        with open(a.counts, "a") as f:
            f.write(f"{a.label.split()[0]} {counts['pass']} {counts['fail']} {counts['skip']}\n")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
