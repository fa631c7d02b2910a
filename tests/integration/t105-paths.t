#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# t105-paths - paths and ports learned per library, enforced by the
# Landlock floor before they take effect (issue 17; root, real BPF).
#
# pathtest links two libraries: libpaths_w.so writes under DIR/a/ and
# listens on a TCP port, libpaths_r.so reads /etc/hostname and connects to
# that port.  Learned once, then enforced:
#  - the policy: DIR/a/** writable for the writer only, /etc/hostname read
#    for the reader only, the port bind / connect per library, the floor;
#  - writing in DIR/a/ works; writing DIR/outside is denied by the floor
#    (EACCES, no file) and reported; so is a bind or a connect to a port
#    that was not learned (a local listener accepts nothing);
#  - exec of an unlearned path is denied before it runs (no effect);
#  - the reader creating a file in DIR/a/ (allowed to the writer) is
#    caught by the per-library layer (its open flags);
#  - a library writing a path of the floor that only another library's
#    rules name is reported by the path check (detection, not killed);
#  - complain mode logs the floor's denials with their library; merge
#    folds them back; the same variations are then clean;
#  - --landlock off: the same write succeeds (the floor is what denied it);
#  - relative paths are resolved against the cwd or the directory fd.
#
# sf-parallel: ok
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_root_bpf
need_cmd jq realpath timeout python3
need_sysfence
T=$SF_PROGS/pathtest
[[ -x $T ]] || bail "$T missing: build it first (make progs)"
T=$(realpath -- "$T")
W=$(realpath -- "$SF_PROGS/libpaths_w.so")
R=$(realpath -- "$SF_PROGS/libpaths_r.so")
abi=$(python3 -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); print(max(l.syscall(444, None, 0, 1), 0))')
if ((abi < 4)); then
	skip_all "Landlock ABI $abi on this kernel: the floor needs 4 for ports"
fi
# A fixed directory per checkout, not a mktemp name: a random component is
# a per-run name for the generaliser (tested in test_objects).  Letters
# only, from the checkout's path: two checkouts testing at once do not
# remove each other's directory (the floor's rules name its inode).
D=/var/tmp/sysfence-t105-$(printf '%s' "$SF_SRC" | md5sum | cut -c1-8 | tr '0-9' 'g-p')
rm -rf "$D"
mkdir -p "$D/d/a"
sf_tmpdir
sf_on_exit "rm -rf $D"

plan 30

PORT=$(sf_free_port 1) || bail "no free port"
OTHER=$(sf_free_port 7) || bail "no free port"
[[ $OTHER != "$PORT" ]] || OTHER=$(sf_free_port 13)
P=$SF_TMP/p.json

if timeout 60 "$SF" learn -q -t "$SF_TMP/t.trace.zst" -o "$P" -- "$T" learn "$D/d" "$PORT" \
	>"$SF_TMP/learn.out" 2>"$SF_TMP/learn.err" && grep -q "connect ok" "$SF_TMP/learn.out"; then
	ok "learn pathtest (writes, reads, listens, connects)"
else
	not_ok "learn pathtest (writes, reads, listens, connects)"
	diag_file "$SF_TMP/learn.out"
	diag_file "$SF_TMP/learn.err"
fi

paths_of() { jq -c --arg l "$1" '[.sysfence.libraries[] | select(.path == $l) | .paths // [] | .[]]' "$P"; }
ports_of() { jq -c --arg l "$1" '[.sysfence.libraries[] | select(.path == $l) | .ports // [] | .[]]' "$P"; }

is "$(paths_of "$W")" \
	"[{\"path\":\"$D/d/a/**\",\"access\":[\"write\",\"make-dir\",\"make-file\",\"truncate\"],\"inferred_from\":[\"directory\"]}]" \
	"writer: $D/d/a/** writable (a directory inferred from its files)"
is "$(paths_of "$R")" '[{"path":"/etc/hostname","access":["read"]}]' "reader: /etc/hostname read only"
is "$(ports_of "$W")/$(ports_of "$R")" \
	"[{\"port\":$PORT,\"access\":[\"bind\"],\"addresses\":[\"loopback\"]}]/[{\"port\":$PORT,\"access\":[\"connect\"],\"addresses\":[\"loopback\"]}]" \
	"ports: the writer binds $PORT, the reader connects to it (loopback)"
