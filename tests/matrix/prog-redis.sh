# shellcheck shell=bash disable=SC2317,SC2034
# (functions here are called indirectly; MX_WORK is read by the engine)
# redis-server, from a config file in its own directory, on a free
# loopback port.  Learned with MODULE LOAD of a harmless module and
# redis-benchmark -t set,get -d 64, stopped by sysfence; then another
# command mix (lpush, lrange, sadd, hset) and values 50x larger (-d 3200),
# both stopped with SHUTDOWN NOSAVE; the operator commands CONFIG REWRITE
# and BGSAVE; another LANG/TZ; a stop by sysfence.  Attacked with MODULE
# LOAD of a module that execs, the learned module exec'ing, the agent
# signalling a foreign process, and an unknown LD_PRELOAD library.
mx_prog_redis() {
	local server port
	server=$(command -v redis-server) || { diag "redis-server not installed"; return 1; }
	command -v redis-cli >/dev/null && command -v redis-benchmark >/dev/null ||
		{ diag "redis-tools not installed"; return 1; }
	port=$(sf_free_port 67) || { diag "no free port"; return 1; }
	mx_begin redis redis-server
	local hello evil
	hello=$(realpath -- "$SF_PROGS/redis_module_hello.so")
	evil=$(realpath -- "$SF_PROGS/redis_module_evil.so")
	cat >"$MXD/redis.conf" <<-CONF
	port $port
	bind 127.0.0.1
	save ""
	appendonly no
	daemonize no
	dir $MXD
	logfile $MXD/redis.log
	enable-module-command yes
	CONF
	_rc() { timeout 10 redis-cli -p "$port" "$@" 2>&1; }
	_rd_ready() { [[ $(_rc ping) == PONG ]]; }
	_rd_bench() { # ARGS...
		timeout 60 redis-benchmark -q -p "$port" -c 10 "$@" >"$MXD/bench.out" 2>&1 ||
			MX_WORK="redis-benchmark $* failed"
	}
	_rd_module() { [[ $(_rc module load "$hello") == OK ]] || MX_WORK="MODULE LOAD failed"; }
	_rd_shutdown() {
		_rc shutdown nosave >/dev/null
		mx_wait 20
	}
	_rd_row() { # TAG MODE WORK STOP [ENV...]
		local tag=$1 mode=$2 work=$3 stop=$4
		shift 4
		MX_WORK=ok
		rm -f "$MXD/dump.rdb" # every row starts empty, as learning did
		mx_bg "$tag" "$mode" "$@" -- "$server" "$MXD/redis.conf"
		if mx_ready _rd_ready 15; then
			"$work"
			"$stop"
		else
			MX_WORK="redis did not answer"
			mx_wait 5
		fi
	}
	_w_learn() { _rd_module; _rd_bench -n 5000 -t set,get -d 64; }
	_w_mix() { _rd_module; _rd_bench -n 3000 -t lpush,lrange,sadd,hset -d 64; }
	_w_big() { _rd_module; _rd_bench -n 3000 -t set,get -d 3200; }
	_w_ops() {
		local i
		_rd_module
		_rd_bench -n 2000 -t set,get -d 64
		[[ $(_rc config rewrite) == OK ]] || MX_WORK="CONFIG REWRITE failed"
		_rc bgsave >/dev/null
		for ((i = 0; i < 100; i++)); do
			_rc info persistence | grep -q 'rdb_bgsave_in_progress:0' && break
			sleep 0.1
		done
		_rc info persistence | grep -q 'rdb_last_bgsave_status:ok' || MX_WORK="BGSAVE failed"
	}
	_w_none() { :; }
	# The module is either killed with redis, or its loading is denied
	# before it has any effect (a Landlock floor refusing to open a file
	# learning never opened): then redis lives on and is shut down.
	_rd_after_attack() {
		sf_wait_pid "$MX_SF_PID" 5
		MX_RC=$?
		[[ $MX_RC -eq 124 ]] || return 0
		_rc shutdown nosave >/dev/null
		mx_wait 20
	}
	_w_evil() { _rc module load "$evil" "$MXD/pwned-evil" >/dev/null; _rd_after_attack; }
	_w_hello_exec() { _rc module load "$hello" exec "$MXD/pwned-hello" >/dev/null; _rd_after_attack; }
	_rd_dead() { mx_wait 10; }

	_rd_row learn learn _w_learn mx_stop_by_sysfence
	mx_judge_learn learn "learned: MODULE LOAD + redis-benchmark -t set,get -d 64, stopped by sysfence"
	_rd_row mix enforce _w_mix _rd_shutdown
	mx_judge_var mix mix "another mix: lpush,lrange,sadd,hset; SHUTDOWN NOSAVE"
	_rd_row big enforce _w_big _rd_shutdown
	mx_judge_var big big "values 50x larger (-d 3200); SHUTDOWN NOSAVE"
	cp "$MXD/redis.conf" "$MXD/redis.conf.orig"
	_rd_row ops enforce _w_ops _rd_shutdown
	cp "$MXD/redis.conf.orig" "$MXD/redis.conf"
	mx_judge_var ops ops "operator commands: CONFIG REWRITE, BGSAVE; SHUTDOWN NOSAVE"
	_rd_row lang enforce _w_learn _rd_shutdown LANG=C.UTF-8 TZ=Europe/Paris
	mx_judge_var lang lang "LANG=C.UTF-8 TZ=Europe/Paris; SHUTDOWN NOSAVE"
	_rd_row stop enforce _w_learn mx_stop_by_sysfence
	mx_judge_var stop stop-by-sysfence "the learned workload, stopped by sysfence (SIGTERM)"

	_rd_row evil enforce _w_evil _w_none
	mx_judge_attack evil module-exec "attack: MODULE LOAD of an unknown module that execs /bin/sh" "$MXD/pwned-evil"
	_rd_row hexec enforce _w_hello_exec _w_none
	mx_judge_attack hexec module-learned-exec "attack: MODULE LOAD of the learned module, now exec'ing" "$MXD/pwned-hello"
	mx_victim
	_rd_row kill enforce _w_none _rd_dead SF_MX_ATTACK=kill "SF_MX_VICTIM=$MX_VICTIM_PID"
	mx_judge_attack kill agent-kill "attack: the agent signals a foreign process (kill SIGTERM)"
	mx_victim_stop
	_rd_row preload enforce _w_none _rd_dead "LD_PRELOAD=$MX_AGENT:$SF_PROGS/libpreload_evil.so" SF_PRELOAD_TARGET=redis-server
	mx_judge_attack preload preload-unknown "attack: an unknown LD_PRELOAD library opening /dev/null (in redis's union)"
	mx_end
}
