#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# On a host without any RDMA device, both ends of `ibpong verbs` say so in
# one line and exit 3. verbs-nodevice.sh IBPONG_VERBS
set -u
vb=$1
if [ -n "$(ls /sys/class/infiniband 2>/dev/null)" ]; then
	echo "skip: this host has RDMA devices"
	exit 77
fi
port=$((20000 + $$ % 10000))
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$vb" -p $port --timeout 10 --sizes 0:64 >"$out/server" 2>&1 &
spid=$!
"$vb" -p $port --timeout 10 --sizes 0:64 127.0.0.1 >"$out/client" 2>&1
rc=$?
wait $spid
rs=$?
cat "$out/server" "$out/client"
fail=0
for end in server client; do
	if ! grep -q "no RDMA device found: load a driver (e.g. rdma_rxe) or check ibv_devices" "$out/$end"; then
		echo "FAIL: the $end did not name the missing device"
		fail=1
	fi
done
[ $rc = 3 ] && [ $rs = 3 ] || { echo "FAIL: exit codes $rs/$rc, want 3/3"; fail=1; }
# a bad --post-api is refused before the device is looked for, exit 2
msg=$("$vb" --post-api legacy 2>&1)
rc=$?
[ $rc = 2 ] || { echo "FAIL: --post-api legacy exited $rc, want 2"; fail=1; }
grep -q -- "--post-api.*legacy.*wr or post-send" <<<"$msg" ||
	{ echo "FAIL: --post-api legacy said: $msg"; fail=1; }
# an output that cannot be written is refused first, in one line, exit 2
. "$(dirname "$0")/refused-outputs.sh"
refused_outputs "$vb" --timeout 10 <<'CASES'
--samples|/nonexistent/s.csv|cannot create a file
--samples|/tmp|is a directory
--json|/nonexistent/r.json|cannot create
CASES
exit $fail
