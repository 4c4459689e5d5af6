#!/bin/bash
# store and history: insertion, duplicates, filters, rolling baseline.
. "$(dirname "$0")/common.sh"
O=$WORK/out
DB=$WORK/h.db

# Five nightly runs around 1.0x, then a 1.3x regression at >= 4K.
mkdir -p "$WORK/runs"
for i in 1 2 3 4 5; do
	sed -e "s/2026-11-20T02:00:00Z/2026-11-1${i}T02:00:00Z/" \
		-e "s/\"median\": \([0-9.]*\)/\"median\": \1${i}/" \
		"$DATA/lat-base.json" >"$WORK/runs/n$i.json"
done
sed 's/2026-11-21T02:00:00Z/2026-11-19T02:00:00Z/' \
	"$DATA/lat-regress.json" >"$WORK/runs/n6.json"

expect_rc 0 $O $EXE store --db "$DB" "$WORK"/runs/n{1,2,3,4,5}.json
[ "$(grep -c ': stored (run' $O)" -eq 5 ] || fail "5 runs not stored"
# Duplicates by content: reported, not inserted again.
expect_rc 0 $O $EXE store --db "$DB" "$WORK/runs/n3.json" \
	"$WORK/runs/n6.json"
expect_grep 'n3.json \(ibpong-mpi latency\): already stored \(run 3\)' $O
expect_grep 'n6.json \(ibpong-mpi latency\): stored \(run 6\)' $O
cp "$WORK/runs/n3.json" "$WORK/copy.json"
expect_rc 0 $O $EXE store --db "$DB" "$WORK/copy.json"
expect_grep 'already stored \(run 3\)' $O

# The latest run against the previous five: regression at 4K and above.
expect_rc 1 $O $EXE history --db "$DB"
expect_grep '6 run\(s\); latest run 6 2026-11-19T02:00:00Z; baseline: the 5' $O
expect_grep '^ +4096( +[0-9.]+){6} +[0-9.]+ +1\.3[0-9]* +none +REGRESSION$' $O
expect_grep '^ +1024 .* no significant change$' $O
expect_grep 'note: 18 size\(s\) without a 95 % interval' $O
expect_grep 'summary: 5 regression' $O
# A baseline of 2 runs still sees it.
expect_rc 1 $O $EXE history --db "$DB" --baseline 2
expect_grep 'baseline: the 2 run' $O
# --since keeps runs 4..6 only; the latest is still run 6.
expect_rc 1 $O $EXE history --db "$DB" --since 2026-11-14
expect_grep '3 run\(s\)' $O
# Label filters: no run has region=eastus: an error, so that a typo in a
# nightly job is not green.
expect_rc 2 $O $EXE history --db "$DB" --label region=eastus
expect_grep 'label region=eastus matches no stored run' $O
# Only runs 1-5 have cluster=hb120 (run 6 is the regressed one).
expect_rc 0 $O $EXE history --db "$DB" --label region=westeurope \
	--label cluster=hb120
expect_grep '5 run\(s\); latest run 5' $O
# Trend plot.
expect_rc 1 $O $EXE history --db "$DB" --plot "$WORK/plots" --format svg
[ -s "$WORK/plots/trend-1.svg" ] || fail "no trend plot"
grep -q '<svg' "$WORK/plots/trend-1.svg" || fail "trend plot is not SVG"

# Intervals through the database: five stored runs with ci95_us (+-15 %
# from 4 KiB on) as the baseline. A latest run 10 % slower there, inside
# the baseline's interval: inconclusive, exit 4; 30 % slower, outside
# it: a regression, exit 1 (64 KiB, unstable, inconclusive).
for i in 1 2 3 4 5; do
	sed "s/2026-11-20T02:00:00Z/2026-11-1${i}T02:00:00Z/" \
		"$DATA/ci-base.json" >"$WORK/runs/c$i.json"
done
for db in within regress; do
	expect_rc 0 $O $EXE store --db "$WORK/ci-$db.db" \
		"$WORK"/runs/c{1,2,3,4,5}.json "$DATA/ci-$db.json"
	[ "$(grep -c ': stored (run' $O)" -eq 6 ] || fail "6 runs not stored in $db"
done
expect_rc 4 $O $EXE history --db "$WORK/ci-within.db"
expect_grep '^ +4096( +[0-9.]+){7} +1\.100 +overlap +inconclusive$' $O
expect_grep '^ +2048 .* overlap +no significant change$' $O
expect_grep 'summary: 0 regression\(s\), 5 inconclusive' $O
expect_no_grep 'without a 95 % interval' $O
expect_rc 1 $O $EXE history --db "$WORK/ci-regress.db"
expect_grep '^ +4096( +[0-9.]+){7} +1\.300 +disjoint +REGRESSION$' $O
expect_grep '^ +65536 .* unstable +inconclusive$' $O
expect_grep 'summary: 4 regression\(s\), 1 inconclusive' $O
# --stat p99 has no interval: the threshold alone, said so.
expect_rc 1 $O $EXE history --db "$WORK/ci-within.db" --stat p99
expect_grep '^ +4096 .* none +REGRESSION$' $O
expect_grep 'note: 18 size\(s\) without a 95 % interval' $O

