#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# -Dmpi_impl=intel: without Intel MPI, meson setup stops with one line that
# names impi.pc and what to do; with an impi.pc on PKG_CONFIG_PATH it
# configures ibpong-mpi for it. Intel MPI is not in Debian: the impi.pc
# here stands for it by requiring MPICH's (Intel MPI shares MPICH's ABI),
# so this checks the build's lookup, not Intel MPI itself. Skips (77)
# without MPICH's pkg-config file (libmpich-dev).
set -euo pipefail
src=${IBPONG_SOURCE_ROOT:?}
pkg-config --exists mpich || { echo "SKIP: no mpich.pc (libmpich-dev)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
opts=(-Dmpi_impl=intel -Dtests=disabled -Dman=disabled -Dverbs=disabled
	-Drdmacm=disabled -Dreport=disabled -Dlab_delay=disabled)
fail=0

# absent: one clear line, no build directory left half-configured for MPI
rc=0
env -u PKG_CONFIG_PATH meson setup "$tmp/absent" "$src" "${opts[@]}" \
	>"$tmp/absent.log" 2>&1 || rc=$?
errs=$(grep -c 'ERROR:' "$tmp/absent.log" || true)
if [ "$rc" = 0 ] || [ "$errs" != 1 ]; then
	echo "FAIL: meson setup exited $rc with $errs ERROR lines, want 1 error:"
	tail -5 "$tmp/absent.log"
	fail=1
fi
line=$(grep 'ERROR:' "$tmp/absent.log" || true)
for want in "-Dmpi_impl=intel" "impi.pc" "setvars.sh" "PKG_CONFIG_PATH"; do
	grep -qF -- "$want" <<<"$line" ||
		{ echo "FAIL: the error does not say '$want': $line"; fail=1; }
done
echo "absent: $line"

# -Dmpi=disabled: no MPI asked, no error
if ! env -u PKG_CONFIG_PATH meson setup "$tmp/off" "$src" "${opts[@]}" \
	-Dmpi=disabled >"$tmp/off.log" 2>&1; then
	echo "FAIL: -Dmpi_impl=intel -Dmpi=disabled does not configure:"
	tail -5 "$tmp/off.log"
	fail=1
fi

# present (an impi.pc standing for Intel MPI): ibpong-mpi is configured
mkdir "$tmp/pc"
cat >"$tmp/pc/impi.pc" <<PC
Name: impi
Description: stand-in for Intel MPI (MPICH ABI), tests/setup/intel-mpi.sh
Version: 2021.0
Requires: mpich
PC
if PKG_CONFIG_PATH=$tmp/pc meson setup "$tmp/present" "$src" "${opts[@]}" \
	-Dmpi=enabled >"$tmp/present.log" 2>&1; then
	for want in "mpi \(ibpong-mpi\) *: YES" "mpi implementation *: intel"; do
		grep -qE -- "$want" "$tmp/present.log" ||
			{ echo "FAIL: the summary lacks '$want'"; fail=1; }
	done
	grep -q "^ibpong-mpi" <(meson introspect --targets "$tmp/present" |
		python3 -c 'import json,sys; [print(t["name"]) for t in json.load(sys.stdin)]') ||
		{ echo "FAIL: no ibpong-mpi target"; fail=1; }
else
	echo "FAIL: -Dmpi_impl=intel with impi.pc does not configure:"
	tail -5 "$tmp/present.log"
	fail=1
fi
[ $fail = 0 ] && echo "PASS: -Dmpi_impl=intel absent (one line) and present"
exit $fail
