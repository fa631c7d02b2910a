# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# tests/matrix/mx_py.py N DIR - the python3 workload of the matrix:
# sqlite3 (a file database), hashlib, zlib, ctypes, subprocess and threads.
import ctypes
import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
import zlib

n = int(sys.argv[1])
d = sys.argv[2]
path = os.path.join(d, "py.db")  # removed by the harness before each run
db = sqlite3.connect(path)
db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, v BLOB)")
db.executemany("INSERT INTO t VALUES (?, ?, ?)",
               ((i, hashlib.md5(str(i).encode()).hexdigest(), bytes(64)) for i in range(n)))
db.commit()
count = db.execute("SELECT count(*) FROM t").fetchone()[0]
db.close()

data = b"".join(str(i).encode() * 8 for i in range(n))
packed = zlib.compress(data, 6)
assert zlib.decompress(packed) == data

libc = ctypes.CDLL(None)
pid = libc.getpid()
assert pid == os.getpid()

out = subprocess.run(["/bin/true"], check=True)

digests = [None] * 4


def work(k):
    h = hashlib.sha256()
    for i in range(k, n, 4):
        h.update(str(i).encode())
    digests[k] = h.hexdigest()


threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("py: %d rows, %d -> %d bytes, %s" % (count, len(data), len(packed), digests[0][:12]))
