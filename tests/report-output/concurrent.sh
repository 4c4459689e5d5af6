#!/bin/bash
# Two store processes at once on one new database: every result is
# stored exactly once, and neither fails with "database is locked".
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
finish
