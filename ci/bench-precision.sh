#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Precision per unit of time, ibpong-mpi against IMB-MPI1 PingPong, on
# Open MPI shared memory (btl self,vader). ROUNDS interleaved rounds of
# the default 0 B - 4 MiB sweep of each tool; per size it prints
#   - ibpong's median one-way latency (median over rounds), the median of
#     its time_s (the wall time the size took: warm-up, every batch), its
#     stop reason, and its run-to-run spread: the coefficient of variation
#     (stdev / mean over rounds) of the per-round median;
#   - IMB's t[usec] (median over rounds), its time for the size estimated
#     as (repetitions + warm-up) x 2 t, IMB's warm-up being max(reps / 10,
#     min(10, reps)) (IMB_warm_up.c; IMB prints no time per size), and
#     its run-to-run spread (CV of t[usec]);
#   - the ratio of the spreads and of the per-size times;
# then the whole processes' wall time of each tool (mpirun start-up
# included; median, min and max over the rounds) and its ratio, the same
# beyond the launch alone (mpirun -np 2 true, timed each round), the load
# average before and after (the noise of a shared machine), the sizes
# where ibpong's spread is above IMB's, and whether the goal holds.
# Goal (issue 10): ibpong's spread <= IMB's at every size, in at most
# half IMB's wall time.
#
# Usage: ci/bench-precision.sh [IBPONG_MPI]  (default ./build/ibpong-mpi)
# Environment: MPIRUN (default mpirun), ROUNDS (default 10), IBPONG_ARGS
#              (extra ibpong-mpi options, e.g. "--precision 0.5%").
# Without IMB-MPI1 on the PATH only ibpong's columns are printed.
# Exit: 0, or the failing command's exit code.
set -euo pipefail

exe=${1:-./build/ibpong-mpi}
mpirun=${MPIRUN:-mpirun}
rounds=${ROUNDS:-10}
read -r -a extra <<<"${IBPONG_ARGS:-}"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,vader OMPI_MCA_pml=ob1
export OMPI_MCA_rmaps_base_oversubscribe=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cut -d' ' -f1-3 /proc/loadavg >"$tmp/load.before"

have_imb=0
command -v IMB-MPI1 >/dev/null && have_imb=1

now() { date +%s.%N; }

for r in $(seq 1 "$rounds"); do
	# the launch alone: mpirun's start-up, common to both tools
	t0=$(now)
	"$mpirun" -np 2 true
	t1=$(now)
	echo "$t0 $t1" >"$tmp/launch.$r.wall"
	t0=$(now)
	"$mpirun" -np 2 "$exe" --quiet "${extra[@]}" \
		--json "$tmp/ibpong.$r.json" >/dev/null
	t1=$(now)
	echo "$t0 $t1" >"$tmp/ibpong.$r.wall"
	if [ "$have_imb" = 1 ]; then
		t0=$(now)
		"$mpirun" -np 2 IMB-MPI1 PingPong >"$tmp/imb.$r.txt"
		t1=$(now)
		echo "$t0 $t1" >"$tmp/imb.$r.wall"
	fi
done

cut -d' ' -f1-3 /proc/loadavg >"$tmp/load.after"

python3 - "$tmp" "$rounds" "$have_imb" <<'EOF'
import json
import re
import statistics as st
import sys

tmp, rounds, have_imb = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"


def wall(name, r):
    a, b = open(f"{tmp}/{name}.{r}.wall").read().split()
    return float(b) - float(a)


def cv(v):
    return st.stdev(v) / st.mean(v) * 100 if len(v) > 1 and st.mean(v) else 0


ib = {}  # size -> list of (median, time_s, stop, mean)
for r in range(1, rounds + 1):
    doc = json.load(open(f"{tmp}/ibpong.{r}.json"))
    for row in doc["results"]:
        ib.setdefault(row["size_bytes"], []).append(
            (row["latency_us"]["median"], row.get("time_s", float("nan")),
             row.get("stop", "?"), row["latency_us"]["mean"],
             row["iterations"]))
imb = {}  # size -> list of (t, reps)
if have_imb:
    for r in range(1, rounds + 1):
        text = open(f"{tmp}/imb.{r}.txt").read()
        block = text.split("# Benchmarking PingPong", 1)[1]
        for ln in block.splitlines():
            f = ln.split()
            if len(f) == 4 and f[0].isdigit():
                imb.setdefault(int(f[0]), []).append((float(f[2]), int(f[1])))

