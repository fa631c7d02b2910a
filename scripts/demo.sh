#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# scripts/demo.sh O - `make demo`: learn the bundled demo target, then enforce
# the learned policy on the same workload (no violation) and on the same
# plugin turned malicious (killed before its shell can run).
set -u

O=${1:-build}

if [[ $(id -u) -ne 0 ]]; then
	echo "sysfence: error: make demo needs root (BPF)" >&2
	exit 1
fi
for f in "$O/sysfence" "$O/demo/sfdemo" "$O/demo/sfdemo_plugin_evil.so"; do
	if [[ ! -e $f ]]; then
		echo "sysfence: error: $f is missing (run make first)" >&2
		exit 1
	fi
done

O=$(cd "$O" && pwd)
SF=$O/sysfence
TRACE=$O/demo/demo.trace.zst
POLICY=$O/demo/demo.json
PLUGIN=$O/demo/sfdemo_plugin_evil.so
MARKER=$O/demo/pwned
DEMO=("$O/demo/sfdemo" --workload --plugin "$PLUGIN")

step() { printf '\n== %s\n   %s\n' "$1" "$2"; }

rm -f "$POLICY" "$MARKER"
step "1. learn: sfdemo's workload (two libraries + a dlopen'ed plugin)" \
	"sysfence learn --duration 30s --trace $TRACE --policy $POLICY -- sfdemo --workload --plugin ${PLUGIN##*/}"
if ! timeout --kill-after=10 90 "$SF" learn --duration 30s --trace "$TRACE" \
	--policy "$POLICY" -- "${DEMO[@]}"; then
	echo "sysfence: error: sysfence learn failed" >&2
	exit 1
fi

step "2. enforce the learned policy on the same workload: no violation expected" \
	"sysfence enforce $POLICY -- sfdemo --workload ..."
timeout --kill-after=10 90 "$SF" enforce -q "$POLICY" -- "${DEMO[@]}" >/dev/null
rc=$?
echo "   exit status $rc (0 = no violation)"
[[ $rc -eq 0 ]] || { echo "sysfence: error: false positive in the demo" >&2; exit 1; }

step "3. the plugin turns malicious: execve(\"/bin/sh\") from sfdemo_plugin_evil.so" \
	"SFDEMO_EVIL=exec sysfence enforce $POLICY -- sfdemo ..."
SFDEMO_EVIL=exec SFDEMO_EVIL_MARKER=$MARKER timeout --kill-after=10 90 \
	"$SF" enforce "$POLICY" -- "${DEMO[@]}" >/dev/null
rc=$?
if [[ -e $MARKER ]]; then
	echo "sysfence: error: the shell ran (marker $MARKER exists)" >&2
	exit 1
fi
echo "   exit status $rc (3 = violations seen); the shell never ran (no $MARKER)"

step "4. same plugin, allowed syscall, forbidden argument: openat(O_CREAT) where it only read" \
	"SFDEMO_EVIL=creat sysfence enforce $POLICY -- sfdemo ..."
SFDEMO_EVIL=creat SFDEMO_EVIL_MARKER=$MARKER timeout --kill-after=10 90 \
	"$SF" enforce "$POLICY" -- "${DEMO[@]}" >/dev/null
echo "   exit status $? (3 = violations seen)"
rm -f "$MARKER"

printf '\ntrace:  %s\npolicy: %s\n' "$TRACE" "$POLICY"
echo "(the policy is also a plain OCI seccomp profile; 'sysfence show $POLICY' reviews it)"
