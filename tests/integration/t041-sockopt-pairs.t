#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t041-sockopt-pairs - setsockopt rules are (level, option) pairs, end to
# end (root, real BPF).  sockopt-pairs sets SOL_SOCKET/SO_REUSEADDR and
# IPPROTO_TCP/TCP_NODELAY; learned, the policy holds exactly those two
# pairs (show names TCP_NODELAY by its level, export writes one OCI entry
# per pair) and enforcing the same run is clean.  The cross pairs made of
# the same numbers, SOL_SOCKET with 1 (SO_DEBUG) and IPPROTO_TCP with 2
# (TCP_MAXSEG), were allowed by the old two-set rules and are caught now.
# A policy written the old way (every combination) still loads, as the
# cross product, and `check` warns about it.  The complain-mode fold-back
# adds the pair it logged, and only that pair.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout
need_sysfence
TGT=$SF_PROGS/sockopt-pairs
[[ -x $TGT ]] || bail "$TGT missing: build it first (make progs)"
TGT=$(realpath -- "$TGT")
sf_tmpdir

plan 14

P=$SF_TMP/pairs.json

# pairs POLICY: the executable's setsockopt entries as "level/option", one
# line, sorted (observed and inferred entries alike)
pairs() {
	jq -r --arg exe "$TGT" '
		[.sysfence.libraries[] | select(.path == $exe) | .syscalls[]
		 | select(any(.names[]; . == "setsockopt"))
		 | (.args // []) | map({(.index | tostring): (.value | tostring)}) | add
		 | "\(.["1"] // "*")/\(.["2"] // "*")"] | sort | join(" ")' "$1"
}

# enforce NAME POLICY ARGS...: run the target under POLICY; status in $rc
enforce() {
	local name=$1 pol=$2
	shift 2
	timeout --kill-after=5 60 "$SF" enforce "$pol" -- "$TGT" "$@" \
		>"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err"
	rc=$?
}

# ---- 1-4: learn, the pairs, show, export -------------------------------------------
timeout --kill-after=5 60 "$SF" learn --quiet --trace "$SF_TMP/pairs.zst" --policy "$P" \
	-- "$TGT" >"$SF_TMP/learn.out" 2>"$SF_TMP/learn.err"
if [[ $? -eq 0 ]] && grep -q '^sysfence: target [0-9]* exited with status 0$' "$SF_TMP/learn.err"; then
	ok "learn sockopt-pairs"
else
	not_ok "learn sockopt-pairs"
	diag_file "$SF_TMP/learn.err"
fi
is "$(pairs "$P")" "1/2 6/1" "the policy holds the two pairs seen: (SOL_SOCKET, SO_REUSEADDR), (IPPROTO_TCP, TCP_NODELAY)"
"$SF" show "$P" >"$SF_TMP/show.txt" 2>&1
if grep -q '(arg1, arg2) in {SOL_SOCKET: SO_REUSEADDR; IPPROTO_TCP: TCP_NODELAY}' "$SF_TMP/show.txt" &&
	! grep -q SO_DEBUG "$SF_TMP/show.txt"; then
	ok "show names each option by its level (TCP_NODELAY, not SO_DEBUG)"
else
	not_ok "show names each option by its level (TCP_NODELAY, not SO_DEBUG)"
	diag_file "$SF_TMP/show.txt"
fi
"$SF" export --format oci "$P" >"$SF_TMP/oci.json" 2>"$SF_TMP/oci.err"
is "$(jq -r '[.syscalls[] | select(any(.names[]; . == "setsockopt")) | .args
	| map("\(.index)=\(.value)") | join("&")] | sort | join(" ")' "$SF_TMP/oci.json")" \
	"1=1&2=2 1=6&2=1" "export: one OCI entry per pair, its two conditions ANDed"

# ---- 5-7: enforce: the same run is clean, the cross pairs are caught -------------------
enforce clean "$P"
if [[ $rc -eq 0 ]] && ! grep -q VIOLATION "$SF_TMP/clean.err" && grep -q 'sockopt_pairs: done' "$SF_TMP/clean.out"; then
	ok "enforce: the learned run is clean"
else
	not_ok "enforce: the learned run is clean (status $rc)"
	diag_file "$SF_TMP/clean.err"
fi
enforce debug "$P" so-debug
if [[ $rc -eq 3 ]] && grep -q 'VIOLATION.*setsockopt(arg1=SOL_SOCKET, arg2=SO_DEBUG).*killed' "$SF_TMP/debug.err" &&
	! grep -q 'sockopt_pairs: done' "$SF_TMP/debug.out"; then
	ok "enforce: (SOL_SOCKET, 1 = SO_DEBUG), a pair never seen, is caught (status 3)"
