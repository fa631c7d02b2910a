# shellcheck shell=bash disable=SC2317,SC2034
# (functions here are called indirectly; MX_WORK is read by the engine)
# nginx (Debian's nginx-light), master + 1 worker on a free loopback port,
# everything under its own prefix directory.  Learned serving 4 KiB pages,
# stopped by sysfence; then another request mix (404, HEAD, ranges) stopped
# by `nginx -s quit`, 200 KiB pages (50x), a client's POST with a body to
# a static page (405: nginx discards the body), the operator signals
# reload and reopen, another LANG/TZ, a stop by sysfence; attacked by the agent (in
# the master) opening a socket and signalling a foreign process.
# mx_nginx_prepare DIR PORT: html/ (index.html 4 KiB, big.html 200 KiB)
# and nginx.conf; MX_NGINX_CMD.  Also used by prog-curl.sh.
mx_nginx_prepare() {
	local d=$1 port=$2
	mkdir -p "$d/html" "$d/logs" "$d/tmp"
	head -c 4096 /dev/zero | tr '\0' 'a' >"$d/html/index.html"
	head -c 204800 /dev/zero | tr '\0' 'b' >"$d/html/big.html"
	cat >"$d/nginx.conf" <<-CONF
	worker_processes 1;
	pid $d/nginx.pid;
	error_log $d/logs/error.log;
	events { worker_connections 64; }
	http {
	    access_log $d/logs/access.log;
	    client_body_temp_path $d/tmp;
	    server {
	        listen 127.0.0.1:$port;
	        root $d/html;
	    }
	}
	CONF
	MX_NGINX_CMD=("$(command -v nginx)" -p "$d" -e "$d/logs/error.log" -c "$d/nginx.conf"
		-g "daemon off; master_process on;")
}

mx_prog_nginx() {
	command -v nginx >/dev/null || { diag "nginx not installed"; return 1; }
	command -v curl >/dev/null || { diag "curl not installed"; return 1; }
	local port
	port=$(sf_free_port 31) || { diag "no free port"; return 1; }
	mx_begin nginx nginx
	mx_nginx_prepare "$MXD" "$port"
	local url=http://127.0.0.1:$port
	_ng_ready() { curl -sf -o /dev/null "$url/index.html"; }
	_ng() { "${MX_NGINX_CMD[@]:0:7}" "$@" >/dev/null 2>&1; }
	_ng_get() { # N PATH
		local i
		for ((i = 0; i < $1; i++)); do
			curl -sf -o /dev/null "$url/$2" || { MX_WORK="GET /$2 failed"; return 1; }
		done
	}
	_ng_quit() {
		_ng -s quit
		mx_wait 20
	}
	# _ng_row TAG MODE WORK STOP [ENV...]: WORK and STOP are functions.
	_ng_row() {
		local tag=$1 mode=$2 work=$3 stop=$4
		shift 4
		MX_WORK=ok
		mx_bg "$tag" "$mode" "$@" -- "${MX_NGINX_CMD[@]}"
		if mx_ready _ng_ready 15; then
			"$work"
			"$stop"
		else
			MX_WORK="nginx did not answer"
			mx_wait 5
		fi
	}
	_w_learn() { _ng_get 30 index.html; }
	_w_mix() {
		_ng_get 5 index.html
		local c
		c=$(curl -s -o /dev/null -w '%{http_code}' "$url/missing.html")
		[[ $c == 404 ]] || MX_WORK="404 expected, got $c"
		curl -sfI "$url/index.html" >/dev/null || MX_WORK="HEAD failed"
		curl -sf -r 100-199 "$url/index.html" | wc -c | grep -qx 100 || MX_WORK="range failed"
		curl -sf -o /dev/null "$url/index.html" -o /dev/null "$url/index.html" || MX_WORK="keep-alive failed"
	}
	_w_big() { _ng_get 30 big.html; }
	_w_post() { # any client may send a body: nginx reads and discards it
		local c
		c=$(head -c 65536 /dev/zero | curl -s -o /dev/null -w '%{http_code}' --data-binary @- "$url/index.html")
		[[ $c == 405 ]] || MX_WORK="405 expected for a POST, got $c"
		_ng_get 2 index.html
	}
	_w_reload() {
		_ng_get 5 index.html
		_ng -s reload || MX_WORK="nginx -s reload failed"
		sleep 1
		_ng_get 5 index.html
		_ng -s reopen || MX_WORK="nginx -s reopen failed"
		sleep 0.5
		_ng_get 5 index.html
	}
	_w_none() { :; }

	_ng_row learn learn _w_learn mx_stop_by_sysfence
	mx_judge_learn learn "learned: 30 GETs of 4 KiB, stopped by sysfence"
	_ng_row mix enforce _w_mix _ng_quit
	mx_judge_var mix mix "another mix: 404, HEAD, range, keep-alive; nginx -s quit"
	_ng_row big enforce _w_big _ng_quit
	mx_judge_var big big "200 KiB pages (50x); nginx -s quit"
	_ng_row post enforce _w_post _ng_quit
	mx_judge_var post post "a client POSTs 64 KiB to a static page (405, body discarded); nginx -s quit"
	_ng_row reload enforce _w_reload _ng_quit
	mx_judge_var reload reload "operator signals: nginx -s reload, -s reopen; -s quit"
	_ng_row lang enforce _w_learn _ng_quit LANG=C.UTF-8 TZ=Europe/Paris
	mx_judge_var lang lang "LANG=C.UTF-8 TZ=Europe/Paris; nginx -s quit"
	_ng_row stop enforce _w_learn mx_stop_by_sysfence
	mx_judge_var stop stop-by-sysfence "the learned workload, stopped by sysfence (SIGTERM)"

	_ng_row socket enforce _w_none _ng_quit SF_MX_ATTACK=socket
	mx_judge_attack socket agent-socket "attack: the agent in the master opens an AF_INET socket (nginx's union has socket)"
	mx_victim
	_ng_row kill enforce _w_none _ng_quit SF_MX_ATTACK=kill "SF_MX_VICTIM=$MX_VICTIM_PID"
	mx_judge_attack kill agent-kill "attack: the agent signals a foreign process (kill SIGTERM)"
	mx_victim_stop
	mx_end
}
