/* intersect.c - policy__intersect: what every input allows.
 *
 * A library stays when every input has it (identity: path, build-id,
 * kind); a syscall stays when every input allows it for that library.
 * Argument conditions meet: an unconditional side gives way to the other,
 * a widened argument ("any") gives way to the other side's rule, value
 * sets intersect, allowed flag bits are ANDed (a deny_all_of pair is kept
 * from whichever side has one).  A syscall whose value sets do not meet
 * allows nothing and is dropped.  Evidence: counts summed, first site
 * kept.  Compartments and transparent libraries are configuration, not
 * observations: their union is kept.  Inferred rules (capability.c): what
 * both inputs observed stays observed, the rest of the meet is inferred.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capability.h"
#include "generalize.h"
#include "intersect.h"
#include "policy.h"
#include "util.h"

static const struct policy_lib *find_same(const struct policy *p,
					  const struct policy_lib *l)
{
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *o = &p->libs[i];

		if (o->kind == l->kind && !strcmp(o->path, l->path) &&
		    !util__strcmp_null(o->build_id, l->build_id))
			return o;
	}
	return NULL;
}

static const struct policy_syscall *find_sc(const struct policy_lib *l,
					    uint32_t nr)
{
	size_t lo = 0, hi = l->nsyscalls;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->syscalls[mid].nr == nr)
			return &l->syscalls[mid];
		if (l->syscalls[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* d = d MEET s for one slot; false when nothing is allowed. */
static bool meet_rule(struct policy_argrule *d, const struct policy_argrule *s)
{
	if (s->kind == SF_ARGK_NONE || s->any)
		return true;
	if (d->kind == SF_ARGK_NONE || d->any) {
		*d = *s;
		return true;
	}
	if (d->kind == SF_ARGK_FLAGS) {
		d->allowed &= s->allowed;
		if (!d->deny_all_of)
			d->deny_all_of = s->deny_all_of;
		if ((d->deny_all_of & d->allowed) != d->deny_all_of)
			d->deny_all_of = 0; /* can no longer all be set */
		return true;
	}
	{
		uint8_t n = 0;

		for (uint8_t i = 0; i < d->nvalues; i++)
			for (uint8_t j = 0; j < s->nvalues; j++)
				if (d->values[i] == s->values[j]) {
					d->values[n++] = d->values[i];
					break;
				}
		d->nvalues = n;
		return n > 0;
	}
}

/* Meet of the argument rules of one syscall into d; false = empty. */
static bool meet_args(struct policy_syscall *d, const struct policy_syscall *s)
{
	if (!s->nargs)
		return true;
	if (!d->nargs) {
		d->nargs = s->nargs;
		memcpy(d->arg, s->arg, sizeof(d->arg));
		return true;
	}
	for (unsigned i = 0; i < d->nargs && i < SF_ARG_SLOTS; i++) {
		const struct sf_argslot *slot = gen__slot(d->nr, i);

		if (!meet_rule(&d->arg[i], &s->arg[i]))
			return false;
		gen__canon_rule(&d->arg[i], slot ? slot->mask : 0);
	}
	/* (level, option) pairs: the pairs both allow, at levels both allow */
	gen__canon_pairs(d);
	if (gen__is_pair(d->nr) && d->nargs > 1 && d->arg[1].kind == SF_ARGK_PAIR &&
	    !d->arg[1].any && !d->arg[1].nvalues)
		return false;
	return true;
}

/* A syscall that either input allows only partly by inference: what
 * both observed stays observed, the rest of the meet is inferred (from
 * both inputs' sources). */
static void mark_inferred(struct policy_syscall *w, const struct policy_syscall *sa,
			  const struct policy_syscall *sb,
			  const struct policy_syscall *m)
{
	struct policy_syscall oa, ob;
	uint64_t from[POLICY_FROM_WORDS];
	bool obs = capability__observed_part(sa, &oa) &&
		   capability__observed_part(sb, &ob) && meet_args(&oa, &ob);

	for (unsigned k = 0; k < POLICY_FROM_WORDS; k++)
		from[k] = sa->from[k] | sb->from[k];
	capability__set_parts(w, obs ? &oa : NULL, m, from,
			      sa->from_any || sb->from_any);
}

int policy__intersect(const struct policy *a, const struct policy *b,
		      struct policy **out)
{
	struct policy *p;
	int rc = -ENOMEM;

	if (!a || !b || !out)
		return -EINVAL;
	p = policy__new();
	if (!p)
		return -ENOMEM;
	if (util__dup(&p->binary, a->binary ? a->binary : b->binary) ||
	    util__dup(&p->binary_build_id, a->binary ? a->binary_build_id :
		      b->binary_build_id))
		goto fail;
	/* configuration: union (policy__merge of the library-less parts) */
	for (int k = 0; k < 2; k++) {
		const struct policy *src = k ? b : a;

		for (size_t i = 0; i < src->ncompartments; i++) {
			const struct policy_compartment *c = &src->compartments[i];

			rc = policy__add_compartment(p, c->name,
						     (const char *const *)c->libs,
						     c->nlibs);
			if (rc)
				goto fail;
		}
		for (size_t i = 0; i < src->ntransparent; i++) {
			char **nt;
			bool have = false;

			for (size_t j = 0; j < p->ntransparent; j++)
				have |= !strcmp(p->transparent[j],
						src->transparent[i]);
			if (have)
				continue;
			rc = -ENOMEM;
			nt = realloc(p->transparent, (p->ntransparent + 1) *
				     sizeof(*nt));
			if (!nt)
				goto fail;
			p->transparent = nt;
			nt[p->ntransparent] = strdup(src->transparent[i]);
			if (!nt[p->ntransparent])
				goto fail;
			p->ntransparent++;
		}
	}
	for (size_t i = 0; i < a->nlibs; i++) {
		const struct policy_lib *la = &a->libs[i];
		const struct policy_lib *lb = find_same(b, la);
		int li = -1;

		if (!lb)
			continue;
		for (size_t k = 0; k < la->nsyscalls; k++) {
			const struct policy_syscall *sa = &la->syscalls[k];
			const struct policy_syscall *sb = find_sc(lb, sa->nr);
			struct policy_syscall m;
			const struct policy_syscall *added;

			if (!sb)
				continue;
			m = *sa;
			if (!meet_args(&m, sb))
				continue;
			if (li < 0) {
				li = policy__add_lib(p, la->path, la->build_id,
						     la->kind);
				if (li < 0) {
					rc = li;
					goto fail;
				}
			}
			rc = policy__add_syscall(p, (size_t)li, sa->nr, sa->count,
						 sa->site ? sa->site : sb->site);
			if (!rc)
				rc = policy__add_syscall(p, (size_t)li, sa->nr,
							 sb->count, NULL);
			if (rc)
				goto fail;
			added = find_sc(&p->libs[li], sa->nr);
			if (added) {
				struct policy_syscall *w = (struct policy_syscall *)added;

				w->nargs = m.nargs;
				memcpy(w->arg, m.arg, sizeof(w->arg));
				if (sa->inferred || sb->inferred)
					mark_inferred(w, sa, sb, &m);
			}
		}
	}
	rc = policy__canonicalize(p);
	if (rc)
		goto fail;
	*out = p;
	return 0;
fail:
	policy__free(p);
	return rc;
}
