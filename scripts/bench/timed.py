#!/usr/bin/env python3
"""Runs a command and appends "wall_seconds max_rss_kb" to OUT (wall time from a monotonic
clock, peak memory of the command and its children from wait4). Fails if the command fails.

usage: timed.py OUT CMD [ARG...]"""
import os, subprocess, sys, time

out, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
err = proc.stderr.read().decode(errors="replace")
if os.waitstatus_to_exitcode(status) != 0:
    sys.stderr.write(err)
    sys.exit(1)
with open(out, "a") as f:
    f.write(f"{wall:.4f} {usage.ru_maxrss}\n")
