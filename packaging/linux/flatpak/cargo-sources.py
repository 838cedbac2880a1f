#!/usr/bin/env python3
"""Writes cargo-sources.json for the Flatpak build from Cargo.lock: every crate as an archive
from crates.io with the SHA-256 Cargo.lock records, unpacked where cargo's vendored-source
directory expects it, and the cargo configuration that uses them, so flatpak-builder builds
with no network. packaging/check regenerates it and fails when the committed one is stale.

Usage: cargo-sources.py Cargo.lock > cargo-sources.json
"""
import json
import sys
import tomllib


def main(lock_path):
    with open(lock_path, "rb") as f:
        lock = tomllib.load(f)
    sources = []
    for pkg in lock["package"]:
        source = pkg.get("source", "")
        if not source:
            continue  # the workspace's own crates
        if not source.startswith("registry+https://github.com/rust-lang/crates.io-index"):
            sys.exit(f"{pkg['name']} {pkg['version']} is not from crates.io ({source}): not handled")
        name, version, checksum = pkg["name"], pkg["version"], pkg["checksum"]
        dest = f"cargo/vendor/{name}-{version}"
        sources.append({
            "type": "archive",
            "archive-type": "tar-gzip",
            "url": f"https://static.crates.io/crates/{name}/{name}-{version}.crate",
            "sha256": checksum,
            "dest": dest,
        })
        sources.append({
            "type": "inline",
            "contents": json.dumps({"package": checksum, "files": {}}),
            "dest": dest,
            "dest-filename": ".cargo-checksum.json",
        })
    sources.append({
        "type": "inline",
        "contents": "[source.vendored-sources]\ndirectory = \"cargo/vendor\"\n\n"
        "[source.crates-io]\nreplace-with = \"vendored-sources\"\n",
        "dest": "cargo",
        "dest-filename": "config.toml",
    })
    json.dump(sources, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Cargo.lock")
