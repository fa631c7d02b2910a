#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# verify-strace.sh O - check the attribution ground truth itself, without
# sysfence: run every matrix case under `strace -f -k -e trace=MARKER` and
# compute, for every marker call, the first stack frame outside libc.so.6 /
# ld-linux-x86-64.so.2 (what sysfence must find), or [libc-alloc] when a
# frame inside libc's allocator comes first.  A stack made only of
# ld.so frames is "[ld.so-startup]".  Needs strace built with stack tracing.
# Runs each case normally and with SF_HAMMER=1.  Exit 1 on any mismatch.
set -u
O=$(cd "${1:-build}" && pwd) || exit 1
HERE=$(cd "$(dirname "$0")" && pwd)
P=$O/tests/progs
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT

classify() { # strace -k output -> one caller per marker call
	awk '
	function flush() {
		if (!inev) return
		print (caller != "" ? caller : (ldso ? "[ld.so-startup]" : "[libc-runtime]"))
		inev = 0
	}
	/^ > / {
		if (!inev || caller != "") next
		path = $2; sub(/\(.*/, "", path); sub(/.*\//, "", path)
		if (path ~ /^libc\.so\.6$/) {
			# libc runtime functions (tracer/cfi.c runtime_funcs): the
			# allocator charges the call to [libc-alloc]
			fn = $2; sub(/^[^(]*\(/, "", fn); sub(/[+)].*/, "", fn)
			if (fn ~ /^(malloc|free|calloc|realloc|_int_malloc|_int_free|_int_realloc|sysmalloc|systrim|tcache_init|ptmalloc_init|malloc_consolidate)$/)
				caller = "[libc-alloc]"
			next
		}
		if (path ~ /^ld-linux-x86-64\.so\.2$/) { ldso = 1; next }
		if (path == "unexpected_backtracing_error" || path == "") next
		caller = path
		next
	}
	/^[0-9]+ +[a-z_0-9]+\(/ { flush(); inev = 1; caller = ""; ldso = 0; next }
	END { flush() }'
}

fail=0 total=0
while read -r c marker expected check prog; do
	[[ -z "$c" || "$c" == \#* ]] && continue
	for mode in normal hammer; do
		total=$((total + 1))
		env=()
		[[ $mode == hammer ]] && env=(SF_HAMMER=1)
		out=$TMP/$c.$mode
		env "${env[@]}" timeout 20 strace -f -k -qq -e trace="$marker" \
			-o "$out" "$P/$prog" "$c" >/dev/null 2>"$TMP/err"
		rc=$?
		callers=$(classify <"$out" | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
		ok=1
		[[ $rc -eq 0 ]] || ok=0
		classify <"$out" | grep -qxF -- "$expected" || ok=0
		if [[ $check == only ]] && classify <"$out" | grep -qvxF -- "$expected"; then
			ok=0
		fi
		if [[ $ok -eq 1 ]]; then
			printf 'ok   %-12s %-7s %-12s -> %s\n' "$c" "$mode" "$marker" "$callers"
		else
			fail=$((fail + 1))
			printf 'FAIL %-12s %-7s %-12s -> %s (want %s, %s, rc=%d)\n' \
				"$c" "$mode" "$marker" "${callers:-nothing}" "$expected" "$check" "$rc"
		fi
	done
done <"$HERE/matrix-cases.txt"
echo "strace ground truth: $((total - fail))/$total cases as expected"
[[ $fail -eq 0 ]]
