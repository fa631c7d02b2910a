#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t070-bench-smoke - `make bench QUICK=1` must keep working: run bench/run.sh
# in quick mode (tiny sizes, one repetition, seconds) into a temporary
# directory and check that results.md has every table row.  No thresholds:
# benchmarks are not timed tests.  A configuration that cannot run here
# (no nginx, enforce not built) still has its row, reading "n/a (...)";
# but a server section whose tools are installed must have measured every
# configuration (a number in each cell, never "fail" or "n/a") and its
# learn/enforce BPF statistics: a broken section fails here.  Under CI=true
# (scripts/install-deps.sh installs every tool) a missing tool fails too.
#
# sf-parallel: no - a benchmark: its figures mean something only on an otherwise idle machine
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq awk timeout
need_sysfence
[[ -x $SF_BUILD/bench/sf-bench-loop ]] || bail "$SF_BUILD/bench tools missing: build them first (make)"
sf_tmpdir

OUT=$SF_TMP/out
RUN=$SF_SRC/bench/run.sh

plan 16

if timeout --kill-after=10 300 "$RUN" --quick --build "$SF_BUILD" --out "$OUT" \
	>"$SF_TMP/run.out" 2>"$SF_TMP/run.err"; then
	ok "bench/run.sh --quick exits 0 ($(sed -n 's/.*done in \([0-9]*s\).*/\1/p' "$SF_TMP/run.err"))"
else
	not_ok "bench/run.sh --quick exits 0"
	diag_file "$SF_TMP/run.err" 30
fi

MD=$OUT/results.md
check "results.md written" test -s "$MD" || diag_file "$SF_TMP/run.err"

# has_rows WHAT ROW...: every "| ROW |" line is in results.md and has a
# value cell.
has_rows() {
	local what=$1 r missing=()
	shift
	for r in "$@"; do
		grep -qF "| $r | " "$MD" 2>/dev/null || missing+=("$r")
	done
	if ((${#missing[@]} == 0)); then
		ok "$what rows present"
	else
		not_ok "$what rows present"
		diag "missing: ${missing[*]}"
	fi
}

has_rows micro "none" \
	"seccomp allow-list (libseccomp, no argument checks)" \
	"seccomp union of the learned policy (argument checks: enforce's floor)" \
	"empty tp_btf/sys_enter program attached" \
	"empty tp_btf/sys_enter and sys_exit programs attached" \
	"sysfence attached, process untracked" \
	"sysfence learn (tracked)" "sysfence enforce (tracked)" \
	"sysfence enforce --floor-reports off --path-check off (tracked; no sys_exit program)"
has_rows redis SET GET INCR LPUSH "all (harmonic mean)"
has_rows nginx "static 4 KiB"
has_rows memcached "get/set 9:1"
has_rows postgres "pgbench -S"
has_rows "seccomp floor" redis nginx memcached postgres
has_rows learner "merge 10 traces: wall s" "merge 10 traces: max RSS MiB"
has_rows targets "learn: ns added per tracked getppid" \
	"enforce: ns added per tracked getppid" \
	"untracked / empty sys_enter+sys_exit programs (added ns, getppid)" \
	"redis enforce / none" "redis learn / none" "nginx enforce / none" \
	"nginx enforce-lean / none" \
	"nginx learn / none" "memcached enforce / none" "postgres learn / none" \
	"nginx: seccomp floor's cost" "learner merges 10 traces"

# measured SECTION TOOLS ROW: when TOOLS are all installed, ROW of SECTION's
# throughput table has a number in every configuration's cell, and its
# seccomp floor row and its BPF statistics rows (learn, enforce) a number
# in every cell.
measured() {
	local sec=$1 tools=$2 row=$3 t line cells bad=() c
	for t in $tools; do
		if ! command -v "$t" >/dev/null 2>&1 && [[ ! -x $t ]]; then
			if [[ ${CI:-} == true ]]; then
				not_ok "$sec measured (CI=true: $t not installed; scripts/install-deps.sh installs it)"
			else
				ok "$sec measured # SKIP $t not installed"
			fi
			return
		fi
	done
	line=$(grep -F "| $row | " "$MD" | head -n1)
	# every cell after the row's label: "12345" or "12345 (98.7%)"
	IFS='|' read -ra cells <<<"${line#| "$row" |}"
	((${#cells[@]} >= 4)) || bad+=("throughput row '$line'")
	for c in "${cells[@]}"; do
		c=${c# }
		c=${c% }
		[[ -z $c ]] && continue
		[[ $c =~ ^[0-9]+(\ \([0-9.]+%\))?$ ]] || bad+=("throughput cell '$c'")
	done
	grep -qE "^\| $sec \| [0-9.]+% \| [-+][0-9.]+% \|$" "$MD" ||
		bad+=("seccomp floor row '$(grep -E "^\| $sec \| [^a-z]" "$MD" | head -n1)'")
	for c in learn enforce; do
		line=$(grep -E "^\| $sec \| $c \| " "$MD" | head -n1)
		[[ $line =~ ^\|\ $sec\ \|\ $c\ \|\ [0-9]+\ \|\ [0-9.]+\ \|\ [0-9.]+%\ \|\ [0-9.]+%\ \|$ ]] ||
			bad+=("BPF statistics row '$line'")
	done
	if ((${#bad[@]} == 0)); then
		ok "$sec measured in every configuration, with its BPF statistics"
	else
		not_ok "$sec measured in every configuration, with its BPF statistics"
		diag "${bad[@]}"
		diag_file "$SF_TMP/run.err" 30
	fi
}

PG_BIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)
measured redis "redis-server redis-benchmark redis-cli" "all (harmonic mean)"
measured nginx "nginx wrk" "static 4 KiB"
measured memcached "memcached memcaslap" "get/set 9:1"
measured postgres "$PG_BIN/postgres $PG_BIN/initdb $PG_BIN/pgbench $PG_BIN/pg_isready setpriv" "pgbench -S"

# The micro table has a number for "none" in both loops: the harness itself
# works (everything else may legitimately be n/a on a given machine).
none_row=$(grep -F '| none | ' "$MD" 2>/dev/null | head -n1)
if [[ $none_row =~ ^\|\ none\ \|\ [0-9]+\ .*\|\ [0-9]+\  ]]; then
	ok "micro baseline measured: $none_row"
else
	not_ok "micro baseline measured"
	diag "row: '$none_row'"
	diag_file "$SF_TMP/run.err"
fi

# Every sysfence row of the micro table was measured: a configuration that
# fails to start (a log line the harness waits for changed, say) reads
# "fail" and must not pass as a table with a row.
bad_micro=$(grep -E '^\| (sysfence |empty tp_btf)' "$MD" 2>/dev/null | grep -E '\| (fail|n/a)' || true)
if [[ -n $(grep -E '^\| sysfence learn' "$MD" 2>/dev/null) && -z $bad_micro ]]; then
	ok "micro: every BPF configuration measured"
else
	not_ok "micro: every BPF configuration measured"
	diag "rows: ${bad_micro:-none found}"
	diag_file "$SF_TMP/run.err" 30
fi

done_testing
