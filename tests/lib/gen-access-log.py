#!/usr/bin/env python3
"""An nginx `combined` access log of a live event watched with ppv tickets.

gen-access-log.py [--scenario | --lines N] [--malformed LINE,...]

--scenario: 10 minutes of 4 s segments watched by a ticket shared between two
households (aaaa...), a phone moving from Wi-Fi to 4G (bbbb...), two buyers
behind one carrier-NAT address (cccc..., dddd...) and an honest viewer
(eeee...). --lines N: N lines of many viewers, for the benchmark.
--malformed puts a broken line at each of those line numbers."""
import argparse
import random
import sys
import time

T0 = 1796068800  # 2026-11-30T20:00:00Z


def line(addr, t, uri, status=200, size=188000):
    d = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t))
    return '%s - - [%s] "GET %s HTTP/1.1" %d %d "-" "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)"' % (
        addr, d, uri, status, size)


def uri(ticket, f, ev="ev1"):
    return "/t/ZmFrZS1tZDUtb2YtMjItY2g/1796100000/%s/live/%s/%s" % (ticket, ev, f)


def scenario():
    rows = []
    viewers = {
        "a" * 16: lambda i: ["198.51.100.7", "203.0.113.40"],
        "b" * 16: lambda i: ["192.0.2.10"] if i < 74 else ["192.0.2.10", "100.64.1.5"] if i == 74 else ["100.64.1.5"],
        "c" * 16: lambda i: ["100.64.1.5"],
        "d" * 16: lambda i: ["100.64.1.5"],
        "e" * 16: lambda i: ["2001:db8:7:1::42"],
    }
    for i in range(150):
        t = T0 + 4 * i
        for tk, where in viewers.items():
            for k, addr in enumerate(where(i)):
                rows.append((t + k, line(addr, t + k, uri(tk, "index.m3u8"), size=400)))
                rows.append((t + k + 1, line(addr, t + k + 1, uri(tk, "index%d.ts" % i))))
    rows.sort(key=lambda r: r[0])
    return [r[1] for r in rows]


def many(n):
    rnd = random.Random(7)
    tickets = ["%016x" % rnd.getrandbits(64) for _ in range(20000)]
    addrs = ["%d.%d.%d.%d" % (rnd.randrange(1, 224), rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
             for _ in range(20000)]
    out = []
    for i in range(n):
        v = rnd.randrange(len(tickets))
        t = T0 + i // 2000
        f = "index.m3u8" if i % 2 else "index_360p%d.ts" % (t // 4 % 100000)
        out.append(line(addrs[v], t, uri(tickets[v], f)))
    return out


ap = argparse.ArgumentParser()
ap.add_argument("--scenario", action="store_true")
ap.add_argument("--lines", type=int)
ap.add_argument("--malformed", default="")
a = ap.parse_args()
rows = scenario() if a.scenario else many(a.lines)
for n in sorted(int(x) for x in a.malformed.split(",") if x):
    rows.insert(n - 1, "this is not a log line" if n % 2 else '1.2.3.4 - - [99/Nov/2026:20:00:00 +0000] "GET / HTTP/1.1" 200')
w = sys.stdout.write
for r in rows:
    w(r + "\n")
