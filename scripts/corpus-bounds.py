#!/usr/bin/env python3
"""Runs `quietpost inspect --json` on every corpus message as its own process and checks that
each one exits successfully, prints JSON with the contract's fields, and stays under 2 s of
wall time and 512 MB of peak memory (maximum resident set size, from wait4)."""
import json, os, pathlib, subprocess, sys, time

TIME_LIMIT_S = 2.0
MEMORY_LIMIT_KB = 512 * 1024
FIELDS = {"subject", "date", "from", "sender", "reply_to", "to", "cc", "body", "links",
          "remote_content", "attachments", "authentication", "warnings"}

binary, corpus = sys.argv[1], pathlib.Path(sys.argv[2])
files = sorted(corpus.rglob("*.eml"))
failures, worst_t, worst_m = [], (0.0, ""), (0, "")
for eml in files:
    start = time.monotonic()
    proc = subprocess.Popen([binary, "inspect", "--json", str(eml)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - start
    name = str(eml.relative_to(corpus))
    worst_t = max(worst_t, (elapsed, name))
    worst_m = max(worst_m, (usage.ru_maxrss, name))
    if os.waitstatus_to_exitcode(status) != 0:
        failures.append(f"{name}: exit {os.waitstatus_to_exitcode(status)}: {err[-300:]!r}")
        continue
    try:
        missing = FIELDS - set(json.loads(out))
        if missing:
            failures.append(f"{name}: JSON lacks {sorted(missing)}")
    except ValueError as e:
        failures.append(f"{name}: not JSON: {e}")
    if elapsed > TIME_LIMIT_S:
        failures.append(f"{name}: took {elapsed:.2f} s")
    if usage.ru_maxrss > MEMORY_LIMIT_KB:
        failures.append(f"{name}: used {usage.ru_maxrss // 1024} MB")
print(f"{len(files)} messages; slowest {worst_t[0]:.3f} s ({worst_t[1]}); "
      f"largest peak memory {worst_m[0] // 1024} MB ({worst_m[1]})")
for f in failures:
    print("FAIL", f)
print(f"corpus-bounds: {len(files) - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures or len(files) < 80 else 0)
