#!/usr/bin/env python3
"""The server's own limit for a header-only first sync: one raw
`UID FETCH 1:* (UID FLAGS ENVELOPE RFC822.SIZE)` with Python's imaplib, results discarded.

usage: raw_fetch.py PORT USER PASSWORD CA_FILE"""
import imaplib, ssl, sys

port, user, password, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
m = imaplib.IMAP4_SSL("localhost", port, ssl_context=ctx)
m.login(user, password)
m.select("INBOX", readonly=True)
typ, data = m.uid("FETCH", "1:*", "(UID FLAGS ENVELOPE RFC822.SIZE)")
assert typ == "OK"
print(len(data), file=sys.stderr)
m.logout()
