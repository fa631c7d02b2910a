#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t013-demo - the README's first command, `make demo`, as a new user meets
# it: its output on a terminal (a pty from script(1)), through a pipe, into
# a file and into /dev/null.  Each run must pass (learn, then enforce the
# same workload with stdout on /dev/null: no violation), and show both
# attacks caught (the plugin's execve killed before the shell ran; its
# openat(O_CREAT) outside its read-only rule).  The learn step's stdout is
# what the user's is; the enforce step's is /dev/null: stdio's probes of a
# character device (fstat, ioctl TCGETS) must not be a false kill.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd make script timeout
need_sysfence
sf_tmpdir

REPO=$(cd "$(dirname "$0")/../.." && pwd)
plan 12

run_demo() { # how out
	local how=$1 out=$2
	case $how in
	terminal)
		timeout --kill-after=10 300 script -qefc \
			"make -s -C '$REPO' demo O='$SF_BUILD'" "$out" >/dev/null 2>&1 </dev/null ;;
	pipe)
		timeout --kill-after=10 300 make -s -C "$REPO" demo O="$SF_BUILD" 2>&1 </dev/null |
			cat >"$out"
		return "${PIPESTATUS[0]}" ;;
	file)
		timeout --kill-after=10 300 make -s -C "$REPO" demo O="$SF_BUILD" >"$out" 2>&1 </dev/null ;;
	devnull)
		timeout --kill-after=10 300 make -s -C "$REPO" demo O="$SF_BUILD" >/dev/null \
			2>"$out" </dev/null ;;
	esac
}

for how in terminal pipe file devnull; do
	out=$SF_TMP/demo-$how.out
	run_demo "$how" "$out"
	rc=$?
	is "$rc" 0 "make demo, output to a $how: exit 0" || diag_file "$out" 30
	if [[ $how == devnull ]]; then
		# stdout is gone; stderr still carries sysfence's reports
		check "make demo ($how): the plugin's execve was reported (stderr)" \
			grep -q "execve" "$out" || diag_file "$out" 30
		check "make demo ($how): no false positive reported" \
			bash -c "! grep -q 'false positive' '$out'"
		continue
	fi
	check "make demo ($how): the shell never ran, execve killed" \
		grep -q "the shell never ran" "$out" || diag_file "$out" 30
	check "make demo ($how): the plugin's openat(O_CREAT) caught" \
		grep -q "argument outside the rule" "$out" || diag_file "$out" 30
done

done_testing
