# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# tests/matrix/mx_mc.py PORT MODE N SIZE - a memcached client for the
# matrix (not enforced): MODE learn (set/get), mix (stats, incr, append,
# delete, flush_all), crawler (lru_crawler metadump all: the LRU crawler
# thread streams every key to the client).  Prints "mc: ok" when every answer was right.
import socket
import sys

port, mode, n, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection(("127.0.0.1", port), timeout=10)
f = s.makefile("rwb")


def cmd(line, data=None):
    f.write(line.encode() + b"\r\n")
    if data is not None:
        f.write(data + b"\r\n")
    f.flush()


def line():
    raw = f.readline()
    if not raw:
        sys.exit("mc: connection closed")
    return raw.rstrip(b"\r\n")


for i in range(n):
    cmd("set k%d 0 0 %d" % (i, size), b"v" * size)
    assert line() == b"STORED"
for i in range(0, n, 7):
    cmd("get k%d" % i)
    assert line().startswith(b"VALUE"), i
    assert len(f.readline()) == size + 2
    assert line() == b"END"
if mode == "mix":
    for what in ("stats", "stats slabs", "stats items", "stats settings"):
        cmd(what)
        while line() != b"END":
            pass
    cmd("set ctr 0 0 1", b"1")
    assert line() == b"STORED"
    cmd("incr ctr 41")
    assert line() == b"42"
    cmd("append k1 0 0 3", b"abc")
    assert line() == b"STORED"
    cmd("delete k2")
    assert line() == b"DELETED"
    cmd("flush_all")
    assert line() == b"OK"
if mode == "crawler":
    cmd("lru_crawler metadump all")
    keys = 0
    while True:
        raw = line()
        if raw == b"END":
            break
        keys += raw.startswith(b"key=")
    assert keys > 0, "no key in the metadump"
cmd("quit")
print("mc: ok")
