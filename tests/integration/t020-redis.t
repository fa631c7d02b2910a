#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t020-redis - learn a real program: redis-server on a loopback port, driven
# by redis-benchmark for a few seconds.  The policy must list redis-server's
# executable with epoll_wait and accept/accept4 charged to it, and learn must
# end cleanly at --duration.  redis is stopped afterwards in every case.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout redis-server redis-cli redis-benchmark
need_sysfence
sf_tmpdir

LEARN_SEC=12
SERVER=$(command -v redis-server)
EXE=$(realpath -- "$SERVER") # Debian: a symlink; the kernel names the target
TRACE=$SF_TMP/redis.trace.zst
POLICY=$SF_TMP/redis.json


PORT=$(sf_free_port 0) || bail "no free loopback port in 7000-7999"

plan 9

sf_pid=
redis_pid=
# shellcheck disable=SC2317 # called from the EXIT trap (sf_on_exit)
stop_all() {
	# redis first (by its own pid, from INFO), then learn.
	if [[ -n $redis_pid ]] && sf_pid_is "$redis_pid" redis; then
		timeout 5 redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1
		sf_stop_pid "$redis_pid" 3
	fi
	[[ -n $sf_pid ]] && sf_stop_pid "$sf_pid" 5
	sf_pid=
}
sf_on_exit stop_all

timeout --kill-after=10 $((LEARN_SEC + 40)) \
	"$SF" learn --quiet --duration "${LEARN_SEC}s" --trace "$TRACE" --policy "$POLICY" \
	-- "$SERVER" --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no \
	--daemonize no --dir "$SF_TMP" --logfile "$SF_TMP/redis.log" \
	>"$SF_TMP/learn.out" 2>"$SF_TMP/learn.err" &
sf_pid=$!
t0=$SECONDS

# 1. redis answers while being learned (bounded wait).
pong=
for ((i = 0; i < 100; i++)); do
	pong=$(timeout 2 redis-cli -p "$PORT" ping 2>/dev/null)
	[[ $pong == PONG ]] && break
	kill -0 "$sf_pid" 2>/dev/null || break
	sleep 0.1
done
if [[ $pong == PONG ]]; then
	ok "redis-server answers on 127.0.0.1:$PORT under sysfence learn"
	redis_pid=$(timeout 2 redis-cli -p "$PORT" info server 2>/dev/null |
		sed -n 's/^process_id:\([0-9]*\).*/\1/p')
else
	not_ok "redis-server answers on 127.0.0.1:$PORT under sysfence learn"
	diag_file "$SF_TMP/learn.err"
	diag_file "$SF_TMP/redis.log"
fi

# 2. a few seconds of load.
if [[ $pong == PONG ]] &&
	timeout 30 redis-benchmark -q -p "$PORT" -n 20000 -c 20 -t set,get \
		>"$SF_TMP/bench.out" 2>&1; then
	ok "redis-benchmark ran ($(tr '\r' '\n' <"$SF_TMP/bench.out" | grep -c 'requests per second') tests)"
	tr '\r' '\n' <"$SF_TMP/bench.out" | grep 'requests per second' | awk '{ print "# " $0 }'
else
	not_ok "redis-benchmark ran"
	diag_file "$SF_TMP/bench.out"
fi

# 3. learn ends by itself at --duration, with status 0.
sf_wait_pid "$sf_pid" $((LEARN_SEC + 30))
rc=$?
elapsed=$((SECONDS - t0))
if [[ $rc -eq 124 ]]; then
	not_ok "sysfence learn ends at --duration ${LEARN_SEC}s"
	diag "still running after ${elapsed}s; stopping it"
	sf_stop_pid "$sf_pid" 5
	rc="timeout"
else
	ok "sysfence learn ends at --duration ${LEARN_SEC}s (after ${elapsed}s)"
fi
sf_pid=
is "$rc" 0 "sysfence learn exit status" || diag_file "$SF_TMP/learn.err"

# 4. learn stops the redis it launched when --duration ends (README: "when
# sysfence ends a run itself it stops the target"): the real redis pid
# (from INFO, not a wrapper's) is gone before we touch it, and redis logged
# the SIGTERM.
if [[ -z $redis_pid ]]; then
	not_ok "learn stopped redis-server at --duration (its pid is unknown: INFO failed)"
else
	gone=yes
	for ((i = 0; i < 30; i++)); do
		sf_pid_is "$redis_pid" redis || break
		sleep 0.1
	done
	sf_pid_is "$redis_pid" redis && gone=no
	if [[ $gone == yes ]] && grep -q 'Received SIGTERM' "$SF_TMP/redis.log"; then
		ok "learn stopped redis-server (pid $redis_pid) at --duration: gone, 'Received SIGTERM' in its log"
	else
		not_ok "learn stopped redis-server (pid $redis_pid) at --duration"
		diag "gone: $gone"
		diag_file "$SF_TMP/redis.log"
	fi
fi

# 5. the policy.
if jq -e '.sysfence.libraries | type == "array"' "$POLICY" >/dev/null 2>&1; then
	ok "policy written: $(jq '.sysfence.libraries | length' "$POLICY") libraries/buckets"
else
	not_ok "policy written to $POLICY"
	diag_file "$SF_TMP/learn.err"
fi

is "$(sf_lib_kind "$POLICY" "$EXE")" executable "policy lists $EXE as the executable"

if sf_lib_has "$POLICY" "$EXE" epoll_wait; then
	ok "epoll_wait charged to $EXE"
else
	not_ok "epoll_wait charged to $EXE"
	diag "epoll_wait is under: $(sf_libs_with "$POLICY" epoll_wait | paste -sd' ')"
fi

if sf_lib_has "$POLICY" "$EXE" accept4 || sf_lib_has "$POLICY" "$EXE" accept; then
	ok "accept/accept4 charged to $EXE"
else
	not_ok "accept/accept4 charged to $EXE"
	diag "accept is under: $(sf_libs_with "$POLICY" accept | paste -sd' ')"
	diag "accept4 is under: $(sf_libs_with "$POLICY" accept4 | paste -sd' ')"
fi

done_testing
