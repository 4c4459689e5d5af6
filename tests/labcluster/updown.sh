#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# up/down leave nothing behind: namespaces, mounts, processes, state; both
# are idempotent; a failed up leaves nothing either and never touches a
# namespace the lab did not create; each host has its own name and reaches
# the others by name.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh" ibplud

state=/run/ibpong-lab-cluster/$IBPONG_LAB_CLUSTER
pids=
leftovers() {
	ip netns list | grep "^$IBPONG_LAB_CLUSTER-" || true
	grep " $state" /proc/self/mountinfo || true
	[ ! -e "$state" ] || echo "state directory $state"
	[ ! -e "$state.lock" ] || echo "lock file $state.lock"
	local p
	for p in $pids; do
		# A zombie is gone (this machine's init may reap it late).
		if [ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status"; then
			echo "process $p: $(tr '\0' ' ' <"/proc/$p/cmdline")"
		fi
	done
}

t0=$(now)
"$LC" up --hosts 3
echo "up (3 hosts): $(took "$t0")"
"$LC" up --hosts 3 # idempotent
rc=0
"$LC" up --hosts 4 2>/dev/null || rc=$?
[ "$rc" = 2 ] || { echo "FAIL: up with another host count exited $rc, not 2"; exit 1; }
[ "$(ip netns list | grep -c "^$IBPONG_LAB_CLUSTER-")" = 5 ] ||
	{ ip netns list; echo "FAIL: not sw + head + 3 hosts"; exit 1; }
names=$("$LC" exec node2 -- hostname)
[ "$names" = node2 ] || { echo "FAIL: node2's host name is '$names'"; exit 1; }
[ "$("$LC" exec head -- hostname)" = head ] || { echo "FAIL: head's name"; exit 1; }
[ "$(hostname)" != node2 ] || { echo "FAIL: the machine's name changed"; exit 1; }
"$LC" exec node0 -- getent hosts node2 | grep -q '^198\.18\.0\.3 ' ||
	{ echo "FAIL: node0 does not resolve node2"; exit 1; }
out=$("$LC" exec node0 -- bash -c 'exec 3<>/dev/tcp/node2/9' 2>&1 || true)
[[ $out == *refused* ]] || { echo "$out"; echo "FAIL: node0 does not reach node2"; exit 1; }
"$LC" fault add delay 1ms --host node1 >/dev/null
"$LC" fault add loss 1% --link node0:node2 >/dev/null
"$LC" fault add rate 10mbit --link node0:node1 --oneway >/dev/null
[ "$("$LC" fault list | wc -l)" = 3 ] || { "$LC" fault list; echo "FAIL: fault list"; exit 1; }
"$LC" fault clear 2
[ "$("$LC" fault list | wc -l)" = 2 ] || { echo "FAIL: fault clear 2"; exit 1; }
pids=$(cat "$state"/pids/*.pid)
[ "$(echo "$pids" | wc -w)" = 2 ] || { echo "FAIL: not the anchor and one delayer: $pids"; exit 1; }
t0=$(now)
"$LC" down
echo "down (with faults): $(took "$t0")"
left=$(leftovers)
[ -z "$left" ] || { echo "$left"; echo "FAIL: down left the above"; exit 1; }
"$LC" down # idempotent

# A failed up: a namespace of the lab's name that it did not make.
foreign=$IBPONG_LAB_CLUSTER-n1
ip netns add "$foreign"
trap 'ip netns del "$foreign" 2>/dev/null; lc_test_cleanup' EXIT
rc=0
"$LC" up --hosts 3 2>"$tmp/err" || rc=$?
[ "$rc" = 3 ] || { cat "$tmp/err"; echo "FAIL: up over a foreign namespace exited $rc, not 3"; exit 1; }
grep -q "did not create" "$tmp/err" || { cat "$tmp/err"; echo "FAIL: no reason given"; exit 1; }
[ -e "/run/netns/$foreign" ] || { echo "FAIL: the foreign namespace was removed"; exit 1; }
left=$(leftovers | grep -v "^$foreign\$" || true)
[ -z "$left" ] || { echo "$left"; echo "FAIL: the failed up left the above"; exit 1; }
"$LC" down
[ -e "/run/netns/$foreign" ] || { echo "FAIL: down removed the foreign namespace"; exit 1; }
echo "PASS: up/down leave nothing, a failed up neither, foreign namespaces untouched"
