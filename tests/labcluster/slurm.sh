#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The lab's own multi-node Slurm: slurmctld on the head, a slurmd in each of
# 4 hosts, and srun -N 4 --ntasks-per-node=1 --mpi=pmix ibpong-mpi --pairs
# all across them: four hosts by name, six pairs, the job in run.slurm; down
# stops every daemon it started. Skips (77) when Slurm is not installed.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh" ibplsl

for c in slurmctld slurmd srun munged; do
	command -v "$c" >/dev/null || { echo "SKIP: no $c"; exit 77; }
done
t0=$(now)
"$LC" up --hosts 4 --slurm
echo "up (4 hosts) and slurm start: $(took "$t0")"
state=/run/ibpong-lab-cluster/$IBPONG_LAB_CLUSTER/slurm
pids=$(cat "$state"/run/*.pid)
[ "$(echo "$pids" | wc -w)" = 6 ] || { echo "FAIL: not munged, slurmctld and 4 slurmd: $pids"; exit 1; }
# Not under /tmp: each node's slurmd (and so each task) has a /tmp of its own.
out=$(mktemp -d "$BUILD/labcluster-slurm.XXXXXX")
trap 'rm -rf "$out"; lc_test_cleanup' EXIT
t0=$(now)
for attempt in 1 2; do
	rc=0
	timeout 120 "$LC" run -q -- srun -N 4 --ntasks-per-node=1 --mpi=pmix \
		--kill-on-bad-exit=1 --wait=10 \
		"$BUILD/ibpong-mpi" --pairs all --concurrency 1 --sizes 0,8 \
		--iters 100 --quiet --outlier-threshold 1000000 \
		--json "$out/slurm.json" >"$out/log" 2>&1 || rc=$?
	[ "$rc" != 0 ] || break
	cat "$out/log"
	# Open MPI 4.1 with PMIx on a loaded machine: a task sometimes dies
	# of SIGSEGV at start-up (a NULL call, no ibpong frame): once more.
	if ! grep -q 'Segmentation fault' "$out/log" || [ "$attempt" = 2 ]; then
		echo "FAIL: srun exited $rc"
		exit 1
	fi
	echo "a task died of SIGSEGV (attempt $attempt); running again"
done
echo "srun sweep (6 pairs): $(took "$t0")"
python3 - "$out/slurm.json" "$IBPONG_LAB_CLUSTER-lab" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
run = doc["run"]
slurm = run.get("slurm", {})
assert slurm.get("job_id"), f"run.slurm.job_id missing: {slurm}"
assert slurm.get("cluster_name") == sys.argv[2], slurm
assert slurm.get("nodelist") == "node[0-3]", slurm
assert run["hosts"] == ["node0", "node1", "node2", "node3"], run["hosts"]
assert run["sweep"]["node_id_from"] is None, run["sweep"]
pairs = {(r["pair"]["host_a"], r["pair"]["host_b"]) for r in doc["results"]}
assert len(pairs) == 6, pairs
print(f"PASS: job {slurm['job_id']} on {slurm['cluster_name']} "
      f"({slurm['nodelist']}), {len(pairs)} pairs by host")
PY
"$LC" down
for p in $pids; do
	if [ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status"; then
		echo "FAIL: down left $(tr '\0' ' ' <"/proc/$p/cmdline")"
		exit 1
	fi
done
echo "PASS: down stopped the lab's Slurm"
