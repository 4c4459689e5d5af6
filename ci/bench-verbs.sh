#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ibpong verbs against perftest, side by side, in one Soft-RoCE lab guest,
# both with their defaults (ibpong's are perftest's: inline, signalling,
# the bandwidth stream): ib_send_lat, ib_write_lat, ib_read_lat, and
# ib_write_bw, ib_send_bw, ib_read_bw, each uni- and bidirectional (-b),
# with the same sizes and message counts, interleaved; then per size the
# median over the runs of the ratio ibpong / perftest of the median
# latency (perftest's t_typical) and of the bandwidth, and its spread.
#
# usage: ci/bench-verbs.sh [BUILD_DIR]        (default: build)
#        ci/bench-verbs.sh --table RESULTS_DIR (the table again)
# environment: BENCH_SIZES (default 2,8,64,512,4096,65536),
#              BENCH_LAT_ITERS (default 200), BENCH_BW_MSGS (default 1024,
#              a multiple of the window 64), BENCH_REPS (default 3
#              interleaved runs), BENCH_TESTS (default: all nine),
#              BENCH_OUT (results), BENCH_ALT (a second build directory:
#              its ibpong-verbs runs too, interleaved, as "alt", to measure
#              a datapath change A/B against the same perftest runs)
#
# Units: ibpong reports MB/s = 10^6 B/s; perftest's MB/sec is 2^20 B/s,
# converted here. Latency: one-way (half the round trip) for send and
# write in both tools, the round trip for read in both.
# Goal: median ratios within 0.95-1.05 from 2 B to 64 KiB (noise aside;
# the guest runs under TCG, so absolute numbers mean nothing).
# Exit status: 0, or the lab's (77: the lab cannot run here).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
sizes=${BENCH_SIZES:-2,8,64,512,4096,65536}
lat_iters=${BENCH_LAT_ITERS:-200}
bw_msgs=${BENCH_BW_MSGS:-1024}
reps=${BENCH_REPS:-3}
tests=${BENCH_TESTS:-send_lat write_lat read_lat write_bw send_bw read_bw write_bibw send_bibw read_bibw}
window=64

# Inside the guest: run every pair, print the table.
guest() {
	local build=$1 out=$2 vb=$1/ibpong-verbs gid=${IBPONG_LAB_GID_INDEX:-1}
	local alt=${BENCH_ALT:+$BENCH_ALT/ibpong-verbs}
	local ip=${IBPONG_LAB_IP:-192.0.2.1} port=19000
	ulimit -l unlimited
	# perftest's client does not retry: wait until the server listens
	wait_listen() {
		local hex _
		hex=$(printf ':%04X ' "$1")
		for _ in $(seq 300); do
			grep -q "${hex}[0-9A-F:]* 0A" /proc/net/tcp /proc/net/tcp6 &&
				return 0
			sleep 0.1
		done
	}
	# Server on CPU 0, client on CPU 1, for both tools: two spinning
	# processes on one vCPU would measure the scheduler tick.
	pair() { # LOG SERVER-COMMAND... (the client adds the IP)
		local log=$1 spid
		shift
		port=$((port + 1))
		taskset -c 0 "$@" -p $port >"$log.server" 2>&1 &
		spid=$!
		wait_listen $port
		taskset -c 1 "$@" -p $port "$ip" >"$log" 2>&1 || {
			echo "failed: $* (see $log)" >&2
			tail -3 "$log" >&2
		}
		wait $spid || true
	}
	ibpong_one() { # LOG OP TEST ITERS SIZE [EXE]
		local w=() exe=${6:-$vb}
		[ "$3" = bw ] || [ "$3" = bibw ] && w=(--window "$window" \
			--iters "$(($4 / window))" --warmup 1)
		[ "$3" = latency ] && w=(--iters "$4" --warmup 20)
		pair "$1" "$exe" --quiet --op "$2" --test "$3" "${w[@]}" \
			--sizes "$5" -d rxe0 -x "$gid" --timeout 120 --json "$1.json"
	}
	alt_one() { # the same with the second build, when there is one
		[ -n "$alt" ] || return 0
		ibpong_one "$1" "$2" "$3" "$4" "$5" "$alt"
	}
	# Latency in cycles (-C): perftest's own MHz calibration often fails
	# under TCG (r^2 < 0.9) and prints inf; cycles / the kernel's TSC MHz
	# does not. Bandwidth needs its calibration: retried when inf.
	perftest_one() { # LOG PROGRAM TEST ITERS SIZE
		local _
		for _ in 1 2 3; do
			if [ "$3" = latency ]; then
				pair "$1" "$2" -d rxe0 -x "$gid" -F -C -n "$4" -s "$5"
			elif [ "$3" = bibw ]; then
				pair "$1" "$2" -d rxe0 -x "$gid" -F -b -n "$4" -s "$5"
			else
				pair "$1" "$2" -d rxe0 -x "$gid" -F -n "$4" -s "$5"
			fi
			grep -qw inf "$1" || break
		done
	}
	local t op pt test s iters r
	for r in $(seq "$reps"); do
		for t in $tests; do
			op=${t%_*}
			pt=ib_$t
			test=latency
			iters=$lat_iters
			case $t in
			*_bw) test=bw iters=$bw_msgs ;;
			*_bibw) test=bibw iters=$bw_msgs pt=ib_${op}_bw ;;
			esac
			for s in ${sizes//,/ }; do
				# the two builds take turns at going first
				if ((r % 2 == 0)); then
					alt_one "$out/alt-$t-$s-$r" "$op" \
						"$test" "$iters" "$s"
				fi
				ibpong_one "$out/ibpong-$t-$s-$r" "$op" "$test" \
					"$iters" "$s"
				if ((r % 2)); then
					alt_one "$out/alt-$t-$s-$r" "$op" \
						"$test" "$iters" "$s"
				fi
				perftest_one "$out/perftest-$t-$s-$r" "$pt" "$test" \
					"$iters" "$s"
			done
		done
	done
	# the TSC rate perftest's -C cycles count at (the guest kernel's)
	awk '/cpu MHz/ { print $4; exit }' /proc/cpuinfo >"$out/cpu_mhz"
	table "$out"
}

