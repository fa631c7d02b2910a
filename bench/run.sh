#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# bench/run.sh - `make bench`: sysfence side by side with its floors.
#
#   bench/run.sh [--quick] [--build DIR] [--out DIR] [--reps N] [--only LIST]
#                [--seconds N]
#
#   --quick      tiny sizes, one repetition: a smoke run of seconds
#   --build DIR  build directory (default build)
#   --out DIR    where results.md, results.png and raw.tsv go (default bench)
#   --reps N     repetitions (default 5; --quick: 1)
#   --only LIST  comma-separated sections:
#                micro,redis,nginx,memcached,postgres,learner
#   --seconds N  load duration of the nginx, memcached and postgres runs
#                (default 5; --quick: 1)
#
# Every repetition runs every configuration once, round-robin, the order
# rotated by one per repetition; the tables show medians over repetitions,
# so ratios taken in one session hold on a noisy 2-core VM.
#
# Sections and configurations:
#   micro    sf-bench-loop getppid / mixed (ns per syscall):
#            none, seccomp (allow-list installed in the loop before it
#            starts), seccomp-policy (the union of a policy learned on the
#            loop, with argument conditions: enforce's seccomp floor), empty (bench/empty.bpf.c's
#            sys_enter program attached), empty2 (its sys_enter and sys_exit
#            programs: what any tracer with learn's pair of programs costs),
#            learn (launched under `sysfence learn`), enforce (launched under
#            `sysfence enforce` with a policy learned on the loop itself),
#            enforce-lean (the same with $ENFORCE_LEAN: no program at
#            sys_exit), untracked (sysfence learning `sleep`, the loop not
#            tracked: it pays learn's sys_enter and sys_exit programs)
#   servers  each started per configuration, loaded on loopback; its
#            policy learned first under the same load (like a user would):
#     redis      redis-benchmark -q -t set,get,incr,lpush -n 200000 -c 50
#     nginx      2 workers, keep-alive, one 4 KiB static file, wrk -t2 -c16
#     memcached  2 threads, memcaslap -T 2 -c 16 (90% get, 10% set)
#     postgres   initdb in the temporary directory, unix socket there,
#                run as user postgres; pgbench -S -c 16 -j 2 (scale 1)
#            configurations: none; floor (enforce's seccomp floor alone,
#            sf-bench-seccomp-exec --policy: learner's seccomp__build_floor);
#            seccomp (redis, nginx: the exact union with every argument
#            condition, `sysfence export --format bpf`); learn; enforce;
#            enforce-lean (enforce $ENFORCE_LEAN: the Landlock floor still
#            denies, unreported; no program at any system call's exit).
#            Then, for learn and enforce, one statistics run per server with
#            kernel.bpf_stats_enabled=1 (restored after): BPF ns per
#            invocation of this instance's sf_sys_enter, the tracked share
#            of its invocations, the unwind-cache hit rate (sysfence -v).
#            QUICK: the repetition's own learn/enforce runs give them.
#   learner  `sysfence merge` of 100 traces (perturbed copies of the redis
#            trace learned here, sf-bench-gen-traces): wall time, max RSS
# A configuration whose command does not exist yet shows "n/a (...)".
set -u

cd "$(dirname "$0")/.." || exit 1
SRC=$PWD
QUICK=0
BUILD=build
OUT=
REPS=
SECS=
ONLY=micro,redis,nginx,memcached,postgres,learner
ENFORCE_LEAN="--floor-reports off --path-check off"

usage() {
	sed -n '4,16p' "$0" | sed 's/^# \{0,1\}//'
}

while (($#)); do
	case $1 in
	--quick) QUICK=1 ;;
	--build) BUILD=$2; shift ;;
	--out) OUT=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--only) ONLY=$2; shift ;;
	--seconds) SECS=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[[ -n $OUT ]] || OUT=$SRC/bench
[[ -n $REPS ]] || { ((QUICK)) && REPS=1 || REPS=5; }
[[ $REPS =~ ^[1-9][0-9]?$ ]] || { echo "bench: error: --reps: 1-99" >&2; exit 2; }

BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "bench: error: build directory missing (run make)" >&2; exit 1; }
SF=$BUILD/sysfence
B=$BUILD/bench
for f in "$SF" "$B/sf-bench-loop" "$B/sf-bench-empty" "$B/sf-bench-seccomp-exec" "$B/sf-bench-gen-traces"; do
	[[ -x $f ]] || { echo "bench: error: $f missing (run make)" >&2; exit 1; }
done
if [[ $(id -u) -ne 0 ]]; then
	echo "bench: error: needs root (BPF)" >&2
	exit 1
fi
mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)

if ((QUICK)); then
	N_GETPPID=20000 N_MIXED=2000 ROUNDS=3
	REDIS_N=2000 REDIS_PREP_N=2000
	LOAD_SEC=1
	MERGE_TRACES=10
else
	N_GETPPID=200000 N_MIXED=20000 ROUNDS=5
	REDIS_N=200000 REDIS_PREP_N=20000
	LOAD_SEC=5
	MERGE_TRACES=100
