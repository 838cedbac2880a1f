#!/usr/bin/env python3
"""What the binary's size is made of: the sections of a (stripped) release binary, and the
code of an unstripped one by crate (from its symbols, demangled by nm: what cargo-bloat
--crates reports). Code instantiated from generic std/core/alloc functions counts under
those names, wherever the types come from.

Usage: scripts/size-report.py STRIPPED [UNSTRIPPED]
  e.g. scripts/size-report.py target/dist/quietpost target/release/quietpost
"""
import collections
import re
import subprocess
import sys


def sections(path):
    out = subprocess.run(["size", "-A", path], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith(".") and parts[1].isdigit():
            rows.append((parts[0], int(parts[1])))
    return sorted(rows, key=lambda r: -r[1])


def crates(path):
    out = subprocess.run(["nm", "-C", "-S", "--size-sort", path],
                         capture_output=True, text=True, check=True).stdout
    sizes = collections.Counter()
    total = 0
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4 or parts[2] not in ("t", "T"):
            continue
        size, name = int(parts[1], 16), parts[3]
        total += size
        m = re.match(r"^<+(?:&(?:mut )?)?(?:dyn )?([A-Za-z_][A-Za-z0-9_]*)::", name) or \
            re.match(r"^([A-Za-z_][A-Za-z0-9_]*)::", name)
        sizes[m.group(1) if m else "[unattributed]"] += size
    return total, sizes


def main():
    stripped = sys.argv[1]
    print(f"{stripped}: sections")
    for name, size in sections(stripped)[:8]:
        print(f"  {size / 1e6:7.2f} MB  {name}")
    if len(sys.argv) > 2:
        total, sizes = crates(sys.argv[2])
        print(f"{sys.argv[2]}: code by crate ({total / 1e6:.1f} MB of functions)")
        for crate, size in sizes.most_common(25):
            print(f"  {size / 1e6:7.2f} MB {100 * size / total:5.1f}%  {crate}")


if __name__ == "__main__":
    main()
