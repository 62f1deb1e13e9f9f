#!/usr/bin/env python3
"""hlscheck.py: RFC 8216 rules on media playlists, and across the snapshots of a live one.

usage: hlscheck.py [--vod|--event|--live] [--no-dates] PLAYLIST...   (snapshots in the order they were taken)
       hlscheck.py --master MASTER                                    (its variants measured from their files)
Prints what breaks a rule and exits 1; silent and 0 when all is well.

Rules: EXTINF rounded never above EXT-X-TARGETDURATION (4.3.3.1), which never
changes (6.2.1); a live window holds three target durations once segments leave
it (6.2.2); one
URI and discontinuity count per media sequence number across snapshots
(6.2.2); the version covers the tags used (7); segments under an EXT-X-MAP
are fMP4 and the others TS, a map never applying to TS; program dates never
go back inside a discontinuity; X-ASSET-URI resolves to a file beside the
playlist, never a file-system path; and, unless --no-dates, a date on the
first segment and after each discontinuity (ppv's own outputs have them).
A master's BANDWIDTH is at least each variant's peak segment bit rate and
AVERAGE-BANDWIDTH its mean, from the segment files (4.3.4.2).
"""
import os
import re
import sys
from datetime import datetime


def attr(line, name):
    m = re.search(r'(?:^|[:,])' + name + r'=("[^"]*"|[^,]*)', line)
    return m.group(1).strip('"') if m else None


