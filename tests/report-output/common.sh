# Sourced by the report-output tests: $1 the ibpong-report executable,
# $2 the fixture directory, $3 a scratch directory (the build dir).
set -u
EXE=$1
DATA=$2
WORK=$(mktemp -d "$3/rout.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILS=0

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

# expect_rc CODE OUTFILE CMD...: run CMD, stdout+stderr to OUTFILE.
expect_rc() {
	local want=$1 out=$2 rc
	shift 2
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "exit $rc, expected $want: $*"
		sed 's/^/    /' "$out" >&2
	fi
}

# expect_grep PATTERN FILE [WHY]
expect_grep() {
	grep -E -q -- "$1" "$2" || fail "${3:-no match}: /$1/ in $2"
}

expect_no_grep() {
	! grep -E -q -- "$1" "$2" || fail "${3:-unexpected match}: /$1/ in $2"
}

finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "$FAILS check(s) failed" >&2
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
