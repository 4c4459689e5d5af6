#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The TCP bootstrap of `ibpong verbs` against misbehaving peers: another
# protocol version (either end), a truncated or oversized message, a
# silent peer, no peer. Each end checks its device before the network: on
# a host without RDMA devices (CI's) this first checks that refusal (each
# end says so at once, exit 3, and never touches the network), then runs
# the protocol cases with IBPONG_PREFLIGHT=0 (testing only: no device
# check); in the lab, server-start.sh runs them with the device.
# usage: verbs-bootstrap.sh IBPONG_VERBS [HOST]
set -u
vb=$1 host=${2:-127.0.0.1}
tools=$(dirname "$0")
py=$(command -v /usr/bin/python3 python3 | head -1)
out=$(mktemp -d /tmp/ibpong-verbs-bootstrap.XXXXXX)
port=$((21000 + $$ % 8000))
fail=0
q="--quiet --sizes 0:64 --iters 10"

bad() {
	echo "FAIL: $*"
	fail=1
}

# expect NAME FILE TEXT
expect() {
	grep -qF -- "$3" "$2" || {
		bad "$1: expected '$3' in:"
		sed 's/^/  /' "$2"
	}
}

if [ -z "$(ls /sys/class/infiniband 2>/dev/null)" ]; then
	port=$((port + 1))
	"$py" -c "import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('', $port)); s.listen(1); print('listening', flush=True)
s.settimeout(6)
try:
    s.accept(); print('connected')
except socket.timeout:
    print('nobody')" >"$out/listener" 2>&1 &
	lpid=$!
	for _ in $(seq 300); do
		grep -q listening "$out/listener" 2>/dev/null && break
		sleep 0.1
	done
	for end in client server; do
		h=$host
		[ $end = server ] && h=
		start=$(date +%s)
		"$vb" -p $port $q --timeout 20 $h >"$out/$end" 2>&1
		rc=$?
		[ $rc = 3 ] || bad "no device, $end: exit $rc, want 3"
		[ $(($(date +%s) - start)) -le 3 ] ||
			bad "no device, $end: took $(($(date +%s) - start)) s"
		expect "$end" "$out/$end" "no RDMA device found"
		[ "$(wc -l <"$out/$end")" = 1 ] || bad "$end: not one line"
	done
	wait $lpid
	expect listener "$out/listener" "nobody"
	[ $fail = 0 ] && echo "ok: no device: both ends refuse before the network"
	# the protocol cases, without the device check (testing only)
	export IBPONG_PREFLIGHT=0
fi

# fake_server NAME MODE TEXT: ibpong-verbs is the client
fake_server() {
	local fpid rc
	port=$((port + 1))
	"$py" "$tools/verbs_fake_peer.py" "$2" $port >"$out/$1.fake" 2>&1 &
	fpid=$!
	for _ in $(seq 300); do # python may start slowly (TCG guests)
		grep -q listening "$out/$1.fake" 2>/dev/null && break
		sleep 0.1
	done
	"$vb" -p $port $q --timeout 5 "$host" >"$out/$1" 2>&1
	rc=$?
	wait $fpid
	[ $rc = 3 ] || bad "$1: client exit $rc, want 3"
	expect "$1" "$out/$1" "$3"
	[ "$(wc -l <"$out/$1")" -le 2 ] || bad "$1: more than two lines"
}

fake_server version-server server-version \
	"peer speaks protocol version 99, this ibpong speaks 1: run the same ibpong version on both ends"
fake_server truncated truncated "closed the connection"
fake_server oversized oversized "more than the 1048576-byte limit"
fake_server silent silent "timed out after 5000 ms"

# the fake is the client: the ibpong server names the version too
port=$((port + 1))
"$vb" -p $port $q --timeout 60 >"$out/version-client" 2>&1 &
spid=$!
"$py" "$tools/verbs_fake_peer.py" client-version $port "$host" \
	>"$out/version-client.fake" 2>&1
wait $spid
rc=$?
[ $rc = 3 ] || bad "version-client: server exit $rc, want 3"
expect version-client "$out/version-client" "peer speaks protocol version 99"

# nobody there: the client gives up after --timeout, the server too
port=$((port + 1))
start=$(date +%s)
"$vb" -p $port $q --timeout 2 "$host" >"$out/noserver" 2>&1
rc=$?
[ $rc = 3 ] || bad "noserver: exit $rc, want 3"
[ $(($(date +%s) - start)) -le 10 ] || bad "noserver: took too long"
expect noserver "$out/noserver" "cannot connect to $host port $port"
"$vb" -p $port $q --timeout 2 >"$out/noclient" 2>&1
rc=$?
[ $rc = 3 ] || bad "noclient: exit $rc, want 3"
expect noclient "$out/noclient" "no client connected to port $port"

[ $fail = 0 ] && rm -rf "$out" && echo "ok: bootstrap failure paths"
exit $fail
