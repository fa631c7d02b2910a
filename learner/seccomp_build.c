// SPDX-License-Identifier: GPL-2.0
/* seccomp_build.c - see seccomp_build.h.  The union (policy__union) is the
 * same one the policy file's top-level "syscalls" lists: one rule per
 * alternative of a syscall's argument conditions (docs/arguments.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generalize.h"
#include "seccomp_build.h"
#include "syscalls.h"
#include "util.h"

/* Syscalls whose argument conditions the floor keeps: the argument decides
 * whether the call gives a new capability, and denying it after the fact
 * (the BPF layer's kill lands after the call ran) would be too late. */
static const struct {
	const char *name;
	const char *why;
} floor_args[] = {
	{ "open", "write/create/truncate flags" },
	{ "openat", "write/create/truncate flags" },
	{ "mmap", "PROT_EXEC: executable memory (W^X)" },
	{ "mprotect", "PROT_EXEC: executable memory (W^X)" },
	{ "pkey_mprotect", "PROT_EXEC: executable memory (W^X)" },
	{ "memfd_create", "MFD_EXEC and friends" },
	{ "socket", "new address families (AF_NETLINK, AF_PACKET...)" },
	{ "socketpair", "new address families" },
	{ "ioctl", "terminal injection (TIOCSTI) and device commands" },
	{ "clone", "namespace flags" },
	{ "unshare", "namespace flags" },
	{ "setns", "namespace types" },
	{ "kill", "signal numbers" },
	{ "tkill", "signal numbers" },
	{ "tgkill", "signal numbers" },
	{ "ptrace", "requests" },
	{ "personality", "ADDR_NO_RANDOMIZE and friends" },
	{ "prctl", "options (PR_SET_DUMPABLE, PR_SET_SECCOMP...)" },
	{ "mount", "mount flags" },
	{ "umount2", "flags" },
	{ "keyctl", "operations" },
	{ "seccomp", "operations" },
	{ "bpf", "commands" },
};

bool seccomp__floor_keeps_args(uint32_t nr)
{
	const char *name = syscall__name(nr);

	for (size_t i = 0; name && i < sizeof(floor_args) / sizeof(floor_args[0]); i++)
		if (!strcmp(floor_args[i].name, name))
			return true;
	return false;
}

static int build(const struct policy *p, uint32_t default_action, bool floor,
		 scmp_filter_ctx *out, char *err, size_t errlen)
{
	struct policy_syscall *uni = NULL;
	struct arg_alt *alts = NULL;
	scmp_filter_ctx ctx;
	int ret = 0;

	if (!p || !out) {
		util__errf(err, errlen, "seccomp filter: invalid argument");
		return -EINVAL;
	}
	ctx = seccomp_init(default_action);
	uni = calloc(SYSCALL_NR_MAX, sizeof(*uni));
	alts = malloc(GEN_MAX_ALTS * sizeof(*alts));
	if (!ctx || !uni || !alts) {
		util__errf(err, errlen, "seccomp filter: %s", strerror(ENOMEM));
		ret = -ENOMEM;
		goto fail;
	}
	/* a binary tree of syscall numbers instead of a linear list: the
	 * filter runs (for calls the action cache cannot answer) in
	 * O(log n) comparisons */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2); /* else linear: as correct */
	ret = policy__union(p, uni, SYSCALL_NR_MAX);
	if (ret) {
		util__errf(err, errlen, "seccomp filter: syscall number out of range");
		goto fail;
	}
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++) {
		int n;

		if (!uni[nr].count)
			continue;
		if (floor && !seccomp__floor_keeps_args(nr)) {
			ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, (int)nr, 0);
			if (ret) {
				util__errf(err, errlen, "seccomp rule for %s: %s",
					   syscall__name(nr) ? syscall__name(nr) : "?",
					   strerror(-ret));
				goto fail;
			}
			continue;
		}
		n = gen__alternatives_floor(&uni[nr], alts, GEN_MAX_ALTS);
		if (n < 0) {
			ret = n;
			util__errf(err, errlen, "seccomp filter: too many argument "
				   "alternatives for %s", syscall__name(nr));
			goto fail;
		}
		for (int k = 0; k < n; k++) {
			struct scmp_arg_cmp cmp[SF_ARG_SLOTS];

			for (unsigned c = 0; c < alts[k].n; c++) {
				const struct arg_cond *cd = &alts[k].c[c];

				cmp[c] = cd->op == ARGC_EQ ?
					 SCMP_CMP(cd->idx, SCMP_CMP_EQ, cd->a) :
					 SCMP_CMP(cd->idx, SCMP_CMP_MASKED_EQ, cd->a, cd->b);
			}
			ret = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, (int)nr,
						     alts[k].n, cmp);
			if (ret) {
				util__errf(err, errlen, "seccomp rule for %s: %s",
					   syscall__name(nr) ? syscall__name(nr) : "?",
					   strerror(-ret));
				goto fail;
			}
		}
	}
	free(uni);
	free(alts);
	*out = ctx;
	return 0;
fail:
	if (ctx)
		seccomp_release(ctx);
	free(uni);
	free(alts);
	return ret;
}

int seccomp__build(const struct policy *p, uint32_t default_action, scmp_filter_ctx *out,
		   char *err, size_t errlen)
{
	return build(p, default_action, false, out, err, errlen);
}

int seccomp__build_floor(const struct policy *p, uint32_t default_action,
			 scmp_filter_ctx *out, char *err, size_t errlen)
{
	return build(p, default_action, true, out, err, errlen);
}
