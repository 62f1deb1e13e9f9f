#!/usr/bin/env python3
"""flv.py: FLV files a misbehaving publisher would send, made from a good one.

usage: flv.py corrupt IN OUT N     the Nth H.264 frame's NAL length made absurd
       flv.py audio-first IN OUT MB  MB audio packets of 1 MiB before any video
"""
import sys


def tags(data):
    """(type, timestamp, payload) of every tag, after the header."""
    at = int.from_bytes(data[5:9], "big") + 4
    while at + 11 <= len(data):
        kind, size = data[at], int.from_bytes(data[at + 1:at + 4], "big")
        ts = int.from_bytes(data[at + 4:at + 7], "big") | data[at + 7] << 24
        yield kind, ts, data[at + 11:at + 11 + size]
        at += 11 + size + 4


def tag(kind, ts, payload):
    head = bytes([kind]) + len(payload).to_bytes(3, "big") + (ts & 0xFFFFFF).to_bytes(3, "big")
    head += bytes([ts >> 24 & 0xFF]) + b"\0\0\0"
    return head + payload + (11 + len(payload)).to_bytes(4, "big")


def main():
    what, src, dst, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    data = open(src, "rb").read()
    out = bytearray(data[:int.from_bytes(data[5:9], "big")] + b"\0\0\0\0")
    all_tags = list(tags(data))
    if what == "corrupt":
        seen = 0
        for kind, ts, p in all_tags:
            if kind == 9 and len(p) > 9 and p[1] == 1:
                seen += 1
                if seen == n:
                    p = p[:5] + b"\x7f\xff\xff\xff" + p[9:]
            out += tag(kind, ts, p)
    elif what == "audio-first":
        # the script tag and the sequence headers first, as encoders send them
        heads = [t for t in all_tags if t[0] == 18 or (t[0] in (8, 9) and len(t[2]) > 1 and t[2][1] == 0)]
        for t in heads:
            out += tag(*t)
        junk = bytes([0xAF, 0x01]) + bytes(range(256)) * 4096
        for i in range(n):
            out += tag(8, 0, junk)
        for t in all_tags:
            if t not in heads:
                out += tag(*t)
    else:
        sys.exit(__doc__)
    open(dst, "wb").write(out)


main()