else
	not_ok "enforce: (SOL_SOCKET, 1 = SO_DEBUG), a pair never seen, is caught (status $rc)"
	diag_file "$SF_TMP/debug.err"
fi
enforce maxseg "$P" tcp-maxseg
if [[ $rc -eq 3 ]] && grep -q 'VIOLATION.*setsockopt(arg1=IPPROTO_TCP, arg2=TCP_MAXSEG).*killed' "$SF_TMP/maxseg.err"; then
	ok "enforce: (IPPROTO_TCP, 2 = TCP_MAXSEG) is caught (status 3)"
else
	not_ok "enforce: (IPPROTO_TCP, 2 = TCP_MAXSEG) is caught (status $rc)"
	diag_file "$SF_TMP/maxseg.err"
fi

# ---- 8-10: a policy written before pairs: every combination -------------------------------
OLD=$SF_TMP/old.json
jq --arg exe "$TGT" '
	(.sysfence.libraries[] | select(.path == $exe) | .syscalls) |= (
		map(select(any(.names[]; . == "setsockopt") | not)) +
		[[1, 1], [1, 2], [6, 1], [6, 2]] | map(
			if type == "array" then
				{names: ["setsockopt"], action: "SCMP_ACT_ALLOW", args: [
					{index: 1, value: .[0], valueTwo: 0, op: "SCMP_CMP_EQ"},
					{index: 2, value: .[1], valueTwo: 0, op: "SCMP_CMP_EQ"}]}
			else . end))' "$P" >"$OLD"
"$SF" check "$OLD" >"$SF_TMP/check.out" 2>&1
crc=$?
if [[ $crc -eq 0 ]] && grep -q "warning: 'setsockopt': the (level, option) pairs are every combination of 2 levels and 2 options" "$SF_TMP/check.out"; then
	ok "check: an old two-set policy is valid, with a warning that it allows the cross product"
else
	not_ok "check: an old two-set policy is valid, with a warning that it allows the cross product (status $crc)"
	diag_file "$SF_TMP/check.out"
fi
is "$(pairs "$OLD")" "1/1 1/2 6/1 6/2" "the old policy as written: four combinations"
enforce old "$OLD" so-debug
if [[ $rc -eq 0 ]] && ! grep -q VIOLATION "$SF_TMP/old.err"; then
	ok "enforce: the old policy loads as the cross product (SO_DEBUG allowed, as before)"
else
	not_ok "enforce: the old policy loads as the cross product (status $rc)"
	diag_file "$SF_TMP/old.err"
fi

# ---- 11-14: complain mode, fold the logged pair back ---------------------------------------
LOG=$SF_TMP/complain.jsonl
NEW=$SF_TMP/new.json
timeout --kill-after=5 60 "$SF" enforce --action log -l "$LOG" "$P" -- "$TGT" so-debug \
	>"$SF_TMP/log.out" 2>"$SF_TMP/log.err"
rc=$?
if [[ $rc -eq 3 ]] && grep -q 'sockopt_pairs: done' "$SF_TMP/log.out" &&
	[[ $(jq -c 'select(.syscall == "setsockopt") | .argValues' "$LOG") == '[{"index":1,"value":1},{"index":2,"value":1}]' ]]; then
	ok "complain mode: the run completes, the log holds the pair (1, 1)"
else
	not_ok "complain mode: the run completes, the log holds the pair (1, 1) (status $rc)"
	diag_file "$SF_TMP/log.err"
	diag_file "$LOG"
fi
"$SF" merge "$P" "$LOG" -o "$NEW" >"$SF_TMP/merge.out" 2>&1
if [[ $? -eq 0 ]] && grep -q 'setsockopt arguments widened: .*\[pairs added: (SOL_SOCKET, SO_DEBUG)\]' "$SF_TMP/merge.out"; then
	ok "merge POLICY LOG: the diff names the pair it adds"
else
	not_ok "merge POLICY LOG: the diff names the pair it adds"
	diag_file "$SF_TMP/merge.out"
fi
is "$(pairs "$NEW")" "1/1 1/2 6/1" "the folded policy: the learned pairs and the logged one, no other"
enforce newdbg "$NEW" so-debug
rc1=$rc
enforce newmss "$NEW" tcp-maxseg
if [[ $rc1 -eq 0 ]] && [[ $rc -eq 3 ]]; then
	ok "enforce the folded policy: the logged pair is clean, the other cross pair still caught"
else
	not_ok "enforce the folded policy: the logged pair is clean, the other cross pair still caught (status $rc1, $rc)"
	diag_file "$SF_TMP/newdbg.err"
	diag_file "$SF_TMP/newmss.err"
fi

done_testing
