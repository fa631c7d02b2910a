#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t044-complain - complain mode and naming every violation (issue 12).
#
#  - `enforce --action log` is a dry run: a call outside the seccomp floor
#    runs (the floor logs it) and is reported by the per-library layer;
#    --kill-on NAME still stops NAME at the floor;
#  - a kill by the seccomp floor is named: the real pid (a grandchild of
#    the target), comm, syscall and decoded arguments, the calling library
#    and site, on stderr and in the -l JSON log; the summary counts it;
#    status 3 although the top process exits 0;
#  - printed pids are the target's, not the shim's;
#  - the JSON log is complete whatever --report-limit says, and repeats are
#    aggregated (count, first, last);
#  - a violation while sysfence stops the target gives status 3.
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

plan 12

learn() {
	local pol=$1
	shift
	timeout --kill-after=5 60 "$SF" learn --quiet --trace "$SF_TMP/l$RANDOM.trace.zst" \
		--policy "$pol" -- "$@" >/dev/null 2>"$SF_TMP/learn.err"
}

# enf NAME ENFORCE-ARGS...: status in $rc, output in $SF_TMP/NAME.out/.err
enf() {
	local name=$1
	shift
	timeout --kill-after=5 60 "$SF" enforce "$@" >"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err"
	rc=$?
}

P_GC=$SF_TMP/grandchild.json
P_RP=$SF_TMP/repeat.json
learn "$P_GC" "$TGT" grandchild --skip || bail "learning grandchild --skip failed: $(cat "$SF_TMP/learn.err")"
learn "$P_RP" "$TGT" repeat 0 || bail "learning repeat 0 failed: $(cat "$SF_TMP/learn.err")"

# ---- 1-2: complain mode never kills ----------------------------------------------------------
enf log-floor --action log "$P_GC" -- "$TGT" grandchild
if [[ $rc -eq 3 ]] && grep -q 'personality returned 0' "$SF_TMP/log-floor.out" &&
	grep -q 'VIOLATION .* personality(arg0=0xffffffff (query)): .* -> logged' "$SF_TMP/log-floor.err" &&
	grep -q '0 by the seccomp floor' "$SF_TMP/log-floor.err"; then
	ok "--action log: a call outside the floor runs, is reported as logged (status 3)"
else
	not_ok "--action log: a call outside the floor runs, is reported as logged (status 3)"
	diag "status $rc"
	diag_file "$SF_TMP/log-floor.out"
	diag_file "$SF_TMP/log-floor.err"
fi
enf log-killon --action log --kill-on personality "$P_GC" -- "$TGT" grandchild
if [[ $rc -eq 3 ]] && ! grep -q 'personality returned' "$SF_TMP/log-killon.out" &&
	grep -q 'personality(.*-> killed by the seccomp floor' "$SF_TMP/log-killon.err"; then
	ok "--action log --kill-on personality: the override still stops it at the floor"
else
	not_ok "--action log --kill-on personality: the override still stops it at the floor"
	diag "status $rc"
	diag_file "$SF_TMP/log-killon.out"
	diag_file "$SF_TMP/log-killon.err"
fi

# ---- 3-7: a floor kill in a grandchild, named -------------------------------------------------
JL=$SF_TMP/floor.jsonl
enf floor -l "$JL" "$P_GC" -- "$TGT" grandchild
gc=$(sed -n 's/^grandchild \([0-9]*\)$/\1/p' "$SF_TMP/floor.out")
top=$(sed -n 's/^top \([0-9]*\)$/\1/p' "$SF_TMP/floor.out")
line=$(grep -a 'sysfence: VIOLATION' "$SF_TMP/floor.err" | head -n 1)
diag "stderr: $line"
if [[ -n $gc && $line == *" pid $gc tid $gc (enforce-target) $TGT: personality(arg0=0xffffffff (query)): "*"seccomp floor"*"site main+0x"*"-> killed by the seccomp floor" ]] &&
	! grep -q 'personality returned' "$SF_TMP/floor.out"; then
	ok "floor kill in a grandchild: stderr names pid, comm, library, syscall, arguments, site"
else
	not_ok "floor kill in a grandchild: stderr names pid, comm, library, syscall, arguments, site"
	diag "grandchild pid '$gc'"
	diag_file "$SF_TMP/floor.err"
fi
diag "JSON: $(head -n 1 "$JL" 2>/dev/null)"
if jq -e -s --arg tgt "$TGT" --argjson gc "${gc:-0}" '
	length == 1 and .[0].pid == $gc and .[0].comm == "enforce-target" and
	.[0].binary == $tgt and .[0].library == $tgt and .[0].syscall == "personality" and
	.[0].args == "arg0=0xffffffff (query)" and .[0].argValues == [{"index": 0, "value": 4294967295}] and
	.[0].action == "killed by the seccomp floor" and .[0].count == 1 and
	(.[0].site.symbol | startswith("main+"))' "$JL" >/dev/null 2>&1; then
	ok "floor kill: one JSON line with the same facts"
