// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sf-bench-seccomp-exec - run a command under a seccomp filter, for the
 * "seccomp union" configuration of `make bench`.
 *
 *   sf-bench-seccomp-exec --policy FILE -- CMD [ARGS...]
 *       the policy's process-wide union with its argument conditions, built
 *       by the learner's seccomp__build_floor (the same filter as enforce's
 *       seccomp floor), default action: kill the process.
 *   sf-bench-seccomp-exec --bpf FILE -- CMD [ARGS...]
 *       a compiled classic-BPF filter (struct sock_filter[], as
 *       `sysfence export --format bpf` and bubblewrap's --seccomp use).
 *
 * Either way execve is allowed too: the filter is installed before exec,
 * and a learned policy never sees that exec (tracking starts after it).
 * In --bpf mode a two-instruction prefix allows execve by number, which
 * keeps the filter cacheable by the kernel's per-syscall action cache.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <seccomp.h>

#include "policy.h"
#include "policy_read.h"
#include "seccomp_build.h"

#define MAX_INSNS 4096 /* BPF_MAXINSNS */

static int load_policy(const char *path)
{
	char err[256] = "";
	struct policy *p = NULL;
	scmp_filter_ctx ctx = NULL;
	int ret;

	ret = policy__load(path, &p, err, sizeof(err));
	if (!ret)
		ret = seccomp__build_floor(p, SCMP_ACT_KILL_PROCESS, &ctx, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "sf-bench-seccomp-exec: error: %s\n", err[0] ? err : strerror(-ret));
		goto cleanup;
	}
	ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(execve), 0);
	if (ret == -EEXIST)
		ret = 0;
	if (!ret)
		ret = seccomp_load(ctx);
	if (ret)
		fprintf(stderr, "sf-bench-seccomp-exec: error: filter: %s\n", strerror(-ret));
cleanup:
	if (ctx)
		seccomp_release(ctx);
	policy__free(p);
	return ret;
}

static int load_bpf(const char *path)
{
	static struct sock_filter insns[MAX_INSNS];
	struct sock_fprog prog;
	size_t n, pre = 3;
	FILE *f = fopen(path, "re");

	if (!f) {
		fprintf(stderr, "sf-bench-seccomp-exec: error: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	/* nr == execve -> allow, else fall through into the exported filter. */
	insns[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						offsetof(struct seccomp_data, nr));
	insns[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 0, 1);
	insns[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	n = fread(insns + pre, sizeof(insns[0]), MAX_INSNS - pre, f);
	if (ferror(f) || !feof(f) || n == 0) {
		fprintf(stderr, "sf-bench-seccomp-exec: error: %s: not a classic-BPF filter "
			"(empty, unreadable or over %d instructions)\n", path, MAX_INSNS);
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	prog.len = (unsigned short)(n + pre);
	prog.filter = insns;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		fprintf(stderr, "sf-bench-seccomp-exec: error: %s: cannot install: %s\n", path,
			strerror(errno));
		return -errno;
	}
	return 0;
}

static void usage(FILE *f)
{
	fputs("Usage: sf-bench-seccomp-exec (--policy FILE | --bpf FILE) -- CMD [ARGS...]\n", f);
}

int main(int argc, char **argv)
{
	int ret;

	if (argc < 5 || strcmp(argv[3], "--")) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--policy")) {
		ret = load_policy(argv[2]);
	} else if (!strcmp(argv[1], "--bpf")) {
		ret = load_bpf(argv[2]);
	} else {
		usage(stderr);
		return 2;
	}
	if (ret)
		return 1;
	execvp(argv[4], argv + 4);
	fprintf(stderr, "sf-bench-seccomp-exec: error: cannot run '%s': %s\n", argv[4],
		strerror(errno));
	return 127;
}
