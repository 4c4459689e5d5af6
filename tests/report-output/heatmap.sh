#!/bin/bash
# The heatmap of a sweep (report/gnuplot/heatmap.gp): PNG and SVG, one
# cell per pair both ways, labelled by host, suspects marked, the colour
# scale anchored to the cluster median and the target (a healthy cluster
# stays pale, a slow node is dark red); the suspects in the HTML report.
. "$(dirname "$0")/common.sh"
O=$WORK/out

for fmt in png svg; do
	D=$WORK/$fmt
	expect_rc 0 $O $EXE plot --out "$D" --format $fmt "$DATA/sweep-8.json"
	f=$(ls "$D"/plot*-heatmap.$fmt 2>/dev/null | head -1)
	[ -n "$f" ] && [ -s "$f" ] || fail "no $fmt heatmap in $D"
	expect_grep "heatmap\.$fmt\$" $O "heatmap not listed"
	# 28 pairs at 0 B, drawn at (a, b) and (b, a)
	[ "$(wc -l <"${f%.*}.dat")" -eq 56 ] || fail "expected 56 cells"
	# the suspect link 1-2, circled both ways
	[ "$(wc -l <"${f%.*}-marks.dat")" -eq 2 ] || fail "expected 2 marks"
done
f=$(ls "$WORK"/png/plot*-heatmap.png | head -1)
[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	fail "$f is not a PNG"
f=$(ls "$WORK"/svg/plot*-heatmap.svg | head -1)
grep -q '</svg>' "$f" || fail "SVG not closed"
expect_grep 'pair latency at 0 B \(8 endpoints\)' "$f" "title"
# Hosts on the axes, not ranks; the suspect node marked.
expect_grep '>node3<' "$f" "host names on the axes"
expect_grep '>node5 \(!\)<' "$f" "suspect node not marked"
expect_grep 'outlined: suspect node; circled: suspect link' "$f"
expect_grep '>median 1.58<' "$f" "colour bar lacks the cluster median"
expect_grep '>2 x median 3.16<' "$f" "no target: the scale's red end is not twice the median"

# The cells' colours: polygons wider than the colour bar's strips.
cells() { # SVG: "r g b" per cell
	python3 - "$1" <<'PY'
import re, sys
svg = open(sys.argv[1]).read()
for m in re.finditer(r"<polygon fill = 'rgb\(\s*(\d+),\s*(\d+),\s*(\d+)\)' points = '([^']*)'", svg):
    xs = [float(p.split(',')[0]) for p in m.group(4).split()]
    if max(xs) - min(xs) > 30:
        print(m.group(1), m.group(2), m.group(3))
PY
}
cells "$f" >"$WORK/slow.rgb"
[ "$(wc -l <"$WORK/slow.rgb")" -eq 56 ] || fail "expected 56 coloured cells"
# node5's 14 cells are dark red, the rest pale (the cluster is fine).
[ "$(awk '$1 > 90 && $2 < 40' "$WORK/slow.rgb" | wc -l)" -eq 14 ] ||
	fail "the slow node's cells are not dark red"
[ "$(awk '$2 >= 200' "$WORK/slow.rgb" | wc -l)" -eq 42 ] ||
	fail "the healthy pairs are not pale"

# A healthy cluster (node5 as fast as the others, no suspect): every cell
# pale, however the pairs spread around their median.
python3 - "$DATA/sweep-8.json" "$WORK/healthy.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d['results']:
    p = r['pair']
    if 5 in (p['rank_a'], p['rank_b']):
        r['latency_us'] = {k: v / 64 for k, v in r['latency_us'].items()}
d['run']['suspects'] = {'nodes': [], 'links': []}
json.dump(d, open(sys.argv[2], 'w'))
PY
expect_rc 0 $O $EXE plot --out "$WORK/healthy" --format svg \
	--max-latency 0-64:3 "$WORK/healthy.json"
f=$(ls "$WORK"/healthy/plot*-heatmap.svg | head -1)
cells "$f" >"$WORK/healthy.rgb"
[ "$(wc -l <"$WORK/healthy.rgb")" -eq 56 ] || fail "healthy: not 56 cells"
[ "$(awk '$2 < 200' "$WORK/healthy.rgb" | wc -l)" -eq 0 ] ||
	fail "a healthy cluster looks alarming: $(sort -u "$WORK/healthy.rgb" | head -3)"
expect_grep '>target 3<' "$f" "colour bar lacks the target"
expect_no_grep '\(!\)' "$f" "a healthy node marked suspect"

# The HTML report: the heatmap and the suspects with hosts, reason and
# evidence; a per-node table instead of every pair x size row.
H=$WORK/html
expect_rc 0 $O $EXE render --out "$H" "$DATA/sweep-8.json"
R=$H/report.html
expect_grep '<h3>Sweep suspects \(at 0 B\)</h3>' "$R"
expect_grep 'slow node node5 \(rank 5\): the median of its pairs 101.56 us, 64.3x the cluster median 1.58 us' "$R"
expect_grep 'slow link node1 - node2 \(ranks 1-2\): 3.20 us' "$R"
expect_grep 'pair latency at 0 B' "$R" "heatmap not in the report"
expect_grep '<h3>Per node, at 0 B' "$R" "no per-node table"
expect_grep '<h3>Per size, across the pairs' "$R" "no per-size table"
expect_no_grep '0 B \(node0-node1\)' "$R" "every pair x size row is listed"
# ibpong-mpi's codes name the reason; a suspect blamed on another figure
# than latency (its median_us 0) gives its value, not "0.00 us".
python3 - "$DATA/sweep-8.json" "$WORK/codes.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d['run']['suspects']['nodes'][0]['code'] = 'SLOW_NODE'
d['run']['suspects']['nodes'].append({'node': 'node3', 'rank': 3,
    'host': 'node3', 'score': 9.1, 'median_us': 0.0, 'code': 'HIGH_TAIL',
    'value': 12.5})
json.dump(d, open(sys.argv[2], 'w'))
PY
expect_rc 0 $O $EXE render --out "$WORK/codes" "$WORK/codes.json"
expect_grep '^- slow node node5 \(rank 5\): the median of its pairs 101.56 us' \
	"$WORK/codes/report.md" "the code does not name the reason"
expect_grep '^- high tail node3 \(rank 3\): measured 12.5 \(not a latency\)' \
	"$WORK/codes/report.md" "a non-latency suspect's evidence"
expect_no_grep 'node3 \(rank 3\): the median of its pairs 0.00' \
	"$WORK/codes/report.md" "a non-latency suspect read as 0 us"
finish
