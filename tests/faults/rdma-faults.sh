#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The verbs and rdma_cm fault campaign (rdma_faults.py) in one Soft-RoCE
# lab guest: rdma-faults.sh IBPONG_VERBS IBPONG_CM [CAMPAIGN OPTIONS]
# (the lab is $IBPONG_LAB, else ci/lab beside the sources). Exit 77
# (meson's skip) when the lab cannot run here.
set -u
lab=${IBPONG_LAB:-$(dirname "$0")/../../ci/lab}
if ! why=$("$lab" check 2>&1); then
	echo "skip: $why"
	exit 77
fi
py=$(command -v /usr/bin/python3 python3 | head -1)
here=$(cd "$(dirname "$0")" && pwd)
exec "$lab" run --timeout "${IBPONG_FAULTS_LAB_TIMEOUT:-1700}" -- \
	"$py" "$here/rdma_faults.py" "$@"
