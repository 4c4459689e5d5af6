#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ibpong cm against perftest -R and rping, in one Soft-RoCE lab guest:
# ib_send_lat, ib_write_lat, ib_read_lat and ib_write_bw with -R (their
# QPs connected by rdma_cm) and ibpong cm with the same sizes and message
# counts, tabulated by ci/bench-verbs.sh --table (median latency and
# bandwidth ratios ibpong / perftest; perftest's MB/sec is 2^20 B/s,
# converted there); then connection set-up: ibpong cm's run.connect
# (--connect-iters, in-process, resolve_addr to ESTABLISHED) against rping
# clients timed from outside (-C 1: process start, device open, connect,
# one ping, disconnect, exit), which is all rping can show.
#
# usage: ci/bench-cm.sh [BUILD_DIR]   (default: build)
# environment: BENCH_SIZES (default 2,64,4096), BENCH_LAT_ITERS (200),
#              BENCH_BW_MSGS (1024, a multiple of the window 128),
#              BENCH_REPS (2: the best of the interleaved runs counts),
#              BENCH_CONNECTS (30 set-ups per tool), BENCH_PROCS (10
#              whole ibpong cm clients timed), BENCH_OUT (results)
# Exit status: 0, or the lab's (77: the lab cannot run here).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
sizes=${BENCH_SIZES:-2,64,4096}
lat_iters=${BENCH_LAT_ITERS:-200}
bw_msgs=${BENCH_BW_MSGS:-1024}
reps=${BENCH_REPS:-2}
connects=${BENCH_CONNECTS:-30}
procs=${BENCH_PROCS:-10}
window=128

# Inside the guest.
ip=${IBPONG_LAB_IP:-192.0.2.1}
port=19500

# pair LOG COMMAND...: the server on CPU 0, the client (which adds the IP)
# on CPU 1. perftest -R's client does not retry: give the server a moment
# and retry a refused client.
pair() {
	local log=$1 spid i ok=0
	shift
	port=$((port + 1))
	taskset -c 0 timeout 120 "$@" -p $port >"$log.server" 2>&1 &
	spid=$!
	sleep 0.5
	for i in 1 2 3; do
		if taskset -c 1 timeout 120 "$@" -p $port "$ip" >"$log" 2>&1; then
			ok=1
			break
		fi
		sleep 1
	done
	# a client that failed three times leaves nothing to wait for
	[ $ok = 1 ] || kill "$spid" 2>/dev/null || true
	wait $spid || echo "failed: $* (see $log)" >&2
}

ibpong_one() { # LOG OP TEST ITERS SIZE
	local w=(--iters "$4" --warmup 20)
	[ "$3" = bw ] && w=(--window "$window" --tx-depth "$window" \
		--iters $(($4 / window)) --warmup 1)
	pair "$1" "$cm" --quiet --op "$2" --test "$3" "${w[@]}" --sizes "$5" \
		--connect-iters 0 --timeout 120 --json "$1.json"
}

# Latency in cycles (-C), as ci/bench-verbs.sh: TCG upsets perftest's
# MHz calibration. Bandwidth needs the calibration: retried when inf.
perftest_one() { # LOG PROGRAM TEST ITERS SIZE
	local i c=()
	[ "$3" = latency ] && c=(-C)
	for i in 1 2 3; do
		pair "$1" "$2" -R -F "${c[@]}" -n "$4" -s "$5"
		grep -qw inf "$1" || break
	done
}

# rping clients one after the other against a persistent server: the
# wall time of each, in microseconds, one a line.
rping_connects() { # OUT
	local spid i t0 t1
	port=$((port + 1))
	taskset -c 0 rping -s -P -a "$ip" -p $port >/dev/null 2>&1 &
	spid=$!
	sleep 0.5
	for i in $(seq "$connects"); do
		t0=$(date +%s%N)
		taskset -c 1 timeout 30 rping -c -a "$ip" -p $port -C 1 \
			>/dev/null 2>&1 || echo "rping client $i failed" >&2
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done >"$1"
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
}

