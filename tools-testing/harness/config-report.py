#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""How a debian or rt guest's .config differs from Debian's own file.

    config-report.py ARCH KCONFIG DEBIAN_FILE DELTA TOOLCHAIN OUT_MD FRAGMENT...

DELTA is build-kernel.sh's config-delta.txt (every difference), TOOLCHAIN
its config-toolchain.txt (what olddefconfig alone changes on Debian's file
with this machine's compilers).  Each difference is put under one reason:
a fragment of kernel-config/ asks for it (the fragment's comments say
why), the toolchain changes it, Debian builds it as a module (all off), or
it follows from one of these (an option that depends on or is selected by
a module that is off, or by an option a fragment changed).
"""
import os
import re
import sys

arch, kconfig, debian_file, delta, toolchain, out = sys.argv[1:7]
fragments = sys.argv[7:]
LINE = re.compile(r"^(CONFIG_\w+): (.*) -> (.*)$")


def read_delta(path):
    d = {}
    for line in open(path):
        m = LINE.match(line.rstrip("\n"))
        if m:
            d[m.group(1)] = (m.group(2), m.group(3))
    return d


def fragment_options(path):
    opts = {}
    for line in open(path):
        m = re.match(r"^(CONFIG_\w+)=(.*)$", line) or re.match(r"^# (CONFIG_\w+) is not set", line)
        if m:
            opts[m.group(1)] = m.group(2) if m.lastindex == 2 else "n"
    return opts


everything = read_delta(delta)
tool = read_delta(toolchain)
modules = int(re.search(r"\(and (\d+) options", open(delta).read()).group(1))
asked = {}
for f in fragments:
    for opt in fragment_options(f):
        asked[opt] = os.path.relpath(f, os.path.dirname(os.path.dirname(os.path.abspath(f))))
ours, by_tool, follows = [], [], []
for opt, (was, now) in sorted(everything.items()):
    if opt in asked:
        ours.append((opt, was, now, asked[opt]))
    elif opt in tool and tool[opt][1] == now:
        by_tool.append((opt, was, now))
    else:
        follows.append((opt, was, now))

with open(out, "w") as o:
    o.write(f"# The {kconfig} guest's configuration, {arch}\n\n")
    o.write(f"Debian's own configuration of 7.3.4 (`{os.path.basename(debian_file)}` from "
            "`linux-config-7.3` 7.3.4-1~bpo13+1), made into a QEMU guest by "
            "`tools-testing/harness/build-kernel.sh` (`make build ARCH=" + arch +
            f" KCONFIG={kconfig}`).  Every option that differs from Debian's file after "
            "`make olddefconfig`, by reason.\n\n")
    o.write(f"## Asked for by a fragment ({len(ours)})\n\n"
            "Each fragment's comments give the reason.\n\n| option | Debian | guest | fragment |\n|---|---|---|---|\n")
    for opt, was, now, frag in ours:
        o.write(f"| `{opt}` | `{was}` | `{now}` | `{frag}` |\n")
    o.write(f"\n## Changed by the toolchain ({len(by_tool)})\n\n"
            "What `make olddefconfig` alone changes in Debian's file with this machine's "
            "gcc 12, binutils, rustc and bindgen (Debian builds with gcc 14): version "
            "strings and the `CC_HAS_*`/`RUSTC_HAS_*` probes, and what depends on them.\n\n"
            "| option | Debian | guest |\n|---|---|---|\n")
    for opt, was, now in by_tool:
        o.write(f"| `{opt}` | `{was}` | `{now}` |\n")
    o.write(f"\n## Modules\n\n{modules} options Debian builds as modules (`=m`) are off: the "
            "guest boots from an initramfs with no root filesystem, and what it needs "
            "Debian builds in already.  `kernel-config/debian.config` turns a few back on "
            "(listed above).\n\n")
    o.write(f"## Following from the above ({len(follows)})\n\n"
            "Options that depend on, or are selected by, a module that is off or an "
            "option changed above (a driver's sub-options, library code only modules "
            "select).  No option of the core kernel (scheduler, timers, RCU, entry, "
            "memory management, tracing, BPF, perf, cgroups, networking core) is among "
            "them unless listed here.\n\n<details><summary>the list</summary>\n\n"
            "| option | Debian | guest |\n|---|---|---|\n")
    for opt, was, now in follows:
        o.write(f"| `{opt}` | `{was}` | `{now}` |\n")
    o.write("\n</details>\n")
print(f"{out}: {len(ours)} asked for, {len(by_tool)} toolchain, {modules} modules off, "
      f"{len(follows)} following")
