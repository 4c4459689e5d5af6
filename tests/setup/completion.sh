#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The bash completion (completion/ibpong) completes commands, report
# sub-commands and the options each --help lists, for ibpong and
# ibpong-mpi. Skip (77) where bash-completion is not installed.
set -u
bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || { echo "SKIP: bash-completion is not installed"; exit 77; }
src=${IBPONG_SOURCE_ROOT:?}
build=${IBPONG_BUILD_ROOT:?}
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
# shellcheck disable=SC1090
. "$bc"
# shellcheck disable=SC1091
. "$src/completion/ibpong"
bad=0

complete_words() { # expected-word WORDS...: complete the last of WORDS
	local want=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_ibpong
	if ! printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$want"; then
		echo "FAIL: '$*' does not complete to '$want' (got: ${COMPREPLY[*]})"
		bad=$((bad + 1))
	fi
}

complete_words report "$build/ibpong" rep
complete_words lab "$build/ibpong" la
complete_words history "$build/ibpong" report hi
complete_words --profile "$build/ibpong" report check --pro
complete_words --group-by "$build/ibpong" report compare --gro
complete_words --verbose "$build/ibpong" lab run --verb
complete_words bibw "$build/ibpong" verbs --test bi
if [ -x "$build/ibpong-verbs" ]; then
	complete_words --tx-depth "$build/ibpong" verbs --tx
fi
if [ -x "$build/ibpong-mpi" ]; then
	complete_words --pairs "$build/ibpong-mpi" --pa
	complete_words neighbors "$build/ibpong-mpi" --pairs nei
	# --transport words come from the build's registry (its --help)
	complete_words mpi "$build/ibpong-mpi" --transport m
	if [ -x "$build/ibpong-verbs" ]; then
		complete_words verbs "$build/ibpong-mpi" --transport v
	fi
fi
[ "$bad" -eq 0 ] && echo "PASS: commands, sub-commands and options complete"
[ "$bad" -eq 0 ]
