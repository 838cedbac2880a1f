#!/usr/bin/env python3
"""Regenerate the large fixtures in this directory (deterministic output).

Usage: python3 generate.py            # writes *.eml next to this script
Every file begins with an X-Corpus-Intent header describing what it tests.
"""
import base64
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CRLF = "\r\n"


def headers(name, intent, subject, ctype, extra=()):
    assert "\n" not in intent
    h = [
        f"X-Corpus-Intent: Limits: {intent}",
        "From: Alice Example <alice@example.com>",
        "To: Bob Example <bob@example.net>",
        f"Subject: {subject}",
        "Date: Mon, 10 Mar 2025 07:00:00 +0000",
        f"Message-ID: <{name}.limits@corpus.example>",
        "MIME-Version: 1.0",
        *extra,
        f"Content-Type: {ctype}",
    ]
    return CRLF.join(h) + CRLF


def write(name, text):
    data = text.encode("utf-8") if isinstance(text, str) else text
    with open(os.path.join(HERE, name + ".eml"), "wb") as f:
        f.write(data)
    return len(data)


def fold(value, width=76):
    """Fold a long value into header continuation lines (each starts with a space)."""
    out, line = [], ""
    for word in value.split(" "):
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    out.append(line)
    return (CRLF + " ").join(out)


def mime_nesting(depth=2000):
    name = "mime-nesting-2000"
    intent = (f"multipart/mixed nested {depth} levels deep, each level with its own boundary (b0..b{depth-1}); "
              "innermost text/plain says 'Deepest part'. Must not overflow the stack or hang: a depth limit is applied "
              "(deeper parts dropped or shown as an error/notice); other output stays sane.")
    out = [headers(name, intent, "Deep MIME nesting", 'multipart/mixed; boundary="b0"'), CRLF]
    for i in range(1, depth):
        out.append(f"--b{i-1}{CRLF}Content-Type: multipart/mixed; boundary=\"b{i}\"{CRLF}{CRLF}")
    out.append(f"--b{depth-1}{CRLF}Content-Type: text/plain; charset=utf-8{CRLF}{CRLF}Deepest part.{CRLF}")
    for i in range(depth - 1, -1, -1):
        out.append(f"--b{i}--{CRLF}")
    return write(name, "".join(out))


def rfc822_nesting(depth=200):
    name = "rfc822-nesting-200"
    intent = (f"message/rfc822 nested {depth} levels (each level a full message with From level-N@example.org). "
              "Must not overflow the stack; a nesting limit is applied; the OUTER sender alice@example.com is the sender.")
    out = [headers(name, intent, "Deep message/rfc822 nesting", "message/rfc822"), CRLF]
    for i in range(1, depth):
        out.append(CRLF.join([
            f"From: Level {i} <level-{i}@example.org>",
            "To: Bob Example <bob@example.net>",
            f"Subject: Level {i}",
            f"Message-ID: <level-{i}@corpus.example>",
            "MIME-Version: 1.0",
            "Content-Type: message/rfc822" if i < depth - 1 else "Content-Type: text/plain; charset=utf-8",
        ]) + CRLF + CRLF)
    out.append(f"Innermost body.{CRLF}")
    return write(name, "".join(out))


def many_parts(count=20000):
    name = "parts-20000"
    intent = (f"one multipart/mixed with {count} small text/plain parts. Must finish in bounded time and memory; "
              "a part-count limit may cap processing (with a notice); no crash.")
    out = [headers(name, intent, f"{count} parts", 'multipart/mixed; boundary="many"'), CRLF]
    for i in range(count):
        out.append(f"--many{CRLF}Content-Type: text/plain; charset=utf-8{CRLF}{CRLF}Part {i}.{CRLF}")
    out.append(f"--many--{CRLF}")
    return write(name, "".join(out))


def big_header(size=2 * 1024 * 1024):
    name = "header-2mb"
    intent = ("a single X-Junk header of about 2 MB folded over ~27,000 continuation lines. Must parse without "
              "quadratic blow-up or crash (the header may be truncated/dropped); Subject 'Huge header' and body are shown.")
    line = "A" * 74
    n = size // (len(line) + 3)
    junk = "X-Junk: start" + "".join(f"{CRLF} {line}" for _ in range(n))
    text = headers(name, intent, "Huge header", "text/plain; charset=utf-8", extra=[junk]) + CRLF + "Body after a huge header." + CRLF
    return write(name, text)


def big_subject(size=1024 * 1024):
    name = "subject-1mb"
    intent = ("a Subject of about 1 MB (folded words). Must not crash; the displayed subject is capped/elided and "
              "stays on one line in the list; body 'Body after a huge subject.' is shown.")
    words = []
    total = 0
    i = 0
    while total < size:
        w = f"word{i}"
        words.append(w)
        total += len(w) + 1
        i += 1
    subj = fold("HUGE " + " ".join(words))
    text = headers(name, intent, subj, "text/plain; charset=utf-8") + CRLF + "Body after a huge subject." + CRLF
    return write(name, text)


def html_wrap(inner):
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Limits</title></head><body>' + CRLF
            + inner + CRLF + "</body></html>" + CRLF)