is "$(jq -c '[.sysfence.floor.ports[].port]' "$P")" "[$PORT]" "floor: the union of the ports"

if "$SF" merge --quiet "$P" -o "$SF_TMP/again.json" 2>"$SF_TMP/merge.err" &&
	cmp -s "$P" "$SF_TMP/again.json"; then
	ok "policy with paths and ports: round trip is byte-identical"
else
	not_ok "policy with paths and ports: round trip is byte-identical"
	diag_file "$SF_TMP/merge.err"
fi

# review: show lists paths, ports and the floor; diff ranks a new writable
# directory HIGH
check "show: the writer's directory, the ports and the floor" \
	bash -c "'$SF' show '$P' | grep -q 'path $D/d/a/\*\* *write,make-dir,make-file,truncate (inferred: directory)' &&
		'$SF' show '$P' | grep -q '^Landlock floor'"
jq --arg l "$R" '(.sysfence.libraries[] | select(.path == $l) | .paths) += [{"path": "/srv/new/**", "access": ["write", "make-file"]}]' \
	"$P" >"$SF_TMP/wider.json"
is "$("$SF" diff "$P" "$SF_TMP/wider.json" | head -n 1)" \
	"high   + $R: path /srv/new/** (write,make-file)" "diff: a new writable directory is HIGH risk"

enf() { # name args...: enforce pathtest; output in $SF_TMP/name.{out,err}, status in $rc
	local name=$1
	shift
	timeout 60 "$SF" enforce "${ENF_OPTS[@]}" "$P" -- "$T" "$@" >"$SF_TMP/$name.out" 2>"$SF_TMP/$name.err"
	rc=$?
}
ENF_OPTS=()

enf inside write "$D/d/a" f3
if ((rc == 0)) && grep -q "write ok" "$SF_TMP/inside.out" && [[ -e $D/d/a/f3 ]]; then
	ok "enforce: writing in $D/d/a/ works"
else
	not_ok "enforce: writing in $D/d/a/ works (status $rc)"
	diag_file "$SF_TMP/inside.out"
	diag_file "$SF_TMP/inside.err"
fi

enf outside write "$D/d" outside
if ((rc == 3)) && grep -q "write errno 13" "$SF_TMP/outside.out" && [[ ! -e $D/d/outside ]]; then
	ok "enforce: writing $D/d/outside is denied before effect (EACCES, no file, status 3)"
else
	not_ok "enforce: writing $D/d/outside is denied before effect (status $rc)"
	diag_file "$SF_TMP/outside.out"
	diag_file "$SF_TMP/outside.err"
fi
check "the denial is reported with its path" \
	grep -q "openat(\"$D/d/outside\"): path outside the Landlock floor (EACCES) -> denied before effect" \
	"$SF_TMP/outside.err"

enf bind listen "$OTHER"
if ((rc == 3)) && grep -q "listen errno 13" "$SF_TMP/bind.out" &&
	grep -q "bind(port $OTHER): port outside the Landlock floor" "$SF_TMP/bind.err"; then
	ok "enforce: bind to port $OTHER (not learned) denied and reported"
else
	not_ok "enforce: bind to port $OTHER (not learned) denied and reported (status $rc)"
	diag_file "$SF_TMP/bind.out"
	diag_file "$SF_TMP/bind.err"
fi
enf bindok listen "$PORT"
is "$rc/$(cat "$SF_TMP/bindok.out")" "0/listen ok" "enforce: bind to the learned port $PORT works"

# a local listener on a port the reader never connected to while learning;
# once the enforced run has ended (the file "done"; a loopback connect()
# that succeeded has put its connection in the accept queue by then, and
# the listener waits 0.5 s more), a non-blocking accept says whether any
# connection got through (deadline 15 s without "done")
python3 -c '
import os, socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
open(sys.argv[2], "w").write("listening\n")
end = time.time() + 15
while not os.path.exists(sys.argv[3]) and time.time() < end:
    time.sleep(0.05)
