#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check an ibpong-cm result: cm_check_json.py FILE KIND SIZES [ITERS]

KIND is latency, bw or bibw; SIZES the comma-separated message sizes;
ITERS the expected run.connect.iterations (default 3). Checks the rows
and run.connect: every phase with positive min <= median <= max, and p99
between them only from 100 connections on.
Prints one line naming the first problem and exits 1."""
import json
import sys

PHASES = ("resolve_addr_us", "resolve_route_us", "connect_us", "total_us")


def fail(msg):
    print(f"{sys.argv[1]}: {msg}")
    sys.exit(1)


def check_connect(run, iters):
    conn = run.get("connect")
    if not isinstance(conn, dict):
        fail("run.connect is missing")
    if conn.get("iterations") != iters:
        fail(f"run.connect.iterations is {conn.get('iterations')}, "
             f"expected {iters}")
    for ph in PHASES:
        st = conn.get("phases", {}).get(ph)
        if not st:
            fail(f"run.connect.phases.{ph} is missing")
        if st.get("count") != iters:
            fail(f"run.connect.phases.{ph}.count is {st.get('count')}")
        # p99 only from 100 samples on (doc/result-format.md)
        if ("p99" in st) != (iters >= 100):
            fail(f"run.connect.phases.{ph}: p99 with {iters} samples")
        if not 0 < st["min"] <= st["median"] <= st.get("p99", st["max"]) \
                <= st["max"]:
            fail(f"run.connect.phases.{ph}: not 0 < min <= median <= "
                 f"p99 <= max: {st}")


def main():
    path, kind, sizes = sys.argv[1:4]
    iters = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    with open(path) as f:
        doc = json.load(f)
    if doc.get("format") != "ibpong/1":
        fail(f"format is {doc.get('format')!r}")
    if doc["tool"]["name"] != "ibpong-cm":
        fail(f"tool.name is {doc['tool']['name']!r}")
    if doc["test"]["kind"] != kind:
        fail(f"test.kind is {doc['test']['kind']!r}, expected {kind}")
    run = doc["run"]
    if run.get("transport") != "rdmacm":
        fail(f"run.transport is {run.get('transport')!r}")
    if run.get("verbs", {}).get("connection") != "rdma_cm":
        fail(f"run.verbs.connection is {run.get('verbs')!r}")
    # the data QP is the verbs engine's: ibv_wr_* on rxe, as perftest
    if run["verbs"].get("post_api") != "ibv_wr":
        fail(f"run.verbs.post_api is {run['verbs'].get('post_api')!r}, "
             f"expected ibv_wr")
    if "name" not in run.get("device", {}):
        fail("run.device.name is missing")
    check_connect(run, iters)
    got = [r["size_bytes"] for r in doc["results"]]
    want = [int(s) for s in sizes.split(",")]
    if got != want:
        fail(f"sizes {got}, expected {want}")
    for r in doc["results"]:
        st = r["latency_us"]
        if not 0 <= st["min"] <= st["median"] <= st["max"]:
            fail(f"{r['size_bytes']} B: not min <= median <= max: {st}")


main()
