#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t080-bad-input - the bad-input table of docs/bad-input.md, one test per
# row: the real binary, its exit code, and exactly one
# "sysfence: error: ..." (or warning) line holding the documented fragment.
# File-format rows go through `sysfence merge FILE -o OUT`, where OUT holds
# a valid policy beforehand: it must be byte-for-byte intact afterwards and
# no temp file may be left next to it.  Launch rows use `sysfence learn`.
# Rows that need root are skipped (CI: failed) without it.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd jq timeout cmp
need_sysfence
sf_tmpdir

FIX=$SF_SRC/tests/fixtures
OUTDIR=$SF_TMP/out
PREV=$OUTDIR/prev.json
mkdir -p "$OUTDIR"
"$SF" merge -q "$FIX/policy-plain-oci.json" -o "$PREV" >/dev/null 2>&1 ||
	bail "cannot write the reference policy with sysfence merge"
cp "$PREV" "$SF_TMP/prev.orig"

IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

plan 37

# skip_row DESC REASON: this row cannot run here (a failure under CI=true).
skip_row() {
	if [[ ${CI:-} == true ]]; then
		not_ok "$1 (cannot run: $2)"
	else
		ok "$1 # SKIP $2"
	fi
}

# matches RC KIND FRAGMENT CMD...: CMD exits RC and its stderr has exactly
# one "sysfence: KIND:" line, which contains FRAGMENT.  Sets GOT.
matches() {
	local want_rc=$1 kind=$2 frag=$3 rc lines
	shift 3
	timeout --kill-after=5 30 "$@" >"$SF_TMP/stdout" 2>"$SF_TMP/stderr"
	rc=$?
	lines=$(grep -c "^sysfence: $kind: " "$SF_TMP/stderr")
	GOT="exit $rc (want $want_rc); $lines '$kind' lines (want 1) holding '$frag'"
	# (an ASan/UBSan abort after the message is not the documented exit)
	if ! sf_no_sanitizer_report "$SF_TMP/stderr"; then
		GOT="$GOT; a sanitizer report was printed"
		return 1
	fi
	[[ $rc -eq $want_rc && $lines -eq 1 ]] &&
		grep "^sysfence: $kind: " "$SF_TMP/stderr" | grep -qF -- "$frag"
}

# expect DESC RC KIND FRAGMENT CMD...: one test of matches().
expect() {
	local desc=$1
	shift
	if matches "$@"; then
		ok "$desc -> exit $1, '$3'"
		return 0
	fi
	not_ok "$desc"
	diag "command: ${*:4}"
	diag "$GOT"
	diag_file "$SF_TMP/stderr"
	return 1
}

# merge_row DESC FRAGMENT FILE: merge FILE over $PREV fails with exit 1 and
# FRAGMENT, and leaves $PREV intact and no temp file behind.
merge_row() {
	local desc=$1 frag=$2 file=$3 extra
	if ! matches 1 error "$frag" "$SF" merge -q "$file" -o "$PREV"; then
		not_ok "$desc"
		diag "$GOT"
		diag_file "$SF_TMP/stderr"
		return
	fi
	extra=$(find "$OUTDIR" -mindepth 1 ! -path "$PREV" | head -3)
	if ! cmp -s "$PREV" "$SF_TMP/prev.orig" || [[ -n $extra ]]; then
		not_ok "$desc"
		diag "the previous output was touched or a temp file is left: $extra"
		return
	fi
	ok "$desc -> exit 1, '$frag'"
}

# ---- policy and trace files (no root needed) --------------------------------
merge_row "missing file" "cannot read $SF_TMP/nope.json: No such file or directory" \
	"$SF_TMP/nope.json"
merge_row "directory instead of a file" "Is a directory" "$SF_TMP"
merge_row "empty policy file" "policy-empty.json: empty file" "$FIX/policy-empty.json"
merge_row "empty trace file" "trace-empty.sftrace: empty file" "$FIX/trace-empty.sftrace"
merge_row "invalid JSON (file:line:col)" "policy-invalid-json.json:6:3: invalid JSON near" \
	"$FIX/policy-invalid-json.json"
printf '{"defaultAction": "SCMP_ACT_KILL_PROCESS", "architectures"' >"$SF_TMP/cut.json"
merge_row "JSON cut short" "cut.json:1:" "$SF_TMP/cut.json"
printf '{"defaultAction":"SCMP_ACT_KILL_PROCESS","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":"read","action":"SCMP_ACT_ALLOW"}]}\n' \
	>"$SF_TMP/wrong-type.json"
