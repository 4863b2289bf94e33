#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one command to a guest's QEMU human monitor and print its answer.

  qemu_monitor.py MONITOR_SOCKET COMMAND...

MONITOR_SOCKET is the guest's -monitor unix:PATH,server=on,wait=off.  Also
a module: monitor(path, command) for the harness's other scripts
(qemu-cpu-state.py).  Exits 1 when the monitor cannot be reached.
"""
import socket
import sys
import time


def monitor(path, command, quiet=1.0, limit=10.0):
    """Send COMMAND to the monitor at PATH; return what it printed."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(quiet)
    s.connect(path)
    out = b""

    def drain():
        nonlocal out
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return
            if not chunk:
                return
            out += chunk

    # At once, without waiting for the banner: "stop" must not wait.
    s.sendall(command.encode() + b"\n")
    drain()			# the banner, the prompt and the answer
    s.close()
    return out.decode(errors="replace")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    try:
        print(monitor(sys.argv[1], " ".join(sys.argv[2:])))
    except OSError as e:
        print("qemu_monitor: cannot reach the monitor %s: %s" % (sys.argv[1], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