fi
for s in ${ONLY//,/ }; do
	[[ $s =~ ^(micro|redis|nginx|memcached|postgres|learner)$ ]] ||
		{ echo "bench: error: --only: unknown section '$s'" >&2; exit 2; }
done
if [[ -n $SECS ]]; then
	[[ $SECS =~ ^[1-9][0-9]{0,2}$ ]] || { echo "bench: error: --seconds: 1-999" >&2; exit 2; }
	LOAD_SEC=$SECS
fi
REDIS_LOAD_N=$REDIS_N
NGINX_WORKERS=2 WRK_THREADS=2 WRK_CONNS=16
MC_THREADS=2 MC_CLIENT_THREADS=2 MC_CONNS=16
PG_CLIENTS=16 PG_THREADS=2
STATS=0
BPF_STATS_FOUND=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo '?')
REDIS_TESTS=set,get,incr,lpush
REDIS_CLIENTS=50

TMP=$(mktemp -d /tmp/sysfence-bench.XXXXXX) || exit 1
chmod 755 "$TMP" # nginx workers run as nobody
RAW=$TMP/raw.tsv
: >"$RAW"
PIDS=()

log() { printf 'bench: %s\n' "$*" >&2; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# ---- processes ----------------------------------------------------------------
# forget PID: PID has been reaped; the EXIT trap must not signal it (the
# number may be reused).
forget() {
	local i
	for i in "${!PIDS[@]}"; do
		[[ ${PIDS[i]} == "$1" ]] && unset 'PIDS[i]'
	done
	PIDS=("${PIDS[@]}")
}

# wait_gone PID SECONDS: 0 once PID (our child) has exited and is reaped,
# 1 on timeout.
wait_gone() {
	local pid=$1 tenths=$(($2 * 10))
	while kill -0 "$pid" 2>/dev/null; do
		[[ $(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null) == Z ]] && break
		((tenths-- > 0)) || return 1
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
	forget "$pid"
	return 0
}

# stop_pid PID [SIG]: SIG (default TERM), KILL after 10 s.
stop_pid() {
	local pid=$1
	[[ -n $pid ]] || return 0
	kill "-${2:-TERM}" "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; forget "$pid"; return 0; }
	wait_gone "$pid" 20 || { log "pid $pid ignored SIG${2:-TERM} for 20 s: killing it"; kill -KILL "$pid" 2>/dev/null; wait_gone "$pid" 5; }
}

cleanup() {
	local i
	stats_off
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		stop_pid "${PIDS[i]}" TERM
	done
	if [[ ${SF_KEEP:-} == 1 ]]; then
		log "kept $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'log "stopped by SIGINT"; exit 130' INT
trap 'log "stopped by SIGTERM"; exit 143' TERM

# wait_line FILE REGEX SECONDS [PID]: until FILE has a line matching REGEX;
# fails early when PID dies.
wait_line() {
	local tenths=$(($3 * 10))
	until grep -qE "$2" "$1" 2>/dev/null; do
		((tenths-- > 0)) || return 1
		[[ -z ${4:-} ]] || kill -0 "$4" 2>/dev/null || return 1
		sleep 0.1
	done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# (below 32768, where Linux's ephemeral range begins: a port there can be
# the local end of any process's outgoing connection, which the connect
# test above does not see and which makes the server's bind() fail)
pick_port() {
	local i p
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + (RANDOM % 12768)))
		port_free "$p" && { echo "$p"; return 0; }
	done
	return 1
}

has_cmd() { "$SF" --help 2>/dev/null | grep -qE "^[[:space:]]+$1[[:space:]]"; }
has_enforce() { has_cmd enforce; }
has_export_bpf() { has_cmd export && "$SF" export --help 2>&1 | grep -q 'bpf'; }

# record SECTION ROW CONFIG REP VALUE
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RAW"; }

# rotate N WORDS...: the words, starting at index N mod count.
rotate() {
	local n=$1
	shift
	local a=("$@") i k
	k=${#a[@]}
	for ((i = 0; i < k; i++)); do
		printf '%s ' "${a[(i + n) % k]}"
	done
}

section_on() { [[ ,$ONLY, == *,$1,* ]]; }

# ---- micro ----------------------------------------------------------------------
MICRO_CONFIGS=(none seccomp seccomp-policy empty empty2 learn enforce enforce-lean untracked)
LOOP_POLICY=$TMP/loop.json

micro_prep() {
	local l
	for l in getppid mixed; do
		"$SF" learn -q --trace "$TMP/loop-$l.trace.zst" --policy "$LOOP_POLICY" \
			-- "$B/sf-bench-loop" --rounds 1 "$l" 1000 >/dev/null 2>"$TMP/loop-learn.err" ||
			{ log "learning the loop failed"; cat "$TMP/loop-learn.err" >&2; }
	done
}

# foreign_tracers: sys_enter programs attached by anyone but this run (other
# sysfence sessions make every process pay; samples taken then are noted).
# Counted as attached links, not loaded programs: a program detached from a
# syscall tracepoint is freed only after an RCU-tasks-trace grace period
# (seconds under load), so the previous configuration's program still
# showed in `bpftool prog show` and flagged the next samples as noisy.
foreign_tracers() {
	bpftool -j link show 2>/dev/null | jq '[.[]? | select(.tp_name == "sys_enter")] | length' 2>/dev/null ||
		echo 0
}

# micro_one CONFIG LOOP N: sets MICRO_V to ns per syscall, "n/a (...)" or
# "fail" (not a subshell: started processes stay in PIDS for the EXIT trap).
micro_one() {
	local cfg=$1 loop=$2 n=$3 out=$TMP/micro.out pid sleeper opts
	local cmd=("$B/sf-bench-loop" --rounds "$ROUNDS" "$loop" "$n")
	: >"$out"
	case $cfg in
	none) "${cmd[@]}" >"$out" 2>&1 ;;
	seccomp) "$B/sf-bench-loop" --seccomp --rounds "$ROUNDS" "$loop" "$n" >"$out" 2>&1 ;;
	seccomp-policy)
		[[ -s $LOOP_POLICY ]] || { MICRO_V="n/a (no policy learned)"; return; }
		"$B/sf-bench-seccomp-exec" --policy "$LOOP_POLICY" -- "${cmd[@]}" >"$out" 2>&1
		;;
	empty | empty2)
		# empty2: empty programs at sys_enter and sys_exit (learn's pair)
		opts=()
		[[ $cfg == empty2 ]] && opts=(--exit)
		"$B/sf-bench-empty" "${opts[@]}" >"$TMP/empty.out" 2>&1 &
		pid=$!
		PIDS+=("$pid")
		if wait_line "$TMP/empty.out" '^ready' 20 "$pid"; then
			"${cmd[@]}" >"$out" 2>&1
		else
			cat "$TMP/empty.out" >&2
		fi
		stop_pid "$pid"
		;;
	learn)
		rm -f "$TMP/ml.json"
		"$SF" learn -q --trace "$TMP/ml.trace.zst" --policy "$TMP/ml.json" \
			-- "${cmd[@]}" >"$out" 2>"$TMP/ml.err"
		;;
	enforce | enforce-lean)
		has_enforce || { MICRO_V="n/a (enforce not built)"; return; }
		opts=()
		[[ $cfg == enforce-lean ]] && read -ra opts <<<"$ENFORCE_LEAN"
		"$SF" enforce -q "${opts[@]}" "$LOOP_POLICY" -- "${cmd[@]}" >"$out" 2>"$TMP/me.err"
		;;
	untracked)
		sleep 600 &
		sleeper=$!
		PIDS+=("$sleeper")
		rm -f "$TMP/mu.json"
		"$SF" learn -v --pid "$sleeper" --trace "$TMP/mu.trace.zst" --policy "$TMP/mu.json" \
			>/dev/null 2>"$TMP/mu.err" &
		pid=$!
		PIDS+=("$pid")
		if wait_line "$TMP/mu.err" 'learning pid [0-9]+' 30 "$pid"; then
			"${cmd[@]}" >"$out" 2>&1
		else
			cat "$TMP/mu.err" >&2
		fi
		stop_pid "$pid" INT
		stop_pid "$sleeper"
		;;
	esac
	MICRO_V=$(grep -o 'ns_per_syscall=[0-9.]*' "$out" | head -n1 | cut -d= -f2)
	MICRO_V=${MICRO_V:-fail}
}