time.sleep(0.5)
s.setblocking(False)
try:
    c, _ = s.accept(); print("accepted")
except BlockingIOError:
    print("none")
' "$OTHER" "$SF_TMP/listening" "$SF_TMP/done" >"$SF_TMP/listener.out" 2>&1 &
LPID=$!
for _ in $(seq 50); do [[ -e $SF_TMP/listening ]] && break; sleep 0.1; done
enf connect connect "$OTHER"
touch "$SF_TMP/done"
sf_wait_pid "$LPID" 20
if ((rc == 3)) && grep -q "connect errno 13" "$SF_TMP/connect.out" &&
	[[ $(cat "$SF_TMP/listener.out") == none ]]; then
	ok "enforce: connect to port $OTHER (not learned) refused; the listener accepted nothing"
else
	not_ok "enforce: connect to port $OTHER refused, listener accepted nothing (status $rc)"
	diag_file "$SF_TMP/connect.out"
	diag_file "$SF_TMP/listener.out"
	diag_file "$SF_TMP/connect.err"
fi

# exec of a path that was never executed while learning: the per-library
# layer only logs here, so what stops it is the floor
cp /usr/bin/touch "$D/mytouch"
ENF_OPTS=(--action log)
enf exec exec "$D/mytouch" "$D/d/a/touched"
if grep -q "exec errno 13" "$SF_TMP/exec.out" && [[ ! -e $D/d/a/touched ]] &&
	grep -q "execve(\"$D/mytouch\"): path outside the Landlock floor" "$SF_TMP/exec.err"; then
	ok "enforce: exec of an unlearned path denied before it runs (no file touched)"
else
	not_ok "enforce: exec of an unlearned path denied before it runs (status $rc)"
	diag_file "$SF_TMP/exec.out"
	diag_file "$SF_TMP/exec.err"
fi
ENF_OPTS=()

# the reader creating a file where the writer may: the floor (the union)
# allows it, the per-library layer catches it
enf create create "$D/d/a/byreader"
if ((rc == 3)) && grep -q "libpaths_r.so: openat(arg2=O_WRONLY|O_CREAT): argument outside the rule" \
	"$SF_TMP/create.err"; then
	ok "enforce: the reader creating a file in $D/d/a/ is caught per library"
else
	not_ok "enforce: the reader creating a file in $D/d/a/ is caught per library (status $rc)"
	diag_file "$SF_TMP/create.err"
fi

# per-library path check (detection): a directory the reader's rules name
# (added by hand) is in the floor; the writer writing there passes the
# floor and its open flags are its own, but the path is not: reported
# after the call (the file exists), not killed; --path-check off: silent
mkdir -p "$D/d/c"
jq --arg l "$R" --arg d "$D/d/c/**" '(.sysfence.libraries[] | select(.path == $l) | .paths) += [{"path": $d, "access": ["write", "make-file", "truncate"]}]' \
	"$P" >"$SF_TMP/shared.json"
P0=$P
P=$SF_TMP/shared.json
enf pcheck write "$D/d/c" byw
if ((rc == 3)) && [[ -e $D/d/c/byw ]] && grep -q "$W: openat(\"$D/d/c/byw\"): path outside this library's paths (write,make-file,truncate; path check, after the call) -> reported" "$SF_TMP/pcheck.err"; then
	ok "path check: the writer writing where only the reader may is reported (after the call)"
else
	not_ok "path check: the writer writing where only the reader may is reported (status $rc)"
	diag_file "$SF_TMP/pcheck.out"
	diag_file "$SF_TMP/pcheck.err"
fi
ENF_OPTS=(--path-check off)
enf pcheckoff write "$D/d/c" byw2
is "$rc/$(cat "$SF_TMP/pcheckoff.out")" "0/write ok" "--path-check off: not reported"
ENF_OPTS=()
P=$P0

