#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# render judges as check does (--profile, the same rules, scope and
# statistic, the same exit code), and its summary says why: the reasons
# (size, pair, value, limit, by how much; target and regression apart)
# and the sweep suspects, checked in the DOM headless Chromium builds.
# Screenshots of a clean run, a failing run, a sweep with one slow node
# and a history trend (report history --plot) are left in
# BUILD/judge-shots for a person.
# usage: judge.sh IBPONG_REPORT DATA_DIR BUILD_DIR
set -u
EXE=$1 DATA=$2 BUILD=$3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ibpong-judge.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
SHOTS=$BUILD/judge-shots
mkdir -p "$SHOTS"
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
fail() { echo "FAIL: $*" >&2; exit 1; }
rc_of() { "$@" >"$WORK/out" 2>"$WORK/err"; echo $?; }

# check and render agree, on the verdict and on the exit code.
for args in "--profile azure-a8a9 $DATA/lat-base.json" \
	"--max-latency 0-64:1.6 $DATA/sweep-8.json" \
	"--max-latency 0-4K:100 $DATA/lat-suspects.json"; do
	# shellcheck disable=SC2086
	c=$(rc_of "$EXE" check $args)
	# shellcheck disable=SC2086
	r=$(rc_of "$EXE" render --out "$WORK/agree" $args)
	[ "$c" = "$r" ] || fail "check exits $c, render $r for: $args"
done
# A bandwidth run under azure-a8a9: not applicable for both, exit 2.
[ "$(rc_of "$EXE" render --out "$WORK/na" --profile azure-a8a9 \
	"$DATA/bw-base.json")" = 2 ] || fail "render judged a bandwidth run"
grep -q 'not applicable' "$WORK/err" || fail "no 'not applicable' line"

dom() { # OUT_DIR NAME: the DOM of OUT_DIR/report.html and a screenshot
	[ -n "$CHROMIUM" ] || return 0
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-background-networking \
		--user-data-dir="$(mktemp -d "$WORK/c.XXXXXX")" --dump-dom \
		"file://$1/report.html" >"$WORK/$2.dom" 2>/dev/null ||
		fail "chromium --dump-dom $2"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-background-networking \
		--user-data-dir="$(mktemp -d "$WORK/c.XXXXXX")" \
		--screenshot="$SHOTS/$2.png" --window-size=1280,1600 \
		"file://$1/report.html" >/dev/null 2>&1 ||
		fail "chromium --screenshot $2"
}
summary() { # DOM NAME: the text before the plots (the summary)
	sed -n '1,/<h2[^>]*>Plots</p' "$WORK/$2.dom" >"$WORK/$2.sum"
}

# Never one-way and round-trip latencies on one axis, nor one target on
# both: a round-trip copy of the run is its own figure, without the
# one-way profile's ceiling.
python3 - "$DATA/lat-base.json" "$WORK/rtt.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d['test']['latency'] = 'round-trip'
d['run']['labels']['kind'] = 'rtt'
json.dump(d, open(sys.argv[2], 'w'))
PY
"$EXE" render --out "$WORK/mixed" --profile azure-a8a9 "$DATA/lat-base.json" \
	"$WORK/rtt.json" >/dev/null 2>&1 || fail "mixed one-way and round trip"
[ -s "$WORK/mixed/plot1-latency-target.dat" ] || fail "one-way: no target"
[ -s "$WORK/mixed/plot2-latency.svg" ] || fail "round trip not a figure apart"
[ -e "$WORK/mixed/plot2-latency-target.dat" ] &&
	fail "the one-way target is drawn on the round-trip figure"
grep -q 'round-trip latency' "$WORK/mixed/plot2-latency.svg" ||
	fail "the round-trip axis does not say so"
[ -e "$WORK/mixed/plot1-latency-2.dat" ] &&
	fail "one-way and round trip on one axis"

# Clean run.
"$EXE" render --out "$WORK/clean" --profile azure-a8a9 --title "Clean run" \
	"$DATA/lat-base.json" >/dev/null || fail "clean run not PASS"
dom "$WORK/clean" clean
# Failing run: target failures and a regression, kept apart.
rc=$(rc_of "$EXE" render --out "$WORK/failing" --title "Failing run" \
	--max-latency 0-4K:1.03 --baseline "$DATA/lat-base.json" \
	"$DATA/lat-regress.json")