merge_row "wrong JSON type (JSON path)" "syscalls[0].names: expected an array" \
	"$SF_TMP/wrong-type.json"
merge_row "wrong JSON type in a library" \
	"sysfence.libraries[1].kind: expected one of executable, library, bucket" \
	"$FIX/policy-wrong-types.json"
merge_row "unknown syscall name" "unknown syscall name 'opnat' at syscalls[0].names[3]; did you mean 'openat'?" \
	"$FIX/policy-unknown-syscall.json"
merge_row "unknown group" "unknown group '@filesystem' at syscalls[0].names[0]; did you mean '@file-system'?" \
	"$FIX/policy-unknown-group.json"
merge_row "argument index out of range (file:line, JSON path)" \
	"policy-arg-index.json:15: sysfence.libraries[0].syscalls[0].args[0].index: argument index 6 is out of range (0..5)" \
	"$FIX/policy-arg-index.json"
merge_row "policy for another architecture" "policy is for SCMP_ARCH_AARCH64; this machine is x86_64" \
	"$FIX/policy-other-arch.json"
merge_row "policy of a newer version" \
	"sysfence.version: policy version 2 is newer than this sysfence supports (1)" \
	"$FIX/policy-newer-version.json"
# a real trace cut in the middle of its zstd frame
size=$(stat -c %s "$FIX/trace-valid.sftrace")
head -c $((size / 2)) "$FIX/trace-valid.sftrace" >"$SF_TMP/cut.sftrace"
merge_row "trace truncated in the middle of a zstd frame" "cut.sftrace: truncated" \
	"$SF_TMP/cut.sftrace"
merge_row "trace of a newer format version" \
	"trace format version 2 is newer than this sysfence supports (1)" \
	"$FIX/trace-newer-version.sftrace"
merge_row "trace with a corrupted checksum" "checksum mismatch (corrupted)" \
	"$FIX/trace-bad-checksum.sftrace"
merge_row "trace with a library index out of range" "library index" \
	"$FIX/trace-bad-lib-index.sftrace"

# Violation logs (the JSON lines of enforce -l) given to merge: the line
# that is wrong is named.
VL='{"first": "2026-01-01T00:00:00.000000000Z", "count": 2, "binary": "/usr/bin/true", "library": "/usr/bin/true", "buildId": null, "syscall": "mmap", "argValues": [{"index": 2, "value": 3}]}'
printf '%s\nthis is not JSON\n' "$VL" >"$SF_TMP/vl-garbage.jsonl"
merge_row "violation log: a line that is not JSON" \
	"vl-garbage.jsonl:2: invalid JSON (expected one object per line)" "$SF_TMP/vl-garbage.jsonl"
printf '{"level": "info", "msg": "started"}\n{"level": "info", "msg": "done"}\n' >"$SF_TMP/vl-foreign.jsonl"
merge_row "violation log: foreign JSON lines" \
	'vl-foreign.jsonl:1: not a sysfence violation line (no "syscall" and "library" strings)' \
	"$SF_TMP/vl-foreign.jsonl"
printf '%s\n%s\n' "$VL" "${VL/\"mmap\"/\"opnat\"}" >"$SF_TMP/vl-name.jsonl"
merge_row "violation log: unknown syscall name" "vl-name.jsonl:2: unknown syscall name 'opnat'" \
	"$SF_TMP/vl-name.jsonl"
printf '%s\n' "${VL/\"index\": 2/\"index\": 5}" >"$SF_TMP/vl-index.jsonl"
merge_row "violation log: an argument the syscall does not record" \
	'vl-index.jsonl:1: "argValues": mmap records no such argument index' "$SF_TMP/vl-index.jsonl"
printf '%s\n' "${VL/\"library\": \"\/usr\/bin\/true\"/\"library\": \"libc.so.6\"}" >"$SF_TMP/vl-lib.jsonl"
merge_row "violation log: a library that is not a full path" \
	"vl-lib.jsonl:1: \"library\": 'libc.so.6' is not a full path or a [bucket]" "$SF_TMP/vl-lib.jsonl"
