#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t061-policy-edit - `--allow LIB:NAMES` / `--deny LIB:NAMES` on merge and
# enforce: names and @groups resolve, the edit changes what a real run may
# do under enforcement, malformed specs are usage errors.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq timeout
need_sysfence
[[ -x $SF_PROGS/matrix ]] || bail "$SF_PROGS/matrix missing: build it first (make progs)"
sf_tmpdir

plan 8

libsf_a=$(sf_resolve libsf_a.so)
P=$SF_TMP/wrapper.json
timeout --kill-after=5 30 "$SF" learn --quiet --trace "$SF_TMP/w.zst" --policy "$P" \
	-- "$SF_PROGS/matrix" wrapper >"$SF_TMP/learn.out" 2>"$SF_TMP/learn.err"
if sf_lib_has "$P" "$libsf_a" getppid; then
	ok "learned matrix wrapper: getppid under libsf_a.so"
else
	not_ok "learned matrix wrapper: getppid under libsf_a.so"
	diag_file "$SF_TMP/learn.err"
fi

# merge --deny removes, --allow adds (a group expands to its members).
"$SF" merge -q "$P" --deny "$libsf_a:getppid" --allow "$libsf_a:@time" \
	-o "$SF_TMP/edited.json" 2>"$SF_TMP/merge.err"
is "$?" 0 "merge with --deny/--allow exits 0"
if ! sf_lib_has "$SF_TMP/edited.json" "$libsf_a" getppid &&
	sf_lib_has "$SF_TMP/edited.json" "$libsf_a" clock_nanosleep &&
	sf_lib_has "$SF_TMP/edited.json" "$libsf_a" gettimeofday; then
	ok "--deny removed getppid, --allow @time added clock_nanosleep and gettimeofday"
else
	not_ok "--deny removed getppid, --allow @time added clock_nanosleep and gettimeofday"
	diag_file "$SF_TMP/merge.err"
fi

# The edit is enforced: the marker call is now a violation of libsf_a.so ...
timeout --kill-after=5 30 "$SF" enforce --no-seccomp "$SF_TMP/edited.json" \
	-- "$SF_PROGS/matrix" wrapper >"$SF_TMP/enf1.out" 2>"$SF_TMP/enf1.err"
rc=$?
if [[ $rc -eq 3 ]] && grep -q "$libsf_a: getppid(): syscall not allowed for this library" \
	"$SF_TMP/enf1.err"; then
	ok "enforcing the edited policy kills the denied getppid of libsf_a.so"
else
	not_ok "enforcing the edited policy kills the denied getppid of libsf_a.so (exit $rc)"
	diag_file "$SF_TMP/enf1.err"
fi

# ... and enforce --allow gives it back for one run.
timeout --kill-after=5 30 "$SF" enforce --no-seccomp --allow "$libsf_a:getppid" \
	"$SF_TMP/edited.json" -- "$SF_PROGS/matrix" wrapper >"$SF_TMP/enf2.out" 2>"$SF_TMP/enf2.err"
is "$?" 0 "enforce --allow LIB:getppid: no violation"

# Malformed specs are usage errors with one error line.
"$SF" merge "$P" --allow "libsf_a.so:read" -o "$SF_TMP/x.json" 2>"$SF_TMP/bad1.err"
rc=$?
if [[ $rc -eq 2 ]] && grep -q "sysfence: error: invalid --allow 'libsf_a.so:read': the library must be a full path" \
	"$SF_TMP/bad1.err"; then
	ok "a basename as LIB is refused (exit 2)"
else
	not_ok "a basename as LIB is refused (exit $rc)"
	diag_file "$SF_TMP/bad1.err"
fi
"$SF" merge "$P" --deny "$libsf_a:opnat" -o "$SF_TMP/x.json" 2>"$SF_TMP/bad2.err"
rc=$?
if [[ $rc -eq 1 ]] && grep -q "did you mean 'openat'" "$SF_TMP/bad2.err" &&
	[[ ! -e $SF_TMP/x.json ]]; then
	ok "an unknown syscall name is an error with a suggestion; nothing written"
else
	not_ok "an unknown syscall name is an error with a suggestion (exit $rc)"
	diag_file "$SF_TMP/bad2.err"
fi
"$SF" merge "$P" --allow "$libsf_a" -o "$SF_TMP/x.json" 2>"$SF_TMP/bad3.err"
is "$?" 2 "a spec without ':NAMES' is a usage error"

done_testing
