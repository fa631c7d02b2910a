# shellcheck shell=bash disable=SC2317,SC2034
# (functions here are called indirectly; MX_WORK is read by the engine)
# memcached (-u memcache, 2 threads, loopback).  Learned under set/get of
# 500 100-byte values, stopped by sysfence; then another mix (stats,
# incr, append, delete, flush_all), values 50x larger, another LANG/TZ,
# the operator's `lru_crawler metadump all` (a thread that polls the
# client), each stopped with SIGTERM from the operator; a stop by sysfence.
# Attacked by the agent creating a file and mapping executable memory.
mx_prog_memcached() {
	local mc port
	mc=$(command -v memcached) || { diag "memcached not installed"; return 1; }
	port=$(sf_free_port 89) || { diag "no free port"; return 1; }
	mx_begin memcached memcached
	local cmd=("$mc" -l 127.0.0.1 -p "$port" -U 0 -t 2 -m 64 -c 64 -u memcache)
	_mc_ready() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
	_mc_client() { # MODE N SIZE
		timeout 30 python3 "$SF_SRC/tests/matrix/mx_mc.py" "$port" "$@" >"$MXD/client.out" 2>&1 &&
			grep -q 'mc: ok' "$MXD/client.out" || MX_WORK="client $* failed: $(tail -n 1 "$MXD/client.out")"
	}
	_mc_term() { # the operator stops memcached with SIGTERM
		local p
		p=$(pgrep -f -- "-l 127.0.0.1 -p $port " | while read -r q; do
			[[ $(cat "/proc/$q/comm" 2>/dev/null) == memcached ]] && echo "$q"; done | head -n 1)
		[[ -n $p ]] && kill -TERM "$p"
		mx_wait 20
	}
	_mc_row() { # TAG MODE WORK STOP [ENV...]
		local tag=$1 mode=$2 work=$3 stop=$4
		shift 4
		MX_WORK=ok
		mx_bg "$tag" "$mode" "$@" -- "${cmd[@]}"
		if mx_ready _mc_ready 15; then
			"$work"
			"$stop"
		else
			MX_WORK="memcached did not answer"
			mx_wait 5
		fi
	}
	_w_learn() { _mc_client learn 500 100; }
	_w_mix() { _mc_client mix 500 100; }
	_w_big() { _mc_client learn 500 5000; }
	_w_crawler() { _mc_client crawler 500 100; }
	_w_none() { :; }
	_mc_dead() { mx_wait 10; }

	_mc_row learn learn _w_learn mx_stop_by_sysfence
	mx_judge_learn learn "learned: set/get of 500 x 100 B, stopped by sysfence"
	_mc_row mix enforce _w_mix _mc_term
	mx_judge_var mix mix "another mix: stats, incr, append, delete, flush_all; SIGTERM"
	_mc_row big enforce _w_big _mc_term
	mx_judge_var big big "values 50x larger (5,000 B); SIGTERM"
	_mc_row lang enforce _w_learn _mc_term LANG=C.UTF-8 TZ=Europe/Paris
	mx_judge_var lang lang "LANG=C.UTF-8 TZ=Europe/Paris; SIGTERM"
	_mc_row crawler enforce _w_crawler _mc_term
	mx_judge_var crawler crawler "lru_crawler metadump all (the crawler thread polls the client); SIGTERM"
	_mc_row stop enforce _w_learn mx_stop_by_sysfence
	mx_judge_var stop stop-by-sysfence "the learned workload, stopped by sysfence (SIGTERM)"

	rm -f "$MXD/created"
	_mc_row creat enforce _w_none _mc_dead SF_MX_ATTACK=creat "SF_MX_MARK=$MXD/created"
	mx_judge_attack creat agent-creat "attack: the agent (it only read) creates a file"
	_mc_row wx enforce _w_none _mc_dead SF_MX_ATTACK=wx
	mx_judge_attack wx agent-wx "attack: the agent maps PROT_EXEC memory"
	mx_end
}
