#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# scripts/run-tests.sh O - `make test` after the build: every unit test
# binary $O/tests/unit/test_* (cmocka), then every integration test
# tests/integration/t*.t under prove with SF_BUILD=$O (absolute).
# Prints "N passed, N failed" (unit binaries + integration files) last and
# exits non-zero on any failure.  CI=true makes skipped tests fail.
# SF_SKIP_TESTS="t070-bench-smoke.t ...": integration files not to run
# (e.g. the second, SANITIZE=1 pass of CI leaves out the benchmarks).
set -u

cd "$(dirname "$0")/.." || exit 1
O=${1:-build}
if [[ ! -d $O ]]; then
	echo "sysfence: error: build directory $O not found (run make)" >&2
	exit 1
fi
SF_BUILD=$(cd "$O" && pwd)
export SF_BUILD

UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
INTEGRATION_TIMEOUT=${INTEGRATION_TIMEOUT:-900}
passed=0
failed=0
failures=()

echo "== unit tests ($SF_BUILD/tests/unit)"
units=()
for t in "$SF_BUILD"/tests/unit/test_*; do
	[[ -f $t && -x $t && $t != *.d && $t != *.o ]] && units+=("$t")
done
if [[ ${#units[@]} -eq 0 ]]; then
	echo "sysfence: error: no unit test binaries in $SF_BUILD/tests/unit" >&2
	failed=$((failed + 1))
	failures+=("unit: none built")
fi
for t in "${units[@]}"; do
	echo "-- ${t##*/}"
	timeout --kill-after=10 "$UNIT_TIMEOUT" "$t" 2>&1
	rc=$?
	if [[ $rc -eq 0 ]]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("${t##*/} (exit $rc)")
		echo "-- ${t##*/}: FAILED (exit $rc)"
	fi
done

echo
echo "== integration tests (prove, SF_BUILD=$SF_BUILD)"
if ! command -v prove >/dev/null; then
	echo "sysfence: error: prove not found (perl; run scripts/install-deps.sh)" >&2
	exit 1
fi
for t in tests/integration/t*.t; do
	[[ -f $t ]] || continue
	if [[ " ${SF_SKIP_TESTS:-} " == *" ${t##*/} "* ]]; then
		echo "-- ${t##*/}: not run (listed in SF_SKIP_TESTS)"
		continue
	fi
	timeout --kill-after=30 "$INTEGRATION_TIMEOUT" prove -v "$t"
	rc=$?
	if [[ $rc -eq 0 ]]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("${t##*/}$([[ $rc -eq 124 ]] && echo ' (timeout)')")
	fi
done

echo
if [[ ${#failures[@]} -gt 0 ]]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
