#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Suite lab: the Soft-RoCE guest of ci/lab works, with tools that are not
# ours: the device is listed, its port is active, a perftest pair completes
# over raw verbs, and rping connects through rdma_cm.
#
# usage: lab-smoke.sh [LAB]   (LAB defaults to $IBPONG_LAB, then ci/lab)
# Exits 77 (skip) only when `LAB check` says the lab cannot run here.
set -euo pipefail

lab=${1:-${IBPONG_LAB:-$(dirname -- "$0")/../../ci/lab}}

rc=0
why=$("$lab" check) || rc=$?
if [ "$rc" = 77 ]; then
	echo "$why"
	exit 77
elif [ "$rc" != 0 ]; then
	echo "$why"
	echo "lab-smoke: '$lab check' failed ($rc)" >&2
	exit 1
fi

# Runs in the guest. Every wait is bounded; servers get their own timeout.
# shellcheck disable=SC2016 # expanded in the guest
guest='
set -euo pipefail
dev=$IBPONG_LAB_DEV ip=$IBPONG_LAB_IP gid=$IBPONG_LAB_GID_INDEX
say() { echo "lab-smoke: $*"; }
logs=$(mktemp -d)

# Wait until something listens on TCP port $1.
listening() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -n "$(ss -Hltn "sport = :$1")" ] && return 0
		sleep 0.1
	done
	return 1
}

say "device $dev, address $ip, RoCE v2 GID index $gid"
ibv_devices | grep -qw "$dev" || { ibv_devices; say "FAIL: no $dev"; exit 1; }
ibv_devinfo -d "$dev" | grep -q PORT_ACTIVE ||
	{ ibv_devinfo -d "$dev"; say "FAIL: port not active"; exit 1; }
say "ok: $dev listed, PORT_ACTIVE"

timeout 120 ib_send_lat -d "$dev" -x "$gid" -n 100 -F >"$logs/srv" 2>&1 &
srv=$!
listening 18515 || { cat "$logs/srv"; say "FAIL: perftest server"; exit 1; }
if ! timeout 120 ib_send_lat -d "$dev" -x "$gid" -n 100 -F "$ip" \
	>"$logs/cli" 2>&1 || ! wait "$srv"; then
	cat "$logs/srv" "$logs/cli"
	say "FAIL: ib_send_lat"
	exit 1
fi
grep -A1 "t_avg" "$logs/cli" || true
say "ok: ib_send_lat, 100 iterations (RC, send)"

timeout 120 rping -s -a "$ip" -C 10 -V >"$logs/rsrv" 2>&1 &
srv=$!
ok=0
for ((i = 0; i < 50; i++)); do
	if timeout 60 rping -c -a "$ip" -C 10 -V >"$logs/rcli" 2>&1; then
		ok=1
		break
	fi
	sleep 0.2
done
if [ "$ok" != 1 ] || ! wait "$srv"; then
	cat "$logs/rsrv" "$logs/rcli"
	say "FAIL: rping"
	exit 1
fi
say "ok: rping, 10 pings through rdma_cm to $ip"
'

"$lab" run --timeout "${IBPONG_LAB_TIMEOUT:-600}" -- bash -c "$guest"
