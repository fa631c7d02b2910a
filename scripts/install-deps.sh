#!/usr/bin/env bash
# Install every Debian package sysfence needs to build, test, demo and bench.
# Idempotent: prints nothing and exits 0 when everything is already present.
set -euo pipefail

PKGS=(
  make gcc clang llvm bpftool libbpf-dev linux-libc-dev
  libelf-dev libdw-dev libseccomp-dev libcjson-dev libzstd-dev
  libcmocka-dev pkg-config zstd libc6-dbg
  afl++ redis-server redis-tools gnuplot-nox jq
  nginx-light wrk time
  # tests/progs/verify-strace.sh (t097): the attribution ground truth
  strace
  # tests/matrix (t100-matrix.t): real programs learned once, enforced under variations
  memcached postgresql python3 nodejs curl sqlite3 git gzip tar bsdutils
  # make bench: memcaslap (memcached's load), pgbench and initdb (postgresql-15),
  # pgrep (procps)
  libmemcached-tools postgresql-15 procps
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "sysfence: error: missing packages: ${missing[*]} (run as root: scripts/install-deps.sh)" >&2
  exit 1
fi
echo "sysfence: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# redis-server's package starts a system instance on 6379 (memcached's on 11211,
# postgresql-15's cluster "main" on 5432); tests and the bench use their own
# ports, data and instances, so the packaged ones are left as Debian configures
# them.
echo "sysfence: dependencies installed"
