#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t095-learn-options - learn and merge options no other test exercises
# (root, real BPF), each against a control run without the option:
#   learn --transparent LIB (and -v), --max-values N, --then-enforce;
#   merge --max-values N, --intersect.
# (--include-crashes and --max-replay are in t050, with afl-fuzz.)
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout
need_sysfence
for p in matrix argtest enforce-target libsf_a.so libsf_b.so libargs_b.so; do
	[[ -e $SF_PROGS/$p ]] || bail "$SF_PROGS/$p missing: build it first (make progs)"
done
LIB_A=$(sf_resolve libsf_a.so)
LIB_B=$(sf_resolve libsf_b.so)
ARGS_B=$(sf_resolve libargs_b.so)
TGT=$(sf_resolve enforce-target)
sf_tmpdir
INPUT=$SF_TMP/input.txt
echo hello >"$INPUT"

plan 8

# learn NAME OPTS... -- CMD...: one run into $SF_TMP/NAME.json; the target
# must exit 0.
learn() {
	local name=$1
	shift
	timeout --kill-after=5 60 "$SF" learn --trace "$SF_TMP/$name.zst" \
		--policy "$SF_TMP/$name.json" "$@" >"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err" &&
		grep -q '^sysfence: target [0-9]* exited with status 0$' "$SF_TMP/$name.err"
}

# ---- --transparent and -v ---------------------------------------------------------
# matrix nested: libsf_a calls libsf_b, which calls umask.  By default the
# call is libsf_b's; with libsf_b transparent it is its caller's, libsf_a's.
learn nested-ctl -q -- "$SF_PROGS/matrix" nested || diag_file "$SF_TMP/nested-ctl.err"
learn nested -v --transparent "$LIB_B" -- "$SF_PROGS/matrix" nested || diag_file "$SF_TMP/nested.err"
if sf_lib_has "$SF_TMP/nested-ctl.json" "$LIB_B" umask &&
	! sf_lib_has "$SF_TMP/nested-ctl.json" "$LIB_A" umask &&
	sf_lib_has "$SF_TMP/nested.json" "$LIB_A" umask &&
	! sf_lib_has "$SF_TMP/nested.json" "$LIB_B" umask; then
	ok "--transparent libsf_b.so: umask moves from libsf_b.so (control) to its caller libsf_a.so"
else
	not_ok "--transparent libsf_b.so: umask moves from libsf_b.so (control) to its caller libsf_a.so"
	diag "control: umask under $(sf_libs_with "$SF_TMP/nested-ctl.json" umask | paste -sd' ')"
	diag "--transparent: umask under $(sf_libs_with "$SF_TMP/nested.json" umask | paste -sd' ')"
fi
if grep -q "^sysfence: transparent: $LIB_B ([1-9][0-9]* unwind rows)" "$SF_TMP/nested.err"; then
	ok "-v names the extra transparent library and its unwind table"
else
	not_ok "-v names the extra transparent library and its unwind table"
	diag_file "$SF_TMP/nested.err"
fi
if grep -q '^sysfence: stat syscalls: [1-9]' "$SF_TMP/nested.err" &&
	! grep -q '^sysfence: stat ' "$SF_TMP/nested-ctl.err"; then
	ok "learn -v prints the BPF counters at the end (not without -v)"
else
	not_ok "learn -v prints the BPF counters at the end (not without -v)"
	diag_file "$SF_TMP/nested.err"
fi

# ---- --max-values ------------------------------------------------------------------------
# argtest all: libargs_b makes AF_UNIX and AF_INET sockets (2 family values).
# (socket_family P: the socket entries' family conditions, "any" for none)
socket_family() {
	jq -c --arg lib "$ARGS_B" '[.sysfence.libraries[] | select(.path == $lib) | .syscalls[]
		| select(any(.names[]; . == "socket")) | ((.args // []) | map(select(.index == 0) | .value)
		| if length == 0 then "any" else .[0] end)] | sort' "$1" 2>/dev/null
}
learn mv-ctl -q -- "$SF_PROGS/argtest" all "$INPUT" "$SF_TMP" || diag_file "$SF_TMP/mv-ctl.err"
learn mv1 -q --max-values 1 -- "$SF_PROGS/argtest" all "$INPUT" "$SF_TMP" || diag_file "$SF_TMP/mv1.err"
c=$(socket_family "$SF_TMP/mv-ctl.json")
w=$(socket_family "$SF_TMP/mv1.json")
is "$c / $w" '[1,2] / ["any"]' "learn --max-values 1: socket's 2 families widen to any (control: AF_UNIX, AF_INET)"
"$SF" merge -q --max-values 1 "$SF_TMP/mv-ctl.zst" -o "$SF_TMP/mv-merged.json" 2>"$SF_TMP/mvm.err" ||
	diag_file "$SF_TMP/mvm.err"
