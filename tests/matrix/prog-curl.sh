# shellcheck shell=bash disable=SC2317,SC2034
# (functions here are called indirectly; MX_WORK is read by the engine)
# curl against a local nginx (not enforced): learned fetching a 4 KiB page
# to stdout (a file: curl shows its progress meter); then a 200 KiB page
# (50x), stdout on a terminal (no meter), a pipe, /dev/null, another
# LANG/TZ, another mix (HEAD, 404, two URLs), 3 identical runs; attacked by
# an unknown LD_PRELOAD library that only opens /dev/null (a call curl's
# union has).
mx_prog_curl() {
	local curl port
	curl=$(command -v curl) || { diag "curl not installed"; return 1; }
	command -v nginx >/dev/null || { diag "nginx not installed"; return 1; }
	port=$(sf_free_port 53) || { diag "no free port"; return 1; }
	mx_begin curl curl
	mx_nginx_prepare "$MXD/www" "$port"
	"${MX_NGINX_CMD[@]}" >/dev/null 2>&1 </dev/null &
	local ngpid=$! i url=http://127.0.0.1:$port
	sf_on_exit "sf_stop_pid $ngpid 3"
	for ((i = 0; i < 50; i++)); do
		curl -sf -o /dev/null "$url/index.html" && break
		sleep 0.1
	done
	_mx_curl() { # TAG MODE OUT BYTES [ENV...] -- URL/ARGS...
		local tag=$1 mode=$2 out=$3 bytes=$4 envs=()
		shift 4
		while [[ $1 != -- ]]; do envs+=("$1"); shift; done
		shift
		MX_WORK=ok
		mx_cli "$tag" "$mode" "$out" "${envs[@]}" -- "$curl" "$@"
		if [[ $out != null && $out != tty && $MX_RC -eq 0 ]]; then
			[[ $(wc -c <"$MXD/$tag.out") -ge $bytes ]] || MX_WORK="fewer than $bytes bytes"
		fi
	}
	_mx_curl learn learn file 4096 -- "$url/index.html"
	mx_judge_learn learn "learned: GET 4 KiB to stdout (a file)"
	_mx_curl big enforce file 204800 -- "$url/big.html"
	mx_judge_var big big "GET 200 KiB (50x)"
	_mx_curl tty enforce tty 0 -- "$url/index.html"
	mx_judge_var tty tty "stdout on a terminal (pty)"
	_mx_curl pipe enforce pipe 4096 -- "$url/index.html"
	mx_judge_var pipe pipe "stdout a pipe"
	_mx_curl null enforce null 0 -- "$url/index.html"
	mx_judge_var null null "stdout on /dev/null"
	_mx_curl lang enforce file 4096 LANG=C.UTF-8 TZ=Asia/Tokyo -- "$url/index.html"
	mx_judge_var lang lang "LANG=C.UTF-8 TZ=Asia/Tokyo"
	_mx_curl mix enforce file 4096 -- -I "$url/index.html" "$url/missing" "$url/index.html" -o /dev/null
	[[ $MX_RC -ne 0 ]] || grep -aq '^HTTP/1.1 404' "$MXD/mix.out" || MX_WORK="no 404 in the output"
	mx_judge_var mix mix "another mix: HEAD, a 404, two URLs"
	for i in 1 2 3; do
		_mx_curl "rep$i" enforce file 4096 -- "$url/index.html"
		mx_judge_var "rep$i" "repeat-$i" "identical run $i/3"
	done
	_mx_curl evil enforce file 0 "LD_PRELOAD=$MX_AGENT:$SF_PROGS/libpreload_evil.so" SF_PRELOAD_TARGET=curl -- "$url/index.html"
	mx_judge_attack evil preload-unknown "attack: an unknown LD_PRELOAD library opening /dev/null (in curl's union)"
	sf_stop_pid "$ngpid" 3
	mx_end
}
