#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t091-generalize - capability generalisation end to end (root, real BPF;
# docs/generalize.md).  enforce-target io writes with write(2); learned
# with --generalize none the policy holds exactly what was observed and a
# run that writes with writev(2) is killed; learned with the default
# (standard) the policy also holds writev, marked "inferred_from":
# ["write"], and the same run passes.  Never-listed calls are never
# inferred, inferred mmap/mprotect never allow PROT_EXEC, merge
# --generalize none keeps inferred rules, and show/diff/score tell
# observed and inferred apart.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq timeout realpath
need_sysfence
TGT=$SF_PROGS/enforce-target
[[ -x $TGT ]] || bail "$TGT missing: build it first (make progs)"
TGT=$(realpath -- "$TGT")
sf_tmpdir

plan 18

learn() { # NAME POLICY [LEARN-OPTIONS...] -- CMD...
	local name=$1 pol=$2
	shift 2
	timeout --kill-after=5 60 "$SF" learn --quiet --trace "$SF_TMP/$name.trace.zst" \
		--policy "$pol" "$@" >"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err"
}

# names POLICY LIB FILTER: sorted syscall names of LIB's entries that
# match the jq FILTER (on one entry)
names() {
	jq -r --arg lib "$2" ".sysfence.libraries[] | select(.path == \$lib)
		| .syscalls[] | select($3) | .names[]" "$1" | sort -u
}

NONE=$SF_TMP/none.json
STD=$SF_TMP/std.json

# 1-2: the same program learned at none and at the default level
if learn none "$NONE" --generalize none -- "$TGT" io; then
	ok "learn --generalize none"
else
	not_ok "learn --generalize none"
	diag_file "$SF_TMP/none.err"
fi
if learn std "$STD" -- "$TGT" io; then
	ok "learn (default: --generalize standard)"
else
	not_ok "learn (default: --generalize standard)"
	diag_file "$SF_TMP/std.err"
fi

# 3: none has no inferred rule; standard infers writev from write in the
# executable, and its observed entries are none's
is "$(jq '[.. | objects | select(has("inferred_from"))] | length' "$NONE")" 0 \
	"--generalize none: no inferred rule in the policy"
is "$(jq -c --arg lib "$TGT" '.sysfence.libraries[] | select(.path == $lib)
	| .syscalls[] | select(any(.names[]; . == "writev")) | .inferred_from' "$STD")" \
	'["write"]' "standard: writev inferred from write in the executable"
is "$(names "$STD" "$TGT" '.inferred_from == null' | tr '\n' ' ')" \
	"$(names "$NONE" "$TGT" 'true' | tr '\n' ' ')" \
	"standard: the executable's observed rules are exactly none's"

# 6-8: the reach table (docs/generalize.md): enforce-target imports write
# and writev but none of pwritev/pwritev2's wrappers and no
# pthread_create, so standard infers writev only, and no [libc-thread];
# with the executable's file unknown (another path), the imports are
# unknown and every implied call is inferred, as before
is "$(names "$STD" "$TGT" '.inferred_from != null' | grep -xE 'writev|pwritev|pwritev2' | tr '\n' ' ')" \
	"writev " "standard: writev inferred, pwritev/pwritev2 not (not imported)"
is "$(jq '[.sysfence.libraries[] | select(.path == "[libc-thread]")] | length' "$STD")" 0 \
	"standard: no [libc-thread] for a program that imports no pthread_create"
jq --arg lib "$TGT" '(.sysfence.libraries[] | select(.path == $lib) | .path) |= "/nonexistent/enforce-target"' \
	"$NONE" >"$SF_TMP/moved.json"
"$SF" merge --quiet "$SF_TMP/moved.json" -o "$SF_TMP/moved-std.json" 2>"$SF_TMP/moved.err"
is "$(names "$SF_TMP/moved-std.json" /nonexistent/enforce-target '.inferred_from != null' |
	grep -xE 'writev|pwritev|pwritev2' | tr '\n' ' ')" \
	"pwritev pwritev2 writev " "merge, imports unknown (file missing): every implied write call"

# 8b: a statically linked program spells its calls itself: its imports
# (none) bound nothing, so they are unknown and nothing is dropped
STATIC=$SF_PROGS/matrix-static
timeout --kill-after=5 60 "$SF" learn -v --policy "$SF_TMP/static.json" -- "$STATIC" \
	>"$SF_TMP/static.out" 2>"$SF_TMP/static.err"
check "a static program: generalised without imports (it makes its calls itself)" \
	grep -q "generalising without the process's imports (Operation not supported)" "$SF_TMP/static.err"

