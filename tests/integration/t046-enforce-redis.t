#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t046-enforce-redis - enforce a learned policy on redis-server.
#
#  1. learn: redis-server (--enable-module-command yes) driven by
#     redis-benchmark -t set,get, with MODULE LOAD of a harmless module
#     (redis_module_hello.so) so that loading a module is in the policy;
#     redis is stopped with SHUTDOWN NOSAVE (learn ends with the target).
#  2. enforce, same start-up, a different benchmark
#     (-t lpush,incr,hset -d 64) and the harmless module again: zero
#     violations, redis answers to the end and exits 0.
#  3. enforce, MODULE LOAD of redis_module_evil.so (its OnLoad execs
#     /bin/sh): redis is killed, the report names the module's path and
#     execve, and sh never ran (no marker file).
#  4. enforce, MODULE LOAD of the harmless module with "exec MARKER": the
#     module is in the policy but execve is not in its rules.
# Every redis is stopped afterwards; the whole file takes ~30 s.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout redis-server redis-cli redis-benchmark
need_sysfence
HELLO=$SF_PROGS/redis_module_hello.so
EVIL=$SF_PROGS/redis_module_evil.so
for f in "$HELLO" "$EVIL"; do
	[[ -e $f ]] || bail "$f missing: build it first (make progs)"
done
HELLO=$(realpath -- "$HELLO")
EVIL=$(realpath -- "$EVIL")
SERVER=$(command -v redis-server)
EXE=$(realpath -- "$SERVER")
sf_tmpdir
POLICY=$SF_TMP/redis.json

PORT=$(sf_free_port 7) || bail "no free loopback port in 7000-7999"

plan 8

sf_pid=
redis_pid=
# shellcheck disable=SC2317 # called from the EXIT trap (sf_on_exit)
stop_all() {
	if [[ -n $redis_pid ]] && sf_pid_is "$redis_pid" redis; then
		timeout 5 redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1
		sf_stop_pid "$redis_pid" 3
	fi
	[[ -n $sf_pid ]] && sf_stop_pid "$sf_pid" 5
	sf_pid=
}
sf_on_exit stop_all

rcli() {
	timeout 10 redis-cli -p "$PORT" "$@" 2>&1
}

# start NAME sysfence-args...: sysfence (learn or enforce) running redis in
# the background; waits for PONG (10 s).  Sets sf_pid, redis_pid.
start() {
	local name=$1 pong='' i
	shift
	"$SF" "$@" -- "$SERVER" --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no \
		--daemonize no --dir "$SF_TMP" --logfile "$SF_TMP/$name.redis.log" \
		--enable-module-command yes >"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err" &
	sf_pid=$!
	redis_pid=
	for ((i = 0; i < 100; i++)); do
		pong=$(timeout 2 redis-cli -p "$PORT" ping 2>/dev/null)
		[[ $pong == PONG ]] && break
		kill -0 "$sf_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [[ $pong != PONG ]]; then
		diag "$name: redis-server did not answer"
		diag_file "$SF_TMP/$name.err"
		diag_file "$SF_TMP/$name.redis.log"
		return 1
	fi
	redis_pid=$(rcli info server | sed -n 's/^process_id:\([0-9]*\).*/\1/p')
}

# finish NAME: SHUTDOWN NOSAVE, wait for sysfence (15 s); sets rc.
finish() {
	rcli shutdown nosave >/dev/null
	sf_wait_pid "$sf_pid" 15
	rc=$?
	if [[ $rc -eq 124 ]]; then
		diag "$1: sysfence still running 15 s after SHUTDOWN; stopping it"
		stop_all
	fi
	sf_pid=
	redis_pid=
}

violations() {
	grep -a 'sysfence: VIOLATION' "$1" 2>/dev/null
}

