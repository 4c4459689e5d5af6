#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Run one verbs lab script in one guest boot: verbs-lab-run.sh SCRIPT
# IBPONG_VERBS [ARG...] (the lab is $IBPONG_LAB, else ci/lab beside the
# sources); the script gets IBPONG_VERBS, its output directory, ARG....
# Exit 77 (meson's skip) when the lab cannot run here.
set -u
script=$1 vb=$2
lab=${IBPONG_LAB:-$(dirname "$0")/../../ci/lab}
if ! why=$("$lab" check 2>&1); then
	echo "skip: $why"
	exit 77
fi
out=$(mktemp -d /tmp/ibpong-verbs-lab.XXXXXX)
echo "case outputs in $out"
"$lab" run --timeout 1700 --out "$out" -- bash "$script" "$vb" "$out" "${@:3}"
