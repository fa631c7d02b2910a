#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t060-review - review commands on real recordings: learn two workloads of
# the matrix program into two policies; `sysfence diff` must name the
# syscalls the second workload added (and exit 1), `--fail-on` must gate
# on risk, `check` must flag a broken fixture with file:line, show and
# score must run on the learned policy; show --json, score --json (known
# numbers of a fixture), score --plot (a PNG) and groups.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq timeout
need_sysfence
[[ -x $SF_PROGS/matrix ]] || bail "$SF_PROGS/matrix missing: build it first (make progs)"
sf_tmpdir

plan 17

learn() { # name case
	timeout --kill-after=5 30 "$SF" learn --quiet --trace "$SF_TMP/$1.zst" \
		--policy "$SF_TMP/$1.json" -- "$SF_PROGS/matrix" "$2" \
		>"$SF_TMP/$1.out" 2>"$SF_TMP/$1.err"
}

if learn a wrapper && learn b readdir; then
	ok "learned two workloads (matrix wrapper, matrix readdir)"
else
	not_ok "learned two workloads (matrix wrapper, matrix readdir)"
	diag_file "$SF_TMP/a.err"
	diag_file "$SF_TMP/b.err"
fi

NO_COLOR=1 "$SF" diff "$SF_TMP/a.json" "$SF_TMP/b.json" >"$SF_TMP/diff.txt" 2>"$SF_TMP/diff.err"
is "$?" 1 "diff of different workloads exits 1"
libsf_a=$(sf_resolve libsf_a.so)
if grep -qxF "low    + $libsf_a: getdents64" "$SF_TMP/diff.txt"; then
	ok "diff names the new syscall (getdents64 under libsf_a.so)"
else
	not_ok "diff names the new syscall (getdents64 under libsf_a.so)"
	diag_file "$SF_TMP/diff.txt" 40
fi
if grep -qxF "low    - $libsf_a: getppid" "$SF_TMP/diff.txt"; then
	ok "diff names the removed syscall (getppid)"
else
	not_ok "diff names the removed syscall (getppid)"
	diag_file "$SF_TMP/diff.txt" 40
fi

"$SF" diff --json "$SF_TMP/a.json" "$SF_TMP/b.json" >"$SF_TMP/diff.json"
check "diff --json lists getdents64 as an addition" \
	jq -e --arg lib "$libsf_a" '[.changes[] | select(.change == "syscall-added"
		and .library == $lib and .syscall == "getdents64")] | length == 1' \
	"$SF_TMP/diff.json"

"$SF" diff "$SF_TMP/a.json" "$SF_TMP/a.json" >/dev/null
is "$?" 0 "diff of a policy with itself exits 0"

# --fail-on, against expectations fixed here from docs/review.md's weight
# table (not from the tool's own diff --json): a -> b adds getdents64 and
# drops getppid (weight 1: low); a -> a+ptrace adds ptrace (weight 15: high).
"$SF" diff --fail-on high "$SF_TMP/a.json" "$SF_TMP/b.json" >/dev/null
r1=$?
"$SF" diff --fail-on low "$SF_TMP/a.json" "$SF_TMP/b.json" >/dev/null
r2=$?
"$SF" merge -q "$SF_TMP/a.json" --allow "$libsf_a:ptrace" -o "$SF_TMP/a-ptrace.json" 2>"$SF_TMP/allow.err" ||
	diag_file "$SF_TMP/allow.err"
"$SF" diff --fail-on high "$SF_TMP/a.json" "$SF_TMP/a-ptrace.json" >/dev/null
r3=$?
is "$r1 $r2 $r3" "0 1 1" "--fail-on: high on low-risk changes 0, low on them 1, high on an added ptrace 1"

"$SF" check "$SF_SRC/tests/fixtures/review-broken.json" >"$SF_TMP/check.txt" 2>&1
rc=$?
if [[ $rc -eq 1 ]] &&
	grep -q "review-broken.json:14: error: unknown syscall name 'opnat'; did you mean 'openat'?" "$SF_TMP/check.txt"; then
	ok "check flags the broken fixture with file:line (exit 1)"
else
	not_ok "check flags the broken fixture with file:line (exit 1)"
	diag "exit $rc"
	diag_file "$SF_TMP/check.txt"
fi

"$SF" check "$SF_TMP/b.json" >"$SF_TMP/check-b.txt" 2>&1
is "$?" 0 "a learned policy passes check"

