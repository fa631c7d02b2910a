# shellcheck shell=bash disable=SC2317,SC2034
# (functions here are called indirectly; MX_WORK is read by the engine)
# node: tests/matrix/mx_node.js (files, crypto, zlib, JSON, timers) learned
# with N=2,000; then N=100,000 (50x), stdout on a terminal and on
# /dev/null, another LANG/TZ; attacked by the agent mapping executable
# memory (node's JIT does, the agent never did).
mx_prog_node() {
	local node i
	node=$(command -v node) || node=$(command -v nodejs) || { diag "node not installed"; return 1; }
	node=$(realpath -- "$node")
	mx_begin node node
	_mx_node() { # TAG MODE OUT N [ENV...]
		local tag=$1 mode=$2 out=$3 n=$4
		shift 4
		MX_WORK=ok
		mx_cli "$tag" "$mode" "$out" "$@" -- "$node" "$SF_SRC/tests/matrix/mx_node.js" "$n" "$MXD"
		[[ $out == null || $MX_RC -ne 0 ]] || grep -aq "node: $n rows" "$MXD/$tag.out" || MX_WORK="no 'node: $n rows'"
	}
	_mx_node learn learn file 2000
	mx_judge_learn learn "learned: mx_node.js 2,000, stdout to a file"
	_mx_node big enforce file 100000
	mx_judge_var big big "100,000 rows (50x)"
	_mx_node tty enforce tty 2000
	mx_judge_var tty tty "stdout on a terminal (pty)"
	_mx_node null enforce null 2000
	mx_judge_var null null "stdout on /dev/null"
	_mx_node pipe enforce pipe 2000
	mx_judge_var pipe pipe "stdout a pipe"
	_mx_node lang enforce file 2000 LANG=C.UTF-8 TZ=America/New_York
	mx_judge_var lang lang "LANG=C.UTF-8 TZ=America/New_York"
	for i in 1 2 3; do
		_mx_node "rep$i" enforce file 2000
		mx_judge_var "rep$i" "repeat-$i" "identical run $i/3"
	done
	_mx_node wx enforce file 10 SF_MX_ATTACK=wx
	mx_judge_attack wx agent-wx "attack: the agent maps PROT_EXEC memory (node's JIT may, the agent never did)"
	mx_end
}