# floor_kill FILE: the pid the seccomp floor killed (from sysfence's stderr),
# and the kernel's audit line naming the syscall, as diagnostics.
floor_kill() {
	local pid line
	pid=$(sed -n 's/.*target \([0-9]*\) was killed by the seccomp floor.*/\1/p' "$1")
	[[ -n $pid ]] || return 1
	line=$(dmesg 2>/dev/null | grep -a "type=1326" | grep -a " pid=$pid " | tail -n 1)
	diag "the seccomp floor killed redis-server (pid $pid): ${line:+syscall=$(sed -n 's/.* syscall=\([0-9]*\).*/\1/p' <<<"$line")}"
	diag "  ${line##*audit: }"
	return 0
}

# ---- 1-2: learn ------------------------------------------------------------------------------
if start learn learn --quiet --trace "$SF_TMP/redis.trace.zst" --policy "$POLICY"; then
	r=$(rcli module load "$HELLO")
	timeout 30 redis-benchmark -q -p "$PORT" -n 20000 -c 20 -t set,get \
		>"$SF_TMP/bench1.out" 2>&1
	brc=$?
	finish learn
	if [[ $r == OK && $brc -eq 0 && $rc -eq 0 ]]; then
		ok "learned redis-server: MODULE LOAD (hello) and redis-benchmark -t set,get"
	else
		not_ok "learned redis-server: MODULE LOAD (hello) and redis-benchmark -t set,get"
		diag "MODULE LOAD: $r; benchmark status $brc; sysfence learn status $rc"
		diag_file "$SF_TMP/learn.err"
		diag_file "$SF_TMP/bench1.out"
	fi
else
	not_ok "learned redis-server: MODULE LOAD (hello) and redis-benchmark -t set,get"
	stop_all
fi
if sf_lib_has "$POLICY" "$HELLO" getppid && [[ $(sf_lib_kind "$POLICY" "$EXE") == executable ]] &&
	! sf_lib_has "$POLICY" "$HELLO" execve; then
	ok "policy: $(jq '.sysfence.libraries | length' "$POLICY") libraries; the module's own getppid under its path"
else
	not_ok "policy lists redis-server and the module (getppid under $HELLO)"
	diag "libraries: $(jq -r '[.sysfence.libraries[]?.path] | join(", ")' "$POLICY" 2>/dev/null)"
fi

# ---- 3-5: enforce, another benchmark: zero violations -----------------------------------------------
if start enf enforce --log "$SF_TMP/enf.jsonl" "$POLICY"; then
	r=$(rcli module load "$HELLO")
	timeout 30 redis-benchmark -q -p "$PORT" -n 20000 -c 20 -t lpush,incr,hset -d 64 \
		>"$SF_TMP/bench2.out" 2>&1
	brc=$?
	pong=$(rcli ping)
	finish enf
	tr '\r' '\n' <"$SF_TMP/bench2.out" | grep 'requests per second' | awk '{ print "# " $0 }'
	if [[ $r == OK && $brc -eq 0 && $pong == PONG ]]; then
		ok "under enforce: MODULE LOAD (hello) and redis-benchmark -t lpush,incr,hset -d 64 ran"
	else
		not_ok "under enforce: MODULE LOAD (hello) and redis-benchmark -t lpush,incr,hset -d 64 ran"
		diag "MODULE LOAD: $r; benchmark status $brc; PING after: ${pong:-nothing}"
		diag_file "$SF_TMP/bench2.out"
	fi
	n=$(violations "$SF_TMP/enf.err" | wc -l)
	if [[ $n -eq 0 && $rc -eq 0 ]] && ! grep -q 'killed by the seccomp floor' "$SF_TMP/enf.err"; then
		ok "under enforce: zero violations, no seccomp-floor kill (sysfence exit 0)"
	else
		not_ok "under enforce: zero violations, no seccomp-floor kill (sysfence exit 0)"
		floor_kill "$SF_TMP/enf.err"
		diag "sysfence exit status $rc; $n violation line(s); false positives (library: syscall x count):"
		jq -r '"\(.library): \(.syscall)(\(.args)) [\(.reason)] at \(.site.symbol // .site.offset)"' \
			"$SF_TMP/enf.jsonl" 2>/dev/null | sort | uniq -c | sort -rn | head -n 20 |
			while IFS= read -r l; do diag "  $l"; done
		diag_file "$SF_TMP/enf.err"
	fi
	if grep -q 'exited with status 0' "$SF_TMP/enf.err"; then
		ok "under enforce: redis-server exited 0 after SHUTDOWN"
	else
		not_ok "under enforce: redis-server exited 0 after SHUTDOWN"
		diag_file "$SF_TMP/enf.err"
		diag_file "$SF_TMP/enf.redis.log"
	fi
