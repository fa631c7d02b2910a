# shellcheck shell=bash disable=SC2317,SC2034
# (functions here are called indirectly; MX_WORK is read by the engine)
# PostgreSQL 15 (Debian's postgresql), as user postgres (setpriv), in its
# own data directory (initdb once, not enforced), socket directory and free
# loopback port.  Learned under a psql workload (create, insert 2,000 rows,
# select), stopped by sysfence (smart shutdown); then another mix (index,
# update, delete, VACUUM, join), 100,000 rows (50x), the operator commands
# CHECKPOINT and pg_ctl reload, another LANG/TZ, each stopped with
# `pg_ctl stop -m fast`; a stop by sysfence.  Attacked by the agent (in
# the postmaster) writing into a foreign process (process_vm_writev) and
# signalling one.
mx_prog_postgres() {
	local bindir port
	bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[[ -x $bindir/postgres ]] || { diag "postgresql not installed"; return 1; }
	command -v psql >/dev/null && command -v setpriv >/dev/null && command -v runuser >/dev/null ||
		{ diag "psql/setpriv/runuser missing"; return 1; }
	id postgres >/dev/null 2>&1 || { diag "no user postgres"; return 1; }
	port=$(sf_free_port 97) || { diag "no free port"; return 1; }
	mx_begin postgres postgres
	mkdir -p "$MXD/sock"
	chown postgres: "$MXD" "$MXD/sock"
	runuser -u postgres -- "$bindir/initdb" -D "$MXD/data" -A trust -U postgres --no-sync \
		-E UTF8 --locale=C >"$MXD/initdb.log" 2>&1 || { diag "initdb failed"; diag_file "$MXD/initdb.log"; return 1; }
	# Every row starts from this clean cluster (the learning run's state):
	# a row whose postgres was killed would otherwise leave the next one a
	# crash recovery and stale lock files, other code paths.
	cp -a "$MXD/data" "$MXD/data.clean"
	local cmd=(setpriv --reuid=postgres --regid=postgres --init-groups -- "$bindir/postgres"
		-D "$MXD/data" -k "$MXD/sock" -p "$port" -c listen_addresses=127.0.0.1 -c fsync=off)
	_pg_ready() { "$bindir/pg_isready" -q -h "$MXD/sock" -p "$port" -U postgres; }
	_psql() { timeout 60 psql -X -q -At -h "$MXD/sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@" 2>&1; }
	_pg_sql() { # EXPECT SQL
		local got
		got=$(_psql -c "$2" | tail -n 1)
		[[ $got == "$1" ]] || MX_WORK="psql: want '$1', got '${got:0:120}'"
	}
	_pg_fast() {
		runuser -u postgres -- "$bindir/pg_ctl" -D "$MXD/data" stop -m fast >/dev/null 2>&1
		mx_wait 30
	}
	_pg_row() { # TAG MODE WORK STOP [ENV...]
		local tag=$1 mode=$2 work=$3 stop=$4
		shift 4
		MX_WORK=ok
		rm -rf "$MXD/data"
		cp -a "$MXD/data.clean" "$MXD/data"
		# and without the socket lock file a killed postgres leaves (the
		# next start would kill(pid, 0) its owner: a stale-lock check)
		rm -f "$MXD"/sock/.s.PGSQL.*
		mx_bg "$tag" "$mode" "$@" -- "${cmd[@]}"
		if mx_ready _pg_ready 30; then
			"$work"
			"$stop"
		else
			MX_WORK="postgres did not answer"
			mx_wait 5
		fi
	}
	_pg_load() { # ROWS
		_pg_sql "$1" "DROP TABLE IF EXISTS t; CREATE TABLE t(id int PRIMARY KEY, k text, v text);
			INSERT INTO t SELECT g, md5(g::text), repeat('x', 100) FROM generate_series(1, $1) g;
			SELECT count(*) FROM t;"
	}
	_w_learn() { _pg_load 2000; _pg_sql 2000 "SELECT count(DISTINCT k) FROM t WHERE v LIKE 'x%';"; }
	_w_mix() {
		_pg_load 2000
		_pg_sql "" "CREATE INDEX tk ON t(k); UPDATE t SET v = 'y' WHERE id % 3 = 0;
			DELETE FROM t WHERE id % 7 = 0;"
		_pg_sql "" "VACUUM ANALYZE t;" # not in a transaction block: its own psql -c
		_pg_sql 1715 "SELECT count(*) FROM t a JOIN t b ON a.id = b.id;"
	}
	_w_big() { _pg_load 100000; }
	_w_ops() {
		_pg_load 2000
		_pg_sql "" "CHECKPOINT;"
		runuser -u postgres -- "$bindir/pg_ctl" -D "$MXD/data" reload >/dev/null 2>&1 || MX_WORK="pg_ctl reload failed"
		sleep 0.5
		_pg_sql t "SELECT pg_reload_conf();"
		_pg_sql 2000 "SELECT count(*) FROM t;"
	}
	_w_none() { :; }
	_pg_dead() { mx_wait 15; }

	_pg_row learn learn _w_learn mx_stop_by_sysfence
	mx_judge_learn learn "learned: psql create/insert 2,000/select, stopped by sysfence"
	_pg_row mix enforce _w_mix _pg_fast
	mx_judge_var mix mix "another mix: index, update, delete, VACUUM, join; pg_ctl stop -m fast"
	_pg_row big enforce _w_big _pg_fast
	mx_judge_var big big "100,000 rows (50x); pg_ctl stop -m fast"
	_pg_row ops enforce _w_ops _pg_fast
	mx_judge_var ops ops "operator commands: CHECKPOINT, pg_ctl reload; pg_ctl stop -m fast"
	_pg_row lang enforce _w_learn _pg_fast LANG=C.UTF-8 TZ=Europe/Paris
	mx_judge_var lang lang "LANG=C.UTF-8 TZ=Europe/Paris; pg_ctl stop -m fast"
	_pg_row stop enforce _w_learn mx_stop_by_sysfence
	mx_judge_var stop stop-by-sysfence "the learned workload, stopped by sysfence (SIGTERM)"

	mx_victim
	_pg_row pvw enforce _w_none _pg_dead SF_MX_ATTACK=pvw "SF_MX_VICTIM=$MX_VICTIM_PID"
	mx_judge_attack pvw agent-pvw "attack: the agent in the postmaster: process_vm_writev to a foreign process"
	mx_victim
	_pg_row kill enforce _w_none _pg_dead SF_MX_ATTACK=kill "SF_MX_VICTIM=$MX_VICTIM_PID"
	mx_judge_attack kill agent-kill "attack: the agent signals a foreign process (kill SIGTERM; postgres's union has kill)"
	mx_victim_stop
	mx_end
}
