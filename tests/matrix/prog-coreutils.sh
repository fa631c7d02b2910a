# shellcheck shell=bash disable=SC2317,SC2034
# (functions here are called indirectly; MX_WORK is read by the engine)
# coreutils/gzip/tar: a shell job (dash running sort, gzip, tar) learned on
# 10,000 lines; then 500,000 lines (50x), stdout on a terminal and on
# /dev/null, LANG=C.UTF-8 (sort collates by locale), 5 identical runs, and
# (known failing by decision) sort spilling to temporary files (-S 64K);
# attacked by the agent in sort attaching ptrace to a foreign process and
# creating a process with clone3.
mx_prog_coreutils() {
	local sh i
	sh=$(command -v dash) || sh=/bin/sh
	mx_begin coreutils sort
	cat >"$MXD/job.sh" <<-'JOB'
	# job.sh INPUT OUTDIR [SORT-BUFFER]
	set -e
	sort ${3:+-S "$3"} -t, -k2 "$1" >"$2/sorted"
	gzip -c "$2/sorted" >"$2/sorted.gz"
	tar -cf "$2/out.tar" -C "$2" sorted sorted.gz
	gzip -dc "$2/sorted.gz" | sort -c -t, -k2
	echo "job: $(wc -l <"$2/sorted") lines sorted"
	JOB
	_mx_input() { # LINES FILE
		awk -v n="$1" 'BEGIN { srand(7); for (i = 0; i < n; i++) printf "%d,%08x%08x,%s\n", i, int(rand() * 4294967295), int(rand() * 4294967295), (i % 3 ? "b" : "Ä") }' >"$2"
	}
	_mx_input 10000 "$MXD/small.csv"
	_mx_input 500000 "$MXD/big.csv"
	_mx_job() { # TAG MODE OUT INPUT LINES [ENV...]; MX_SORTBUF: sort -S
		local tag=$1 mode=$2 out=$3 in=$4 lines=$5
		shift 5
		rm -rf "$MXD/o"
		mkdir -p "$MXD/o"
		MX_WORK=ok
		mx_cli "$tag" "$mode" "$out" "$@" -- "$sh" "$MXD/job.sh" "$in" "$MXD/o" ${MX_SORTBUF:+"$MX_SORTBUF"}
		[[ $MX_RC -ne 0 || -s $MXD/o/out.tar ]] || MX_WORK="no out.tar"
		[[ $out == null || $MX_RC -ne 0 ]] || grep -aq "job: $lines lines" "$MXD/$tag.out" || MX_WORK="no 'job: $lines lines'"
	}
	_mx_job learn learn file "$MXD/small.csv" 10000
	mx_judge_learn learn "learned: 10,000 lines, stdout to a file"
	_mx_job big enforce file "$MXD/big.csv" 500000
	mx_judge_var big big "500,000 lines (50x)"
	_mx_job tty enforce tty "$MXD/small.csv" 10000
	mx_judge_var tty tty "stdout on a terminal (pty)"
	_mx_job null enforce null "$MXD/small.csv" 10000
	mx_judge_var null null "stdout on /dev/null"
	_mx_job pipe enforce pipe "$MXD/small.csv" 10000
	mx_judge_var pipe pipe "stdout a pipe"
	_mx_job lang enforce file "$MXD/small.csv" 10000 LANG=C.UTF-8 TZ=Europe/Paris
	mx_judge_var lang lang "LANG=C.UTF-8 TZ=Europe/Paris"
	for i in 1 2 3 4 5; do
		_mx_job "rep$i" enforce file "$MXD/small.csv" 10000
		mx_judge_var "rep$i" "repeat-$i" "identical run $i/5"
	done
	MX_SORTBUF=64K _mx_job spill enforce file "$MXD/small.csv" 10000
	mx_judge_var spill spill "sort -S 64K: the sort spills to temporary files"
	mx_victim
	_mx_job ptrace enforce file "$MXD/small.csv" 10000 SF_MX_ATTACK=ptrace "SF_MX_VICTIM=$MX_VICTIM_PID"
	mx_judge_attack ptrace agent-ptrace "attack: the agent in sort: ptrace(PTRACE_ATTACH) a foreign process"
	mx_victim_stop
	# sort starts threads: [libc-thread] puts clone3 in the floor; a
	# clone3 that makes a process (no CLONE_VM) from the agent must be
	# stopped before the child exists (the child would create the mark)
	_mx_job fork3 enforce file "$MXD/small.csv" 10000 SF_MX_ATTACK=fork3 "SF_MX_MARK=$MXD/forked"
	mx_judge_attack fork3 agent-fork3 "attack: the agent in sort: clone3 of a new process (in the union: [libc-thread])" "$MXD/forked"

	mx_end
}
