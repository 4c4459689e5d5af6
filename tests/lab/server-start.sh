#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Inside one lab guest: the server side of `ibpong verbs` and `ibpong cm`
# checks its device, port, GID and --json path before it listens, then
# says exactly once "waiting for a client on port N (device D, port P,
# GID G)", like perftest; a bad device, port, GID or --json path fails at
# once (well within --timeout) with one line, exit 3 (2 for --json). Then
# the bootstrap's protocol failure paths (verbs-bootstrap.sh), which need a
# device since the ends check theirs before the network.
# usage: server-start.sh IBPONG_VERBS OUT_DIR (verbs-lab-run.sh boots it)
# shellcheck disable=SC2086 # $q splits on purpose
set -u
VB=$1 OUT=$2
CM=$(dirname "$VB")/ibpong-cm
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/verbs-lib.sh"
q="--quiet --sizes 0:64 --iters 10"
GID_RE='GID [0-9a-f:.]+'

# alone NAME RC LINE PROG ARGS...: a server alone fails long before its
# 30 s --timeout (under 15 s: a TCG guest is slow to start a program) with
# RC and exactly one line, which contains LINE
alone() {
	local name=$1 want=$2 line=$3 t0 rc
	shift 3
	vcases=$((vcases + 1))
	t0=$(date +%s)
	timeout 60 "$@" --timeout 30 >"$OUT/$name.server" 2>&1
	rc=$?
	if [ $rc != "$want" ]; then
		vbad "$name: exit $rc, want $want: $(head -2 "$OUT/$name.server")"
	elif [ $(($(date +%s) - t0)) -ge 15 ]; then
		vbad "$name: took $(($(date +%s) - t0)) s: not checked before listening"
	elif [ "$(wc -l <"$OUT/$name.server")" != 1 ]; then
		vbad "$name: not one line: $(cat "$OUT/$name.server")"
	else
		vgrep "$name" server "$line"
		grep -q waiting "$OUT/$name.server" &&
			vbad "$name: said it was waiting"
		vlog "ok: $name"
	fi
}

# waits NAME PATTERN PROG ARGS...: a server says PATTERN once while it
# waits, before any client; then a client runs against it, both exit 0
waits() {
	local name=$1 pat=$2 prog=$3 spid n rc rs
	shift 3
	vport=$((vport + 1))
	vcases=$((vcases + 1))
	"$prog" -p $vport "$@" $q --timeout 60 >"$OUT/$name.server" 2>&1 &
	spid=$!
	for _ in $(seq 100); do
		grep -q waiting "$OUT/$name.server" && break
		sleep 0.1
	done
	n=$(grep -cE "^ibpong (verbs|cm): waiting for a client on port $vport \\($pat\\)$" \
		"$OUT/$name.server")
	[ "$n" = 1 ] || vbad "$name: $n waiting lines like '$pat': $(cat "$OUT/$name.server")"
	"$prog" -p $vport $q --timeout 60 "$HOST" >"$OUT/$name.client" 2>&1
	rc=$?
	wait $spid
	rs=$?
	if [ $rc != 0 ] || [ $rs != 0 ]; then
		vbad "$name: exit $rs/$rc, want 0/0"
	fi
	[ "$(grep -c '^ibpong [a-z]*: waiting for a client' "$OUT/$name.server")" = 1 ] ||
		vbad "$name: the waiting line is not said exactly once"
	grep -q waiting "$OUT/$name.client" && vbad "$name: the client said waiting"
	vlog "ok: $name"
}

waits verbs-waits "device rxe0, port 1, $GID_RE" "$VB"
waits verbs-waits-x "device rxe0, port 1, $GID_RE" "$VB" -d rxe0 -i 1
alone verbs-nodev 3 "no RDMA device named 'nosuchdev'" "$VB" $q -d nosuchdev
alone verbs-badport 3 "rxe0 has 1 port(s), not port 9" "$VB" $q -i 9
alone verbs-badgid 3 "GID index 200 of rxe0 port 1 is not valid" "$VB" $q -x 200
alone verbs-badjson 2 "--json /nonexistent/x.json" "$VB" $q --json /nonexistent/x.json
alone verbs-jsondir 2 "is a directory" "$VB" $q --json /tmp
alone verbs-badsamples 2 "--samples /nonexistent/s.csv: cannot create" "$VB" $q \
	--samples /nonexistent/s.csv
alone verbs-samplesdir 2 "--samples /tmp: is a directory" "$VB" $q --samples /tmp
# the TCP port taken: said at once, not after a wait
vport=$((vport + 1))
python3 -c "import socket,time
s=socket.socket(); s.bind(('', $vport)); s.listen(1); print('bound', flush=True)
time.sleep(30)" >"$OUT/holder" 2>&1 &
hpid=$!
for _ in $(seq 100); do grep -q bound "$OUT/holder" && break; sleep 0.1; done
alone verbs-port-busy 3 "cannot listen on any address port $vport" "$VB" -p $vport $q
kill $hpid 2>/dev/null
wait $hpid 2>/dev/null

if [ -x "$CM" ]; then
	waits cm-waits-bind "device rxe0, port 1, $GID_RE" "$CM" --bind "$HOST"
	waits cm-waits-any "every address: the client's route picks the device" "$CM"
	alone cm-badjson 2 "--json /nonexistent/x.json" "$CM" $q --json /nonexistent/x.json
	alone cm-badsamples 2 "--samples /nonexistent/s.csv: cannot create" "$CM" $q \
		--samples /nonexistent/s.csv
	alone cm-badbind 3 "" "$CM" $q --bind 198.51.100.7
fi

# the bootstrap's protocol failure paths, with a device here
vcases=$((vcases + 1))
if bash "$TOOLS/verbs-bootstrap.sh" "$VB" "$HOST" >"$OUT/bootstrap.log" 2>&1; then
	vlog "ok: verbs-bootstrap (protocol failures)"
else
	vbad "verbs-bootstrap: $(grep FAIL "$OUT/bootstrap.log" | head -5)"
fi
vdone
