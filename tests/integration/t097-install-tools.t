#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t097-install-tools - `make install` into a DESTDIR (default PREFIX and
# PREFIX=/usr): exactly one file, mode 0755, identical to the build's
# sysfence, and it runs.  The build is never remade here (make -o).  Also
# `sysfence version` and `sysfence help`, which no other file runs.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd make cmp
need_sysfence
sf_tmpdir

plan 3

# install_into NAME [PREFIX=...]: make install DESTDIR=$SF_TMP/NAME; prints
# the files installed, relative to DESTDIR.
install_into() {
	local d=$SF_TMP/$1
	shift
	make -C "$SF_SRC" --no-print-directory -o "$SF" O="$SF_BUILD" DESTDIR="$d" "$@" install \
		>"$d.log" 2>&1 || { diag_file "$d.log"; return 1; }
	(cd "$d" && find . -type f | sed 's|^\.||')
}
for v in "default /usr/local/bin/sysfence" "usr /usr/bin/sysfence PREFIX=/usr"; do
	read -r name want extra <<<"$v"
	mkdir -p "$SF_TMP/$name"
	# shellcheck disable=SC2086 # extra is one word or none
	files=$(install_into "$name" $extra)
	f=$SF_TMP/$name$want
	if [[ $files == "$want" ]] && [[ $(stat -c %a "$f") == 755 ]] && cmp -s "$f" "$SF" &&
		"$f" --help >/dev/null 2>&1; then
		ok "make install DESTDIR ${extra:-(default PREFIX)}: only $want, mode 0755, the build's binary, runs"
	else
		not_ok "make install DESTDIR ${extra:-(default PREFIX)}: only $want, mode 0755, the build's binary, runs"
		diag "installed: $(echo "$files" | paste -sd' ')"
		[[ -e $f ]] && diag "mode $(stat -c %a "$f")"
	fi
done

# `version` and `help`, the two commands no other file runs (so that CI's
# sanitized pass runs every command at least once).
v=$("$SF" version 2>&1)
vrc=$?
h=$("$SF" help 2>&1)
hrc=$?
if [[ $vrc -eq 0 && $v =~ ^sysfence\ [0-9]+\.[0-9]+\.[0-9]+\ \(trace\ format\ [0-9]+,\ policy\ version\ [0-9]+\)$ &&
	$hrc -eq 0 && $h == "Usage: sysfence COMMAND"* && $h == *"learn "*"enforce "* ]]; then
	ok "sysfence version ($v) and sysfence help (usage, the commands) exit 0"
else
	not_ok "sysfence version and sysfence help exit 0 with their output"
	diag "version (exit $vrc): $v"
	diag "help (exit $hrc): $(head -n 3 <<<"$h")"
fi

done_testing
