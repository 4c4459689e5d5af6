#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ibpong verbs against perftest, side by side, in one Soft-RoCE lab guest:
# ib_send_lat, ib_write_lat, ib_read_lat and ib_write_bw with the same
# sizes and message counts, then per size the ratio ibpong / perftest of
# the median latency (perftest's t_typical) and of the bandwidth.
#
# usage: ci/bench-verbs.sh [BUILD_DIR]        (default: build)
# environment: BENCH_SIZES (default 2,8,64,512,4096,65536,1048576),
#              BENCH_LAT_ITERS (default 300), BENCH_BW_MSGS (default 1024,
#              a multiple of the window 128), BENCH_OUT (kept results)
#
# Units: ibpong reports MB/s = 10^6 B/s; perftest's MB/sec is 2^20 B/s,
# converted here. Latency: one-way (half the round trip) for send and
# write in both tools, the round trip for read in both.
# Goal: latency ratio <= 1.00, bandwidth ratio >= 1.00 (noise aside; the
# guest runs under TCG, so absolute numbers mean nothing).
# Exit status: 0, or the lab's (77: the lab cannot run here).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
sizes=${BENCH_SIZES:-2,8,64,512,4096,65536,1048576}
lat_iters=${BENCH_LAT_ITERS:-300}
bw_msgs=${BENCH_BW_MSGS:-1024}
window=128

# Inside the guest: run every pair, print the table.
guest() {
	local build=$1 out=$2 vb=$1/ibpong-verbs gid=${IBPONG_LAB_GID_INDEX:-1}
	local ip=${IBPONG_LAB_IP:-192.0.2.1} port=19000
	ulimit -l unlimited
	# perftest's client does not retry: wait until the server listens
	wait_listen() {
		local hex i
		hex=$(printf ':%04X ' "$1")
		for i in $(seq 300); do
			grep -q "$hex[0-9A-F:]* 0A" /proc/net/tcp /proc/net/tcp6 &&
				return 0
			sleep 0.1
		done
	}
	pair() { # LOG SERVER-COMMAND... (the client adds the IP)
		local log=$1 spid
		shift
		port=$((port + 1))
		"$@" -p $port >"$log.server" 2>&1 &
		spid=$!
		wait_listen $port
		"$@" -p $port "$ip" >"$log" 2>&1 || {
			echo "failed: $* (see $log)" >&2
			cat "$log" >&2
		}
		wait $spid || true
	}
	local t op pt test s iters
	for t in send_lat write_lat read_lat write_bw; do
		op=${t%_*}
		pt=ib_$t
		test=latency
		iters=$lat_iters
		[ "$t" = write_bw ] && test=bw && iters=$bw_msgs
		for s in ${sizes//,/ }; do
			if [ "$test" = bw ]; then
				pair "$out/ibpong-$t-$s" "$vb" --quiet --op "$op" \
					--test bw --window $window --tx-depth $window \
					--iters $((iters / window)) --warmup 1 \
					--sizes "$s" -d rxe0 -x "$gid" --timeout 120 \
					--json "$out/ibpong-$t-$s.json"
			else
				pair "$out/ibpong-$t-$s" "$vb" --quiet --op "$op" \
					--iters "$iters" --warmup 20 --sizes "$s" \
					-d rxe0 -x "$gid" --timeout 120 \
					--json "$out/ibpong-$t-$s.json"
			fi
			pair "$out/perftest-$t-$s" "$pt" -d rxe0 -x "$gid" -F \
				-n "$iters" -s "$s"
		done
	done
	python3 - "$out" "$sizes" <<'EOF'
import json, os, sys

out, sizes = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]


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


print("%-10s %8s %12s %12s %8s" % ("test", "size", "ibpong", "perftest",
                                      "ratio"))
for t in ("send_lat", "write_lat", "read_lat", "write_bw"):
    unit = "MB/s(1e6)" if t.endswith("bw") else "us median"
    print(f"# {t}: {unit}; ratio = ibpong / perftest, goal "
          + ("<= 1.00" if t.endswith("lat") else ">= 1.00"))
    for s in sizes:
        ib = ibpong_row(f"{out}/ibpong-{t}-{s}.json")
        pt = perftest_row(f"{out}/perftest-{t}-{s}", s)
        if ib is None or pt is None:
            print("%-10s %8d %12s %12s %8s" % (t, s, "-" if ib is None else
                  "ok", "-" if pt is None else "ok", "n/a"))
            continue
        if t.endswith("lat"):
            a = ib["latency_us"]["median"]
            b = pt[4]  # t_typical[usec]
        else:
            a = ib["bandwidth_MBps"]
            b = pt[3] * 1048576 / 1e6  # BW average[MB/sec], 2^20 B/s
        print("%-10s %8d %12.2f %12.2f %8.2f" % (t, s, a, b, a / b))
EOF
}

if [ "${1:-}" = --in-guest ]; then
	guest "$2" "$3"
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
	--env "BENCH_BW_MSGS=$bw_msgs" -- \
	bash "$here/bench-verbs.sh" --in-guest "$build" "$out"
