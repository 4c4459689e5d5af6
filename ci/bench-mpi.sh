#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ibpong-mpi beside IMB-MPI1 and the OSU micro-benchmarks, method for
# method, over Open MPI shared memory (btl self,vader): ROUNDS interleaved
# rounds (one run of every tool per test in each round, in turn), then per
# size the median of each tool and the median and spread (min..max) of the
# per-round ratios ibpong / reference. What is compared:
#   latency   ibpong imb_t_us vs IMB PingPong t[usec] (both: the larger of
#             the ranks' loop / n / 2); ibpong mean vs osu_latency
#   pingping  ibpong imb_t_us vs IMB PingPing t[usec]
#   bw        ibpong --window 64 vs osu_bw (window 64, MB/s = 10^6 B/s);
#             ibpong --window 256 vs IMB Uniband (window 256, Mbytes/sec)
#   bibw      ibpong --window 64 vs osu_bibw; --window 256 vs IMB Biband
# The tools that are not on PATH are left out; the project ships none.
#
# Usage: ci/bench-mpi.sh [IBPONG_MPI]   (default: ./build/ibpong-mpi)
# Environment: MPIRUN (default mpirun), ROUNDS (default 20), ITERS (default
#              1000 per size and run), SIZES (default 1,64,1024,16384,65536),
#              TESTS (default "latency pingping bw bibw").
# Exit: 0, or the failing command's exit code.
set -euo pipefail

exe=${1:-./build/ibpong-mpi}
mpirun=${MPIRUN:-mpirun}
rounds=${ROUNDS:-20}
iters=${ITERS:-1000}
sizes=${SIZES:-1,64,1024,16384,65536}
tests=${TESTS:-latency pingping bw bibw}

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,vader OMPI_MCA_pml=ob1
export OMPI_MCA_rmaps_base_oversubscribe=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tr , '\n' <<<"$sizes" >"$tmp/msglen"
min=$(head -1 "$tmp/msglen")
max=$(tail -1 "$tmp/msglen")
have() { command -v "$1" >/dev/null; }
imb_name() {
	case $1 in latency) echo PingPong ;; pingping) echo PingPing ;;
	bw) echo Uniband ;; bibw) echo Biband ;; esac
}
osu_name() {
	case $1 in latency) echo osu_latency ;; bw) echo osu_bw ;;
	bibw) echo osu_bibw ;; *) echo "" ;; esac
}

# the machine's load, before and after: noise on a shared machine
read -r load0 _ </proc/loadavg
for r in $(seq 1 "$rounds"); do
	for t in $tests; do
		w=()
		[ "$t" = bw ] || [ "$t" = bibw ] && w=(--window 64)
		"$mpirun" -np 2 "$exe" --test "$t" --sizes "$sizes" \
			--iters "$iters" "${w[@]}" --quiet \
			--json "$tmp/ibpong-$t-$r.json" >/dev/null 2>&1
		if [ "$t" = bw ] || [ "$t" = bibw ]; then
			"$mpirun" -np 2 "$exe" --test "$t" --sizes "$sizes" \
				--iters "$iters" --window 256 --quiet \
				--json "$tmp/ibpong256-$t-$r.json" >/dev/null 2>&1
		fi
		if have IMB-MPI1; then
			"$mpirun" -np 2 IMB-MPI1 "$(imb_name "$t")" -msglen \
				"$tmp/msglen" -iter "$iters" -iter_policy off \
				>"$tmp/imb-$t-$r.txt" 2>/dev/null
		fi
		o=$(osu_name "$t")
		if [ -n "$o" ] && have "$o"; then
			"$mpirun" -np 2 "$o" -m "$min:$max" -i "$iters" \
				>"$tmp/osu-$t-$r.txt" 2>/dev/null
		fi
	done
done

read -r load1 _ </proc/loadavg
echo "load average (1 min) $load0 before, $load1 after, on $(nproc) CPUs"
python3 - "$tmp" "$rounds" "$sizes" "$tests" <<'PY'
import json, statistics, sys

tmp, rounds, sizes, tests = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sizes = [int(s) for s in sizes.split(",")]
BW = ("bw", "bibw")


def ibpong(name, t, r):
    try:
        doc = json.load(open(f"{tmp}/{name}-{t}-{r}.json"))
    except OSError:
        return None
    out = {}
    for row in doc["results"]:
        if t in BW:
            out[row["size_bytes"]] = row["bandwidth_MBps"]
        else:
            out[row["size_bytes"]] = row.get("imb_t_us",
                                             row["latency_us"]["mean"])
    return out, {row["size_bytes"]: row["latency_us"]["mean"]
                 for row in doc["results"]}


def table(path, col):
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return None
    out = {}
    for ln in lines:
        f = ln.split()
        if len(f) > col and f[0].isdigit():
            try:
                out[int(f[0])] = float(f[col])
            except ValueError:
                pass
    return out or None


def show(title, pairs):
    # pairs: per round (ibpong dict, reference dict); ratio ibpong / ref
    pairs = [(a, b) for a, b in pairs if a and b]
    if not pairs:
        return
    print(f"\n{title} ({len(pairs)} rounds)")
    print(f"{'size[B]':>9} {'ibpong':>10} {'ref':>10} {'median':>8} "
          f"{'min':>7} {'max':>7}")
    for s in sizes:
        rs = [a[s] / b[s] for a, b in pairs if s in a and s in b and b[s]]
        if not rs:
            continue
        ia = statistics.median(a[s] for a, b in pairs if s in a)
        ib = statistics.median(b[s] for a, b in pairs if s in b)
        print(f"{s:>9} {ia:>10.3f} {ib:>10.3f} {statistics.median(rs):>8.3f}"
              f" {min(rs):>7.3f} {max(rs):>7.3f}")


for t in tests.split():
    unit = "MB/s (10^6 B/s)" if t in BW else "us"
    rr = range(1, rounds + 1)
    if t in BW:
        a64 = [ibpong("ibpong", t, r) for r in rr]
        a256 = [ibpong("ibpong256", t, r) for r in rr]
        show(f"{t} vs osu_{t} (window 64), {unit}",
             [(a and a[0], table(f"{tmp}/osu-{t}-{r}.txt", 1))
              for a, r in zip(a64, rr)])
        show(f"{t} vs IMB {'Uniband' if t == 'bw' else 'Biband'} "
             f"(window 256), {unit}",
             [(a and a[0], table(f"{tmp}/imb-{t}-{r}.txt", 2))
              for a, r in zip(a256, rr)])
    else:
        a = [ibpong("ibpong", t, r) for r in rr]
        name = "PingPong" if t == "latency" else "PingPing"
        show(f"{t}: IMB's t vs IMB {name} t[usec], {unit}",
             [(x and x[0], table(f"{tmp}/imb-{t}-{r}.txt", 2))
              for x, r in zip(a, rr)])
        if t == "latency":
            show(f"{t}: mean one-way vs osu_latency, {unit}",
                 [(x and x[1], table(f"{tmp}/osu-{t}-{r}.txt", 1))
                  for x, r in zip(a, rr)])
print("\nratio = ibpong / reference; latency: < 1 is faster, bandwidth: "
      "> 1 is faster. Shared memory (vader); timings on a loaded machine "
      "are noisy.")
PY
