#!/usr/bin/env python3
"""layers.py: lib/'s includes against the layers lib/README gives them.

Each file may include its own layer and those below; no include cycle, even
through other files; every file of lib/ is in the README. Prints what breaks
a rule and exits 1; prints nothing and exits 0 when all hold.
"""
import os
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
lib = os.path.join(top, "lib")
layer_of, layer = {}, -1
for line in open(os.path.join(lib, "README")):
    m = re.match(r"^(core|formats|engines):", line)
    if m:
        layer += 1
        continue
    m = re.match(r"^  ([a-z0-9]+) ", line)
    if m and layer >= 0:
        layer_of[m.group(1)] = layer
names = ("core", "formats", "engines")

uses, bad = {}, []
for f in sorted(os.listdir(lib)):
    if not f.endswith((".c", ".h")):
        continue
    mod = f[:-2]
    if mod not in layer_of:
        bad.append(f"lib/{f}: not in lib/README's layers")
        continue
    for n, line in enumerate(open(os.path.join(lib, f)), 1):
        m = re.match(r'#include "([a-z0-9]+)\.h"', line)
        if not m or m.group(1) == mod:
            continue
        dep = m.group(1)
        if dep not in layer_of:
            bad.append(f"lib/{f}:{n}: includes {dep}.h, which is in no layer")
            continue
        if layer_of[dep] > layer_of[mod]:
            bad.append(f"lib/{f}:{n}: a {names[layer_of[mod]]} file includes {dep}.h, of {names[layer_of[dep]]} above it")
        uses.setdefault(mod, set()).add(dep)

# a cycle: a module that reaches itself
def reach(start):
    seen, todo = set(), list(uses.get(start, ()))
    while todo:
        m = todo.pop()
        if m == start:
            return True
        if m not in seen:
            seen.add(m)
            todo.extend(uses.get(m, ()))
    return False

for mod in sorted(uses):
    if reach(mod):
        bad.append(f"lib/{mod}: its includes come back to it (a cycle)")

for b in bad:
    print(b)
sys.exit(1 if bad else 0)
