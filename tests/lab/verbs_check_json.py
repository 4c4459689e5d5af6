#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check an ibpong-verbs result: verbs_check_json.py FILE KIND LATENCY SIZES

KIND is latency, bw or bibw; LATENCY the expected test.latency (one-way,
round-trip, one-message); SIZES a comma-separated list of the expected
message sizes. Prints one line naming the first problem and exits 1."""
import json
import math
import sys


def fail(msg):
    print(f"{sys.argv[1]}: {msg}")
    sys.exit(1)


def main():
    path, kind, lat, sizes = sys.argv[1:5]
    want = [int(s) for s in sizes.split(",")]
    with open(path) as f:
        doc = json.load(f)
    if doc.get("format") != "ibpong/1":
        fail(f"format is {doc.get('format')!r}")
    if doc["tool"]["name"] != "ibpong-verbs":
        fail(f"tool.name is {doc['tool']['name']!r}")
    if doc["test"]["kind"] != kind:
        fail(f"test.kind is {doc['test']['kind']!r}, expected {kind}")
    if doc["test"]["latency"] != lat:
        fail(f"test.latency is {doc['test']['latency']!r}, expected {lat}")
    run = doc["run"]
    if run.get("transport") != "verbs":
        fail(f"run.transport is {run.get('transport')!r}")
    dev = run.get("device", {})
    for key in ("name", "fw_ver", "node_guid", "port", "port_state",
                "link_layer", "active_mtu", "active_speed", "active_width",
                "gid_index", "gid", "driver"):
        if key not in dev:
            fail(f"run.device.{key} is missing")
    for key in ("op", "qp", "post_api", "inline_bytes", "mtu", "tx_depth",
                "rx_depth", "poll"):
        if key not in run.get("verbs", {}):
            fail(f"run.verbs.{key} is missing")
    # perftest's receive depth (512) unless --rx-depth; never below what
    # a stream of tx_depth messages needs (rxe allows far more entries)
    v = run["verbs"]
    if "--rx-depth" not in run.get("command_line", "") and \
            v["rx_depth"] < 512:
        fail(f"run.verbs.rx_depth is {v['rx_depth']}, expected 512 or more")
    if v["rx_depth"] < v["tx_depth"] + 32:
        fail(f"run.verbs.rx_depth {v['rx_depth']} is below tx_depth "
             f"{v['tx_depth']} + 32")
    # rxe has the ibv_wr_* API: perftest's way of posting, by default
    want_api = ("ibv_post_send" if "--post-api post-send" in
                run.get("command_line", "") else "ibv_wr")
    if v["post_api"] != want_api:
        fail(f"run.verbs.post_api is {v['post_api']!r}, expected {want_api}")
    if want_api not in run.get("method_detail", ""):
        fail(f"run.method_detail does not name {want_api}: "
             f"{run.get('method_detail')!r}")
    # the method: perftest's stream by default, the window where each
    # message needs a receive on a QP that drops (uc, ud)
    if kind == "latency":
        want_method = "ping-pong"
    elif "--bw-method window" in run.get("command_line", ""):
        want_method = "window-ack"
    elif "--bw-method stream" in run.get("command_line", ""):
        want_method = "stream"
    elif v.get("op") in ("send", "write-imm") and v.get("qp") != "rc":
        want_method = "window-ack"
    else:
        want_method = "stream"
    if run.get("method") != want_method:
        fail(f"run.method is {run.get('method')!r}, expected {want_method}")
    # latency reposts each receive after the reply, off the critical path
    if kind == "latency" and v["op"] != "read" and \
            "receive reposted after the reply" not in run["method_detail"]:
        fail(f"run.method_detail does not say when receives are reposted: "
             f"{run['method_detail']!r}")
    if kind != "latency" and v.get("bw_method") != (
            "stream" if want_method == "stream" else "window"):
        fail(f"run.verbs.bw_method is {v.get('bw_method')!r}")
    if kind != "latency" and v.get("inline_bytes") != 0 and \
            "--inline" not in run.get("command_line", ""):
        fail(f"bandwidth inlines {v.get('inline_bytes')} B by default")
    # the environment fingerprint: both ends, each naming the device used
    ranks = run.get("env", {}).get("ranks", [])
    if len(ranks) != 2:
        fail(f"run.env.ranks has {len(ranks)} entries, expected 2")
    for i, rk in enumerate(ranks):
        if not rk.get("cpus_allowed") or rk.get("cpus_allowed_count", 0) < 1:
            fail(f"run.env.ranks[{i}]: no allowed CPUs: {rk}")
        if dev.get("name") not in [h["name"] for h in rk.get("hcas", [])]:
            fail(f"run.env.ranks[{i}].hcas lacks {dev.get('name')}: {rk}")
        if "involuntary_context_switches" not in rk.get("during", {}):
            fail(f"run.env.ranks[{i}].during lacks the context switches")
    got = [r["size_bytes"] for r in doc["results"]]
    if got != want:
        fail(f"sizes {got}, expected {want}")
    for r in doc["results"]:
        st = r["latency_us"]
        if not (0 <= st["min"] <= st["median"] <= st["max"]):
            fail(f"{r['size_bytes']} B: not min <= median <= max: {st}")
        if not (st["min"] <= st["mean"] <= st["max"]):
            fail(f"{r['size_bytes']} B: mean outside [min, max]: {st}")
        bw = r.get("bandwidth_MBps", 0)
        if r["size_bytes"] and not (bw > 0 and math.isfinite(bw)):
            fail(f"{r['size_bytes']} B: bandwidth {bw}")
        if r.get("iterations", 0) < 1:
            fail(f"{r['size_bytes']} B: iterations {r.get('iterations')}")


main()