else
	not_ok "under enforce: MODULE LOAD (hello) and redis-benchmark ran"
	not_ok "under enforce: zero violations"
	not_ok "under enforce: redis-server exited 0 after SHUTDOWN"
	stop_all
fi

# ---- 6-9: modules that exec ------------------------------------------------------------------------
# evil_load NAME MODULE-ARGS...: MODULE LOAD under enforce; redis must die.
# Without the Landlock floor: it refuses to open a module file that was
# never opened while learning (t105 covers the floor); this checks the
# per-library layer.
evil_load() {
	local name=$1
	shift
	if ! start "$name" enforce --landlock off --path-check off "$POLICY"; then
		rc=-1 # redis never answered (rc is compared as a number below)
		return 1
	fi
	rcli module load "$@" >"$SF_TMP/$name.cli" 2>&1
	sf_wait_pid "$sf_pid" 10
	rc=$?
	[[ $rc -eq 124 ]] && stop_all
	sf_pid=
	redis_pid=
}

MARK=$SF_TMP/pwned-evil
evil_load evil "$EVIL" "$MARK"
line=$(violations "$SF_TMP/evil.err" | head -n 1)
if [[ $rc -eq 3 && $line == *" $EVIL: execve("* && $line == *"-> killed" ]] &&
	grep -q 'killed by signal 9' "$SF_TMP/evil.err"; then
	ok "MODULE LOAD of an unknown module that execs: redis killed, report names $(basename "$EVIL") and execve"
else
	not_ok "MODULE LOAD of an unknown module that execs: redis killed, report names the module and execve"
	diag "sysfence status $rc (want 3); first violation: ${line:-none}"
	diag_file "$SF_TMP/evil.err"
fi
# (no marker counts only if the module really ran and tried its execve:
# redis started, and the violation names the module's execve)
if [[ ! -e $MARK && $rc -ne -1 && $line == *" $EVIL: execve("* ]]; then
	ok "the module's shell did not run (no marker; its execve was attempted and stopped)"
else
	not_ok "the module's shell did not run (no marker; its execve was attempted and stopped)"
	[[ -e $MARK ]] && diag "$MARK exists: sh ran"
	diag "sysfence status $rc (-1: redis never answered); first violation: ${line:-none}"
fi

MARK=$SF_TMP/pwned-hello
evil_load hello-exec "$HELLO" exec "$MARK"
line=$(violations "$SF_TMP/hello-exec.err" | head -n 1)
if [[ $rc -eq 3 && $line == *" $HELLO: execve("* && $line == *"not allowed for this library"* &&
	$line == *"-> killed" ]] && [[ ! -e $MARK ]]; then
	ok "MODULE LOAD of the learned module, now exec'ing: killed, 'not allowed for this library', no shell"
else
	not_ok "MODULE LOAD of the learned module, now exec'ing: killed, 'not allowed for this library', no shell"
	diag "sysfence status $rc (want 3); first violation: ${line:-none}"
	[[ -e $MARK ]] && diag "$MARK exists: sh ran"
	diag_file "$SF_TMP/hello-exec.err"
fi

done_testing
