#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# scripts/run-tests.sh O - `make test` after the build: every unit test
# binary $O/tests/unit/test_* (cmocka), then every integration test
# tests/integration/t*.t under prove with SF_BUILD=$O (absolute).
#
# Counts test cases, not files: one per cmocka test (its "[ RUN ]" line) and
# one per TAP result line ("ok"/"not ok").  Prints per-file figures, then
# "N passed, N failed" (test cases) last, and exits non-zero on any failure.
#
# Wall time: after each unit binary and integration file a line
# "-- NAME: wall N.N s"; before the summary, "wall time: ..." (the phases)
# and the ten slowest files ("slowest: N.N s NAME" lines, slowest first).
# SF_TIMES=FILE also writes every file's "SECONDS NAME" there (appended).
#
# SF_JOBS=N (default 1; .ci/run: 2): up to N integration files at a time,
# those tagged "# sf-parallel: ok" (or "first") in their header, each
# file's output printed in one block when it ends; then the untagged ones
# alone, live.  With 1, every file alone in name order.
#
# CI=true (set by .ci/run) forbids skipping: a cmocka "[  SKIPPED ]" test, a
# TAP "# SKIP" line, a "1..0 # SKIP" file each count as failed.  Outside CI
# they are counted as skipped and listed.  A TAP "# TODO reason" line is a
# check that ran and is a known failure listed in the repository (e.g.
# tests/matrix/known-failing.txt): not a failure, but counted and named in
# the summary; a TODO without a reason counts as failed under CI.
#
# Sanitizers (a SANITIZE=1 build; harmless otherwise): ASAN_OPTIONS and
# UBSAN_OPTIONS are set here, once, for the whole pass: the first report
# halts the process with exit status $SF_SANITIZER_EXITCODE (86: no sysfence
# path uses it; sysfence exits 0-3); ASan writes it to a per-test-file
# directory (log_path), UBSan to stderr.  A report file there, a report in
# the test's output, or (lib.sh) in a test's saved stderr files fails that
# test file, whatever the test itself checked.  tests/integration/lib.sh's
# sf_no_sanitizer_report lets a test check one command.
#
# SF_SKIP_TESTS="t070-bench-smoke.t ...": integration files not to run
# (the second, SANITIZE=1 pass of CI leaves out the benchmark smoke test,
# which ran in the first pass).  They are counted and named in the summary;
# a name that is no test file is an error.  This is not counted as a skip
# (decision): it leaves a whole file out of a second pass of the same suite,
# chosen by .ci/run, which runs that file in its first pass and clears the
# variable there; a test that could not run is a skip, and fails under CI.
set -u

cd "$(dirname "$0")/.." || exit 1
O=${1:-build}
if [[ ! -d $O ]]; then
	echo "sysfence: error: build directory $O not found (run make)" >&2
	exit 1
fi
SF_BUILD=$(cd "$O" && pwd)
export SF_BUILD
CI=${CI:-}

UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
INTEGRATION_TIMEOUT=${INTEGRATION_TIMEOUT:-900}

# ---- sanitizer options, once for the pass -------------------------------------
SF_SANITIZER_EXITCODE=86
SF_SAN_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/sysfence-san.XXXXXX") || exit 1
trap 'rm -rf "$SF_SAN_ROOT"' EXIT
export SF_SANITIZER_EXITCODE
san_opts=halt_on_error=1:exitcode=$SF_SANITIZER_EXITCODE:print_stacktrace=1:symbolize=1
# set_san_dir NAME: reports of the next test go to $SF_SAN_ROOT/NAME/ (as
# well as to its stderr: log_exe_name keeps files apart per program).
set_san_dir() {
	SF_SAN_LOGDIR=$SF_SAN_ROOT/$1
	mkdir -p "$SF_SAN_LOGDIR"
	export SF_SAN_LOGDIR
	export ASAN_OPTIONS="$san_opts:detect_leaks=1:log_path=$SF_SAN_LOGDIR/report:log_exe_name=1"
	export UBSAN_OPTIONS="$san_opts:log_path=$SF_SAN_LOGDIR/report:log_exe_name=1"
}
# san_reports NAME: print the reports written during test NAME (files, or
# lines in its output $LOG: UBSan reports go to stderr); 0 iff any.
SAN_PATTERN='ERROR: (Address|Leak)Sanitizer|runtime error: |SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer'
san_reports() {
	local f found=1
	for f in "$SF_SAN_ROOT/$1"/report*; do
		[[ -s $f ]] || continue
		found=0
		echo "-- $1: sanitizer report ${f##*/}:"
		sed -n '1,40p' "$f"
	done
	if grep -aqE "$SAN_PATTERN" "$LOG"; then
		found=0
		echo "-- $1: sanitizer report in its output:"
		grep -aE -m 5 "$SAN_PATTERN" "$LOG"
	fi
	return $found
}

