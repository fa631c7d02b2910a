# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/matrix/engine.sh - the generalisation matrix's engine (issue 11):
# each real program is learned ONCE under one workload, then enforced with
# the default action (kill) under ordinary variations it never saw, and
# attacked.  Sourced by tests/integration/t100-matrix.t after lib.sh; the
# programs are described by tests/matrix/prog-*.sh (data: a command, a
# workload per row, a check).
#
# Every row is one TAP test and one line of $MX_RESULTS (tab-separated):
#   PROG  KIND  ID  STATUS  DETAIL  DESCRIPTION  SECONDS
#   KIND: learn | var | attack | score
#   STATUS: var: clean | killed | error; attack: caught | missed | error;
#           learn: ok | error; score: rules=N max=S union=U
#   DETAIL: the first violation line (or the seccomp floor's audit line)
#           of a false kill, what a missed attack did, or why a row erred.
# scripts/matrix-table.sh turns that file into the README's table.
#
# Known failures: tests/matrix/known-failing.txt lists "PROG ID reason";
# such a row that does not pass is "not ok ... # TODO reason" (prove does
# not count it as a failure) and one that passes is "ok ... # TODO" (prove
# reports it as unexpectedly succeeded: remove the line).  Never a pass.
#
# The agent: every program runs with tests/progs/libmx_agent.so preloaded
# (see its header) - benign while learning and in the variations, so it is
# a known unit of the policy; the attacks make that trusted unit do what it
# never did.  SF_MX_AGENT_COMM names the process it acts in.

MX_AGENT=$SF_PROGS/libmx_agent.so
MX_TIMEOUT=${SF_MATRIX_TIMEOUT:-60}
MX_KNOWN=$SF_SRC/tests/matrix/known-failing.txt
# SF_MATRIX_GENERALIZE=none|standard|broad: enforce a policy re-made from
# the learned trace with `merge --generalize X` (when merge has that
# option) instead of the one learn wrote.
MX_GEN=${SF_MATRIX_GENERALIZE:-}
MX_UNISTD=/usr/include/x86_64-linux-gnu/asm/unistd_64.h

# mx_init: once, after sf_tmpdir.
mx_init() {
	MX_RESULTS=${SF_MATRIX_OUT:-$SF_TMP/matrix.tsv}
	: >"$MX_RESULTS" || bail "cannot write $MX_RESULTS"
	MX_HAS_GEN=0
	"$SF" merge --help 2>&1 | grep -q -- '--generalize' && MX_HAS_GEN=1
	MX_VICTIM_PID=
	sf_on_exit mx_victim_stop
}

# ---- one program ---------------------------------------------------------------
# mx_begin PROG COMM: a directory $MXD, the policy and trace paths, and the
# base environment of every run (C locale, UTC, the agent preloaded).
mx_begin() {
	MX_PROG=$1
	# shellcheck disable=SC2034 # for the program files
	# shellcheck disable=SC2034 # for the program files
	MX_COMM=$2
	MXD=$SF_TMP/$1
	mkdir -p "$MXD"
	chmod 755 "$SF_TMP" "$MXD"
	MX_POLICY=$MXD/policy.json
	MX_TRACE=$MXD/learn.trace.zst
	MX_EPOLICY=$MX_POLICY

	# (sysfence inherits the preload too: an ASan build of it must not
	# insist on its runtime coming first; the pass's options are kept)
	MX_BASE_ENV=(LANG=C TZ=UTC "LD_PRELOAD=$MX_AGENT" "SF_MX_AGENT_COMM=$2"
		"ASAN_OPTIONS=$(sf_asan_options verify_asan_link_order=0)")
	mx_t0=$SECONDS
	mx_row_t=$SECONDS
}

mx_end() {
	diag "$MX_PROG: $((SECONDS - mx_t0)) s"
}

# ---- results and TAP ------------------------------------------------------------
_mx_known() { # PROG ID -> reason, or nothing
	[[ -r $MX_KNOWN ]] || return 0
	awk -v p="$1" -v i="$2" '$1 == p && $2 == i { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' "$MX_KNOWN"
}

