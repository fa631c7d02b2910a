#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t012-lifecycle - the whole lifecycle is learned: when --duration ends a
# launched target's run, learn sends it --stop-signal and records its
# shutdown until it has exited, so that enforcing the policy and stopping the
# target the same way is clean (redis-server: rt_sigreturn after SIGTERM,
# exit_group).  A target that ignores the stop signal is killed after
# --stop-timeout; --stop-signal chooses the signal; bad values are usage
# errors.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq timeout redis-server redis-cli bash
need_sysfence
sf_tmpdir

PORT=$(sf_free_port 12) || bail "no free loopback port in 7000-7999"
POLICY=$SF_TMP/redis.json

plan 14

# 1. learn redis for 2 s; sysfence stops it and learns the shutdown
timeout --kill-after=5 60 "$SF" learn --duration 2s --trace "$SF_TMP/r.trace.zst" \
	--policy "$POLICY" -- redis-server --port "$PORT" --save "" --bind 127.0.0.1 \
	>"$SF_TMP/learn.out" 2>"$SF_TMP/learn.err"
rc=$?
is "$rc" 0 "learn exits 0" || diag_file "$SF_TMP/learn.err"
check "learn says it stops the target with SIGTERM" \
	grep -q "stopping the target with SIGTERM" "$SF_TMP/learn.err"
check "redis exited by itself (status 0), not killed" \
	grep -q "exited with status 0" "$SF_TMP/learn.err" || diag_file "$SF_TMP/learn.err"
check "the shutdown's rt_sigreturn is in the policy" \
	test -n "$(sf_libs_with "$POLICY" rt_sigreturn)"
check "the shutdown's exit_group is in the policy" \
	test -n "$(sf_libs_with "$POLICY" exit_group)"

# 2. enforce the policy and let sysfence stop redis the same way: clean
timeout --kill-after=5 60 "$SF" enforce --duration 2s "$POLICY" -- \
	redis-server --port "$PORT" --save "" --bind 127.0.0.1 \
	>"$SF_TMP/enf.out" 2>"$SF_TMP/enf.err"
rc=$?
is "$rc" 0 "enforce, then a stop by sysfence: no violation (exit 0)" ||
	diag_file "$SF_TMP/enf.err"

# 3. a target that ignores the stop signal is killed after --stop-timeout
start=$SECONDS
timeout --kill-after=5 60 "$SF" learn -q --duration 1s --stop-timeout 1s \
	--trace "$SF_TMP/i.trace.zst" --policy "$SF_TMP/i.json" -- \
	bash -c 'trap "" TERM; exec sleep 30' >/dev/null 2>"$SF_TMP/ign.err"
rc=$?
is "$rc" 0 "learn of a target ignoring SIGTERM exits 0" || diag_file "$SF_TMP/ign.err"
check "it was killed after --stop-timeout (warned, well before its 30 s)" \
	bash -c "grep -q 'did not exit within --stop-timeout' '$SF_TMP/ign.err' && \
		[[ \$((SECONDS - $start)) -lt 20 ]]"

# 4. --stop-signal INT reaches the target's INT handler
MARK=$SF_TMP/got-int
timeout --kill-after=5 60 "$SF" learn -q --duration 1s --stop-signal INT \
	--trace "$SF_TMP/n.trace.zst" --policy "$SF_TMP/n.json" -- \
	bash -c "trap 'echo int > $MARK; exit 0' INT; while :; do sleep 0.1; done" \
	>/dev/null 2>"$SF_TMP/int.err"
check "--stop-signal INT: the target's INT handler ran" test -s "$MARK" ||
	diag_file "$SF_TMP/int.err"

# 5. usage errors
"$SF" learn --stop-signal NOPE -- true >/dev/null 2>"$SF_TMP/u1.err"
rc=$?
is "$rc" 2 "--stop-signal NOPE is a usage error (exit 2)"
"$SF" learn --stop-signal TERM --pid 1 >/dev/null 2>"$SF_TMP/u2.err"
rc=$?
is "$rc" 2 "--stop-signal with --pid is a usage error (exit 2)"

"$SF" learn --stop-timeout soon -- true >/dev/null 2>"$SF_TMP/u3.err"
rc=$?
check "--stop-timeout soon: exit 2 and one error line naming --stop-timeout" \
	bash -c "[[ $rc -eq 2 ]] && grep -q 'invalid --stop-timeout' '$SF_TMP/u3.err' && \
		[[ \$(wc -l <'$SF_TMP/u3.err') -eq 1 ]]"

# 6. SIGINT while the BPF object loads, from a background job of a
# non-interactive shell (SIGINT starts ignored there): learn must still end
sleep 60 &
sleeper=$!
bash -c '"$0" learn -q --pid "$1" --trace "$2/s.trace.zst" --policy "$2/s.json" \
	>/dev/null 2>"$2/sigint.err" & p=$!; sleep 0.05; kill -INT $p; wait $p' \
	"$SF" "$sleeper" "$SF_TMP" &
waiter=$!
sf_wait_pid "$waiter" 20
rc=$?
kill "$sleeper" 2>/dev/null
if [[ $rc -eq 124 ]]; then
	not_ok "learn ends on a SIGINT sent while it loads (background job)"
	pkill -KILL -f "$SF_TMP/s.trace.zst"
else
	ok "learn ends on a SIGINT sent while it loads (background job)"
fi
check "... and says so in one line, or recorded until the signal (exit $rc)" \
	bash -c "[[ $rc -eq 0 ]] || grep -q 'interrupted' '$SF_TMP/sigint.err'"

done_testing