if "$SF" show "$SF_TMP/b.json" >"$SF_TMP/show.txt" &&
	"$SF" score "$SF_TMP/b.json" >"$SF_TMP/score.txt" &&
	grep -q "getdents64" "$SF_TMP/show.txt" && grep -q "^no filter" "$SF_TMP/score.txt"; then
	ok "show and score run on the learned policy"
else
	not_ok "show and score run on the learned policy"
	diag_file "$SF_TMP/show.txt"
	diag_file "$SF_TMP/score.txt"
fi

# show --json: the learned evidence, as the policy file records it.
"$SF" show --json "$SF_TMP/b.json" >"$SF_TMP/show.json" 2>"$SF_TMP/show.err"
want=$(jq --arg lib "$libsf_a" '.sysfence.libraries[] | select(.path == $lib) | .evidence.getdents64.count' "$SF_TMP/b.json")
got=$(jq --arg lib "$libsf_a" '.units[] | select(.name == $lib) | .syscalls[] | select(.name == "getdents64") | .count' \
	"$SF_TMP/show.json" 2>/dev/null)
if [[ -n $got && $got == "$want" && $got -ge 1 ]]; then
	ok "show --json: getdents64 under libsf_a.so with the policy's evidence count ($got)"
else
	not_ok "show --json: getdents64 under libsf_a.so with the policy's evidence count"
	diag "show --json count '$got', policy evidence '$want'"
	diag_file "$SF_TMP/show.err"
fi

# score --json on the fixture whose numbers are worked out by hand in
# tests/unit/test_review.c (demo 12+5, libx 21+5, union 53, no filter 1071).
"$SF" score --json "$SF_SRC/tests/fixtures/review-score.json" >"$SF_TMP/score.json" 2>"$SF_TMP/score.err"
is "$(jq -c '[.summary.max, .summary.union, .summary.none, .summary.mostPrivileged,
	(.units[] | select(.name == "/usr/bin/demo") | .score)]' "$SF_TMP/score.json" 2>/dev/null)" \
	'[26,53,1071,"/usr/lib/libx.so",17]' "score --json: the fixture's known scores"

# score --plot: a PNG (gnuplot).
rm -f "$SF_TMP/score.png"
if "$SF" score "$SF_TMP/b.json" --plot "$SF_TMP/score.png" >/dev/null 2>"$SF_TMP/plot.err" &&
	[[ $(head -c 8 "$SF_TMP/score.png" 2>/dev/null | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]; then
	ok "score --plot writes a PNG ($(stat -c %s "$SF_TMP/score.png") bytes)"
else
	not_ok "score --plot writes a PNG"
	diag_file "$SF_TMP/plot.err"
fi
# without gnuplot (the one driver, tracer/plot.c): exit 1 and an error
# naming the package and GNUPLOT.
GNUPLOT=/nonexistent/gnuplot "$SF" score "$SF_TMP/b.json" --plot "$SF_TMP/x.png" \
	>/dev/null 2>"$SF_TMP/noplot.err"
is "$?" 1 "score --plot without gnuplot: exit 1"
check "score --plot without gnuplot: a clear error" \
	grep -q 'gnuplot not found.*GNUPLOT' "$SF_TMP/noplot.err"

# groups: the list, one group's members, an unknown group.
"$SF" groups >"$SF_TMP/groups.txt" 2>&1
g1=$?
"$SF" groups @network-io >"$SF_TMP/netio.txt" 2>&1
g2=$?
if [[ $g1 -eq 0 && $g2 -eq 0 ]] && grep -q '^@network-io ' "$SF_TMP/groups.txt" &&
	grep -q '^@file-system ' "$SF_TMP/groups.txt" &&
	tr ' ' '\n' <"$SF_TMP/netio.txt" | grep -qx socket && tr ' ' '\n' <"$SF_TMP/netio.txt" | grep -qx connect &&
	! tr ' ' '\n' <"$SF_TMP/netio.txt" | grep -qx openat; then
	ok "groups lists the groups; groups @network-io has socket and connect, not openat"
else
	not_ok "groups lists the groups; groups @network-io has socket and connect, not openat"
	diag_file "$SF_TMP/groups.txt"
	diag_file "$SF_TMP/netio.txt"
fi
"$SF" groups @nope >/dev/null 2>"$SF_TMP/nope.err"
rc=$?
if [[ $rc -eq 1 ]] && grep -q "^sysfence: error: unknown group '@nope'" "$SF_TMP/nope.err"; then
	ok "groups @nope: exit 1, 'unknown group'"
else
	not_ok "groups @nope: exit 1, 'unknown group' (exit $rc)"
	diag_file "$SF_TMP/nope.err"
fi

done_testing
