#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t070-bench-smoke - `make bench QUICK=1` must keep working: run bench/run.sh
# in quick mode (tiny sizes, one repetition, seconds) into a temporary
# directory and check that results.md has every table row.  No thresholds:
# benchmarks are not timed tests.  A configuration that cannot run here
# (no nginx, enforce not built) still has its row, reading "n/a (...)".
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq awk timeout
need_sysfence
[[ -x $SF_BUILD/bench/sf-bench-loop ]] || bail "$SF_BUILD/bench tools missing: build them first (make)"
sf_tmpdir

OUT=$SF_TMP/out
RUN=$SF_SRC/bench/run.sh

plan 8

if timeout --kill-after=10 300 "$RUN" --quick --build "$SF_BUILD" --out "$OUT" \
	>"$SF_TMP/run.out" 2>"$SF_TMP/run.err"; then
	ok "bench/run.sh --quick exits 0 ($(sed -n 's/.*done in \([0-9]*s\).*/\1/p' "$SF_TMP/run.err"))"
else
	not_ok "bench/run.sh --quick exits 0"
	diag_file "$SF_TMP/run.err" 30
fi

MD=$OUT/results.md
check "results.md written" test -s "$MD" || diag_file "$SF_TMP/run.err"

# has_rows WHAT ROW...: every "| ROW |" line is in results.md and has a
# value cell.
has_rows() {
	local what=$1 r missing=()
	shift
	for r in "$@"; do
		grep -qF "| $r | " "$MD" 2>/dev/null || missing+=("$r")
	done
	if ((${#missing[@]} == 0)); then
		ok "$what rows present"
	else
		not_ok "$what rows present"
		diag "missing: ${missing[*]}"
	fi
}

has_rows micro "none" \
	"seccomp allow-list (libseccomp, no argument checks)" \
	"seccomp union of the learned policy (argument checks: enforce's floor)" \
	"empty tp_btf/sys_enter program attached" \
	"sysfence attached, process untracked" \
	"sysfence learn (tracked)" "sysfence enforce (tracked)"
has_rows redis SET GET INCR LPUSH "all (harmonic mean)"
has_rows nginx "static 4 KiB"
has_rows learner "merge 10 traces: wall s" "merge 10 traces: max RSS MiB"
has_rows targets "learn: ns added per tracked getppid" \
	"enforce: ns added per tracked getppid" \
	"untracked / empty raw_tp (added ns, getppid)" \
	"redis enforce / none" "redis learn / none" "learner merges 10 traces"

# The micro table has a number for "none" in both loops: the harness itself
# works (everything else may legitimately be n/a on a given machine).
none_row=$(grep -F '| none | ' "$MD" 2>/dev/null | head -n1)
if [[ $none_row =~ ^\|\ none\ \|\ [0-9]+\ .*\|\ [0-9]+\  ]]; then
	ok "micro baseline measured: $none_row"
else
	not_ok "micro baseline measured"
	diag "row: '$none_row'"
	diag_file "$SF_TMP/run.err"
fi

done_testing
