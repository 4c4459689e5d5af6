#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""check_result.py must accept a conforming document and reject each of a
list of broken ones (so that the integration tests can fail)."""
import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_result  # noqa: E402

GOOD = {
    "format": "ibpong/1",
    "tool": {"name": "ibpong-mpi", "version": "0.1.0"},
    "test": {"name": "latency", "kind": "latency", "latency": "one-way"},
    "units": dict(check_result.UNITS),
    "run": {
        "command_line": "ibpong-mpi --sizes 0:1",
        "start_time": "2026-11-25T02:30:00Z",
        "transport": "mpi",
        "hosts": ["node1", "node2"],
        "kernel": "Linux 6.1.0 x86_64",
        "mpi": {"library": "Open MPI", "version": "4.1.4"},
        "clock": {"source": "tsc", "tsc_hz": 2.45e9, "overhead_ns": 9.8,
                  "resolution_ns": 0.4},
        "labels": {"cluster": "hb120"},
    },
    "results": [
        {"size_bytes": s, "iterations": 1000, "warmup": 100,
         "latency_us": {"count": 1000, "min": 0.21, "median": 0.23,
                        "mean": 0.24, "stdev": 0.02, "p90": 0.25,
                        "p99": 0.31, "p999": 0.90, "max": 1.20},
         "ci95_us": {"median": [0.228, 0.232], "mean": [0.236, 0.244],
                     "batches": 62},
         "stable": True, "stop": "fixed", "time_s": 0.001,
         "bandwidth_MBps": s / 0.24, "message_rate_per_s": 1e6 / 0.24,
         "imb_t_us": 0.245}
        for s in (0, 1)
    ],
}


def set_path(doc, path, value):
    *parents, last = path
    for p in parents:
        doc = doc[p]
    if value is DELETE:
        del doc[last]
    else:
        doc[last] = value


DELETE = object()
BROKEN = [
    (("format",), "ibpong/2"),
    (("units", "latency"), "ns"),
    (("units", "bandwidth"), "MiB/s"),
    (("test", "kind"), "latency-ish"),
    (("test", "latency"), "round-trip"),
    (("run", "start_time"), "2026-11-25 02:30:00"),
    (("run", "transport"), "tcp"),
    (("run", "hosts"), "node1"),
    (("run", "mpi"), DELETE),
    (("run", "clock", "source"), "gettimeofday"),
    (("results",), []),
    (("results", 1, "size_bytes"), 0),
    (("results", 0, "iterations"), 0),
    (("results", 0, "latency_us", "min"), 0.5),
    (("results", 0, "latency_us", "p99"), 1.5),
    (("results", 0, "latency_us", "median"), DELETE),
    (("results", 0, "latency_us", "trimmed_mean"), 0.2),
    (("results", 1, "bandwidth_MBps"), 100.0),
    (("results", 0, "message_rate_per_s"), 0),
    (("results", 0, "imb_t_us"), 0.2),  # below rank 0's own mean
    (("results", 0, "latency_us", "max"), float("nan")),
    (("extra",), 1),
    (("results", 0, "latency_us", "count"), DELETE),
    (("results", 0, "latency_us", "count"), 999),  # p999 needs 1000
    (("results", 0, "latency_us", "p90"), DELETE),
    (("results", 0, "ci95_us", "median"), [0.24, 0.25]),
    (("results", 0, "ci95_us", "mean"), [0.2]),
    (("results", 0, "stop"), "tired"),
    (("results", 0, "stable"), 1),
]


def main():
    args = check_result.parse_args(["-", "--tool", "ibpong-mpi",
                                    "--transport", "mpi", "--kind",
                                    "latency", "--sizes", "0,1"])
    failed = 0
    problems = check_result.check(copy.deepcopy(GOOD), args)
    if problems:
        print("FAIL good document rejected:", problems)
        failed += 1
    for path, value in BROKEN:
        doc = copy.deepcopy(GOOD)
        set_path(doc, path, value)
        if not check_result.check(doc, args):
            print(f"FAIL broken {path} = {value!r} accepted")
            failed += 1
    total = len(BROKEN) + 1
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
