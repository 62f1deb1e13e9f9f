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
layer_of, module_of, layer, mod = {}, {}, -1, None
for line in open(os.path.join(lib, "README")):
    m = re.match(r"^(core|formats|engines):", line)
    if m:
        layer += 1
        mod = None
        continue
    m = re.match(r"^  ([a-z0-9]+) ", line)
    if m and layer >= 0:
        mod = m.group(1)
        layer_of[mod] = layer
        module_of[mod] = mod
    # other files a module's lines name belong to it
    if mod and line.startswith("  "):
        for f in re.findall(r"\b([a-z0-9]+)\.[ch]\b", line):
            module_of.setdefault(f, mod)
    elif not line.strip():
        mod = None
names = ("core", "formats", "engines")

uses, bad = {}, []
for f in sorted(os.listdir(lib)):
    if not f.endswith((".c", ".h")):
        continue
    mod = module_of.get(f[:-2])
    if mod is None:
        bad.append(f"lib/{f}: not in lib/README's layers")
        continue
    for n, line in enumerate(open(os.path.join(lib, f)), 1):
        m = re.match(r'#include "([a-z0-9]+)\.h"', line)
        if not m:
            continue
        dep = module_of.get(m.group(1))
        if dep is None:
            bad.append(f"lib/{f}:{n}: includes {m.group(1)}.h, which is in no layer")
            continue
        if dep == mod:
            continue
        if layer_of[dep] > layer_of[mod]:
            bad.append(f"lib/{f}:{n}: a {names[layer_of[mod]]} file includes {m.group(1)}.h, of {names[layer_of[dep]]} above it")
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
