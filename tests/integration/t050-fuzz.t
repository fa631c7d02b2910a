#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t050-fuzz - `sysfence learn --fuzz` on the bundled example (fuzz/examples,
# docs/fuzz.md), with real AFL++ and real BPF.  About 45 s:
#   1. a policy learned from the seed corpus alone (each seed run once) has
#      none of libsfparse's error-path syscalls;
#   2. learn --fuzz (instrumented build, fork server), stopped by Ctrl-C
#      on events (afl-fuzz's queue, its saved crashes), finds them;
#      crash-only tuples (abort: tgkill) stay out of the policy; afl-fuzz's
#      own calls (shmget, its queue writes) are nowhere in it; the
#      saturation curve and its PNG are written;
#   3. enforce: the corpus-only policy kills the parser on a malformed
#      input, the fuzz-learned one lets it report the error and exit 1;
#   4. non-instrumented fallback (-n, plain gcc build, input on stdin), 8 s;
#   5. --include-crashes keeps the crash-only tuple; --max-replay 3.
#
# sf-parallel: no - run alone until its crash-only split is robust under load: in a side-by-side sanitized pass, once, the crash run's policy kept tgkill (docs/testing.md)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq afl-fuzz timeout
need_sysfence
FX=$SF_BUILD/fuzz/examples
[[ -x $FX/sfparse ]] || bail "$FX/sfparse missing: build it first (make fuzz-example; needs afl-clang-fast)"
[[ -x $FX/plain/sfparse ]] || bail "$FX/plain/sfparse missing: build it first (make fuzz-example)"
SEEDS=$SF_SRC/fuzz/examples/corpus
LIB=$(realpath "$FX/libsfparse.so")
PLAIN_LIB=$(realpath "$FX/plain/libsfparse.so")
ERROR_CALLS=(uname getppid flock fsync)
sf_tmpdir
export SFPARSE_DIAG=$SF_TMP/diag.log
# afl-fuzz refuses to start when ASAN_OPTIONS lacks abort_on_error=1 and
# symbolize=0; scripts/run-tests.sh sets ASAN_OPTIONS for the whole pass.
# Appended (later flags win): a sanitizer report in sysfence then ends it
# with SIGABRT instead of exit 86, still a failure and still logged.
if [[ -n ${ASAN_OPTIONS:-} ]]; then
	ASAN_OPTIONS=$(sf_asan_options abort_on_error=1:symbolize=0)
	UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}abort_on_error=1:symbolize=0
	export ASAN_OPTIONS UBSAN_OPTIONS
fi

plan 19

