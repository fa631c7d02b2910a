#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# scripts/matrix-table.sh RESULTS.tsv [--kills] - the README's matrix table
# from the results file of tests/integration/t100-matrix.t (columns: PROG
# KIND ID STATUS DETAIL DESC; see tests/matrix/engine.sh).  One row per
# program: variations clean / run, attacks caught / tried, rules and
# privilege score (most privileged unit / process-wide union) with
# --generalize none and standard (or "as learned" when the build has no
# --generalize).  --kills adds the list of false kills (first violation
# of each killed row) and missed attacks.
set -u
f=${1:?usage: matrix-table.sh RESULTS.tsv [--kills]}
[[ -r $f ]] || { echo "sysfence: error: cannot read $f" >&2; exit 1; }
awk -F'\t' -v kills="${2:-}" '
function kv(s, k,   m) { return match(s, k "=[0-9]+") ? substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1) : "?" }
!($1 in seen) { seen[$1] = 1; order[++n] = $1 }
$2 == "var" { run[$1]++; if ($4 == "clean") clean[$1]++; else if ($4 == "killed") bad[$1] = bad[$1] (bad[$1] ? ", " : "") $3 }
$2 == "var" && $4 == "error" { err[$1] = err[$1] (err[$1] ? ", " : "") $3 }
$2 == "attack" { tried[$1]++; if ($4 == "caught") caught[$1]++; else missed[$1] = missed[$1] (missed[$1] ? ", " : "") $3 }
$2 == "learn" && $4 != "ok" { err[$1] = err[$1] (err[$1] ? ", " : "") "learn" }
$2 == "score" { sc[$1, $3] = $4; if ($3 == "current") cur = 1 }
$2 == "var" && $4 == "killed" { kl[++nk] = $1 " / " $3 ": " $5 }
$2 == "attack" && $4 != "caught" { kl[++nk] = $1 " / " $3 " (attack missed): " $5 }
END {
	if (cur) {
		print "| program | variations clean / run | attacks caught / tried | rules (as learned) | score max / union | false kills in | errors |"
		print "|---|---:|---:|---:|---:|---|---|"
	} else {
		print "| program | variations clean / run | attacks caught / tried | rules none → standard | score max / union, none → standard | false kills in | errors |"
		print "|---|---:|---:|---:|---:|---|---|"
	}
	for (i = 1; i <= n; i++) {
		p = order[i]
		if (cur) {
			r = kv(sc[p, "current"], "rules"); s = kv(sc[p, "current"], "max") " / " kv(sc[p, "current"], "union")
		} else {
			r = kv(sc[p, "none"], "rules") " → " kv(sc[p, "standard"], "rules")
			s = kv(sc[p, "none"], "max") " / " kv(sc[p, "none"], "union") " → " kv(sc[p, "standard"], "max") " / " kv(sc[p, "standard"], "union")
		}
		printf "| %s | %d / %d | %d / %d | %s | %s | %s | %s |\n", p, clean[p], run[p], caught[p], tried[p], r, s, bad[p] ? bad[p] : "—", err[p] ? err[p] : "—"
		tc += clean[p]; tr += run[p]; ta += caught[p]; tt += tried[p]
	}
	printf "| **all** | **%d / %d** | **%d / %d** | | | | |\n", tc, tr, ta, tt
	if (kills == "--kills" && nk) {
		print ""
		for (i = 1; i <= nk; i++) print "* " kl[i]
	}
}' "$f"
