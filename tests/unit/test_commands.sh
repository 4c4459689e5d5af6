#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The benchmark commands' one front end (bench/bench_main.h), without any
# RDMA device: --help and --version on every command, the one rule of
# numbers, options that do not apply, on a host without RDMA device both
# ends saying so at once, exit 3 (each checks its device before the
# network), and mismatched peers (exit 2 on both ends: the agreement comes
# before any device is opened; IBPONG_PREFLIGHT=0 skips the check).
# usage: test_commands.sh BUILD_ROOT
set -u
build=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "FAIL: $*" >&2
	fail=1
}

# expect STATUS NEEDLE COMMAND...: exit status, and NEEDLE in its output
expect() {
	want=$1 needle=$2
	shift 2
	"$@" >"$tmp/out" 2>&1
	got=$?
	[ "$got" = "$want" ] || bad "$* exited $got, expected $want: $(head -3 "$tmp/out")"
	grep -qF -- "$needle" "$tmp/out" || bad "$*: no '$needle' in: $(head -3 "$tmp/out")"
}

for exe in ibpong-verbs ibpong-cm; do
	[ -x "$build/$exe" ] || continue
	x=$build/$exe
	expect 0 "Usage: ibpong" "$x" --help
	expect 0 "Exit status:" "$x" -h
	expect 0 "$exe 0." "$x" --version
	expect 0 "$exe 0." "$x" -V
	# one rule for every number: a digit first, nothing after
	expect 2 "--tx-depth '+5'" "$x" --tx-depth +5
	expect 2 "--tx-depth ' 5'" "$x" --tx-depth " 5"
	expect 2 "--rx-depth '0'" "$x" --rx-depth 0
	expect 2 "--inline '5x'" "$x" --inline 5x
	expect 2 "--port '+80'" "$x" -p +80
	expect 2 "--iters '+5'" "$x" --iters +5
	expect 2 "--timeout ' 1'" "$x" --timeout " 1"
	expect 2 "--sizes '+8'" "$x" --sizes +8
	expect 2 "--window applies to --test bw and bibw only" "$x" --window 8
	expect 2 "unknown" "$x" --bogus
	expect 2 "one HOST at most" "$x" host1 host2
done
if [ -x "$build/ibpong-verbs" ]; then
	expect 2 "unknown or ambiguous option '--connect-iters'" \
		"$build/ibpong-verbs" --connect-iters 3
	if [ -z "$(ls /sys/class/infiniband 2>/dev/null)" ]; then
		# no device: both ends say so before the network, exit 3
		for h in "" 127.0.0.1; do
			expect 3 "no RDMA device found" timeout 10 \
				"$build/ibpong-verbs" --timeout 30 $h
		done
		# testing only: no device check, the agreement below
		export IBPONG_PREFLIGHT=0
	fi
	# mismatched peers: both ends name the field, both exit 2
	port=$((23000 + $$ % 5000))
	q="--quiet --sizes 0:64 --timeout 20 -p $port"
	"$build/ibpong-verbs" $q --iters 10 >"$tmp/server" 2>&1 &
	spid=$!
	"$build/ibpong-verbs" $q --iters 20 127.0.0.1 >"$tmp/client" 2>&1
	crc=$?
	wait $spid
	src=$?
	[ $crc = 2 ] || bad "mismatch: client exit $crc, want 2: $(cat "$tmp/client")"
	[ $src = 2 ] || bad "mismatch: server exit $src, want 2: $(cat "$tmp/server")"
	grep -qF "parameter mismatch: --iters is 20 on rank 0 (this end) but 10 on rank 1" \
		"$tmp/client" || bad "mismatch: client says: $(cat "$tmp/client")"
	grep -qF "parameter mismatch: --iters is 10 on rank 1 (this end) but 20 on rank 0" \
		"$tmp/server" || bad "mismatch: server says: $(cat "$tmp/server")"
fi
if [ -x "$build/ibpong-cm" ]; then
	expect 2 "-d/--device: rdma_cm picks the device" "$build/ibpong-cm" -d mlx5_0
	expect 2 "-x/--gid-index: rdma_cm picks" "$build/ibpong-cm" --gid-index 1
	expect 2 "--qp uc: rdma_cm has no UC port space" "$build/ibpong-cm" --qp uc
	expect 2 "--connect-iters '+3'" "$build/ibpong-cm" --connect-iters +3
fi
if [ -x "$build/ibpong-report" ]; then
	expect 0 "ibpong report 0." "$build/ibpong-report" --version
	expect 0 "ibpong report" "$build/ibpong-report" --help
fi
[ $fail = 0 ] && echo "ok: commands"
exit $fail
