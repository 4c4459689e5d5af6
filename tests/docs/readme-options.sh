#!/usr/bin/env bash
# Every long option that a command's --help prints is documented in
# README.md. Usage: readme-options.sh README BUILD_ROOT
set -u
readme=$1
build=$2
missing=0
checked=0
# Only the help text matters here: MPI's own allocations at exit are not
# this test's business under LeakSanitizer.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

check_help() { # NAME COMMAND...
	local name=$1 opt
	shift
	local text
	text=$("$@" --help 2>&1) || {
		echo "FAIL: $name --help exited non-zero:"
		echo "$text" | tail -5
		missing=$((missing + 1))
		return
	}
	for opt in $(grep -o -- '--[a-z][a-z0-9-]*' <<<"$text" | sort -u); do
		checked=$((checked + 1))
		if ! grep -qF -- "$opt" "$readme"; then
			echo "FAIL: $name $opt is in --help but not in README.md"
			missing=$((missing + 1))
		fi
	done
}

for exe in ibpong ibpong-mpi ibpong-verbs ibpong-cm; do
	[ -x "$build/$exe" ] && check_help "$exe" "$build/$exe"
done
if [ -x "$build/ibpong-report" ]; then
	for c in import check compare store history plot render export; do
		check_help "report $c" "$build/ibpong-report" "$c"
	done
fi
echo "$checked options checked, $missing missing"
[ "$checked" -gt 20 ] || { echo "FAIL: too few options found: is the build complete?"; exit 1; }
[ "$missing" -eq 0 ]
