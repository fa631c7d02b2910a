#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t100-matrix - the generalisation matrix of issue 11: real programs the
# project did not write, each learned ONCE under one workload, then
# enforced (default action: kill) under ordinary variations it never saw
# (another workload mix, 50x larger input, stdout on a terminal / pipe /
# file / /dev/null, another LANG/TZ, operator signals, a stop by sysfence,
# identical repeated runs) and attacked (LD_PRELOAD library, a plugin that
# execs, a known unit opening a socket / creating a file / making
# executable memory / ptrace / process_vm_writev / kill of a foreign pid).
# Every variation must be clean and every attack caught; known failures
# are TODO rows (tests/matrix/known-failing.txt).  The engine and the
# programs are in tests/matrix/; the results file feeds
# scripts/matrix-table.sh (the README table).
#
#   SF_MATRIX_PROGS="sqlite3 redis"   only these programs
#   SF_MATRIX_OUT=FILE                keep the results (default: in the temp dir)
#   SF_MATRIX_GENERALIZE=none         enforce `merge --generalize none` policies
#   SF_MATRIX_DIAG=1                  enforce with --action log --no-seccomp: each
#                                     row lists every call it would need (attacks
#                                     are then not stopped: a diagnosis, not a verdict)
#
# sf-parallel: first
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq script timeout
need_sysfence
[[ -e $SF_PROGS/libmx_agent.so ]] || bail "$SF_PROGS/libmx_agent.so missing: build it first (make)"
sf_tmpdir
# shellcheck source=../matrix/engine.sh
. "$SF_SRC/tests/matrix/engine.sh"
for mx_file in "$SF_SRC"/tests/matrix/prog-*.sh; do
	# shellcheck disable=SC1090
	. "$mx_file"
done
mx_init

MX_ALL="sqlite3 coreutils python3 node git curl redis nginx memcached postgres"
t0=$SECONDS
for p in ${SF_MATRIX_PROGS:-$MX_ALL}; do
	"mx_prog_$p" || not_ok "$p: could not run ($p missing?)"
done
diag "matrix: $((SECONDS - t0)) s"
"$SF_SRC/scripts/matrix-table.sh" "$MX_RESULTS" | while IFS= read -r l; do diag "$l"; done
[[ -s $SF_TMP/violations.txt ]] && diag "violations seen:" && diag_file "$SF_TMP/violations.txt" 200
done_testing
