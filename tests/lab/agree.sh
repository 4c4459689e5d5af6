#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Inside one lab guest: the one parameter agreement (bench/run.h) of
# every engine. Two `ibpong verbs` peers, then two `ibpong cm` peers,
# that differ in one engine field (or a core one) both exit 2, each
# naming the field and both values; the same options on both ends run.
# usage: agree.sh IBPONG_VERBS OUT_DIR IBPONG_CM
# shellcheck disable=SC2086 # option lists ($q) split on purpose
set -u
export VB=$1 OUT=$2
CM=$3
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/verbs-lib.sh"
q="--quiet --sizes 1:64 --iters 10 --timeout 60"

# mm NAME FIELD SERVER_VALUE CLIENT_VALUE "SERVER ARGS" "CLIENT ARGS":
# both exit 2, each end names FIELD with its own value and the peer's.
mm() {
	local name=$1 field=$2 sv=$3 cv=$4
	vpair2 "$name" 2 2 "$q $5" "$q $6" || return
	vgrep "$name" client "parameter mismatch: $field is $cv on rank 0 (this end) but $sv on rank 1"
	vgrep "$name" server "parameter mismatch: $field is $sv on rank 1 (this end) but $cv on rank 0"
}

mm verbs-mtu --mtu 512 1024 "--mtu 512" "--mtu 1024"
mm verbs-mtu-unset --mtu "the active MTU (none given)" 1024 "" "--mtu 1024"
mm verbs-inline --inline 0 64 "--inline 0" "--inline 64"
mm verbs-poll --poll event busy "--poll event" ""
mm verbs-tx-depth --tx-depth 64 128 "--tx-depth 64" ""
mm verbs-rx-depth --rx-depth 256 512 "--rx-depth 256" ""
mm verbs-test --test bw latency "--test bw" ""
vpair verbs-same 0 0 $q --mtu 1024 --inline 64

VB=$CM
q="$q --connect-iters 2"
mm cm-mtu --mtu 512 1024 "--mtu 512" "--mtu 1024"
mm cm-inline --inline 0 64 "--inline 0" "--inline 64"
mm cm-connect-iters --connect-iters 4 2 "--connect-iters 4" ""
mm cm-test --test bw latency "--test bw" ""
vpair cm-same 0 0 $q --mtu 1024 --inline 64

vdone