# The ratio table of a results directory (also: bench-verbs.sh --table DIR).
table() {
	python3 - "$1" "$sizes" "$reps" "$(cat "$1/cpu_mhz")" "$tests" <<'EOF'
import json, os, sys

out, sizes = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
reps, mhz = int(sys.argv[3]), float(sys.argv[4])
tests = sys.argv[5].split()


def perftest_row(path, size):
    """The data line of one size: the numbers after '#bytes ...'."""
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return None
    for line in lines:
        f = line.split()
        if len(f) >= 5 and f[0] == str(size):
            try:
                return [float(x) for x in f]
            except ValueError:
                pass
    return None


def ibpong_row(path):
    try:
        return json.load(open(path))["results"][0]
    except (OSError, ValueError, KeyError, IndexError):
        return None


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    n = len(values)
    return (values[(n - 1) // 2] + values[n // 2]) / 2


print(f"{reps} interleaved runs per tool and size; ratio: the median of "
      f"the runs' ratios\n(min..max after it); perftest latency cycles / "
      f"{mhz} MHz")
print("note: both tools read the TSC (the lab sets IBPONG_CLOCK=tsc: the "
      "emulated CPU\nhides the invariant flag); one read per iteration")
print("%-10s %8s %12s %12s %8s %15s" % ("test", "size", "ibpong",
                                          "perftest", "ratio", "spread"))
for t in tests:
    lat = t.endswith("lat")
    unit = "median latency, us" if lat else "bandwidth, MB/s = 10^6 B/s"
    kind = "round trip" if t == "read_lat" else "one-way"
    print(f"# {t}: {unit}" + (f" ({kind})" if lat else "")
          + "; ratio = ibpong / perftest, goal 0.95-1.05")
    for s in sizes:
        a, b, ratios = [], [], []
        for r in range(1, reps + 1):
            ib = ibpong_row(f"{out}/ibpong-{t}-{s}-{r}.json")
            pt = perftest_row(f"{out}/perftest-{t}-{s}-{r}", s)
            x = y = None
            if ib is not None:
                x = (ib["latency_us"]["median"] if lat
                     else ib["bandwidth_MBps"])
            # t_typical in cycles; BW average in 2^20 B/s (its stdev
            # column is often -nan: only the column used must be finite)
            v = None if pt is None else pt[4] if lat else pt[3]
            if v is not None and v == v and v != float("inf"):
                y = v / mhz if lat else v * 1048576 / 1e6
            a.append(x)
            b.append(y)
            if x is not None and y:
                ratios.append(x / y)
        ma, mb, mr = median(a), median(b), median(ratios)
        if mr is None:
            print("%-10s %8d %12s %12s %8s" % (t, s, ma or "-", mb or "-",
                                                "n/a"))
            continue
        print("%-10s %8d %12.2f %12.2f %8.2f %7.2f..%.2f"
              % (t, s, ma, mb, mr, min(ratios), max(ratios)))
        # BENCH_ALT: the second build against the same perftest runs and
        # against ibpong, run by run
        alt, alt_pt, alt_ib = [], [], []
        for r in range(1, reps + 1):
            al = ibpong_row(f"{out}/alt-{t}-{s}-{r}.json")
            if al is None:
                continue
            z = al["latency_us"]["median"] if lat else al["bandwidth_MBps"]
            alt.append(z)
            if b[r - 1]:
                alt_pt.append(z / b[r - 1])
            if a[r - 1]:
                alt_ib.append(z / a[r - 1])
        if alt_pt:
            print("%-10s %8d %12.2f %12s %8.2f %7.2f..%.2f  alt/ibpong "
                  "%.3f (%.2f..%.2f)"
                  % ("  alt", s, median(alt), "", median(alt_pt),
                     min(alt_pt), max(alt_pt), median(alt_ib),
                     min(alt_ib), max(alt_ib)))
EOF
}

if [ "${1:-}" = --in-guest ]; then
	guest "$2" "$3"
	exit 0
fi
if [ "${1:-}" = --table ]; then
	table "$2"
	exit 0
fi

build=$(cd -- "${1:-$here/../build}" && pwd)
lab="$here/lab"
"$lab" check >/dev/null || exit 77
out=${BENCH_OUT:-$(mktemp -d /tmp/ibpong-bench-verbs.XXXXXX)}
mkdir -p "$out"
echo "results in $out" >&2
exec "$lab" run --timeout 3000 --out "$out" \
	--env "BENCH_SIZES=$sizes" --env "BENCH_LAT_ITERS=$lat_iters" \
	--env "BENCH_BW_MSGS=$bw_msgs" --env "BENCH_REPS=$reps" \
	--env "BENCH_TESTS=$tests" --env "BENCH_ALT=${BENCH_ALT:-}" -- \
	bash "$here/bench-verbs.sh" --in-guest "$build" "$out"
