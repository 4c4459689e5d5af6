#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# RDMA between "hosts" in the Soft-RoCE guest (ibpong lab run): rxe-up makes
# 3 veths on a bridge with an rxe device each (rxh0..rxh2) and policy
# routing; an ibpong-mpi --transport verbs sweep, each rank on its own
# device, measures the 3 pairs over the bridge, then again with netem
# delaying what rxh2 sends by 2 ms: rxh2's pairs must rise by most of the
# 1 ms one-way, the other pair not. And rdma_cm from rxh0 to rxh1.
# Exits 77 (skip) only when `ibpong lab check` says the lab cannot run.
set -euo pipefail
lab=${IBPONG_LAB:?}
build=${IBPONG_BUILD_ROOT:?}
rc=0
why=$("$lab" check) || rc=$?
if [ "$rc" = 77 ]; then
	echo "$why"
	exit 77
elif [ "$rc" != 0 ]; then
	echo "$why"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s.%N)
# shellcheck disable=SC2016 # the guest's shell expands them
"$lab" run --out "$tmp" --timeout 600 -- bash -c '
	set -e
	b=$1 o=$2
	"$b/ibpong-lab-cluster" rxe-up --hosts 3
	sweep() {
		mpirun --oversubscribe -np 3 --mca btl self,vader,tcp \
			sh -c "exec \"\$0\" -d rxh\$OMPI_COMM_WORLD_RANK \"\$@\"" \
			"$b/ibpong-mpi" --pairs all --concurrency 1 \
			--transport verbs --node-id-from env:OMPI_COMM_WORLD_RANK \
			--sizes 0 --iters 200 --timeout 60 --quiet \
			--outlier-threshold 1000000 --json "$o/$1.json"
	}
	sweep base
	modprobe sch_netem
	tc qdisc add dev rxh2 root netem delay 2ms
	sweep netem
	tc qdisc del dev rxh2 root
	timeout 60 "$b/ibpong-cm" --bind 198.18.1.2 --sizes 0 --iters 100 \
		--timeout 20 --quiet --json "$o/cm-server.json" &
	timeout 60 "$b/ibpong-cm" --bind 198.18.1.1 --sizes 0 --iters 100 \
		--timeout 20 --quiet --json "$o/cm-client.json" 198.18.1.2
	wait $!
	cat /sys/class/net/rxh0/statistics/tx_packets >"$o/rxh0-tx"
' bash "$build" "$tmp"
echo "guest: boot, rxe-up, 2 sweeps, rdma_cm: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')"
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
def med(name):
    doc = json.load(open(f"{d}/{name}.json"))
    assert doc["run"]["transport"] == "verbs", doc["run"]["transport"]
    assert doc["run"]["failed_pairs"] == [], doc["run"]["failed_pairs"]
    return {(r["pair"]["rank_a"], r["pair"]["rank_b"]): r["latency_us"]["median"]
            for r in doc["results"]}
base, netem = med("base"), med("netem")
assert set(base) == {(0, 1), (0, 2), (1, 2)}, base
ok = True
print("pair  base  netem  (0 B one-way median, us; netem delay 2ms on rxh2)")
for p in sorted(base):
    print(f"{p}  {base[p]:.1f}  {netem[p]:.1f}")
    rise = netem[p] - base[p]
    if 2 in p and rise < 800:
        print(f"FAIL: {p} rose {rise:.1f} us, expected about 1000"); ok = False
    if 2 not in p and rise > 500:
        print(f"FAIL: {p} is not on rxh2 but rose {rise:.1f} us"); ok = False
cm = json.load(open(f"{d}/cm-client.json"))
dev = json.dumps(cm["run"].get("device", {}))
assert "rxh0" in dev, f"rdma_cm client not on rxh0: {dev}"
tx = int(open(f"{d}/rxh0-tx").read())
assert tx > 600, f"rxh0 sent only {tx} packets: RDMA did not cross the bridge"
print(f"rdma_cm rxh0 -> rxh1: {cm['results'][0]['latency_us']['median']:.1f} us; rxh0 sent {tx} packets")
print("PASS" if ok else "FAIL", "RDMA between guest hosts")
sys.exit(0 if ok else 1)
PY