print(f"{rounds} interleaved rounds, Open MPI shared memory, one-way latency "
      f"(half the round trip) in us; spread = run-to-run coefficient of "
      f"variation (stdev / mean over rounds) of ibpong's median and of "
      f"IMB's t[usec] (a mean)")
head = (f"{'size[B]':>8} {'ib median':>10} {'ib iters':>8} {'ib ms':>8} "
        f"{'stop':>9} {'ib spread%':>10}")
if have_imb:
    head += (f" {'IMB t':>9} {'IMB ms':>8} {'IMB spread%':>11} "
             f"{'spread ratio':>12} {'time ratio':>10}")
print(head)
n_ok = n = 0
lost = []
sum_ib = sum_imb = 0.0
for size in sorted(ib):
    v = ib[size]
    med = [x[0] for x in v]
    t_ms = st.median(x[1] for x in v) * 1e3
    stops = {x[2] for x in v}
    stop = stops.pop() if len(stops) == 1 else "mixed"
    iters = st.median(x[4] for x in v)
    sum_ib += t_ms
    line = (f"{size:>8} {st.median(med):>10.3f} {iters:>8.0f} {t_ms:>8.2f} "
            f"{stop:>9} {cv(med):>10.2f}")
    if have_imb and size in imb:
        t = [x[0] for x in imb[size]]
        reps = imb[size][0][1]
        # repetitions, plus IMB's warm-up, each a round trip of 2 t
        warm = max(reps // 10, min(10, reps))  # IMB_warm_up.c
        imb_ms = (reps + warm) * 2 * st.median(t) / 1e3
        sum_imb += imb_ms
        ratio = cv(med) / cv(t) if cv(t) else float("inf")
        n += 1
        n_ok += cv(med) <= cv(t)
        if cv(med) > cv(t):
            lost.append(size)
        line += (f" {st.median(t):>9.3f} {imb_ms:>8.2f} {cv(t):>11.2f} "
                 f"{ratio:>12.2f} {t_ms / imb_ms if imb_ms else 0:>10.2f}")
    print(line)
walls_ib = [wall("ibpong", r) for r in range(1, rounds + 1)]
w_ib = st.median(walls_ib)
load = [open(f"{tmp}/load.{k}").read().strip() for k in ("before", "after")]
print(f"\nload average (1, 5, 15 min): {load[0]} before, {load[1]} after")
print(f"ibpong: median wall time {w_ib:.2f} s per sweep (min "
      f"{min(walls_ib):.2f}, max {max(walls_ib):.2f}; measuring "
      f"{sum_ib / 1e3:.3f} s of it)")
if have_imb:
    walls_imb = [wall("imb", r) for r in range(1, rounds + 1)]
    w_imb = st.median(walls_imb)
    print(f"IMB-MPI1: median wall time {w_imb:.2f} s per sweep (min "
          f"{min(walls_imb):.2f}, max {max(walls_imb):.2f}; measuring "
          f"about {sum_imb / 1e3:.3f} s of it)")
    print(f"wall-time ratio ibpong / IMB: {w_ib / w_imb:.2f} "
          f"(measuring only: {sum_ib / sum_imb if sum_imb else 0:.2f}); "
          f"ibpong at least as precise as IMB at {n_ok} of {n} sizes"
          + (f" (not at: {', '.join(str(x) for x in lost)})" if lost else ""))
    w_l = st.median(wall("launch", r) for r in range(1, rounds + 1))
    if w_imb > w_l:
        print(f"launch alone (mpirun -np 2 true): median {w_l:.2f} s; "
              f"beyond it ibpong {w_ib - w_l:.2f} s, IMB {w_imb - w_l:.2f} s,"
              f" ratio {(w_ib - w_l) / (w_imb - w_l):.2f}")
    print(f"goal (spread <= IMB's at every size, wall ratio <= 0.5): "
          f"{'met' if n_ok == n and w_ib <= 0.5 * w_imb else 'NOT met'}")
else:
    print("(IMB-MPI1 is not on the PATH: no side by side)")
EOF
