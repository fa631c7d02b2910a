#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# scripts/matrix-table.sh [--also LABEL=OLD.tsv]... [--kills] RESULTS.tsv
#
# The README's matrix table from the results file of
# tests/integration/t100-matrix.t (SF_MATRIX_OUT; columns PROG KIND ID
# STATUS DETAIL DESC SECONDS, see tests/matrix/engine.sh).  One row per
# program: variations clean / run, attacks caught / tried, rules (the sum
# of every unit's own syscalls) and privilege score (most privileged unit /
# process-wide union, `sysfence score`) with --generalize none and
# standard, or "as learned" when the build had no --generalize.
#   --also LABEL=OLD.tsv  adds a column LABEL: the variations clean / run
#                     of another run (an older commit, --generalize none);
#                     repeatable, the columns come in the order given
#   --kills           lists each false kill (its first violation) and
#                     each missed attack under the table
set -u
labels=()
files=()
kills=
while [[ $# -gt 1 ]]; do
	case $1 in
	--also)
		[[ $2 == *=* ]] || { echo "sysfence: error: --also wants LABEL=FILE" >&2; exit 2; }
		labels+=("${2%%=*}"); files+=("${2#*=}"); shift 2 ;;
	--kills) kills=1; shift ;;
	*) break ;;
	esac
done
f=${1:?usage: matrix-table.sh [--also LABEL=OLD.tsv]... [--kills] RESULTS.tsv}
for x in "$f" ${files[@]+"${files[@]}"}; do
	[[ -r $x ]] || { echo "sysfence: error: cannot read $x" >&2; exit 1; }
done
lab=$(IFS=$'\x1f'; echo "${labels[*]-}")
awk -F'\t' -v kills="$kills" -v nb="${#files[@]}" -v labs="$lab" '
function kv(s, k) { return match(s, k "=[0-9]+") ? substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1) : "?" }
function add(l, x) { return l (l ? ", " : "") x }
FNR == 1 { fi++ }
fi <= nb {   # the other runs, in order
	if ($2 == "var") { brun[fi, $1]++; if ($4 == "clean") bclean[fi, $1]++ }
	next
}
!($1 in seen) { seen[$1] = 1; order[++n] = $1 }
$2 == "var" { run[$1]++; if ($4 == "clean") clean[$1]++; else if ($4 == "killed") bad[$1] = add(bad[$1], $3); else err[$1] = add(err[$1], $3) }
$2 == "attack" { tried[$1]++; if ($4 == "caught") caught[$1]++ }
$2 == "learn" && $4 != "ok" { err[$1] = add(err[$1], "learn") }
$2 == "score" { sc[$1, $3] = $4; if ($3 == "current") cur = 1 }
$2 == "var" && $4 == "killed" { kl[++nk] = $1 " / " $3 ": " $5 }
$2 == "attack" && $4 != "caught" { kl[++nk] = $1 " / " $3 " (attack not caught): " $5 }
{ secs += $7 }
END {
	split(labs, lb, "\x1f")
	h = "| program | variations clean / run |"; s = "|---|---:|"
	for (j = 1; j <= nb; j++) { h = h " " lb[j] " |"; s = s "---:|" }
	h = h " attacks caught / tried |"; s = s "---:|"
	if (cur) { h = h " rules | score max / union |" }
	else { h = h " rules none → standard | score max / union, none → standard |" }
	s = s "---:|---:|"
	h = h " false kills in |"; s = s "---|"
	print h; print s
	for (i = 1; i <= n; i++) {
		p = order[i]
		if (cur) {
			r = kv(sc[p, "current"], "rules"); q = kv(sc[p, "current"], "max") " / " kv(sc[p, "current"], "union")
		} else {
			r = kv(sc[p, "none"], "rules") " → " kv(sc[p, "standard"], "rules")
			q = kv(sc[p, "none"], "max") " / " kv(sc[p, "none"], "union") " → " kv(sc[p, "standard"], "max") " / " kv(sc[p, "standard"], "union")
		}
		line = sprintf("| %s | %d / %d |", p, clean[p], run[p])
		for (j = 1; j <= nb; j++) { line = line sprintf(" %d / %d |", bclean[j, p], brun[j, p]); btc[j] += bclean[j, p]; btr[j] += brun[j, p] }
		e = bad[p] ? bad[p] : "—"
		if (err[p]) e = e "; errors: " err[p]
		line = line sprintf(" %d / %d | %s | %s | %s |", caught[p], tried[p], r, q, e)
		print line
		tc += clean[p]; tr += run[p]; ta += caught[p]; tt += tried[p]
	}
	line = sprintf("| **all** | **%d / %d** |", tc, tr)
	for (j = 1; j <= nb; j++) line = line sprintf(" %d / %d |", btc[j], btr[j])
	print line sprintf(" **%d / %d** | | | |", ta, tt)
	if (kills && nk) {
		print ""
		for (i = 1; i <= nk; i++) print "* " kl[i]
	}
}' ${files[@]+"${files[@]}"} "$f"
