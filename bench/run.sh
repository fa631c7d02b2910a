#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# bench/run.sh - `make bench`: sysfence side by side with its floors.
#
#   bench/run.sh [--quick] [--build DIR] [--out DIR] [--reps N] [--only LIST]
#
#   --quick      tiny sizes, one repetition: a smoke run of seconds
#   --build DIR  build directory (default build)
#   --out DIR    where results.md, results.png and raw.tsv go (default bench)
#   --reps N     repetitions (default 5; --quick: 1)
#   --only LIST  comma-separated sections: micro,redis,nginx,learner
#
# Every repetition runs every configuration once, round-robin, the order
# rotated by one per repetition; the tables show medians over repetitions,
# so ratios taken in one session hold on a noisy 2-core VM.
#
# Sections and configurations:
#   micro    sf-bench-loop getppid / mixed (ns per syscall):
#            none, seccomp (allow-list installed in the loop before it
#            starts), seccomp-policy (the union of a policy learned on the
#            loop, with argument conditions: enforce's seccomp floor), empty (bench/empty.bpf.c attached), learn (launched
#            under `sysfence learn`), enforce (launched under `sysfence
#            enforce` with a policy learned on the loop itself), untracked
#            (sysfence learning `sleep`, the loop not tracked)
#   redis    redis-benchmark -q -t set,get,incr,lpush -n 200000 -c 50 on
#            loopback against a redis-server started per configuration:
#            none, seccomp (the learned union with its argument conditions:
#            `sysfence export --format bpf` when it exists, else the same
#            union built by sf-bench-seccomp-exec --policy), learn, enforce
#   nginx    wrk on loopback, one 4 KiB static file: none, seccomp, learn,
#            enforce
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
ONLY=micro,redis,nginx,learner

usage() {
	sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//'
}

while (($#)); do
	case $1 in
	--quick) QUICK=1 ;;
	--build) BUILD=$2; shift ;;
	--out) OUT=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--only) ONLY=$2; shift ;;
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
	WRK_SEC=1
	MERGE_TRACES=10
else
	N_GETPPID=200000 N_MIXED=20000 ROUNDS=5
	REDIS_N=200000 REDIS_PREP_N=20000
	WRK_SEC=3
	MERGE_TRACES=100
fi
REDIS_TESTS=set,get,incr,lpush
REDIS_CLIENTS=50

TMP=$(mktemp -d /tmp/sysfence-bench.XXXXXX) || exit 1
chmod 755 "$TMP" # nginx workers run as nobody
RAW=$TMP/raw.tsv
: >"$RAW"
PIDS=()

log() { printf 'bench: %s\n' "$*" >&2; }

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
trap 'exit 130' INT
trap 'exit 143' TERM

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

pick_port() {
	local i p
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + (RANDOM % 20000)))
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
MICRO_CONFIGS=(none seccomp seccomp-policy empty learn enforce untracked)
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
foreign_tracers() {
	bpftool prog show 2>/dev/null | grep -cE 'name (sf_sys_enter|bench_empty_sys_enter)'
}

