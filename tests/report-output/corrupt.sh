#!/bin/bash
# A corrupt database file: a clear error, exit 2, and its bytes unchanged.
. "$(dirname "$0")/common.sh"
O=$WORK/out

check_untouched() { # DB WHAT
	local before after
	before=$(cksum <"$1")
	expect_rc 2 $O $EXE store --db "$1" "$DATA/lat-improve.json"
	expect_grep "$(basename "$1"): .*(not a usable SQLite database|not an ibpong)" \
		$O "$2: no clear error"
	[ "$(wc -l <$O)" -eq 1 ] || fail "$2: more than one line"
	expect_rc 2 $O $EXE history --db "$1"
	after=$(cksum <"$1")
	[ "$before" = "$after" ] || fail "$2: the file was modified"
	[ -e "$1-wal" ] && fail "$2: a WAL file was created"
}

# Not a database at all.
head -c 65536 /dev/urandom >"$WORK/garbage.db"
check_untouched "$WORK/garbage.db" "random bytes"

# A text file.
printf 'this is not a database\n%.0s' $(seq 1 200) >"$WORK/text.db"
check_untouched "$WORK/text.db" "text"

# A real history database with a damaged page (the header is intact).
mkdir -p "$WORK/runs"
for i in $(seq 1 30); do
	sed "s/\"region\": \"westeurope\"/\"region\": \"r$i\"/" \
		"$DATA/lat-base.json" >"$WORK/runs/r$i.json"
done
expect_rc 0 $O $EXE store --db "$WORK/ok.db" "$WORK"/runs/*.json
[ -e "$WORK/ok.db-wal" ] && fail "WAL not checkpointed on close"
size=$(wc -c <"$WORK/ok.db")
[ "$size" -ge 16384 ] || fail "database unexpectedly small ($size)"
cp "$WORK/ok.db" "$WORK/damaged.db"
# Pages 2.. hold the tables: overwrite 3 pages from the second one.
page=$(od -An -tu1 -j16 -N2 "$WORK/ok.db" | awk '{print $1 * 256 + $2}')
head -c $((3 * page)) /dev/urandom |
	dd of="$WORK/damaged.db" bs=$page seek=1 conv=notrunc 2>/dev/null
check_untouched "$WORK/damaged.db" "damaged page"

# The header of a good file damaged.
cp "$WORK/ok.db" "$WORK/header.db"
printf 'XXXXXXXXXXXXXXXX' | dd of="$WORK/header.db" conv=notrunc 2>/dev/null
check_untouched "$WORK/header.db" "damaged header"

# The undamaged one still works.
expect_rc 0 $O $EXE history --db "$WORK/ok.db"
finish
