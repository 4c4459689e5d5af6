#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Judge a fault against sweeps of the same lab hosts without it, with it and
after `fault clear` (tests/labcluster/faults.sh; each phase repeated, the
same number of files for each): the pairs the fault is on
must change by most of what it should, the others by far less, and after
clear every pair must be back near where it started.

Latency is one-way (half the round trip, ibpong's latency_us); a delay of D
on one direction of a pair's path thus adds D/2, on both directions D.
Prints one table row per pair (the figures of doc/lab.md) and exits 1 on
the first pair that breaks its rule."""
import json
import sys


def rows1(path):
    doc = json.load(open(path))
    return {(r["pair"]["host_a"], r["pair"]["host_b"]): r for r in doc["results"]}


def rows(paths):
    """Per pair, the better of repeated sweeps: the least of each latency
    statistic, the most bandwidth. Load from elsewhere on the machine only
    adds time, and a fault adds it to every repeat alike."""
    docs = [rows1(p) for p in paths]
    out = {}
    for pair in docs[0]:
        rs = [d[pair] for d in docs]
        out[pair] = {
            "latency_us": {k: min(r["latency_us"][k] for r in rs)
                           for k in rs[0]["latency_us"]},
            "bandwidth_MBps": max(r["bandwidth_MBps"] for r in rs),
        }
    return out


def delay_expect(pair):
    """One-way median rise, us, of: delay 2ms on node1, 1ms node2 -> node3."""
    if "node1" in pair:
        return 1000.0
    if pair == ("node2", "node3"):
        return 500.0
    return 0.0


def check_delay(base, fault, clear):
    ok = True
    print(f"{'pair':<14} {'base':>9} {'fault':>9} {'clear':>9} {'expect':>7}  median one-way, us")
    for p in sorted(base):
        b, f, c = (x[p]["latency_us"]["median"] for x in (base, fault, clear))
        want = delay_expect(p)
        print(f"{p[0]}-{p[1]:<8} {b:9.1f} {f:9.1f} {c:9.1f} {want:7.0f}")
        if want and f - b < 0.8 * want:
            print(f"FAIL: {p} rose {f - b:.1f} us, expected about {want:.0f}")
            ok = False
        if not want and f - b > 250:
            print(f"FAIL: {p} is not on a delayed path but rose {f - b:.1f} us")
            ok = False
        if c - b > 250:
            print(f"FAIL: {p} still {c - b:.1f} us slower after fault clear")
            ok = False
    return ok


def check_loss(base, fault, clear):
    ok = True
    lossy = ("node2", "node3")
    print(f"{'pair':<14} {'base p99':>9} {'fault p99':>9} {'clear p99':>9} {'fault max':>10} {'base med':>9} {'fault med':>9}  one-way, us")
    for p in sorted(base):
        lb, lf, lc = (x[p]["latency_us"] for x in (base, fault, clear))
        print(f"{p[0]}-{p[1]:<8} {lb['p99']:9.1f} {lf['p99']:9.1f} {lc['p99']:9.1f} {lf['max']:10.1f} {lb['median']:9.1f} {lf['median']:9.1f}")
        if p == lossy:
            # A lost segment costs TCP at least a tail-loss probe (about
            # 10 ms here) and often a 200 ms retransmission timeout.
            if lf["p99"] < max(5000.0, 3 * lb["p99"]):
                print(f"FAIL: {p} p99 {lf['p99']:.1f} us: the loss did not show in the tail")
                ok = False
        else:
            if lf["median"] - lb["median"] > 250:
                print(f"FAIL: {p} is not on the lossy link but its median rose")
                ok = False
            if lf["p99"] >= rows_p99_floor(fault, lossy):
                print(f"FAIL: {p} has a tail like the lossy link's")
                ok = False
        if lc["p99"] >= max(5000.0, 3 * lb["p99"]) and p == lossy:
            print(f"FAIL: {p} tail still long after fault clear")
            ok = False
    return ok


def rows_p99_floor(fault, lossy):
    return fault[lossy]["latency_us"]["p99"] / 2


def rate_expect(pair):
    """Pairs under the 40 Mbit/s (5 MB/s) caps: node1's and node2-node3."""
    return "node1" in pair or pair == ("node2", "node3")


def check_rate(base, fault, clear):
    ok = True
    cap = 5.0  # MB/s, 40 Mbit/s
    print(f"{'pair':<14} {'base':>9} {'fault':>9} {'clear':>9} {'capped':>7}  bidirectional MB/s (10^6 B/s)")
    for p in sorted(base):
        b, f, c = (x[p]["bandwidth_MBps"] for x in (base, fault, clear))
        capped = rate_expect(p)
        print(f"{p[0]}-{p[1]:<8} {b:9.1f} {f:9.1f} {c:9.1f} {'yes' if capped else 'no':>7}")
        if capped and f > 2.5 * cap:
            print(f"FAIL: {p} is capped at {cap} MB/s a direction but ran {f:.1f} MB/s")
            ok = False
        if not capped and f < 5 * cap:
            print(f"FAIL: {p} is not capped but ran only {f:.1f} MB/s")
            ok = False
        if c < 5 * cap:
            print(f"FAIL: {p} ran only {c:.1f} MB/s after fault clear")
            ok = False
    return ok


def main():
    kind = sys.argv[1]
    files = sys.argv[2:]
    n = len(files) // 3
    base, fault, clear = (rows(files[i * n:(i + 1) * n]) for i in range(3))
    assert set(base) == set(fault) == set(clear) and len(base) == 10, base.keys()
    ok = {"delay": check_delay, "loss": check_loss, "rate": check_rate}[kind](base, fault, clear)
    print("PASS" if ok else "FAIL", f"{kind} fault")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
