#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Rounds of an all-pairs sweep grow linearly with the node count: run
# `ibpong-mpi --pairs all` with a tiny size and few iterations for N = 4,
# 8, 16, 32 oversubscribed ranks on shared memory (each rank a node of its
# own through --node-id-from), and print N, rounds, pairs, the sweep's
# wall time, seconds per round and rounds / (N - 1), which is 1 for the
# circle method (N even). Then the schedule of 10,000 nodes, computed
# without launching them (--print-schedule --simulate-nodes).
#
# Usage: ci/sweep-scaling.sh [IBPONG_MPI]   (default: ./build/ibpong-mpi)
# Environment: MPIRUN (default mpirun), NS (default "4 8 16 32"),
#              ITERS (default 20).
set -euo pipefail

exe=${1:-./build/ibpong-mpi}
mpirun=${MPIRUN:-mpirun}
ns=${NS:-4 8 16 32}
iters=${ITERS:-20}

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,vader OMPI_MCA_pml=ob1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_base_warn_component_unused=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '%6s %7s %7s %10s %12s %14s\n' N rounds pairs wall_s s_per_round \
	'rounds/(N-1)'
for n in $ns; do
	"$mpirun" -np "$n" "$exe" --pairs all --sizes 8 --iters "$iters" \
		--warmup 2 --timeout 60 --node-id-from env:OMPI_COMM_WORLD_RANK \
		--outlier-threshold 1000000 --json "$tmp/sweep-$n.json" \
		>"$tmp/sweep-$n.txt"
	python3 - "$tmp/sweep-$n.json" "$tmp/sweep-$n.txt" "$n" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
n = int(sys.argv[3])
sw = doc["run"]["sweep"]
wall = float(re.search(r"# sweep: .*, ([0-9.]+) s$",
                       open(sys.argv[2]).read(), re.M).group(1))
print(f"{n:6d} {sw['rounds']:7d} {sw['pairs_measured']:7d} {wall:10.2f} "
      f"{wall / sw['rounds']:12.3f} {sw['rounds'] / (n - 1):14.2f}")
PY
done
echo
"$mpirun" -np 1 "$exe" --pairs all --print-schedule --simulate-nodes 10000
