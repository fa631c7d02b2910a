# shellcheck shell=bash disable=SC2317,SC2034
# (functions here are called indirectly; MX_WORK is read by the engine)
# python3 (Debian's /usr/bin/python3): tests/matrix/mx_py.py (sqlite3,
# hashlib, zlib, ctypes, subprocess, threads) learned with N=2,000; then
# N=100,000 (50x), stdout on a terminal and on /dev/null, another LANG/TZ,
# 5 identical runs, a stdlib command-line tool (python3 -m json.tool:
# argparse asks the terminal's width); attacked by the agent exec'ing a shell.
mx_prog_python3() {
	local py=/usr/bin/python3 i
	[[ -x $py ]] || { diag "/usr/bin/python3 not installed"; return 1; }
	mx_begin python3 python3
	_mx_py() { # TAG MODE OUT N [ENV...]
		local tag=$1 mode=$2 out=$3 n=$4
		shift 4
		MX_WORK=ok
		rm -f "$MXD"/py.db*
		mx_cli "$tag" "$mode" "$out" PYTHONDONTWRITEBYTECODE=1 "$@" -- "$py" "$SF_SRC/tests/matrix/mx_py.py" "$n" "$MXD"
		[[ $out == null || $MX_RC -ne 0 ]] || grep -aq "py: $n rows" "$MXD/$tag.out" || MX_WORK="no 'py: $n rows'"
	}
	_mx_py learn learn file 2000
	mx_judge_learn learn "learned: mx_py.py 2,000, stdout to a file"
	_mx_py big enforce file 100000
	mx_judge_var big big "100,000 rows (50x)"
	_mx_py tty enforce tty 2000
	mx_judge_var tty tty "stdout on a terminal (pty)"
	_mx_py null enforce null 2000
	mx_judge_var null null "stdout on /dev/null"
	_mx_py pipe enforce pipe 2000
	mx_judge_var pipe pipe "stdout a pipe"
	_mx_py lang enforce file 2000 LANG=C.UTF-8 TZ=Asia/Tokyo
	mx_judge_var lang lang "LANG=C.UTF-8 TZ=Asia/Tokyo"
	MX_WORK=ok
	echo '{"b": [1, 2], "a": "x"}' >"$MXD/in.json"
	# from the directory the learning run wrote in: -m also searches the
	# current directory, which elsewhere is a path the policy never read
	cd "$MXD" || bail "cd $MXD"
	mx_cli argparse enforce file PYTHONDONTWRITEBYTECODE=1 -- "$py" -m json.tool --sort-keys "$MXD/in.json"
	cd "$OLDPWD" || bail "cd back"
	grep -aq '"a": "x"' "$MXD/argparse.out" || MX_WORK="json.tool printed no key a"
	mx_judge_var argparse argparse "python3 -m json.tool (argparse: ioctl(TIOCGWINSZ) on stdout)"
	for i in 1 2 3 4 5; do
		_mx_py "rep$i" enforce file 2000
		mx_judge_var "rep$i" "repeat-$i" "identical run $i/5"
	done
	rm -f "$MXD/pwned"
	_mx_py exec enforce file 10 SF_MX_ATTACK=exec "SF_MX_MARK=$MXD/pwned"
	mx_judge_attack exec agent-exec "attack: the agent execs /bin/sh (python3 itself may exec)" "$MXD/pwned"
	mx_end
}
