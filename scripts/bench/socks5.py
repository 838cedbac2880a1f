#!/usr/bin/env python3
"""A minimal SOCKS5 relay for benchmarks (no authentication, CONNECT only), on 127.0.0.1.

    socks5.py PORT [DELAY_MS] [--forward TARGET_PORT]

With DELAY_MS, every chunk is held that long in each direction before it is passed on (a link
with latency; chunks stay in order and keep flowing meanwhile, so only latency is added, not a
bandwidth limit).

With --forward, no SOCKS: every connection is relayed to 127.0.0.1:TARGET_PORT as it is (a
server farther away, for clients and peers that speak no SOCKS).

Like Tor's SocksPort as far as the client can tell: the client sends the host name, the relay
resolves it and connects. It only ever connects to loopback: any other address is refused, so
a benchmark can never reach past this machine. Each byte is relayed as it comes (no buffering
beyond one read), so the client's own write pattern is what reaches the server.
"""
import asyncio
import ipaddress
import socket
import sys
import time

DELAY = 0.0


async def pipe(reader, writer):
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                break
            writer.write(data)
            await writer.drain()

    sender = asyncio.ensure_future(deliver())
    try:
        while True:
            data = await reader.read(65536)
            queue.put_nowait((time.monotonic() + DELAY, data or None))
            if not data:
                break
        await sender
    except (ConnectionError, asyncio.IncompleteReadError):
        sender.cancel()
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(reader, writer):
    try:
        head = await reader.readexactly(2)
        await reader.readexactly(head[1])
        writer.write(b"\x05\x00")
        ver, cmd, _, atyp = await reader.readexactly(4)
        if atyp == 1:
            host = socket.inet_ntoa(await reader.readexactly(4))
        elif atyp == 3:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        elif atyp == 4:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        else:
            raise ValueError("address type")
        port = int.from_bytes(await reader.readexactly(2), "big")
        addr = "127.0.0.1" if host == "localhost" else host
        if ver != 5 or cmd != 1 or not ipaddress.ip_address(addr).is_loopback:
            writer.write(b"\x05\x02\x00\x01\x00\x00\x00\x00\x00\x00")
            writer.close()
            return
        up_r, up_w = await asyncio.open_connection(addr, port)
        for w in (writer, up_w):
            w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        writer.write(b"\x05\x00\x00\x01\x7f\x00\x00\x01" + port.to_bytes(2, "big"))
        await writer.drain()
        await asyncio.gather(pipe(reader, up_w), pipe(up_r, writer))
    except Exception:
        writer.close()


async def forward(target, reader, writer):
    try:
        up_r, up_w = await asyncio.open_connection("127.0.0.1", target)
        for w in (writer, up_w):
            w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.gather(pipe(reader, up_w), pipe(up_r, writer))
    except Exception:
        writer.close()


async def main(port, target=None):
    if target is None:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
    else:
        server = await asyncio.start_server(
            lambda r, w: forward(target, r, w), "127.0.0.1", port
        )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    args = sys.argv[1:]
    target = None
    if "--forward" in args:
        i = args.index("--forward")
        target = int(args[i + 1])
        del args[i : i + 2]
    if len(args) > 1:
        DELAY = int(args[1]) / 1000
    asyncio.run(main(int(args[0]), target))
