#!/usr/bin/env python3
"""The server's floor for a no-change sync: connect, TLS, log in and ask the state of every
folder (LIST-STATUS: the first look at a mailbox in a new server process) with Python's
imaplib, in-process; prints the median of 10 in seconds.

usage: floor.py PORT USER PASSWORD CA_FILE"""
import imaplib, ssl, statistics, sys, time

port, user, password, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
times = []
for _ in range(int((sys.argv[5:] or [10])[0])):
    start = time.perf_counter()
    m = imaplib.IMAP4_SSL("localhost", port, ssl_context=ctx)
    m.login(user, password)
    m._simple_command("LIST", '""', "*", "RETURN",
                      "(SPECIAL-USE STATUS (UIDVALIDITY UIDNEXT HIGHESTMODSEQ MESSAGES))")
    m.shutdown()
    times.append(time.perf_counter() - start)
print(f"{statistics.median(times):.5f}")