printf '%s\n' "$VL" >"$SF_TMP/vl-ok.jsonl"
expect "violation log given to enforce (not a policy)" 1 error \
	"vl-ok.jsonl is a violation log (sysfence enforce -l): fold it into a policy with 'sysfence merge POLICY" \
	"$SF" enforce "$SF_TMP/vl-ok.jsonl" -- /bin/true

# Inputs that can be read only once (a pipe): sysfence must not consume
# them by peeking at the first bytes.
# shellcheck disable=SC2002 # a pipe on purpose
if cat "$FIX/policy-plain-oci.json" | "$SF" merge -q /dev/stdin -o "$SF_TMP/pipe-p.json" 2>"$SF_TMP/stderr" &&
	"$SF" merge -q "$FIX/policy-plain-oci.json" -o "$SF_TMP/file-p.json" &&
	cmp -s "$SF_TMP/pipe-p.json" "$SF_TMP/file-p.json"; then
	ok "policy on a pipe (/dev/stdin) loads like the file"
else
	not_ok "policy on a pipe (/dev/stdin) loads like the file"
	diag_file "$SF_TMP/stderr"
fi
# shellcheck disable=SC2002 # a pipe on purpose
if cat "$FIX/trace-valid.sftrace" | "$SF" merge -q /dev/stdin -o "$SF_TMP/pipe-t.json" 2>"$SF_TMP/stderr" &&
	"$SF" merge -q "$FIX/trace-valid.sftrace" -o "$SF_TMP/file-t.json" &&
	cmp -s "$SF_TMP/pipe-t.json" "$SF_TMP/file-t.json"; then
	ok "trace on a pipe (/dev/stdin) loads like the file"
else
	not_ok "trace on a pipe (/dev/stdin) loads like the file"
	diag_file "$SF_TMP/stderr"
fi
# shellcheck disable=SC2016 # expanded by the inner sh
expect "corrupted trace on a pipe names the input" 1 error \
	"/dev/stdin: checksum mismatch (corrupted)" \
	sh -c 'cat "$3" | "$1" merge -q /dev/stdin -o "$2"' _ "$SF" "$SF_TMP/pipe-x.json" \
	"$FIX/trace-bad-checksum.sftrace"

# ---- command line ---------------------------------------------------------------
expect "--duration garbage" 2 error "invalid --duration 'garbage'" \
	"$SF" learn --duration garbage -- /bin/true
expect "--pid garbage" 2 error "invalid --pid '12ab'" "$SF" learn --pid 12ab