# ---- 1. corpus only ------------------------------------------------------------
rc=0
for seed in "$SEEDS"/*; do
	timeout --kill-after=5 30 "$SF" learn --quiet --trace "$SF_TMP/corpus.trace.zst" \
		--policy "$SF_TMP/corpus.json" -- "$FX/sfparse" "$seed" \
		>/dev/null 2>>"$SF_TMP/corpus.err" || rc=$?
done
if [[ $rc -eq 0 ]] && sf_lib_has "$SF_TMP/corpus.json" "$LIB" read; then
	ok "corpus-only policy learned from $(find "$SEEDS" -type f | wc -l) seeds"
else
	not_ok "corpus-only policy learned from the seeds"
	diag_file "$SF_TMP/corpus.err"
fi
missing=()
for sc in "${ERROR_CALLS[@]}" sysinfo getrusage; do
	sf_lib_has "$SF_TMP/corpus.json" "$LIB" "$sc" && missing+=("$sc")
done
is "${missing[*]}" "" "corpus-only policy has none of the error-path calls of libsfparse"

# ---- 2. fuzz ---------------------------------------------------------------------
FUZZ_TRACE=$SF_TMP/fuzz/sfparse.trace.zst
FUZZ_POLICY=$SF_TMP/fuzz.json
count_ids() { find "$1" -maxdepth 1 -name 'id:*' 2>/dev/null | wc -l; }
# fuzz_until NAME SEEDS CRASHES MIN_SEC [LEARN-OPTS...]: learn --fuzz into
# $SF_TMP/NAME.json (trace $SF_TMP/NAME/sfparse.trace.zst, afl-fuzz's dir
# $SF_TMP/NAME-afl) on events, not a fixed time: --duration 120s is only
# the bound; once afl-fuzz has 5 queue entries, CRASHES saved crash inputs
# and MIN_SEC seconds have passed (deadline 90 s), Ctrl-C (SIGINT: fuzzing
# stops, the replay runs, trace and policy are written).  Sets rc, n_crash,
# n_queue.
fuzz_until() {
	local name=$1 seeds=$2 crashes=$3 min=$4 start=$SECONDS fpid
	local afl=$SF_TMP/$name-afl/afl/default
	shift 4
	timeout --kill-after=10 200 "$SF" learn --fuzz "$seeds" --duration 120s \
		--fuzz-out "$SF_TMP/$name-afl" "$@" --trace "$SF_TMP/$name/sfparse.trace.zst" \
		--policy "$SF_TMP/$name.json" -- "$FX/sfparse" @@ >"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err" &
	fpid=$!
	sf_on_exit "sf_stop_pid $fpid 5"
	while kill -0 "$fpid" 2>/dev/null && ((SECONDS - start < 90)); do
		(($(count_ids "$afl/queue") >= 5 && $(count_ids "$afl/crashes") >= crashes &&
			SECONDS - start >= min)) && break
		sleep 0.2
	done
	kill -INT "$fpid" 2>/dev/null
	sf_wait_pid "$fpid" 90
	rc=$?
	# counted once afl-fuzz has stopped: what sysfence had to replay
	n_crash=$(count_ids "$afl/crashes")
	n_queue=$(count_ids "$afl/queue")
	diag "$name: afl-fuzz saved $n_crash crash input(s), $n_queue queue entries; $((SECONDS - start)) s in all"
	echo "$rc $n_crash $n_queue" >"$SF_TMP/$name.result"
}
# The main run: the bundled corpus only, at least 12 s (10 points of the
# saturation curve); crashes are not waited for (afl-fuzz's luck).
fuzz_until fuzz "$SEEDS" 0 12
main_rc=$rc
AFL_DIR=$SF_TMP/fuzz-afl/afl/default
# The crash runs: one seed with many places where a single mutation makes
# the deliberate crash (a record of type 0x7f aborts), so that afl-fuzz
# saves a crash within seconds whatever its luck.  One keeps the
# default (crash-only tuples out) with --max-replay 3, one --include-crashes.
SEEDS2=$SF_TMP/seeds2
mkdir -p "$SEEDS2"
# A valid document of 32 empty records: 32 record-type bytes, any of
# which afl-fuzz's "interesting value" 0x7f turns into the crash.
sum=$((0x53 + 0x46 + 0x52 + 0x31 + 1 + 32 + 32))
{
	printf 'SFR1\001\040'
	for ((i = 0; i < 32; i++)); do printf '\001\000'; done
	printf "\\$(printf %o $((sum % 256)))"
} >"$SEEDS2/32-records.sfr"
# (both at once: each waits for afl-fuzz's luck, not for the CPU)
fuzz_until crash "$SEEDS2" 1 0 --max-replay 3 &
c1=$!
fuzz_until inc "$SEEDS2" 1 0 --include-crashes &
c2=$!
wait "$c1" "$c2"
read -r crash_rc crash_n crash_q <"$SF_TMP/crash.result" || crash_rc=unknown
read -r inc_rc inc_n _ <"$SF_TMP/inc.result" || inc_rc=unknown
rc=$main_rc
if [[ $rc -eq 0 && -s $FUZZ_POLICY ]]; then
	ok "learn --fuzz (fork server, stopped by Ctrl-C) wrote a policy"
else
	not_ok "learn --fuzz (fork server, stopped by Ctrl-C) wrote a policy (exit $rc)"
	diag_file "$SF_TMP/fuzz.err" 30
fi
missing=()
for sc in "${ERROR_CALLS[@]}"; do
	sf_lib_has "$FUZZ_POLICY" "$LIB" "$sc" || missing+=("$sc")
done
is "${missing[*]}" "" "fuzz-learned policy has libsfparse's error path (${ERROR_CALLS[*]})"
found=()
for sc in "${ERROR_CALLS[@]}" sysinfo getrusage; do
	sf_lib_has "$FUZZ_POLICY" "$LIB" "$sc" && ! sf_lib_has "$SF_TMP/corpus.json" "$LIB" "$sc" &&
		found+=("$sc")
done
diag "found by fuzzing, missed by the corpus run: ${found[*]}"

check "summary reports afl-fuzz's executions" \
	grep -q '^sysfence: fuzzed [0-9]*s: [1-9][0-9]* execs' "$SF_TMP/fuzz.err" ||
	diag_file "$SF_TMP/fuzz.err"
diag "$(grep -E '^sysfence: (fuzzed|tuples|saturation:)' "$SF_TMP/fuzz.err")"

# Crash-only tuples: abort() in libsfparse (tgkill) is reached only by the
# crash inputs; kept out of the policy, listed, written aside.  The oracle
# is afl-fuzz's own crashes directory: sysfence must report as many crash
# inputs as afl-fuzz saved.
reported=$(sed -n 's/^sysfence: crash inputs (\([0-9]*\).*/\1/p' "$SF_TMP/crash.err")
if [[ $crash_rc -eq 0 ]] && ((crash_n > 0)) && [[ $reported == "$crash_n" ]] &&
	! sf_lib_has "$SF_TMP/crash.json" "$LIB" tgkill &&
	grep -q "libsfparse.so: tgkill" "$SF_TMP/crash.err" &&
	[[ -s $SF_TMP/crash/sfparse.crashes.trace.zst ]]; then
	ok "crash-only tuples (abort: tgkill) of $crash_n crash input(s) listed, kept out of the policy, written aside"
