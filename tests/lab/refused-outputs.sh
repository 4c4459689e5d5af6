# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2154,SC2034
# Sourced by verbs-nodevice.sh and cm-nodevice.sh. refused_outputs CMD...
# reads "OPTION|PATH|WORDS" lines on stdin and checks that CMD OPTION PATH
# exits 2 with one line holding "OPTION PATH: WORDS" (an output that
# cannot be written is refused before any device or peer). Uses $out (a
# scratch directory); sets fail=1 on a miss.
refused_outputs() {
	local opt path why rc
	while IFS='|' read -r opt path why; do
		"$@" "$opt" "$path" >"$out/refused" 2>&1
		rc=$?
		if [ $rc != 2 ] || [ "$(wc -l <"$out/refused")" != 1 ] ||
			! grep -q -e "$opt $path: $why" "$out/refused"; then
			echo "FAIL: $opt $path: exit $rc, want 2 and one line: $(cat "$out/refused")"
			fail=1
		fi
	done
}
