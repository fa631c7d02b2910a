/* policy.c - per-library policy model: building from traces, canonical
 * order, merge, compartments and syscall names.  The JSON writer is
 * policy_write.c, the validating reader policy_read.c; file format:
 * docs/policy-format.md.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capability.h"
#include "generalize.h"
#include "groups.h"
#include "policy.h"
#include "policy_internal.h"
#include "syscalls.h"
#include "util.h"

/* ---- model -------------------------------------------------------------- */

/* qsort that accepts (NULL, 0) */
void sort_n(void *base, size_t n, size_t size,
		   int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void lib_clear(struct policy_lib *l)
{
	free(l->path);
	free(l->build_id);
	for (size_t i = 0; i < l->nsyscalls; i++)
		free(l->syscalls[i].site);
	free(l->syscalls);
	objects__free(&l->objs);
	memset(l, 0, sizeof(*l));
}

void policy_lib__free(struct policy_lib *l)
{
	if (!l)
		return;
	lib_clear(l);
	free(l);
}

void policy__free(struct policy *p)
{
	if (!p)
		return;
	free(p->default_action);
	strv_free(p->architectures, p->narchitectures);
	free(p->binary);
	free(p->binary_build_id);
	strv_free(p->transparent, p->ntransparent);
	for (size_t i = 0; i < p->nlibs; i++)
		lib_clear(&p->libs[i]);
	free(p->libs);
	for (size_t i = 0; i < p->ncompartments; i++) {
		free(p->compartments[i].name);
		strv_free(p->compartments[i].libs, p->compartments[i].nlibs);
	}
	free(p->compartments);
	free(p);
}

/* ---- compartments --------------------------------------------------------- */

bool compartment_name_ok(const char *name)
{
	if (!name || !*name || strlen(name) > 64)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' ||
		      *c == '-'))
			return false;
	return true;
}

int policy__compartment_of(const struct policy *p, const char *path)
{
	if (!p || !path)
		return -1;
	for (size_t i = 0; i < p->ncompartments; i++)
		if (strv_has(p->compartments[i].libs, p->compartments[i].nlibs,
			     path))
			return (int)i;
	return -1;
}

