#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --progress under mpirun (stderr a pipe): one line per size on stderr with
# the size, the rows done and the time left, the table on stdout intact;
# without it, under a pipe, no progress at all; --quiet wins.
set -euo pipefail
exe=${1:?usage: progress.sh IBPONG_MPI}
command -v mpirun >/dev/null || { echo "SKIP: no mpirun"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
	OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
run() { timeout 120 mpirun -np 2 "$exe" --sizes 0:64 --iters 50 "$@" \
	>"$tmp/out" 2>"$tmp/err"; }

run --progress
n=$(grep -c ': progress: .* bytes done, [0-9]* of 8 rows, .* s elapsed, about [0-9]* s left$' "$tmp/err" || true)
[ "$n" = 8 ] || { cat "$tmp/err"; fail "--progress: $n progress lines, want 8 (one per size)"; }
grep -q ' 64 bytes done, 8 of 8 rows, .* about 0 s left$' "$tmp/err" ||
	fail "the last line does not say 8 of 8 rows, 0 s left"
grep -q 'progress' "$tmp/out" && fail "progress on stdout"
[ "$(grep -cE '^ +[0-9]+ ' "$tmp/out")" = 8 ] || fail "the table lost rows"
run
! grep -q 'progress\|size [0-9]* of' "$tmp/err" || fail "progress without --progress under a pipe"
run --progress --quiet
! grep -q 'progress' "$tmp/err" || fail "--quiet did not win over --progress"
echo "PASS: 8 progress lines under mpirun with --progress, none without"
