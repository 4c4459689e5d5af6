#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Small-message MPI latency over Open MPI shared memory (btl self,vader):
# ibpong-mpi's ping-pong for 0..512 B with many iterations, the clock's
# source and per-call cost, and, when IMB-MPI1 or osu_latency are on the
# PATH, the same sizes measured by them and the ratio to ibpong's mean
# (both report the mean one-way latency, half the round trip).
#
# Usage: ci/bench-mpi.sh [IBPONG_MPI]   (default: ./build/ibpong-mpi)
# Environment: MPIRUN (default mpirun), ITERS (default 100000 per size),
#              NP (default 2).
# Exit: 0, or the failing command's exit code.
set -euo pipefail

exe=${1:-./build/ibpong-mpi}
mpirun=${MPIRUN:-mpirun}
iters=${ITERS:-100000}
np=${NP:-2}
max=512

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,vader OMPI_MCA_pml=ob1
export OMPI_MCA_rmaps_base_oversubscribe=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$mpirun" -np "$np" "$exe" --test latency --sizes "0:$max" \
	--iters "$iters" --quiet --json "$tmp/ibpong.json" >"$tmp/ibpong.txt"

# "SIZE MEAN" lines of another tool's output, for the ratio column.
others=()
if command -v IMB-MPI1 >/dev/null; then
	"$mpirun" -np 2 IMB-MPI1 PingPong -msglog 0:9 -iter "$iters" \
		-iter_policy off >"$tmp/imb.raw"
	# Rows: #bytes #repetitions t[usec] Mbytes/sec
	awk '$1 ~ /^[0-9]+$/ && NF == 4 { print $1, $3 }' "$tmp/imb.raw" \
		>"$tmp/IMB-MPI1.txt"
	others+=(IMB-MPI1)
fi
if command -v osu_latency >/dev/null; then
	"$mpirun" -np 2 osu_latency -m "0:$max" -i "$iters" >"$tmp/osu.raw"
	awk '$1 ~ /^[0-9]+$/ && NF >= 2 { print $1, $2 }' "$tmp/osu.raw" \
		>"$tmp/osu_latency.txt"
	others+=(osu_latency)
fi

python3 - "$tmp" "${others[@]}" <<'EOF'
import json
import sys

tmp, others = sys.argv[1], sys.argv[2:]
with open(f"{tmp}/ibpong.json") as f:
    doc = json.load(f)
run = doc["run"]
clk = run["clock"]
mpi = run.get("mpi", {})
print(f"MPI library    {mpi.get('library', '?')} {mpi.get('version', '?')}"
      f" (btl self,vader: shared memory)")
hz = clk.get("tsc_hz") or 0
print(f"clock source   {clk['source']}"
      + (f" at {hz / 1e9:.3f} GHz" if hz else ""))
print(f"clock per call {clk['overhead_ns']:.1f} ns "
      f"(resolution {clk['resolution_ns']:.2f} ns)")
print(f"host           {run.get('cpu_model', '?')}")
other = {}
for name in others:
    with open(f"{tmp}/{name}.txt") as f:
        other[name] = {int(s): float(t) for s, t in
                       (ln.split() for ln in f if ln.strip())}
head = f"{'size[B]':>8} {'iters':>8} {'median':>8} {'mean':>8} " \
       f"{'p99':>8} {'max':>9}"
for name in others:
    head += f" {name + ' mean':>17} {'ratio':>6}"
print(f"\none-way latency in us ({doc['test']['latency']}: half the round "
      f"trip)")
print(head)
for row in doc["results"]:
    lat = row["latency_us"]
    line = (f"{row['size_bytes']:>8} {row['iterations']:>8} "
            f"{lat['median']:>8.3f} {lat['mean']:>8.3f} {lat['p99']:>8.3f} "
            f"{lat['max']:>9.3f}")
    for name in others:
        t = other[name].get(row["size_bytes"])
        if t:
            line += f" {t:>17.3f} {lat['mean'] / t:>6.2f}"
        else:
            line += f" {'-':>17} {'-':>6}"
    print(line)
if not others:
    print("\n(neither IMB-MPI1 nor osu_latency is installed: no side by side)")
EOF
