#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t047-gate.t - the pre-effect gate (issue 14): a dangerous call allowed
# for one library of a process and not for another is decided by the
# supervisor before it runs.
#
# gate-target (tests/progs/gate_target.c) links libgate_ok.so and
# libgate_bad.so, one source built twice.  A policy is learned with every
# class made by libgate_ok.so only; then, per class, the call from
# libgate_ok.so works and the same call from libgate_bad.so is denied, its
# effect never happens, and the report names libgate_bad.so.  Then: the
# gate's attribution equals the BPF side's, --gate selections, --pid says
# it cannot gate, the supervisor SIGKILLed mid-run, 100 threads flooding
# gated calls, and a paused call whose thread died before the answer.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq timeout stat
need_sysfence
TGT=$SF_PROGS/gate-target
[[ -x $TGT ]] || bail "$TGT missing: build it first (make progs)"
TGT=$(realpath -- "$TGT")
BAD=$(realpath -- "$SF_PROGS/libgate_bad.so")
sf_tmpdir
D=$SF_TMP/d
mkdir -p "$D"

plan 44

BG=()
# shellcheck disable=SC2317 # called from the EXIT trap
stop_bg() {
	local p
	for p in "${BG[@]}"; do
		sf_stop_pid "$p" 1
	done
	return 0
}
sf_on_exit stop_bg

PORT=$(sf_free_port 47) || bail "no free port"
"$TGT" listen "$PORT" "$SF_TMP/accepted" 300 >"$SF_TMP/listen.out" 2>&1 &
BG+=($!)
"$TGT" sigwait "$SF_TMP/signals" 300 >"$SF_TMP/sigwait.out" 2>&1 &
BG+=($!)
for _ in $(seq 50); do
	[[ -s $SF_TMP/sigwait.out ]] && grep -qs listening "$SF_TMP/listen.out" && break
	sleep 0.1
done
SIGPID=$(head -1 "$SF_TMP/sigwait.out")
lines() { if [[ -f $1 ]]; then wc -l <"$1"; else echo 0; fi; }

# ---- the policy ------------------------------------------------------------------
POL=$SF_TMP/gate.json
mkdir -p "$D/learn"
if timeout --kill-after=5 60 "$SF" learn --quiet --policy "$POL" -- \
	"$TGT" learn "$D/learn" "$PORT" "$SIGPID" "$TGT" >"$SF_TMP/learn.out" 2>"$SF_TMP/learn.err" &&
	! grep -q ' -[0-9]' "$SF_TMP/learn.out"; then
	ok "learn: every class from libgate_ok.so, a read from libgate_bad.so"
else
	not_ok "learn: every class from libgate_ok.so, a read from libgate_bad.so"
	diag_file "$SF_TMP/learn.out"
	diag_file "$SF_TMP/learn.err"
fi
rm -f "$SF_TMP/accepted" "$SF_TMP/signals"

# enf NAME [ENFORCE-OPTIONS...] -- CMD...: bounded run; $rc, NAME.out/.err/.log
enf() {
	local name=$1
	shift
	local -a opts=()
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	rm -f "$SF_TMP/$name.log"
	# without the Landlock floor nor path checks: the targets use paths the learning run
	# did not (t105 tests the floor), and this tests the gate
	timeout --kill-after=5 60 "$SF" enforce --landlock off --path-check off "${opts[@]}" -l "$SF_TMP/$name.log" "$POL" -- "$@" \
		>"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err"
	rc=$?
}

