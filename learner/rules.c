// SPDX-License-Identifier: GPL-2.0
/* rules.c - what enforcement applies: per-library rule sets (own rules or
 * the compartment's union), the process-wide union used for unattributed
 * calls, policy entries -> kernel rules (struct sf_rule).  Used by enforce
 * and by the review tools (show, score): see rules.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argnames.h"
#include "capability.h"
#include "generalize.h"
#include "rules.h"
#include "sysfence.h"

/* The kernel rule is the user-side model slot by slot, value by value. */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(NELEM(((struct sf_rule *)0)->arg) ==
	       NELEM(((struct policy_syscall *)0)->arg),
	       "struct sf_rule and struct policy_syscall disagree on the slots");
_Static_assert(NELEM(((struct sf_argrule *)0)->values) ==
	       NELEM(((struct policy_argrule *)0)->values),
	       "struct sf_argrule and struct policy_argrule disagree on the values");

/* Add the syscalls of library l to the set: a new nr takes l's rule, an
 * existing one joins it (the same join policy__union and merge use). */
static void set_add_lib(struct rules_set *s, const struct policy_lib *l)
{
	for (size_t k = 0; k < l->nsyscalls; k++) {
		const struct policy_syscall *ps = &l->syscalls[k];
		struct policy_syscall *d;

		if (ps->nr >= SYSCALL_NR_MAX)
			continue;
		d = &s->sc[ps->nr];
		if (!s->allowed[ps->nr]) {
			s->allowed[ps->nr] = true;
			s->n++;
			*d = *ps;
			continue;
		}
		/* keeps observed and inferred parts apart (capability.c);
		 * what is enforced is the same join */
		capability__join(d, ps, GEN_MAX_VALUES_DEFAULT);
		d->count = d->count + ps->count < d->count ? UINT64_MAX :
			   d->count + ps->count;
		if (!d->site)
			d->site = ps->site;
	}
}

static void set_clear(struct rules_set *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t nr = 0; nr < SYSCALL_NR_MAX; nr++)
		s->sc[nr].nr = (uint32_t)nr;
}

int rules__compartment(const struct policy *p, size_t comp,
		       struct rules_set *out)
{
	if (!p || !out || comp >= p->ncompartments)
		return -EINVAL;
	set_clear(out);
	/* Members are named by path: every library of the policy with that
	 * path (any build-id, any kind) shares the union. */
	for (size_t i = 0; i < p->nlibs; i++)
		if (policy__compartment_of(p, p->libs[i].path) == (int)comp)
			set_add_lib(out, &p->libs[i]);
	return 0;
}

int rules__lib(const struct policy *p, size_t lib, struct rules_set *out)
{
	int c;

	if (!p || !out || lib >= p->nlibs)
		return -EINVAL;
	c = policy__compartment_of(p, p->libs[lib].path);
	if (c >= 0)
		return rules__compartment(p, (size_t)c, out);
	set_clear(out);
	set_add_lib(out, &p->libs[lib]);
	return 0;
}

int rules__union(const struct policy *p, struct rules_set *out)
{
	int ret;

	if (!p || !out)
		return -EINVAL;
	set_clear(out);
	ret = policy__union(p, out->sc, SYSCALL_NR_MAX);
	if (ret)
		return ret;
	for (size_t nr = 0; nr < SYSCALL_NR_MAX; nr++) {
		out->allowed[nr] = out->sc[nr].count > 0;
		out->n += out->allowed[nr];
	}
	return 0;
}

int rules__to_lib(const struct rules_set *s, const char *name,
		  struct policy_lib **out)
{
	struct policy_lib *u;

	if (!s || !name || !out)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->syscalls = calloc(s->n ? s->n : 1, sizeof(*u->syscalls));
	u->path = strdup(name);
	if (!u->syscalls || !u->path) {
		policy_lib__free(u);
		return -ENOMEM;
	}
	u->kind = LIB_KIND_BUCKET;
	for (size_t nr = 0; nr < SYSCALL_NR_MAX && u->nsyscalls < s->n; nr++) {
		if (!s->allowed[nr])
			continue;
		u->syscalls[u->nsyscalls] = s->sc[nr];
		u->syscalls[u->nsyscalls].site = NULL;
		u->nsyscalls++;
	}
	*out = u;
	return 0;
}

void rules__kernel_rule(const struct policy_syscall *ps, struct sf_rule *out)
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

void rules__format_args(uint32_t nr, const uint64_t arg[SF_ARG_SLOTS],
			char *buf, size_t len)
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

		if (sl->kind == SF_ARGK_PAIR)
			/* an option is named by its level (slot 0) */
			argname__format_sockopt(arg[0], arg[s], sym, sizeof(sym));
		else if (argname__format(sl->sym, arg[s], sym, sizeof(sym)) < 0)
			snprintf(sym, sizeof(sym), "0x%llx", (unsigned long long)arg[s]);
		w = snprintf(buf + used, len - used, "%sarg%u=%s", used ? ", " : "", sl->idx, sym);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}