"$SF" merge -q "$SF_TMP/mv-ctl.zst" -o "$SF_TMP/mv-merged-ctl.json" 2>>"$SF_TMP/mvm.err"
is "$(socket_family "$SF_TMP/mv-merged-ctl.json") / $(socket_family "$SF_TMP/mv-merged.json")" \
	'[1,2] / ["any"]' "merge --max-values 1 of the same trace widens it the same way"

# ---- merge --intersect ----------------------------------------------------------------------
# wrapper makes getppid, readdir getdents64 (both from libsf_a); the rest
# of their runs is the same program.
learn wr -q -- "$SF_PROGS/matrix" wrapper || diag_file "$SF_TMP/wr.err"
learn rd -q -- "$SF_PROGS/matrix" readdir || diag_file "$SF_TMP/rd.err"
"$SF" merge -q --intersect "$SF_TMP/wr.json" "$SF_TMP/rd.json" -o "$SF_TMP/both.json" 2>"$SF_TMP/int.err" ||
	diag_file "$SF_TMP/int.err"
"$SF" merge -q "$SF_TMP/wr.json" "$SF_TMP/rd.json" -o "$SF_TMP/union.json" 2>>"$SF_TMP/int.err"
# oracle: (library, syscall) pairs computed with jq from the two inputs
pairs() {
	jq -r '.sysfence.libraries[] | .path as $p | .syscalls[].names[] | "\($p) \(.)"' "$1" 2>/dev/null | sort -u
}
want=$(comm -12 <(pairs "$SF_TMP/wr.json") <(pairs "$SF_TMP/rd.json"))
got=$(pairs "$SF_TMP/both.json")
if [[ -n $got && $got == "$want" ]] && ! sf_lib_has "$SF_TMP/both.json" "$LIB_A" getppid &&
	! sf_lib_has "$SF_TMP/both.json" "$LIB_A" getdents64; then
	ok "merge --intersect: exactly the (library, syscall) pairs both inputs have ($(wc -l <<<"$got"))"
else
	not_ok "merge --intersect: exactly the (library, syscall) pairs both inputs have"
	diff <(echo "$want") <(echo "$got") | head -10 | while IFS= read -r l; do diag "$l"; done
fi
if sf_lib_has "$SF_TMP/union.json" "$LIB_A" getppid && sf_lib_has "$SF_TMP/union.json" "$LIB_A" getdents64; then
	ok "control: the plain merge (union) has both getppid and getdents64"
else
	not_ok "control: the plain merge (union) has both getppid and getdents64"
fi

# ---- --then-enforce -------------------------------------------------------------------------
# Learn enforce-target poll for 2 s; when --duration ends, sysfence says
# it now enforces (event, deadline 30 s); only then is the trigger made:
# the new mmap must be killed by the same sysfence process.
TRIG=$SF_TMP/trigger
"$SF" learn --then-enforce --duration 2s --trace "$SF_TMP/te.zst" --policy "$SF_TMP/te.json" \
	-- "$TGT" poll "$TRIG" 40 >"$SF_TMP/te.out" 2>"$SF_TMP/te.err" &
tepid=$!
sf_on_exit "sf_stop_pid $tepid 2"
for ((i = 0; i < 300; i++)); do
	grep -q '^sysfence: now enforcing' "$SF_TMP/te.err" && break
	kill -0 "$tepid" 2>/dev/null || break
	sleep 0.1
done
if grep -q '^sysfence: now enforcing' "$SF_TMP/te.err"; then
	touch "$TRIG"
	sf_wait_pid "$tepid" 20
	rc=$?
	if [[ $rc -eq 3 ]] && grep -q "VIOLATION.* $TGT: mmap(.*-> killed" "$SF_TMP/te.err" &&
		grep -q '^sysfence: target [0-9]* was killed by signal 9' "$SF_TMP/te.err" &&
		! grep -q 'violated: mmap returned' "$SF_TMP/te.err" && [[ -s $SF_TMP/te.json ]]; then
		ok "--then-enforce: the policy is written, then the new call is killed by the same session (exit 3)"
	else
		not_ok "--then-enforce: the policy is written, then the new call is killed by the same session"
		diag "sysfence exit $rc (want 3)"
		diag_file "$SF_TMP/te.err"
	fi
else
	not_ok "--then-enforce: sysfence says it now enforces when --duration ends"
	diag_file "$SF_TMP/te.err"
fi

done_testing