def deep_divs(depth=200000):
    name = "html-div-200000"
    intent = (f"HTML body with {depth} nested <div> elements (opened and closed). html2text/tree walking must not "
              "overflow the stack or hang; the text 'deep text' is shown or a depth limit notice is given; 0 remote refs.")
    inner = "<div>" * depth + "deep text" + "</div>" * depth
    return write(name, headers(name, intent, "Deep HTML", "text/html; charset=utf-8") + "Content-Transfer-Encoding: 8bit" + CRLF + CRLF + html_wrap(inner))


def many_imgs(count=50000):
    name = "html-img-50000"
    intent = (f"HTML body with {count} distinct remote <img> tags (https://t50k.tracker.example/i/N.gif). Must not crash "
              "or hang; reports the remote images (all of them, or a capped list with an explicit 'and N more' count); nothing fetched.")
    inner = CRLF.join(f'<img src="https://t50k.tracker.example/i/{i}.gif" width="1" height="1">' for i in range(count))
    return write(name, headers(name, intent, "Many remote images", "text/html; charset=utf-8") + "Content-Transfer-Encoding: 7bit" + CRLF + CRLF + html_wrap(inner))


def long_line(size=100 * 1024):
    name = "long-line-100kb"
    intent = ("text/plain body containing one 100 KB line without any space. Must wrap or clip for display without "
              "quadratic cost or crash; the line's first characters 'abcdefghij' are visible.")
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    line = (alphabet * (size // len(alphabet) + 1))[:size]
    return write(name, headers(name, intent, "One very long line", "text/plain; charset=utf-8") + "Content-Transfer-Encoding: 7bit" + CRLF + CRLF + line + CRLF)


def unclosed_boundary():
    name = "unclosed-boundary"
    intent = ("multipart/mixed whose closing delimiter --open-- never appears; the file ends inside the second part. "
              "Must not hang or crash; the first part 'First part.' is shown and the truncated attachment is listed or dropped with a notice.")
    text = (headers(name, intent, "Unclosed boundary", 'multipart/mixed; boundary="open"') + CRLF
            + f"--open{CRLF}Content-Type: text/plain; charset=utf-8{CRLF}{CRLF}First part.{CRLF}"
            + f"--open{CRLF}Content-Type: application/pdf{CRLF}Content-Transfer-Encoding: base64{CRLF}"
            + f'Content-Disposition: attachment; filename="cut.pdf"{CRLF}{CRLF}JVBERi0xLjQKJcfs{CRLF}j6IKMSAwIG9iago8')
    return write(name, text)


def base64_garbage():
    name = "base64-garbage"
    intent = ("base64 text part containing garbage characters (!@#$%, 8-bit bytes, '=' padding in the middle, a 1,000-char line). "
              "Must not crash; decode leniently (skipping invalid characters) or report a decoding error; "
              "the text part before it 'See attached.' is shown.")
    good = base64.b64encode(b"Hello, this is the decoded text of the attachment.\n").decode()
    body = (good[:20] + "!@#$%^&*" + good[20:40] + "==" + good[40:] + CRLF
            + "\xe9\xff garbage line \x00 with bytes" + CRLF
            + "QUJD" * 250 + CRLF
            + "====" + CRLF + "Zm9v" + CRLF)
    text = (headers(name, intent, "Broken base64", 'multipart/mixed; boundary="b64"') + CRLF
            + f"--b64{CRLF}Content-Type: text/plain; charset=utf-8{CRLF}{CRLF}See attached.{CRLF}"
            + f"--b64{CRLF}Content-Type: text/plain; charset=utf-8{CRLF}Content-Transfer-Encoding: base64{CRLF}"
            + f'Content-Disposition: attachment; filename="notes.txt"{CRLF}{CRLF}' + body + f"--b64--{CRLF}")
    return write(name, text.encode("latin-1"))


def big_plain(size=3 * 1024 * 1024):
    name = "plain-3mb"
    intent = ("a 3 MB text/plain body (about 40,000 numbered lines). Must render in bounded time/memory "
              "(the displayed body may be truncated with a notice); first line 'Line 00000' is visible.")
    lines, total, i = [], 0, 0
    while total < size:
        s = f"Line {i:05d}: the quick brown fox jumps over the lazy dog, again and again."
        lines.append(s)
        total += len(s) + 2
        i += 1
    return write(name, headers(name, intent, "Very long plain body", "text/plain; charset=utf-8") + "Content-Transfer-Encoding: 7bit" + CRLF + CRLF + CRLF.join(lines) + CRLF)


def many_recipients(count=20000):
    name = "recipients-20000"
    intent = (f"a To header with {count} addresses (user-N@example.org). Must parse in bounded time; the recipient list "
              "is capped/elided for display; no crash.")
    to = fold(", ".join(f"user-{i}@example.org" for i in range(count)))
    text = headers(name, intent, "Many recipients", "text/plain; charset=utf-8").replace(
        "To: Bob Example <bob@example.net>", "To: " + to) + CRLF + "Hello everyone." + CRLF
    return write(name, text)


def main():
    for fn in (mime_nesting, rfc822_nesting, many_parts, big_header, big_subject, deep_divs, many_imgs,
               long_line, unclosed_boundary, base64_garbage, big_plain, many_recipients):
        size = fn()
        print(f"{fn.__name__:20s} {size:>10,d} bytes")


if __name__ == "__main__":
    main()
