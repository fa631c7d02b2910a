#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t090-build-deps - the BPF object is rebuilt when any header it includes
# changes (compiler-generated dependencies, Makefile): a dry run of make
# with that header marked new must compile bpf/sysfence.bpf.c again, while
# the object is otherwise up to date.  No root needed; needs a build.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd make
OBJ=$SF_BUILD/sysfence.bpf.o
[[ -f $OBJ ]] || bail "$OBJ missing: build it first (make)"
HDRS=(bpf/*.h)
# make names targets as the build named them: O=build, not /abs/build
O=$SF_BUILD
[[ $O == "$SF_SRC"/* ]] && O=${O#"$SF_SRC"/}
OBJ=$O/sysfence.bpf.o

plan $((2 + ${#HDRS[@]}))
cd "$SF_SRC" || bail "cannot cd to $SF_SRC"
check "the object has a dependency file" test -s "$O/sysfence.bpf.d"
if make -q O="$O" "$OBJ" 2>/dev/null; then
	ok "the object is up to date when no header changed"
else
	not_ok "the object is up to date when no header changed"
fi
for h in "${HDRS[@]}"; do
	out=$(make -n O="$O" -W "$h" "$OBJ" 2>&1)
	if grep -q -- '-c bpf/sysfence.bpf.c' <<<"$out"; then
		ok "$h changed: the object is rebuilt"
	else
		not_ok "$h changed: the object is rebuilt"
		diag "$out"
	fi
done
done_testing
