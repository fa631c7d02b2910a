#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t098-nginx - a real nginx learn/enforce round trip (root, real BPF):
# nginx (master + 1 worker, daemon off) on a free loopback port serves a
# static file; learned while it serves requests (a GET checked byte for
# byte, then wrk for 2 s); stopped by QUIT; the policy charges accept4 and
# epoll_wait to nginx's executable.  Then enforced on the same
# configuration: the same GET and wrk load, zero violations, no seccomp
# floor kill, nginx exits 0 on QUIT and sysfence exits 0.
# Synchronisation: the port accepting connections, nginx's pid file, process
# exit; every wait has a deadline.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout nginx wrk cmp
need_sysfence
sf_tmpdir
chmod 755 "$SF_TMP" # nginx's worker runs as nobody
NGINX=$(realpath -- "$(command -v nginx)")
PORT=$(sf_free_port 98) || bail "no free loopback port in 7000-7999"
W=$SF_TMP/nginx
mkdir -p "$W/www"
head -c 4096 /dev/urandom | base64 -w 76 | head -c 4096 >"$W/www/index.html"
chmod -R a+rX "$W"
cat >"$W/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $W/nginx.pid;
error_log $W/error.log;
events { worker_connections 256; }
http {
    access_log off;
    sendfile on;
    server {
        listen 127.0.0.1:$PORT;
        root $W/www;
    }
}
EOF

plan 6

sf_pid=
# shellcheck disable=SC2317 # called from the EXIT trap
stop_all() {
	local m
	m=$(cat "$W/nginx.pid" 2>/dev/null)
	[[ -n $m ]] && sf_pid_is "$m" nginx && kill -QUIT "$m" 2>/dev/null
	[[ -n $sf_pid ]] && sf_stop_pid "$sf_pid" 5
	return 0
}
sf_on_exit stop_all

# serve NAME MODE [OPTS...]: sysfence MODE (learn or enforce) nginx in the
# background, wait until the port accepts (deadline 20 s), GET the file
# and compare it, run wrk for 2 s, QUIT the master (from its pid file) and
# wait for sysfence (deadline 30 s).  Sets got (GET ok/bad), reqs (wrk
# requests), rc (sysfence status).
serve() {
	local name=$1 mode=$2 i master
	shift 2
	rm -f "$W/nginx.pid"
	if [[ $mode == learn ]]; then
		"$SF" learn -q --duration 60s "$@" -- "$NGINX" -c "$W/nginx.conf" \
			>"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err" &
	else
		"$SF" enforce --duration 60s "$@" -- "$NGINX" -c "$W/nginx.conf" \
			>"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err" &
	fi
	sf_pid=$!
	got=down reqs=0 rc=
	for ((i = 0; i < 200; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && { got=up; break; }
		kill -0 "$sf_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [[ $got == up ]]; then
		# HTTP/1.0 GET over bash's /dev/tcp: the body must be the file
		exec 4<>"/dev/tcp/127.0.0.1/$PORT"
		printf 'GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n' >&4
		timeout 10 cat <&4 >"$SF_TMP/$name.http"
		exec 4<&-
		sed '1,/^\r$/d' "$SF_TMP/$name.http" >"$SF_TMP/$name.body"
		cmp -s "$SF_TMP/$name.body" "$W/www/index.html" && got=ok || got=bad
		reqs=$(timeout 40 wrk -t1 -c8 -d2s "http://127.0.0.1:$PORT/index.html" 2>&1 |
			sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p')
	fi
	for ((i = 0; i < 50; i++)); do
		[[ -s $W/nginx.pid ]] && break
		sleep 0.1
	done
	master=$(cat "$W/nginx.pid" 2>/dev/null)
	[[ -n $master ]] && kill -QUIT "$master" 2>/dev/null
	sf_wait_pid "$sf_pid" 30
	rc=$?
	[[ $rc -eq 124 ]] && sf_stop_pid "$sf_pid" 5
	sf_pid=
}

# ---- learn --------------------------------------------------------------------------
P=$SF_TMP/nginx.json
serve learn learn --trace "$SF_TMP/nginx.trace.zst" --policy "$P"
if [[ $got == ok && ${reqs:-0} -gt 0 && $rc -eq 0 ]] &&
	grep -q '^sysfence: target [0-9]* exited with status 0$' "$SF_TMP/learn.err"; then
	ok "learn nginx: GET served the file, wrk made $reqs requests, QUIT ends nginx (0) and learn (0)"
else
	not_ok "learn nginx: GET served the file, wrk made requests, QUIT ends nginx and learn"
	diag "GET: $got; wrk requests: ${reqs:-none}; sysfence exit $rc"
	diag_file "$SF_TMP/learn.err"
	diag_file "$W/error.log"
fi
is "$(sf_lib_kind "$P" "$NGINX")" executable "policy lists $NGINX as the executable"
if sf_lib_has "$P" "$NGINX" accept4 && sf_lib_has "$P" "$NGINX" epoll_wait; then
	ok "accept4 and epoll_wait charged to nginx's executable"
else
	not_ok "accept4 and epoll_wait charged to nginx's executable"
	diag "accept4 under: $(sf_libs_with "$P" accept4 | paste -sd' '); epoll_wait under: $(sf_libs_with "$P" epoll_wait | paste -sd' ')"
fi

# ---- enforce ------------------------------------------------------------------------
serve enforce enforce "$P"
if [[ $got == ok && ${reqs:-0} -gt 0 ]]; then
	ok "enforce nginx: GET served the file, wrk made $reqs requests"
else
	not_ok "enforce nginx: GET served the file, wrk made requests"
	diag "GET: $got; wrk requests: ${reqs:-none}"
	diag_file "$SF_TMP/enforce.err"
	diag_file "$W/error.log"
fi
if [[ $rc -eq 0 ]] && ! grep -q 'VIOLATION\|was killed by the seccomp floor' "$SF_TMP/enforce.err"; then
	ok "enforce nginx: zero violations, no seccomp-floor kill (sysfence exit 0)"
else
	not_ok "enforce nginx: zero violations, no seccomp-floor kill (sysfence exit $rc)"
	diag_file "$SF_TMP/enforce.err"
fi
if grep -q '^sysfence: target [0-9]* exited with status 0$' "$SF_TMP/enforce.err"; then
	ok "enforce nginx: nginx exited 0 after QUIT"
else
	not_ok "enforce nginx: nginx exited 0 after QUIT"
	diag_file "$SF_TMP/enforce.err"
fi

done_testing