int policy__add_compartment(struct policy *p, const char *name,
			    const char *const *paths, size_t npaths)
{
	struct policy_compartment *c = NULL;

	if (!p || !compartment_name_ok(name) || (npaths && !paths))
		return -EINVAL;
	for (size_t i = 0; i < npaths; i++) {
		int o;

		if (!paths[i] || paths[i][0] != '/')
			return -EINVAL;
		o = policy__compartment_of(p, paths[i]);
		if (o >= 0 && strcmp(p->compartments[o].name, name) != 0)
			return -EEXIST;
	}
	for (size_t i = 0; i < p->ncompartments; i++)
		if (!strcmp(p->compartments[i].name, name))
			c = &p->compartments[i];
	if (!c) {
		struct policy_compartment *nc;

		nc = realloc(p->compartments,
			     (p->ncompartments + 1) * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		p->compartments = nc;
		c = &nc[p->ncompartments];
		memset(c, 0, sizeof(*c));
		c->name = strdup(name);
		if (!c->name)
			return -ENOMEM;
		p->ncompartments++;
	}
	for (size_t i = 0; i < npaths; i++)
		if (!strv_has(c->libs, c->nlibs, paths[i]) &&
		    strv_push(&c->libs, &c->nlibs, paths[i]))
			return -ENOMEM;
	return 0;
}

struct policy *policy__new(void)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->version = POLICY_VERSION;
	p->default_action = strdup(DEFAULT_ACTION);
	if (!p->default_action ||
	    strv_push(&p->architectures, &p->narchitectures, NATIVE_ARCH)) {
		policy__free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

int lib_cmp(const struct policy_lib *a, const struct policy_lib *b)
{
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	c = util__strcmp_null(a->path, b->path);
	return c ? c : util__strcmp_null(a->build_id, b->build_id);
}

static int lib_qcmp(const void *a, const void *b)
{
	return lib_cmp(a, b);
}

int lib_find(const struct policy *p, const char *path,
		    const char *build_id, uint32_t kind)
{
	struct policy_lib key = { (char *)path, (char *)build_id, kind, NULL, 0 };

	for (size_t i = 0; i < p->nlibs; i++)
		if (lib_cmp(&p->libs[i], &key) == 0)
			return (int)i;
	return -1;
}

int policy__add_lib(struct policy *p, const char *path, const char *build_id,
		    uint32_t kind)
{
	struct policy_lib *nl, *l;
	int i;

	if (!p || !path || kind > LIB_KIND_BUCKET)
		return -EINVAL;
	i = lib_find(p, path, build_id, kind);
	if (i >= 0)
		return i;
	if (p->nlibs >= TRACE_MAX_LIBS)
		return -E2BIG;
	nl = realloc(p->libs, (p->nlibs + 1) * sizeof(*p->libs));
	if (!nl)
		return -ENOMEM;
	p->libs = nl;
	l = &nl[p->nlibs];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	if (util__dup(&l->path, path) || util__dup(&l->build_id, build_id)) {
		lib_clear(l);
		return -ENOMEM;
	}
	return (int)p->nlibs++;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Find or create nr in p->libs[lib]; count summed, first site kept.
 * args (may be NULL = leave the rules alone): a new syscall takes its
 * rules, an existing one joins them. */
int add_syscall_full(struct policy *p, size_t lib, uint32_t nr,
			    uint64_t count, const char *site,
			    const struct policy_syscall *args, unsigned max_values)
{
	struct policy_lib *l;
	struct policy_syscall *ns;
	size_t lo = 0, hi;

	if (!p || lib >= p->nlibs)
		return -EINVAL;
	l = &p->libs[lib];
	hi = l->nsyscalls;
	while (lo < hi) { /* first index with nr >= the new one */
		size_t mid = lo + (hi - lo) / 2;

		if (l->syscalls[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l->nsyscalls && l->syscalls[lo].nr == nr) {
		struct policy_syscall *s = &l->syscalls[lo];

		s->count = sat_add(s->count, count);
		if (args) {
			capability__join(s, args, max_values);
			/* observed elsewhere than in a log: no longer "from a
			 * log"; a purely inferred addition changes nothing */
			if (!args->inferred || args->observed)
				s->from_log = s->from_log && args->from_log;
		}
		if (!s->site && site)
			return util__dup(&s->site, site);
		return 0;
	}
	ns = realloc(l->syscalls, (l->nsyscalls + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	l->syscalls = ns;
	memmove(&ns[lo + 1], &ns[lo], (l->nsyscalls - lo) * sizeof(*ns));
	memset(&ns[lo], 0, sizeof(*ns));
	if (args) {
		ns[lo] = *args;
		ns[lo].site = NULL;
	}
	ns[lo].nr = nr;
	ns[lo].count = count;
	l->nsyscalls++;
	return util__dup(&ns[lo].site, site);
}

int policy__add_syscall(struct policy *p, size_t lib, uint32_t nr,
			uint64_t count, const char *site)
{
	return add_syscall_full(p, lib, nr, count, site, NULL, 0);
}

int policy__add_rule(struct policy *p, size_t lib,
		     const struct policy_syscall *sc, unsigned max_values)
{
	if (!sc)
		return -EINVAL;
	return add_syscall_full(p, lib, sc->nr, 0, NULL, sc, max_values);
}

void policy__mark_from_log(struct policy *p)
{
	for (size_t i = 0; p && i < p->nlibs; i++) {
		for (size_t k = 0; k < p->libs[i].nsyscalls; k++)
			p->libs[i].syscalls[k].from_log = 1;
		objects__mark_from_log(&p->libs[i].objs);
	}
}

/* A trace written before BPF read clone3's flags (no TRACE_F_MEM_ARGS)
 * holds a meaningless value for its SF_ARGF_MEM slots: the rule allows
 * any value there, as it did then. */
static void mem_slots_any(struct policy_lib *l, uint32_t nr)
{
	for (size_t k = 0; k < l->nsyscalls; k++) {
		struct policy_syscall *sc = &l->syscalls[k];

		if (sc->nr != nr)
			continue;
		for (unsigned i = 0; i < sc->nargs && i < SF_ARG_SLOTS; i++) {
			const struct sf_argslot *sl = gen__slot(nr, i);

			if (sl && sl->flags & SF_ARGF_MEM) {
				sc->arg[i].any = 1;
				gen__canon_rule(&sc->arg[i], sl->mask);
				if (sc->observed) {
					sc->obs_arg[i].any = 1;
					gen__canon_rule(&sc->obs_arg[i], sl->mask);
				}
			}
		}
	}
}

int policy__add_observation(struct policy *p, size_t lib, uint32_t nr,
			    uint64_t count, const uint64_t arg[TRACE_NARGS],
			    const struct gen_opts *opts)
{
	struct policy_syscall obs = { .nr = nr };
	uint64_t a[SF_ARG_SLOTS] = { 0 };

	for (size_t i = 0; i < SF_ARG_SLOTS && i < TRACE_NARGS; i++)
		a[i] = arg ? arg[i] : 0;
	gen__observe(&obs, nr, a);
	return add_syscall_full(p, lib, nr, count, NULL, &obs,
				gen__max_values(opts));
}

static int str_qcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int sc_qcmp(const void *a, const void *b)
{
	const struct policy_syscall *x = a, *y = b;

	return (x->nr > y->nr) - (x->nr < y->nr);
}

static int compartment_qcmp(const void *a, const void *b)
{
	return strcmp(((const struct policy_compartment *)a)->name,
		      ((const struct policy_compartment *)b)->name);
}

int policy__canonicalize(struct policy *p)
{
	size_t w;

	if (!p)
		return -EINVAL;
	for (size_t i = 0; i < p->nlibs; i++)
		if (!p->libs[i].path || p->libs[i].kind > LIB_KIND_BUCKET)
			return -EINVAL;
	for (size_t i = 0; i < p->ntransparent; i++)
		if (!p->transparent[i])
			return -EINVAL;

	/* transparent: sorted, unique */
	sort_n(p->transparent, p->ntransparent, sizeof(char *), str_qcmp);
	w = 0;
	for (size_t r = 0; r < p->ntransparent; r++) {
		if (w && strcmp(p->transparent[r], p->transparent[w - 1]) == 0)
			free(p->transparent[r]);
		else
			p->transparent[w++] = p->transparent[r];
	}
	p->ntransparent = w;

	/* compartments: by name, members sorted (unique by construction) */
	for (size_t i = 0; i < p->ncompartments; i++)
		sort_n(p->compartments[i].libs, p->compartments[i].nlibs,
		       sizeof(char *), str_qcmp);
	sort_n(p->compartments, p->ncompartments, sizeof(*p->compartments),
	       compartment_qcmp);

	/* libraries: sorted (qsort is not stable: order is a total order on
	 * identity, so only duplicates compare equal and they are folded) */
	sort_n(p->libs, p->nlibs, sizeof(*p->libs), lib_qcmp);
	w = 0;
	for (size_t r = 0; r < p->nlibs; r++) {
		struct policy_lib *l = &p->libs[r];

		if (w && lib_cmp(&p->libs[w - 1], l) == 0) {
			for (size_t k = 0; k < l->nsyscalls; k++) {
				int rc = add_syscall_full(p, w - 1,
							  l->syscalls[k].nr,
							  l->syscalls[k].count,
							  l->syscalls[k].site,
							  &l->syscalls[k],
							  GEN_MAX_VALUES_DEFAULT);
				if (rc)
					return rc;
			}
			if (objects__merge(&p->libs[w - 1].objs, &l->objs))
				return -ENOMEM;
			lib_clear(l);
			continue;
		}
		if (w != r) {
			p->libs[w] = *l;
			memset(l, 0, sizeof(*l));
		}
		w++;
	}
	p->nlibs = w;

	/* syscalls: sorted by nr, unique */
	for (size_t i = 0; i < p->nlibs; i++) {
		struct policy_lib *l = &p->libs[i];

		sort_n(l->syscalls, l->nsyscalls, sizeof(*l->syscalls), sc_qcmp);
		w = 0;
		for (size_t r = 0; r < l->nsyscalls; r++) {
			struct policy_syscall *s = &l->syscalls[r];

			if (w && l->syscalls[w - 1].nr == s->nr) {
				struct policy_syscall *d = &l->syscalls[w - 1];

				d->count = sat_add(d->count, s->count);
				capability__join(d, s, GEN_MAX_VALUES_DEFAULT);
				if (!d->site) {
					d->site = s->site;
				} else {
					free(s->site);
				}
				s->site = NULL;
				continue;
			}
			if (w != r)
				l->syscalls[w] = *s;
			w++;
		}
		l->nsyscalls = w;
	}
	return 0;
}

/* ---- from a trace ------------------------------------------------------- */

int policy__from_trace(const struct trace *t, struct policy **out, char *err,
		       size_t errlen)
{
	return policy__from_trace_opts(t, NULL, out, err, errlen);
}

/* The --generalize level of paths (docs/paths.md). */
static unsigned objs_level_of(const struct gen_opts *opts)
{
	if (!opts)
		return OBJS_STANDARD;
	return opts->level == GEN_LEVEL_NONE ? OBJS_NONE :
	       opts->level == GEN_LEVEL_BROAD ? OBJS_BROAD : OBJS_STANDARD;
}

int policy__from_trace_opts(const struct trace *t, const struct gen_opts *opts,
			    struct policy **out, char *err, size_t errlen)
{
	struct policy *p;
	int *map = NULL;
	int rc = -ENOMEM;

	if (!t || !out) {
		util__errf(err, errlen, "cannot build policy: invalid argument");
		return -EINVAL;
	}
	p = policy__new();
	if (!p)
		goto nomem;
	map = malloc((t->nlibs ? t->nlibs : 1) * sizeof(*map));
	if (!map)
		goto nomem;
	for (size_t i = 0; i < t->nlibs; i++)
		map[i] = -1;
	if (util__dup(&p->binary, t->binary) ||
	    util__dup(&p->binary_build_id, t->binary_build_id))
		goto nomem;
	p->runtime_buckets = !!(t->flags & TRACE_F_RUNTIME_BUCKETS);
	for (size_t i = 0; i < t->ntransparent; i++)
		if (t->transparent[i] &&
		    strv_push(&p->transparent, &p->ntransparent, t->transparent[i]))
			goto nomem;

	for (size_t i = 0; i < t->ntuples; i++) {
		const struct trace_tuple *tu = &t->tuples[i];
		const struct trace_lib *tl;

		if (tu->lib >= t->nlibs || !t->libs[tu->lib].path) {
			rc = -EINVAL;
			util__errf(err, errlen, "cannot build policy: tuple %zu "
				   "names library %u of %zu", i, tu->lib, t->nlibs);
			goto fail;
		}
		tl = &t->libs[tu->lib];
		if (!syscall__name(tu->nr)) {
			rc = -EINVAL;
			util__errf(err, errlen, "cannot build policy: syscall "
				   "number %u (called from %s) has no x86_64 name "
				   "in libseccomp", tu->nr, tl->path);
			goto fail;
		}
		if (map[tu->lib] < 0) {
			rc = policy__add_lib(p, tl->path, tl->build_id, tl->kind);
			if (rc < 0) {
				util__errf(err, errlen, "cannot build policy: %s",
					   strerror(-rc));
				goto fail;
			}
			map[tu->lib] = rc;
		}
		rc = policy__add_observation(p, (size_t)map[tu->lib], tu->nr,
					     tu->count, tu->arg, opts);
		if (rc)
			goto nomem;
		if (!(t->flags & TRACE_F_MEM_ARGS))
			mem_slots_any(&p->libs[map[tu->lib]], tu->nr);
	}
	for (size_t i = 0; i < t->nsites; i++) {
		const struct trace_site *si = &t->sites[i];
		char buf[32];

		/* sites only annotate syscalls that have tuples */
		if (si->lib >= t->nlibs || map[si->lib] < 0)
			continue;
		{
			struct policy_lib *l = &p->libs[map[si->lib]];
			bool have = false;

			for (size_t k = 0; k < l->nsyscalls; k++)
				have |= l->syscalls[k].nr == si->nr;
			if (!have)
				continue;
		}
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)si->off);
		rc = policy__add_syscall(p, (size_t)map[si->lib], si->nr, 0,
					 si->sym ? si->sym : buf);
		if (rc)
			goto nomem;
	}
	/* paths and ports (issue 17); a library with objects and no tuple
	 * comes from a violation log's floor denial (its calls were allowed,
	 * Landlock denied their paths) */
	for (size_t i = 0; i < t->nobjs; i++) {
		const struct trace_obj *ob = &t->objs[i];

		if (ob->lib >= t->nlibs || map[ob->lib] >= 0 || !t->libs[ob->lib].path)
			continue;
		rc = policy__add_lib(p, t->libs[ob->lib].path, t->libs[ob->lib].build_id,
				     t->libs[ob->lib].kind);
		if (rc < 0) {
			util__errf(err, errlen, "cannot build policy: %s", strerror(-rc));
			goto fail;
		}
		map[ob->lib] = rc;
	}
	if (t->nobjs && objects__from_trace(p, t, map, objs_level_of(opts)))
		goto nomem;
	rc = policy__canonicalize(p);
	if (rc)
		goto nomem;
	free(map);
	*out = p;
	return 0;
nomem:
	rc = -ENOMEM;
	util__errf(err, errlen, "cannot build policy: %s", strerror(ENOMEM));
fail:
	free(map);
	policy__free(p);
	return rc;
}

/* ---- merge -------------------------------------------------------------- */

int policy__merge(struct policy *dst, const struct policy *src)
{
	return policy__merge_opts(dst, src, NULL);
}

int policy__merge_opts(struct policy *dst, const struct policy *src,
		       const struct gen_opts *opts)
{
	int rc;

	if (!dst || !src || dst == src)
		return -EINVAL;
	if (!dst->default_action && util__dup(&dst->default_action,
					      src->default_action))
		return -ENOMEM;
	if (!dst->narchitectures)
		for (size_t i = 0; i < src->narchitectures; i++)
			if (strv_push(&dst->architectures, &dst->narchitectures,
				      src->architectures[i]))
				return -ENOMEM;
	if (!dst->binary && src->binary) {
		free(dst->binary_build_id);
		if (util__dup(&dst->binary, src->binary) ||
		    util__dup(&dst->binary_build_id, src->binary_build_id))
			return -ENOMEM;
	}
	/* the buckets of src come along: enforce must produce them */
	dst->runtime_buckets = dst->runtime_buckets || src->runtime_buckets;
	for (size_t i = 0; i < src->ntransparent; i++)
		if (!strv_has(dst->transparent, dst->ntransparent,
			      src->transparent[i]) &&
		    strv_push(&dst->transparent, &dst->ntransparent,
			      src->transparent[i]))
			return -ENOMEM;
	for (size_t i = 0; i < src->ncompartments; i++) {
		const struct policy_compartment *c = &src->compartments[i];

		rc = policy__add_compartment(dst, c->name,
					     (const char *const *)c->libs,
					     c->nlibs);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < src->nlibs; i++) {
		const struct policy_lib *l = &src->libs[i];
		int d = policy__add_lib(dst, l->path, l->build_id, l->kind);

		if (d < 0)
			return d;
		for (size_t k = 0; k < l->nsyscalls; k++) {
			rc = add_syscall_full(dst, (size_t)d, l->syscalls[k].nr,
					      l->syscalls[k].count,
					      l->syscalls[k].site, &l->syscalls[k],
					      gen__max_values(opts));
			if (rc)
				return rc;
		}
		rc = objects__merge(&dst->libs[d].objs, &l->objs);
		if (rc)
			return rc;
	}
	return policy__canonicalize(dst);
}

int policy__union(const struct policy *p, struct policy_syscall *out,
		  size_t nout)
{
	if (!p || !out)
		return -EINVAL;
	memset(out, 0, nout * sizeof(*out));
	for (size_t i = 0; i < nout; i++)
		out[i].nr = (uint32_t)i;
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];

		for (size_t k = 0; k < l->nsyscalls; k++) {
			const struct policy_syscall *s = &l->syscalls[k];
			struct policy_syscall *u;

			if (s->nr >= nout)
				return -ERANGE;
			u = &out[s->nr];
			if (!u->count++) {
				u->nargs = s->nargs;
				memcpy(u->arg, s->arg, sizeof(u->arg));
			} else {
				gen__join_args(u, s, GEN_MAX_VALUES_DEFAULT);
			}
		}
	}
	return 0;
}

/* ---- names -------------------------------------------------------------- */

/* "unknown WHAT 'name'", and "; did you mean 'hint'?" when one is close. */
static int unknown_name(char *err, size_t errlen, const char *what,
			const char *name, const char *hint)
{
	util__errf(err, errlen, "unknown %s '%s'%s%s%s", what, name,
		   hint ? "; did you mean '" : "", hint ? hint : "",
		   hint ? "'?" : "");
	return -ENOENT;
}

int policy__resolve_name(const char *name, uint32_t *nrs, size_t cap,
			 char *err, size_t errlen)
{
	int nr;

	if (!name) {
		util__errf(err, errlen, "missing syscall name");
		return -EINVAL;
	}
	if (name[0] == '@') {
		/* syscall groups (learner/groups.c) stand for their members */
		int n = groups__expand(name, nrs, cap);

		return n >= 0 ? n : unknown_name(err, errlen, "group", name,
						 groups__suggest(name));
	}
	nr = syscall__nr(name);
	if (nr < 0)
		return unknown_name(err, errlen, "syscall name", name,
				    syscall__suggest(name));
	if (cap && nrs)
		nrs[0] = (uint32_t)nr;
	return 1;
}
