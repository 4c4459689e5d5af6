#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every option that a command's --help prints is in its man page (built by
# scdoc from doc/man/*.scd), in bold as an entry or a mention: the pages
# cannot drift from the programs. Every command of 'ibpong --help' and of
# 'ibpong report --help' has its page or section, and every program
# answers --version. Usage: man-options.sh BUILD_ROOT MAN_DIR
set -u
build=$1
man=$2
bad=0
checked=0
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
fail() {
	echo "FAIL: $*"
	bad=$((bad + 1))
}

# The options of a help text: long ones anywhere, short ones where an
# option list names them ("  -d, --device", "  -h, --help").
help_opts() {
	grep -oE -- '--[a-z][a-z0-9-]*' <<<"$1"
	grep -oE -- '^ +-[a-zA-Z0-9](,| |$)' <<<"$1" | tr -d ' ,'
}

check_page() { # PAGE NAME COMMAND...
	local src=doc/man/$1.1.scd page=$man/$1.1 name=$2 text opt
	shift 2
	[ -s "$page" ] || { fail "no man page $page for $name"; return; }
	text=$("$@" --help 2>&1) || { fail "$name --help exited non-zero"; return; }
	for opt in $(help_opts "$text" | sort -u); do
		checked=$((checked + 1))
		grep -qF -- "\\fB$opt\\fR" "$page" ||
			fail "$name $opt is in --help but not in ${page##*/} ($src)"
	done
}

check_version() { # NAME COMMAND...
	local name=$1 out
	shift
	if ! out=$("$@" --version 2>&1) || ! grep -qE '[0-9]+\.[0-9]+' <<<"$out"; then
		fail "$name --version: $out"
	fi
}

[ -x "$build/ibpong" ] || { echo "FAIL: $build/ibpong not built"; exit 1; }
check_page ibpong ibpong "$build/ibpong"
check_version ibpong "$build/ibpong"
for cmd in $("$build/ibpong" --help | sed -n '/^Commands:/,/^$/p' |
	awk 'NF && !/^Commands:/ { print $1 }'); do
	[ -s "$man/ibpong-$cmd.1" ] || fail "'ibpong $cmd' has no man page ibpong-$cmd.1"
	if [ -x "$build/ibpong-$cmd" ]; then
		check_page "ibpong-$cmd" "ibpong $cmd" "$build/ibpong-$cmd"
		# verbs and cm get --version with the shared main (helper fe)
		if [ "$cmd" != verbs ] && [ "$cmd" != cm ] ||
			"$build/ibpong-$cmd" --help | grep -q -- --version; then
			check_version "ibpong $cmd" "$build/ibpong" "$cmd"
		fi
	fi
done
if [ -x "$build/ibpong-mpi" ]; then
	check_page ibpong-mpi ibpong-mpi "$build/ibpong-mpi"
	check_version ibpong-mpi "$build/ibpong-mpi"
fi
if [ -x "$build/ibpong-report" ]; then
	for c in $("$build/ibpong-report" --help | sed -n '/^Commands:/,/^$/p' |
		awk 'NF && !/^Commands:/ { print $1 }'); do
		grep -q "^\\.SS $c\$" "$man/ibpong-report.1" ||
			fail "'ibpong report $c' has no section in ibpong-report.1"
		check_page ibpong-report "report $c" "$build/ibpong-report" "$c"
	done
fi
echo "$checked options checked, $bad problems"
[ "$checked" -gt 50 ] || { echo "FAIL: too few options found: is the build complete?"; exit 1; }
[ "$bad" -eq 0 ]
