#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: tests/fuzz/run-fuzzers.sh BUILD_DIR SECONDS
#
# Runs each libFuzzer target (fuzz-imb, fuzz-osu, fuzz-perftest, fuzz-json,
# fuzz-bootstrap, fuzz-profile, fuzz-pdata)
# for SECONDS, starting from a scratch copy of its seed corpus in
# tests/fuzz/corpus/TARGET (the seeds are never modified). Exits 1 if any
# target crashes, leaks, times out on one input or trips a sanitizer; the
# reproducers are kept in BUILD_DIR/fuzz-artifacts/TARGET/ and the last
# lines of the log are printed. Exits 2 on bad usage or unbuilt targets.
#
# The build directory must have been configured with clang and the fuzz
# option:  CC=clang meson setup BUILD_DIR -Dfuzz=true && meson compile -C BUILD_DIR
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR SECONDS" >&2
	exit 2
fi
build=$1
secs=$2
case $secs in
'' | *[!0-9]*)
	echo "$0: SECONDS must be a whole number, got '$secs'" >&2
	exit 2
	;;
esac
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
status=0

for t in imb osu perftest json bootstrap profile pdata; do
	exe=$build/tests/fuzz/fuzz-$t
	if [ ! -x "$exe" ]; then
		echo "$0: $exe not built; configure with CC=clang meson setup $build -Dfuzz=true" >&2
		exit 2
	fi
	mkdir -p "$work/corpus-$t" "$work/artifacts-$t"
	echo "fuzz-$t: ${secs}s"
	if "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts-$t/" \
		"$work/corpus-$t" "$here/corpus/$t" >"$work/$t.log" 2>&1; then
		grep -E '^stat::number_of_executed_units' "$work/$t.log" || true
	else
		echo "fuzz-$t: FAILED; log tail:" >&2
		tail -n 40 "$work/$t.log" >&2
		mkdir -p "$build/fuzz-artifacts/$t"
		cp "$work/artifacts-$t"/* "$build/fuzz-artifacts/$t/" 2>/dev/null
		echo "fuzz-$t: reproducers in $build/fuzz-artifacts/$t/" \
			"(rerun: $exe FILE)" >&2
		status=1
	fi
done
exit $status
