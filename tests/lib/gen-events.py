#!/usr/bin/env python3
"""Deterministic month of ppv-earnings events for tests and benchmarks.

usage: gen-events.py N [SEED] [--month 2026-10] [--currencies USD,JPY]
                     [--creators 200 [--each]] > events.csv
Creators c0000..c0199; sales of every kind on web/ios/android from buyers in a
few countries; about 2 % refunds or chargebacks of earlier sales (some in the
month before), 1 % duplicated rows, a few adjustments.
With --each, the first --creators events name each creator once (i * K mod
the number, K prime to it), and the later ones a creator by a hash of i: every
creator has events once N reaches their number (drawn at random, a million of
2 million events name only 865,000), met again in no set order, and files of
different --creators are the same events but for the creator and its currency.
"""
import argparse, calendar, math, random, sys

p = argparse.ArgumentParser()
p.add_argument("n", type=int)
p.add_argument("seed", type=int, nargs="?", default=1)
p.add_argument("--month", default="2026-10")
p.add_argument("--currencies", default="USD")
p.add_argument("--creators", type=int, default=200)
p.add_argument("--each", action="store_true")
a = p.parse_args()
stride = 7919
while math.gcd(stride, a.creators) != 1:
    stride += 2

rnd = random.Random(a.seed)
y, m = map(int, a.month.split("-"))
start = calendar.timegm((y, m, 1, 0, 0, 0))
end = calendar.timegm((y + (m == 12), m % 12 + 1, 1, 0, 0, 0))
exps = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3, "MAD": 2}
curs = a.currencies.split(",")
kinds = ["ticket"] * 4 + ["subscription"] * 3 + ["tip"] * 2 + ["ad"]
platforms = ["web", "web", "ios", "android"]
countries = ["US", "FR", "DE", "JP", "BR", "MA"]


def amount(cur, lo, hi):
    e = exps[cur]
    if cur == "JPY":  # a ticket of 1,500 yen, not of 15
        lo, hi = lo * 100, hi * 100
    v = rnd.randint(lo * 10 ** e, hi * 10 ** e)
    return f"{v // 10 ** e}.{v % 10 ** e:0{e}d}" if e else str(v)


def creator_of(i):
    if i < a.creators:
        return i * stride % a.creators
    h = (i * 0x9E3779B97F4A7C15) & (2**64 - 1)  # splitmix64's finish
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & (2**64 - 1)
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & (2**64 - 1)
    return (h ^ (h >> 31)) % a.creators


w = sys.stdout.write
w("event_id,time,creator_id,kind,amount,currency,country,viewer_id,platform,ref_event_id\n")
sales = []
for i in range(a.n):
    r = rnd.random()
    t = rnd.randrange(start - 86400 * 3, end)  # some from the month before
    c = creator_of(i) if a.each else rnd.randrange(a.creators)
    cur = curs[c % len(curs)]
    if r < 0.02 and sales:
        s = rnd.choice(sales)
        kind = "refund" if rnd.random() < 0.8 else "chargeback"
        line = f"e{i:08d},{max(t, s[1] + 1, start)},{s[2]},{kind},{s[4]},{s[5]},{s[6]},{s[7]},{s[8]},{s[0]}\n"
        sales.remove(s)
    elif r < 0.025:
        amt = amount(cur, 0, 20)
        if rnd.random() < 0.5:
            amt = "-" + amt
        line = f"e{i:08d},{t},c{c:04d},adjustment,{amt},{cur},,,,\n"
    else:
        kind = rnd.choice(kinds)
        plat = "web" if kind == "ad" else rnd.choice(platforms)
        s = (f"e{i:08d}", t, f"c{c:04d}", kind, amount(cur, 1, 60), cur, rnd.choice(countries),
             f"v{rnd.randrange(100000)}", plat)
        sales.append(s)
        if len(sales) > 5000:
            sales.pop(0)
        line = ",".join(map(str, s)) + ",\n"
    w(line)
    if rnd.random() < 0.01:
        w(line)
