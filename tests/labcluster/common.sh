# shellcheck shell=bash
# SPDX-License-Identifier: BSD-2-Clause
# Shared by the labcluster tests (sourced): the lab cluster script in $LC,
# a cluster of the test's own name (so that it never meets one an operator
# has up), skip only when `check` says the machine cannot run it, and down
# on every exit.
set -euo pipefail

LC=${IBPONG_LAB_CLUSTER_SCRIPT:?set by tests/labcluster/meson.build}
BUILD=${IBPONG_BUILD_ROOT:?}
export IBPONG_LAB_CLUSTER=${1:?cluster name}
export IBPONG_LAB_DELAY=$BUILD/ibpong-lab-delay

why=$("$LC" check) || {
	rc=$?
	echo "$why"
	[ "$rc" = 77 ] && exit 77
	exit 1
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ibpong-labcluster.XXXXXX")
lc_test_cleanup() {
	"$LC" down >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap lc_test_cleanup EXIT

# A sweep of every pair, one at a time, from the head, one rank a host:
# sweep FILE HOSTS ARGS... (the outlier threshold is out of reach: a fault
# is meant to make suspects, and exit 1 says so).
sweep() {
	local out=$1 n=$2 rc=0
	shift 2
	timeout 300 "$LC" run -q -- mpirun -np "$n" "$BUILD/ibpong-mpi" \
		--pairs all --concurrency 1 --quiet \
		--outlier-threshold 1000000 --json "$out" "$@" \
		>"$out.log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		cat "$out.log"
		echo "FAIL: the sweep exited $rc"
		exit 1
	fi
}

now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
