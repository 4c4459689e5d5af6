#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Inside one lab guest: every failure ends with one clear line and exit 3
# (or 2 for usage), within the timeout, on both ends.
# usage: verbs-failures.sh IBPONG_VERBS OUT_DIR
set -u
export VB=$1 OUT=$2
. "$(dirname "$0")/verbs-lib.sh"
PY=$(command -v /usr/bin/python3 python3 | head -1)
FAKE="$PY $TOOLS/verbs_fake_peer.py"
q="--quiet --sizes 0:64 --iters 10"

# unknown device, bad GID index: before any traffic, on both ends
vpair nosuchdev 3 3 $q --timeout 30 -d nosuchdev
vgrep nosuchdev client "no RDMA device named 'nosuchdev'"
vgrep nosuchdev server "no RDMA device named 'nosuchdev'"
vpair badgid 3 3 $q --timeout 30 -x 200
vgrep badgid client "GID index 200 of rxe0 port 1 is not valid"

# mismatched options: refused on both ends by the run driver's one
# agreement, naming the option and both values, exit 2 (bad input, README)
vpair2 mismatch-op 2 2 "$q --timeout 30 --op read" "$q --timeout 30 --op write"
vgrep mismatch-op client "--op is write on rank 0 (this end) but read on rank 1"
vgrep mismatch-op server "--op is read on rank 1 (this end) but write on rank 0"
vpair2 mismatch-qp 2 2 "$q --timeout 30 --qp uc" "$q --timeout 30 --qp rc"
vgrep mismatch-qp client "--qp is rc on rank 0 (this end) but uc on rank 1"
vpair2 mismatch-iters 2 2 "$q --timeout 30 --iters 11" "$q --timeout 30"
vgrep mismatch-iters client "--iters"

# impossible combinations are usage errors, found before any connection
vcases=$((vcases + 1))
"$VB" --qp uc --op read >"$OUT/uc-read.client" 2>&1
[ $? = 2 ] && vlog "ok: uc-read" || vbad "uc-read: exit not 2"
vgrep uc-read client "--qp uc cannot --op read"
vcases=$((vcases + 1))
"$VB" --qp ud --op write >"$OUT/ud-write.client" 2>&1
[ $? = 2 ] && vlog "ok: ud-write" || vbad "ud-write: exit not 2"
# UD messages beyond the path MTU
vpair ud-too-big 3 3 $q --timeout 30 --qp ud --sizes 64K
vgrep ud-too-big client "--qp ud carries at most the path MTU"

# --validate catches a corrupted payload (IBPONG_VERBS_CORRUPT: the data
# source flips the first byte it sends); the receiver names the byte
export IBPONG_VERBS_CORRUPT=1
vpair corrupt 3 3 $q --timeout 30 --validate --sizes 64
vgrep corrupt server "payload check failed at 64 bytes: byte 0"
vpair corrupt-read 3 3 $q --timeout 30 --validate --op read --sizes 64
vgrep corrupt-read client "payload check failed at 64 bytes: byte 0"
unset IBPONG_VERBS_CORRUPT

# the server dies mid-run: the client leaves with exit 3 within the timeout
vport=$((vport + 1))
vcases=$((vcases + 1))
"$VB" -p $vport --quiet --sizes 64 --iters 100000000 --timeout 5 \
	>"$OUT/killed.server" 2>&1 &
spid=$!
start=$(date +%s)
"$VB" -p $vport --quiet --sizes 64 --iters 100000000 --timeout 5 $HOST \
	>"$OUT/killed.client" 2>&1 &
cpid=$!
sleep 3
kill -9 $spid
wait $cpid
rc=$?
took=$(($(date +%s) - start))
if [ $rc = 3 ] && [ $took -le 20 ]; then
	vlog "ok: killed (client exit 3 after ${took} s)"
else
	vbad "killed: client exit $rc after ${took} s (want 3 within 20 s)"
fi
grep -qE "nothing from the peer|completion error|closed the connection|lost the connection" \
	"$OUT/killed.client" || vbad "killed: no clear message"
sed 's/^/  client: /' "$OUT/killed.client"

# fake peers: another protocol version, a truncated or oversized message
fake_client() { # NAME MODE: ibpong-verbs is the client
	local name=$1 mode=$2 fpid rc
	vport=$((vport + 1))
	vcases=$((vcases + 1))
	$FAKE "$mode" $vport >"$OUT/$name.server" 2>&1 &
	fpid=$!
	# python starts slowly under TCG: wait until it listens
	for _ in $(seq 300); do
		grep -q listening "$OUT/$name.server" 2>/dev/null && break
		sleep 0.1
	done
	"$VB" -p $vport $q --timeout 5 $HOST >"$OUT/$name.client" 2>&1
	rc=$?
	wait $fpid
	[ $rc = 3 ] && vlog "ok: $name" || vbad "$name: client exit $rc (want 3)"
}
fake_client version-server server-version
vgrep version-server client "peer speaks protocol version 99, this ibpong speaks 1"
fake_client truncated truncated
vgrep truncated client "closed the connection"
fake_client oversized oversized
vgrep oversized client "more than the 1048576-byte limit"
fake_client silent silent
vgrep silent client "timed out after 5000 ms"

vport=$((vport + 1))
vcases=$((vcases + 1))
"$VB" -p $vport $q --timeout 60 >"$OUT/version-client.server" 2>&1 &
spid=$!
$FAKE client-version $vport $HOST >"$OUT/version-client.client" 2>&1
wait $spid
rc=$?
[ $rc = 3 ] && vlog "ok: version-client" || vbad "version-client: server exit $rc"
vgrep version-client server "peer speaks protocol version 99, this ibpong speaks 1"

# no client at all: the server gives up after --timeout
vport=$((vport + 1))
vcases=$((vcases + 1))
"$VB" -p $vport $q --timeout 2 >"$OUT/noclient.server" 2>&1
[ $? = 3 ] && vlog "ok: noclient" || vbad "noclient: exit not 3"
vgrep noclient server "no client connected"

# memlock too low to register the buffers (an unprivileged user)
if command -v setpriv >/dev/null; then
	vport=$((vport + 1))
	vcases=$((vcases + 1))
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		bash -c "ulimit -l 64; exec $VB -p $vport --quiet --sizes 4M --iters 2 --timeout 30" \
		>"$OUT/memlock.server" 2>&1 &
	spid=$!
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		bash -c "ulimit -l 64; exec $VB -p $vport --quiet --sizes 4M --iters 2 --timeout 30 $HOST" \
		>"$OUT/memlock.client" 2>&1
	rc=$?
	wait $spid
	if grep -q "Permission denied" "$OUT/memlock.client"; then
		vlog "skip: memlock (uverbs not open to unprivileged users here)"
	else
		[ $rc = 3 ] && vlog "ok: memlock" || vbad "memlock: exit $rc"
		vgrep memlock client "memlock limit is 64 KiB; raise it with ulimit -l unlimited"
	fi
fi

vdone