else
	not_ok "floor kill: one JSON line with the same facts"
	diag_file "$JL"
fi
if [[ $rc -eq 3 ]] && grep -q '^sysfence: 1 violations (1 distinct.* 1 by the seccomp floor' "$SF_TMP/floor.err"; then
	ok "floor kill: counted in the summary, status 3 (the top process exited 0)"
else
	not_ok "floor kill: counted in the summary, status 3 (the top process exited 0)"
	diag "status $rc"
	diag_file "$SF_TMP/floor.err"
fi
if [[ -n $top ]] && grep -q "enforcing .* on pid $top\( (gate on)\)\?$" "$SF_TMP/floor.err" &&
	grep -q "target $top exited with status 0" "$SF_TMP/floor.err"; then
	ok "the pids sysfence prints are the target's ($top), not the shim's"
else
	not_ok "the pids sysfence prints are the target's ($top), not the shim's"
	diag_file "$SF_TMP/floor.err"
fi
enf floor-q --quiet "$P_GC" -- "$TGT" grandchild
if [[ $rc -eq 3 ]] && grep -q 'VIOLATION .* personality(' "$SF_TMP/floor-q.err"; then
	ok "--quiet: the floor kill is still reported, status 3"
else
	not_ok "--quiet: the floor kill is still reported, status 3"
	diag_file "$SF_TMP/floor-q.err"
fi

# ---- 8-10: the JSON log is complete and aggregated ---------------------------------------------
JL=$SF_TMP/repeat.jsonl
enf repeat --action log --report-limit 2 -l "$JL" "$P_RP" -- "$TGT" repeat 50
nviol=$(grep -c 'sysfence: VIOLATION' "$SF_TMP/repeat.err")
if [[ $rc -eq 3 && $nviol -eq 2 ]]; then
	ok "--report-limit 2: two VIOLATION lines on stderr"
else
	not_ok "--report-limit 2: two VIOLATION lines on stderr"
	diag "status $rc, $nviol lines"
	diag_file "$SF_TMP/repeat.err"
fi
# The latest line of each key holds its totals.
totals=$(jq -s -c 'group_by([.binary, .library, .syscall, .argValues]) | map(last) |
	map(select(.syscall == "mmap" or .syscall == "personality")) |
	map({s: .syscall, a: .args, c: .count}) | sort_by(.s, .a)' "$JL" 2>/dev/null)
want='[{"s":"mmap","a":"arg2=PROT_READ","c":50},{"s":"mmap","a":"arg2=PROT_READ|PROT_WRITE","c":50},{"s":"personality","a":"arg0=0xffffffff (query)","c":1}]'
if [[ $totals == "$want" ]]; then
	ok "-l: every distinct violation logged despite --report-limit, repeats counted (50, 50, 1)"
else
	not_ok "-l: every distinct violation logged despite --report-limit, repeats counted (50, 50, 1)"
	diag "got  $totals"
	diag "want $want"
	diag_file "$JL"
fi
if [[ $(wc -l <"$JL") -le 8 ]] && jq -e -s 'all(.[]; (.first <= .last) and (.count >= 1))' "$JL" >/dev/null; then
	ok "-l: $(wc -l <"$JL") lines for $(grep -o '^sysfence: [0-9]* violations' "$SF_TMP/repeat.err" | cut -d' ' -f2) violations, first <= last"
else
	not_ok "-l: aggregated lines (at most 2 per key), first <= last"
	diag_file "$JL"
fi

# ---- 11-12: a violation during sysfence's stop sequence ------------------------------------------
P_OT=$SF_TMP/onterm.json
# Learned with a SIGTERM (timeout sends it) that the handler ignores.
learn "$P_OT" timeout -s TERM 1 "$TGT" onterm 10 --skip || diag "learning onterm failed"
enf onterm --duration 1 "$P_OT" -- "$TGT" onterm 10
if [[ $rc -eq 3 ]] && grep -q 'VIOLATION .* mmap(' "$SF_TMP/onterm.err"; then
	ok "a violation while sysfence stops the target: reported, status 3"
else
	not_ok "a violation while sysfence stops the target: reported, status 3"
	diag "status $rc"
	diag_file "$SF_TMP/onterm.err"
fi
enf onterm-log --action log --duration 1 "$P_OT" -- "$TGT" onterm 10
if [[ $rc -eq 3 ]] && grep -q 'onterm: mmap returned 0x' "$SF_TMP/onterm-log.err"; then
	ok "the same in complain mode: logged, the handler ran, status 3"
else
	not_ok "the same in complain mode: logged, the handler ran, status 3"
	diag "status $rc"
	diag_file "$SF_TMP/onterm-log.err"
fi

done_testing