# complain mode and fold back: a variation run with --action log (the
# floor still denies: Landlock has no audit-only mode; nothing is killed)
# logs the denied path and port with the library that asked; merge folds
# them into that library's paths and ports, marked "source": "log"; the
# same variation enforced with the merged policy is clean.
ENF_OPTS=(--action log -l "$SF_TMP/foldw.jsonl")
enf foldw write "$D/d" folded
ENF_OPTS=(--action log -l "$SF_TMP/foldp.jsonl")
enf foldp listen "$OTHER"
ENF_OPTS=()
cat "$SF_TMP/foldw.jsonl" "$SF_TMP/foldp.jsonl" >"$SF_TMP/fold.jsonl"
if [[ $(jq -r 'select(.reason == "outside the Landlock floor") | "\(.library) \(.syscall) \(.object.path // .object.port)"' "$SF_TMP/fold.jsonl") == \
	"$W openat $D/d/folded"$'\n'"$W bind $OTHER" ]]; then
	ok "complain mode: the floor's denials are logged with their library, path and port"
else
	not_ok "complain mode: the floor's denials are logged with their library, path and port"
	diag_file "$SF_TMP/fold.jsonl"
fi
"$SF" merge --quiet "$P" "$SF_TMP/fold.jsonl" -o "$SF_TMP/folded.json" 2>"$SF_TMP/fold-merge.err"
is "$(jq -c --arg l "$W" '[.sysfence.libraries[] | select(.path == $l) | (.paths[], .ports[]) | select(.source == "log") | (.path // .port)]' "$SF_TMP/folded.json")" \
	"[\"$D/d/**\",$OTHER]" "merge: the path and the port become the writer's rules, marked as from the log"
P0=$P
P=$SF_TMP/folded.json
enf foldw2 write "$D/d" folded2
enf foldp2 listen "$OTHER"
P=$P0
if [[ $rc == 0 && $(cat "$SF_TMP/foldw2.out" "$SF_TMP/foldp2.out") == "write ok"$'\n'"listen ok" ]] &&
	! grep -q VIOLATION "$SF_TMP/foldw2.err" "$SF_TMP/foldp2.err"; then
	ok "the same variations enforced with the merged policy are clean"
else
	not_ok "the same variations enforced with the merged policy are clean (status $rc)"
	diag_file "$SF_TMP/foldw2.out"
	diag_file "$SF_TMP/foldw2.err"
	diag_file "$SF_TMP/foldp2.err"
fi

ENF_OPTS=(--landlock off)
enf off write "$D/d" outside-off
is "$rc/$(cat "$SF_TMP/off.out")/$(grep -c "path check, after the call" "$SF_TMP/off.err")" "3/write ok/1" \
	"--landlock off: the same write is not stopped (the path check reports it)"
ENF_OPTS=(--landlock maybe)
enf bad write "$D/d" x
is "$rc" 2 "--landlock maybe: usage error"

# --floor-reports off --path-check off: the floor still denies the write
# (EACCES, no file), nothing is reported, and no program is attached at
# system-call exit (the cost every process pays for the reports)
ENF_OPTS=(--floor-reports off --path-check off)
enf norep write "$D/d" outside-norep
if ((rc == 0)) && grep -q "write errno 13" "$SF_TMP/norep.out" && [[ ! -e $D/d/outside-norep ]] &&
	! grep -q VIOLATION "$SF_TMP/norep.err" &&
	grep -q "denials are not reported (--floor-reports off); no program at system-call exit" "$SF_TMP/norep.err"; then
	ok "--floor-reports off --path-check off: the floor denies, unreported, no exit program (status 0)"
else
	not_ok "--floor-reports off --path-check off: the floor denies, unreported, no exit program (status $rc)"
	diag_file "$SF_TMP/norep.out"
	diag_file "$SF_TMP/norep.err"
fi
ENF_OPTS=(--floor-reports maybe)
enf badrep write "$D/d" x
is "$rc" 2 "--floor-reports maybe: usage error"

# learn records what a run passed relative to its cwd, resolved
(cd "$D/d" && timeout 60 "$SF" learn -q -t "$SF_TMP/rel.trace.zst" -o "$SF_TMP/rel.json" -- \
	"$T" write a rel >/dev/null 2>"$SF_TMP/rel.err")
is "$(jq -c --arg l "$W" '[.sysfence.libraries[] | select(.path == $l) | .paths[].path]' "$SF_TMP/rel.json")" \
	"[\"$D/d/a/**\"]" "a relative path (a/rel in $D/d) is resolved against the cwd"
