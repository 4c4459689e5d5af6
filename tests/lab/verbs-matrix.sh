#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Inside one lab guest: every op, QP type and test over 0..4 KiB (UD: up
# to the path MTU), busy and event polling, --validate; the JSON of each.
# usage: verbs-matrix.sh IBPONG_VERBS OUT_DIR
set -u
export VB=$1 OUT=$2
. "$(dirname "$0")/verbs-lib.sh"

SZ=0,1,64,4K
SZL=0,1,64,4096
UDSZ=0,1,1K
UDSZL=0,1,1024
base="--iters 10 --warmup 2 --timeout 60 --quiet"

lat_kind() { [ "$1" = read ] && echo round-trip || echo one-way; }

for qp in rc uc ud; do
	for op in send write read write-imm; do
		[ "$qp" = uc ] && [ "$op" = read ] && continue
		[ "$qp" = ud ] && [ "$op" != send ] && continue
		sz=$SZ szl=$SZL
		[ "$qp" = ud ] && sz=$UDSZ szl=$UDSZL
		for t in latency bw bibw; do
			n=$qp-$op-$t
			extra=
			[ "$t" != latency ] && extra="--window 16 --iters 3"
			vpair2 "$n" 0 0 "$base $extra --qp $qp --op $op --test $t --sizes $sz" \
				"$base $extra --qp $qp --op $op --test $t --sizes $sz --json $OUT/$n.json" ||
				continue
			if [ "$t" = latency ]; then
				vjson "$n" latency "$(lat_kind $op)" "$szl"
			else
				vjson "$n" "$t" one-message "$szl"
			fi
		done
	done
done

# --validate moves patterns and checks every received byte
for c in "rc send latency" "rc write latency" "rc read latency" \
	"rc write-imm bw" "rc write bw" "rc read bibw" "uc write bibw" \
	"ud send bw" "rc send bibw"; do
	set -- $c
	sz=$SZ
	[ "$1" = ud ] && sz=$UDSZ
	w=
	[ "$3" != latency ] && w="--window 8"
	vpair "validate-$1-$2-$3" 0 0 $base $w --validate --qp "$1" \
		--op "$2" --test "$3" --sizes "$sz"
done

# --poll event sleeps on the completion channel
for c in "send latency" "write latency" "read latency" "write bw" \
	"send bibw"; do
	set -- $c
	n=event-$1-$2
	w=
	[ "$2" != latency ] && w="--window 8"
	vpair2 "$n" 0 0 "$base $w --poll event --op $1 --test $2 --sizes $SZ" \
		"$base $w --poll event --op $1 --test $2 --sizes $SZ --json $OUT/$n.json" &&
		vjson "$n" "$([ "$2" = latency ] && echo latency || echo "$2")" \
			"$([ "$2" = latency ] && lat_kind "$1" || echo one-message)" "$SZL"
done

# --post-api post-send: ibv_post_send instead of ibv_wr_*, checked bytes
for c in "rc send latency" "rc write latency" "rc read bibw" \
	"rc write-imm bw" "ud send bw"; do
	set -- $c
	sz=$SZ szl=$SZL
	[ "$1" = ud ] && sz=$UDSZ szl=$UDSZL
	n=post-send-$1-$2-$3
	w=
	[ "$3" != latency ] && w="--window 8"
	o="$base $w --validate --post-api post-send --qp $1 --op $2 --test $3 --sizes $sz"
	vpair2 "$n" 0 0 "$o" "$o --json $OUT/$n.json" &&
		vjson "$n" "$3" "$([ "$3" = latency ] && lat_kind "$2" || echo one-message)" "$szl"
done

# small queues and no inline still work; both ends print the table
vpair2 tx1-noinline 0 0 "$base --tx-depth 1 --inline 0 --test bw --window 4 --sizes 64" \
	"$base --tx-depth 1 --inline 0 --test bw --window 4 --sizes 64"
vgrep tx1-noinline server 64
vgrep tx1-noinline client 64
# a larger message than the 4 KiB above, and the MTU option
vpair mtu-1M 0 0 --iters 5 --timeout 60 --quiet --mtu 512 --op write --sizes 1M
vpair write-bw-256K 0 0 --iters 3 --timeout 60 --quiet --op write --test bw --sizes 256K

vdone