# ---- wall time per file ---------------------------------------------------------
# now_us: microseconds since the epoch ($EPOCHREALTIME without its decimal
# separator, whatever the locale's).
now_us() {
	echo "${EPOCHREALTIME//[!0-9]/}"
}
# secs US: microseconds as "S.d".
secs() {
	printf '%d.%d' $(($1 / 1000000)) $((($1 % 1000000) / 100000))
}
times=() # "MICROSECONDS NAME"
# timed NAME US: record and print NAME's wall time (microseconds).
timed() {
	local us=$2
	times+=("$us $1")
	echo "-- $1: wall $(secs "$us") s"
	[[ -n ${SF_TIMES:-} ]] && echo "$(secs "$us") $1" >>"$SF_TIMES"
	return 0
}
pass_start=$(now_us)

cases_passed=0
cases_failed=0
cases_skipped=0
cases_todo=0
todo_list=()
failures=()
skipped_list=()
left_out=()

# record FILE PASS FAIL SKIP: add one file's test cases.
record() {
	cases_passed=$((cases_passed + $2))
	cases_failed=$((cases_failed + $3))
	cases_skipped=$((cases_skipped + $4))
}

echo "== unit tests ($SF_BUILD/tests/unit)"
units=()
for t in "$SF_BUILD"/tests/unit/test_*; do
	[[ -f $t && -x $t && $t != *.d && $t != *.o ]] && units+=("$t")