[ "$rc" = 1 ] || fail "failing run exit $rc"
M=$WORK/failing/report.md
grep -qF 'target\]' "$M" || fail "no target reason"
grep -qF 'regression\]' "$M" || fail "no regression reason"
grep -Eq 'FAIL: lat-regress.json .*limit \\<= 1.03 us \(\+[0-9.]+ %\)' "$M" ||
	fail "a reason lacks value, limit and margin"
# A sweep with one slow node: its suspect first, pairs named by host.
rc=$(rc_of "$EXE" render --out "$WORK/sweep" --title "Sweep" \
	--max-latency 0-64:10 "$DATA/sweep-8.json")
dom "$WORK/clean" clean
dom "$WORK/failing" failing
dom "$WORK/sweep" sweep
# The per-node table flags the slow node.
grep -Eq '^\| [*]*node5[*]* \| 5 \| 7 \| 10[0-9.]+ \| 6[0-9.]+x \| node[0-9] 10[0-9.]+ \| 7 of 7 \| SUSPECT \(score 425.3\) \|$' \
	"$WORK/sweep/report.md" || fail "per-node table lacks node5 SUSPECT"
# Instead of every pair x size row: no row names a healthy pair.
grep -q 'node0-node1' "$WORK/sweep/report.md" &&
	fail "the sweep report lists every pair x size row"
# A history trend: a nightly series in the database, by date, the last
# run regressed; its plot is screenshot as the page a person opens.
python3 - "$DATA/lat-base.json" "$WORK/nightly" <<'PY'
import json, os, sys
os.makedirs(sys.argv[2], exist_ok=True)
for day in range(8):
    d = json.load(open(sys.argv[1]))
    d['run']['start_time'] = '2026-11-%02dT02:00:00Z' % (10 + day)
    d['run']['labels'] = {'cluster': 'hb120'}
    for r in d['results']:
        f = (1 + 0.01 * (day % 3)) * (1.25 if day == 7 and r['size_bytes'] >= 2048 else 1)
        r['latency_us'] = {k: v * f for k, v in r['latency_us'].items()}
    json.dump(d, open('%s/n%d.json' % (sys.argv[2], day), 'w'))
PY
"$EXE" store --db "$WORK/n.db" "$WORK"/nightly/n*.json >/dev/null ||
	fail "store of the nightly series"
[ "$(rc_of "$EXE" history --db "$WORK/n.db" --label cluster=hb120 \
	--plot "$WORK/trend" --format svg)" = 1 ] || fail "history: no regression"
if [ -n "$CHROMIUM" ]; then
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-background-networking \
		--user-data-dir="$(mktemp -d "$WORK/c.XXXXXX")" \
		--screenshot="$SHOTS/trend.png" --window-size=1000,560 \
		"file://$WORK/trend/trend-1.svg" >/dev/null 2>&1 ||
		fail "chromium --screenshot trend"
