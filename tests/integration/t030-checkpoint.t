#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t030-checkpoint - sysfence killed with SIGKILL mid-learn leaves a readable
# trace from its last checkpoint (every 10 s, atomic rename).
#
# `matrix sleep-loop` makes its marker (sched_getscheduler from libsf_a.so)
# at once, then sleeps ~30 s.  12 s after the target started we SIGKILL
# sysfence: the 10 s checkpoint must be on disk, `sysfence merge` must read
# it, and the merged policy must charge the marker to libsf_a.so.
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
WAIT_SEC=12

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

# 2. sysfence is still learning after WAIT_SEC, then dies by SIGKILL.
sleep "$WAIT_SEC"
if kill -0 "$sf_pid" 2>/dev/null; then
	kill -KILL "$sf_pid"
	wait "$sf_pid" 2>/dev/null
	ok "sysfence still learning after ${WAIT_SEC}s; killed with SIGKILL"
else
	wait "$sf_pid" 2>/dev/null
	not_ok "sysfence still learning after ${WAIT_SEC}s (it exited $?)"
	diag_file "$SF_TMP/learn.err"
fi
sf_pid=

# 3. the orphaned target is cleaned up.
if [[ -n $target_pid ]] && sf_pid_is "$target_pid" matrix; then
	kill -KILL "$target_pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		sf_pid_is "$target_pid" matrix || break
		sleep 0.1
	done
fi
if [[ -n $target_pid ]] && sf_pid_is "$target_pid" matrix; then
	not_ok "leftover target (pid $target_pid) killed"
else
	ok "no leftover target"
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
