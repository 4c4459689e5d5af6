#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Suite lab: an ibpong-mpi sweep with --transport verbs in the Soft-RoCE
# guest. mpirun starts 4 ranks (MPI over shared memory and TCP, only the
# launcher and the QP exchange), each a node of its own; every pair is
# measured with raw verbs on rxe0. Checks the pairs, the run's transport
# and device, and the absence of failures. With "options", the sweep
# also takes options of the verbs engine spelt as in `ibpong verbs`
# (--device, --mtu, --qp, --tx-depth, --poll) and the JSON shows them
# applied; a verbs option with --transport mpi is refused.
#
# usage: sweep-verbs.sh IBPONG_MPI [options]
# Exits 77 (skip) only when `$IBPONG_LAB check` says the lab cannot run.
set -euo pipefail

exe=$(realpath "$1")
variant=${2:-plain}
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
mpi="env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun \
	--oversubscribe -np 4 --mca btl self,vader,tcp"
if [ "$variant" = options ]; then
	# refused before any rank measures: one line, exit 2
	rc=0
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun \
		--oversubscribe -np 2 --mca btl self,vader "$exe" --pairs all \
		--mtu 1024 >"$tmp/refused" 2>&1 || rc=$?
	[ "$rc" = 2 ] || { echo "FAIL: --mtu with --transport mpi: exit $rc"; cat "$tmp/refused"; exit 1; }
	grep -q -- "--mtu is an option of --transport verbs; it does not apply to --transport mpi" \
		"$tmp/refused" || { echo "FAIL: refusal:"; cat "$tmp/refused"; exit 1; }
	"$lab" run --out "$tmp" --timeout 600 -- $mpi "$exe" --pairs ring \
		--transport verbs --device rxe0 --mtu 1024 --qp rc --tx-depth 64 \
		--poll event --op write --node-id-from env:OMPI_COMM_WORLD_RANK \
		--sizes 1,4K --iters 50 --timeout 60 --outlier-threshold 1000000 \
		--json "$tmp/sweep.json"
	python3 - "$tmp/sweep.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
run = doc["run"]
assert run["transport"] == "verbs", run["transport"]
assert run["device"]["name"] == "rxe0", run.get("device")
v = run["verbs"]
assert v["mtu"] == 1024, v
assert v["qp"] == "rc" and v["op"] == "write" and v["poll"] == "event", v
assert v["tx_depth"] == 64, v
assert run["failed_pairs"] == [] and run["failed_ranks"] == []
pairs = {(r["pair"]["rank_a"], r["pair"]["rank_b"]) for r in doc["results"]}
assert len(pairs) == 4, pairs
print(f"PASS: {len(pairs)} pairs over verbs, --mtu 1024 --poll event applied")
PY
	exit 0
fi
"$lab" run --out "$tmp" --timeout 600 -- $mpi "$exe" --pairs all --transport verbs \
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