def pdt(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def parse(path):
    lines = open(path).read().split("\n")
    assert lines[0] == "#EXTM3U", f"{path}: does not start with #EXTM3U"
    p = {"target": None, "mseq": 0, "dseq": 0, "type": None, "end": False, "segs": [], "version": 1,
         "needs": [], "assets": []}
    pending = {"disc": False, "pdt": None, "dur": None, "map": None, "size": None, "gap": False}
    cur_map = None
    for n, l in enumerate(lines[1:], 2):
        if l.startswith("#EXT-X-VERSION:"):
            p["version"] = int(l.split(":")[1])
        elif l.startswith("#EXT-X-TARGETDURATION:"):
            p["target"] = int(l.split(":")[1])
        elif l.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            p["mseq"] = int(l.split(":")[1])
        elif l.startswith("#EXT-X-DISCONTINUITY-SEQUENCE:"):
            p["dseq"] = int(l.split(":")[1])
        elif l.startswith("#EXT-X-PLAYLIST-TYPE:"):
            p["type"] = l.split(":")[1]
        elif l == "#EXT-X-ENDLIST":
            assert not p["end"], f"{path}:{n}: EXT-X-ENDLIST a second time"
            p["end"] = True
        elif l == "#EXT-X-DISCONTINUITY":
            pending["disc"] = True
        elif l.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pending["pdt"] = pdt(l.split(":", 1)[1])
        elif l.startswith("#EXT-X-MAP:"):
            cur_map = attr(l, "URI")
            p["needs"].append((6, n, "EXT-X-MAP"))
        elif l.startswith("#EXT-X-KEY:") and attr(l, "IV"):
            p["needs"].append((2, n, "EXT-X-KEY with IV"))
        elif l.startswith("#EXT-X-BYTERANGE:"):
            p["needs"].append((4, n, "EXT-X-BYTERANGE"))
            pending["size"] = int(l.split(":")[1].split("@")[0])
        elif l.startswith("#EXT-X-DATERANGE:") and attr(l, "X-ASSET-URI"):
            p["assets"].append((n, attr(l, "X-ASSET-URI")))
        elif l.startswith("#EXTINF:"):
            pending["dur"] = float(l[8:].split(",")[0])
        elif l == "#EXT-X-GAP":
            pending["gap"] = True
        elif l and not l.startswith("#"):
            assert pending["dur"] is not None, f"{path}:{n}: a URI without EXTINF"
            p["segs"].append(dict(pending, uri=l, line=n, map=cur_map))
            pending = {"disc": False, "pdt": None, "dur": None, "map": None, "size": None, "gap": False}
    return p


def local(base, uri):
    if re.match(r"^[a-z][a-z0-9+.-]*:", uri, re.I) or uri.startswith("/"):
        return None
    return os.path.join(base, uri.split("?")[0].split("#")[0])


def check_media(path, p, kind, dates, removed, bad):
    base = os.path.dirname(path)
    for need, n, what in p["needs"]:
        if p["version"] < need:
            bad.append(f"{path}:{n}: {what} needs EXT-X-VERSION {need}, the playlist says {p['version']}")
    if kind == "live" and not p["end"] and removed:
        total = sum(s["dur"] for s in p["segs"])
        if total < 3 * p["target"]:
            bad.append(f"{path}: a live window of {total:.3f} s, under three target durations ({3 * p['target']} s)")
    last_pdt = None
    for i, s in enumerate(p["segs"]):
        if round(s["dur"]) > p["target"]:
            bad.append(f"{path}:{s['line']}: EXTINF {s['dur']} rounds above the target {p['target']}")
        if dates and (i == 0 or s["disc"]) and s["pdt"] is None:
            bad.append(f"{path}:{s['line']}: no EXT-X-PROGRAM-DATE-TIME on the first segment or after a discontinuity")
        if s["disc"]:
            last_pdt = None
        if s["pdt"] is not None:
            if last_pdt is not None and s["pdt"] < last_pdt - 0.1:
                bad.append(f"{path}:{s['line']}: the program date goes back {last_pdt - s['pdt']:.3f} s without a discontinuity")
            last_pdt = s["pdt"]
        if last_pdt is not None:
            last_pdt += s["dur"]
        u = s["uri"].split("?")[0]
        if s["map"] and u.endswith(".ts"):
            bad.append(f"{path}:{s['line']}: TS segment {s['uri']} under the EXT-X-MAP {s['map']}")
        if not s["map"] and re.search(r"\.(m4s|mp4|cmfv|cmfa)$", u):
            bad.append(f"{path}:{s['line']}: fMP4 segment {s['uri']} without an EXT-X-MAP")
    for n, uri in p["assets"]:
        f = local(base, uri)
        if f is None and uri.startswith("/") and os.path.exists(uri):
            bad.append(f"{path}:{n}: X-ASSET-URI {uri} is a file-system path")
        elif f is not None and not os.path.exists(f):
            bad.append(f"{path}:{n}: X-ASSET-URI {uri} does not resolve beside the playlist")


def check_master(path, bad):
    base = os.path.dirname(path)
    lines = open(path).read().split("\n")
    for n, l in enumerate(lines, 1):
        if not l.startswith("#EXT-X-STREAM-INF:"):
            continue
        var = os.path.join(base, lines[n])
        p = parse(var)
        vbase = os.path.dirname(var)
        peak = total = size = 0
        for s in p["segs"]:
            f = local(vbase, s["uri"])
            if f is None:
                return
            if s["gap"]:
                continue  # never served: no bytes to bound
            b = s["size"] if s["size"] is not None else os.path.getsize(f)
            peak = max(peak, b * 8 / s["dur"]) if s["dur"] else peak
            size += b
            total += s["dur"]
        bw, avg = int(attr(l, "BANDWIDTH") or 0), attr(l, "AVERAGE-BANDWIDTH")
        if bw < peak * 0.999:
            bad.append(f"{path}:{n}: BANDWIDTH {bw} under the peak segment bit rate {peak:.0f} of {lines[n]}")
        if avg is not None and total and abs(int(avg) - size * 8 / total) > 0.01 * size * 8 / total:
            bad.append(f"{path}:{n}: AVERAGE-BANDWIDTH {avg}, {lines[n]} averages {size * 8 / total:.0f}")


def main():
    kind, dates, master = None, True, False
    args = sys.argv[1:]
    while args and args[0].startswith("--"):
        a = args.pop(0)[2:]
        if a == "no-dates":
            dates = False
        elif a == "master":
            master = True
        else:
            kind = a
    bad = []
    if master:
        for path in args:
            check_master(path, bad)
    seen = {}  # media sequence number -> (uri, discontinuity sequence number)
    target, first_mseq = None, None
    for path in [] if master else args:
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
        # the three-target window binds once segments have been removed
        if first_mseq is None:
            first_mseq = p["mseq"] if len(args) > 1 else 0
        check_media(path, p, kind, dates, p["mseq"] > first_mseq, bad)
        dsn = p["dseq"]
        for i, s in enumerate(p["segs"]):
            if s["disc"]:
                dsn += 1
            msn = p["mseq"] + i
            if seen.setdefault(msn, (s["uri"], dsn)) != (s["uri"], dsn):
                bad.append(f"{path}: media sequence {msn} was {seen[msn]}, now {(s['uri'], dsn)}")
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


main()