# ... and one passed with a directory fd, against that directory (the cwd is /)
timeout 60 "$SF" learn -q -t "$SF_TMP/relat.trace.zst" -o "$SF_TMP/relat.json" -- \
	"$T" writeat "$D/d" a/relat >"$SF_TMP/relat.out" 2>"$SF_TMP/relat.err"
is "$(cat "$SF_TMP/relat.out")/$(jq -c --arg l "$W" '[.sysfence.libraries[] | select(.path == $l) | .paths[].path]' "$SF_TMP/relat.json")" \
	"writeat ok/[\"$D/d/a/**\"]" "a path relative to a directory fd (openat(fd of $D/d, a/relat)) is resolved against it"

# ---- redis with persistence (RDB snapshots, AOF rewrite), paths on ----------------
# learned once (benchmark, BGSAVE, BGREWRITEAOF, SHUTDOWN), enforced under
# another workload with the same operator commands and a SAVE: zero
# violations, and the data directory was written under the floor.
if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
	for i in 1 2 3; do
		if [[ ${CI:-} == true ]]; then not_ok "redis: redis-server missing"; else ok "redis # SKIP redis-server missing"; fi
	done
	done_testing
	exit
fi
RD=$D/redis
mkdir -p "$RD/data"
RPORT=$(sf_free_port 23) || bail "no free port"
redis_run() { # mode policy-or-trace: start redis under sysfence, drive it, shut it down
	local mode=$1 i
	shift
	"$SF" "$mode" "$@" -- "$(command -v redis-server)" --port "$RPORT" --bind 127.0.0.1 \
		--dir "$RD/data" --appendonly yes --save "1 1" --daemonize no \
		--logfile "$RD/redis.log" >"$SF_TMP/redis-$mode.out" 2>"$SF_TMP/redis-$mode.err" &
	rpid=$!
	for ((i = 0; i < 150; i++)); do
		[[ $(timeout 2 redis-cli -p "$RPORT" ping 2>/dev/null) == PONG ]] && break
		kill -0 "$rpid" 2>/dev/null || break
		sleep 0.2
	done
	timeout 60 redis-benchmark -p "$RPORT" -q -n 2000 -t set,get,lpush,incr >/dev/null 2>&1
	timeout 5 redis-cli -p "$RPORT" bgsave >/dev/null 2>&1
	sleep 2
	timeout 5 redis-cli -p "$RPORT" bgrewriteaof >/dev/null 2>&1
	sleep 3
	[[ $mode == enforce ]] && timeout 10 redis-cli -p "$RPORT" save >/dev/null 2>&1
	timeout 10 redis-cli -p "$RPORT" shutdown >/dev/null 2>&1
	sf_wait_pid "$rpid" 30
	rrc=$?
	[[ $rrc -eq 124 ]] && sf_stop_pid "$rpid" 2
}
redis_run learn -q -t "$SF_TMP/redis.trace.zst" -o "$SF_TMP/redis.json"
rdata=$(jq -r '[.sysfence.floor.paths[].path | select(startswith("'"$RD"'"))] | join(" ")' "$SF_TMP/redis.json")
if [[ $rrc -eq 0 && " $rdata " == *" $RD/data/** "* ]]; then
	ok "redis learned with persistence: its data directory, per-run names and all ($rdata)"
else
	not_ok "redis learned with persistence: its data directory, per-run names and all (status $rrc: $rdata)"
	diag_file "$SF_TMP/redis-learn.err"
fi
rm -f "$RD/data/dump.rdb"
redis_run enforce "$SF_TMP/redis.json"
if [[ $rrc -eq 0 ]] && ! grep -q VIOLATION "$SF_TMP/redis-enforce.err"; then
	ok "redis enforced with paths on: zero violations, exit 0"
else
	not_ok "redis enforced with paths on: zero violations, exit 0 (status $rrc)"
	diag_file "$SF_TMP/redis-enforce.err"
fi
check "redis wrote its snapshot under the floor" test -s "$RD/data/dump.rdb"

done_testing
