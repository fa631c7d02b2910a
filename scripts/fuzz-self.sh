#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# scripts/fuzz-self.sh FUZZ_O SECONDS NAME...          fuzz (make fuzz-self)
# scripts/fuzz-self.sh --replay FUZZ_O 0 NAME...        replay (make fuzz-replay)
#
# Fuzz: runs $FUZZ_O/afl/fuzz_NAME under afl-fuzz for SECONDS each, seeded
# from fuzz/corpus/NAME/, output in $FUZZ_OUT/NAME/ (default $FUZZ_O/out).
# FUZZ_JOBS=2 runs two harnesses at a time (default 1: one core).  New crashes and hangs are
# copied to fuzz/crashes/NAME/{crash,hang}-<sha1> (content-named, so the same
# input is kept once); exec counts are printed per harness.
#
# Replay: every file of fuzz/corpus/NAME/ and fuzz/crashes/NAME/ through the
# ASan/UBSan replay binary $FUZZ_O/replay/fuzz_NAME, one process per file
# (bounded by FUZZ_REPLAY_TIMEOUT, default 10 s); a sanitizer report, an
# abort or a timeout fails.
set -u
cd "$(dirname "$0")/.." || exit 1

replay=0
if [[ ${1:-} == --replay ]]; then
	replay=1
	shift
fi
if [[ $# -lt 3 ]]; then
	echo "usage: $0 [--replay] FUZZ_O SECONDS NAME..." >&2
	exit 2
fi
FUZZ_O=$1
SECS=$2
shift 2
NAMES=("$@")

if [[ ! $SECS =~ ^[0-9]+$ ]]; then
	echo "sysfence: error: SECONDS must be a number of seconds, got '$SECS'" >&2
	exit 2
fi

do_replay() {
	local name bin f rc failed=0 n=0
	for name in "${NAMES[@]}"; do
		bin=$FUZZ_O/replay/fuzz_$name
		if [[ ! -x $bin ]]; then
			echo "sysfence: error: $bin missing (make)" >&2
			return 1
		fi
		for f in fuzz/corpus/"$name"/* fuzz/crashes/"$name"/*; do
			[[ -f $f ]] || continue
			n=$((n + 1))
			timeout --kill-after=5 "${FUZZ_REPLAY_TIMEOUT:-10}" "$bin" "$f" \
				>/dev/null 2>"$FUZZ_O/replay.err"
			rc=$?
			if [[ $rc -ne 0 ]]; then
				failed=$((failed + 1))
				echo "FAIL $name $f (exit $rc$([[ $rc -eq 124 ]] && echo ', timeout'))"
				head -c 4000 "$FUZZ_O/replay.err" | sed 's/^/    /'
			fi
		done
	done
	echo "replayed $n inputs, $failed failed"
	[[ $failed -eq 0 ]]
}

if [[ $replay -eq 1 ]]; then
	# leaks count as failures in replay (afl-fuzz sets its own options)
	export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
	mkdir -p "$FUZZ_O"
	do_replay
	exit
fi

command -v afl-fuzz >/dev/null || {
	echo "sysfence: error: afl-fuzz not found (apt-get install afl++)" >&2
	exit 1
}

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SKIP_CRASHES=1 AFL_NO_AFFINITY=${AFL_NO_AFFINITY:-1}
export FUZZ_TMPDIR=${FUZZ_TMPDIR:-/dev/shm}
FUZZ_OUT=${FUZZ_OUT:-$FUZZ_O/out}

run_one() { # name
	local name=$1 bin=$FUZZ_O/afl/fuzz_$1 out=$FUZZ_OUT/$1 dict=()
	[[ -x $bin ]] || { echo "sysfence: error: $bin missing" >&2; return 1; }
	[[ -f fuzz/harness/$name.dict ]] && dict=(-x "fuzz/harness/$name.dict")
	rm -rf "$out"
	mkdir -p "$out"
	echo "== fuzz_$name: ${SECS}s, log $out.log"
	afl-fuzz -V "$SECS" -m none -t 2000 "${dict[@]}" -i "fuzz/corpus/$name" \
		-o "$out" -- "$bin" >"$out.log" 2>&1
}

keep_findings() { # name
	local name=$1 out=$FUZZ_OUT/$1/default kind f dst sum new=0
	for kind in crash hang; do
		for f in "$out/$([[ $kind == crash ]] && echo crashes || echo hangs)"/id:*; do
			[[ -f $f ]] || continue
			sum=$(sha1sum "$f" | cut -c1-16)
			dst=fuzz/crashes/$name/$kind-$sum
			[[ -e $dst ]] && continue
			mkdir -p "fuzz/crashes/$name"
			cp "$f" "$dst"
			new=$((new + 1))
			echo "   new $kind: $dst" >&2
		done
	done
	echo "$new"
}

stat_of() { # file key
	sed -n "s/^$2 *: *//p" "$1" 2>/dev/null
}

summary() {
	local name st
	printf '%-10s %12s %10s %8s %8s %8s\n' HARNESS EXECS EXECS/S CORPUS CRASHES HANGS
	for name in "${NAMES[@]}"; do
		st=$FUZZ_OUT/$name/default/fuzzer_stats
		printf '%-10s %12s %10s %8s %8s %8s\n' "$name" \
			"$(stat_of "$st" execs_done)" "$(stat_of "$st" execs_per_sec)" \
			"$(stat_of "$st" corpus_count)" "$(stat_of "$st" saved_crashes)" \
			"$(stat_of "$st" saved_hangs)"
	done
}

jobs_max=${FUZZ_JOBS:-1}
pids=()
for name in "${NAMES[@]}"; do
	run_one "$name" &
	pids+=($!)
	while [[ $(jobs -rp | wc -l) -ge $jobs_max ]]; do
		wait -n
	done
done
wait
total_new=0
for name in "${NAMES[@]}"; do
	n=$(keep_findings "$name")
	total_new=$((total_new + ${n:-0}))
done
summary
if [[ $total_new -gt 0 ]]; then
	echo "sysfence: $total_new new crash/hang inputs kept under fuzz/crashes/ (replay: make fuzz-replay)"
	exit 1
fi