micro_rep() {
	local rep=$1 loop n cfg f
	for loop in getppid mixed; do
		[[ $loop == getppid ]] && n=$N_GETPPID || n=$N_MIXED
		for cfg in $(rotate "$rep" "${MICRO_CONFIGS[@]}"); do
			f=$(foreign_tracers)
			micro_one "$cfg" "$loop" "$n"
			record micro "$loop" "$cfg" "$rep" "$MICRO_V"
			record noise "foreign sys_enter programs" "$cfg" "$rep" "$f"
			log "rep $rep micro $loop $cfg: $MICRO_V"
		done
	done
}

# ---- servers: common --------------------------------------------------------------
# Every server section has: SEC_cmd (sets SCMD, the server's command line),
# SEC_wait_up, SEC_load OUTFILE (one load run, its result in OUTFILE),
# SEC_stop, and SEC_prep (ports, config, data; then learns the policy).
#
# start_server CONFIG POLICY BPF LOG CMD...: starts CMD under CONFIG in
# the background; sets SERVER_PID (the process started: sysfence, the
# launcher's exec'd command, or CMD).  Returns 2 when CONFIG is unavailable
# (the reason in START_NA).
#   floor    enforce's seccomp floor alone: sf-bench-seccomp-exec --policy
#            (learner's seccomp__build_floor, what `sysfence enforce` installs)
#   seccomp  the exact union with every argument condition: `sysfence export
#            --format bpf` of the policy, loaded by sf-bench-seccomp-exec --bpf
# learn and enforce run with -v when STATS=1 (their closing statistics: the
# tracked calls and the unwind-cache share).
start_server() {
	local cfg=$1 policy=$2 bpf=$3 logf=$4 v=()
	shift 4
	SERVER_PID='' START_NA=''
	((STATS)) && v=(-v)
	case $cfg in
	none) "$@" >"$logf" 2>&1 & ;;
	floor)
		[[ -s $policy ]] || { START_NA="n/a (no policy learned)"; return 2; }
		"$B/sf-bench-seccomp-exec" --policy "$policy" -- "$@" >"$logf" 2>&1 &
		;;
	seccomp)
		[[ -s $bpf ]] || { START_NA="n/a (no \`sysfence export --format bpf\`)"; return 2; }
		"$B/sf-bench-seccomp-exec" --bpf "$bpf" -- "$@" >"$logf" 2>&1 &
		;;
	learn)
		rm -f "$TMP/sl.json"
		"$SF" learn -q "${v[@]}" --trace "$TMP/sl.trace.zst" --policy "$TMP/sl.json" -- "$@" \
			>"$logf" 2>&1 &
		;;
	enforce | enforce-lean)
		has_enforce || { START_NA="n/a (enforce not built)"; return 2; }
		[[ -s $policy ]] || { START_NA="n/a (no policy learned)"; return 2; }
		[[ $cfg == enforce-lean ]] && read -ra v <<<"${v[*]} $ENFORCE_LEAN"
		"$SF" enforce -q "${v[@]}" "$policy" -- "$@" >"$logf" 2>&1 &
		;;
	esac
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	return 0
}

