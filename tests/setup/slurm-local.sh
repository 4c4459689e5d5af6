#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ci/slurm-local keeps to itself: it refuses to start beside a slurmctld it
# did not start, and the cluster it starts (in a scratch IBPONG_SLURM_DIR,
# on its own ports) runs a job while nothing of the system's Slurm or munge
# changes; stop leaves none of its daemons behind. Skip (77) only where
# Slurm is not installed or this is not root.
set -euo pipefail

src=${IBPONG_SOURCE_ROOT:?}
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
	echo "SKIP: Slurm is not installed"
	exit 77
fi
[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }

tmp=$(mktemp -d)
chmod 0711 "$tmp" # munged's socket must be reachable by all
fake=
cleanup() {
	[ -n "$fake" ] && kill "$fake" 2>/dev/null
	IBPONG_SLURM_DIR=$tmp/b "$src/ci/slurm-local" stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 1. A foreign slurmctld (a process of that name we did not start): refused.
cp "$(command -v sleep)" "$tmp/slurmctld"
"$tmp/slurmctld" 60 &
fake=$!
rc=0
out=$(IBPONG_SLURM_DIR=$tmp/a IBPONG_SLURM_PORT=17817 \
	"$src/ci/slurm-local" start 2>&1) || rc=$?
[ "$rc" = 3 ] || fail "start beside a foreign slurmctld: exit $rc, want 3: $out"
grep -q "slurmctld (pid $fake)" <<<"$out" ||
	fail "the refusal does not name the foreign slurmctld (pid $fake): $out"
[ ! -e "$tmp/a/slurm.conf" ] || fail "a refused start wrote $tmp/a/slurm.conf"
kill "$fake"
wait "$fake" 2>/dev/null || true
fake=

# 2. Beside whatever else runs here: nothing of the system's changes.
sys=(/etc/slurm /etc/munge /var/spool/slurmctld /var/spool/slurmd
	/var/lib/munge /var/log/slurm /var/log/munge /run/munge /run/slurmctld.pid
	/run/slurmd.pid)
touch "$tmp/marker"
sleep 1
export IBPONG_SLURM_DIR=$tmp/b IBPONG_SLURM_PORT=17817 IBPONG_SLURM_BESIDE=1
"$src/ci/slurm-local" start
"$src/ci/slurm-local" check || fail "srun does not work on the test cluster"
eval "$("$src/ci/slurm-local" env)"
[ "$SLURM_CONF" = "$tmp/b/slurm.conf" ] || fail "env: SLURM_CONF=$SLURM_CONF"
job=$(timeout 60 srun -n 1 printenv SLURM_CLUSTER_NAME SLURM_JOB_ID | paste -sd' ')
[ "${job%% *}" = ibpong-ci ] || fail "the job ran on '$job', not ibpong-ci"
grep -q "^StateSaveLocation=$tmp/b/" "$SLURM_CONF" || fail "state outside $tmp/b"
pids=$(cat "$tmp"/b/run/*.pid)
"$src/ci/slurm-local" stop
for p in $pids; do
	! kill -0 "$p" 2>/dev/null || fail "pid $p still runs after stop"
done
changed=$(find "${sys[@]}" -newer "$tmp/marker" 2>/dev/null || true)
[ -z "$changed" ] || fail "system files changed: $changed"
echo "PASS: refused beside a foreign slurmctld; job $job on a private cluster; no system file changed"
