#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t082-hostile - targets that crash, exit at once, fork 1000 children,
# run 200 threads, exec, rename themselves, leave exited children behind,
# or overflow the counts map (tests/progs/hostile.c).  Under real BPF
# (`sysfence learn`), the results stay exact: the marker (getitimer, called
# from hostile's own code) is charged to the hostile executable only, with
# an evidence count equal to the calls made; no exited process stays in the
# tracked map; an unrelated process is not recorded; a full map is reported
# with the option that raises it.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout bpftool
need_sysfence
H=$SF_PROGS/hostile
[[ -x $H ]] || bail "$H missing: build it first (make progs)"
HREAL=$(realpath "$H")
MARKER=getitimer
sf_tmpdir

plan 16

# learn_mode NAME MODE [ARGS...]: learn one run into $SF_TMP/NAME.{json,zst};
# stderr in $SF_TMP/NAME.err, stdout in NAME.out; returns sysfence's status.
# LEARN_OPTS (array): extra sysfence options.
LEARN_OPTS=()
learn_mode() {
	local name=$1
	shift
	# (--generalize none: counts and attribution are judged on observed
	# rules only; inferred rules, docs/generalize.md, add calls to other
	# units, e.g. timers to /bin/sh)
	timeout --kill-after=5 60 "$SF" learn "${LEARN_OPTS[@]}" --trace "$SF_TMP/$name.zst" \
		--policy "$SF_TMP/$name.json" --generalize none -- "$H" "$@" \
		>"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err"
}

