#!/bin/bash
# Store processes at once on one new database: every result is stored
# exactly once, and none fails with "database is locked". The race that
# made a writer exit 3: creating a new database while another connection
# holds its write lock (SQLite does not wait for a lock a statement must
# upgrade to; report_db_open takes the write lock first and retries).
. "$(dirname "$0")/common.sh"
O=$WORK/out
DB=$WORK/c.db
N=120   # results per process; 20 of them shared by both

mkdir -p "$WORK/runs"
for i in $(seq 1 $((2 * N - 20))); do
	sed "s/\"region\": \"westeurope\"/\"region\": \"r$i\"/" \
		"$DATA/lat-base.json" >"$WORK/runs/r$i.json"
done
A=$(seq 1 $N | sed "s|.*|$WORK/runs/r&.json|")
B=$(seq $((N - 19)) $((2 * N - 20)) | sed "s|.*|$WORK/runs/r&.json|")

$EXE store --db "$DB" $A >"$WORK/a.out" 2>&1 &
pa=$!
$EXE store --db "$DB" $B >"$WORK/b.out" 2>&1 &
pb=$!
wait $pa
ra=$?
wait $pb
rb=$?
[ $ra -eq 0 ] || fail "first store exited $ra"
[ $rb -eq 0 ] || fail "second store exited $rb"
cat "$WORK/a.out" "$WORK/b.out" >$O
expect_no_grep 'locked|busy|error' $O "a concurrent store failed"
stored=$(grep -c ': stored (run' $O)
dup=$(grep -c ': already stored (run' $O)
[ "$stored" -eq $((2 * N - 20)) ] ||
	fail "$stored results stored, expected $((2 * N - 20))"
[ "$dup" -eq 20 ] || fail "$dup duplicates reported, expected 20"

# Every result is there: storing them all again inserts nothing.
expect_rc 0 $O $EXE store --db "$DB" "$WORK"/runs/*.json
[ "$(grep -c ': already stored (run' $O)" -eq $((2 * N - 20)) ] ||
	fail "not every result was stored"
expect_no_grep ': stored \(run' $O "a result was missing"
if command -v sqlite3 >/dev/null; then
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM runs')" = $((2 * N - 20)) ] ||
		fail "row count differs"
	[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] ||
		fail "integrity_check"
fi

# Deterministic: another connection holds the write lock of a new, empty
# database for a second (as a creator does); store waits, then creates.
if command -v sqlite3 >/dev/null; then
	H=$WORK/held.db
	(printf 'BEGIN IMMEDIATE;\n.shell sleep 1\nCOMMIT;\n' | sqlite3 "$H") &
	ph=$!
	sleep 0.3
	expect_rc 0 $O $EXE store --db "$H" "$WORK/runs/r1.json"
	expect_grep ': stored \(run 1\)' $O "store behind a held lock"
	wait $ph
	# The same on an existing database: store waits for the writer.
	(printf 'BEGIN IMMEDIATE;\nDELETE FROM labels WHERE 0;\n.shell sleep 1\nCOMMIT;\n' |
		sqlite3 "$H") &
	ph=$!
	sleep 0.3
	expect_rc 0 $O $EXE store --db "$H" "$WORK/runs/r2.json"
	wait $ph
fi

# Many writers at once on a new database, a few rounds: each creates or
# joins the database while the others do.
W=8
for round in 1 2 3; do
	DB=$WORK/many$round.db
	pids=()
	for w in $(seq 1 $W); do
		$EXE store --db "$DB" "$WORK/runs/r$w.json" \
			"$WORK/runs/r$((w % W + 1)).json" >"$WORK/w$w.out" 2>&1 &
		pids+=($!)
	done
	for w in $(seq 1 $W); do
		wait "${pids[$((w - 1))]}" ||
			fail "round $round: writer $w exited $?: $(cat "$WORK/w$w.out")"
	done
	n=$(cat "$WORK"/w*.out | grep -c ': stored (run')
	[ "$n" -eq $W ] || fail "round $round: $n results stored, expected $W"
done
finish
