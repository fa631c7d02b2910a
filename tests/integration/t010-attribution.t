#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t010-attribution - ground-truth attribution matrix.
#
# For every case of tests/progs/matrix-cases.txt: learn one run of the test
# program with sysfence and check that the case's marker syscall is charged
# to the expected library / executable / bucket (check "only": and to
# nothing else).  Then the whole matrix again with SF_HAMMER=1: a second
# thread hammers mmap/munmap, which makes bpf_find_vma() fail with EBUSY;
# attribution must not change.  In CI's sanitized pass (SF_SECOND_PASS=1)
# the hammer column is left out: its EBUSY retries are BPF code, which the
# sanitizer does not instrument, and its userspace work is the normal
# column's (the plain pass ran both).
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout
need_sysfence
[[ -x $SF_PROGS/matrix ]] || bail "$SF_PROGS/matrix missing: build it first (make progs)"

CASES=$SF_SRC/tests/progs/matrix-cases.txt
[[ -r $CASES ]] || bail "$CASES missing"
sf_tmpdir

mapfile -t ROWS < <(grep -v '^[[:space:]]*\(#\|$\)' "$CASES")
MODES=(normal hammer)
if sf_second_pass; then
	MODES=(normal)
	diag "SF_SECOND_PASS=1: the hammer column is left out (it ran in the plain pass)"
fi
plan $((${#MODES[@]} * ${#ROWS[@]}))

declare -A passed=([normal]=0 [hammer]=0)
failed_cases=()

run_case() { # mode case marker expected check prog
	local mode=$1 c=$2 marker=$3 expected=$4 check=$5 prog=$6
	local dir=$SF_TMP/$mode/$c want rc others desc
	local -a env=()

	mkdir -p "$dir"
	[[ $mode == hammer ]] && env=(SF_HAMMER=1)
	desc="$c ($mode): $marker -> $expected"
	if ! want=$(sf_resolve "$expected"); then
		not_ok "$desc"
		diag "cannot resolve $expected under $SF_PROGS"
		return
	fi
	# --generalize none: attribution is judged on observed rules only
	# (inferred rules, docs/generalize.md, add calls to other units)
	env "${env[@]}" timeout --kill-after=5 30 \
		"$SF" learn --quiet --generalize none --trace "$dir/trace.zst" \
		--policy "$dir/policy.json" \
		-- "$SF_PROGS/$prog" "$c" >"$dir/out" 2>"$dir/err"
	rc=$?
	if [[ $rc -ne 0 ]]; then
		not_ok "$desc"
		diag "sysfence learn exited $rc$([[ $rc -eq 124 ]] && echo ' (timeout)')"
		diag_file "$dir/err"
		failed_cases+=("$c/$mode")
		return
	fi
	if ! jq -e '.sysfence.libraries | type == "array"' "$dir/policy.json" >/dev/null 2>&1; then
		not_ok "$desc"
		diag "no readable policy (.sysfence.libraries) in $dir/policy.json"
		diag_file "$dir/err"
		failed_cases+=("$c/$mode")
		return
	fi
	others=$(sf_libs_with "$dir/policy.json" "$marker" | grep -vxF -- "$want")
	# check "not:LIB": the marker must not be charged to LIB (the caller of
	# a libc runtime function, e.g. the library that called malloc)
	local banned=
	[[ $check == not:* ]] && banned=$(sf_resolve "${check#not:}")
	if sf_lib_has "$dir/policy.json" "$want" "$marker" &&
		[[ $check != only || -z $others ]] &&
		{ [[ -z $banned ]] || ! grep -qxF -- "$banned" <<<"$others"; }; then
		ok "$desc"
		passed[$mode]=$((passed[$mode] + 1))
		return
	fi
	not_ok "$desc"
	failed_cases+=("$c/$mode")
	if sf_lib_has "$dir/policy.json" "$want" "$marker"; then
		diag "$marker is under $want, but also charged to (check '$check'):"
	else
		diag "$marker is not under $want; it was charged to:"
	fi
	if [[ -n $others ]]; then
		diag "$(awk '{ print "    " $0 }' <<<"$others")"
	else
		diag "    (nothing: the policy has no $marker at all)"
	fi
	diag "libraries in the policy: $(jq -r '[.sysfence.libraries[]?.path] | join(", ")' "$dir/policy.json")"
}

for mode in "${MODES[@]}"; do
	for row in "${ROWS[@]}"; do
		# shellcheck disable=SC2086
		set -- $row
		run_case "$mode" "$1" "$2" "$3" "${4:-only}" "${5:-matrix}"
	done
done

n=${#ROWS[@]}
summary=()
for mode in "${MODES[@]}"; do
	summary+=("${passed[$mode]}/$n correct ($mode)")
done
diag "attribution: $(IFS=,; echo "${summary[*]}" | sed 's/,/, /g')"
[[ ${#failed_cases[@]} -eq 0 ]] || diag "failed: ${failed_cases[*]}"
done_testing
