#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check an ibpong/1 JSON document against doc/result-format.md.

Usage: check_result.py FILE [--tool NAME] [--kind KIND] [--sizes 0,1,2]
                            [--iters N] [--hosts N]
Exit 0 when the document conforms, 1 with one line per problem otherwise.
Only the standard library is used.
"""
import argparse
import json
import math
import re
import sys

UNITS = {
    "latency": "us",
    "bandwidth": "MB/s, 1 MB = 10^6 bytes",
    "message_rate": "messages/s",
}
KINDS = ("latency", "bw", "bibw", "pingping")
LAT_KINDS = ("one-way", "round-trip", "one-message")
# What ibpong's driver reports for each kind of test.
EXPECTED_LAT_KIND = {
    "latency": "one-way",
    "pingping": "one-message",
    "bw": "one-message",
    "bibw": "one-message",
}
STATS = ("min", "median", "mean", "stdev", "p90", "p99", "p999", "max")
TOP_KEYS = {"format", "tool", "test", "units", "run", "results"}
ROW_KEYS = {"size_bytes", "iterations", "warmup", "latency_us",
            "bandwidth_MBps", "bandwidth_peak_MBps", "message_rate_per_s",
            "pair", "timed_out", "ci95_us", "stable", "stop", "time_s",
            "retests", "imb_t_us"}
# Always written; each percentile only from its sample count on.
STATS_ALWAYS = ("min", "median", "mean", "stdev", "max")
PCT_MIN_COUNT = {"p90": 10, "p99": 100, "p999": 1000}
STOPS = ("fixed", "time-per-size", "precision", "time-cap", "iteration-cap")
CLOCK_SOURCES = ("tsc", "clock_gettime(CLOCK_MONOTONIC_RAW)")
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
# Relative slack for comparisons of printed doubles.
EPS = 1e-9


class Checker:
    def __init__(self):
        self.problems = []

    def fail(self, where, what):
        self.problems.append(f"{where}: {what}")

    def is_num(self, v):
        return isinstance(v, (int, float)) and not isinstance(v, bool) \
            and math.isfinite(v)

    def string(self, obj, key, where, allowed=None):
        v = obj.get(key) if isinstance(obj, dict) else None
        if not isinstance(v, str) or not v:
            self.fail(f"{where}.{key}", f"expected a non-empty string, got {v!r}")
            return None
        if allowed is not None and v not in allowed:
            self.fail(f"{where}.{key}", f"{v!r} is not one of {allowed}")
        return v

    def le(self, a, b, where, names):
        if a > b * (1 + EPS) + EPS:
            self.fail(where, f"{names[0]} {a} > {names[1]} {b}")


def check_head(c, doc, args):
    if not isinstance(doc, dict):
        c.fail("document", "expected an object")
        return None
    extra = set(doc) - TOP_KEYS
    if extra:
        c.fail("document", f"unknown top-level keys {sorted(extra)}")
    if doc.get("format") != "ibpong/1":
        c.fail("format", f"expected 'ibpong/1', got {doc.get('format')!r}")
    tool = doc.get("tool", {})
    name = c.string(tool, "name", "tool")
    c.string(tool, "version", "tool")
    if args.tool and name != args.tool:
        c.fail("tool.name", f"expected {args.tool!r}, got {name!r}")
    test = doc.get("test", {})
    c.string(test, "name", "test")
    kind = c.string(test, "kind", "test", KINDS)
    lat = c.string(test, "latency", "test", LAT_KINDS)
    if args.kind and kind != args.kind:
        c.fail("test.kind", f"expected {args.kind!r}, got {kind!r}")
    if kind in EXPECTED_LAT_KIND and lat != EXPECTED_LAT_KIND[kind]:
        c.fail("test.latency",
               f"{kind} reports {EXPECTED_LAT_KIND[kind]!r}, got {lat!r}")
    if doc.get("units") != UNITS:
        c.fail("units", f"expected {UNITS}, got {doc.get('units')!r}")
    return kind


def check_run(c, run, args):
    if not isinstance(run, dict):
        c.fail("run", "expected an object")
        return
    c.string(run, "command_line", "run")
    start = c.string(run, "start_time", "run")
    if start and not ISO_UTC.match(start):
        c.fail("run.start_time", f"{start!r} is not YYYY-MM-DDTHH:MM:SSZ")
    if args.transport:
        c.string(run, "transport", "run", (args.transport,))
    hosts = run.get("hosts")
    if not isinstance(hosts, list) or not all(
            isinstance(h, str) and h for h in hosts):
        c.fail("run.hosts", f"expected an array of host names, got {hosts!r}")
    elif args.hosts is not None and len(hosts) != args.hosts:
        c.fail("run.hosts", f"expected {args.hosts} entries, got {len(hosts)}")
    c.string(run, "kernel", "run")
    if args.transport == "mpi":
        mpi = run.get("mpi")
        if not isinstance(mpi, dict):
            c.fail("run.mpi", f"expected an object, got {mpi!r}")
        else:
            c.string(mpi, "library", "run.mpi")
            ver = c.string(mpi, "version", "run.mpi")
            if ver and not re.match(r"^\d+(\.\d+)*", ver):
                c.fail("run.mpi.version", f"{ver!r} does not start with digits")
    clock = run.get("clock")
    if not isinstance(clock, dict):
        c.fail("run.clock", f"expected an object, got {clock!r}")
    else:
        c.string(clock, "source", "run.clock", CLOCK_SOURCES)
        for key in ("overhead_ns", "resolution_ns"):
            v = clock.get(key)
            if not c.is_num(v) or v < 0:
                c.fail(f"run.clock.{key}", f"expected a number >= 0, got {v!r}")
        if clock.get("source") == "tsc":
            v = clock.get("tsc_hz")
            if not c.is_num(v) or v <= 0:
                c.fail("run.clock.tsc_hz", f"expected a number > 0, got {v!r}")
    labels = run.get("labels", {})
    if not isinstance(labels, dict) or not all(
            isinstance(v, str) for v in labels.values()):
        c.fail("run.labels", f"expected an object of strings, got {labels!r}")
    for kv in args.label or []:
        k, v = kv.split("=", 1)
        if labels.get(k) != v:
            c.fail(f"run.labels.{k}", f"expected {v!r}, got {labels.get(k)!r}")


def check_stats(c, lat, where):
    if not isinstance(lat, dict) or not lat:
        c.fail(where, f"expected a non-empty object, got {lat!r}")
        return
    count = lat.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        c.fail(f"{where}.count", f"expected an integer >= 1, got {count!r}")
        return
    for k, v in lat.items():
        if k == "count":
            continue
        if k not in STATS:
            c.fail(where, f"unknown statistic {k!r}")
        elif not c.is_num(v) or v < 0:
            c.fail(f"{where}.{k}", f"expected a finite number >= 0, got {v!r}")
    if any(k not in lat or not c.is_num(lat[k]) for k in STATS_ALWAYS):
        c.fail(where, f"ibpong reports min, median, mean, stdev, max, got "
               f"{sorted(lat)}")
        return
    for k, need in PCT_MIN_COUNT.items():
        if (k in lat) != (count >= need):
            c.fail(f"{where}.{k}", f"written with {count} samples; "
                   f"expected only from {need} on")
    c.le(lat["min"], lat["median"], where, ("min", "median"))
    c.le(lat["median"], lat["max"], where, ("median", "max"))
    c.le(lat["min"], lat["mean"], where, ("min", "mean"))
    c.le(lat["mean"], lat["max"], where, ("mean", "max"))
    chain = ["median"] + [k for k in ("p90", "p99", "p999") if k in lat]
    for a, b in zip(chain, chain[1:] + ["max"]):
        c.le(lat[a], lat[b], where, (a, b))
    c.le(lat["stdev"], lat["max"] - lat["min"] + EPS, where,
         ("stdev", "max - min"))


def check_precision(c, row, lat, where):
    """ci95_us brackets its statistic; stop names a known reason."""
    ci = row.get("ci95_us", {})
    if not isinstance(ci, dict):
        c.fail(f"{where}.ci95_us", f"expected an object, got {ci!r}")
        return
    for k in ("median", "mean"):
        iv = ci.get(k)
        if iv is None:
            continue
        if (not isinstance(iv, list) or len(iv) != 2
                or not all(c.is_num(x) for x in iv)):
            c.fail(f"{where}.ci95_us.{k}", f"expected [lo, hi], got {iv!r}")
        elif isinstance(lat, dict) and c.is_num(lat.get(k)):
            c.le(iv[0], lat[k] + EPS * max(1.0, lat[k]), where, (f"{k} lo", k))
            c.le(lat[k], iv[1] + EPS * max(1.0, lat[k]), where, (k, f"{k} hi"))
    if row.get("stop") not in STOPS:
        c.fail(f"{where}.stop", f"expected one of {STOPS}, got "
               f"{row.get('stop')!r}")
    if "stable" in row and not isinstance(row["stable"], bool):
        c.fail(f"{where}.stable", f"expected a boolean, got {row['stable']!r}")


def check_row(c, row, i, kind, args):
    where = f"results[{i}]"
    if not isinstance(row, dict):
        c.fail(where, "expected an object")
        return None
    extra = set(row) - ROW_KEYS
    if extra:
        c.fail(where, f"unknown keys {sorted(extra)}")
    size = row.get("size_bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        c.fail(f"{where}.size_bytes", f"expected an integer >= 0, got {size!r}")
        return None
    iters = row.get("iterations")
    if not isinstance(iters, int) or iters < 1:
        c.fail(f"{where}.iterations", f"expected an integer >= 1, got {iters!r}")
    elif args.iters is not None and iters != args.iters:
        c.fail(f"{where}.iterations", f"expected {args.iters}, got {iters}")
    warm = row.get("warmup")
    if not isinstance(warm, int) or warm < 0:
        c.fail(f"{where}.warmup", f"expected an integer >= 0, got {warm!r}")
    lat = row.get("latency_us")
    check_stats(c, lat, f"{where}.latency_us")
    check_precision(c, row, lat, where)
    bw = row.get("bandwidth_MBps")
    rate = row.get("message_rate_per_s")
    if not c.is_num(bw) or bw < 0:
        c.fail(f"{where}.bandwidth_MBps", f"expected a number >= 0, got {bw!r}")
    if not c.is_num(rate) or rate <= 0:
        c.fail(f"{where}.message_rate_per_s",
               f"expected a number > 0, got {rate!r}")
    if (kind in ("latency", "pingping") and c.is_num(bw)
            and isinstance(lat, dict) and c.is_num(lat.get("mean"))
            and lat["mean"] > 0):
        want = size / lat["mean"]
        if abs(bw - want) > 1e-6 * max(1.0, want):
            c.fail(f"{where}.bandwidth_MBps",
                   f"expected size / mean latency = {want}, got {bw}")
    if (kind in ("bw", "bibw") and c.is_num(bw) and c.is_num(rate)):
        want = rate * size / 1e6
        if abs(bw - want) > 1e-6 * max(1.0, want):
            c.fail(f"{where}.bandwidth_MBps",
                   f"expected rate * size / 1e6 = {want}, got {bw}")
    # IMB's t: the larger of both ranks' loop / n (/ 2): at least rank
    # 0's, which is the mean of its samples
    t = row.get("imb_t_us")
    if kind in ("latency", "pingping"):
        mean = lat.get("mean") if isinstance(lat, dict) else None
        if not c.is_num(t) or t <= 0:
            c.fail(f"{where}.imb_t_us", f"expected a number > 0, got {t!r}")
        elif c.is_num(mean) and t < mean * (1 - 1e-9):
            c.fail(f"{where}.imb_t_us",
                   f"IMB's t {t} is below rank 0's mean {mean}")
    elif t is not None:
        c.fail(f"{where}.imb_t_us", f"no IMB t for {kind}, got {t!r}")
    if row.get("timed_out", False) is not False:
        c.fail(f"{where}.timed_out", "ibpong rows never time out")
    return size


def check(doc, args):
    c = Checker()
    kind = check_head(c, doc, args)
    if kind is None:
        return c.problems
    check_run(c, doc.get("run"), args)
    rows = doc.get("results")
    if not isinstance(rows, list) or not rows:
        c.fail("results", "expected a non-empty array")
        return c.problems
    sizes = [check_row(c, row, i, kind, args) for i, row in enumerate(rows)]
    # A sweep has a row per (pair, size): ascending within each pair.
    groups = {}
    for row, s in zip(rows, sizes):
        pair = row.get("pair") if isinstance(row, dict) else None
        key = (pair.get("rank_a"), pair.get("rank_b")) \
            if isinstance(pair, dict) else None
        if s is not None:
            groups.setdefault(key, []).append(s)
    for key, known in groups.items():
        what = "results" if key is None else f"results of pair {key}"
        if any(b <= a for a, b in zip(known, known[1:])):
            c.fail(what, f"sizes are not strictly ascending: {known}")
        if args.sizes is not None and known != args.sizes:
            c.fail(what, f"expected sizes {args.sizes}, got {known}")
    return c.problems


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--tool")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--transport")
    p.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")])
    p.add_argument("--iters", type=int)
    p.add_argument("--hosts", type=int)
    p.add_argument("--label", action="append")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    try:
        with open(args.file, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{args.file}: {e}")
        return 1
    problems = check(doc, args)
    for p in problems:
        print(f"{args.file}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
