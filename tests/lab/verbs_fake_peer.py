#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A misbehaving peer of the ibpong TCP bootstrap, for failure tests.

verbs_fake_peer.py MODE PORT [HOST]
  server-version  serve; answer the hello with protocol version 99
  client-version  connect to HOST; say hello with protocol version 99
  truncated       serve; answer the hello with 5 bytes of a header, close
  oversized       serve; valid hello, then a 2 GiB data message header
  silent          serve; accept, then say nothing for 8 s
Header: magic 'IBPG', u16 version, u16 type, u32 length, big-endian."""
import socket
import struct
import sys
import time

HELLO, DATA = 1, 2


def hdr(version, mtype, length):
    return struct.pack("!4sHHI", b"IBPG", version, mtype, length)


def serve(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", port))
    s.listen(1)
    print("listening", flush=True)
    s.settimeout(30)
    c, _ = s.accept()
    c.settimeout(30)
    return c


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "client-version":
        deadline = time.time() + 20
        while True:
            try:
                c = socket.create_connection((sys.argv[3], port), timeout=5)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        c.sendall(hdr(99, HELLO, 0))
        c.settimeout(10)
        try:
            c.recv(64)
        except OSError:
            pass
        time.sleep(0.5)
        return
    c = serve(port)
    c.recv(12)  # the client's hello
    if mode == "server-version":
        c.sendall(hdr(99, HELLO, 0))
    elif mode == "truncated":
        c.sendall(hdr(1, HELLO, 0)[:5])
    elif mode == "oversized":
        c.sendall(hdr(1, HELLO, 0))
        c.recv(4096)  # the client's parameters
        c.sendall(hdr(1, DATA, 0x7FFFFFFF))
    elif mode == "silent":
        time.sleep(8)
    time.sleep(0.5)
    c.close()


main()
