#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t048-foldback - the roll-out loop of docs/rollout.md on a real target:
# learn -> a variation run in complain mode (--action log -l) -> `merge
# POLICY LOG -o NEW` (rules marked as coming from a log, a risk-rated diff
# for review) -> the same variation enforced under NEW is clean.  And
# learn's own lines stay off the target's stdout.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout
need_sysfence
TGT=$SF_PROGS/enforce-target
[[ -x $TGT ]] || bail "$TGT missing: build it first (make progs)"
TGT=$(realpath -- "$TGT")
sf_tmpdir

plan 8

P=$SF_TMP/base.json
LOG=$SF_TMP/complain.jsonl
NEW=$SF_TMP/new.json

# ---- 1-2: learn, with its summary off the target's stdout ---------------------------------------
timeout 60 "$SF" learn --trace "$SF_TMP/base.trace.zst" --policy "$P" -- "$TGT" repeat 0 \
	>"$SF_TMP/learn.out" 2>"$SF_TMP/learn.err"
rc=$?
if [[ $rc -eq 0 ]] && [[ $(cat "$SF_TMP/learn.out") == "" ]] &&
	grep -q '^KIND  *SYSCALLS  LIBRARY' "$SF_TMP/learn.err" && grep -q 'repeat: done' "$SF_TMP/learn.err"; then
	ok "learn: the summary is on stderr (column SYSCALLS), the target's stdout holds only its own output"
else
	not_ok "learn: the summary is on stderr (column SYSCALLS), the target's stdout holds only its own output"
	diag "status $rc"
	diag_file "$SF_TMP/learn.out"
	diag_file "$SF_TMP/learn.err"
fi
timeout 60 "$SF" learn --quiet --summary "$SF_TMP/summary.txt" --trace "$SF_TMP/b2.trace.zst" \
	--policy "$SF_TMP/b2.json" -- "$TGT" repeat 0 >"$SF_TMP/learn2.out" 2>"$SF_TMP/learn2.err"
if grep -q "executable .* $TGT" "$SF_TMP/summary.txt" && [[ ! -s $SF_TMP/learn2.out ]]; then
	ok "learn --summary FILE: the summary goes to FILE"
else
	not_ok "learn --summary FILE: the summary goes to FILE"
	diag_file "$SF_TMP/summary.txt"
fi

# ---- 3: the variation in complain mode --------------------------------------------------------------
timeout 60 "$SF" enforce --action log -l "$LOG" "$P" -- "$TGT" repeat 20 \
	>"$SF_TMP/log.out" 2>"$SF_TMP/log.err"
rc=$?
if [[ $rc -eq 3 ]] && grep -q 'repeat: done' "$SF_TMP/log.err" && [[ -s $LOG ]]; then
	ok "complain mode: the variation runs to the end, $(wc -l <"$LOG") JSON lines, status 3"
else
	not_ok "complain mode: the variation runs to the end, JSON lines, status 3"
	diag "status $rc"
	diag_file "$SF_TMP/log.err"
fi

# ---- 4-6: fold back ----------------------------------------------------------------------------
"$SF" merge "$P" "$LOG" -o "$NEW" >"$SF_TMP/merge.out" 2>"$SF_TMP/merge.err"
rc=$?
diag_file "$SF_TMP/merge.out" 12
if [[ $rc -eq 0 ]] && grep -q '^rules added from 1 violation log (review before enforcing):' "$SF_TMP/merge.out" &&
	grep -q "^medium + $TGT: personality" "$SF_TMP/merge.out" &&
	grep -q "+ $TGT: mmap" "$SF_TMP/merge.out"; then
	ok "merge POLICY LOG: exit 0, the added rules as a risk-rated diff"
else
	not_ok "merge POLICY LOG: exit 0, the added rules as a risk-rated diff"
	diag "status $rc"
	diag_file "$SF_TMP/merge.err"
fi
if jq -e --arg t "$TGT" '.sysfence.libraries[] | select(.path == $t) | .evidence |
	.personality.source == "log" and .mmap.source == "log" and .mmap.count == 40 and
	(.mmap.site | startswith("main+")) and (.write | has("source") | not)' "$NEW" >/dev/null; then
	ok "the folded rules are marked as coming from a log (evidence source), with counts and sites"
else
	not_ok "the folded rules are marked as coming from a log (evidence source), with counts and sites"
	diag "$(jq -c --arg t "$TGT" '.sysfence.libraries[] | select(.path == $t) | .evidence' "$NEW" 2>&1)"
fi
if "$SF" check "$NEW" >/dev/null 2>&1 && "$SF" merge -q "$NEW" -o "$SF_TMP/again.json" &&
	cmp -s "$NEW" "$SF_TMP/again.json"; then
	ok "the new policy is valid and reads back identically (source marks kept)"
else
	not_ok "the new policy is valid and reads back identically (source marks kept)"
	diff "$NEW" "$SF_TMP/again.json" | head -10 | while read -r l; do diag "$l"; done
fi

# ---- 7-8: the same variation enforced ----------------------------------------------------------
timeout 60 "$SF" enforce "$NEW" -- "$TGT" repeat 20 >"$SF_TMP/enf.out" 2>"$SF_TMP/enf.err"
rc=$?
if [[ $rc -eq 0 ]] && ! grep -q VIOLATION "$SF_TMP/enf.err" && grep -q 'repeat: done' "$SF_TMP/enf.err"; then
	ok "the variation enforced under the folded policy: clean (status 0)"
else
	not_ok "the variation enforced under the folded policy: clean (status 0)"
	diag "status $rc"
	diag_file "$SF_TMP/enf.err"
fi
timeout 60 "$SF" enforce "$P" -- "$TGT" repeat 20 >"$SF_TMP/enf0.out" 2>"$SF_TMP/enf0.err"
rc=$?
if [[ $rc -eq 3 ]]; then
	ok "the same variation under the original policy is stopped (status 3)"
else
	not_ok "the same variation under the original policy is stopped (status 3)"
	diag_file "$SF_TMP/enf0.err"
fi

done_testing
