#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Output paths are created or refused before anything is measured, never
# after: ibpong-mpi --matrix-dir (created with its parents; a path that
# cannot be a directory is refused at once, exit 2, no row measured), --json
# and --samples in a missing directory (refused at once); the reporter's
# output directories (import --out, plot --out, history --plot) created.
# usage: outputs.sh IBPONG_MPI IBPONG
set -uo pipefail
mpi=$(realpath "${1:?usage: outputs.sh IBPONG_MPI IBPONG}") ibpong=$(realpath "${2:?}")
command -v mpirun >/dev/null || { echo "SKIP: no mpirun"; exit 77; }
src=${IBPONG_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
	OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
fail=0
bad() { echo "FAIL: $*"; fail=1; }
sweep() { timeout 120 mpirun -np 4 "$mpi" --pairs all \
	--node-id-from env:OMPI_COMM_WORLD_RANK --sizes 0,8 --iters 20 \
	--outlier-threshold 1000000 "$@" >out 2>err; }

# refused before the first pair: exit 2, one line naming it, no row, and
# the --json of the sweep never started
touch afile
sweep --matrix-dir afile/m --json refused.json
rc=$?
[ $rc = 2 ] || bad "--matrix-dir under a file: exit $rc, want 2"
grep -q '^ibpong-mpi: error: --matrix-dir afile/m: cannot create the directory' err ||
	bad "--matrix-dir under a file: no line naming it: $(head -3 err)"
grep -q '^round\|# sweep:\|^ *0 ' out && bad "--matrix-dir refused after measuring: $(head -3 out)"
[ -e refused.json ] && bad "--json written although the run was refused"

# created with its parents before the first pair, filled after
sweep --matrix-dir new/deep/m/ --json sweep.json
rc=$?
[ $rc = 0 ] || bad "--matrix-dir new/deep/m/: exit $rc: $(tail -3 err)"
for f in latency-0 bandwidth-0 latency-8 bandwidth-8; do
	[ -s "new/deep/m/$f.csv" ] || bad "new/deep/m/$f.csv missing"
done

# --json and --samples in a directory that does not exist: refused at once
for opt in --json --samples; do
	timeout 60 mpirun -np 2 "$mpi" --sizes 0:64 --iters 20 $opt nodir/x \
		>out 2>err
	rc=$?
	[ $rc = 2 ] || [ $rc = 3 ] || bad "$opt nodir/x: exit $rc, want 2 or 3"
	grep -q -- "$opt nodir/x" err || bad "$opt nodir/x: no line naming it"
	grep -qE '^ +64 ' out && bad "$opt nodir/x: refused after measuring"
done

# the reporter creates the directories it writes into
samples=$src/tests/report-import/samples
"$ibpong" report import "$samples/imb-2021-pingpong-shm.txt" --out r/a/ >/dev/null ||
	bad "report import --out r/a/: exit $?"
[ -s r/a/imb-2021-pingpong-shm.json ] || bad "report import --out: no file"
"$ibpong" report plot r/a/imb-2021-pingpong-shm.json --out p/q/ >/dev/null ||
	bad "report plot --out p/q/: exit $?"
ls p/q/*-latency.png >/dev/null 2>&1 || bad "report plot --out: no plot"
"$ibpong" report store --db h.db r/a/*.json >/dev/null || bad "report store"
"$ibpong" report history --db h.db --plot t/u/ >/dev/null
rc=$?
[ $rc = 0 ] || [ $rc = 1 ] || bad "report history --plot t/u/: exit $rc"
[ -d t/u ] || bad "report history --plot t/u/: not created"
[ $fail = 0 ] && echo "PASS: output directories created or refused before measuring"
exit $fail
