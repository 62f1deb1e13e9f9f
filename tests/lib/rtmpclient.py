#!/usr/bin/env python3
"""rtmpclient.py: hostile and broken RTMP clients for the ppv-ingest tests.

  rtmpclient.py drip PORT [SECONDS]    one byte every SECONDS (1), for 60 s
  rtmpclient.py flood PORT             the handshake, then FCPublish without end, reading nothing
  rtmpclient.py hold PORT FILE SPEC..  idle sockets from ADDR (ADDR*N for N), FILE made once all
                                       are open, held 120 s
  rtmpclient.py silent PORT KEY        publishes with KEY, then sends nothing for 30 s
  rtmpclient.py garbage PORT KEY       publishes with KEY, then sends random bytes for 10 s
Each ends quietly when the server closes the connection; FROM in the environment is
the address to connect from (default 127.0.0.1)."""
import os
import socket
import struct
import sys
import time


def amf_str(t):
    return b"\x02" + struct.pack(">H", len(t)) + t


def num(n):
    return b"\x00" + struct.pack(">d", n)


def cmd(body, sid=0):
    return b"\x03" + bytes(3) + len(body).to_bytes(3, "big") + b"\x14" + sid.to_bytes(4, "little") + body


def connect(port):
    # from $FROM, so as not to count against the publishers' address
    return socket.create_connection(("127.0.0.1", port), source_address=(os.environ.get("FROM", "127.0.0.1"), 0))


def published(port, key):
    s = connect(port)
    s.sendall(b"\x03" + bytes(1536) + bytes(1536))
    s.sendall(cmd(amf_str(b"connect") + num(1) + b"\x03\x00\x03app" + amf_str(b"live") + b"\x00\x00\x09"))
    s.sendall(cmd(amf_str(b"createStream") + num(2) + b"\x05"))
    s.sendall(cmd(amf_str(b"publish") + num(3) + b"\x05" + amf_str(key.encode()) + amf_str(b"live"), 1))
    return s


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "drip":
        every = float(sys.argv[3]) if len(sys.argv) > 3 else 1
        s = connect(port)
        for _ in range(int(60 / every) + 1):
            s.send(b"\x03")
            time.sleep(every)
    elif mode == "flood":
        s = connect(port)
        s.sendall(b"\x03" + bytes(1536) + bytes(1536))
        s.sendall(cmd(amf_str(b"connect") + num(1) + b"\x03" + b"\x00\x03app" + amf_str(b"live") + b"\x00\x00\x09"))
        one = cmd(amf_str(b"FCPublish") + num(1) + b"\x05" + amf_str(b"x"))
        s.sendall(one * ((10 << 20) // len(one)))
    elif mode == "hold":
        held = []
        for spec in sys.argv[4:]:
            addr, _, n = spec.partition("*")
            for _ in range(int(n or 1)):
                s = socket.socket()
                s.bind((addr, 0))
                s.connect(("127.0.0.1", port))
                held.append(s)
        open(sys.argv[3], "w").close()
        time.sleep(120)
    elif mode == "silent":
        s = published(port, sys.argv[3])
        time.sleep(30)
    elif mode == "garbage":
        s = published(port, sys.argv[3])
        time.sleep(0.5)
        for _ in range(100):
            s.sendall(os.urandom(4096))
            time.sleep(0.1)
    else:
        sys.exit("rtmpclient.py: unknown mode " + mode)


try:
    main()
except OSError:
    pass
