#!/usr/bin/env python3
"""Runs `quietpost inspect --json` on every corpus message as its own process and checks that
each one exits successfully, prints JSON with the contract's fields, and stays under 2 s of
wall time and 512 MB of peak memory (maximum resident set size, from wait4).

Beside the corpus, it generates bombs at run time (too large to commit): an entity flood, deep
nesting of HTML and of MIME, many parts, huge headers, many HTML parts and many images. Each
must pass the same bounds, and those that exceed a limit must say so (limit-reached)."""
import json, os, pathlib, subprocess, sys, tempfile, time

TIME_LIMIT_S = 2.0
MEMORY_LIMIT_KB = 512 * 1024
FIELDS = {"subject", "date", "from", "sender", "reply_to", "to", "cc", "body", "links",
          "remote_content", "attachments", "authentication", "warnings"}

HEAD = (b"From: Bomb <bomb@attacker.example>\r\nTo: you@example.org\r\n"
        b"Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <bomb@attacker.example>\r\n")


def html_message(subject, html):
    return (HEAD + b"Subject: " + subject + b"\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: text/html; charset=utf-8\r\n\r\n" + html)


def multipart(subject, parts, kind=b"mixed"):
    b = b"b0und"
    out = [HEAD, b"Subject: ", subject, b"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/",
           kind, b"; boundary=\"", b, b"\"\r\n\r\n"]
    for p in parts:
        out += [b"--", b, b"\r\n", p, b"\r\n"]
    out += [b"--", b, b"--\r\n"]
    return b"".join(out)


def nested_mime(depth):
    inner = b"Content-Type: text/plain\r\n\r\nthe bottom\r\n"
    for i in range(depth):
        b = b"n%d" % i
        inner = (b"Content-Type: multipart/mixed; boundary=\"" + b + b"\"\r\n\r\n--" + b
                 + b"\r\n" + inner + b"\r\n--" + b + b"--\r\n")
    return HEAD + b"Subject: nested MIME\r\nMIME-Version: 1.0\r\n" + inner


# name: (bytes, whether limit-reached must be among the warnings)
BOMBS = {
    # 60 MB of character references: before, the remote-content scan read all of it (7.6 s).
    "entity-flood": (lambda: html_message(b"entities", b"<p>" + b"&amp;&#x41;&lt;" * 4_000_000), True),
    "div-nesting-500k": (lambda: html_message(b"divs", b"<div>" * 500_000 + b"deep"), False),
    "mixed-nesting": (lambda: html_message(b"mixed", b"<table><tr><td><b><i><span>" * 100_000), False),
    "mime-nesting-5000": (lambda: nested_mime(5000), True),
    "parts-50000": (lambda: multipart(b"parts", [b"Content-Type: text/plain\r\n\r\nx"] * 50_000), True),
    "html-parts-60": (lambda: multipart(b"html parts", [b"Content-Type: text/html\r\n\r\n<p>"
                                                         + b"<i>word</i> " * 90_000] * 60), True),
    "attachments-20000": (lambda: multipart(b"attachments", [
        b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        b"filename=\"f%d.exe\"\r\n\r\nMZ" % i for i in range(20_000)]), True),
    "subject-8mb": (lambda: html_message(b"A" * 70 + b"\r\n " + (b"word " * 14 + b"\r\n ") * 110_000, b"<p>hi"), True),
    "header-fields-200k": (lambda: HEAD + b"".join(b"X-Filler-%d: value\r\n" % i for i in range(200_000))
                           + b"Subject: many fields\r\n\r\nbody\r\n", False),
    # A cut address is another address: it says so.
    "from-address-1mb": (lambda: HEAD.replace(b"bomb@attacker.example", b"a" * (1 << 20) + b"@attacker.example")
                         + b"Subject: long address\r\n\r\nbody\r\n", True),
    # 100,000 labels: the look-alike check was quadratic (13 s).
    "from-domain-100k-labels": (lambda: HEAD.replace(b"@attacker.example", b"@" + b"sub." * 100_000 + b"attacker.example")
                                + b"Subject: long domain\r\n\r\nbody\r\n", True),
    "to-100k": (lambda: HEAD.replace(b"To: you@example.org", b"To: " + b", ".join(
        b"u%d@example.org" % i for i in range(100_000))) + b"Subject: many recipients\r\n\r\nbody\r\n", True),
    # 330,000 inline elements: html2text's tree took 1 GB and 1.4 s.
    "inline-elements-330k": (lambda: html_message(b"inline", b"<p>" + b"<i>word</i> " * 330_000), False),
    # A plain version beside deeply nested HTML: comparing the two took 134 s.
    "alternative-deep-html": (lambda: multipart(b"versions", [
        b"Content-Type: text/plain\r\n\r\nPay 99 at https://y.example",
        b"Content-Type: text/html\r\n\r\n" + b"<div>" * 200_000 + b"pay 1234 at https://x.example"],
        b"alternative"), False),
    "images-200k": (lambda: html_message(b"images", b"".join(
        b'<img src="http://t%d.tracker.example/p.gif">' % i for i in range(200_000))), True),
    "links-100k": (lambda: html_message(b"links", b"".join(
        b'<a href="http://l%d.example/">x</a> ' % i for i in range(100_000))), True),
}

binary, corpus = sys.argv[1], pathlib.Path(sys.argv[2])
files = sorted(corpus.rglob("*.eml"))
generated = tempfile.TemporaryDirectory(prefix="quietpost-bombs-")
must_warn = set()
for name, (make, warns) in BOMBS.items():
    path = pathlib.Path(generated.name) / f"{name}.eml"
    path.write_bytes(make())
    files.append(path)
    if warns:
        must_warn.add(path)
failures, worst_t, worst_m = [], (0.0, ""), (0, "")
for eml in files:
    start = time.monotonic()
    proc = subprocess.Popen([binary, "inspect", "--json", str(eml)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - start
    name = str(eml.relative_to(corpus)) if eml.is_relative_to(corpus) else "generated/" + eml.name
    worst_t = max(worst_t, (elapsed, name))
    worst_m = max(worst_m, (usage.ru_maxrss, name))
    if os.waitstatus_to_exitcode(status) != 0:
        failures.append(f"{name}: exit {os.waitstatus_to_exitcode(status)}: {err[-300:]!r}")
        continue
    try:
        parsed = json.loads(out)
        missing = FIELDS - set(parsed)
        if missing:
            failures.append(f"{name}: JSON lacks {sorted(missing)}")
        codes = {w.get("code") for w in parsed.get("warnings", [])}
        codes |= {c for a in parsed.get("from") or [] for c in a.get("warnings", [])}
        if eml in must_warn and "limit-reached" not in codes:
            failures.append(f"{name}: no limit-reached warning (has {sorted(codes)})")
    except ValueError as e:
        failures.append(f"{name}: not JSON: {e}")
    if elapsed > TIME_LIMIT_S:
        failures.append(f"{name}: took {elapsed:.2f} s")
    if usage.ru_maxrss > MEMORY_LIMIT_KB:
        failures.append(f"{name}: used {usage.ru_maxrss // 1024} MB")
generated.cleanup()
print(f"{len(files)} messages ({len(BOMBS)} generated); slowest {worst_t[0]:.3f} s ({worst_t[1]}); "
      f"largest peak memory {worst_m[0] // 1024} MB ({worst_m[1]})")
for f in failures:
    print("FAIL", f)
print(f"corpus-bounds: {len(files) - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures or len(files) < 80 else 0)