# target_pid: the server process itself (sysfence's child under learn and
# enforce; the launchers exec).
target_pid() {
	if [[ $(cat "/proc/$SERVER_PID/comm" 2>/dev/null) == sysfence ]]; then
		pgrep -P "$SERVER_PID" | head -n1
	else
		echo "$SERVER_PID"
	fi
}

# stop_target SIG: SIG to the server process, then wait for SERVER_PID
# (sysfence writes its policy and statistics when its target has exited).
stop_target() {
	local t
	t=$(target_pid)
	[[ -n $t ]] && kill "-$1" "$t" 2>/dev/null
	wait_gone "$SERVER_PID" 30 || stop_pid "$SERVER_PID" INT
}

tcp_wait_up() { # PORT
	local i
	for ((i = 0; i < 300; i++)); do
		timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# seccomp_inputs POLICY PREFIX: writes PREFIX.bpf with `sysfence export
# --format bpf` (the exact union) when it exists; prints a description of
# the floor and of the union for results.md.
seccomp_inputs() {
	local policy=$1 prefix=$2 u
	rm -f "$prefix.bpf"
	u="n/a (\`sysfence export --format bpf\` not built)"
	if has_export_bpf; then
		if "$SF" export --format bpf "$policy" -o "$prefix.bpf" 2>"$prefix.export.err" &&
			[[ -s $prefix.bpf ]]; then
			u="$(($(stat -c %s "$prefix.bpf") / 8)) BPF instructions"
		else
			rm -f "$prefix.bpf"
			u="n/a (export failed)"
			log "sysfence export --format bpf failed"
			cat "$prefix.export.err" >&2
		fi
	fi
	echo "$(jq '[.syscalls[]?.names[]?] | unique | length' "$policy") syscalls in the learned" \
		"union; exact union for the seccomp column: $u"
}

# ---- BPF statistics ---------------------------------------------------------------
# The sys_enter program of one sysfence instance is found through its
# owner: the program ids in /proc/PID/fdinfo (Debian's bpftool does not list
# owning pids), then the one named sf_sys_enter.  Other sessions' sysfence
# instances may be loaded at the same time; they are never counted.
sf_enter_prog() { # SYSFENCE_PID
	local id
	# shellcheck disable=SC2013 # ids are words
	for id in $(cat "/proc/$1/fdinfo/"* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -un); do
		if bpftool -j prog show id "$id" 2>/dev/null | jq -e '.name == "sf_sys_enter"' >/dev/null; then
			echo "$id"
			return 0
		fi
	done
	return 1
}

bpf_sample() { # SYSFENCE_PID: "run_time_ns run_cnt", or nothing
	local id
	id=$(sf_enter_prog "$1") || return 0
	bpftool -j prog show id "$id" 2>/dev/null | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'
}

# stats_on / stats_off: kernel.bpf_stats_enabled=1 for the statistics
# runs only (the counters cost two clock reads per invocation, which the
# throughput runs must not pay); the previous value is restored, also by
# the EXIT trap.
BPF_STATS_SAVED=
stats_on() {
	BPF_STATS_SAVED=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null) || BPF_STATS_SAVED=
	[[ -n $BPF_STATS_SAVED ]] && sysctl -q -w kernel.bpf_stats_enabled=1 >/dev/null 2>&1
	STATS=1
}
stats_off() {
	[[ -n $BPF_STATS_SAVED ]] && sysctl -q -w kernel.bpf_stats_enabled="$BPF_STATS_SAVED" >/dev/null 2>&1
	BPF_STATS_SAVED=
	STATS=0
}

