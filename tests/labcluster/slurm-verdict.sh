#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A sweep verdict under the lab's multi-node Slurm (issue 14): 4 hosts,
# a slurmd in each, node2 delayed by 200 us (tc on what it sends), srun
# -N 4 --ntasks-per-node=1 --mpi=pmix ibpong-mpi --pairs all at the
# default thresholds: node2 CONFIRMED SLOW_NODE, alone (verdicts_check.py
# slurm). Skips (77) when Slurm is not installed.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh" ibplsv

for c in slurmctld slurmd srun munged; do
	command -v "$c" >/dev/null || { echo "SKIP: no $c"; exit 77; }
done
t0=$(now)
"$LC" up --hosts 4 --slurm >/dev/null
"$LC" fault add delay 200us --host node2 >/dev/null
echo "up (4 hosts), slurm, node2 delayed: $(took "$t0")"
# Not under /tmp: each node's slurmd (and so each task) has a /tmp of its own.
out=$(mktemp -d "$BUILD/labcluster-slurm-verdict.XXXXXX")
trap 'rm -rf "$out"; lc_test_cleanup' EXIT
t0=$(now)
for attempt in 1 2; do
	rc=0
	# exit 0 (nothing), 1 (confirmed) and 4 (unsure) are verdicts: every
	# rank leaves with it, srun must not kill the others for it
	timeout 240 "$LC" run -q -- srun -N 4 --ntasks-per-node=1 --mpi=pmix \
		--kill-on-bad-exit=0 --wait=10 \
		"$BUILD/ibpong-mpi" --pairs all --concurrency 1 --sizes 0 \
		--iters 200 --quiet --json "$out/slurm.json" \
		>"$out/log" 2>&1 || rc=$?
	case $rc in 0 | 1 | 4) break ;; esac
	cat "$out/log"
	# Open MPI 4.1 with PMIx on a loaded machine: a task sometimes dies
	# of SIGSEGV at start-up (a NULL call, no ibpong frame): once more.
	if ! grep -q 'Segmentation fault' "$out/log" || [ "$attempt" = 2 ]; then
		echo "FAIL: srun exited $rc"
		exit 1
	fi
	echo "a task died of SIGSEGV (attempt $attempt); running again"
done
echo "srun sweep (6 pairs and retests): exit $rc, $(took "$t0")"
grep -E '\| (ERROR|WARNING):|^# verdicts' "$out/log" || true
python3 - "$out/slurm.json" "$IBPONG_LAB_CLUSTER-lab" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["run"]
slurm = run.get("slurm", {})
assert slurm.get("cluster_name") == sys.argv[2], slurm
assert slurm.get("nodelist") == "node[0-3]", slurm
assert run["hosts"] == ["node0", "node1", "node2", "node3"], run["hosts"]
PY
python3 "$(dirname "$0")/verdicts_check.py" slurm "$out/slurm.json:$rc"