else
	not_ok "crash-only tuples (abort: tgkill) listed, kept out of the policy, written aside"
	diag "exit $crash_rc; afl-fuzz saved $crash_n crash input(s); sysfence reported '${reported:-none}'"
	diag_file "$SF_TMP/crash.err" 30
fi

# afl-fuzz itself is never recorded: no afl-fuzz library, no shmget (only
# afl-fuzz makes it; the fork server in the target only attaches: shmat).
libs=$(jq -r '[.sysfence.libraries[]?.path] | join(" ")' "$FUZZ_POLICY" 2>/dev/null)
if [[ -n $libs && $libs != *afl-fuzz* && $libs != */usr/bin/* ]]; then
	ok "no afl-fuzz executable in the policy"
else
	not_ok "no afl-fuzz executable in the policy"
	diag "libraries: $libs"
fi
is "$(sf_libs_with "$FUZZ_POLICY" shmget)" "" "no library made shmget (afl-fuzz's own call)"
# The fork server's calls are the target's own: charged to its executable.
check "the fork server (shmat, wait4) is charged to the instrumented executable" \
	sf_lib_has "$FUZZ_POLICY" "$(realpath "$FX/sfparse")" wait4
queue=$(find "$AFL_DIR/queue" -maxdepth 1 -name 'id:*' 2>/dev/null | wc -l)
check "--fuzz-out keeps afl-fuzz's queue ($queue entries)" test "$queue" -ge 5

CURVE=$SF_TMP/fuzz/sfparse.saturation.tsv
points=$(grep -vc '^#' "$CURVE" 2>/dev/null)
check "saturation curve beside the trace ($points points)" test "${points:-0}" -ge 10
"$SF" plot saturation "$FUZZ_TRACE" >/dev/null 2>"$SF_TMP/plot.err"
if [[ -s $SF_TMP/fuzz/sfparse.saturation.png ]] &&
	[[ $(head -c 8 "$SF_TMP/fuzz/sfparse.saturation.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]; then
	ok "sysfence plot saturation writes a PNG"
else
	not_ok "sysfence plot saturation writes a PNG"
	diag_file "$SF_TMP/plot.err"
fi

# ---- 3. enforce -------------------------------------------------------------------
# A malformed input: a valid seed with a wrong checksum byte.
BAD=$SF_TMP/bad-checksum.sfr
head -c 23 "$SEEDS/03-mixed.sfr" >"$BAD" && printf '\000' >>"$BAD"
if ! "$SF" enforce --help >/dev/null 2>&1; then
	not_ok "enforce corpus-only policy kills the parser # TODO sysfence enforce missing"
	not_ok "enforce fuzz-learned policy lets it report # TODO sysfence enforce missing"
	not_ok "enforce fuzz-learned policy, valid input # TODO sysfence enforce missing"
else
	# --no-seccomp: the per-library rules, not the process-wide floor, decide.
	timeout --kill-after=5 30 "$SF" enforce --no-seccomp "$SF_TMP/corpus.json" -- \
		"$FX/sfparse" "$BAD" >/dev/null 2>"$SF_TMP/enf1.err"
	rc=$?
	if [[ $rc -eq 3 ]] && grep -q 'libsfparse.so: .*-> killed' "$SF_TMP/enf1.err" &&
		grep -q 'killed by signal 9' "$SF_TMP/enf1.err"; then
		ok "enforce corpus-only policy: malformed input kills the parser (libsfparse violation)"
	else
		not_ok "enforce corpus-only policy: malformed input kills the parser (exit $rc)"
		diag_file "$SF_TMP/enf1.err"
	fi
	# The fuzz-learned policy merged with the corpus-only one (learn several
	# runs into one policy, README): under afl-fuzz's fork server the
	# parser's first malloc (getrandom for the tcache key) may run before
	# the fork, so a fuzz run alone can miss what every normal run makes.
	"$SF" merge -q "$FUZZ_POLICY" "$SF_TMP/corpus.json" -o "$SF_TMP/fuzz+corpus.json" 2>"$SF_TMP/fc.err" ||
		diag_file "$SF_TMP/fc.err"
	timeout --kill-after=5 30 "$SF" enforce "$SF_TMP/fuzz+corpus.json" -- "$FX/sfparse" "$BAD" \
		>/dev/null 2>"$SF_TMP/enf2.err"
	rc=$?
	if [[ $rc -eq 0 ]] && grep -q 'exited with status 1' "$SF_TMP/enf2.err"; then
		ok "enforce fuzz-learned + corpus policy: the parser reports the malformed input and exits 1"
	else
		not_ok "enforce fuzz-learned policy: the parser reports the malformed input (exit $rc)"
		diag_file "$SF_TMP/enf2.err"
	fi
	timeout --kill-after=5 30 "$SF" enforce "$SF_TMP/fuzz+corpus.json" -- "$FX/sfparse" "$SEEDS/01-name.sfr" \
		>/dev/null 2>"$SF_TMP/enf3.err"
	rc=$?
	if [[ $rc -eq 0 ]] && grep -q 'exited with status 0' "$SF_TMP/enf3.err"; then
		ok "enforce fuzz-learned + corpus policy: a valid input still runs"
	else
		not_ok "enforce fuzz-learned policy: a valid input still runs (exit $rc)"
		diag_file "$SF_TMP/enf3.err"
	fi
fi

# ---- 4. non-instrumented fallback (plain gcc build, input on stdin) ------------------
timeout --kill-after=10 60 "$SF" learn --fuzz "$SEEDS" --duration 8s \
	--trace "$SF_TMP/plain/sfparse.trace.zst" --policy "$SF_TMP/plain.json" \
	-- "$FX/plain/sfparse" >/dev/null 2>"$SF_TMP/plain.err"
rc=$?
if [[ $rc -eq 0 ]] && grep -q 'not instrumented.*coverage guidance is off' "$SF_TMP/plain.err"; then
	ok "non-instrumented target: warning, -n fallback, exit 0"
else
	not_ok "non-instrumented target: warning, -n fallback (exit $rc)"
	diag_file "$SF_TMP/plain.err" 30
fi
if sf_lib_has "$SF_TMP/plain.json" "$PLAIN_LIB" read &&
	grep -q '^sysfence: fuzzed [0-9]*s: [1-9][0-9]* execs' "$SF_TMP/plain.err"; then
	ok "non-instrumented run recorded libsfparse (stdin input)"
else
	not_ok "non-instrumented run recorded libsfparse (stdin input)"
	diag_file "$SF_TMP/plain.err" 30
fi
diag "$(grep -E '^sysfence: (fuzzed|tuples)' "$SF_TMP/plain.err")"

# ---- 5. --include-crashes and --max-replay 3 (the crash runs of 2) ------------------------
if [[ $inc_rc -eq 0 ]] && ((inc_n >= 1)) && sf_lib_has "$SF_TMP/inc.json" "$LIB" tgkill; then
	ok "--include-crashes: the crash-only tuple (tgkill) is in the policy"
else
	not_ok "--include-crashes: the crash-only tuple (tgkill) is in the policy (exit $inc_rc, $inc_n crash inputs)"
	diag_file "$SF_TMP/inc.err" 30
fi
# (afl-fuzz may save a few more entries between our count and its stop:
# the totals sysfence prints are at least what we counted)
total=$(sed -n 's/^sysfence: warning: replaying 3 of \([0-9]*\) queue entries (--max-replay)$/\1/p' "$SF_TMP/crash.err")
if [[ -n $total ]] && ((total >= crash_q && total > 3)) &&
	grep -q "^sysfence: replaying 3 queue entries and [0-9]* crash inputs" "$SF_TMP/crash.err"; then
	ok "--max-replay 3: 3 of $total queue entries replayed, with a warning"
else
	not_ok "--max-replay 3: 3 of ${total:-?} (>= $crash_q) queue entries replayed, with a warning"
	grep -E '^sysfence: (warning: )?replaying' "$SF_TMP/crash.err" | while IFS= read -r l; do diag "$l"; done
	diag_file "$SF_TMP/crash.err" 30
fi

done_testing
