#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# meson install into a --destdir stage, then the staged prefix moved
# elsewhere: every program built is installed and runs from there, finding
# its helpers (ibpong-report, ibpong-lab, ...) and the gnuplot templates
# relative to its own location, never the build tree or another install;
# no test program is installed; man pages and bash completion are there.
set -euo pipefail

build=${IBPONG_BUILD_ROOT:?}
src=${IBPONG_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

prefix=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
meson install -C "$build" --no-rebuild --destdir "$tmp/stage" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "meson install --destdir failed"; }
[ -d "$tmp/stage$prefix" ] || fail "nothing staged under $tmp/stage$prefix"
# The prefix moved: nothing may point back at $prefix or the build tree.
mkdir -p "$tmp/moved"
mv "$tmp/stage$prefix" "$tmp/moved/prefix"
p=$tmp/moved/prefix
(cd "$p" && find . -type f -o -type l | sort) >"$tmp/files"

# No test program.
if grep -E '(^|/)(test-|fuzz-)|/tests/' "$tmp/files"; then
	fail "test programs installed (above)"
fi
# Every program the build made.
want=(bin/ibpong share/ibpong/gnuplot/latency.gp share/ibpong/gnuplot/common.gp)
[ -x "$build/ibpong-mpi" ] && want+=(bin/ibpong-mpi)
for h in report lab verbs cm; do
	[ -x "$build/ibpong-$h" ] && want+=("libexec/ibpong/ibpong-$h")
done
for m in "$build"/doc/man/*.1; do
	[ -e "$m" ] && want+=("share/man/man1/${m##*/}")
done
want+=(share/bash-completion/completions/ibpong
	share/bash-completion/completions/ibpong-mpi)
for f in "${want[@]}"; do
	grep -q "/${f#*/}\$" "$tmp/files" || fail "$f not installed"
done

# The front finds its helpers in its own prefix (the build tree and the
# configured prefix are out of reach: a clean environment and another cwd).
run() { (cd "$tmp" && env -i PATH=/usr/bin:/bin HOME="$tmp" "$@"); }
run "$p/bin/ibpong" --version | grep -q '^ibpong [0-9]' || fail "ibpong --version"
helpers=(lab)
[ -x "$build/ibpong-report" ] && helpers+=(report)
[ -x "$build/ibpong-verbs" ] && helpers+=(verbs)
[ -x "$build/ibpong-cm" ] && helpers+=(cm)
for h in "${helpers[@]}"; do
	out=$(run "$p/bin/ibpong" "$h" --help 2>&1) ||
		fail "ibpong $h --help from the moved prefix: $out"
done

# Plots use the installed templates: mark the installed one and look for
# the mark in the SVG drawn.
if [ -x "$build/ibpong-report" ] && command -v gnuplot >/dev/null; then
	gp=$(grep -m1 '/gnuplot/latency.gp$' "$tmp/files")
	sed -i '/^load /a set label "installed-template-mark" at graph 0.5, 0.5' "$p/$gp"
	run "$p/bin/ibpong" report plot --format svg --out "$tmp/plots" \
		"$src/tests/report-output/data/lat-base.json" >/dev/null ||
		fail "ibpong report plot from the moved prefix"
	grep -q installed-template-mark "$tmp"/plots/*latency*.svg ||
		fail "the plot did not use the installed gnuplot template"
fi

# A two-rank MPI run from the moved prefix.
if [ -x "$p/bin/ibpong-mpi" ] && command -v mpirun >/dev/null; then
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
		timeout 120 mpirun --oversubscribe -np 2 --mca btl self,vader \
		"$p/bin/ibpong-mpi" --sizes 0:64 --iters 20 --quiet \
		--json "$tmp/mpi.json" >/dev/null || fail "ibpong-mpi from the moved prefix"
	[ -s "$tmp/mpi.json" ] || fail "no JSON from ibpong-mpi"
fi
echo "PASS: $(wc -l <"$tmp/files") files staged, moved to $p, helpers ${helpers[*]} and templates found"
