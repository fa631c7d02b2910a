#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# scripts/demo.sh O - `make demo`: learn the bundled demo target (sfdemo:
# two shared libraries and a dlopen'ed plugin) with sysfence and print a
# per-library summary of the policy.  Needs root (BPF).
set -u

O=${1:-build}

if [[ $(id -u) -ne 0 ]]; then
	echo "sysfence: error: make demo needs root (BPF)" >&2
	exit 1
fi
if ! command -v jq >/dev/null; then
	echo "sysfence: error: jq not found (run scripts/install-deps.sh)" >&2
	exit 1
fi
for f in "$O/sysfence" "$O/demo/sfdemo"; do
	if [[ ! -x $f ]]; then
		echo "sysfence: error: $f is missing (run make first)" >&2
		exit 1
	fi
done

O=$(cd "$O" && pwd)
TRACE=$O/demo/demo.trace.zst
POLICY=$O/demo/demo.json

echo "== sysfence learn on the demo target (sfdemo --workload)"
echo "   $O/sysfence learn --duration 30s --trace $TRACE --policy $POLICY -- $O/demo/sfdemo --workload"
# Bounded even if learn misbehaves: --duration plus a margin.
timeout --kill-after=10 90 "$O/sysfence" learn --duration 30s \
	--trace "$TRACE" --policy "$POLICY" -- "$O/demo/sfdemo" --workload
rc=$?
if [[ $rc -ne 0 ]]; then
	echo "sysfence: error: sysfence learn failed (exit $rc)" >&2
	exit 1
fi
if [[ ! -s $POLICY ]] || ! jq -e '.sysfence.libraries | type == "array"' "$POLICY" >/dev/null 2>&1; then
	echo "sysfence: error: no readable policy at $POLICY" >&2
	exit 1
fi

echo
echo "== policy file, per library (jq over $POLICY)"
jq -r '
	.sysfence.libraries[]
	| ([.syscalls[]?.names[]?] | unique) as $names
	| "\(.path)  [\(.kind)]  \($names | length) syscalls\n    \($names | join(" "))"
' "$POLICY"
echo
jq -r '"libraries: \(.sysfence.libraries | map(select(.kind != "bucket")) | length), " +
	"buckets: \(.sysfence.libraries | map(select(.kind == "bucket")) | length), " +
	"syscalls allowed overall (union): \([.syscalls[]?.names[]?] | unique | length)"' "$POLICY"
echo
echo "trace:  $TRACE"
echo "policy: $POLICY"
echo "(the policy is also a plain OCI seccomp profile; its .sysfence part is per library)"
