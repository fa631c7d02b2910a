#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t099-verify-strace - tests/progs/verify-strace.sh: the attribution ground
# truth (tests/progs/matrix-cases.txt) that t010 holds sysfence to, checked
# without sysfence, by strace -k stacks, for every case with and without
# the mmap hammer.  It runs no sysfence code, so CI's sanitized pass leaves
# it out (.ci/run).
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd strace timeout
[[ -x $SF_PROGS/matrix ]] || bail "$SF_PROGS/matrix missing: build it first (make progs)"
sf_tmpdir

plan 1

if timeout --kill-after=5 300 "$SF_SRC/tests/progs/verify-strace.sh" "$SF_BUILD" >"$SF_TMP/vs.out" 2>&1; then
	ok "verify-strace.sh: $(tail -n 1 "$SF_TMP/vs.out")"
else
	not_ok "verify-strace.sh: the strace ground truth matches matrix-cases.txt"
	diag_file "$SF_TMP/vs.out" 30
fi

done_testing