# Whole ibpong cm clients (bootstrap, data connection, one 2-byte
# ping-pong, teardown), each against a fresh server: wall times in us.
ibpong_processes() { # OUT
	local i t0 t1 spid a=(--quiet --connect-iters 0 --sizes 2 --iters 1)
	for i in $(seq "$procs"); do
		port=$((port + 1))
		taskset -c 0 timeout 60 "$cm" "${a[@]}" -p $port >/dev/null 2>&1 &
		spid=$!
		sleep 0.3
		t0=$(date +%s%N)
		taskset -c 1 timeout 60 "$cm" "${a[@]}" -p $port "$ip" \
			>/dev/null 2>&1 || echo "ibpong cm client $i failed" >&2
		t1=$(date +%s%N)
		wait "$spid" || true
		echo $(((t1 - t0) / 1000))
	done >"$1"
}

guest() {
	local out=$2 t op pt test s iters r
	cm=$1/ibpong-cm
	ulimit -l unlimited
	for r in $(seq "$reps"); do
		for t in send_lat write_lat read_lat write_bw; do
			op=${t%_*} pt=ib_$t test=latency iters=$lat_iters
			[ "$t" = write_bw ] && test=bw && iters=$bw_msgs
			for s in ${sizes//,/ }; do
				ibpong_one "$out/ibpong-$t-$s-$r" "$op" "$test" \
					"$iters" "$s"
				perftest_one "$out/perftest-$t-$s-$r" "$pt" "$test" \
					"$iters" "$s"
			done
		done
	done
	pair "$out/ibpong-connect" "$cm" --quiet --connect-iters "$connects" \
		--sizes 2 --iters 10 --json "$out/ibpong-connect.json"
	rping_connects "$out/rping-connect"
	ibpong_processes "$out/ibpong-process"
	awk '/cpu MHz/ { print $4; exit }' /proc/cpuinfo >"$out/cpu_mhz"
	table "$out"
}

# Both tables of a results directory (also: bench-cm.sh --table DIR).
table() {
	BENCH_SIZES=$sizes BENCH_REPS=$reps "$here/bench-verbs.sh" --table "$1"
	python3 - "$1" <<'PY'
import json, statistics, sys

out = sys.argv[1]
conn = json.load(open(f"{out}/ibpong-connect.json"))["run"]["connect"]
def wall(name):
    try:
        return sorted(float(x) for x in open(f"{out}/{name}").read().split())
    except OSError:
        return []


def row(name, v):
    p99 = v[min(len(v) - 1, round(0.99 * (len(v) - 1)))]
    print("%-22s %10.0f %10.0f %10.0f %10.0f"
          % (name, v[0], statistics.median(v), p99, v[-1]))


rp, ip = wall("rping-connect"), wall("ibpong-process")
print(f"# connection set-up, microseconds: ibpong cm run.connect "
      f"({conn['iterations']} {conn['qp']} connections, in-process); "
      f"whole client processes timed outside: {len(rp)} rping -C 1, "
      f"{len(ip)} ibpong cm (2 connections, 1 ping-pong)")
print("%-22s %10s %10s %10s %10s" % ("", "min", "median", "p99", "max"))
for ph, st in conn["phases"].items():
    print("%-22s %10.0f %10.0f %10.0f %10.0f"
          % ("ibpong " + ph, st["min"], st["median"],
             st.get("p99", float("nan")), st["max"]))  # p99: >= 100 samples
if rp:
    row("rping process", rp)
if ip:
    row("ibpong cm process", ip)
if rp and ip:
    print("ratio ibpong cm process / rping process, median: %.2f"
          % (statistics.median(ip) / statistics.median(rp)))
PY
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
out=${BENCH_OUT:-$(mktemp -d /tmp/ibpong-bench-cm.XXXXXX)}
mkdir -p "$out"
echo "results in $out" >&2
exec "$lab" run --timeout 3000 --out "$out" \
	--env "BENCH_SIZES=$sizes" --env "BENCH_LAT_ITERS=$lat_iters" \
	--env "BENCH_BW_MSGS=$bw_msgs" --env "BENCH_REPS=$reps" \
	--env "BENCH_CONNECTS=$connects" --env "BENCH_PROCS=$procs" -- \
	bash "$here/bench-cm.sh" --in-guest "$build" "$out"