done
if [[ ${#units[@]} -eq 0 ]]; then
	echo "sysfence: error: no unit test binaries in $SF_BUILD/tests/unit" >&2
	cases_failed=$((cases_failed + 1))
	failures+=("unit: none built")
fi
LOG=$SF_SAN_ROOT/out
for t in "${units[@]}"; do
	name=${t##*/}
	echo "-- $name"
	set_san_dir "$name"
	t0=$(now_us)
	timeout --kill-after=10 "$UNIT_TIMEOUT" "$t" 2>&1 | tee "$LOG"
	rc=${PIPESTATUS[0]}
	timed "$name" $(($(now_us) - t0))
	# cmocka: "[ RUN      ] x" then one of "[       OK ] x",
	# "[  FAILED  ] x", "[  SKIPPED ] x"; the summary after "[==========] N
	# test(s) run." repeats names, so only lines before it count.  A test
	# that started and has no result line (a crash) is failed.
	read -r run pass fail skip < <(awk '
		/^\[==========\] [0-9]+ test\(s\) run\./ { done = 1 }
		done { next }
		/^\[ RUN      \] / { run++ }
		/^\[       OK \] / { pass++ }
		/^\[  FAILED  \] / { fail++ }
		/^\[  SKIPPED \] / { skip++ }
		/^\[  ERROR   \] / { fail++ }
		END { printf "%d %d %d %d\n", run, pass, fail, skip }' "$LOG")
	crashed=$((run - pass - fail - skip))
	((crashed > 0)) && fail=$((fail + crashed))
	if [[ $CI == true ]] && ((skip > 0)); then
		echo "-- $name: $skip skipped test(s): CI=true counts them as failed"
		fail=$((fail + skip))
		skip=0
	fi
	if san_reports "$name"; then
		fail=$((fail + 1))
		failures+=("$name (sanitizer report)")
	fi
	if [[ $rc -ne 0 ]] && ((fail == 0)); then
		fail=1 # failed outside any test case (setup, exit status)
	fi
	((run == 0 && fail == 0)) && { fail=1; echo "-- $name: ran no test"; }
	record "$name" "$pass" "$fail" "$skip"
	((skip > 0)) && skipped_list+=("$name: $skip test(s) skipped")
	if ((fail > 0)); then
		failures+=("$name: $fail failed (exit $rc)")
		echo "-- $name: FAILED (exit $rc; $pass passed, $fail failed)"
	fi
done

unit_us=$(($(now_us) - pass_start))

echo
echo "== integration tests (prove, SF_BUILD=$SF_BUILD)"
integ_start=$(now_us)
if ! command -v prove >/dev/null; then
	echo "sysfence: error: prove not found (perl; run scripts/install-deps.sh)" >&2
	exit 1
fi
# SF_SKIP_TESTS: every name must be a test file.
for s in ${SF_SKIP_TESTS:-}; do
	if [[ ! -f tests/integration/$s ]]; then
		echo "sysfence: error: SF_SKIP_TESTS names '$s', which is no file in tests/integration" >&2
		cases_failed=$((cases_failed + 1))
		failures+=("SF_SKIP_TESTS: no such test file '$s'")
	fi
done
# run_file T live|quiet: run integration file T under prove -v into
# $SF_SAN_ROOT/NAME.log (live: also to stdout); its exit status and wall
# time (us) go to $SF_SAN_ROOT/NAME.rc.
run_file() {
	local t=$1 name=${1##*/} t0 rc
	set_san_dir "$name"
	t0=$(now_us)
	if [[ $2 == live ]]; then
		timeout --kill-after=30 "$INTEGRATION_TIMEOUT" prove -v "$t" 2>&1 |
			tee "$SF_SAN_ROOT/$name.log"
		rc=${PIPESTATUS[0]}
	else
		timeout --kill-after=30 "$INTEGRATION_TIMEOUT" prove -v "$t" \
			>"$SF_SAN_ROOT/$name.log" 2>&1 </dev/null
		rc=$?
	fi
	echo "$rc $(($(now_us) - t0))" >"$SF_SAN_ROOT/$name.rc"
}

# tally NAME: count the test cases of a file that ran (run_file).
tally() {
	local name=$1 us pass fail skip todo bare plan0
	LOG=$SF_SAN_ROOT/$name.log
	read -r rc us <"$SF_SAN_ROOT/$name.rc" || { rc=1 us=0; }
	timed "$name" "$us"
	# TAP result lines as prove -v echoes them (the first one may follow
	# prove's "name .. " prefix on the same line).
	read -r pass fail skip todo bare plan0 < <(sed 's/^.*\.t \.\. //' "$LOG" | awk '
		/^ok [0-9]+/ && /# *[Ss][Kk][Ii][Pp]/ { skip++; next }
		/^(not )?ok [0-9]+/ && /# *TODO *$/ { bare++; next }
		/^(not )?ok [0-9]+/ && /# *TODO/ { todo++; next }
		/^ok [0-9]+/ { pass++; next }
		/^not ok [0-9]+/ { fail++; next }
		/^1\.\.0 *# *[Ss][Kk][Ii][Pp]/ { plan0 = 1 }
		END { printf "%d %d %d %d %d %d\n", pass, fail, skip, todo, bare, plan0 }')
	if ((plan0)); then
		echo "-- $name: skipped as a whole ($(grep -m1 '1\.\.0' "$LOG"))"
		skip=$((skip + 1))
	fi
	if [[ $CI == true ]] && ((skip + bare > 0)); then
		echo "-- $name: $skip skipped, $bare TODO without a reason: CI=true counts them as failed"
		fail=$((fail + skip + bare))
		skip=0
	else
		skip=$((skip + bare))
	fi
	if ((todo > 0)); then
		cases_todo=$((cases_todo + todo))
		todo_list+=("$name: $todo known failure(s) (TODO)")
	fi
	if san_reports "$name"; then
		fail=$((fail + 1))
		failures+=("$name (sanitizer report)")
	fi
	if [[ $rc -ne 0 ]] && ((fail == 0)); then
		fail=1 # bad plan, died early, timeout
	fi
	record "$name" "$pass" "$fail" "$skip"
	((skip > 0)) && skipped_list+=("$name: $skip test(s) skipped")
	if ((fail > 0)); then
		failures+=("$name: $fail failed$([[ $rc -eq 124 ]] && echo ' (timeout)')")
	fi
}

# Which files run alongside another one (SF_JOBS=N > 1, .ci/run): those
# whose header has the line "# sf-parallel: ok" or "# sf-parallel: first"
# (a long file: started before the others, so that it does not end the
# pass alone).  Every other file runs alone, after them, with its output
# live.  A file is tagged only when it neither measures time, binds a
# fixed port, nor touches state that another file's sysfence could see
# (docs/testing.md "Running files side by side").
SF_JOBS=${SF_JOBS:-1}
[[ $SF_JOBS =~ ^[1-9][0-9]*$ ]] || {
	echo "sysfence: error: SF_JOBS must be a positive number, not '$SF_JOBS'" >&2
	exit 1
}
first=()
shared=()
alone=()
# running[PID]=NAME: the files side by side.  Their jobs ignore SIGINT (no
# job control in a script): Ctrl-C or a TERM stops them here (timeout(1)
# passes the TERM on to the test's process group; its EXIT trap cleans up).
declare -A running=()
stop_running() {
	local p
	for p in "${!running[@]}"; do
		pkill -TERM -P "$p" 2>/dev/null
		kill -TERM "$p" 2>/dev/null
	done
	wait
}
trap 'stop_running; exit 130' INT
trap 'stop_running; exit 143' TERM
for t in tests/integration/t*.t; do
	[[ -f $t ]] || continue
	name=${t##*/}
	if [[ " ${SF_SKIP_TESTS:-} " == *" $name "* ]]; then
		echo "-- $name: not run (listed in SF_SKIP_TESTS)"
		left_out+=("$name")
		continue
	fi
	tag=$(sed -n 's/^# sf-parallel: \(ok\|first\)$/\1/p' "$t" | head -n 1)
	if ((SF_JOBS == 1)) || [[ -z $tag ]]; then
		alone+=("$t")
	elif [[ $tag == first ]]; then
		first+=("$t")
	else
		shared+=("$t")
	fi
done
if ((${#first[@]} + ${#shared[@]} > 0)); then
	echo "-- $((${#first[@]} + ${#shared[@]})) file(s) side by side, $SF_JOBS at a time (each file's output when it ends)"
	# finish_one: wait for one running file, print its output, count it.
	finish_one() {
		local pid=
		wait -n -p pid "${!running[@]}"
		pid=${pid:-} # (wait unsets it when it had no job to wait for)
		if [[ -z $pid || -z ${running[$pid]:-} ]]; then
			# (not expected: wait -n names the job that ended) any
			# file whose job is gone is finished.
			for pid in "${!running[@]}"; do
				kill -0 "$pid" 2>/dev/null || break
				pid=
			done
			[[ -n $pid ]] || { sleep 0.2; return 0; }
		fi
		name=${running[$pid]}
		unset "running[$pid]"
		cat "$SF_SAN_ROOT/$name.log"
		tally "$name"
	}
	for t in "${first[@]}" "${shared[@]}"; do
		while ((${#running[@]} >= SF_JOBS)); do
			finish_one
		done
		run_file "$t" quiet &
		running[$!]=${t##*/}
	done
	while ((${#running[@]} > 0)); do
		finish_one
	done
	((${#alone[@]} > 0)) && echo "-- ${#alone[@]} file(s) one at a time"
fi
for t in "${alone[@]}"; do
	run_file "$t" live
	tally "${t##*/}"
done

integ_us=$(($(now_us) - integ_start))

echo
echo "wall time: unit tests $(secs "$unit_us") s, integration tests $(secs "$integ_us") s, total $(secs $((unit_us + integ_us))) s"
if [[ ${#times[@]} -gt 0 ]]; then
	printf '%s\n' "${times[@]}" | sort -k1,1nr | head -n 10 |
		while read -r us name; do
			echo "slowest: $(secs "$us") s $name"
		done
fi
if [[ ${#left_out[@]} -gt 0 ]]; then
	echo "left out by SF_SKIP_TESTS (${#left_out[@]} file(s), not run in this pass): ${left_out[*]}"
fi
if [[ ${#todo_list[@]} -gt 0 ]]; then
	echo "known failures ($cases_todo TODO test case(s), listed in the repository; not counted as passed):"
	printf '  %s\n' "${todo_list[@]}"
fi
if [[ ${#skipped_list[@]} -gt 0 ]]; then
	echo "skipped ($cases_skipped test case(s); CI=true would fail them):"
	printf '  %s\n' "${skipped_list[@]}"
fi
if [[ ${#failures[@]} -gt 0 ]]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "test cases: ${#units[@]} unit binaries, $((cases_passed + cases_failed + cases_skipped + cases_todo)) cases"
echo "$cases_passed passed, $cases_failed failed"
[[ $cases_failed -eq 0 ]]
