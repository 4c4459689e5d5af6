#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The ibpong front command: help, version, exit codes, and exec of
# ibpong-CMD found beside the executable. $1: the built ibpong.
set -u
ibpong=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

expect() { # expected-status command...
	want=$1; shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" = "$want" ] ||
		fail "$* exited $got, expected $want: $(cat "$tmp/err")"
}

expect 0 "$ibpong" --help
for word in verbs cm report lab ibpong-mpi 'Exit codes' \
	'2  bad usage' '3  runtime'; do
	grep -q -- "$word" "$tmp/out" || fail "--help lacks '$word'"
done
expect 0 "$ibpong" --version
grep -q '^ibpong [0-9]' "$tmp/out" || fail "--version: $(cat "$tmp/out")"
expect 2 "$ibpong"
expect 2 "$ibpong" no-such-command
grep -q "'no-such-command' is not a command" "$tmp/err" ||
	fail "unknown command: $(cat "$tmp/err")"
expect 2 "$ibpong" --bogus
expect 2 "$ibpong" mpi
grep -q 'mpirun' "$tmp/err" || fail "mpi hint: $(cat "$tmp/err")"

# A sub-command beside a copy of ibpong receives the remaining arguments.
cp "$ibpong" "$tmp/ibpong"
printf '#!/bin/sh\necho "lab:$*"\nexit 7\n' >"$tmp/ibpong-lab"
chmod +x "$tmp/ibpong-lab"
expect 7 "$tmp/ibpong" lab up --nodes 2
[ "$(cat "$tmp/out")" = "lab:up --nodes 2" ] ||
	fail "exec: $(cat "$tmp/out")"
expect 7 "$tmp/ibpong" help lab
[ "$(cat "$tmp/out")" = "lab:--help" ] || fail "help lab: $(cat "$tmp/out")"
# Neither beside nor installed: a runtime failure naming the program.
rm "$tmp/ibpong-lab"
IBPONG_UNUSED=1 "$tmp/ibpong" lab >/dev/null 2>"$tmp/err"
st=$?
if [ -x /usr/local/libexec/ibpong/ibpong-lab ]; then
	:
else
	[ "$st" = 3 ] || fail "missing ibpong-lab exited $st"
	grep -q 'ibpong-lab' "$tmp/err" || fail "missing: $(cat "$tmp/err")"
fi
echo ok
