#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# bench/profile.sh - where does a tracked syscall's time go?  Builds private
# variants of bpf/sysfence.bpf.c that return early from sf_sys_enter at
# successive stages (bpf/ itself is not touched), links a sysfence per
# variant under $BUILD/bench/profile/, and times the getppid loop launched
# under `learn` with each, round-robin, medians.  Stage cost = difference
# between consecutive variants.  Optionally (--perf) samples the full
# variant with `perf record -a -g` and prints the top kernel symbols.
#
#   bench/profile.sh [--build DIR] [--reps N] [--n CALLS] [--perf]
#
# Variants (cut points found by text; a cut that no longer matches the
# source is reported and skipped):
#   tracked   after the tracked-process lookup, config read and stat
#   prep      before the per-thread unwind cache (asid logic, regs copy)
#   attrib    before read_args: cache lookup + unwind on a miss
#   full      the object as committed (count the tuple)
set -u

cd "$(dirname "$0")/.." || exit 1
SRC=$PWD
BUILD=build
REPS=5
N=300000
PERF=0
while (($#)); do
	case $1 in
	--build) BUILD=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--n) N=$2; shift ;;
	--perf) PERF=1 ;;
	*) sed -n '4,14p' "$0" >&2; exit 2 ;;
	esac
	shift
done
BUILD=$(cd "$BUILD" && pwd) || exit 1
P=$BUILD/bench/profile
LOOP=$BUILD/bench/sf-bench-loop
mkdir -p "$P"
CLANG=${CLANG:-clang}
PKGS="libbpf libelf libdw libseccomp libcjson libzstd"

declare -A CUT=(
	[tracked]='^\tstat_inc\(SF_STAT_SYSCALLS\);$|after'
	[prep]='^\tif \(uc\) \{$|before'
	[attrib]='^\tread_args\(regs, nr, args\);$|before'
	[full]='|'
)
VARIANTS=(tracked prep attrib full)

build_variant() { # NAME
	local v=$1 d=$P/$1 re where
	re=${CUT[$v]%|*}
	where=${CUT[$v]#*|}
	mkdir -p "$d"
	if [[ -n $re ]]; then
		# Insert "return 0;" at the first match inside sf_sys_enter.
		awk -v re="$re" -v where="$where" '
			# the tracked path lives in on_tracked_call (defined first)
			/^(int BPF_PROG\(sf_sys_enter|static __noinline int on_tracked_call)/ { inside = 1 }
			inside && !done && $0 ~ re {
				if (where == "before") print "\treturn 0; /* bench/profile.sh cut */"
				print
				if (where == "after") print "\treturn 0; /* bench/profile.sh cut */"
				done = 1; next
			}
			{ print }
			END { if (!done) exit 3 }' "$SRC/bpf/sysfence.bpf.c" >"$d/sysfence.bpf.c" || {
			echo "profile: cut '$v' ($re) not found in bpf/sysfence.bpf.c: skipped" >&2
			return 1
		}
	else
		cp "$SRC/bpf/sysfence.bpf.c" "$d/sysfence.bpf.c"
	fi
	cp "$SRC"/bpf/*.h "$d/"
	# Same flags as the Makefile; unreachable code after the cut is fine.
	# shellcheck disable=SC2015,SC2046,SC2086 # pkg-config output is a word list
	$CLANG -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -I"$BUILD" -I"$d" -Wno-unreachable-code \
		-Wno-unused-function -c "$d/sysfence.bpf.c" -o "$d/sysfence.bpf.tmp.o" &&
		llvm-strip -g "$d/sysfence.bpf.tmp.o" -o "$d/sysfence.bpf.o" &&
		bpftool gen skeleton "$d/sysfence.bpf.o" name sysfence_bpf >"$d/sysfence.skel.h" &&
		gcc -O2 -g -std=gnu11 -D_GNU_SOURCE -I"$d" -I"$BUILD" -Ibpf -Ilearner -Itracer \
			$(pkg-config --cflags $PKGS) "$SRC"/tracer/*.c "$BUILD/liblearner.a" \
			$(pkg-config --libs $PKGS) -lpthread -o "$d/sysfence" 2>"$d/cc.err" || {
		echo "profile: building variant '$v' failed" >&2
		tail -n 5 "$d/cc.err" >&2
		return 1
	}
}

built=()
for v in "${VARIANTS[@]}"; do
	build_variant "$v" && built+=("$v")
done
((${#built[@]})) || exit 1

run_one() { # VARIANT -> ns
	local v=$1 out
	if [[ $v == none ]]; then
		out=$("$LOOP" getppid "$N")
	else
		rm -f "$P/l.json"
		out=$("$P/$v/sysfence" learn -q --trace "$P/l.trace.zst" --policy "$P/l.json" \
			-- "$LOOP" getppid "$N" 2>/dev/null)
	fi
	grep -o 'ns_per_syscall=[0-9.]*' <<<"$out" | cut -d= -f2
}

: >"$P/raw.tsv"
cfgs=(none "${built[@]}")
for ((r = 1; r <= REPS; r++)); do
	for ((i = 0; i < ${#cfgs[@]}; i++)); do
		c=${cfgs[(i + r) % ${#cfgs[@]}]}
		printf '%s\t%s\n' "$c" "$(run_one "$c")" >>"$P/raw.tsv"
	done
done

echo "getppid under learn, variants of sf_sys_enter cut early ($REPS reps, medians, ns/call):"
printf '%-10s %8s %8s %8s\n' variant ns added stage
prev=
for c in "${cfgs[@]}"; do
	med=$(awk -F'\t' -v c="$c" '$1 == c && $2 != "" { print $2 }' "$P/raw.tsv" | sort -n |
		awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
	[[ $c == none ]] && base=$med
	printf '%-10s %8.0f %+8.0f %+8.0f\n' "$c" "${med:-0}" "$(awk "BEGIN { print ${med:-0} - ${base:-0} }")" \
		"$(awk "BEGIN { print ${med:-0} - ${prev:-$base} }")"
	prev=$med
done

if ((PERF)) && command -v perf >/dev/null; then
	echo
	echo "perf record -a -g, full variant, getppid loop (top symbols, self time):"
	perf record -q -a -g -o "$P/perf.data" -- "$P/full/sysfence" learn -q --trace "$P/l.trace.zst" \
		--policy "$P/l.json" -- "$LOOP" getppid "$N" >/dev/null 2>&1
	perf report -i "$P/perf.data" --no-children --sort sym --comm sf-bench-loop --stdio 2>/dev/null |
		grep -E '^ +[0-9]' | head -n 30
fi
