#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t093-threads - thread start is libc's work, and clone3's flags are
# judged (root, real BPF; docs/generalize.md "What the process's imports
# decide", docs/arguments.md).
#
# 1-4: enforce-target makes a process with clone3 (flags 0) from its own
# code: the learned rule holds exactly that value (read from the struct
# in memory) in the library section, and no condition in the OCI profile
# (seccomp cannot read it).  The same run enforced is clean; a run whose
# clone3 asks for CLONE_FILES is stopped by the per-library layer before
# the child exists (the child would create its mark).
# 5-7: sort, learned on a small input (one thread), gets [libc-thread]'s
# baseline because it imports pthread_create: clone3 with glibc's thread
# flags only, in the bucket, not in sort; enforced on an input that makes
# it start threads, it runs clean.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq timeout realpath sort shuf seq
need_sysfence
TGT=$SF_PROGS/enforce-target
[[ -x $TGT ]] || bail "$TGT missing: build it first (make progs)"
TGT=$(realpath -- "$TGT")
sf_tmpdir

plan 7

POL=$SF_TMP/clone3.json
# glibc 2.36's thread flags: CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|
# CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID
THREAD_FLAGS=$((0x3d0f00))

timeout --kill-after=5 60 "$SF" learn --quiet --policy "$POL" -- "$TGT" clone3 "$SF_TMP/mark-learn" \
	>"$SF_TMP/learn.out" 2>"$SF_TMP/learn.err"
if [[ $? -eq 0 && -e $SF_TMP/mark-learn ]] && grep -q 'clone3: child .* exited 0' "$SF_TMP/learn.out"; then
	ok "learn: enforce-target's clone3 made a process"
else
	not_ok "learn: enforce-target's clone3 made a process"
	diag_file "$SF_TMP/learn.err"
fi
is "$(jq -c --arg lib "$TGT" '.sysfence.libraries[] | select(.path == $lib) | .syscalls[]
	| select(.names == ["clone3"]) | [.args[] | [.index, .value, .op]]' "$POL")" \
	'[[0,0,"SCMP_CMP_EQ"]]' "the executable's clone3 rule: flags == 0 (read from clone_args)"
is "$(jq -c '.syscalls[] | select(any(.names[]; . == "clone3")) | .args // []' "$POL")" '[]' \
	"the OCI profile's clone3 has no condition (seccomp cannot read the struct)"

timeout --kill-after=5 30 "$SF" enforce "$POL" -- "$TGT" clone3 "$SF_TMP/mark-ok" \
	>"$SF_TMP/ok.out" 2>"$SF_TMP/ok.err"
rc1=$?
timeout --kill-after=5 30 "$SF" enforce "$POL" -- "$TGT" clone3 "$SF_TMP/mark-files" --files \
	>"$SF_TMP/files.out" 2>"$SF_TMP/files.err"
rc2=$?
if [[ $rc1 -eq 0 && -e $SF_TMP/mark-ok && $rc2 -eq 3 && ! -e $SF_TMP/mark-files ]] &&
	grep -q 'clone3(arg0=CLONE_FILES).*argument outside the rule' "$SF_TMP/files.err"; then
	ok "enforce: clone3(0) runs; clone3(CLONE_FILES) is stopped before the child exists"
else
	not_ok "enforce: clone3(0) runs; clone3(CLONE_FILES) is stopped before the child exists (exit $rc1, $rc2)"
	diag_file "$SF_TMP/ok.err"
	diag_file "$SF_TMP/files.err"
fi

# 5-7: sort and [libc-thread]
seq 1 2000 | shuf >"$SF_TMP/small.txt"
seq 1 400000 | shuf >"$SF_TMP/big.txt"
SORT=$(command -v sort)
SP=$SF_TMP/sort.json
timeout --kill-after=5 60 "$SF" learn --quiet --policy "$SP" -- "$SORT" --parallel=1 -o "$SF_TMP/s1" "$SF_TMP/small.txt" \
	>"$SF_TMP/sort-learn.out" 2>"$SF_TMP/sort-learn.err" || diag_file "$SF_TMP/sort-learn.err"
is "$(jq -c '.sysfence.libraries[] | select(.path == "[libc-thread]") | .syscalls[]
	| select(.names == ["clone3"]) | [.args[] | .value]' "$SP")" "[$THREAD_FLAGS]" \
	"sort (imports pthread_create): [libc-thread] may clone3 with glibc's thread flags only"
is "$(jq --arg s "$(realpath -- "$SORT")" '[.sysfence.libraries[] | select(.path == $s) | .syscalls[]
	| select(any(.names[]; . == "clone3"))] | length' "$SP")" 0 "sort itself has no clone3"
timeout --kill-after=5 60 "$SF" enforce "$SP" -- "$SORT" --parallel=4 -o "$SF_TMP/s2" "$SF_TMP/big.txt" \
	>"$SF_TMP/sort-enf.out" 2>"$SF_TMP/sort-enf.err"
rc=$?
# the same run learned: it does start threads (an observed clone3 in the bucket)
timeout --kill-after=5 60 "$SF" learn --quiet --generalize none --policy "$SF_TMP/sort-big.json" -- \
	"$SORT" --parallel=4 -o "$SF_TMP/s3" "$SF_TMP/big.txt" >/dev/null 2>&1
threads=$(jq '[.sysfence.libraries[] | select(.path == "[libc-thread]") | .syscalls[]
	| select(.names == ["clone3"])] | length' "$SF_TMP/sort-big.json" 2>/dev/null)
if [[ $rc -eq 0 && $threads -gt 0 ]] && cmp -s <(sort -n "$SF_TMP/big.txt") <(sort -n "$SF_TMP/s2"); then
	ok "sort on 400,000 lines with 4 threads under the policy: clean"
else
	not_ok "sort on 400,000 lines with 4 threads under the policy (exit $rc; clone3 in [libc-thread] when learned: ${threads:-none})"
	diag_file "$SF_TMP/sort-enf.err"
fi
