#!/usr/bin/env python3
"""Writes COUNT realistic messages straight into a Maildir (much faster than APPEND):
plain mail with quotes, HTML newsletters with tracking pixels and remote CSS, messages with
attachments, a few large ones. Deterministic for a given seed. Two shapes:

  small     71% plain, 20% newsletters, 8% with a 20-200 KB attachment, 1% around 1 MB
            (32 KB on average: mail where a client's per-message cost dominates);
  heavy     60% plain, 25% newsletters, 14.7% with attachments of 20 KB-1.5 MB (spread evenly
            over the orders of magnitude, as real attachments are), 0.3% of 2-4 MB
            (about 85 KB on average: an ordinary inbox with documents and photos, where
            bytes dominate).

usage: seed.py MAILDIR COUNT [SEED [SHAPE]]"""
import base64, math, os, random, sys, time

WORDS = ("the meeting notes draft budget review please find attached thanks regards project "
         "tomorrow schedule update quarterly report customer invoice travel lunch team release "
         "deadline question answer proposal contract agenda minutes design feedback security").split()


def para(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def text_body(rng, size):
    out, n = [], 0
    while n < size:
        p = para(rng, rng.randint(8, 40))
        out.append(p)
        n += len(p) + 2
    if rng.random() < 0.4:
        out.append("On Mon, someone wrote:\n" + "\n".join("> " + para(rng, 12) for _ in range(5)))
    return "\r\n\r\n".join(out)


def html_body(rng, size, i):
    parts = [f'<html><head><link rel="stylesheet" href="https://news{i % 50}.example.com/s.css">'
             '<style>body{background:url(https://t.example.net/bg.png)}</style></head><body>']
    n = 0
    while n < size:
        p = f'<table><tr><td><p>{para(rng, 30)}</p><a href="https://click.example.com/r?u={rng.randint(0, 1 << 30)}">Read more</a></td></tr></table>'
        parts.append(p)
        n += len(p)
    parts.append(f'<img src="https://t.example.net/open.gif?id={i}" width="1" height="1"></body></html>')
    return "\r\n".join(parts)


def b64(data):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[k:k + 76] for k in range(0, len(s), 76))


def attachment_size(rng, shape, kind):
    if shape == "small":
        if kind < 0.91:
            return None
        return rng.randint(20_000, 200_000) if kind < 0.99 else rng.randint(800_000, 1_200_000)
    if kind < 0.85:
        return None
    if kind < 0.997:
        return int(math.exp(rng.uniform(math.log(20_000), math.log(1_500_000))))
    return rng.randint(2_000_000, 4_000_000)


def message(rng, i, shape):
    kind = rng.random()
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(1_700_000_000 + i * 600))
    head = (f"From: Sender {i % 997} <sender{i % 997}@example{i % 13}.org>\r\n"
            f"To: Bench User <bench@quietpost.test>\r\n"
            + (f"Cc: Team <team{i % 7}@example.org>\r\n" if i % 3 == 0 else "")
            + f"Subject: {para(rng, rng.randint(3, 9))[:-1]} #{i}\r\n"
            f"Date: {date}\r\nMessage-ID: <bench{i}.{rng.randint(0, 1 << 40)}@example.org>\r\n"
            "MIME-Version: 1.0\r\n")
    size = attachment_size(rng, shape, kind)
    plain = 0.71 if shape == "small" else 0.60
    if kind < plain:
        return head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text_body(rng, rng.randint(300, 4000)) + "\r\n"
    if size is None:
        return (head + 'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
                "--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text_body(rng, 2000) +
                "\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html_body(rng, rng.randint(8000, 40000), i) +
                "\r\n--alt--\r\n")
    name = rng.choice(["report.pdf", "photo.jpg", "slides.pptx", "data.csv"])
    return (head + 'Content-Type: multipart/mixed; boundary="mix"\r\n\r\n'
            "--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text_body(rng, 800) +
            f'\r\n--mix\r\nContent-Type: application/octet-stream; name="{name}"\r\n'
            f'Content-Disposition: attachment; filename="{name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            + b64(rng.randbytes(size)) + "\r\n--mix--\r\n")


def main():
    maildir, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    shape = sys.argv[4] if len(sys.argv) > 4 else "small"
    if shape not in ("small", "heavy"):
        sys.exit(f"unknown shape {shape!r} (small or heavy)")
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    total = 0
    for i in range(count):
        data = message(rng, i, shape).encode()
        total += len(data)
        flags = "S" if rng.random() < 0.7 else ""
        with open(os.path.join(maildir, "cur", f"{1_700_000_000 + i}.M{i}P1.bench,S={len(data)}:2,{flags}"), "wb") as f:
            f.write(data)
    print(f"{count} {shape} messages, {total / 1e6:.0f} MB, {total / count / 1e3:.0f} KB on average")


if __name__ == "__main__":
    main()
