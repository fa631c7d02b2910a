// SPDX-License-Identifier: GPL-2.0
/* rules.c - policy entries -> kernel rules (struct sf_rule), and the
 * process-wide union used for unattributed calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enforce.h"

void enforce__rule_of(const struct policy_syscall *ps, struct sf_rule *out)
{
	memset(out, 0, sizeof(*out));
	(void)ps;
	out->flags = SF_RULE_ANY_ARGS;
}

void enforce__format_args(uint32_t nr, const uint64_t arg[SF_NARGS], char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	if (nr >= SF_ARGSPEC_NR_MAX)
		return;
	for (int s = 0; s < SF_ARG_SLOTS && s < SF_NARGS; s++) {
		const struct sf_argslot *sl = &sf_argspecs[nr].slot[s];
		int w;

		if (sl->kind == SF_ARGK_NONE)
			continue;
		w = snprintf(buf + used, len - used, "%sarg%u=0x%llx", used ? ", " : "", sl->idx,
			     (unsigned long long)arg[s]);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

void policy_lib__free(struct policy_lib *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nsyscalls; i++)
		free(l->syscalls[i].site);
	free(l->syscalls);
	free(l->path);
	free(l->build_id);
	free(l);
}

int policy__union_lib(const struct policy *p, struct policy_lib **out)
{
	struct policy_lib *u = calloc(1, sizeof(*u));
	unsigned char seen[512] = {};
	size_t n = 0;

	if (!u)
		return -ENOMEM;
	for (size_t i = 0; i < p->nlibs; i++)
		for (size_t k = 0; k < p->libs[i].nsyscalls; k++)
			if (p->libs[i].syscalls[k].nr < sizeof(seen))
				seen[p->libs[i].syscalls[k].nr] = 1;
	for (size_t nr = 0; nr < sizeof(seen); nr++)
		n += seen[nr];
	u->syscalls = calloc(n ? n : 1, sizeof(*u->syscalls));
	u->path = strdup("[process-wide union]");
	if (!u->syscalls || !u->path) {
		policy_lib__free(u);
		return -ENOMEM;
	}
	u->kind = LIB_KIND_BUCKET;
	for (uint32_t nr = 0; nr < sizeof(seen); nr++)
		if (seen[nr])
			u->syscalls[u->nsyscalls++].nr = nr;
	*out = u;
	return 0;
}
