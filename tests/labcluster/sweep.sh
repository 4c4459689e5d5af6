#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A sweep across 8 lab hosts under mpirun: 28 pairs, named by host, and
# ibpong-mpi sees 8 distinct hosts by their names (no --node-id-from).
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh" ibplsw

t0=$(now)
"$LC" up --hosts 8
echo "up (8 hosts): $(took "$t0")"
t0=$(now)
sweep "$tmp/all.json" 8 --sizes 0,8 --iters 100
echo "sweep (28 pairs, 2 sizes, 100 iterations): $(took "$t0")"
python3 - "$tmp/all.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
run = doc["run"]
hosts = [f"node{i}" for i in range(8)]
assert run["hosts"] == hosts, run["hosts"]
assert run["sweep"]["node_id_from"] is None, run["sweep"]
nodes = {n["rank"]: n["node"] for n in run["sweep"]["nodes"]}
assert nodes == {i: f"node{i}" for i in range(8)}, nodes
pairs = {(r["pair"]["host_a"], r["pair"]["host_b"]) for r in doc["results"]}
want = {(f"node{a}", f"node{b}") for a in range(8) for b in range(a + 1, 8)}
assert pairs == want, sorted(want - pairs)
assert run["sweep"]["pairs_measured"] == 28, run["sweep"]
print(f"PASS: 28 pairs across {len(run['hosts'])} hosts by name")
PY