# ---- targets, processes, privileges (root: learn really loads BPF) ---------------
LEARN=("$SF" learn -q -t "$SF_TMP/l.trace.zst" -o "$SF_TMP/l.json")
if [[ $IS_ROOT -eq 1 ]]; then
	expect "target not found" 1 error "cannot run 'no-such-program-sf080': command not found" \
		"${LEARN[@]}" -- no-such-program-sf080
	printf '#!/bin/sh\nexit 0\n' >"$SF_TMP/noexec.sh"
	chmod 0644 "$SF_TMP/noexec.sh"
	expect "target not executable" 1 error "cannot run '$SF_TMP/noexec.sh': Permission denied" \
		"${LEARN[@]}" -- "$SF_TMP/noexec.sh"

	# a pid that is free now (counting down from pid_max)
	pid=$(($(cat /proc/sys/kernel/pid_max) - 1))
	while [[ -e /proc/$pid ]]; do pid=$((pid - 1)); done
	expect "PID that does not exist" 1 error "no process with pid $pid" "${LEARN[@]}" --pid "$pid"

	# A target that exits while sysfence attaches.  sysfence checks the pid
	# (readlink /proc/PID/exe), loads its BPF object, then checks again:
	# the target is SIGKILLed (and reaped: a zombie still answers kill -0)
	# at the event "sysfence holds a BPF fd" - after the first check, before
	# the second.  Deadline 20 s for the BPF fd to appear.
	sleep 60 &
	spid=$!
	"${LEARN[@]}" --pid "$spid" >"$SF_TMP/stdout" 2>"$SF_TMP/stderr" &
	lpid=$!
	seen=
	for ((i = 0; i < 2000; i++)); do
		if find "/proc/$lpid/fd" -lname 'anon_inode:bpf*' -print -quit 2>/dev/null | grep -q .; then
			seen=1
			break
		fi
		kill -0 "$lpid" 2>/dev/null || break
		sleep 0.01
	done
	kill -KILL "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	sf_wait_pid "$lpid" 30
	rc=$?
	[[ $rc -eq 124 ]] && sf_stop_pid "$lpid" 2
	lines=$(grep -c "^sysfence: error: " "$SF_TMP/stderr")
	if [[ -n $seen && $rc -eq 1 && $lines -eq 1 ]] && sf_no_sanitizer_report "$SF_TMP/stderr" &&
		grep -qF "process $spid exited while attaching" "$SF_TMP/stderr"; then
		ok "PID that exits during attach -> exit 1, 'process $spid exited while attaching'"
	else
		not_ok "PID that exits during attach"
		diag "BPF fd seen: ${seen:-no}; exit $rc (want 1); $lines error line(s) (want 1)"
		diag_file "$SF_TMP/stderr"
	fi

	if command -v setpriv >/dev/null; then
		expect "not root" 1 error "learn needs root" \
			setpriv --reuid nobody --regid nogroup --clear-groups "$SF" learn -q \
			-t /tmp/x -o /tmp/x -- /bin/true
	else
		skip_row "not root" "setpriv not installed"
	fi
	# root in a fresh user namespace: euid 0, but no capability over the
	# real kernel, so bpf() fails like on a kernel without BPF.
	if command -v unshare >/dev/null && unshare -r true 2>/dev/null; then
		expect "no BPF (bpf() refused)" 1 error "cannot load the BPF object: Operation not permitted" \
			unshare -r "${LEARN[@]}" -- /bin/true
	else
		skip_row "no BPF (bpf() refused)" "unshare -r does not work here"
	fi
	# learn --policy over an existing broken policy: refused, file intact,
	# the trace holds the recording.
	cp "$FIX/policy-invalid-json.json" "$SF_TMP/broken.json"
	desc="learn --policy over an invalid policy"
	if ! matches 1 error "is not valid, not overwriting it" \
		"$SF" learn -q -t "$SF_TMP/b.trace.zst" -o "$SF_TMP/broken.json" -- /bin/true; then
		not_ok "$desc"
		diag "$GOT"
		diag_file "$SF_TMP/stderr"
	elif ! cmp -s "$SF_TMP/broken.json" "$FIX/policy-invalid-json.json"; then
		not_ok "$desc: the invalid policy was changed"
	elif [[ ! -s $SF_TMP/b.trace.zst ]]; then
		not_ok "$desc: no trace was written"
	else
		ok "$desc -> exit 1, 'is not valid, not overwriting it' (file intact, trace kept)"
	fi

	# enforce: library path missing on this machine (warning) and build-id
	# mismatch (error) in a policy learned from /bin/true.
	if "$SF" learn -q -t "$SF_TMP/true.trace.zst" -o "$SF_TMP/true.json" -- /bin/true \
		>/dev/null 2>&1 && "$SF" enforce --help >/dev/null 2>&1; then
		jq '.sysfence.libraries += [{"path": "/nonexistent/libgone.so", "buildId": null,
			"kind": "library",
			"syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}],
			"evidence": {"getpid": {"count": 1, "site": null}}}]' \
			"$SF_TMP/true.json" >"$SF_TMP/gone.json"
		jq '.sysfence.libraries |= map(if .kind == "executable"
			then .buildId = "00112233445566778899aabbccddeeff00112233" else . end)' \
			"$SF_TMP/true.json" >"$SF_TMP/rebuilt.json"
		expect "enforce: library path missing on this machine" 0 warning \
			"/nonexistent/libgone.so: No such file or directory; its rules are not loaded" \
			"$SF" enforce --action log --no-seccomp "$SF_TMP/gone.json" -- /bin/true
		expect "enforce: build-id mismatch" 1 error \
			"was rebuilt: build-id" \
			"$SF" enforce --action log --no-seccomp "$SF_TMP/rebuilt.json" -- /bin/true
	else
		not_ok "enforce: library path missing on this machine (no policy or no enforce)"
		not_ok "enforce: build-id mismatch (no policy or no enforce)"
	fi
else
	for row in "target not found" "target not executable" "PID that does not exist" \
		"PID that exits during attach" "not root" "no BPF" \
		"learn --policy over an invalid policy" "enforce: library path missing" \
		"enforce: build-id mismatch"; do
		skip_row "$row" "needs root"
	done
fi

done_testing
