#!/usr/bin/env python3
"""Hadoop's default HashPartitioner over Streaming's keys, as a reducer's input.

usage: hadoop-partition.py N PREFIX < map-output
Each line goes to PREFIX.I, I = (Text.hashCode(key) & Integer.MAX_VALUE) % N,
the key being the text before the first tab (the whole line without one), and
Text.hashCode being WritableComparator.hashBytes: h = 31 * h + (signed) byte,
from 1, in 32-bit arithmetic. Each PREFIX.I is then sorted as Hadoop sorts a
reducer's input: by key, bytewise.
"""
import sys

n, prefix = int(sys.argv[1]), sys.argv[2]
parts = [[] for _ in range(n)]
for line in sys.stdin.buffer:
    key = line.rstrip(b"\n").split(b"\t", 1)[0]
    h = 1
    for b in key:
        h = (31 * h + (b - 256 if b > 127 else b)) & 0xFFFFFFFF
    parts[(h & 0x7FFFFFFF) % n].append(line)
for i, lines in enumerate(parts):
    lines.sort(key=lambda l: l.split(b"\t", 1)[0])
    with open(f"{prefix}.{i}", "wb") as f:
        f.writelines(lines)
