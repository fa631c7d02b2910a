# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/integration/lib.sh - TAP helpers for the bash integration tests.
#
#   . "$(dirname "$0")/lib.sh"
#   need_root_bpf; need_sysfence; need_cmd jq
#   sf_tmpdir                       # $SF_TMP, removed at exit (SF_KEEP=1 keeps it)
#   plan 3
#   ok "desc"; not_ok "desc"; check "desc" cmd args...; is GOT WANT "desc"
#   known_failure "desc" "reason"  # a known bug: not ok ... # TODO reason
#   diag "text"                     # "# text" lines
#   sf_lib_has POLICY LIB SYSCALL   # LIB: absolute path or "[bucket]"
#   done_testing                    # exit status: 0 iff every test passed
#
# Environment: SF_BUILD (absolute build dir; default <repo>/build).
# CI=true turns every skip into a failure: CI must not skip silently.

set -u

SF_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SF_SRC=$(cd "$SF_TESTS_DIR/../.." && pwd)
SF_BUILD=${SF_BUILD:-$SF_SRC/build}
[[ $SF_BUILD == /* ]] || SF_BUILD=$PWD/$SF_BUILD
SF=$SF_BUILD/sysfence
SF_PROGS=$SF_BUILD/tests/progs
export SF_BUILD

_tap_n=0
_tap_failed=0
_tap_planned=
_sf_cleanups=()
SF_TMP=

# ---- TAP ---------------------------------------------------------------------
plan() {
	_tap_planned=$1
	echo "1..$1"
}

diag() {
	local line
	while IFS= read -r line; do
		echo "# $line"
	done <<<"${*//$'\r'/$'\n'}"
}

# diag_file FILE [MAX_LINES]: show (the tail of) a file as diagnostics.
diag_file() {
	[[ -s $1 ]] || return 0
	echo "# --- ${1##*/} (last ${2:-20} lines)"
	# \r (progress output) would break TAP lines: one line per \r or \n,
	# each cut short, always newline-terminated.
	tail -c 8192 "$1" | tr '\r' '\n' | grep -v '^[[:space:]]*$' |
		tail -n "${2:-20}" | awk '{ print "#   " substr($0, 1, 240) }'
}

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}

not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}

# known_failure DESC REASON: a check that ran and failed, a known bug:
# "not ok N - DESC # TODO REASON".  prove and scripts/run-tests.sh count it
# as a known failure (listed, never a pass, not a CI failure); a REASON is
# required.  Use only in the branch where the check failed.
known_failure() {
	_tap_n=$((_tap_n + 1))
	echo "not ok $_tap_n - $1 # TODO ${2:?known_failure needs a reason}"
}

# check DESC CMD...: ok if CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		return 1
	fi
}

# is GOT WANT DESC
is() {
	if [[ $1 == "$2" ]]; then
		ok "$3"
	else
		not_ok "$3"
		diag "  got:  '$1'"
		diag "  want: '$2'"
		return 1
	fi
}

# skip_all REASON: the whole file cannot run here.  Under CI=true that is a
# failure (exit 1), never a silent skip.
skip_all() {
	if [[ ${CI:-} == true ]]; then
		echo "1..1"
		echo "not ok 1 - cannot run: $*"
		echo "# CI=true: a test that cannot run is a failure, not a skip"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

# bail REASON: a precondition that is the project's fault (e.g. not built):
# always a failure.
bail() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

done_testing() {
	if [[ -z $_tap_planned ]]; then
		echo "1..$_tap_n"
	elif [[ $_tap_planned != "$_tap_n" ]]; then
		diag "planned $_tap_planned tests but ran $_tap_n"
		exit 1
	fi
	[[ $_tap_failed -eq 0 ]] || exit 1
	exit 0
}

# ---- sanitizers -----------------------------------------------------------------
# scripts/run-tests.sh sets ASAN_OPTIONS/UBSAN_OPTIONS for a whole pass: a
# report halts the process with status $SF_SANITIZER_EXITCODE (86) and is
# also written under $SF_SAN_LOGDIR (any file there fails the test file).
SF_SAN_PATTERN='ERROR: (Address|Leak)Sanitizer|runtime error: |SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer'

# sf_no_sanitizer_report [FILE...]: true iff no FILE (a command's stderr)
# holds a sanitizer report and none was written to $SF_SAN_LOGDIR so far.
# For the rows that expect "exit 1 + one error line": an ASan abort after
# the message must not pass for the documented error.
sf_no_sanitizer_report() {
	local f
	for f in "$@"; do
		grep -aqE "$SF_SAN_PATTERN" "$f" 2>/dev/null && return 1
	done
	if [[ -n ${SF_SAN_LOGDIR:-} ]]; then
		for f in "$SF_SAN_LOGDIR"/report*; do
			[[ -s $f ]] && return 1
		done
	fi
	return 0
}

# sf_asan_options OPTS: ASAN_OPTIONS with OPTS appended to the pass's own
# (never replacing halt_on_error/exitcode/log_path).
sf_asan_options() {
	echo "${ASAN_OPTIONS:+$ASAN_OPTIONS:}$1"
}

# ---- second pass ------------------------------------------------------------------
# sf_second_pass: true iff SF_SECOND_PASS=1, which .ci/run sets for its
# sanitized pass only, after a plain pass of the same tree ran every case.
# A file may then leave out repetitions whose sysfence C code the pass
# runs anyway (the same code on other data, or code the sanitizer does not
# instrument: the BPF program), and says so in a diag line; every sysfence
# command and path it tests still runs once (docs/testing.md).
sf_second_pass() {
	[[ ${SF_SECOND_PASS:-} == 1 ]]
}

# ---- preconditions -------------------------------------------------------------
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed"
	done
}

