#!/bin/bash
# render: report.md and one self-contained report.html, checked in a real
# headless Chromium (DOM and screenshot).
. "$(dirname "$0")/common.sh"
O=$WORK/out
R=$WORK/report

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
if [ -z "$CHROMIUM" ] || [ ! -x "$CHROMIUM" ]; then
	echo "chromium not installed: skipped"
	exit 77
fi

# Targets fail and the candidate regresses against the baseline: exit 1,
# and the report is still written.
expect_rc 1 $O $EXE render --out "$R" --title 'Nightly <b>ibpong</b> & co' \
	--max-latency 0-8K:1.5 --baseline "$DATA/lat-base.json" \
	"$DATA/lat-regress.json" "$DATA/lat-suspects.json" \
	"$DATA/bw-base.json"
H=$R/report.html
M=$R/report.md
[ -s "$H" ] || fail "no report.html"
[ -s "$M" ] || fail "no report.md"
# Written atomically: no temporary file left behind.
[ "$(ls "$R" | grep -v -E '^(report\.(md|html)|plot[0-9]+-[a-z]+(-[0-9a-z]+)?\.(svg|dat))$')" = "" ] ||
	fail "unexpected files: $(ls "$R")"

# Self-contained: no script, no external reference.
expect_no_grep '<script|<link|<img|<iframe| src=|@import|url\(http' "$H" \
	"external resource or script"
expect_no_grep '<\?xml|<!DOCTYPE svg' "$H" "SVG prolog not stripped"
# Text is escaped.
expect_grep '&lt;script&gt;alert\(&#39;x&#39;\)&lt;/script&gt;' "$H"
expect_grep 'a&amp;b &quot;quoted&quot;' "$H"

# Markdown.
expect_grep '^# Nightly \\<b\\>ibpong\\</b\\> & co$' "$M"
expect_grep '^\| size \| iterations \|' "$M"
expect_grep '!\[.*\]\(plot1-latency\.svg\)' "$M"
expect_grep '^Overall verdict: \*\*FAIL\*\*' "$M"
expect_grep 'REGRESSION' "$M"
expect_grep 'node4' "$M"

run_chromium() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$WORK/chrome.XXXXXX")" "$@" \
		"file://$H"
}

# The page as Chromium parses it.
run_chromium --dump-dom >"$WORK/dom.html" 2>"$WORK/chrome.err" ||
	fail "chromium --dump-dom failed: $(tail -3 "$WORK/chrome.err")"
D=$WORK/dom.html
expect_grep '<title>Nightly &lt;b&gt;ibpong&lt;/b&gt; &amp; co</title>' $D \
	"page title"
expect_grep '<h1>Nightly &lt;b&gt;ibpong&lt;/b&gt; &amp; co</h1>' $D
expect_no_grep '<b>ibpong</b>' $D "title markup not escaped"
tables=$(grep -o '<table' $D | wc -l)
# summary + per result (metadata + results) = 1 + 3 * 2
[ "$tables" -eq 7 ] || fail "$tables tables, expected 7"
# latency and bandwidth of the latency test, bandwidth of the bw test
svgs=$(grep -o '<svg' $D | wc -l)
[ "$svgs" -eq 3 ] || fail "$svgs inline svg elements, expected 3"
figs=$(grep -o '<figcaption>' $D | wc -l)
[ "$figs" -eq 3 ] || fail "$figs figures, expected 3"
expect_grep 'Overall verdict: <strong class="fail">FAIL</strong>' $D
expect_grep '<td class="REGRESSION">REGRESSION</td>' $D
expect_grep '<td class="FAIL">FAIL</td>' $D
expect_grep '<h3>Sweep suspects</h3>' $D
expect_grep '<li>rank_a=0, rank_b=3, host_b=node4, reason=median 2.1x' $D
expect_no_grep '<script' $D "a script element was parsed"
# Every id is unique across the inlined plots.
dups=$(grep -o ' id="[^"]*"' $D | sort | uniq -d | head -3)
[ -z "$dups" ] || fail "duplicate ids: $dups"

# A screenshot of the page, 1280 x 2000.
run_chromium --screenshot="$WORK/shot.png" --window-size=1280,2000 \
	>"$WORK/chrome.out" 2>&1 || fail "chromium --screenshot failed"
[ -s "$WORK/shot.png" ] || fail "no screenshot"
[ "$(head -c 8 "$WORK/shot.png" | od -An -tx1 | tr -d ' \n')" = \
	89504e470d0a1a0a ] || fail "screenshot is not a PNG"
[ "$(stat -c %s "$WORK/shot.png")" -gt 20000 ] ||
	fail "screenshot suspiciously small (blank page?)"
[ -n "${KEEP_SHOT:-}" ] && cp "$WORK/shot.png" "$KEEP_SHOT"

# No plots asked for but no result either: bad input.
expect_rc 2 $O $EXE render --out "$WORK/r2"
expect_rc 2 $O $EXE render --out "$WORK/r2" --baseline "$WORK/none.json" \
	"$DATA/lat-base.json"
# Nothing to judge: exit 0, verdict "no target".
expect_rc 0 $O $EXE render --out "$WORK/r3" "$DATA/imb-base.json"
expect_grep '^Overall verdict: \*\*no target\*\*' "$WORK/r3/report.md"
# Against a baseline, a change past the tolerance whose intervals overlap
# the baseline's is what compare calls inconclusive: exit 4 here too.
expect_rc 4 $O $EXE render --out "$WORK/r4" --baseline "$DATA/ci-base.json" \
	"$DATA/ci-within.json"
expect_grep '^Overall verdict: \*\*INCONCLUSIVE\*\*' "$WORK/r4/report.md"
expect_grep 'INCONCLUSIVE: ci-within\.json .*: 5 of 18 size\(s\) changed beyond the tolerance \(5 %\)' \
	"$WORK/r4/report.md"
expect_grep '18 size\(s\) regressed against the baseline, 5 inconclusive' "$WORK/r4/report.md"
# A disjoint one still fails the report (the unstable 64 KiB row aside).
expect_rc 1 $O $EXE render --out "$WORK/r5" --baseline "$DATA/ci-base.json" \
	"$DATA/ci-regress.json"
expect_grep '^Overall verdict: \*\*FAIL\*\*' "$WORK/r5/report.md"
expect_rc 0 $O $EXE render --help
expect_grep '--baseline FILE' $O
finish