# 9: the never-list is never inferred
NEVER='execve execveat ptrace process_vm_readv process_vm_writev socket connect bind listen accept kill tkill tgkill pidfd_send_signal setuid setgid setresuid capset init_module finit_module bpf mount keyctl memfd_create pkey_mprotect openat2 creat chown prctl'
bad=
for n in $NEVER; do
	if jq -e --arg n "$n" '[.sysfence.libraries[].syscalls[]
		| select(.inferred_from != null) | .names[]] | index($n)' "$STD" >/dev/null; then
		bad+=" $n"
	fi
done
is "${bad:-none}" none "standard: no never-listed call is inferred"

# 10: W^X: every inferred mmap/mprotect entry masks PROT_EXEC (bit 4), on
# the bundled redis policy generalised (its units map memory, some r-x)
REDIS=$(dirname "$0")/../../policies/redis-server.json
"$SF" merge --quiet "$REDIS" -o "$SF_TMP/redis.json" 2>"$SF_TMP/redis.err"
wx=$(jq '[.sysfence.libraries[].syscalls[] | select(.inferred_from != null)
	| select(any(.names[]; . == "mmap" or . == "mprotect"))] as $inf
	| [($inf | length),
	   ($inf | map(select((.args // []) | map(select(.index == 2 and
		(.value / 4 | floor) % 2 == 1)) | length == 0)) | length)]
	| map(tostring) | join(" ")' -r "$SF_TMP/redis.json")
if [[ ${wx%% *} -gt 0 && ${wx##* } -eq 0 ]]; then
	ok "inferred mmap/mprotect never allow PROT_EXEC (${wx%% *} entries)"
else
	not_ok "inferred mmap/mprotect never allow PROT_EXEC (inferred, without the mask: $wx)"
	diag_file "$SF_TMP/redis.err"
fi

# 11-12: enforced on a run that writes with writev
timeout --kill-after=5 30 "$SF" enforce "$NONE" -- "$TGT" io --writev \
	>"$SF_TMP/enf-none.out" 2>"$SF_TMP/enf-none.err"
rc=$?
if [[ $rc -ne 0 ]] && ! grep -q 'io: done' "$SF_TMP/enf-none.err"; then
	ok "none: writev (never observed) is stopped (exit $rc)"
else
	not_ok "none: writev (never observed) is stopped (exit $rc)"
	diag_file "$SF_TMP/enf-none.err"
fi
timeout --kill-after=5 30 "$SF" enforce "$STD" -- "$TGT" io --writev \
	>"$SF_TMP/enf-std.out" 2>"$SF_TMP/enf-std.err"
rc=$?
if [[ $rc -eq 0 ]] && grep -q 'io: done' "$SF_TMP/enf-std.err"; then
	ok "standard: writev (inferred from write) runs"
else
	not_ok "standard: writev (inferred from write) runs (exit $rc)"
	diag_file "$SF_TMP/enf-std.err"
fi

# 13: merge --generalize none of a generalised policy keeps its inferred
# rules, byte for byte
"$SF" merge --quiet --generalize none "$STD" -o "$SF_TMP/kept.json" 2>"$SF_TMP/kept.err"
check "merge --generalize none keeps inferred rules" cmp -s "$STD" "$SF_TMP/kept.json"

# 14-16: review tools tell them apart
"$SF" show "$STD" >"$SF_TMP/show.txt" 2>&1
check "show marks writev as inferred from write" \
	grep -Eq ' writev +.*inferred from write' "$SF_TMP/show.txt"
"$SF" diff --json "$NONE" "$STD" >"$SF_TMP/diff.json" 2>"$SF_TMP/diff.err"
is "$(jq -r '.changes[] | select(.syscall == "writev") | .inferred_from | join(",")' \
	"$SF_TMP/diff.json")" write "diff --json: writev added as inferred from write"
"$SF" score --json "$STD" >"$SF_TMP/score.json" 2>"$SF_TMP/score.err"
if jq -e '.summary.union > .summary.unionObserved' "$SF_TMP/score.json" >/dev/null; then
	ok "score --json: the union scores more with inferred rules"
else
	not_ok "score --json: the union scores more with inferred rules"
	diag_file "$SF_TMP/score.json"
fi
# 17: a bad level is a usage error
"$SF" learn --generalize wide -- /bin/true >/dev/null 2>"$SF_TMP/usage.err"
rc=$?
if [[ $rc -eq 2 ]] && grep -q "invalid --generalize 'wide'" "$SF_TMP/usage.err"; then
	ok "learn --generalize wide: usage error (exit 2)"
else
	not_ok "learn --generalize wide: usage error (exit $rc)"
	diag_file "$SF_TMP/usage.err"
fi

done_testing
