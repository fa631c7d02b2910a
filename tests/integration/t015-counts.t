#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t015-counts - learn counts every call exactly.  The per-CPU unwind cache
# keeps, per entry, the tuple's slot in "tuple_counts" and the copy of the
# process's sf_proc fields; calls answered from them must still land on
# the right tuple, once each, whichever CPU and process made them.
#
# sf-bench-loop getppid N with R rounds makes N/10 + 1 (warm-up) + R * N
# getppid calls from its own main(): the policy's evidence count of
# getppid for the loop's binary must be exactly that, for one process, and
# for two processes of the same binary running at once (two CPUs, one
# shared cache per CPU, the process copy switching between them).
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout
need_sysfence
LOOP=$SF_BUILD/bench/sf-bench-loop
[[ -x $LOOP ]] || bail "$LOOP missing: build it first (make)"
LOOP=$(realpath "$LOOP")
sf_tmpdir

N=30000
ROUNDS=3
ONE=$((N / 10 + 1 + ROUNDS * N))

plan 4

count_of() { # POLICY -> getppid count of the loop's binary
	jq -r --arg p "$LOOP" '.sysfence.libraries[] | select(.path == $p) | .evidence.getppid.count' "$1"
}

if timeout 120 "$SF" learn -q --trace "$SF_TMP/one.trace.zst" --policy "$SF_TMP/one.json" \
	-- "$LOOP" --rounds "$ROUNDS" getppid "$N" >"$SF_TMP/one.out" 2>"$SF_TMP/one.err"; then
	ok "learn of one loop exits 0"
else
	not_ok "learn of one loop exits 0"
	diag_file "$SF_TMP/one.err" 10
fi
is "$(count_of "$SF_TMP/one.json")" "$ONE" "one process: every getppid counted once ($ONE)"

# Two processes of the same binary at once, children of a shell.
# shellcheck disable=SC2016 # $1..$3 are the inner shell's arguments
if timeout 120 "$SF" learn -q --trace "$SF_TMP/two.trace.zst" --policy "$SF_TMP/two.json" \
	-- /bin/sh -c '"$1" --rounds "$2" getppid "$3" & "$1" --rounds "$2" getppid "$3"; wait' \
	sh "$LOOP" "$ROUNDS" "$N" >"$SF_TMP/two.out" 2>"$SF_TMP/two.err"; then
	ok "learn of two concurrent loops exits 0"
else
	not_ok "learn of two concurrent loops exits 0"
	diag_file "$SF_TMP/two.err" 10
fi
is "$(count_of "$SF_TMP/two.json")" "$((2 * ONE))" \
	"two processes at once: every getppid counted once ($((2 * ONE)))"

done_testing
