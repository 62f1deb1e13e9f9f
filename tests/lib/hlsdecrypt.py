#!/usr/bin/env python3
"""hlsdecrypt.py: decrypts every segment and initialization section of a media
playlist with the key and IV RFC 8216 gives it (5.2: the IV attribute, else
the media sequence number) and checks what comes out is TS or fMP4.

usage: hlsdecrypt.py PLAYLIST   (key and segment URIs relative to it)
Prints each one that does not decrypt and exits 1; prints "N decrypted" else.
"""
import os
import sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def attrs(tag):
    out, rest = {}, tag.split(":", 1)[1]
    while rest:
        k, rest = rest.split("=", 1)
        if rest.startswith('"'):
            v, rest = rest[1:].split('"', 1)
        else:
            v, _, rest = rest.partition(",")
            rest = "," + rest if rest else ""
        out[k] = v
        rest = rest[1:] if rest.startswith(",") else rest
    return out


def decrypt(data, key, iv):
    if not data or len(data) % 16:
        return None
    d = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = d.update(data) + d.finalize()
    pad = plain[-1] if plain else 0
    if not 1 <= pad <= 16 or plain[-pad:] != bytes([pad]) * pad:
        return None
    return plain[:-pad]


def crc32_mpeg(b):
    c = 0xFFFFFFFF
    for x in b:
        c ^= x << 24
        for _ in range(8):
            c = ((c << 1) ^ 0x04C11DB7 if c & 0x80000000 else c << 1) & 0xFFFFFFFF
    return c


def table_intact(b):
    """A wrong IV garbles the first 16 bytes only: a segment starts with a
    table (PAT, or SDT as ffmpeg writes), whose CRC catches that."""
    if b[1] & 0x1F != 0 or b[2] not in (0, 0x11) or not b[1] & 0x40:
        return False
    p = 4 + (1 + b[4] if b[3] & 0x20 else 0)
    p += 1 + b[p]
    n = ((b[p + 1] & 0x0F) << 8) | b[p + 2]
    return p + 3 + n <= 188 and crc32_mpeg(b[p:p + 3 + n]) == 0


def looks_right(b, init):
    if init:
        return b[4:8] == b"ftyp"
    if b[:1] == b"\x47":
        return len(b) % 188 == 0 and all(b[i] == 0x47 for i in range(0, len(b), 188)) and table_intact(b)
    return b[4:8] in (b"moof", b"styp", b"sidx", b"emsg", b"prft")


def main():
    path = sys.argv[1]
    base = os.path.dirname(path)
    lines = open(path).read().split("\n")
    seq, key, bad, n = 0, None, [], 0
    for l in lines:
        if l.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            seq = int(l.split(":")[1])
    msn = seq

    def get(uri, what, lineno, init):
        nonlocal n
        data = open(os.path.join(base, uri), "rb").read()
        if key:
            k = open(os.path.join(base, key["URI"]), "rb").read()
            iv = bytes.fromhex(key["IV"][2:].rjust(32, "0")) if "IV" in key else msn.to_bytes(16, "big")
            data = decrypt(data, k, iv)
        if data is None or not looks_right(data, init):
            bad.append(f"{path}:{lineno}: {what} {uri} does not decrypt with its key and IV")
        n += 1

    for i, l in enumerate(lines, 1):
        if l.startswith("#EXT-X-KEY:"):
            a = attrs(l)
            key = None if a.get("METHOD") == "NONE" else a
        elif l.startswith("#EXT-X-MAP:"):
            get(attrs(l)["URI"], "the initialization section", i, True)
        elif l and not l.startswith("#"):
            get(l, "segment", i, False)
            msn += 1
    for b in bad:
        print(b)
    if bad:
        sys.exit(1)
    print(f"{n} decrypted")


main()