# micro_one CONFIG LOOP N: sets MICRO_V to ns per syscall, "n/a (...)" or
# "fail" (not a subshell: started processes stay in PIDS for the EXIT trap).
micro_one() {
	local cfg=$1 loop=$2 n=$3 out=$TMP/micro.out pid sleeper
	local cmd=("$B/sf-bench-loop" --rounds "$ROUNDS" "$loop" "$n")
	: >"$out"
	case $cfg in
	none) "${cmd[@]}" >"$out" 2>&1 ;;
	seccomp) "$B/sf-bench-loop" --seccomp --rounds "$ROUNDS" "$loop" "$n" >"$out" 2>&1 ;;
	seccomp-policy)
		[[ -s $LOOP_POLICY ]] || { MICRO_V="n/a (no policy learned)"; return; }
		"$B/sf-bench-seccomp-exec" --policy "$LOOP_POLICY" -- "${cmd[@]}" >"$out" 2>&1
		;;
	empty)
		"$B/sf-bench-empty" >"$TMP/empty.out" 2>&1 &
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
	enforce)
		has_enforce || { MICRO_V="n/a (enforce not built)"; return; }
		"$SF" enforce -q "$LOOP_POLICY" -- "${cmd[@]}" >"$out" 2>"$TMP/me.err"
		;;
	untracked)
		sleep 600 &
		sleeper=$!
		PIDS+=("$sleeper")
		rm -f "$TMP/mu.json"
		"$SF" learn -q -v --pid "$sleeper" --trace "$TMP/mu.trace.zst" --policy "$TMP/mu.json" \
			>/dev/null 2>"$TMP/mu.err" &
		pid=$!
		PIDS+=("$pid")
		if wait_line "$TMP/mu.err" 'attached to pid' 30 "$pid"; then
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
# start_server CONFIG POLICY BPF LOG CMD...: starts CMD under CONFIG in
# the background; sets SERVER_PID (the process started: sysfence, the
# launcher's exec'd command, or CMD).  Returns 2 when CONFIG is unavailable.
start_server() {
	local cfg=$1 policy=$2 bpf=$3 logf=$4
	shift 4
	SERVER_PID=
	case $cfg in
	none) "$@" >"$logf" 2>&1 & ;;
	seccomp)
		if [[ -s $bpf ]]; then
			"$B/sf-bench-seccomp-exec" --bpf "$bpf" -- "$@" >"$logf" 2>&1 &
		else
			"$B/sf-bench-seccomp-exec" --policy "$policy" -- "$@" >"$logf" 2>&1 &
		fi
		;;
	learn)
		rm -f "$TMP/sl.json"
		"$SF" learn -q --trace "$TMP/sl.trace.zst" --policy "$TMP/sl.json" -- "$@" \
			>"$logf" 2>&1 &
		;;
	enforce)
		has_enforce || return 2
		"$SF" enforce -q "$policy" -- "$@" >"$logf" 2>&1 &
		;;
	esac
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	return 0
}

# seccomp_inputs POLICY PREFIX: PREFIX.bpf when `sysfence export --format
# bpf` exists, else the launcher builds the same union from POLICY itself
# (learner's seccomp__build).  Prints which one start_server will use.
seccomp_inputs() {
	local policy=$1 prefix=$2
	rm -f "$prefix.bpf"
	if has_export_bpf; then
		if "$SF" export --format bpf "$policy" -o "$prefix.bpf" 2>"$prefix.export.err" &&
			[[ -s $prefix.bpf ]]; then
			echo "\`sysfence export --format bpf\` of the learned policy (union with argument" \
				"conditions, $(($(stat -c %s "$prefix.bpf") / 8)) BPF instructions)"
			return
		fi
		rm -f "$prefix.bpf"
		log "sysfence export --format bpf failed; the launcher builds the union itself"
		cat "$prefix.export.err" >&2
	fi
	echo "the policy's union with argument conditions, built by sf-bench-seccomp-exec --policy" \
		"($(jq '[.syscalls[]?.names[]?] | unique | length' "$policy") syscalls," \
		"$(jq '[.syscalls[]? | select(.args)] | length' "$policy") rules with argument conditions)"
}

# ---- redis ---------------------------------------------------------------------------
REDIS_CONFIGS=(none seccomp learn enforce)
REDIS_SERVER=$(command -v redis-server || true)

redis_args() {
	echo --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
		--dir "$TMP" --logfile "$TMP/redis.log"
}

