// SPDX-License-Identifier: GPL-2.0
/* seccomp_build.c - see seccomp_build.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "seccomp_build.h"

int seccomp__build(const struct policy *p, uint32_t default_action, scmp_filter_ctx *out,
		   char *err, size_t errlen)
{
	unsigned char seen[512] = {};
	scmp_filter_ctx ctx;
	int ret = 0;

	ctx = seccomp_init(default_action);
	if (!ctx) {
		snprintf(err, errlen, "seccomp_init failed");
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->nlibs; i++) {
		for (size_t k = 0; k < p->libs[i].nsyscalls; k++) {
			uint32_t nr = p->libs[i].syscalls[k].nr;

			if (nr >= sizeof(seen) || seen[nr])
				continue;
			seen[nr] = 1;
			ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, (int)nr, 0);
			if (ret) {
				snprintf(err, errlen, "seccomp rule for syscall %u: %s", nr,
					 strerror(-ret));
				seccomp_release(ctx);
				return ret;
			}
		}
	}
	*out = ctx;
	return 0;
}
