#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t081-fuzz-replay - every seed of fuzz/corpus/<harness>/ and every kept
# crash/hang input of fuzz/crashes/<harness>/ through the ASan/UBSan replay
# build of that harness ($SF_BUILD/fuzz/replay/fuzz_<harness>, part of
# `make`).  One test per harness; a sanitizer report, an invariant abort, a
# leak or a 10 s timeout on any file fails it.  No root needed.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd timeout
HARNESSES=(policy trace cliparse)
for h in "${HARNESSES[@]}"; do
	[[ -x $SF_BUILD/fuzz/replay/fuzz_$h ]] ||
		bail "$SF_BUILD/fuzz/replay/fuzz_$h missing: build it first (make)"
done
sf_tmpdir

plan ${#HARNESSES[@]}
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export FUZZ_TMPDIR=$SF_TMP

for h in "${HARNESSES[@]}"; do
	n=0
	bad=()
	for f in "$SF_SRC"/fuzz/corpus/"$h"/* "$SF_SRC"/fuzz/crashes/"$h"/*; do
		[[ -f $f ]] || continue
		n=$((n + 1))
		timeout --kill-after=5 10 "$SF_BUILD/fuzz/replay/fuzz_$h" "$f" \
			>/dev/null 2>"$SF_TMP/err"
		rc=$?
		if [[ $rc -ne 0 ]]; then
			bad+=("${f#"$SF_SRC"/} (exit $rc)")
			diag_file "$SF_TMP/err" 30
		fi
	done
	if [[ $n -eq 0 ]]; then
		not_ok "fuzz_$h: no inputs under fuzz/corpus/$h"
	elif [[ ${#bad[@]} -eq 0 ]]; then
		ok "fuzz_$h: $n inputs replay clean under ASan/UBSan"
	else
		not_ok "fuzz_$h: ${#bad[@]} of $n inputs fail"
		diag "${bad[@]}"
	fi
done

done_testing
