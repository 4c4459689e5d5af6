#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Inside one lab guest: ibpong verbs --check over real verbs on rxe0. A
# ceiling no run can meet is FAIL (exit 1 on both ends), one every run
# meets is PASS (exit 0), and a ceiling at the latency itself is
# INCONCLUSIVE at first, measured again, each retest in the JSON.
# usage: verbs-check.sh IBPONG_VERBS OUT_DIR
set -u
export VB=$1 OUT=$2
. "$(dirname "$0")/verbs-lib.sh"
PY=$(command -v /usr/bin/python3 python3 | head -1)
# --iters 10: halves of 5 samples, too few for the stability test, so
# that a stall under TCG cannot turn PASS into INCONCLUSIVE
q="--iters 10 --warmup 2 --timeout 30 --sizes 0:64"

# 1 ns at every size: the interval is wholly above, FAIL, no retest
vpair2 check-fail 1 1 "$q --check 0-64:0.001" \
	"$q --check 0-64:0.001 --json $OUT/check-fail.json" &&
	vgrep check-fail client "--check verdict: FAIL (0 pass, 8 fail"
# 10 s: wholly below, PASS (TCG under load has seen 0.4 s iterations)
vpair2 check-pass 0 0 "$q --check 0-64:10000000" \
	"$q --check 0-64:10000000 --json $OUT/check-pass.json" &&
	vgrep check-pass client "--check verdict: PASS (8 pass, 0 fail"
for n in check-fail check-pass; do
	[ -s "$OUT/$n.json" ] || continue
	msg=$($PY - "$OUT/$n.json" <<'PYEOF' 2>&1
import json, sys
doc = json.load(open(sys.argv[1]))
chk = doc["run"]["check"]
assert chk["retests"] == [], "retests %r" % chk["retests"]
assert chk["retest_budget"] == 64, chk
assert all(r.get("retests", 0) == 0 for r in doc["results"])
PYEOF
	) || vbad "$n: $msg"
done

# The ceiling at the median of a first run (8 B): the next run's
# interval straddles it, so the size is INCONCLUSIVE and measured again
# (up to 4 retests, 3x the samples each). The guest may change speed
# between runs (CI saw three calibrations in a row each faster than the
# run after it): a run decided at once gives its own median as the next
# ceiling, up to 6 tries.
retested=0 lim=
median() {
	$PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["latency_us"]["median"])' "$1"
}
for try in 1 2 3 4 5 6; do
	if [ -z "$lim" ]; then
		c="--iters 10 --warmup 2 --timeout 30 --sizes 8 --quiet"
		vpair2 "cal-$try" 0 0 "$c" "$c --json $OUT/cal-$try.json" ||
			break
		lim=$(median "$OUT/cal-$try.json") ||
			{ vbad "cal-$try: no median"; break; }
	fi
	n=retest-$try
	vport=$((vport + 1))
	vcases=$((vcases + 1))
	a="--iters 10 --warmup 2 --timeout 60 --sizes 8 --check 8:$lim"
	# shellcheck disable=SC2086
	$PIN0 "$VB" -p "$vport" $a >"$OUT/$n.server" 2>&1 &
	spid=$!
	# shellcheck disable=SC2086
	$PIN1 "$VB" -p "$vport" $a --json "$OUT/$n.json" "$HOST" \
		>"$OUT/$n.client" 2>&1
	rc=$?
	wait "$spid"
	rs=$?
	case $rc in 0) v=PASS ;; 1) v=FAIL ;; 4) v=INCONCLUSIVE ;; *) v=none ;; esac
	if [ "$rc" != "$rs" ] || [ "$v" = none ] ||
		! grep -q -- "--check verdict: $v" "$OUT/$n.client"; then
		vbad "$n: client exit $rc, server exit $rs, verdict not $v"
		tail -5 "$OUT/$n.client"
		break
	fi
	msg=$($PY - "$OUT/$n.json" <<'PYEOF' 2>&1
import json, sys
doc = json.load(open(sys.argv[1]))
row = doc["results"][0]
rt = doc["run"]["check"]["retests"]
if not rt:
    print("no retest (verdict decided at once)")
    sys.exit(3)
assert 1 <= len(rt) <= 4, rt
assert row["retests"] == len(rt), (row["retests"], rt)
assert all(r["size_bytes"] == 8 and r["verdict_before"] == "INCONCLUSIVE"
           and r["iterations_added"] > 0 for r in rt), rt
# every retest's samples are in the row
assert row["iterations"] == 10 + sum(r["iterations_added"] for r in rt), row
print("%d retest(s), %d iterations" % (len(rt), row["iterations"]))
PYEOF
	)
	st=$?
	vlog "$n: limit $lim us, exit $rc: $msg"
	if [ "$st" = 0 ]; then
		retested=1
		break
	fi
	[ "$st" = 3 ] || { vbad "$n: $msg"; break; }
	lim=$(median "$OUT/$n.json") || { vbad "$n: no median"; break; }
done
[ "$retested" = 1 ] || vbad "no --check run was retested in 3 tries"
vdone
