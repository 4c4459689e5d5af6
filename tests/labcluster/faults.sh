#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Each real fault changes the pairs it affects, and only them: a sweep of
# 5 lab hosts without the fault, with it, and after `fault clear` (twice
# each), compared by check_faults.py. Argument: delay, loss or rate.
kind=${1:?delay, loss or rate}
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh" "ibplf$kind"

case $kind in
delay)
	args=(--sizes 0 --iters 200)
	faults=("delay 2ms --host node1" "delay 1ms --link node2:node3 --oneway")
	;;
loss)
	args=(--sizes 0 --iters 300)
	faults=("loss 3% --link node2:node3")
	;;
rate)
	args=(--test bibw --sizes 64K --iters 4 --window 8)
	faults=("rate 40mbit --host node1" "rate 40mbit --link node2:node3")
	;;
*) echo "usage: faults.sh delay|loss|rate"; exit 2 ;;
esac

t0=$(now)
"$LC" up --hosts 5
echo "up (5 hosts): $(took "$t0")"
# Load from the rest of the machine only ever adds time: each phase runs
# twice and the checker keeps, per pair, the better of the two.
phase() { # NAME: sweep twice
	local t0 r
	t0=$(now)
	for r in 1 2; do
		sweep "$tmp/$1-$r.json" 5 "${args[@]}"
	done
	echo "$1: 2 sweeps of 10 pairs, $(took "$t0")"
}
phase base
for f in "${faults[@]}"; do
	# shellcheck disable=SC2086 # a fault's words
	"$LC" fault add $f >/dev/null
done
"$LC" fault list
phase fault
"$LC" fault clear all
phase clear
python3 "$(dirname "$0")/check_faults.py" "$kind" "$tmp"/base-{1,2}.json \
	"$tmp"/fault-{1,2}.json "$tmp"/clear-{1,2}.json