# stats_record SEC CFG REP SAMPLE0 SAMPLE1 LOG OPS: rows of the "bpf" table,
#   bpf-ns      BPF ns per invocation of sf_sys_enter while the load ran
#               (every process's syscalls run it, tracked or not)
#   bpf-us-op   BPF us per operation of the load (request, get/set,
#               transaction): the same run time over OPS, the operations
#               the load completed (the client's own syscalls included)
#   bpf-tracked tracked calls (sysfence's count over the whole run) per
#               invocation up to the end of the load, %
#   bpf-hit     share of the tracked calls answered by the unwind cache, %
stats_record() {
	local sec=$1 cfg=$2 rep=$3 ops=$7 t0 c0 t1 c1 ns=fail us=fail tracked='' hit='' share=fail miss
	read -r t0 c0 <<<"$4"
	read -r t1 c1 <<<"$5"
	if [[ -z ${c1:-} || -z ${c0:-} ]]; then
		ns="fail"
	elif ((c1 > c0)); then
		ns=$(calc '%.0f' "($t1 - $t0) / ($c1 - $c0)")
		[[ $ops =~ ^[0-9]+(\.[0-9]+)?$ ]] && [[ $ops != 0 ]] &&
			us=$(calc '%.2f' "($t1 - $t0) / 1000 / $ops")
	else
		ns="n/a (bpf_stats off)" us=$ns
	fi
	if [[ $cfg == enforce ]]; then
		read -r tracked hit < <(sed -n 's/^sysfence: \([0-9]*\) tracked calls, \([0-9.]*\)% answered by the unwind cache.*/\1 \2/p' "$6" | tail -n1)
	else
		tracked=$(sed -n 's/^sysfence: stat syscalls: \([0-9]*\)$/\1/p' "$6" | tail -n1)
		hit=$(sed -n 's/^sysfence: \([0-9.]*\)% of the tracked calls answered by the unwind cache.*/\1/p' "$6" | tail -n1)
		if [[ -z $hit && -n $tracked ]] && ((tracked > 0)); then
			miss=$(sed -n 's/^sysfence: stat unwind-miss: \([0-9]*\)$/\1/p' "$6" | tail -n1)
			[[ -n $miss ]] && hit=$(calc '%.1f' "100 * ($tracked - $miss) / $tracked")
		fi
	fi
	[[ -n $tracked && -n ${c1:-} ]] && ((c1 > 0)) && share=$(calc '%.1f' "100 * $tracked / $c1")
	record bpf-ns "$sec" "$cfg" "$rep" "$ns"
	record bpf-us-op "$sec" "$cfg" "$rep" "$us"
	record bpf-tracked "$sec" "$cfg" "$rep" "$share"
	record bpf-hit "$sec" "$cfg" "$rep" "${hit:-n/a (not printed by this sysfence)}"
	log "rep $rep $sec $cfg: BPF ns/invocation $ns, BPF us/operation $us, tracked share ${share}%, cache hits ${hit:-?}%"
}

# run_config SEC CFG REP: one server run under CFG with the section's
# policy ($TMP/SEC.json) and exported union ($TMP/SEC.bpf); the load's
# result in $TMP/SEC-load.out.  0 when the load ran, 1 when the server did
# not start, 2 when CFG is unavailable (START_NA).  With STATS=1, learn and
# enforce runs also record their BPF statistics.
run_config() {
	local sec=$1 cfg=$2 rep=$3 out=$TMP/$1-load.out logf=$TMP/$1-$2.log s0='' s1='' v
	: >"$out"
	"${sec}_cmd"
	start_server "$cfg" "$TMP/$sec.json" "$TMP/$sec.bpf" "$logf" "${SCMD[@]}" || return 2
	if ! "${sec}_wait_up"; then
		log "$sec did not start under $cfg"
		tail -n 5 "$logf" >&2
		"${sec}_stop"
		return 1
	fi
	[[ $cfg == learn || $cfg == enforce ]] && ((STATS)) && s0=$(bpf_sample "$SERVER_PID")
	"${sec}_load" "$out"
	[[ $cfg == learn || $cfg == enforce ]] && ((STATS)) && s1=$(bpf_sample "$SERVER_PID")
	"${sec}_stop"
	# A violation means the policy learned first missed a path (the process
	# that made it was killed): the sample stands, but results.md says so.
	if [[ $cfg == enforce* ]]; then
		v=$(sed -n 's/^sysfence: \([0-9]*\) violations.*/\1/p' "$logf" | tail -n1)
		if [[ -n $v ]] && ((v > 0)); then
			log "$sec enforce: $v violations (see $logf)"
			grep -m3 'violation' "$logf" >&2
			record violations "$sec" "$cfg" "$rep" "$v"
		fi
	fi
	if [[ $cfg == learn || $cfg == enforce ]] && ((STATS)); then
		stats_record "$sec" "$cfg" "$rep" "$s0" "$s1" "$logf" "$("${sec}_ops")"
	fi
	return 0
}

# server_learn SEC: the section's policy, learned under the same load.
# QUICK: this run is also the repetition's learn sample (one server start
# fewer per section keeps the smoke run short).
server_learn() {
	local sec=$1 r rows
	run_config "$sec" learn "$QUICK" || { log "$sec did not run under learn"; return 1; }
	if ((QUICK)); then
		rows="${sec^^}_ROWS[@]"
		for r in "${!rows}"; do
			record "$sec" "$r" learn 1 "$("${sec}_value" "$r")"
		done
		log "rep 1 $sec learn (the policy's run): $(for r in "${!rows}"; do printf '%s %s  ' "$r" "$("${sec}_value" "$r")"; done)"
	fi
	[[ -s $TMP/sl.json ]] || { log "no $sec policy learned"; tail -n 5 "$TMP/$sec-learn.log" >&2; return 1; }
	cp "$TMP/sl.json" "$TMP/$sec.json"
	cp "$TMP/sl.trace.zst" "$TMP/$sec.trace.zst"
	seccomp_inputs "$TMP/$sec.json" "$TMP/$sec" >"$TMP/$sec.seccomp"
}

# server_rep SEC REP ROW...: every configuration of SEC once, order rotated;
# SEC_value ROW prints ROW's value from the load output.
server_rep() {
	local sec=$1 rep=$2 cfg r v cfgs rc
	shift 2
	cfgs="${sec^^}_CONFIGS[@]"
	for cfg in $(rotate "$rep" "${!cfgs}"); do
		((QUICK)) && [[ $cfg == learn ]] && continue # server_learn's run
		run_config "$sec" "$cfg" "$rep"
		rc=$?
		for r in "$@"; do
			case $rc in
			0) v=$("${sec}_value" "$r") ;;
			2) v=$START_NA ;;
			*) v= ;;
			esac
			record "$sec" "$r" "$cfg" "$rep" "${v:-fail}"
		done
		log "rep $rep $sec $cfg: $(for r in "$@"; do printf '%s %s  ' "$r" "$("${sec}_value" "$r")"; done)"
	done
}

