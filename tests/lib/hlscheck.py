#!/usr/bin/env python3
"""hlscheck.py: RFC 8216 rules on media playlists, and across the snapshots of a live one.

usage: hlscheck.py [--vod|--event|--live] PLAYLIST...   (snapshots in the order they were taken)
Prints what breaks a rule and exits 1; silent and 0 when all is well.
"""
import sys

def parse(path):
    lines = open(path).read().split("\n")
    assert lines[0] == "#EXTM3U", f"{path}: does not start with #EXTM3U"
    p = {"target": None, "mseq": 0, "dseq": 0, "type": None, "end": False, "segs": []}
    pending = {"disc": False, "pdt": False, "dur": None}
    for n, l in enumerate(lines[1:], 2):
        if l.startswith("#EXT-X-TARGETDURATION:"):
            p["target"] = int(l.split(":")[1])
        elif l.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            p["mseq"] = int(l.split(":")[1])
        elif l.startswith("#EXT-X-DISCONTINUITY-SEQUENCE:"):
            p["dseq"] = int(l.split(":")[1])
        elif l.startswith("#EXT-X-PLAYLIST-TYPE:"):
            p["type"] = l.split(":")[1]
        elif l == "#EXT-X-ENDLIST":
            p["end"] = True
        elif l == "#EXT-X-DISCONTINUITY":
            pending["disc"] = True
        elif l.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pending["pdt"] = True
        elif l.startswith("#EXTINF:"):
            pending["dur"] = float(l[8:].split(",")[0])
        elif l and not l.startswith("#"):
            assert pending["dur"] is not None, f"{path}:{n}: a URI without EXTINF"
            p["segs"].append(dict(pending, uri=l, line=n))
            pending = {"disc": False, "pdt": False, "dur": None}
    return p

def main():
    kind = None
    args = sys.argv[1:]
    if args and args[0].startswith("--"):
        kind = args.pop(0)[2:]
    bad = []
    seen = {}  # media sequence number -> (uri, discontinuity sequence number)
    target = None
    for path in args:
        p = parse(path)
        if p["target"] is None:
            bad.append(f"{path}: no EXT-X-TARGETDURATION")
            continue
        if target is not None and p["target"] != target:
            bad.append(f"{path}: EXT-X-TARGETDURATION changed from {target} to {p['target']}")
        target = p["target"]
        if kind in ("vod", "event") and p["type"] != kind.upper():
            bad.append(f"{path}: EXT-X-PLAYLIST-TYPE {p['type']}, want {kind.upper()}")
        if kind == "vod" and not p["end"]:
            bad.append(f"{path}: a VOD playlist without EXT-X-ENDLIST")
        dsn = p["dseq"]
        for i, s in enumerate(p["segs"]):
            if round(s["dur"]) > p["target"]:
                bad.append(f"{path}:{s['line']}: EXTINF {s['dur']} rounds above the target {p['target']}")
            if s["disc"]:
                dsn += 1
            if (i == 0 or s["disc"]) and not s["pdt"]:
                bad.append(f"{path}:{s['line']}: no EXT-X-PROGRAM-DATE-TIME on the first segment or after a discontinuity")
            msn = p["mseq"] + i
            if seen.setdefault(msn, (s["uri"], dsn)) != (s["uri"], dsn):
                bad.append(f"{path}: media sequence {msn} was {seen[msn]}, now {(s['uri'], dsn)}")
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)

main()
