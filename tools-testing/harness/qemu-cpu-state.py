#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Say where each vCPU of a hung guest is: one line per CPU, its program
counter and the kernel symbol that holds it.

  qemu-cpu-state.py MONITOR_SOCKET SYSTEM_MAP

MONITOR_SOCKET is the guest's QEMU human monitor (-monitor unix:PATH,...),
SYSTEM_MAP the kernel's System.map (the guest boots with nokaslr, so its
addresses are the running kernel's).  boot.sh runs it when a guest does
not power off in time, before it ends QEMU: it stops the guest, then reads
the registers, so that a hang says where the CPUs spin (a hang seen only
in CI is otherwise a console tail and no more).  Exits 1 when the monitor
cannot be read.
"""
import bisect
import re
import sys

from qemu_monitor import monitor


def load_symbols(path):
    """The text symbols of System.map, sorted: (addresses, names)."""
    syms = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[1] in "tTwW":
                    syms.append((int(parts[0], 16), parts[2]))
    except OSError:
        pass
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def symbolize(addr, addrs, names):
    i = bisect.bisect_right(addrs, addr) - 1
    if i < 0 or addr - addrs[i] > 0x100000:
        return "?"
    return "%s+%#x" % (names[i], addr - addrs[i])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        # Stop the guest first: the registers, and the console, are then
        # those of the moment it ran out of time.
        monitor(sys.argv[1], "stop", quiet=0.2, limit=2.0)
        text = monitor(sys.argv[1], "info registers -a")
    except OSError as e:
        print("qemu-cpu-state: cannot read the monitor %s: %s" % (sys.argv[1], e))
        return 1
    addrs, names = load_symbols(sys.argv[2])
    cpu = None
    found = 0
    for line in text.splitlines():
        m = re.match(r"\s*CPU#(\d+)", line)
        if m:
            cpu = m.group(1)
        # x86: "RIP=ffffffff81000000 RFL=..."; arm64: " PC=ffff8000800..."
        m = re.search(r"\b(RIP|PC)=([0-9a-fA-F]+)", line)
        if m and cpu is not None:
            pc = int(m.group(2), 16)
            print("CPU%s %s=%016x %s" % (cpu, m.group(1), pc,
                                         symbolize(pc, addrs, names)))
            found += 1
            cpu = None
    if not found:
        print("qemu-cpu-state: no program counter in the monitor's answer")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