# server_stats SEC: the statistics runs (learn, enforce) of SEC.
server_stats() {
	local sec=$1 cfg
	for cfg in learn enforce; do
		run_config "$sec" "$cfg" 1
		(($? == 2)) && for r in bpf-ns bpf-us-op bpf-tracked bpf-hit; do record "$r" "$sec" "$cfg" 1 "$START_NA"; done
	done
}

# ---- redis ---------------------------------------------------------------------------
# (SEC_CONFIGS and SEC_ROWS are read by name: "${SEC^^}_CONFIGS[@]".)
# shellcheck disable=SC2034
REDIS_CONFIGS=(none floor seccomp learn enforce enforce-lean)
# shellcheck disable=SC2034
REDIS_ROWS=(SET GET INCR LPUSH)
REDIS_SERVER=$(command -v redis-server || true)

redis_cmd() {
	SCMD=("$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no
		--daemonize no --dir "$TMP" --logfile "$TMP/redis.log")
}

redis_wait_up() {
	local i
	for ((i = 0; i < 300; i++)); do
		[[ $(timeout 2 redis-cli -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

redis_stop() {
	timeout 5 redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1
	wait_gone "$SERVER_PID" 30 || stop_pid "$SERVER_PID" INT
}

redis_load() {
	timeout 300 redis-benchmark -q -p "$REDIS_PORT" -t "$REDIS_TESTS" -n "$REDIS_LOAD_N" \
		-c "$REDIS_CLIENTS" 2>&1 | tr '\r' '\n' | grep 'requests per second' >"$1"
}

redis_value() {
	awk -v t="$1" -F'[: ]+' '$1 == t { print $2; exit }' "$TMP/redis-load.out"
}

# every test of the run sends REDIS_LOAD_N requests
redis_ops() { echo $((REDIS_LOAD_N * $(wc -l <"$TMP/redis-load.out"))); }

redis_prep() {
	[[ -n $REDIS_SERVER ]] && command -v redis-benchmark >/dev/null && command -v redis-cli >/dev/null || return 1
	REDIS_PORT=$(pick_port) || return 1
	REDIS_LOAD_N=$REDIS_PREP_N
	server_learn redis || return 1
	if [[ -n $SECS ]]; then
	[[ $SECS =~ ^[1-9][0-9]{0,2}$ ]] || { echo "bench: error: --seconds: 1-999" >&2; exit 2; }
	LOAD_SEC=$SECS
fi
REDIS_LOAD_N=$REDIS_N
}

# ---- nginx ------------------------------------------------------------------------------
# shellcheck disable=SC2034
NGINX_CONFIGS=(none floor seccomp learn enforce enforce-lean)
# shellcheck disable=SC2034
NGINX_ROWS=("static 4 KiB")
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

nginx_conf() {
	mkdir -p "$TMP/nginx/www"
	head -c 4096 /dev/urandom | base64 -w 76 | head -c 4096 >"$TMP/nginx/www/index.html"
	chmod -R a+rX "$TMP/nginx"
	cat >"$TMP/nginx/nginx.conf" <<-CONF
		worker_processes $NGINX_WORKERS;
		daemon off;
		pid $TMP/nginx/nginx.pid;
		error_log $TMP/nginx/error.log;
		events { worker_connections 512; }
		http {
		    access_log off;
		    sendfile on;
		    keepalive_timeout 65;
		    keepalive_requests 1000000;
		    server {
		        listen 127.0.0.1:$NGINX_PORT;
		        root $TMP/nginx/www;
		    }
		}
	CONF
}

nginx_cmd() { SCMD=("$NGINX" -c "$TMP/nginx/nginx.conf"); }
nginx_wait_up() { tcp_wait_up "$NGINX_PORT"; }

nginx_stop() {
	local master
	master=$(cat "$TMP/nginx/nginx.pid" 2>/dev/null)
	[[ -n $master ]] && kill -QUIT "$master" 2>/dev/null
	wait_gone "$SERVER_PID" 30 || stop_pid "$SERVER_PID" INT
	rm -f "$TMP/nginx/nginx.pid"
}

# wrk keeps its connections alive (HTTP/1.1); nginx allows 10^6 requests
# per connection, so no connection is reopened during a run.
nginx_load() {
	timeout $((LOAD_SEC + 30)) wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${LOAD_SEC}s" \
		"http://127.0.0.1:$NGINX_PORT/index.html" 2>&1 | awk '/^Requests\/sec:/ { print $2 }' >"$1"
}

nginx_value() { head -n1 "$TMP/nginx-load.out"; }
nginx_ops() { calc '%.0f' "0$(nginx_value) * $LOAD_SEC"; }

nginx_prep() {
	[[ -x $NGINX ]] && command -v wrk >/dev/null || return 1
	NGINX_PORT=$(pick_port) || return 1
	nginx_conf
	server_learn nginx
}

# ---- memcached ---------------------------------------------------------------------------
# shellcheck disable=SC2034
MEMCACHED_CONFIGS=(none floor learn enforce enforce-lean)
# shellcheck disable=SC2034
MEMCACHED_ROWS=("get/set 9:1")
MEMCACHED=$(command -v memcached || echo /usr/bin/memcached)

# memcached refuses to run as root without -u; it drops to nobody itself.
memcached_cmd() {
	SCMD=("$MEMCACHED" -u nobody -l 127.0.0.1 -p "$MC_PORT" -U 0 -t "$MC_THREADS" -m 64 -c 1024)
}
memcached_wait_up() { tcp_wait_up "$MC_PORT"; }
memcached_stop() { stop_target TERM; }

# memcaslap: 90% get, 10% set (its default mix) of 1 KiB-ish values.
memcached_load() {
	timeout $((LOAD_SEC + 30)) memcaslap -s "127.0.0.1:$MC_PORT" -t "${LOAD_SEC}s" \
		-T "$MC_CLIENT_THREADS" -c "$MC_CONNS" 2>&1 |
		sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -n1 >"$1"
}

memcached_value() { head -n1 "$TMP/memcached-load.out"; }
memcached_ops() { calc '%.0f' "0$(memcached_value) * $LOAD_SEC"; }

memcached_prep() {
	[[ -x $MEMCACHED ]] && command -v memcaslap >/dev/null || return 1
	MC_PORT=$(pick_port) || return 1
	server_learn memcached
}

# ---- postgres ------------------------------------------------------------------------------
# shellcheck disable=SC2034
POSTGRES_CONFIGS=(none floor learn enforce enforce-lean)
# shellcheck disable=SC2034
POSTGRES_ROWS=("pgbench -S")
PG_BIN=${PG_BIN:-$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)}

# postgres refuses to run as root: setpriv drops to the postgres user and
# execs it (no extra process).  Unix socket in the temporary directory,
# no TCP listener; durability off (a read-only load writes nothing).
postgres_cmd() {
	SCMD=(setpriv --reuid=postgres --regid=postgres --init-groups --
		"$PG_BIN/postgres" -D "$TMP/pg/data" -k "$TMP/pg" -p "$PG_PORT"
		-c listen_addresses= -c fsync=off -c synchronous_commit=off
		-c full_page_writes=off -c max_connections=40 -c shared_buffers=32MB)
}

postgres_wait_up() {
	local i
	for ((i = 0; i < 300; i++)); do
		"$PG_BIN/pg_isready" -q -h "$TMP/pg" -p "$PG_PORT" -U postgres -t 2 && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# SIGINT to the postmaster: fast shutdown (backends closed, checkpoint).
postgres_stop() {
	local pm
	pm=$(head -n1 "$TMP/pg/data/postmaster.pid" 2>/dev/null)
	[[ -n $pm ]] && kill -INT "$pm" 2>/dev/null
	wait_gone "$SERVER_PID" 60 || stop_pid "$SERVER_PID" INT
}

postgres_load() {
	timeout $((LOAD_SEC + 60)) "$PG_BIN/pgbench" -S -n -c "$PG_CLIENTS" -j "$PG_THREADS" \
		-T "$LOAD_SEC" -h "$TMP/pg" -p "$PG_PORT" -U postgres postgres 2>&1 |
		sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' >"$1"
}

postgres_value() { head -n1 "$TMP/postgres-load.out"; }
postgres_ops() { calc '%.0f' "0$(postgres_value) * $LOAD_SEC"; }

# initdb and pgbench -i (scale 1: 100000 rows) with a plain server, once.
postgres_prep() {
	[[ -x $PG_BIN/postgres && -x $PG_BIN/initdb && -x $PG_BIN/pgbench ]] || return 1
	id postgres >/dev/null 2>&1 && command -v setpriv >/dev/null || return 1
	PG_PORT=$(pick_port) || return 1
	mkdir -p "$TMP/pg/data" && chown postgres: "$TMP/pg" "$TMP/pg/data" || return 1
	setpriv --reuid=postgres --regid=postgres --init-groups -- "$PG_BIN/initdb" -D "$TMP/pg/data" \
		-A trust -U postgres --no-sync -E UTF8 --locale=C >"$TMP/pg/initdb.log" 2>&1 ||
		{ log "initdb failed"; tail -n 5 "$TMP/pg/initdb.log" >&2; return 1; }
	postgres_cmd
	start_server none "" "" "$TMP/pg/init.log" "${SCMD[@]}"
	postgres_wait_up || { log "postgres did not start"; tail -n 5 "$TMP/pg/init.log" >&2; postgres_stop; return 1; }
	"$PG_BIN/pgbench" -i -q -s 1 -h "$TMP/pg" -p "$PG_PORT" -U postgres postgres >"$TMP/pg/pgbench-i.log" 2>&1
	local rc=$?
	postgres_stop
	((rc == 0)) || { log "pgbench -i failed"; tail -n 5 "$TMP/pg/pgbench-i.log" >&2; return 1; }
	server_learn postgres
}

# ---- learner -----------------------------------------------------------------------------
learner_prep() {
	local seed=()
	[[ -s $TMP/redis.trace.zst ]] && seed=(--seed-trace "$TMP/redis.trace.zst")
	"$B/sf-bench-gen-traces" "${seed[@]}" --count "$MERGE_TRACES" --tuples 300 "$TMP/traces" \
		>"$TMP/gen.out" || return 1
	MERGE_SEED=$([[ ${#seed[@]} -gt 0 ]] && echo "redis trace learned above" || echo "synthetic")
}

learner_rep() {
	local rep=$1 t rss
	/usr/bin/time -f '%e %M' -o "$TMP/time.out" \
		"$SF" merge -q "$TMP"/traces/t*.trace.zst -o "$TMP/merged.json" >/dev/null 2>"$TMP/merge.err"
	if [[ $? -eq 0 && -s $TMP/merged.json ]]; then
		read -r t rss <"$TMP/time.out"
		record learner "merge $MERGE_TRACES traces: wall s" merge "$rep" "$t"
		record learner "merge $MERGE_TRACES traces: max RSS MiB" merge "$rep" \
			"$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
	else
		cat "$TMP/merge.err" >&2
		record learner "merge $MERGE_TRACES traces: wall s" merge "$rep" fail
		record learner "merge $MERGE_TRACES traces: max RSS MiB" merge "$rep" fail
	fi
	log "rep $rep learner merge: $(cat "$TMP/time.out" 2>/dev/null)"
}

# ---- run --------------------------------------------------------------------------------------
T0=$SECONDS
log "output: $OUT (reps $REPS$( ((QUICK)) && echo ', quick'))"
SERVERS=(redis nginx memcached postgres)
declare -A OK=() SECCOMP_DESC=() UNAVAILABLE=(
	[redis]="redis-server + redis-benchmark"
	[nginx]="nginx + wrk"
	[memcached]="memcached + memcaslap (libmemcached-tools)"
	[postgres]="postgresql + pgbench, user postgres"
)
LEARNER_OK=0 MERGE_SEED=
# QUICK: the learn and enforce runs of the single repetition (learn: the
# policy's own run) also give the BPF statistics, bpf_stats on throughout
# (the numbers mean nothing there).  Full runs: throughput with bpf_stats
# as found, then one statistics run of learn and of enforce per server with
# bpf_stats on.
((QUICK)) && stats_on
if section_on micro; then
	micro_prep
fi
for s in "${SERVERS[@]}"; do
	section_on "$s" || { [[ $s == redis ]] && section_on learner; } || continue
	t=$SECONDS
	if "${s}_prep"; then
		OK[$s]=1
		SECCOMP_DESC[$s]=$(cat "$TMP/$s.seccomp")
		log "$s: policy learned in $((SECONDS - t))s"
	else
		log "$s section unavailable (${UNAVAILABLE[$s]} needed)"
	fi
done
if section_on learner; then
	if learner_prep; then LEARNER_OK=1; else log "learner section unavailable"; fi
fi

for ((rep = 1; rep <= REPS; rep++)); do
	section_on micro && micro_rep "$rep"
	for s in "${SERVERS[@]}"; do
		{ section_on "$s" && [[ -n ${OK[$s]:-} ]]; } || continue
		rows="${s^^}_ROWS[@]"
		server_rep "$s" "$rep" "${!rows}"
	done
	section_on learner && ((LEARNER_OK)) && learner_rep "$rep"
done
if ! ((QUICK)); then
	stats_on
	for s in "${SERVERS[@]}"; do
		section_on "$s" && [[ -n ${OK[$s]:-} ]] && server_stats "$s"
	done
fi
stats_off

# Sections that could not run still get their rows.
for s in "${SERVERS[@]}"; do
	{ section_on "$s" && [[ -z ${OK[$s]:-} ]]; } || continue
	rows="${s^^}_ROWS[@]"
	cfgs="${s^^}_CONFIGS[@]"
	for r in "${!rows}"; do
		for c in "${!cfgs}"; do record "$s" "$r" "$c" 1 "n/a (${UNAVAILABLE[$s]} needed)"; done
	done
	for r in bpf-ns bpf-us-op bpf-tracked bpf-hit; do
		for c in learn enforce; do record "$r" "$s" "$c" 1 "n/a (${UNAVAILABLE[$s]} needed)"; done
	done
done
if section_on learner && ! ((LEARNER_OK)); then
	record learner "merge $MERGE_TRACES traces: wall s" merge 1 "n/a"
	record learner "merge $MERGE_TRACES traces: max RSS MiB" merge 1 "n/a"
fi

cp "$RAW" "$OUT/raw.tsv"
ELAPSED=$((SECONDS - T0))
REDIS_SECCOMP=${SECCOMP_DESC[redis]:-} NGINX_SECCOMP=${SECCOMP_DESC[nginx]:-}
MEMCACHED_SECCOMP=${SECCOMP_DESC[memcached]:-} POSTGRES_SECCOMP=${SECCOMP_DESC[postgres]:-}
export QUICK REPS ELAPSED MERGE_SEED MERGE_TRACES ONLY BPF_STATS_FOUND
export REDIS_SECCOMP NGINX_SECCOMP MEMCACHED_SECCOMP POSTGRES_SECCOMP
export N_GETPPID N_MIXED ROUNDS REDIS_N REDIS_CLIENTS REDIS_TESTS LOAD_SEC
export NGINX_WORKERS WRK_THREADS WRK_CONNS MC_THREADS MC_CLIENT_THREADS MC_CONNS
export PG_CLIENTS PG_THREADS
"$SRC/bench/report.sh" "$OUT/raw.tsv" "$OUT" || exit 1
log "done in ${ELAPSED}s: $OUT/results.md"