# denied NAME CLASS: the run of libgate_bad.so was denied by the gate and
# reported with the library's name and call site symbol; it printed no
# result.
denied() {
	local name=$1
	if [[ $rc -eq 3 ]] && ! grep -q "^result" "$SF_TMP/$name.out" &&
		grep -q "VIOLATION .*$BAD: .*denied before it ran (gate) -> killed" "$SF_TMP/$name.err" &&
		grep -q "sysfence: [1-9][0-9]* violations ([1-9][0-9]* distinct" "$SF_TMP/$name.err" &&
		jq -e --arg lib "$BAD" 'select(.library == $lib and .gate == "denied before it ran"
			and (.site.symbol // "" | startswith("gate_bad_do+")))' \
			"$SF_TMP/$name.log" >/dev/null 2>&1; then
		return 0
	fi
	diag "rc=$rc"
	diag_file "$SF_TMP/$name.out"
	diag_file "$SF_TMP/$name.err"
	return 1
}
worked() {
	local name=$1 cls=$2
	[[ $rc -eq 0 ]] && grep -qx "result $cls 0" "$SF_TMP/$name.out" && return 0
	diag "rc=$rc"
	diag_file "$SF_TMP/$name.out"
	diag_file "$SF_TMP/$name.err"
	return 1
}

# ---- one test pair per class -----------------------------------------------------
# file classes: OK-run, BAD-run, and the effect checks
enf ow-ok -- "$TGT" run ok open-write "$D/ow-ok"
check "open-write: allowed library creates its file" worked ow-ok open-write
enf ow-bad -- "$TGT" run bad open-write "$D/ow-bad"
if denied ow-bad && [[ ! -e $D/ow-bad ]]; then
	ok "open-write: other library denied, no file created, report names it"
else
	not_ok "open-write: other library denied, no file created, report names it"
fi

enf md-ok -- "$TGT" run ok mkdir "$D/md-ok"
check "mkdir: allowed library creates its directory" worked md-ok mkdir
enf md-bad -- "$TGT" run bad mkdir "$D/md-bad"
if denied md-bad && [[ ! -e $D/md-bad ]]; then
	ok "mkdir: other library denied, no directory"
else
	not_ok "mkdir: other library denied, no directory"
fi

: >"$D/del-ok"
: >"$D/del-bad"
enf del-ok -- "$TGT" run ok delete "$D/del-ok"
if worked del-ok delete && [[ ! -e $D/del-ok ]]; then ok "delete: allowed library unlinks"
else not_ok "delete: allowed library unlinks"; fi
enf del-bad -- "$TGT" run bad delete "$D/del-bad"
if denied del-bad && [[ -e $D/del-bad ]]; then
	ok "delete: other library denied, the file is still there"
else
	not_ok "delete: other library denied, the file is still there"
fi

: >"$D/ren-ok"
: >"$D/ren-bad"
enf ren-ok -- "$TGT" run ok rename "$D/ren-ok"
if worked ren-ok rename && [[ -e $D/ren-ok.2 ]]; then ok "rename: allowed library renames"
else not_ok "rename: allowed library renames"; fi
enf ren-bad -- "$TGT" run bad rename "$D/ren-bad"
if denied ren-bad && [[ -e $D/ren-bad && ! -e $D/ren-bad.2 ]]; then
	ok "rename: other library denied, nothing renamed"
else
	not_ok "rename: other library denied, nothing renamed"
fi

enf ln-ok -- "$TGT" run ok link "$D/ln-ok"
if worked ln-ok link && [[ -L $D/ln-ok ]]; then ok "link: allowed library makes a symlink"
else not_ok "link: allowed library makes a symlink"; fi
enf ln-bad -- "$TGT" run bad link "$D/ln-bad"
if denied ln-bad && [[ ! -L $D/ln-bad ]]; then ok "link: other library denied, no symlink"
else not_ok "link: other library denied, no symlink"; fi

: >"$D/cm-ok"
: >"$D/cm-bad"
chmod 0644 "$D/cm-ok" "$D/cm-bad"
enf cm-ok -- "$TGT" run ok chmod "$D/cm-ok"
if worked cm-ok chmod && [[ $(stat -c %a "$D/cm-ok") == 600 ]]; then ok "chmod: allowed library changes the mode"
else not_ok "chmod: allowed library changes the mode"; fi
enf cm-bad -- "$TGT" run bad chmod "$D/cm-bad"
if denied cm-bad && [[ $(stat -c %a "$D/cm-bad") == 644 ]]; then ok "chmod: other library denied, mode unchanged"
else not_ok "chmod: other library denied, mode unchanged"; fi

: >"$D/co-ok"
: >"$D/co-bad"
enf co-ok -- "$TGT" run ok chown "$D/co-ok"
if worked co-ok chown && [[ $(stat -c %u "$D/co-ok") == 4242 ]]; then ok "chown: allowed library changes the owner"
else not_ok "chown: allowed library changes the owner"; fi
enf co-bad -- "$TGT" run bad chown "$D/co-bad"
if denied co-bad && [[ $(stat -c %u "$D/co-bad") == 0 ]]; then ok "chown: other library denied, owner unchanged"
else not_ok "chown: other library denied, owner unchanged"; fi

# net: a connection accepted by the local listener, or none
n0=$(lines "$SF_TMP/accepted")
enf net-ok -- "$TGT" run ok net "$PORT"
sleep 0.3
n1=$(lines "$SF_TMP/accepted")
if worked net-ok net && [[ $n1 -eq $((n0 + 1)) ]]; then ok "net: allowed library connects (listener accepted it)"
else not_ok "net: allowed library connects (listener accepted it)"; diag "accepted $n0 -> $n1"; fi
enf net-bad -- "$TGT" run bad net "$PORT"
sleep 0.3
n2=$(lines "$SF_TMP/accepted")
if denied net-bad && [[ $n2 -eq $n1 ]]; then ok "net: other library denied, no connection accepted"
else not_ok "net: other library denied, no connection accepted"; diag "accepted $n1 -> $n2"; fi

# signal: SIGUSR1 to another process, delivered or not
s0=$(lines "$SF_TMP/signals")
enf sig-ok -- "$TGT" run ok signal "$SIGPID"
sleep 0.3
s1=$(lines "$SF_TMP/signals")
if worked sig-ok signal && [[ $s1 -eq $((s0 + 1)) ]]; then ok "signal: allowed library's signal is delivered"
else not_ok "signal: allowed library's signal is delivered"; diag "signals $s0 -> $s1"; fi
enf sig-bad -- "$TGT" run bad signal "$SIGPID"
sleep 0.3
s2=$(lines "$SF_TMP/signals")
if denied sig-bad && [[ $s2 -eq $s1 ]]; then ok "signal: other library denied, no signal delivered"
else not_ok "signal: other library denied, no signal delivered"; diag "signals $s1 -> $s2"; fi

# exec: fork + execl from the library; the exec'd program creates a marker
enf ex-ok -- "$TGT" run ok exec "$TGT $D/ex-ok"
if worked ex-ok exec && [[ -e $D/ex-ok ]]; then ok "exec: allowed library's program ran"
else not_ok "exec: allowed library's program ran"; fi
enf ex-bad -- "$TGT" run bad exec "$TGT $D/ex-bad"
# the forked child is killed at its execve; the parent prints its status
if [[ $rc -eq 3 && ! -e $D/ex-bad ]] && grep -qx "result exec -137" "$SF_TMP/ex-bad.out" &&
	grep -q "VIOLATION .*$BAD: execve().*denied before it ran (gate) -> killed" "$SF_TMP/ex-bad.err"; then
	ok "exec: other library denied, the program never ran"
else
	not_ok "exec: other library denied, the program never ran"
	diag_file "$SF_TMP/ex-bad.out"
	diag_file "$SF_TMP/ex-bad.err"
fi

# vfork: the child runs on the parent's memory until it execs
enf vf-ok -- "$TGT" run ok vfork-exec "$TGT $D/vf-ok"
if worked vf-ok vfork-exec && [[ -e $D/vf-ok ]]; then ok "vfork+exec: allowed library's program ran"
else not_ok "vfork+exec: allowed library's program ran"; fi
enf vf-bad -- "$TGT" run bad vfork-exec "$TGT $D/vf-bad"
if [[ $rc -eq 3 && ! -e $D/vf-bad ]] &&
	grep -q "VIOLATION .*$BAD: execve().*denied before it ran (gate) -> killed" "$SF_TMP/vf-bad.err"; then
	ok "vfork+exec: other library's vfork child denied at execve, the program never ran"
else
	not_ok "vfork+exec: other library's vfork child denied at execve, the program never ran"
	diag_file "$SF_TMP/vf-bad.out"
	diag_file "$SF_TMP/vf-bad.err"
fi

# exec-mem, ptrace, cred: the effect is on the process itself, which is
# killed before the call runs: no result line, the report, and the call
# made from libgate_ok.so works.
for c in exec-mem ptrace cred; do
	enf "$c-ok" -- "$TGT" run ok "$c" self
	check "$c: allowed library's call works" worked "$c-ok" "$c"
	enf "$c-bad" -- "$TGT" run bad "$c" self
	check "$c: other library denied before the call ran (no executable mapping / write / credential change)" denied "$c-bad"
done

# ---- the same attribution as the BPF side ---------------------------------------
# --action log: the gate lets the violation run and the BPF program reports
# it at sys_enter; the gate's own attribution is in its -vv debug line.
same_site() {
	local name=$1 sc=$2 args=${3:-} bpf gate
	bpf=$(jq -r --arg sc "$sc" --arg a "$args" \
		'select(.syscall == $sc and (.args | contains($a))) | "\(.library)+0x\(.site.offset)"' \
		"$SF_TMP/$name.log" 2>/dev/null | head -1)
	gate=$(sed -n "s/.*gate: tid [0-9]* $sc from \([^ ]*\) (bucket 0.*violation$/\1/p" \
		"$SF_TMP/$name.err" | head -1)
	# the gate prints hex offsets, the log decimal ones
	if [[ -n $bpf && -n $gate ]]; then
		local off=${gate##*+0x}
		gate="${gate%+0x*}+0x$((16#$off))"
	fi
	if [[ -n $bpf && $bpf == "$gate" && $bpf == "$BAD"* ]]; then
		return 0
	fi
	diag "BPF: '$bpf'  gate: '$gate'"
	diag_file "$SF_TMP/$name.err"
	return 1
}
enf attr-ow -a log -vv -- "$TGT" run bad open-write "$D/attr-ow"
check "attribution: gate and BPF name the same library and call site (openat)" same_site attr-ow openat
enf attr-ex -a log -vv -- "$TGT" run bad exec "$TGT $D/attr-ex"
check "attribution: gate and BPF agree through execl's rbp frame (execve)" same_site attr-ex execve
enf attr-dl -a log -vv -- "$TGT" run bad dlopen "$(realpath -- "$SF_PROGS/libsf_plugin.so")"
check "attribution: gate and BPF agree through ld.so's dlopen (mmap PROT_EXEC, 13+ frames)" \
	same_site attr-dl mmap PROT_EXEC
if [[ -e $D/attr-ow && $rc -eq 3 ]]; then ok "--action log: the gate lets the call run, the violation is reported once"
else not_ok "--action log: the gate lets the call run, the violation is reported once"; fi

# ---- --gate selections -----------------------------------------------------------
enf sel-off --gate off -v -- "$TGT" run bad mkdir "$D/sel-off"
if [[ -e $D/sel-off && $rc -eq 3 ]] && ! grep -q "gate on" "$SF_TMP/sel-off.err"; then
	ok "--gate off: nothing paused; the per-library layer kills after the call ran"
else
	not_ok "--gate off: nothing paused; the per-library layer kills after the call ran"
	diag_file "$SF_TMP/sel-off.err"
fi
enf sel-list --gate mkdir,kill -v -- "$TGT" run bad open-write "$D/sel-list"
if grep -q "gate: mkdir paused" "$SF_TMP/sel-list.err" && grep -q "gate: kill (arg1 != 0) paused" "$SF_TMP/sel-list.err" &&
	! grep -q "gate: openat" "$SF_TMP/sel-list.err" && [[ -e $D/sel-list ]]; then
	ok "--gate LIST: only the listed classes/syscalls are paused"
else
	not_ok "--gate LIST: only the listed classes/syscalls are paused"
	diag_file "$SF_TMP/sel-list.err"
fi
"$SF" enforce --gate bogus "$POL" -- /bin/true >/dev/null 2>"$SF_TMP/sel-bad.err"
rc=$?
if [[ $rc -eq 2 ]] && grep -q "unknown gate class or syscall 'bogus'" "$SF_TMP/sel-bad.err"; then
	ok "--gate: an unknown class is a usage error"
else
	not_ok "--gate: an unknown class is a usage error"
fi
if grep -q "BPF-LSM: refused\|BPF-LSM: available" "$SF_TMP/sel-list.err"; then
	ok "-v: the BPF-LSM probe's result is printed"
else
	not_ok "-v: the BPF-LSM probe's result is printed"
fi
# the read-only open of libgate_bad.so is not paused (only write flags are)
enf ro -v -- "$TGT" run bad read "$POL"
if worked ro read && grep -q "gate: 0 calls paused\|gate: [0-9]* calls paused, 0 denied" "$SF_TMP/ro.err"; then
	ok "a read-only openat of the other library runs without a decision"
else
	not_ok "a read-only openat of the other library runs without a decision"
fi

# ---- --pid says it cannot gate -------------------------------------------------------
sleep 30 &
SPID=$!
BG+=("$SPID")
timeout 20 "$SF" enforce "$POL" --pid "$SPID" --duration 1s >/dev/null 2>"$SF_TMP/pid.err"
if grep -q "warning: no gate: a running process (--pid)" "$SF_TMP/pid.err"; then
	ok "--pid: says clearly that it cannot gate"
else
	not_ok "--pid: says clearly that it cannot gate"
	diag_file "$SF_TMP/pid.err"
fi
sf_stop_pid "$SPID" 1

# ---- bad input ---------------------------------------------------------------------------
# 1. the supervisor SIGKILLed mid-run: paused calls fail, the tree is killed
mkdir -p "$D/k"
SF_GATE_TEST_DELAY_MS=200 "$SF" enforce --landlock off --path-check off "$POL" -- "$TGT" flood 4 1000 open-write "$D/k/f" \
	>"$SF_TMP/kill.out" 2>"$SF_TMP/kill.err" &
SFPID=$!
BG+=("$SFPID")
for _ in $(seq 100); do
	ls "$D/k" | grep -q . && break
	sleep 0.1
done
sleep 0.3
kill -KILL "$SFPID"
wait "$SFPID" 2>/dev/null
gone=0
for _ in $(seq 50); do
	pgrep -f "^$TGT flood 4 1000" >/dev/null || { gone=1; break; }
	sleep 0.1
done
n1=$(ls "$D/k" | wc -l)
sleep 1
n2=$(ls "$D/k" | wc -l)
if [[ $gone -eq 1 && $n1 -eq $n2 && $n1 -lt 4000 ]]; then
	ok "supervisor SIGKILLed: the target tree is killed, no gated call runs after"
else
	not_ok "supervisor SIGKILLed: the target tree is killed, no gated call runs after"
	diag "gone=$gone files $n1 -> $n2"
	pkill -KILL -f "^$TGT flood 4 1000"
fi

# 2. without the shim (the listener closed while the target lives), a
#    paused call fails with ENOSYS: the kernel's fail-closed answer
"$TGT" enosys "$SF_TMP" >"$SF_TMP/enosys.out" 2>&1
if grep -qx "mkdir errno 38" "$SF_TMP/enosys.out" && [[ ! -e $SF_TMP/enosys ]]; then
	ok "a gated call with no listener left fails with ENOSYS (kernel fail-closed)"
else
	not_ok "a gated call with no listener left fails with ENOSYS (kernel fail-closed)"
	diag_file "$SF_TMP/enosys.out"
fi

# 3. 100 threads flooding gated calls
mkdir -p "$D/fl"
enf flood -- "$TGT" flood 100 5 open-write "$D/fl/f"
nf=$(ls "$D/fl" | wc -l)
if [[ $rc -eq 3 && $nf -eq 500 ]] && grep -qx "flood calls failed 0" "$SF_TMP/flood.out" &&
	! grep -q "flood done" "$SF_TMP/flood.out" && [[ ! -e $D/fl/f.bad ]] &&
	grep -q "VIOLATION .*$BAD: openat" "$SF_TMP/flood.err"; then
	ok "100 threads x 5 gated calls all allowed, then the other library's call denied"
else
	not_ok "100 threads x 5 gated calls all allowed, then the other library's call denied"
	diag "rc=$rc files=$nf"
	diag_file "$SF_TMP/flood.out"
	diag_file "$SF_TMP/flood.err"
fi

# 4. a paused call whose thread died before the answer
SF_GATE_TEST_DELAY_MS=500 timeout 60 "$SF" enforce --landlock off --path-check off -v "$POL" -- "$TGT" orphan-call open-write "$D/orphan" \
	>"$SF_TMP/orphan.out" 2>"$SF_TMP/orphan.err"
rc=$?
if [[ $rc -eq 0 && ! -e $D/orphan ]] && grep -q "exited with status 7" "$SF_TMP/orphan.err" &&
	grep -q "abandoned: their thread was gone" "$SF_TMP/orphan.err"; then
	ok "a paused call of a thread that died: no answer, no effect, no error"
else
	not_ok "a paused call of a thread that died: no answer, no effect, no error"
	diag "rc=$rc"
	diag_file "$SF_TMP/orphan.err"
fi

# ---- cost figure (not a benchmark: the machine is loaded) ---------------------------------
enf lat -v -- "$TGT" loop 200 open-write "$D/lat"
on=$(sed -n 's/^us per call //p' "$SF_TMP/lat.out")
enf lat-off --gate off -- "$TGT" loop 200 open-write "$D/lat"
off=$(sed -n 's/^us per call //p' "$SF_TMP/lat-off.out")
if [[ -n $on && -n $off ]]; then
	ok "latency of one gated openat+close: $on us with the gate, $off us without"
	diag "$(grep 'per paused call' "$SF_TMP/lat.err")"
else
	not_ok "latency of one gated call measured"
fi

done_testing
