#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# ibpong cm in one lab guest (run by meson through ci/lab, or directly in
# a guest): every op and test over RC and UD with the JSON and its
# run.connect statistics, --validate, --poll event, --bind, then every
# failure: one clear line and exit 3 (2 for usage) within the timeout.
# usage: cm-lab.sh IBPONG_CM OUT_DIR (in the guest: verbs-lab-run.sh boots it)
# shellcheck disable=SC2086 # option lists ($q, $w...) split on purpose
set -u
VB=$1 OUT=$2
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/verbs-lib.sh"
# --timeout 60: a TCG guest on a loaded 2-core host has been seen to take
# 42 s for one rdma_connect and 14 s to resolve its own address; the cases
# that wait for a timeout on purpose name a short one of their own.
q="--quiet --iters 10 --warmup 2 --timeout 60 --connect-iters 3"

# cmjson NAME KIND SIZES [ITERS]
cmjson() {
	local msg
	if ! msg=$(python3 "$TOOLS/cm_check_json.py" "$OUT/$1.json" "$2" "$3" \
		${4:+"$4"} 2>&1); then
		vbad "$1: $msg"
	fi
}

# vexit NAME RC COMMAND...: one end alone exits with RC.
vexit() {
	local name=$1 want=$2 rc
	shift 2
	vcases=$((vcases + 1))
	timeout 180 "$@" >"$OUT/$name.client" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		vbad "$name: exit $rc (want $want)"
		sed 's/^/  client: /' "$OUT/$name.client" | tail -5
	else
		vlog "ok: $name"
	fi
}

for qp in rc ud; do
	for op in send write read write-imm; do
		[ "$qp" = ud ] && [ "$op" != send ] && continue
		sz=0,1,64,1K,4K szl=0,1,64,1024,4096
		[ "$qp" = ud ] && sz=0,1,64,1K szl=0,1,64,1024
		for t in latency bw bibw; do
			n=cm-$qp-$op-$t w=
			[ "$t" != latency ] && w="--window 16 --iters 4"
			vpair2 "$n" 0 0 "$q $w --qp $qp --op $op --test $t --sizes $sz" \
				"$q $w --qp $qp --op $op --test $t --sizes $sz --json $OUT/$n.json" &&
				cmjson "$n" "$t" "$szl"
		done
	done
done
vgrep cm-rc-send-latency client "rdma_cm connection set-up (rc), 3 connections"
vgrep cm-rc-send-latency server "rdma_cm connection set-up (rc), 3 connections"

for c in "rc send latency" "rc read bibw" "rc write bw" "ud send bw"; do
	set -- $c
	w=
	[ "$3" != latency ] && w="--window 8"
	vpair "cm-validate-$1-$2-$3" 0 0 $q $w --validate --qp "$1" \
		--op "$2" --test "$3" --sizes 0,1,64,1K
done
vpair cm-event 0 0 $q --poll event --op write-imm --sizes 0,64,4K
vpair2 cm-bind 0 0 "$q --bind $HOST --sizes 64" "$q --bind $HOST --sizes 64"
vpair2 cm-iters0 0 0 "$q --connect-iters 0 --sizes 64" \
	"$q --connect-iters 0 --sizes 64 --json $OUT/cm-iters0.json" &&
	cmjson cm-iters0 latency 64 1

# usage errors: exit 2 before any connection
vexit cm-usage-uc 2 "$VB" --qp uc "$HOST"
vgrep cm-usage-uc client "--qp uc: rdma_cm has no UC port space"
vexit cm-usage-dev 2 "$VB" -d rxe0 "$HOST"
vgrep cm-usage-dev client "-d/--device: rdma_cm picks the device"
vexit cm-usage-iters 2 "$VB" --connect-iters -1 "$HOST"

# an address nobody answers for: the connection request times out
vexit cm-unreachable 3 "$VB" $q --timeout 3 192.0.2.99
vgrep cm-unreachable client "192.0.2.99 port"
# no RDMA device behind the route: a second netdev without rxe, loopback
ip link add cmdummy1 type dummy 2>/dev/null
ip addr add 198.51.100.1/24 dev cmdummy1 2>/dev/null
ip link set cmdummy1 up 2>/dev/null
vexit cm-nodev 3 "$VB" $q --timeout 3 198.51.100.1
vgrep cm-nodev client "no RDMA device behind the route"
vexit cm-loopback 3 "$VB" $q --timeout 3 127.0.0.1
vgrep cm-loopback client "127.0.0.1"
vexit cm-bind-nodev 3 "$VB" $q --timeout 3 --bind 198.51.100.1
vgrep cm-bind-nodev client "--bind 198.51.100.1: no RDMA device"
# nobody listens on that port
vexit cm-refused 3 "$VB" $q --timeout 3 -p 18999 "$HOST"
vgrep cm-refused client "nobody listened there within 3000 ms"
# a server alone gives up after --timeout
vexit cm-server-timeout 3 "$VB" $q --timeout 2
vgrep cm-server-timeout client "nothing within 2000 ms while waiting for the client"

# mismatched options: the run driver's one agreement, over the control
# connection, names the field and both values on both ends, exit 2
vpair2 cm-mismatch-qp 2 2 "$q --qp rc" "$q --qp ud"
vgrep cm-mismatch-qp client "parameter mismatch: --qp is ud on rank 0 (this end) but rc on rank 1"
vgrep cm-mismatch-qp server "parameter mismatch: --qp is rc on rank 1 (this end) but ud on rank 0"
vpair2 cm-mismatch-op 2 2 "$q --op read" "$q --op write"
vgrep cm-mismatch-op client "--op is write on rank 0 (this end) but read on rank 1"
vpair2 cm-mismatch-iters 2 2 "$q --connect-iters 5" "$q"
vgrep cm-mismatch-iters client "--connect-iters is 3 on rank 0 (this end) but 5 on rank 1"
# a core field: the same agreement
vpair2 cm-mismatch-sizes 2 2 "$q --sizes 0:64" "$q --sizes 0:128"

# the peer disconnects mid-run: the survivor says so and exits 3
vport=$((vport + 1))
vcases=$((vcases + 1))
long="--quiet --iters 1000000 --timeout 60 --connect-iters 1 --sizes 64 -p $vport"
"$VB" $long >"$OUT/cm-kill.server" 2>&1 &
spid=$!
sleep 1
timeout 180 "$VB" $long "$HOST" >"$OUT/cm-kill.client" 2>&1 &
cpid=$!
# kill the server once the client has connected (its set-up table is
# printed then) and is measuring, however slow the guest is today
for _ in $(seq 120); do
	grep -qF "rdma_cm connection set-up" "$OUT/cm-kill.client" && break
	sleep 0.5
done
sleep 3
kill -9 "$spid"
wait "$cpid"
rc=$?
if [ "$rc" = 3 ]; then vlog "ok: cm-kill"; else
	vbad "cm-kill: client exit $rc (want 3)"
	tail -5 "$OUT/cm-kill.client"
fi
vgrep cm-kill client "the peer disconnected"

vdone
