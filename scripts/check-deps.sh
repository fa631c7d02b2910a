#!/usr/bin/env bash
# Fail early, readably, when a build dependency is missing.
missing=()
for t in clang llvm-strip bpftool pkg-config; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
for p in libbpf libelf libdw libseccomp libcjson libzstd cmocka; do
  pkg-config --exists "$p" 2>/dev/null || missing+=("$p (pkg-config)")
done
[ -r /sys/kernel/btf/vmlinux ] || missing+=("/sys/kernel/btf/vmlinux (kernel BTF)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "sysfence: error: missing build dependencies: ${missing[*]}; run 'sudo scripts/install-deps.sh' (or 'sudo make deps')" >&2
  exit 1
fi
