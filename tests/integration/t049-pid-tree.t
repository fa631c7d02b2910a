#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t049-pid-tree - --pid covers the running tree (issue 12): a real nginx
# (master + 2 workers, started before sysfence) is learned and enforced
# through the master's pid; the existing workers are followed.  The
# attached binary is kind "executable"; a learn that records nothing fails
# instead of writing an empty policy.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq timeout nginx
need_sysfence
NGINX=$(command -v nginx)
NGINX=$(realpath -- "$NGINX")
sf_tmpdir
chmod 755 "$SF_TMP" # nginx's workers run as nobody: index.html must be readable

plan 6

PORT=$(sf_free_port 49) || bail "no free port"
NG=$SF_TMP/nginx
mkdir -p "$NG/logs" "$NG/html" "$NG/tmp"
echo hello >"$NG/html/index.html"
cat >"$NG/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $NG/nginx.pid;
error_log $NG/logs/error.log;
events { worker_connections 64; }
http {
  access_log $NG/logs/access.log;
  client_body_temp_path $NG/tmp; proxy_temp_path $NG/tmp; fastcgi_temp_path $NG/tmp;
  uwsgi_temp_path $NG/tmp; scgi_temp_path $NG/tmp;
  server { listen 127.0.0.1:$PORT; root $NG/html; }
}
CONF

BG=()
# shellcheck disable=SC2317 # called from the EXIT trap
stop_bg() {
	local p
	for p in "${BG[@]}"; do
		sf_stop_pid "$p" 2
	done
	return 0
}
sf_on_exit stop_bg

# get: one HTTP request (bash's /dev/tcp: no client to install); 0 on "hello".
get() {
	timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && cat <&3" 2>/dev/null |
		grep -q hello
}

"$NGINX" -p "$NG" -c "$NG/nginx.conf" -e "$NG/logs/error.log" >"$NG/out" 2>&1 &
MASTER=$!
BG+=("$MASTER")
for _ in $(seq 50); do
	get && break
	sleep 0.1
done
get || bail "nginx did not serve index.html on port $PORT within 5 s (see $NG/logs/error.log)"
mapfile -t WORKERS < <(ps --ppid "$MASTER" -o pid= | tr -d ' ')
# the workers too: when the master dies first (killed for a violation) they
# are orphans that no one else stops
for w in "${WORKERS[@]}"; do
	sf_on_exit "sf_pid_is $w nginx && kill -KILL $w"
done
[[ ${#WORKERS[@]} -eq 2 ]] || bail "nginx did not start 2 workers (got '${WORKERS[*]}')"
diag "nginx master $MASTER, workers ${WORKERS[*]}, port $PORT"

# ---- 1-3: learn --pid MASTER --------------------------------------------------------------------
P=$SF_TMP/nginx.json
(
	# requests once sysfence is attached (loading the BPF object takes a
	# moment)
	for _ in $(seq 100); do
		grep -q 'learning pid' "$SF_TMP/learn.err" 2>/dev/null && break
		sleep 0.1
	done
	for _ in $(seq 10); do
		get
		sleep 0.1
	done
) &
LOAD=$!
timeout 60 "$SF" learn --pid "$MASTER" --duration 5 --policy "$P" --trace "$SF_TMP/n.trace.zst" \
	>"$SF_TMP/learn.out" 2>"$SF_TMP/learn.err"
rc=$?
wait "$LOAD"
diag "$(grep 'existing descendant' "$SF_TMP/learn.err")"
if [[ $rc -eq 0 ]] && grep -q "learning pid $MASTER .* and its 2 existing descendant(s)" "$SF_TMP/learn.err"; then
	ok "learn --pid MASTER: attached to the master and its 2 existing workers"
else
	not_ok "learn --pid MASTER: attached to the master and its 2 existing workers"
	diag "status $rc"
	diag_file "$SF_TMP/learn.err"
fi
# Only workers accept connections and read requests.
if sf_lib_has "$P" "$NGINX" accept4 && sf_lib_has "$P" "$NGINX" recvfrom; then
	ok "the existing workers' calls were recorded (accept4, recvfrom)"
else
	not_ok "the existing workers' calls were recorded (accept4, recvfrom)"
	diag "$(jq -c '[.sysfence.libraries[] | {path, kind, n: [.syscalls[].names[]]}]' "$P" 2>&1)"
fi
is "$(sf_lib_kind "$P" "$NGINX")" executable "the attached binary has kind executable"

# ---- 4-5: enforce --pid MASTER checks the existing workers -----------------------------------------
"$SF" enforce --duration 8s --deny "$NGINX:accept4" "$P" --pid "$MASTER" \
	>"$SF_TMP/enf.out" 2>"$SF_TMP/enf.err" &
SFP=$!
BG+=("$SFP")
for _ in $(seq 50); do
	grep -q 'enforcing' "$SF_TMP/enf.err" 2>/dev/null && break
	sleep 0.1
done
get
sf_wait_pid "$SFP" 15
rc=$?
line=$(grep -a 'sysfence: VIOLATION' "$SF_TMP/enf.err" | head -n 1)
diag "$line"
vpid=$(sed -n 's/.* pid \([0-9]*\) tid .*/\1/p' <<<"$line")
if [[ -n $vpid && ( $vpid == "${WORKERS[0]}" || $vpid == "${WORKERS[1]}" ) && $line == *"accept4("*"-> killed" ]] &&
	grep -q "its 2 existing descendant(s)" "$SF_TMP/enf.err"; then
	ok "enforce --pid MASTER: a worker that existed before the attach is judged and killed"
else
	not_ok "enforce --pid MASTER: a worker that existed before the attach is judged and killed"
	diag_file "$SF_TMP/enf.err"
fi
is "$rc" 3 "enforce --pid: status 3 after the violation"

# ---- 6: nothing recorded -> no policy ----------------------------------------------------------------
sleep 30 &
IDLE=$!
BG+=("$IDLE")
sleep 0.2
timeout 30 "$SF" learn --pid "$IDLE" --duration 1 --policy "$SF_TMP/idle.json" \
	--trace "$SF_TMP/idle.trace.zst" >"$SF_TMP/idle.out" 2>"$SF_TMP/idle.err"
rc=$?
if [[ $rc -eq 1 && ! -e $SF_TMP/idle.json ]] && grep -q 'nothing was recorded' "$SF_TMP/idle.err"; then
	ok "learn --pid of an idle process: 'nothing was recorded', status 1, no policy written"
else
	not_ok "learn --pid of an idle process: 'nothing was recorded', status 1, no policy written"
	diag "status $rc"
	diag_file "$SF_TMP/idle.err"
fi

done_testing
