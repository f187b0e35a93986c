#!/usr/bin/env python3
"""Prints "SLOT PID PORT" for every aigis-sim replica under the process AIGIS_PID (its descendants in /proc)."""
import os
import sys

root = int(sys.argv[1])
children = {}
for entry in os.listdir("/proc"):
    if not entry.isdigit():
        continue
    try:
        with open(f"/proc/{entry}/stat") as f:
            stat = f.read()
    except OSError:
        continue
    ppid = int(stat[stat.rindex(")") + 2:].split()[1])
    children.setdefault(ppid, []).append(int(entry))

pending, seen = [root], 0
while pending and seen < 10000:
    pid = pending.pop()
    seen += 1
    for child in children.get(pid, []):
        pending.append(child)
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                args = [a.decode() for a in f.read().split(b"\0") if a]
        except OSError:
            continue
        if args and os.path.basename(args[0]) == "dotnet" and any(a.endswith("aigis-sim.dll") for a in args) \
                and "--port" in args and "--seed" in args:
            print(args[args.index("--seed") + 1], child, args[args.index("--port") + 1])
