#!/bin/bash
# check --calibrate: the limits come from the known-good runs' 95 %
# intervals plus the margin (not their values), so that the very runs it
# was calibrated on PASS (a limit under an interval's end judges the run
# INCONCLUSIVE); runs without intervals use their values.
. "$(dirname "$0")/common.sh"
O=$WORK/out

# Two known-good runs whose median intervals reach 0.30 us (run 1) and
# 0.10 us (run 2) above the median.
python3 - "$DATA/lat-base.json" "$WORK" <<'PY'
import json, sys
src, work = sys.argv[1], sys.argv[2]
for n, up in ((1, 0.30), (2, 0.10)):
    d = json.load(open(src))
    for r in d['results']:
        m = r['latency_us']['median'] * (1 + 0.01 * n)
        r['latency_us']['median'] = m
        r['ci95_us'] = {'median': [m - 0.01, m + up]}
    json.dump(d, open('%s/good%d.json' % (work, n), 'w'))
PY
G1=$WORK/good1.json
G2=$WORK/good2.json
expect_rc 0 $O $EXE check --calibrate "$WORK/cal.json" --margin 5 \
	--stat median "$G1" "$G2"
expect_grep 'profile from 2 run\(s\), margin 5 %' $O
python3 - "$WORK/cal.json" "$G1" "$G2" >"$WORK/why" 2>&1 <<'PY' ||
import json, math, sys
prof = json.load(open(sys.argv[1]))
runs = [json.load(open(p)) for p in sys.argv[2:]]
assert 'intervals' in prof['description'], prof['description']
rules = {r['sizes']: r['max_latency_us'] for r in prof['rules']}
for r0 in runs[0]['results']:
    size = str(r0['size_bytes'])
    his = [[x for x in run['results'] if x['size_bytes'] == r0['size_bytes']][0]
           ['ci95_us']['median'][1] for run in runs]
    want = math.ceil(max(his) * 1.05 * 100) / 100
    assert abs(rules[size] - want) < 1e-9, (size, rules[size], want)
PY
	fail "calibrated limits are not the intervals' ends + 5 %: $(cat "$WORK/why")"
# The runs it was calibrated on pass it (not INCONCLUSIVE).
expect_rc 0 $O $EXE check --profile "$WORK/cal.json" "$G1" "$G2"
expect_no_grep 'INCONCLUSIVE' $O "a known-good run is inconclusive"
# A run 20 % slower fails it.
python3 - "$G1" "$WORK/slow.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d['results']:
    m = r['latency_us']['median'] * 1.2 + 0.5
    r['latency_us']['median'] = m
    r['ci95_us'] = {'median': [m - 0.01, m + 0.01]}
json.dump(d, open(sys.argv[2], 'w'))
PY
expect_rc 1 $O $EXE check --profile "$WORK/cal.json" "$WORK/slow.json"
# Without intervals (lat-base.json has none): the values.
expect_rc 0 $O $EXE check --calibrate "$WORK/cal2.json" --margin 10 \
	--stat median "$DATA/lat-base.json"
python3 - "$WORK/cal2.json" "$DATA/lat-base.json" <<'PY' ||
import json, math, sys
prof = json.load(open(sys.argv[1]))
run = json.load(open(sys.argv[2]))
rules = {r['sizes']: r['max_latency_us'] for r in prof['rules']}
for r in run['results']:
    want = math.ceil(r['latency_us']['median'] * 1.1 * 100) / 100
    assert abs(rules[str(r['size_bytes'])] - want) < 1e-9
PY
	fail "without intervals the limits are not the values + 10 %"
finish