fi
if [ -n "$CHROMIUM" ]; then
	summary failing failing
	grep -q 'Reasons for the verdict' "$WORK/failing.sum" ||
		fail "no reasons in the summary"
	if ! grep -q '\[target\]' "$WORK/failing.sum" ||
		! grep -q '\[regression\]' "$WORK/failing.sum"; then
		fail "reasons not in the summary (before the plots)"
	fi
	# A table of contents whose links lead to the sections.
	grep -q '<nav class="toc">' "$WORK/failing.dom" ||
		fail "no table of contents"
	grep -o 'href="#[^"]*"' "$WORK/failing.dom" |
		sed 's/href="#//; s/"$//' >"$WORK/ids"
	[ -s "$WORK/ids" ] || fail "no contents links"
	while read -r id; do
		grep -q "id=\"$id\"" "$WORK/failing.dom" ||
			fail "contents link #$id leads nowhere"
	done <"$WORK/ids"
	# The failing run's plot: the baseline drawn, the target's value and
	# the runs named by label in the legend.
	grep -q 'baseline: region=westeurope, cluster=hb120' "$WORK/failing.dom" ||
		fail "failing run: the baseline is not drawn"
	grep -q 'target &lt;= 1.03 us (0 B - 4 KiB)' "$WORK/failing.dom" ||
		fail "failing run: the target's value is not in the legend"
	grep -Eq 'REGRESSION: lat-regress.json latency: 5 of 18 size\(s\) regressed .*: 4 KiB \+[0-9.]+ %' \
		"$WORK/failing.sum" || fail "the regression reason lacks sizes and margins"
	summary sweep sweep
	grep -q 'Sweep suspects' "$WORK/sweep.sum" ||
		fail "sweep suspects not in the summary"
	# Suspects first (hosts, reason, evidence), before the reasons.
	grep -q '<li>slow node node5 (rank 5): the median of its pairs 101.56 us, 64.3x the cluster median 1.58 us (robust score 425.3, threshold 5.0)</li>' \
		"$WORK/sweep.sum" || fail "the suspect lacks host, reason or evidence"
	[ "$(grep -n 'Sweep suspects' "$WORK/sweep.sum" | head -1 | cut -d: -f1)" -lt \
		"$(grep -n 'Reasons for the verdict' "$WORK/sweep.sum" | cut -d: -f1)" ] ||
		fail "the suspects are not first"
	# The failing pairs grouped per size, the common host named.
	grep -q 'FAIL: sweep-8.json latency, 0 B: 7 of 28 pairs beyond the limit &lt;= 10.00 us, every one with node5 (rank 5); worst node5-node7 102.64 us (+926.4 %) \[target\]' \
		"$WORK/sweep.sum" || fail "the sweep's reason lacks pairs, host or margin"
	# The heatmap labelled by host with the suspect marked.
	grep -q 'node5 (!)' "$WORK/sweep.dom" || fail "heatmap: suspect not marked"
	# The clean run: PASS and why.
	summary clean clean
	grep -q 'Overall verdict: <strong class="pass">PASS</strong>' \
		"$WORK/clean.sum" || fail "clean run: no PASS in the summary"
	grep -q 'every judged size within its limit' "$WORK/clean.sum" ||
		fail "clean run: no reason for PASS"
	for s in clean failing sweep trend; do
		[ -s "$SHOTS/$s.png" ] || fail "no screenshot $s"
	done
fi
# Without gnuplot (a PATH that lacks it): the tables-only report, and one
# line saying so, no error line.
mkdir -p "$WORK/nogp-bin"
PATH=$WORK/nogp-bin "$EXE" render --out "$WORK/nogp" \
	"$DATA/lat-base.json" >/dev/null 2>"$WORK/nogp.err" ||
	fail "render without gnuplot failed: $(cat "$WORK/nogp.err")"
grep -q 'Plots were skipped: gnuplot was not found' "$WORK/nogp/report.md" ||
	fail "no line saying the plots were skipped"
[ "$(wc -l <"$WORK/nogp.err")" = 1 ] && grep -q 'plots skipped' "$WORK/nogp.err" ||
	fail "without gnuplot, not one line: $(cat "$WORK/nogp.err")"
grep -q 'error' "$WORK/nogp.err" && fail "without gnuplot, an error line"
ls "$WORK/nogp" | grep -q '\.svg$' && fail "without gnuplot, an image"
IBPONG_GNUPLOT=/nonexistent/gnuplot "$EXE" render --out "$WORK/nogp2" \
	"$DATA/lat-base.json" >/dev/null 2>"$WORK/nogp.err" ||
	fail "render with IBPONG_GNUPLOT missing failed"
grep -q 'error' "$WORK/nogp.err" && fail "IBPONG_GNUPLOT missing: an error line"
grep -q '| 4 KiB |' "$WORK/nogp/report.md" || fail "sizes not human"
# An interrupted sweep is marked at the top, before any verdict.
python3 - "$DATA/sweep-8.json" "$WORK/part.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d['run']['sweep']['rounds_done'] = 3
json.dump(d, open(sys.argv[2], 'w'))
PY
"$EXE" render --out "$WORK/part" "$WORK/part.json" >/dev/null 2>&1
sed -n '1,/^## Summary/p' "$WORK/part/report.md" >"$WORK/part.top"
if ! grep -q 'PARTIAL RUN' "$WORK/part.top" ||
	! grep -q '3 of 7 rounds done' "$WORK/part.top"; then
	fail "no PARTIAL RUN banner at the top"
fi
echo ok