# mx_result KIND ID STATUS DETAIL DESC: record a row; TAP ok iff STATUS is
# clean/caught/ok (score rows are not TAP tests).
mx_result() {
	local kind=$1 id=$2 status=$3 detail=$4 desc=$5 todo
	detail=${detail//$'\t'/ }
	detail=${detail//$'\n'/ }
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$MX_PROG" "$kind" "$id" "$status" "$detail" "$desc" \
		"$((SECONDS - ${mx_row_t:-0}))" >>"$MX_RESULTS"
	[[ $kind == score ]] && return 0
	desc+=" ($((SECONDS - ${mx_row_t:-0})) s)"
	mx_row_t=$SECONDS
	todo=$(_mx_known "$MX_PROG" "$id")
	case $status in
	clean | caught | ok)
		if [[ -n $todo ]]; then
			_tap_n=$((_tap_n + 1))
			echo "ok $_tap_n - $MX_PROG: $desc: $status # TODO $todo"
		else
			ok "$MX_PROG: $desc: $status"
		fi
		;;
	*)
		if [[ -n $todo ]]; then
			_tap_n=$((_tap_n + 1))
			echo "not ok $_tap_n - $MX_PROG: $desc: $status # TODO $todo"
		else
			not_ok "$MX_PROG: $desc: $status"
		fi
		[[ -n $detail ]] && diag "  $detail"
		;;
	esac
}

# ---- the victim of signal/ptrace attacks ------------------------------------------
mx_victim() {
	mx_victim_stop
	sleep 300 >/dev/null 2>&1 &
	MX_VICTIM_PID=$!
}

mx_victim_stop() {
	[[ -n ${MX_VICTIM_PID:-} ]] || return 0
	kill -KILL "$MX_VICTIM_PID" 2>/dev/null
	wait "$MX_VICTIM_PID" 2>/dev/null
	MX_VICTIM_PID=
}

# ---- running sysfence ------------------------------------------------------------
# _mx_sfargs TAG MODE: sysfence's arguments for learn or enforce.
_mx_sfargs() {
	if [[ $2 == learn ]]; then
		MX_SFARGS=(learn -t "$MX_TRACE" -o "$MX_POLICY")
	elif [[ ${SF_MATRIX_DIAG:-} == 1 ]]; then
		# Diagnosis: every call outside the policy is logged, nothing is
		# killed (no floor), so a row shows all it would need, not just
		# the first kill.  Attacks then "survive": not a verdict run.
		MX_SFARGS=(enforce --action log --no-seccomp --report-limit 64 -l "$MXD/$1.jsonl" "$MX_EPOLICY")
	else
		MX_SFARGS=(enforce -l "$MXD/$1.jsonl" "$MX_EPOLICY")
	fi
}

# _mx_dmesg_mark: the serial of the last audit record in the kernel log
# (a line count would not do: the ring buffer drops old lines when full).
_mx_dmesg_mark() {
	MX_AUDIT_SERIAL=$(dmesg 2>/dev/null | sed -n 's/.*audit([0-9.]*:\([0-9]*\)).*/\1/p' | tail -n 1)
	MX_AUDIT_SERIAL=${MX_AUDIT_SERIAL:-0}
}

# _mx_session TAG: in the subshell that runs a row, open a new audit
# session (writing /proc/self/loginuid gives the process a new session id,
# inherited by every descendant) and save its id in $MXD/TAG.ses: the
# kernel's seccomp audit lines carry it (ses=N), so a floor kill is
# attributed to its row even when other tests (or another run of this
# matrix) run the same programs at the same time.  Without audit support
# the row falls back to a pid window (see _mx_floor).  Always succeeds.
_mx_session() {
	rm -f "$MXD/$1.ses"
	if echo 0 >/proc/self/loginuid 2>/dev/null; then
		local ses
		ses=$(cat /proc/self/sessionid 2>/dev/null)
		[[ $ses =~ ^[0-9]+$ && $ses != 4294967295 ]] && echo "$ses" >"$MXD/$1.ses"
	fi
	return 0
}

