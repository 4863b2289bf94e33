#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that an x86_64 vmlinux runs no run-time patched code in the
task isolation windows.

    check-entry-windows.py [--writable KEY]... VMLINUX

A CPU that runs an isolated task in user mode gets no text-patching sync
IPI: the sender leaves SYNC in its state word, and the entry performs the
sync_core() in task_isolation_kernel_enter(), behind the
task_isolation_key static branch (include/linux/irq-entry-common.h).
Until that point (the entry window), and after the exit's store of USER
to the state word until the return to user mode (the exit window), the
CPU may execute text that a sender patched without syncing it: no code
there may be patched after boot.  On x86 the text patched after boot is
the static branches (__jump_table) and the static calls
(.static_call_sites); alternatives and paravirt calls are patched before
any task can isolate.  So every static-branch site in a window must use a
key in .data..ro_after_init (task_isolation_key included), and no static
call site may be in a window, but one of FIXED_CALLS, which nothing
updates after boot.

The windows are found in the machine code, as objtool would.  Entry
windows: from every symbol of .entry.text, each path is followed (both
ways at conditional jumps, static branches and static_cpu_has() tests,
through .altinstr_aux; into direct callees in .entry.text and
.noinstr.text; a callee that reaches the task_isolation_key site ends the
path at the call, since for an entry from user mode it performed the
sync) until the task_isolation_key site; the gate's out-of-line block and
__task_isolation_kernel_enter() are checked too.  Exit windows: from each
store to the state word (a mov to task_isolation_state) along each path
to the return to user mode (sysret, iret, or a return into the callers
of the function, and into the callers of the functions that end in a
jump to it, followed in turn).  Static branches on the keys of
NODEFER_KEYS are allowed in a window: their writers make the flip's sync
interrupt every CPU.  Calls out of the two sections are not followed; in
an exit window they are reported.  In the entry walk they are left to
objtool's noinstr validation (instrumentation_begin() regions): the walk
cannot tell an entry from user mode from one from kernel mode in the
assembly, and the kernel-mode paths, which never run before a deferred
sync, do call out (irqentry_enter()'s RCU and lockdep calls).  An
indirect branch other than a pv_ops call (patched at boot) or a return
thunk is reported: the check cannot see where it goes.

--writable KEY checks as if KEY were not __ro_after_init: the harness's
own test that the walk reaches the code before the gate (a key that must
then be reported).

Exit 0 when the windows are clean; 1 with one line per finding.
"""
import bisect
import re
import struct
import subprocess
import sys

# Keys that may be tested in a window although they are writable: each
# of their writers brackets its flip with task_isolation_nodefer_begin()
# and _end(), so that the flip's sync interrupts every CPU.
NODEFER_KEYS = {
    "stack_erasing_bypass",  # kernel/kstack_erase.c, the kernel.stack_erasing sysctl
}
# Static calls that may be called in a window: no code updates them after
# boot (no static_call_update() of them in the tree), so their sites are
# patched at init only.
FIXED_CALLS = {
    # arch/x86/kernel/traps.c: WARN() through a static call with
    # HAVE_ARCH_BUG_FORMAT_ARGS; reached from lockdep_hardirqs_off() on
    # the debug kernels' kernel-mode entry paths
    "__SCK__WARN_trap",
}
ENDS = ("sysretq", "sysretl", "iretq", "iret", "ud2", "int3", "hlt", "eretu", "erets", "lretq")
INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*?)\s*$")
TARGET = re.compile(r"^([0-9a-f]+) <([^>+]+)(\+0x[0-9a-f]+)?>$")


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


class Image:
    def __init__(self, path):
        self.path = path
        self.sections = []
        for line in run("readelf", "-SW", path).splitlines():
            m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
            if m:
                self.sections.append((m.group(1), m.group(2), int(m.group(3), 16),
                                      int(m.group(4), 16), int(m.group(5), 16)))
        self.by_name, self.names = {}, {}
        for line in run("nm", "-n", path).splitlines():
            f = line.split()
            if len(f) == 3:
                a = int(f[0], 16)
                self.by_name[f[2]] = a
                self.names.setdefault(a, f[2])
        self.addrs = sorted(self.names)
        self.data = open(path, "rb").read()

    def read(self, addr, n):
        for _, typ, a, off, size in self.sections:
            if a <= addr < a + size and typ != "NOBITS":
                return self.data[off + addr - a:off + addr - a + n]
        raise KeyError(hex(addr))

    def name(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        base = self.addrs[i]
        return self.names[base] if base == addr else f"{self.names[base]}+{addr - base:#x}"

    def table(self, start, stop, fmt):
        """Entries of a table of self-relative fields: (field addresses
        plus values, one per field of fmt)."""
        size = struct.calcsize(fmt)
        a, stop = self.by_name[start], self.by_name[stop]
        while a < stop:
            vals = struct.unpack(fmt, self.read(a, size))
            offs, out = 0, []
            for ch, v in zip(fmt[1:], vals):
                out.append(a + offs + v)
                offs += struct.calcsize("<" + ch)
            yield out
            a += size


def main():
    args, writable = sys.argv[1:], set()
    while len(args) > 2 and args[0] == "--writable":
        writable.add(args[1])
        args = args[2:]
    if len(args) != 1:
        sys.exit(__doc__.split("\n\n")[1])
    img = Image(args[0])
    missing = writable - img.by_name.keys()
    if missing:
        sys.exit(f"check-entry-windows: no symbol {', '.join(sorted(missing))} in {args[0]}")
    writable = {img.by_name[k] for k in writable}
    ranges = [(img.by_name["__entry_text_start"], img.by_name["__entry_text_end"]),
              (img.by_name["__noinstr_text_start"], img.by_name["__noinstr_text_end"])]
    ro = (img.by_name["__start_ro_after_init"], img.by_name["__end_ro_after_init"])
    gate = img.by_name["task_isolation_key"]
    state = img.by_name["task_isolation_state"]
    # raw_cpu_ptr(&task_isolation_state): this_cpu_off plus the symbol's
    # address as a sign-extended 32-bit displacement.
    disp = "-%#x(" % ((1 << 32) - (state & 0xffffffff)) if state & 0x80000000 else "%#x(" % (state & 0xffffffff)

    # A static_cpu_has() jumps to a test in .altinstr_aux until the
    # alternatives patch it into a nop or a jump; the test branches to
    # both of those targets, so the walk goes through it.
    ranges += [(a, a + size) for name, _, a, _, size in img.sections if name == ".altinstr_aux"]

    def inside(a):
        return any(s <= a < e for s, e in ranges)

    jumps = {}  # site -> (target, key)
    for code, target, key in img.table("__start___jump_table", "__stop___jump_table", "<iiq"):
        if inside(code):
            jumps[code] = (target, key & ~3)
    scalls = {}
    for site, key in img.table("__start_static_call_sites", "__stop_static_call_sites", "<ii"):
        if inside(site):
            scalls[site] = key & ~3

    insns, order = {}, []
    for s, e in ranges:
        for line in run("objdump", "-d", "--no-show-raw-insn", "--start-address=%#x" % s,
                        "--stop-address=%#x" % e, img.path).splitlines():
            m = INSN.match(line)
            if m:
                ops, _, note = m.group(3).partition("#")
                insns[int(m.group(1), 16)] = (m.group(2), ops.strip(), note.strip())
                order.append(int(m.group(1), 16))
    order.sort()
    nxt = {a: b for a, b in zip(order, order[1:])}
    func_start = {}
    for a in order:
        i = bisect.bisect_right(img.addrs, a) - 1
        func_start[a] = img.addrs[i]
    # callers[f]: the calls of f; tailers[f]: the functions that end in a
    # jump to f (a tail call), whose callers f returns to.
    callers, tailers = {}, {}
    for a in order:
        mn, ops, _ = insns[a]
        t = TARGET.match(ops)
        if not t or not t.group(2) or t.group(3):
            continue
        if mn.startswith("call"):
            callers.setdefault(int(t.group(1), 16), []).append(a)
        elif mn == "jmp" and int(t.group(1), 16) != func_start[a]:
            tailers.setdefault(int(t.group(1), 16), set()).add(func_start[a])

    def returns_to(f, seen):
        """The instructions after each call that f's ret may return to."""
        if f in seen:
            return []
        seen.add(f)
        out = [nxt[c] for c in callers.get(f, []) if c in nxt]
        for g in tailers.get(f, ()):
            out += returns_to(g, seen)
        return out

    findings = {}  # finding -> the windows' roots (entry symbol, store)

    def find(what, root):
        findings.setdefault(what, set()).add(img.name(root))

    seen_keys = {"entry": set(), "exit": set()}

    def check_site(a, where, root):
        if a in jumps:
            key = jumps[a][1]
            seen_keys[where].add(img.name(key))
            if (not ro[0] <= key < ro[1] and img.name(key) not in NODEFER_KEYS) or key in writable:
                find(f"{where} window: {img.name(a)}: static branch on {img.name(key)}, "
                     "a key that is not __ro_after_init", root)
        if a in scalls and img.name(scalls[a]) not in FIXED_CALLS:
            find(f"{where} window: {img.name(a)}: static call {img.name(scalls[a])}", root)

    def successors(a, where, root, call_ends):
        """The next instructions of a path at a.  A direct call into the
        sections ends the path when call_ends(target); calls out of the
        sections are objtool's noinstr validation's business (they are in
        instrumentation_begin()/end() regions, or never return)."""
        mn, ops, note = insns[a]
        t = TARGET.match(ops)
        tgt = int(t.group(1), 16) if t else None
        out = [jumps[a][0]] if a in jumps else []
        if mn.startswith("ret") or mn in ENDS:
            return out
        if mn.startswith("jmp"):
            if tgt is None:
                find(f"{where} window: {img.name(a)}: indirect jump ({ops}) not followed", root)
            elif t.group(2).endswith("x86_return_thunk"):
                pass    # a return
            elif inside(tgt):
                out.append(tgt)
            elif a not in scalls:
                find(f"{where} window: {img.name(a)}: jumps out of the entry sections to "
                     f"{img.name(tgt)}", root)
            return out
        if mn.startswith("j"):
            out.append(tgt)
        if mn.startswith("call"):
            if tgt is None and "pv_ops" not in note:
                find(f"{where} window: {img.name(a)}: indirect call ({ops} {note}) not followed", root)
            elif tgt is not None and not inside(tgt) and where == "exit":
                find(f"{where} window: {img.name(a)}: calls {img.name(tgt)}, out of the entry sections",
                     root)
            elif tgt is not None and inside(tgt) and call_ends(tgt):
                return out
        n = nxt.get(a)
        # Fall through into the next symbol only in the entry assembly.
        if n is not None and (func_start[n] == func_start[a] or ranges[0][0] <= n < ranges[0][1]):
            out.append(n)
        return out

    def is_gate(a):
        """The task_isolation_key test: its static branch, or, in a kernel
        without jump labels, the load of the key."""
        return (a in jumps and jumps[a][1] == gate) or "<task_isolation_key" in insns[a][2]

    # Entry windows.  reaches[f]: some path of f met the gate, which an
    # entry from user mode takes.
    reaches, walking = {}, set()

    def walk(start, seen, step):
        """Every instruction reachable from start, depth first, each once
        (seen): step(a) checks a and returns the next ones of its path."""
        todo = [start]
        while todo:
            a = todo.pop()
            if a in seen or a not in insns:
                continue
            seen.add(a)
            todo += step(a)

    def walk_entry(start, root):
        if start in reaches:
            return reaches[start]
        if start in walking:
            return False
        walking.add(start)
        met = []

        def step(a):
            check_site(a, "entry", root)
            if is_gate(a):
                met.append(a)
                return []
            return successors(a, "entry", root, lambda t: walk_entry(t, root))

        walk(start, set(), step)
        walking.discard(start)
        reaches[start] = bool(met)
        return bool(met)

    entry_syms = [a for a in img.addrs if ranges[0][0] <= a < ranges[0][1] and a in insns]
    for a in entry_syms:
        walk_entry(a, a)
    # Past the gate, the entry reads the state word and calls
    # __task_isolation_kernel_enter(), whose sync_core() ends the window:
    # the gate's out-of-line block and that whole function (its callees
    # included) are checked.
    kenter = img.by_name["__task_isolation_kernel_enter"]
    blocks = 0
    for a, (target, key) in jumps.items():
        if key != gate or not any(v for k, v in reaches.items()):
            continue
        b = target
        while b in insns:
            check_site(b, "entry", a)
            mn, ops, _ = insns[b]
            if mn.startswith("j") or mn.startswith("ret") or mn in ENDS or \
               (mn.startswith("call") and ops.startswith("%x " % kenter)):
                break
            b = nxt.get(b)
        blocks += 1
    seen, callees = set(), [kenter]

    def step_kenter(a):
        check_site(a, "entry", kenter)
        return successors(a, "entry", kenter, lambda t: callees.append(t) or False)

    while callees:
        walk(callees.pop(), seen, step_kenter)

    # Exit windows: from each store to the state word to the return to
    # user mode, through the callers of the function that stored; a path
    # that meets the gate again (an entry) ends there.
    stores = [a for a in order if insns[a][0].startswith("mov") and
              insns[a][1].rsplit(",", 1)[-1].startswith(disp)]
    exit_seen = set()

    def step_exit(a, root):
        if is_gate(a):
            return []
        check_site(a, "exit", root)
        succ = successors(a, "exit", root, lambda t: reaches.get(t, False))
        mn, ops, _ = insns[a]
        if mn.startswith("ret") or (mn.startswith("jmp") and "return_thunk" in ops):
            succ += returns_to(func_start[a], set())
        return succ

    for s in stores:
        walk(nxt[s], exit_seen, lambda a, root=s: step_exit(a, root))

    print(f"# entry windows: {len(entry_syms)} entry symbols, "
          f"{sum(1 for v in reaches.values() if v)} functions reach the task_isolation_key site, "
          f"{blocks} gate sites, {len(seen)} instructions in __task_isolation_kernel_enter and callees; "
          f"exit windows: {len(stores)} stores of the state word, {len(exit_seen)} instructions")
    for where, keys in seen_keys.items():
        print(f"# static branches in the {where} windows: {', '.join(sorted(keys)) or 'none'}")
    for f in sorted(findings):
        roots = sorted(findings[f])
        print(f"{f} (from {', '.join(roots[:3])}{', ...' if len(roots) > 3 else ''})")
    return 1 if findings or not stores or not any(reaches.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
