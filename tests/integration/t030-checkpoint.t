#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t030-checkpoint - sysfence killed with SIGKILL mid-learn leaves a readable
# trace from its last checkpoint (every 10 s, atomic rename).
#
# `matrix sleep-loop` makes its marker (sched_getscheduler from libsf_a.so)
# at once, then sleeps ~30 s.  As soon as the first checkpoint (10 s) is on
# disk we SIGKILL sysfence: `sysfence merge` must read that checkpoint, and
# the merged policy must charge the marker to libsf_a.so.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout
need_sysfence
[[ -x $SF_PROGS/matrix ]] || bail "$SF_PROGS/matrix missing: build it first (make progs)"
sf_tmpdir

MARKER=sched_getscheduler
LIB=$(sf_resolve libsf_a.so)
TRACE=$SF_TMP/ckpt.trace.zst
POLICY=$SF_TMP/ckpt.json
MERGED=$SF_TMP/merged.json
PIDFILE=$SF_TMP/target.pid

plan 6

sf_pid=
target_pid=
# shellcheck disable=SC2317 # called from the EXIT trap (sf_on_exit)
stop_all() {
	[[ -n $sf_pid ]] && sf_stop_pid "$sf_pid" 2
	if [[ -z $target_pid && -s $PIDFILE ]]; then
		target_pid=$(<"$PIDFILE")
	fi
	if [[ -n $target_pid ]] && sf_pid_is "$target_pid" matrix; then
		kill -KILL "$target_pid" 2>/dev/null
	fi
}
sf_on_exit stop_all

# No `timeout` wrapper here: we need sysfence's own pid to SIGKILL it.  The
# run is bounded by stop_all at exit and by the target's own 30 s.
SF_PIDFILE=$PIDFILE SF_SLEEP_SEC=30 \
	"$SF" learn --quiet --duration 60s --trace "$TRACE" --policy "$POLICY" \
	-- "$SF_PROGS/matrix" sleep-loop >"$SF_TMP/learn.out" 2>"$SF_TMP/learn.err" &
sf_pid=$!

# 1. the target starts (pid file written by matrix before its marker).
for ((i = 0; i < 100; i++)); do
	[[ -s $PIDFILE ]] && break
	kill -0 "$sf_pid" 2>/dev/null || break
	sleep 0.1
done
if [[ -s $PIDFILE ]]; then
	target_pid=$(<"$PIDFILE")
	ok "target started under sysfence learn (pid $target_pid)"
else
	not_ok "target started under sysfence learn"
	diag_file "$SF_TMP/learn.err"
fi

# 2. the first checkpoint appears (event: the trace file is renamed into
# place 10 s after the start; deadline 30 s), sysfence is still learning
# then, and dies by SIGKILL at once.
for ((i = 0; i < 300; i++)); do
	[[ -s $TRACE ]] && break
	kill -0 "$sf_pid" 2>/dev/null || break
	sleep 0.1
done
if [[ -s $TRACE ]] && kill -0 "$sf_pid" 2>/dev/null; then
	kill -KILL "$sf_pid"
	wait "$sf_pid" 2>/dev/null
	ok "checkpoint written after $((i / 10)).$((i % 10)) s of waiting; sysfence killed with SIGKILL while learning"
else
	wait "$sf_pid" 2>/dev/null
	not_ok "checkpoint written while sysfence is learning (sysfence $(kill -0 "$sf_pid" 2>/dev/null && echo running || echo "exited $?"))"
	diag_file "$SF_TMP/learn.err"
fi
sf_pid=

# 3. the kill came mid-run: the target (its own pid, from its pid file) was
# still running when sysfence died (it sleeps 30 s).  learn does not kill
# its target when it is itself SIGKILLed; stop_all does, at exit.
if [[ -n $target_pid ]] && sf_pid_is "$target_pid" matrix; then
	ok "the target (pid $target_pid) was still running when sysfence was killed"
else
	not_ok "the target (pid ${target_pid:-unknown}) was still running when sysfence was killed"
fi

# 4. the last checkpoint is on disk.
if [[ -s $TRACE ]]; then
	ok "checkpoint trace exists ($(stat -c %s "$TRACE") bytes)"
else
	not_ok "checkpoint trace $TRACE exists"
	diag "files left: $(cd "$SF_TMP" && ls -la)"
fi

# 5. it is readable.
if timeout 30 "$SF" merge "$TRACE" -o "$MERGED" >"$SF_TMP/merge.out" 2>"$SF_TMP/merge.err" &&
	jq -e '.sysfence.libraries | type == "array"' "$MERGED" >/dev/null 2>&1; then
	ok "sysfence merge reads the checkpoint"
else
	not_ok "sysfence merge reads the checkpoint"
	diag_file "$SF_TMP/merge.err"
fi

# 6. and holds what happened before the checkpoint.
if sf_lib_has "$MERGED" "$LIB" "$MARKER"; then
	ok "$MARKER charged to $LIB in the checkpoint"
else
	not_ok "$MARKER charged to $LIB in the checkpoint"
	diag "$MARKER is under: $(sf_libs_with "$MERGED" "$MARKER" | paste -sd' ')"
fi

done_testing