# need_root_bpf: root, kernel BTF, and a bpf() syscall that answers.
need_root_bpf() {
	[[ $(id -u) -eq 0 ]] || skip_all "needs root (BPF)"
	[[ -r /sys/kernel/btf/vmlinux ]] || skip_all "no kernel BTF (/sys/kernel/btf/vmlinux)"
	if command -v bpftool >/dev/null 2>&1; then
		bpftool prog show >/dev/null 2>&1 ||
			skip_all "bpf() does not work here (bpftool prog show failed)"
	elif command -v python3 >/dev/null 2>&1; then
		# bpf(BPF_PROG_GET_NEXT_ID, {start_id 0}): ENOENT (no programs) is fine.
		python3 - <<-'PY' || skip_all "bpf() does not work here"
		import ctypes, ctypes.util, errno, sys
		libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
		attr = ctypes.create_string_buffer(16)
		r = libc.syscall(321, 11, attr, 16)
		sys.exit(0 if r == 0 or ctypes.get_errno() == errno.ENOENT else 1)
		PY
	fi
}

need_sysfence() {
	[[ -x $SF ]] || bail "$SF missing: build it first (make)"
}

# ---- temp dir and cleanup ------------------------------------------------------
# sf_on_exit CMD: run CMD (eval'ed) at exit, last registered first.
sf_on_exit() {
	_sf_cleanups+=("$1")
}

_sf_exit() {
	local rc=$? i
	trap - EXIT INT TERM HUP
	for ((i = ${#_sf_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_sf_cleanups[i]}" >/dev/null 2>&1 || :
	done
	# A sanitizer report anywhere in this test's files (a command's saved
	# stderr: UBSan writes there even when ASan logs to $SF_SAN_LOGDIR)
	# fails the test file, whatever its assertions said.
	if [[ -n $SF_TMP && -d $SF_TMP ]]; then
		local f
		while IFS= read -r f; do
			echo "# sanitizer report in ${f#"$SF_TMP"/}:"
			grep -aE -m 3 "$SF_SAN_PATTERN" "$f" | sed 's/^/#   /'
			rc=1
		done < <(grep -rlaE "$SF_SAN_PATTERN" "$SF_TMP" 2>/dev/null)
	fi
	if [[ -n $SF_TMP && -d $SF_TMP ]]; then
		if [[ ${SF_KEEP:-} == 1 ]]; then
			echo "# kept $SF_TMP"
		else
			rm -rf "$SF_TMP"
		fi
	fi
	exit "$rc"
}
trap _sf_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# sf_free_port SALT: print a loopback port in 7000-7999 that nothing accepts
# connections on (SALT spreads concurrent tests apart); 1 when none is found.
sf_free_port() {
	local i p
	for ((i = 0; i < 50; i++)); do
		p=$((7000 + ($$ + $1 + i * 17) % 1000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

sf_tmpdir() {
	SF_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sysfence-test.XXXXXX") ||
		bail "cannot create a temporary directory"
}

# ---- processes -----------------------------------------------------------------
# sf_wait_pid PID SECONDS: wait for a background child of this shell; prints
# nothing, returns its exit status, or 124 if it is still running after
# SECONDS (it is left running: the caller decides).
sf_wait_pid() {
	local pid=$1 tenths=$(($2 * 10))
	while kill -0 "$pid" 2>/dev/null; do
		((tenths-- > 0)) || return 124
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
}

# sf_stop_pid PID [GRACE_SECONDS]: TERM, then KILL after the grace period;
# reaps it if it is our child.  Safe on a pid that is already gone.
sf_stop_pid() {
	local pid=$1 tenths=$((${2:-5} * 10))
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	while kill -0 "$pid" 2>/dev/null && ((tenths-- > 0)); do
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	# wait only works for our own children; others are polled.
	wait "$pid" 2>/dev/null
	tenths=50
	while kill -0 "$pid" 2>/dev/null && [[ $(_sf_pid_state "$pid") != Z ]] && ((tenths-- > 0)); do
		sleep 0.1
	done
	return 0
}

_sf_pid_state() {
	sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

# sf_pid_is PID WORD: is PID alive and is WORD part of its command line?
# (guards against killing a recycled pid).
sf_pid_is() {
	[[ -n $1 && -r /proc/$1/cmdline ]] || return 1
	tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}

# ---- policies ------------------------------------------------------------------
# sf_lib_has POLICY LIB SYSCALL: LIB (absolute path, or a bucket such as
# "[ld.so-startup]") has SYSCALL in its syscall list.
sf_lib_has() {
	jq -e --arg lib "$2" --arg sc "$3" '
		[.sysfence.libraries[]? | select(.path == $lib)
		 | .syscalls[]?.names[]? | select(. == $sc)] | length > 0
	' "$1" >/dev/null 2>&1
}

# sf_libs_with POLICY SYSCALL: the libraries (paths/buckets) that have
# SYSCALL, one per line.
sf_libs_with() {
	jq -r --arg sc "$2" '
		.sysfence.libraries[]? | select(any(.syscalls[]?.names[]?; . == $sc))
		| .path
	' "$1" 2>/dev/null
}

# sf_lib_kind POLICY LIB: the kind ("executable", "library", "bucket").
sf_lib_kind() {
	jq -r --arg lib "$2" 'first(.sysfence.libraries[]? | select(.path == $lib) | .kind) // empty' \
		"$1" 2>/dev/null
}

# sf_resolve NAME: a bucket name stays as is, anything else is a file in
# $SF_PROGS resolved like the kernel names it (realpath).
sf_resolve() {
	case $1 in
	\[*\]) echo "$1" ;;
	/*) realpath -- "$1" ;;
	*) realpath -- "$SF_PROGS/$1" ;;
	esac
}
