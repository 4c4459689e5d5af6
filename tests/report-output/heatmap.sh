#!/bin/bash
# The heatmap of a sweep (report/gnuplot/heatmap.gp): PNG and SVG, one
# cell per pair both ways, and the suspects listed in the HTML report.
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
done
f=$(ls "$WORK"/png/plot*-heatmap.png | head -1)
[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	fail "$f is not a PNG"
f=$(ls "$WORK"/svg/plot*-heatmap.svg | head -1)
grep -q '</svg>' "$f" || fail "SVG not closed"
expect_grep 'pair latency at 0 B \(8 ranks\)' "$f" "title"

# The HTML report: the heatmap and the suspects by node and link.
H=$WORK/html
expect_rc 0 $O $EXE render --out "$H" "$DATA/sweep-8.json"
R=$H/report.html
expect_grep '<h3>Sweep suspects</h3>' "$R"
expect_grep 'node node5: rank 5 on node5, median 101.56 us' "$R"
expect_grep 'link: rank 1 \(node1\) - rank 2 \(node2\)' "$R"
expect_grep 'pair latency at 0 B' "$R" "heatmap not in the report"
finish
