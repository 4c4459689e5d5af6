# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# Helpers of the verbs lab scripts (sourced, run inside one lab guest).
# Each case starts the server in the background and the client against
# 192.0.2.1, checks both exit codes and, when asked, the client's JSON.

VB=${VB:?set VB to the ibpong-verbs binary}
OUT=${OUT:?set OUT to a writable directory}
HOST=${IBPONG_LAB_IP:-192.0.2.1}
TOOLS=$(dirname "${BASH_SOURCE[0]}")
vport=18600
vfail=0
vcases=0

ulimit -l unlimited 2>/dev/null || true

# Two spinning ends on one vCPU advance once per scheduler tick: give each
# its own CPU when there are two.
PIN0='' PIN1=''
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	PIN0="taskset -c 0" PIN1="taskset -c 1"
fi

vlog() { printf '%s\n' "$*"; }

vbad() {
	vlog "FAIL: $*"
	vfail=$((vfail + 1))
}

# vpair NAME RC_SERVER RC_CLIENT ARGS...: both ends with the same ARGS.
vpair() {
	local name=$1 want_s=$2 want_c=$3
	shift 3
	vpair2 "$name" "$want_s" "$want_c" "$*" "$*"
}

# vpair2 NAME RC_SERVER RC_CLIENT "SERVER ARGS" "CLIENT ARGS"
vpair2() {
	local name=$1 want_s=$2 want_c=$3 sargs=$4 cargs=$5 spid rs rc
	vport=$((vport + 1))
	vcases=$((vcases + 1))
	# shellcheck disable=SC2086
	$PIN0 "$VB" -p "$vport" $sargs >"$OUT/$name.server" 2>&1 &
	spid=$!
	# shellcheck disable=SC2086
	$PIN1 "$VB" -p "$vport" $cargs "$HOST" >"$OUT/$name.client" 2>&1
	rc=$?
	wait "$spid"
	rs=$?
	if [ "$rs" != "$want_s" ] || [ "$rc" != "$want_c" ]; then
		vbad "$name: server exit $rs (want $want_s), client exit $rc" \
			"(want $want_c)"
		sed 's/^/  server: /' "$OUT/$name.server" | tail -5
		sed 's/^/  client: /' "$OUT/$name.client" | tail -5
		return 1
	fi
	vlog "ok: $name"
	return 0
}

# vgrep NAME END TEXT: END's output (server or client) contains TEXT.
vgrep() {
	if ! grep -qF -- "$3" "$OUT/$1.$2"; then
		vbad "$1: the $2 did not say '$3'"
		sed "s/^/  $2: /" "$OUT/$1.$2" | tail -5
	fi
}

# vjson NAME KIND LATENCY SIZES
vjson() {
	local msg
	if ! msg=$(python3 "$TOOLS/verbs_check_json.py" "$OUT/$1.json" \
		"$2" "$3" "$4" 2>&1); then
		vbad "$1: $msg"
	fi
}

vdone() {
	vlog "$vcases cases, $vfail failed"
	[ "$vfail" = 0 ]
}
