#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Suite lab: an ibpong-mpi sweep with --transport verbs in the Soft-RoCE
# guest. mpirun starts 4 ranks (MPI over shared memory and TCP, only the
# launcher and the QP exchange), each a node of its own; every pair is
# measured with raw verbs on rxe0. Checks the pairs, the run's transport
# and device, and the absence of failures.
#
# usage: sweep-verbs.sh IBPONG_MPI
# Exits 77 (skip) only when `$IBPONG_LAB check` says the lab cannot run.
set -euo pipefail

exe=$(realpath "$1")
lab=${IBPONG_LAB:-$(dirname -- "$0")/../../ci/lab}

rc=0
why=$("$lab" check) || rc=$?
if [ "$rc" = 77 ]; then
	echo "$why"
	exit 77
elif [ "$rc" != 0 ]; then
	echo "$why"
	echo "sweep-verbs: '$lab check' failed ($rc)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$lab" run --out "$tmp" --timeout 600 -- env OMPI_ALLOW_RUN_AS_ROOT=1 \
	OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np 4 \
	--mca btl self,vader,tcp "$exe" --pairs all --transport verbs \
	-d rxe0 --op send --node-id-from env:OMPI_COMM_WORLD_RANK \
	--sizes 1,4K --iters 100 --timeout 60 --outlier-threshold 1000000 \
	--json "$tmp/sweep.json"
python3 - "$tmp/sweep.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
run = doc["run"]
assert run["transport"] == "verbs", run["transport"]
assert run["device"]["name"] == "rxe0", run.get("device")
assert run["mpi"]["library"], run.get("mpi")
assert run["failed_pairs"] == [] and run["failed_ranks"] == []
pairs = {(r["pair"]["rank_a"], r["pair"]["rank_b"]) for r in doc["results"]}
assert pairs == {(a, b) for a in range(4) for b in range(a + 1, 4)}, pairs
assert run["sweep"]["rounds"] == 3
print(f"PASS: {len(pairs)} pairs over verbs on rxe0")
PY
