#!/bin/bash
# plot: PNG and SVG files, targets and failing points, the 0 B floor,
# template lookup, a hung or missing gnuplot.
. "$(dirname "$0")/common.sh"
O=$WORK/out
P=$WORK/png

expect_rc 0 $O $EXE plot --out "$P" --max-latency 0-8K:1.5 \
	"$DATA/lat-base.json" "$DATA/lat-regress.json" "$DATA/bw-base.json"
for f in plot1-latency.png plot1-bandwidth.png plot2-bandwidth.png; do
	[ -s "$P/$f" ] || fail "$f missing or empty"
	expect_grep "^$P/$f\$" $O "$f not listed"
	# The PNG signature: 89 50 4e 47 0d 0a 1a 0a.
	[ "$(head -c 8 "$P/$f" | od -An -tx1 | tr -d ' \n')" = \
		89504e470d0a1a0a ] || fail "$f is not a PNG"
done
# Two runs overlaid: two data files, titled by the labels that tell them
# apart (run.labels, --label values), not by file name.
[ -s "$P/plot1-latency-2.dat" ] || fail "second run not plotted"
expect_grep '^x "cluster=hb120"$' "$P/plot1-latency-1.dat"
expect_grep '^x "no cluster"$' "$P/plot1-latency-2.dat"
# 0 B drawn at the floor.
expect_grep '^0\.5 ' "$P/plot1-latency-1.dat" "0 B not at the floor"
# The target line and the points over it: 8K of the base, 4K and 8K of
# the regressed run.
expect_grep '^0\.5 1\.5$' "$P/plot1-latency-target.dat"
expect_grep '^8192 1\.5$' "$P/plot1-latency-target.dat"
[ "$(wc -l <"$P/plot1-latency-fail.dat")" -eq 3 ] ||
	fail "expected 3 points over the target"
expect_grep '^4096 1\.83' "$P/plot1-latency-fail.dat"

# The target's value in the legend.
expect_rc 0 $O $EXE plot --out "$WORK/tv" --format svg --max-latency 0-8K:1.5 \
	"$DATA/lat-base.json"
expect_grep 'target &lt;= 1.5 us \(0 B - 8 KiB\)' "$WORK/tv/plot1-latency.svg" \
	"the target's value is not in the legend"

# SVG, groups overlaid.
S=$WORK/svg
expect_rc 0 $O $EXE plot --out "$S" --format svg --group-by region \
	--title 'Regions <&>' "$DATA"/region-*.json
f=$S/plot1-latency.svg
[ -s "$f" ] || fail "no SVG"
grep -q '<svg' "$f" || fail "no <svg> root element"
grep -q '</svg>' "$f" || fail "SVG not closed"
expect_grep 'eastus' "$f" "group eastus not in the legend"
expect_grep 'westeurope' "$f" "group westeurope not in the legend"
expect_grep 'Regions &lt;&amp;' "$f" "title not escaped"
expect_grep '0 B is drawn at 0.5 B' "$f"
[ "$(grep -c . "$S/plot1-latency-1.dat")" -eq 19 ] ||
	fail "a group is not one line of 18 sizes"

# Templates from $IBPONG_GNUPLOT_DIR; a directory without them fails.
expect_rc 3 $O env IBPONG_GNUPLOT_DIR="$WORK" $EXE plot --out "$WORK/x" \
	"$DATA/lat-base.json"
expect_grep 'template latency.gp not found' $O
# gnuplot missing, or hung: a clear error, no hang.
expect_rc 3 $O env IBPONG_GNUPLOT="$WORK/no-gnuplot" $EXE plot \
	--out "$WORK/x" "$DATA/lat-base.json"
expect_grep 'gnuplot: not found' $O
printf '#!/bin/sh\nsleep 30\n' >"$WORK/hang.sh"
chmod +x "$WORK/hang.sh"
start=$(date +%s)
expect_rc 3 $O env IBPONG_GNUPLOT="$WORK/hang.sh" IBPONG_GNUPLOT_TIMEOUT=1 \
	$EXE plot --out "$WORK/x" "$DATA/lat-base.json"
expect_grep 'killed' $O
[ $(($(date +%s) - start)) -lt 20 ] || fail "the timeout did not stop gnuplot"

# Bad usage.
expect_rc 2 $O $EXE plot "$DATA/lat-base.json"
expect_grep 'out DIR is required' $O
expect_rc 2 $O $EXE plot --out "$WORK/x" --max-latency 8K "$DATA/lat-base.json"
# the one number rule: no sign, no blank
expect_rc 2 $O $EXE plot --out "$WORK/x" --max-latency 0-8K:+1.5 "$DATA/lat-base.json"
expect_rc 2 $O $EXE plot --out "$WORK/x" --max-latency "0-8K: 1.5" "$DATA/lat-base.json"
expect_rc 2 $O $EXE plot --out "$WORK/x" --format gif "$DATA/lat-base.json"
expect_rc 2 $O $EXE plot --out "$WORK/x" "$WORK/missing.json"
expect_rc 0 $O $EXE plot --help
expect_grep 'max-latency' $O
finish
