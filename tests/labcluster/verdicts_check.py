#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The verdicts of lab sweeps against the fault put in (verdicts.sh).

Usage: verdicts_check.py KIND FILE:EXIT... Prints a line per run (exit,
what is CONFIRMED, INCONCLUSIVE, NOT_REPRODUCED) and fails on the first
run whose verdicts are not the expected ones."""
import json
import sys

WANT = {  # kind: (confirmed nodes, confirmed links, code, exit)
    "none": (set(), set(), None, (0, 4)),
    "node": ({"node3"}, set(), "SLOW_NODE", (1,)),
    "link": (set(), {("node2", "node5")}, "SLOW_LINK", (1,)),
    "loss": ({"node4"}, set(), "UNSTABLE", (1,)),
    "rate": (set(), {("node1", "node6")}, "LOW_BANDWIDTH", (1,)),
    "slurm": ({"node2"}, set(), "SLOW_NODE", (1,)),  # slurm-verdict.sh
}


def summary(v):
    """{status: [(name, {codes})]} over nodes and links."""
    out = {}
    for n in v["nodes"]:
        for r in n["reasons"]:
            out.setdefault(r["status"], []).append((n["host"], r["code"]))
    for l in v["links"]:
        for r in l["reasons"]:
            out.setdefault(r["status"], []).append(
                (f"{l['host_a']}-{l['host_b']}", r["code"]))
    return out


def evidence(v):
    """Each judged reason's retests, for a failed run's log."""
    for ent in v["nodes"] + v["links"]:
        name = ent.get("host") or f"{ent['host_a']}-{ent['host_b']}"
        for r in ent["reasons"]:
            t = ", ".join(
                f"{x['partner_host']}{' (control)' if x['control'] else ''}"
                f" {x['value']:.1f} score {x['score']:.1f}"
                for x in r["retests"])
            print(f"  {name} {r['code']} {r['status']} score "
                  f"{r['score']:.1f} scale {r['scale']:.2f}: {t}")


def main(argv):
    kind, runs = argv[0], argv[1:]
    nodes_want, links_want, code, exits = WANT[kind]
    bad = []
    for i, fr in enumerate(runs, 1):
        path, rc = fr.rsplit(":", 1)
        with open(path, encoding="utf-8") as f:
            v = json.load(f)["run"]["verdicts"]
        nodes = {n["host"]: n for n in v["nodes"]
                 if n["verdict"] == "CONFIRMED"}
        links = {(l["host_a"], l["host_b"]): l for l in v["links"]
                 if l["verdict"] == "CONFIRMED"}
        s = summary(v)
        print(f"| {kind} | {i} | {rc} | " + " | ".join(
            ", ".join(f"{w} {c}" for w, c in s.get(st, [])) or "-"
            for st in ("CONFIRMED", "INCONCLUSIVE", "NOT_REPRODUCED")) +
            " |")
        why = []
        if int(rc) not in exits:
            why.append(f"exit {rc}, expected {exits}")
        if set(nodes) != nodes_want:
            why.append(f"confirmed nodes {sorted(nodes)}, expected "
                       f"{sorted(nodes_want)}")
        if set(links) != links_want:
            why.append(f"confirmed links {sorted(links)}, expected "
                       f"{sorted(links_want)}")
        for ent in list(nodes.values()) + list(links.values()):
            codes = {r["code"] for r in ent["reasons"]
                     if r["status"] == "CONFIRMED"}
            if code not in codes:
                why.append(f"{code} not among {codes}")
        if why:
            bad.append(f"run {i} ({path}): " + "; ".join(why))
        evidence(v)
    for b in bad:
        print("FAIL:", b)
    if not bad:
        print(f"PASS: {kind}, {len(runs)} run(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