# marker_count NAME: evidence count of the marker under the hostile binary.
marker_count() {
	jq -r --arg p "$HREAL" --arg m "$MARKER" '
		[.sysfence.libraries[]? | select(.path == $p) | .evidence[$m].count // 0]
		| add // 0' "$SF_TMP/$1.json" 2>/dev/null || echo "unreadable"
}

# expect_count NAME WANT DESC: sysfence succeeded, marker count == WANT and
# the marker is charged to nothing else.
expect_count() {
	local name=$1 want=$2 desc=$3 rc=$4 got others
	got=$(marker_count "$name")
	others=$(sf_libs_with "$SF_TMP/$name.json" "$MARKER" | grep -vxF -- "$HREAL")
	if [[ $rc -eq 0 && $got == "$want" && -z $others ]]; then
		ok "$desc: $MARKER counted $got times"
	else
		not_ok "$desc: $MARKER counted $want times"
		diag "sysfence exit $rc; count $got; also charged to: ${others:-nothing}"
		diag_file "$SF_TMP/$name.err"
	fi
}

# 1. crash
learn_mode segv segv
rc=$?
expect_count segv 1 "target dies by SIGSEGV" "$rc"
# 2. exit at once
learn_mode exitnow exit-now
rc=$?
if [[ $rc -eq 0 ]] && grep -q "exited with status 3" "$SF_TMP/exitnow.err" &&
	jq -e '.sysfence.libraries | type == "array"' "$SF_TMP/exitnow.json" >/dev/null &&
	"$SF" merge -q "$SF_TMP/exitnow.zst" -o "$SF_TMP/exitnow-m.json" 2>/dev/null; then
	ok "target exits at once: status reported, policy and trace readable"
else
	not_ok "target exits at once (sysfence exit $rc)"
	diag_file "$SF_TMP/exitnow.err"
fi
# 3. fork storm
learn_mode fork fork 1000
expect_count fork 1000 "1000 short-lived children" $?
# 4. threads
learn_mode threads threads 200
expect_count threads 200 "200 threads alive at once" $?
# 5. exec: child execs /bin/sh, then the target re-execs itself
learn_mode exec exec
expect_count exec 7 "exec of another program, then of a new image" $?
# 5b. exec from a thread that is not the group leader
learn_mode texec thread-exec
expect_count texec 7 "exec from a non-leader thread" $?
# 6. comm changes
learn_mode comm comm
expect_count comm 2 "renamed (PR_SET_NAME) process and child" $?

# 7-9. no stale entries: 200 children have exited; while the target sleeps,
# our tracked map holds the target alone; an unrelated process run meanwhile
# is not recorded; after the session the map is gone.
PIDFILE=$SF_TMP/stale.pid
SF_PIDFILE=$PIDFILE SF_SLEEP_SEC=3 learn_mode stale stale 200 &
sf_bg=$!
sf_on_exit "kill $sf_bg"
for ((i = 0; i < 100; i++)); do
	[[ -s $PIDFILE ]] && break
	sleep 0.1
done
tpid=$(cat "$PIDFILE" 2>/dev/null)
sfpid=
for p in $(pgrep -f -- "learn --trace $SF_TMP/stale.zst"); do
	[[ $(cat "/proc/$p/comm" 2>/dev/null) == sysfence ]] && sfpid=$p
done
map_id=
if [[ -n $sfpid ]]; then
	# map ids of sysfence's own bpf-map fds, then the one named "tracked"
	ids=$(for fd in /proc/"$sfpid"/fd/*; do
		[[ $(readlink "$fd") == anon_inode:bpf-map ]] &&
			sed -n 's/^map_id:[[:space:]]*//p' "/proc/$sfpid/fdinfo/${fd##*/}"
	done | paste -sd,)
	map_id=$(bpftool -j map show | jq --argjson ids "[${ids}]" \
		'.[] | select(.name == "tracked" and (.id as $i | $ids | index($i))) | .id' | head -n1)
fi
if [[ -n $map_id && -n $tpid ]]; then
	keys=$(bpftool -j map dump id "$map_id" | jq -r '.[] | .formatted.key // empty' | sort | paste -sd' ')
	if [[ $keys == "$tpid" ]]; then
		ok "tracked map holds only the live target ($tpid) after 200 children exited"
	else
		not_ok "tracked map holds only the live target ($tpid)"
		diag "tracked map $map_id keys: $keys"
	fi
else
	not_ok "tracked map of this session found (sysfence pid '${sfpid}', target '${tpid}', map '${map_id}')"
fi
"$H" exec-target >/dev/null # 7 markers from an unrelated process
wait "$sf_bg"
rc=$?
expect_count stale 1 "an unrelated process running meanwhile is not recorded" "$rc"
# (the kernel frees a map asynchronously after its last reference)
for ((i = 0; i < 50; i++)); do
	if [[ -z $map_id ]] || ! bpftool map show id "$map_id" >/dev/null 2>&1; then
		break
	fi
	sleep 0.1
done
if [[ -z $map_id ]]; then
	not_ok "tracked map is freed when the session ends (no map id was found to check)"
elif bpftool map show id "$map_id" >/dev/null 2>&1; then
	not_ok "tracked map $map_id is freed when the session ends"
else
	ok "tracked map $map_id is freed when the session ends"
fi

# 10-13. maps full: more tuples than the counts map holds, more processes
# alive at once than the tracked map holds (both made small).
LEARN_OPTS=(--max-tuples 1024)
learn_mode mapfull mapfull 5000
rc=$?
if [[ $rc -eq 0 ]] && grep -q "^sysfence: warning: [0-9]* .*the counts map is full" \
	"$SF_TMP/mapfull.err" && jq -e .sysfence "$SF_TMP/mapfull.json" >/dev/null 2>&1; then
	ok "counts map full: counted and reported, policy still written"
else
	not_ok "counts map full: counted and reported (sysfence exit $rc)"
	diag_file "$SF_TMP/mapfull.err"
fi
check "the counts-map warning names --max-tuples" \
	grep -q "counts map is full.*--max-tuples" "$SF_TMP/mapfull.err"
LEARN_OPTS=(--max-procs 16)
SF_HOLD=1 learn_mode procfull fork 100
rc=$?
got=$(marker_count procfull)
if [[ $rc -eq 0 ]] && grep -q "^sysfence: warning: [0-9]* child processes were not tracked: the tracked map is full" \
	"$SF_TMP/procfull.err" && [[ $got -ge 1 && $got -lt 100 ]]; then
	ok "tracked map full (100 children, room for 16): counted and reported ($got of 100 recorded)"
else
	not_ok "tracked map full: counted and reported (sysfence exit $rc, $got of 100 recorded)"
	diag_file "$SF_TMP/procfull.err"
fi
check "the tracked-map warning names --max-procs" \
	grep -q "tracked map is full.*--max-procs" "$SF_TMP/procfull.err"
LEARN_OPTS=()

# 14. a daemon-like child outliving the launched process
learn_mode orphan orphan
rc=$?
got=$(marker_count orphan)
if [[ $rc -eq 0 && $got == 1 ]]; then
	ok "a child that outlives the launched process is recorded"
else
	not_ok "a child that outlives the launched process is recorded (count $got, sysfence exit $rc)"
	diag_file "$SF_TMP/orphan.err"
fi

# 15. --pid on a process that exits but is never reaped (its parent ignores
# it): learning must end when it exits, not when it is reaped.  Events, no
# timing: the target (a subshell blocked on a FIFO; its parent execs a
# sleep that never reaps) is released once learn says it is attached (its
# "learning pid N" line; the case fails if that never appears), and
# learn must end within 3 s of the release (--duration is 30 s, the
# parent lives 60 s).
ZPID=$SF_TMP/zombie.pid
ZGO=$SF_TMP/zombie.go
mkfifo "$ZGO"
bash -c 'read -r _ <"$2" & echo $! >"$1"; exec sleep 60' _ "$ZPID" "$ZGO" &
zparent=$!
sf_on_exit "kill $zparent"
for ((i = 0; i < 50; i++)); do
	[[ -s $ZPID ]] && break
	sleep 0.1
done
timeout --kill-after=5 60 "$SF" learn --duration 30s --trace "$SF_TMP/z.zst" \
	--policy "$SF_TMP/z.json" --pid "$(cat "$ZPID")" >/dev/null 2>"$SF_TMP/z.err" &
zl=$!
attached=no
for ((i = 0; i < 200; i++)); do
	grep -q "^sysfence: learning pid " "$SF_TMP/z.err" 2>/dev/null && { attached=yes; break; }
	kill -0 "$zl" 2>/dev/null || break
	sleep 0.1
done
start=$(date +%s%N)
echo go >"$ZGO"
sf_wait_pid "$zl" 10
rc=$?
took=$((($(date +%s%N) - start) / 1000000))
[[ $rc -eq 124 ]] && sf_stop_pid "$zl" 2
if [[ $attached == yes && $rc -eq 0 && $took -le 3000 ]] &&
	[[ $(_sf_pid_state "$(cat "$ZPID")") == Z ]]; then
	ok "--pid target that exits unreaped (zombie): learning ends ${took} ms after its exit"
else
	not_ok "--pid target that exits unreaped (zombie): learning ended ${took} ms after its exit (exit $rc, state '$(_sf_pid_state "$(cat "$ZPID")")', want Z; 'learning pid' line seen before the release: $attached)"
	diag_file "$SF_TMP/z.err"
fi
kill "$zparent" 2>/dev/null
done_testing