# mx_cli TAG MODE OUT [VAR=VALUE...] -- CMD...: run CMD under sysfence in
# the foreground; its stdout (and the target's) is OUT: file ($MXD/TAG.out),
# null (/dev/null), pipe (| cat > $MXD/TAG.out) or tty (a pty via script;
# the typescript goes to $MXD/TAG.out).  Sets MX_RC (124: timed out).
mx_cli() {
	local tag=$1 mode=$2 out=$3 envs=() cmd
	shift 3
	while [[ $# -gt 0 && $1 != -- ]]; do
		envs+=("$1")
		shift
	done
	shift
	_mx_sfargs "$tag" "$mode"
	cmd=(timeout -k 5 "$MX_TIMEOUT" env -u LC_ALL -u LANGUAGE "${MX_BASE_ENV[@]}" "${envs[@]}"
		"$SF" "${MX_SFARGS[@]}" -- "$@")
	_mx_dmesg_mark
	case $out in
	file) (_mx_session "$tag" && exec "${cmd[@]}") >"$MXD/$tag.out" 2>"$MXD/$tag.err" </dev/null ;;
	null) (_mx_session "$tag" && exec "${cmd[@]}") >/dev/null 2>"$MXD/$tag.err" </dev/null ;;
	pipe) (_mx_session "$tag" && exec "${cmd[@]}") 2>"$MXD/$tag.err" </dev/null | cat >"$MXD/$tag.out" ;;
	tty)
		(_mx_session "$tag" &&
			exec script -qec "$(printf '%q ' "${cmd[@]}") 2>$(printf '%q' "$MXD/$tag.err")" /dev/null) \
			>"$MXD/$tag.out" </dev/null
		;;
	*) bail "mx_cli: unknown output '$out'" ;;
	esac
	MX_RC=${PIPESTATUS[0]}
	# script(1) also returns the command's status (-e).
}