# A nightly series by date: 8 runs a day apart, the last 25 % slower from
# 2 KiB: x is the run date, the regressed sizes of the latest run circled
# (those of the table's verdict), the rolling baseline drawn dashed.
python3 - "$DATA/lat-base.json" "$WORK/nightly" <<'PY'
import json, os, sys
os.makedirs(sys.argv[2], exist_ok=True)
for day in range(8):
    d = json.load(open(sys.argv[1]))
    d['run']['start_time'] = '2026-11-%02dT02:00:00Z' % (10 + day)
    d['run']['labels'] = {'cluster': 'nightly'}
    for r in d['results']:
        f = 1 + 0.01 * (day % 3)
        if day == 7 and r['size_bytes'] >= 2048:
            f *= 1.25
        r['latency_us'] = {k: v * f for k, v in r['latency_us'].items()}
    json.dump(d, open('%s/n%d.json' % (sys.argv[2], day), 'w'))
PY
NDB=$WORK/nightly.db
expect_rc 0 $O $EXE store --db "$NDB" "$WORK"/nightly/n*.json
expect_rc 1 $O $EXE history --db "$NDB" --label cluster=nightly \
	--plot "$WORK/np" --format svg
T=$WORK/np/trend-1.svg
[ -s "$T" ] || fail "no nightly trend plot"
regressed=$(grep -c 'REGRESSION$' $O)
[ "$regressed" -eq 6 ] || fail "$regressed sizes regressed, expected 6 (2K-64K)"
# Dates on the x axis, not run numbers.
expect_grep '>2026-11-1[0-7]<' "$T" "the x axis is not the run date"
expect_no_grep '>#[0-9]+<' "$T" "runs named by number on the x axis"
expect_grep 'history by run date \(cluster=nightly\)' "$T" "title"
# Regressions marked: one circled point per regressed size drawn, all at
# the latest run's date (x = 2026-11-17T02:00:00Z = 1794880800).
M=$WORK/np/trend-1-marks.dat
[ -s "$M" ] || fail "no regression marks"
[ "$(awk '$1 != 1794880800' "$M" | wc -l)" -eq 0 ] ||
	fail "a regression mark is not at the latest run"
[ "$(wc -l <"$M")" -eq "$regressed" ] ||
	fail "$(wc -l <"$M") marks for $regressed regressed sizes"
expect_grep 'regression \(latest\)' "$T" "marks not in the legend"
# The baseline: a dashed segment per drawn size, from the first baseline
# run (2026-11-12, 5 runs before the latest) to the latest.
B=$WORK/np/trend-1-base.dat
[ -s "$B" ] || fail "no baseline drawn"
expect_grep '^1794448800 ' "$B" "the baseline does not start at its first run"
expect_grep 'baseline: median of 5 runs' "$T"

# The schema is versioned; the tables are there.
if command -v sqlite3 >/dev/null; then
	[ "$(sqlite3 "$DB" 'PRAGMA user_version')" = 1 ] ||
		fail "user_version is not 1"
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM runs')" = 6 ] ||
		fail "runs table does not hold 6 runs"
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM points WHERE run_id = 6")" = 18 ] ||
		fail "points of run 6 missing"
	sqlite3 "$DB" 'SELECT hash FROM runs' | grep -qv '^sha256:[0-9a-f]\{64\}$' &&
		fail "hash is not sha256:<64 hex>"
	# A database of a newer schema is refused, untouched.
	cp "$DB" "$WORK/new.db"
	sqlite3 "$WORK/new.db" 'PRAGMA user_version = 99'
	sum=$(cksum <"$WORK/new.db")
	expect_rc 2 $O $EXE store --db "$WORK/new.db" "$DATA/lat-base.json"
	expect_grep 'newer' $O
	[ "$(cksum <"$WORK/new.db")" = "$sum" ] || fail "newer db modified"
	# A SQLite file that is not ours is refused.
	sqlite3 "$WORK/other.db" 'CREATE TABLE t (x); INSERT INTO t VALUES (1)'
	expect_rc 2 $O $EXE store --db "$WORK/other.db" "$DATA/lat-base.json"
	expect_grep 'not an ibpong history database' $O
fi

# An empty file is a new database: the schema is created in it.
: >"$WORK/empty.db"
expect_rc 0 $O $EXE store --db "$WORK/empty.db" "$DATA/lat-base.json"
expect_grep 'stored \(run 1\)' $O
expect_rc 0 $O $EXE history --db "$WORK/empty.db"

# Errors: missing database for history, bad options, bad input.
expect_rc 2 $O $EXE history --db "$WORK/none.db"
[ -e "$WORK/none.db" ] && fail "history created a database"
expect_rc 2 $O $EXE history --db "$DB" --since yesterday
expect_rc 2 $O $EXE history --db "$DB" --label novalue
expect_rc 2 $O $EXE history --db "$DB" --baseline 0
expect_rc 2 $O $EXE store --db "$DB"
echo 'garbage' >"$WORK/bad.txt"
expect_rc 2 $O $EXE store --db "$WORK/fresh.db" "$DATA/lat-base.json" \
	"$WORK/bad.txt"
[ -e "$WORK/fresh.db" ] && fail "a bad file still created the database"
expect_rc 0 $O $EXE store --help
expect_rc 0 $O $EXE history --help
expect_grep '--baseline N' $O
expect_grep '4 no regression but a' $O
finish