redis_wait_up() {
	local i
	for ((i = 0; i < 200; i++)); do
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

# redis_bench N OUTFILE: one redis-benchmark run.
redis_bench() {
	timeout 300 redis-benchmark -q -p "$REDIS_PORT" -t "$REDIS_TESTS" -n "$1" \
		-c "$REDIS_CLIENTS" 2>&1 | tr '\r' '\n' | grep 'requests per second' >"$2"
}

redis_prep() {
	[[ -n $REDIS_SERVER ]] || return 1
	REDIS_PORT=$(pick_port) || return 1
	# shellcheck disable=SC2046 # word splitting of redis_args is intended
	start_server learn "" "" "$TMP/redis-prep.log" "$REDIS_SERVER" $(redis_args)
	redis_wait_up || { log "redis did not start under learn"; cat "$TMP/redis-prep.log" >&2; return 1; }
	redis_bench "$REDIS_PREP_N" "$TMP/redis-prep.out"
	redis_stop
	[[ -s $TMP/sl.json ]] || { log "no redis policy learned"; return 1; }
	cp "$TMP/sl.json" "$TMP/redis.json"
	cp "$TMP/sl.trace.zst" "$TMP/redis.trace.zst"
	REDIS_SECCOMP=$(seccomp_inputs "$TMP/redis.json" "$TMP/redis")
}

redis_rep() {
	local rep=$1 cfg t v out=$TMP/redis-bench.out
	for cfg in $(rotate "$rep" "${REDIS_CONFIGS[@]}"); do
		: >"$out"
		# shellcheck disable=SC2046
		if ! start_server "$cfg" "$TMP/redis.json" "$TMP/redis.bpf" \
			"$TMP/redis-$cfg.log" "$REDIS_SERVER" $(redis_args); then
			for t in SET GET INCR LPUSH; do
				record redis "$t" "$cfg" "$rep" "n/a (enforce not built)"
			done
			continue
		fi
		if redis_wait_up; then
			redis_bench "$REDIS_N" "$out"
		else
			log "redis did not start under $cfg"
			tail -n 5 "$TMP/redis-$cfg.log" >&2
		fi
		redis_stop
		for t in SET GET INCR LPUSH; do
			v=$(awk -v t="$t" -F'[: ]+' '$1 == t { print $2; exit }' "$out")
			record redis "$t" "$cfg" "$rep" "${v:-fail}"
		done
		log "rep $rep redis $cfg: $(awk -F'[: ]+' '{ printf "%s %s  ", $1, $2 }' "$out")"
	done
}

# ---- nginx ------------------------------------------------------------------------------
NGINX_CONFIGS=(none seccomp learn enforce)
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

nginx_conf() {
	mkdir -p "$TMP/nginx/www"
	head -c 4096 /dev/urandom | base64 -w 76 | head -c 4096 >"$TMP/nginx/www/index.html"
	chmod -R a+rX "$TMP/nginx"
	cat >"$TMP/nginx/nginx.conf" <<-EOF
		worker_processes 1;
		daemon off;
		pid $TMP/nginx/nginx.pid;
		error_log $TMP/nginx/error.log;
		events { worker_connections 512; }
		http {
		    access_log off;
		    sendfile on;
		    keepalive_requests 100000;
		    server {
		        listen 127.0.0.1:$NGINX_PORT;
		        root $TMP/nginx/www;
		    }
		}
	EOF
}

nginx_wait_up() {
	local i
	for ((i = 0; i < 200; i++)); do
		timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$NGINX_PORT" 2>/dev/null && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

nginx_stop() {
	local master
	master=$(cat "$TMP/nginx/nginx.pid" 2>/dev/null)
	[[ -n $master ]] && kill -QUIT "$master" 2>/dev/null
	wait_gone "$SERVER_PID" 30 || stop_pid "$SERVER_PID" INT
	rm -f "$TMP/nginx/nginx.pid"
}

# wrk_run SECONDS: requests per second, or nothing.
wrk_run() {
	timeout $(($1 + 30)) wrk -t1 -c32 -d"${1}s" "http://127.0.0.1:$NGINX_PORT/index.html" 2>&1 |
		awk '/^Requests\/sec:/ { print $2 }'
}

nginx_prep() {
	[[ -x $NGINX ]] && command -v wrk >/dev/null || return 1
	NGINX_PORT=$(pick_port) || return 1
	nginx_conf
	start_server learn "" "" "$TMP/nginx-prep.log" "$NGINX" -c "$TMP/nginx/nginx.conf"
	nginx_wait_up || { log "nginx did not start under learn"; cat "$TMP/nginx-prep.log" "$TMP/nginx/error.log" >&2; return 1; }
	wrk_run 1 >/dev/null
	nginx_stop
	[[ -s $TMP/sl.json ]] || { log "no nginx policy learned"; return 1; }
	cp "$TMP/sl.json" "$TMP/nginx.json"
	NGINX_SECCOMP=$(seccomp_inputs "$TMP/nginx.json" "$TMP/nginx")
}

nginx_rep() {
	local rep=$1 cfg v
	for cfg in $(rotate "$rep" "${NGINX_CONFIGS[@]}"); do
		if ! start_server "$cfg" "$TMP/nginx.json" "$TMP/nginx.bpf" \
			"$TMP/nginx-$cfg.log" "$NGINX" -c "$TMP/nginx/nginx.conf"; then
			record nginx "static 4 KiB" "$cfg" "$rep" "n/a (enforce not built)"
			continue
		fi
		v=
		if nginx_wait_up; then
			v=$(wrk_run "$WRK_SEC")
		else
			log "nginx did not start under $cfg"
			tail -n 5 "$TMP/nginx-$cfg.log" "$TMP/nginx/error.log" >&2
		fi
		nginx_stop
		record nginx "static 4 KiB" "$cfg" "$rep" "${v:-fail}"
		log "rep $rep nginx $cfg: ${v:-fail} req/s"
	done
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
REDIS_OK=0 NGINX_OK=0 LEARNER_OK=0 REDIS_SECCOMP='' NGINX_SECCOMP='' MERGE_SEED=
if section_on micro; then
	micro_prep
fi
if section_on redis || section_on learner; then
	if redis_prep; then REDIS_OK=1; else log "redis section unavailable"; fi
fi
if section_on nginx; then
	if nginx_prep; then NGINX_OK=1; else log "nginx section unavailable (nginx + wrk needed)"; fi
fi
if section_on learner; then
	if learner_prep; then LEARNER_OK=1; else log "learner section unavailable"; fi
fi

for ((rep = 1; rep <= REPS; rep++)); do
	section_on micro && micro_rep "$rep"
	section_on redis && ((REDIS_OK)) && redis_rep "$rep"
	section_on nginx && ((NGINX_OK)) && nginx_rep "$rep"
	section_on learner && ((LEARNER_OK)) && learner_rep "$rep"
done

# Sections that could not run still get their rows.
if section_on redis && ! ((REDIS_OK)); then
	for t in SET GET INCR LPUSH; do
		for c in "${REDIS_CONFIGS[@]}"; do record redis "$t" "$c" 1 "n/a (redis not available)"; done
	done
fi
if section_on nginx && ! ((NGINX_OK)); then
	for c in "${NGINX_CONFIGS[@]}"; do record nginx "static 4 KiB" "$c" 1 "n/a (nginx/wrk not available)"; done
fi
if section_on learner && ! ((LEARNER_OK)); then
	record learner "merge $MERGE_TRACES traces: wall s" merge 1 "n/a"
	record learner "merge $MERGE_TRACES traces: max RSS MiB" merge 1 "n/a"
fi

cp "$RAW" "$OUT/raw.tsv"
ELAPSED=$((SECONDS - T0))
export QUICK REPS ELAPSED REDIS_SECCOMP NGINX_SECCOMP MERGE_SEED MERGE_TRACES
export N_GETPPID N_MIXED ROUNDS REDIS_N REDIS_CLIENTS REDIS_TESTS WRK_SEC
"$SRC/bench/report.sh" "$OUT/raw.tsv" "$OUT" || exit 1
log "done in ${ELAPSED}s: $OUT/results.md"
