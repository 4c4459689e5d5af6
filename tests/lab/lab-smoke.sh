#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Suite lab: the Soft-RoCE lab (ci/lab) itself.
#   rdma     with tools that are not ours: the device is listed, its port is
#            active, a perftest pair completes over raw verbs and rping
#            connects through rdma_cm
#   exit     the command's exit status comes back (5, 1, 127)
#   timeout  a command running past --timeout is killed: 124, promptly
#   io       stdout and stderr come back apart, argv is kept word for word,
#            --workdir is honoured and --out brings files back
#
# usage: lab-smoke.sh [rdma|exit|timeout|io]
# The lab is $IBPONG_LAB, else ci/lab beside this source tree. Exits 77
# (skip) only when `$IBPONG_LAB check` says the lab cannot run here.
set -euo pipefail

mode=${1:-rdma}
lab=${IBPONG_LAB:-$(dirname -- "$0")/../../ci/lab}

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

fail() {
	echo "lab-smoke: FAIL: $*" >&2
	exit 1
}

# Run the lab with ARGS; set got to its exit status.
lab_status() {
	got=0
	"$lab" run "$@" || got=$?
}

smoke_exit() {
	lab_status -- bash -c 'exit 5'
	[ "$got" = 5 ] || fail "exit 5 in the guest gave $got"
	lab_status -- false
	[ "$got" = 1 ] || fail "false in the guest gave $got"
	lab_status -- /nonexistent/command
	[ "$got" = 127 ] || fail "a missing command gave $got, not 127"
	echo "lab-smoke: ok: exit statuses 5, 1, 127 came back"
}

smoke_timeout() {
	local t0 t1 limit=30
	t0=$(date +%s)
	lab_status --timeout "$limit" -- sleep 3600
	t1=$(date +%s)
	[ "$got" = 124 ] || fail "sleep past --timeout gave $got, not 124"
	[ $((t1 - t0)) -le $((limit + 15)) ] ||
		fail "--timeout $limit took $((t1 - t0)) s"
	echo "lab-smoke: ok: --timeout $limit gave 124 after $((t1 - t0)) s"
}

smoke_io() {
	local tmp
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/lab-smoke.XXXXXX")
	# shellcheck disable=SC2064 # expand now
	trap "rm -rf -- '$tmp'" EXIT
	mkdir "$tmp/work" "$tmp/out"
	# shellcheck disable=SC2016 # expanded in the guest
	lab_status --workdir "$tmp/work" --out "$tmp/out" \
		--env "OUT=$tmp/out" -- bash -c '
		echo to-stdout; echo to-stderr >&2
		printf "%s|" "$@" >"$OUT/argv"
		pwd -P >"$OUT/pwd"
		echo "{\"ok\": true}" >"$OUT/r.json"
		mkdir "$OUT/sub" && echo nested >"$OUT/sub/f"
		echo gone >lost' argv0 'a b' "c'd" '$HOME' '' \
		>"$tmp/stdout" 2>"$tmp/stderr"
	[ "$got" = 0 ] || fail "io command gave $got"
	[ "$(cat "$tmp/stdout")" = to-stdout ] ||
		fail "stdout was '$(cat "$tmp/stdout")'"
	[ "$(cat "$tmp/stderr")" = to-stderr ] ||
		fail "stderr was '$(cat "$tmp/stderr")'"
	[ "$(cat "$tmp/out/argv")" = "a b|c'd|\$HOME||" ] ||
		fail "argv came as '$(cat "$tmp/out/argv")'"
	[ "$(cat "$tmp/out/pwd")" = "$(cd "$tmp/work" && pwd -P)" ] ||
		fail "workdir was '$(cat "$tmp/out/pwd")'"
	grep -q '"ok": true' "$tmp/out/r.json" || fail "no r.json from --out"
	[ "$(cat "$tmp/out/sub/f")" = nested ] || fail "no sub/f from --out"
	[ ! -e "$tmp/work/lost" ] || fail "a write outside --out reached the host"
	echo "lab-smoke: ok: stdout/stderr apart, argv, --workdir, --out"
}

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
ibv_devinfo -d "$dev" | grep PORT_ACTIVE >/dev/null ||
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

case $mode in
rdma) "$lab" run --timeout "${IBPONG_LAB_TIMEOUT:-600}" -- bash -c "$guest" ;;
exit) smoke_exit ;;
timeout) smoke_timeout ;;
io) smoke_io ;;
*) fail "unknown mode '$mode'" ;;
esac
