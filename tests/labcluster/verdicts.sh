#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Sweep verdicts on real faults (issue 14): 8 lab hosts, every pair one
# at a time, at the default thresholds, then verdicts_check.py. KIND:
#   none  no fault, 5 runs: nothing CONFIRMED in any
#   node  node3 delayed 200 us, 3 runs: node3 CONFIRMED SLOW_NODE, alone
#   link  node2<->node5 delayed 200 us: that link SLOW_LINK, no host
#   loss  node4 loses 1 %: node4 CONFIRMED UNSTABLE, alone
#   rate  node1<->node6 capped at 40 Mbit/s (bw test): LOW_BANDWIDTH there
kind=${1:?none, node, link, loss or rate}
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh" "ibplv$kind"

runs=1
args=(--sizes 0 --iters 200)
fault=
case $kind in
none) runs=5 ;;
node) runs=3; fault="delay 200us --host node3" ;;
link) fault="delay 200us --link node2:node5" ;;
loss) args=(--sizes 0 --iters 300); fault="loss 1% --host node4" ;;
rate)
	args=(--test bw --sizes 64K --iters 4 --window 8)
	fault="rate 40mbit --link node1:node6"
	;;
*) echo "usage: verdicts.sh none|node|link|loss|rate"; exit 2 ;;
esac

"$LC" up --hosts 8 >/dev/null
if [ -n "$fault" ]; then
	# shellcheck disable=SC2086 # a fault's words
	"$LC" fault add $fault >/dev/null
fi
files=()
for r in $(seq 1 "$runs"); do
	t0=$(now)
	out=$tmp/$kind-$r.json rc=0
	# exit 0 (nothing), 1 (confirmed) and 4 (unsure) are verdicts
	timeout 240 "$LC" run -q -- mpirun -np 8 "$BUILD/ibpong-mpi" \
		--pairs all --concurrency 1 --quiet --json "$out" "${args[@]}" \
		>"$out.log" 2>&1 || rc=$?
	echo "$kind run $r: exit $rc, $(took "$t0")"
	grep -E '\| (ERROR|WARNING):|^# verdicts' "$out.log" || true
	case $rc in
	0 | 1 | 4) files+=("$out:$rc") ;;
	*) cat "$out.log"; echo "FAIL: the sweep exited $rc"; exit 1 ;;
	esac
done
python3 "$(dirname "$0")/verdicts_check.py" "$kind" "${files[@]}"
