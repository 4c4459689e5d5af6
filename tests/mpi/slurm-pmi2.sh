#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ibpong-mpi built for MPICH, started by srun --mpi=pmi2 on the private
# test cluster of ci/slurm-local: two ranks measure, and the result says
# MPICH, launcher srun, PMI pmi2, and the Slurm job. Exit 77 (skip) when
# Slurm is absent or the test cluster is not running (CI fails on that).
set -euo pipefail

exe=$(realpath "$1")
src=${IBPONG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
rc=0
"$src/ci/slurm-local" check || rc=$?
if [ "$rc" = 77 ]; then
	echo "SKIP: Slurm is not installed or the test cluster is not running"
	exit 77
elif [ "$rc" != 0 ]; then
	echo "FAIL: the test cluster does not run jobs"
	exit 1
fi
eval "$("$src/ci/slurm-local" env)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
timeout 240 srun -n 2 -O --mpi=pmi2 --export=ALL,MPIR_CVAR_IBPONG_TEST=pmi2 \
	"$exe" --sizes 0:1K --iters 100 --quiet --json "$tmp/pmi2.json"
python3 - "$tmp/pmi2.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
mpi = doc["run"]["mpi"]
assert mpi["library"] == "MPICH", mpi
assert mpi.get("launcher") == "srun" and mpi.get("pmi") == "pmi2", mpi
assert mpi.get("env", {}).get("MPIR_CVAR_IBPONG_TEST") == "pmi2", mpi
assert len(doc["run"]["hosts"]) == 2, doc["run"]["hosts"]
sizes = [r["size_bytes"] for r in doc["results"]]
assert sizes[0] == 0 and sizes[-1] == 1024, sizes
print(f"PASS: MPICH {mpi['version']} under srun --mpi=pmi2, "
      f"{len(sizes)} sizes, 0 B median {doc['results'][0]['latency_us']['median']:.2f} us")
PY
