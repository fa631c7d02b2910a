# shellcheck shell=bash disable=SC2317,SC2034
# (functions here are called indirectly; MX_WORK is read by the engine)
# sqlite3 CLI: learned on a 2,000-row script (file database), then a
# 50x larger one, another statement mix, the database in WAL mode, stdout
# on a terminal and on /dev/null, another LANG/TZ, 5 identical runs, and
# (known failing by decision) `.once FILE`; attacked with `.load` of
# an extension that execs, and by the agent creating a file.
mx_prog_sqlite3() {
	local bin rows i
	bin=$(command -v sqlite3) || { diag "sqlite3 not installed"; return 1; }
	mx_begin sqlite3 sqlite3

	_sql() { # ROWS MIX -> a script on stdout
		[[ $2 == wal ]] && echo "PRAGMA journal_mode=WAL;"
		echo "DROP TABLE IF EXISTS t; CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, v BLOB);"
		echo "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < $1)"
		echo "INSERT INTO t SELECT x, hex(randomblob(8)), zeroblob(200) FROM c;"
		echo "SELECT count(*), sum(length(v)) FROM t; SELECT k FROM t ORDER BY k LIMIT 3;"
		if [[ $2 == mix ]]; then
			echo "CREATE INDEX tk ON t(k); UPDATE t SET v = zeroblob(400) WHERE id % 3 = 0;"
			echo "DELETE FROM t WHERE id % 7 = 0; VACUUM; PRAGMA integrity_check;"
			echo ".mode json"
			echo "SELECT id, k FROM t ORDER BY k DESC LIMIT 5;"
			echo ".dump t"
		fi
		if [[ $2 == once ]]; then
			echo ".once $MXD/once.csv"
			echo "SELECT id, k FROM t LIMIT 10;"
		fi
	}
	_mx_sqlite() { # TAG MODE OUT ROWS MIX [ENV...]
		local tag=$1 mode=$2 out=$3 rows=$4 mix=$5
		shift 5
		_sql "$rows" "$mix" >"$MXD/$tag.sql"
		rm -f "$MXD"/db.sqlite*
		MX_WORK=ok
		mx_cli "$tag" "$mode" "$out" "$@" -- "$bin" -cmd ".read $MXD/$tag.sql" "$MXD/db.sqlite" .quit
		if [[ $out != null ]] && ! grep -aq "^$rows|" "$MXD/$tag.out"; then
			MX_WORK="no '$rows|' in the output"
		fi
	}

	_mx_sqlite learn learn file 2000 plain
	mx_judge_learn learn "learned: 2,000 rows, stdout to a file"
	_mx_sqlite big enforce file 100000 plain
	mx_judge_var big big "100,000 rows (50x)"
	_mx_sqlite mix enforce file 2000 mix
	mx_judge_var mix mix "another mix: index, update, delete, VACUUM, json, .dump"
	_mx_sqlite wal enforce file 2000 wal
	mx_judge_var wal wal "PRAGMA journal_mode=WAL (a shared -shm mapping, lock tests)"
	_mx_sqlite once enforce file 2000 once
	mx_judge_var once once ".once FILE: a query's output to a file sqlite3 opens"
	_mx_sqlite pipe enforce pipe 2000 plain
	mx_judge_var pipe pipe "stdout a pipe"
	_mx_sqlite tty enforce tty 2000 plain
	mx_judge_var tty tty "stdout on a terminal (pty)"
	_mx_sqlite null enforce null 2000 plain
	mx_judge_var null null "stdout on /dev/null"
	_mx_sqlite lang enforce file 2000 plain LANG=C.UTF-8 TZ=Europe/Paris
	mx_judge_var lang lang "LANG=C.UTF-8 TZ=Europe/Paris"
	for i in 1 2 3 4 5; do
		_mx_sqlite "rep$i" enforce file 2000 plain
		mx_judge_var "rep$i" "repeat-$i" "identical run $i/5"
	done

	# attacks
	rm -f "$MXD"/db.sqlite* "$MXD/pwned"
	_sql 10 plain >"$MXD/evil.sql"
	echo ".load $SF_PROGS/mx_sqlite_evil.so" >>"$MXD/evil.sql"
	mx_cli evil enforce file "SF_MX_MARK=$MXD/pwned" -- "$bin" -cmd ".read $MXD/evil.sql" "$MXD/db.sqlite" .quit
	mx_judge_attack evil load-exec "attack: .load of an extension that execs /bin/sh" "$MXD/pwned"
	mx_cli creat enforce file "SF_MX_ATTACK=creat" "SF_MX_MARK=$MXD/created" -- "$bin" "$MXD/db.sqlite" .quit
	mx_judge_attack creat agent-creat "attack: the (read-only) agent creates a file"
	mx_end
}
