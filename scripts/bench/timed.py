#!/usr/bin/env python3
"""Runs a command and appends one line to OUT:

    wall_seconds max_rss_kb cpu_seconds written_bytes wrote_bytes

wall time from a monotonic clock; peak memory and CPU time (user + system) of the command and
its children from wait4; what it wrote from this process's /proc/self/io before and after (a
reaped child's I/O counts are added to its parent's): `written_bytes` is what reached the
storage layer (write_bytes: the page cache's dirty pages, as the disk will get them, 0 on a
tmpfs), `wrote_bytes` what it passed to write() and its kind (wchar: files, pipes and sockets).
Fails if the command fails.

usage: timed.py OUT CMD [ARG...]"""
import os, subprocess, sys, time


def io():
    fields = dict(line.split(": ") for line in open("/proc/self/io").read().splitlines())
    return int(fields["write_bytes"]), int(fields["wchar"])


out, cmd = sys.argv[1], sys.argv[2:]
before = io()
start = time.perf_counter()
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
err = proc.stderr.read().decode(errors="replace")
if os.waitstatus_to_exitcode(status) != 0:
    sys.stderr.write(err)
    sys.exit(1)
after = io()
cpu = usage.ru_utime + usage.ru_stime
with open(out, "a") as f:
    f.write(f"{wall:.4f} {usage.ru_maxrss} {cpu:.3f} {after[0] - before[0]} {after[1] - before[1]}\n")
