#!/usr/bin/env python3
"""The server's own limit, with Python's imaplib and the results thrown away: one raw
`UID FETCH 1:* (UID FLAGS ENVELOPE RFC822.SIZE)` (what a message list needs at least), with
`headers` the items Quietpost's header-only sync asks for (every message's whole header, which
its list analysis reads), or with `bodies`, one raw `UID FETCH 1:* BODY.PEEK[]` (every message,
one connection). Prints the seconds it took, from before connecting to the end of LOGOUT:
the server's time and the client's own work, not Python's start (which takes longer than a
10,000-message header fetch on the bench machine).

usage: raw_fetch.py PORT USER PASSWORD CA_FILE [bodies|headers]"""
import imaplib, ssl, sys, time

port, user, password, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
items = {
    "bodies": "BODY.PEEK[]",
    "headers": "(UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[HEADER])",
}.get((sys.argv[5:] or [""])[0], "(UID FLAGS ENVELOPE RFC822.SIZE)")
ctx = ssl.create_default_context(cafile=ca)
start = time.perf_counter()
m = imaplib.IMAP4_SSL("localhost", port, ssl_context=ctx)
m.login(user, password)
m.select("INBOX", readonly=True)
typ, data = m.uid("FETCH", "1:*", items)
assert typ == "OK"
print(len(data), file=sys.stderr)
m.logout()
print(f"{time.perf_counter() - start:.5f}")
