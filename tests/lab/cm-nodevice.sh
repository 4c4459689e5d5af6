#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# On a host without RDMA (no rdma_cm), `ibpong cm 127.0.0.1` and a server
# each say so in one line and exit 3, at once. cm-nodevice.sh IBPONG_CM
set -u
cm=$1
if [ -e /dev/infiniband/rdma_cm ]; then
	echo "skip: this host has rdma_cm"
	exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0
for end in client server; do
	host=127.0.0.1
	[ $end = server ] && host=
	timeout 20 "$cm" --timeout 10 --sizes 0:64 $host >"$out/$end" 2>&1
	rc=$?
	cat "$out/$end"
	[ $rc = 3 ] || { echo "FAIL: the $end exited $rc, want 3"; fail=1; }
	[ "$(wc -l <"$out/$end")" = 1 ] ||
		{ echo "FAIL: the $end printed more than one line"; fail=1; }
	grep -q "no rdma_cm here" "$out/$end" ||
		{ echo "FAIL: the $end did not say rdma_cm is missing"; fail=1; }
done
# an output that cannot be written is refused first, in one line, exit 2
. "$(dirname "$0")/refused-outputs.sh"
refused_outputs timeout 20 "$cm" --timeout 10 127.0.0.1 <<'CASES'
--samples|/nonexistent/s.csv|cannot create a file
--json|/tmp|is a directory
CASES
exit $fail
