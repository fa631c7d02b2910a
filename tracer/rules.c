// SPDX-License-Identifier: GPL-2.0
/* rules.c - policy entries -> kernel rules (struct sf_rule), and the
 * process-wide union used for unattributed calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argnames.h"
#include "enforce.h"
#include "generalize.h"
#include "syscalls.h"

void enforce__rule_of(const struct policy_syscall *ps, struct sf_rule *out)
{
	memset(out, 0, sizeof(*out));
	if (!gen__has_conditions(ps)) {
		out->flags = SF_RULE_ANY_ARGS;
		return;
	}
	for (uint32_t i = 0; i < ps->nargs && i < SF_ARG_SLOTS; i++) {
		const struct policy_argrule *r = &ps->arg[i];
		struct sf_argrule *k = &out->arg[i];

		k->kind = r->kind;
		k->any = r->any;
		k->allowed = r->allowed;
		k->deny_all_of = r->deny_all_of;
		k->nvals = r->nvalues;
		for (unsigned v = 0; v < r->nvalues && v < SF_RULE_MAX_VALUES; v++)
			k->values[v] = r->values[v];
	}
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
		char sym[128];

		if (argname__format(sl->sym, arg[s], sym, sizeof(sym)) < 0)
			snprintf(sym, sizeof(sym), "0x%llx", (unsigned long long)arg[s]);
		w = snprintf(buf + used, len - used, "%sarg%u=%s", used ? ", " : "", sl->idx, sym);
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

/* Rules as a pseudo-library: for every nr with sc[nr].count > 0. */
static int lib_of_table(const struct policy_syscall *sc, size_t n, const char *name,
			struct policy_lib **out)
{
	struct policy_lib *u = calloc(1, sizeof(*u));
	size_t cnt = 0;

	if (!u)
		return -ENOMEM;
	for (size_t nr = 0; nr < n; nr++)
		cnt += sc[nr].count > 0;
	u->syscalls = calloc(cnt ? cnt : 1, sizeof(*u->syscalls));
	u->path = strdup(name);
	if (!u->syscalls || !u->path) {
		policy_lib__free(u);
		return -ENOMEM;
	}
	u->kind = LIB_KIND_BUCKET;
	for (size_t nr = 0; nr < n; nr++) {
		if (!sc[nr].count)
			continue;
		u->syscalls[u->nsyscalls] = sc[nr];
		u->syscalls[u->nsyscalls].site = NULL;
		u->nsyscalls++;
	}
	*out = u;
	return 0;
}

int policy__union_lib(const struct policy *p, struct policy_lib **out)
{
	struct policy_syscall *sc = calloc(SYSCALL_NR_MAX, sizeof(*sc));
	int ret;

	if (!sc)
		return -ENOMEM;
	ret = policy__union(p, sc, SYSCALL_NR_MAX);
	if (!ret)
		ret = lib_of_table(sc, SYSCALL_NR_MAX, "[process-wide union]", out);
	free(sc);
	return ret;
}

int enforce__lib_rules(const struct policy *p, size_t lib, struct policy_lib **out)
{
	const struct policy_lib *l = &p->libs[lib];
	struct policy_syscall *sc;
	int c = policy__compartment_of(p, l->path);
	int ret;

	sc = calloc(SYSCALL_NR_MAX, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	/* A compartment's members share the join of their rules. */
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *m = &p->libs[i];

		if (i != lib && (c < 0 || policy__compartment_of(p, m->path) != c))
			continue;
		for (size_t k = 0; k < m->nsyscalls; k++) {
			const struct policy_syscall *ps = &m->syscalls[k];

			if (ps->nr >= SYSCALL_NR_MAX)
				continue;
			if (!sc[ps->nr].count) {
				sc[ps->nr] = *ps;
				sc[ps->nr].count = 1;
			} else {
				gen__join_args(&sc[ps->nr], ps, SF_RULE_MAX_VALUES);
			}
		}
	}
	ret = lib_of_table(sc, SYSCALL_NR_MAX, l->path, out);
	free(sc);
	return ret;
}