# mx_bg TAG MODE [VAR=VALUE...] -- CMD...: start sysfence + CMD in the
# background (a server); MX_SF_PID.
mx_bg() {
	local tag=$1 mode=$2 envs=()
	shift 2
	while [[ $# -gt 0 && $1 != -- ]]; do
		envs+=("$1")
		shift
	done
	shift
	_mx_sfargs "$tag" "$mode"
	_mx_dmesg_mark
	(_mx_session "$tag" && exec env -u LC_ALL -u LANGUAGE "${MX_BASE_ENV[@]}" "${envs[@]}" \
		"$SF" "${MX_SFARGS[@]}" -- "$@") >"$MXD/$tag.out" 2>"$MXD/$tag.err" </dev/null &
	MX_SF_PID=$!
	sf_on_exit "mx_kill_sf $MX_SF_PID"
}

# shellcheck disable=SC2317 # called from the EXIT trap
mx_kill_sf() {
	kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null
	sf_wait_pid "$1" 10 || kill -KILL "$1" 2>/dev/null
}

# mx_wait SECONDS: wait for the background sysfence; MX_RC (124: still
# running after SECONDS, then it is stopped).
mx_wait() {
	sf_wait_pid "$MX_SF_PID" "$1"
	MX_RC=$?
	if [[ $MX_RC -eq 124 ]]; then
		kill -TERM "$MX_SF_PID" 2>/dev/null
		sf_wait_pid "$MX_SF_PID" 10 || {
			kill -KILL "$MX_SF_PID" 2>/dev/null
			wait "$MX_SF_PID" 2>/dev/null
		}
		MX_RC=124
	fi
}

# mx_stop_by_sysfence: SIGTERM to sysfence, which stops its target (the
# shutdown path runs under the policy) and exits.
mx_stop_by_sysfence() {
	kill -TERM "$MX_SF_PID" 2>/dev/null
	mx_wait 30
}

# mx_ready FN SECONDS: poll FN until it succeeds, sysfence exits, or
# SECONDS pass.
mx_ready() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		"$1" >/dev/null 2>&1 && return 0
		kill -0 "$MX_SF_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# ---- judging a row -------------------------------------------------------------------
# _mx_floor TAG: the seccomp floor's kills during the row (kernel audit
# lines type=1326 with sig=31), as "seccomp floor: NAME() killed COMM (pid
# P, EXE)".  sysfence itself only reports a floor kill of the target it
# launched, not of the target's descendants, so the kernel's log is read.
# Only processes of this row count: those of its audit session (see
# _mx_session); without one, a pid from the target's (sysfence prints it)
# to the last one allocated when the row ended, running one of the
# policy's executables (other tests, possibly this very matrix, may run at
# the same time).
_mx_floor() {
	local first last exes ses=
	[[ -s $MXD/$1.ses ]] && ses=$(<"$MXD/$1.ses")
	first=$(sed -n 's/^sysfence: enforcing .* on pid \([0-9]*\).*/\1/p' "$MXD/$1.err" 2>/dev/null | head -n 1)
	[[ -n $first || -n $ses ]] || return 0
	first=${first:-0}
	last=$(cat /proc/sys/kernel/ns_last_pid 2>/dev/null || echo 4194304)
	exes=" $(jq -r '[.sysfence.libraries[]? | select(.kind == "executable") | .path] | join(" ")' \
		"$MX_EPOLICY" 2>/dev/null) "
	# One awk over the log (it may hold thousands of audit lines); the
	# syscall numbers come from the kernel's unistd_64.h.
	{ cat "$MX_UNISTD" 2>/dev/null; echo "@@"; dmesg 2>/dev/null | grep -a 'type=1326' | grep -a ' sig=31 '; } |
		awk -v mark="$MX_AUDIT_SERIAL" -v ses="$ses" -v first="$first" -v last="$last" -v exes="$exes" '
		function field(k,   m) { return match($0, " " k "=[^ ]*") ? substr($0, RSTART + length(k) + 2, RLENGTH - length(k) - 2) : "" }
		!body && $1 == "#define" && $2 ~ /^__NR_/ { nm[$3] = substr($2, 6); next }
		$0 == "@@" { body = 1; next }
		!body { next }
		{
			if (!match($0, /audit\([0-9.]*:[0-9]+\)/)) next
			serial = substr($0, RSTART, RLENGTH); sub(/.*:/, "", serial); sub(/\)/, "", serial)
			if (serial + 0 <= mark + 0) next
			exe = field("exe"); gsub(/"/, "", exe); comm = field("comm"); gsub(/"/, "", comm)
			pid = field("pid") + 0
			if (ses != "") { if (field("ses") != ses) next }
			else {
				if (index(exes, " " exe " ") == 0) next
				if (first + 0 <= last + 0) { if (pid < first || pid > last) next }
				else if (pid < first && pid > last) next
			}
			nr = field("syscall")
			printf "seccomp floor: %s() killed %s (pid %d, %s)\n", (nr in nm) ? nm[nr] : "syscall " nr, comm, pid, exe
		}'
}

# mx_judge_var TAG ID DESC: a variation row.  Clean: sysfence exited 0,
# no violation, no floor kill, and the workload's own check passed
# (MX_WORK=ok; otherwise MX_WORK holds what failed).
mx_judge_var() {
	local tag=$1 err=$MXD/$1.err v floor
	v=$(grep -a -o -m1 'sysfence: VIOLATION .*' "$err" 2>/dev/null | sed 's/^sysfence: VIOLATION [^ ]* //')
	floor=$(_mx_floor "$1" | head -n 1)
	if [[ -n $v || -n $floor ]] || [[ $MX_RC -eq 3 ]]; then
		[[ -n $v ]] || v=$floor
		[[ -n $v ]] || v=$(grep -a -m1 'seccomp floor\|killed' "$err")
		mx_result var "$2" killed "$v" "$3"
		_mx_violations "$tag"
	elif [[ $MX_RC -ne 0 || ${MX_WORK:-ok} != ok ]]; then
		mx_result var "$2" error "sysfence status $MX_RC; workload: ${MX_WORK:-ok}" "$3"
		diag_file "$err" 5
	else
		mx_result var "$2" clean "" "$3"
	fi
}

# _mx_violations TAG: every distinct violation of a row (library: syscall
# [reason]) as diagnostics and into $MXD/violations.txt.
_mx_violations() {
	local j=$MXD/$1.jsonl
	[[ -s $j ]] || return 0
	jq -r '"\(.library): \(.syscall)(\(.args // "" | tostring)) [\(.reason)] comm \(.comm)"' "$j" 2>/dev/null |
		sort | uniq -c | sort -rn | head -n 30 | while IFS= read -r l; do
		diag "    $l"
		echo "$MX_PROG $1: $l" >>"$SF_TMP/violations.txt"
	done
}

# mx_judge_attack TAG ID DESC [MARK]: caught iff sysfence exited 3 with a
# violation line or a floor kill, the agent did not survive and MARK (a
# file the payload would create) does not exist.
mx_judge_attack() {
	local err=$MXD/$1.err v floor
	v=$(grep -a -o -m1 'sysfence: VIOLATION .*' "$err" 2>/dev/null | sed 's/^sysfence: VIOLATION [^ ]* //')
	floor=$(_mx_floor "$1" | head -n 1)
	[[ -n $v ]] || v=$floor
	# A Landlock floor denial (issue 17) stops the call before effect and
	# the target may live on (a MODULE LOAD that fails): the row then ends
	# by its timeout, and the denial is the catch.
	if [[ ( $MX_RC -eq 3 || ( $MX_RC -eq 124 && $v == *'outside the Landlock floor'* ) ) &&
		-n $v ]] && ! grep -aq ': survived' "$err" &&
		[[ -z ${4:-} || ! -e ${4:-/nonexistent} ]]; then
		# What the call did before the kill (the per-library layer acts
		# when the call returns: see README, "What each layer guarantees").
		[[ -e $MXD/created ]] && v+=" [the file was created before the kill]"
		rm -f "$MXD/created"
		if [[ $2 == *kill* && -n ${MX_VICTIM_PID:-} ]] && [[ $(_sf_pid_state "$MX_VICTIM_PID") == Z || ! -e /proc/$MX_VICTIM_PID ]]; then
			v+=" [the foreign process got the signal before the kill]"
		fi
		mx_result attack "$2" caught "$v" "$3"
	else
		local why="sysfence status $MX_RC"
		[[ -n $floor && $MX_RC -ne 3 ]] &&
			why="$floor, but sysfence exited $MX_RC (a descendant's floor kill is not reported)"
		grep -aq ': survived' "$err" && why+="; $(grep -a -m1 ': survived' "$err")"
		[[ -n ${4:-} && -e $4 ]] && why+="; the payload ran ($4 exists)"
		mx_result attack "$2" missed "$why" "$3"
		diag_file "$err" 5
	fi
}

# mx_judge_learn ID DESC: learn exited 0, the workload's check passed.
mx_judge_learn() {
	if [[ $MX_RC -eq 0 && ${MX_WORK:-ok} == ok && -s $MX_POLICY ]]; then

		mx_result learn "$1" ok "" "$2"
		mx_scores
	else
		mx_result learn "$1" error "sysfence status $MX_RC; workload: ${MX_WORK:-ok}" "$2"
		diag_file "$MXD/learn.err" 8
	fi
}

# mx_scores: rules (unit-syscall pairs: the sum of every unit's own
# syscalls) and privilege score (the most privileged unit; the
# process-wide union) of the learned trace with --generalize none and
# standard (or of the policy learn wrote, when merge has no such option),
# as score rows; with SF_MATRIX_GENERALIZE, that policy is enforced.
mx_scores() {
	local g p
	if [[ $MX_HAS_GEN -eq 1 ]]; then
		for g in none standard; do
			p=$MXD/policy-$g.json
			if "$SF" merge --generalize "$g" "$MX_TRACE" -o "$p" >/dev/null 2>"$MXD/merge-$g.err"; then
				mx_result score "$g" "$(_mx_score "$p")" "" "--generalize $g"
			else
				diag "merge --generalize $g failed: $(head -n 1 "$MXD/merge-$g.err")"
			fi
		done
		if [[ -n $MX_GEN ]]; then
			"$SF" merge --generalize "$MX_GEN" "$MX_TRACE" -o "$MXD/policy-enforced.json" \
				>/dev/null 2>&1 && MX_EPOLICY=$MXD/policy-enforced.json
		fi
	else
		mx_result score current "$(_mx_score "$MX_POLICY")" "" "policy as learn wrote it"
	fi
}

# rules: the sum of every rule set's own syscalls; a compartment (one
# rule set for its members, e.g. the build-id-ID compartment of two
# identical executables) counts once, its members not again (score lists
# them only inside it).
_mx_score() {
	"$SF" score --json "$1" 2>/dev/null | jq -r '
		"rules=\([.units[] | .ownSyscalls] | add)" +
		" max=\(.summary.max) union=\(.summary.union) unionsyscalls=\(.summary.unionSyscalls)"'
}

# mx_skip_rows ID... : a program whose learning failed: its rows cannot run
# (each is a failure, or TODO when known).
mx_skip_rows() {
	local id
	for id in "$@"; do
		mx_result var "$id" error "not run: learning failed" "$id"
	done
}
