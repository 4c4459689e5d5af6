#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A sweep under real Slurm: srun -n 4 --mpi=pmix ibpong-mpi --pairs all,
# each task a node of its own (SLURM_PROCID); run.slurm.job_id and the
# four pairs' rows must be in the JSON. It runs on the private test
# cluster of ci/slurm-local (never the system's Slurm); exit 77 (skip) when
# Slurm is absent or that cluster is not running (ci/slurm-local check).
# CI starts it with ci/slurm-local start, and fails when this test skips.
set -euo pipefail

exe=$(realpath "$1")
src=${IBPONG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
rc=0
"$src/ci/slurm-local" check || rc=$?
if [ "$rc" = 77 ]; then
	echo "SKIP: Slurm is not installed or the test cluster is not running"
	exit 77
elif [ "$rc" != 0 ]; then
	echo "FAIL: Slurm is installed but srun does not work" \
		"(run ci/slurm-local start)"
	exit 1
fi

eval "$("$src/ci/slurm-local" env)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
# -O: four tasks on however few CPUs the node has
timeout 240 srun -n 4 -O --mpi=pmix "$exe" --pairs all \
	--node-id-from env:SLURM_PROCID --sizes 0,8 --iters 100 \
	--outlier-threshold 1000000 --json "$tmp/slurm.json"
python3 - "$tmp/slurm.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
run = doc["run"]
slurm = run.get("slurm", {})
assert slurm.get("job_id"), f"run.slurm.job_id missing: {slurm}"
assert slurm.get("cluster_name"), f"run.slurm.cluster_name: {slurm}"
assert len(run["hosts"]) == 4, run["hosts"]
pairs = {(r["pair"]["rank_a"], r["pair"]["rank_b"]) for r in doc["results"]}
assert len(pairs) == 6 and run["sweep"]["rounds"] == 3, pairs
print(f"PASS: job {slurm['job_id']} on {slurm['cluster_name']}, "
      f"{len(pairs)} pairs")
PY
