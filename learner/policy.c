/* policy.c - per-library policy model, deterministic JSON writer and a
 * validating JSON reader.  File format: docs/policy-format.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fileio.h"
#include "generalize.h"
#include "groups.h"
#include "policy.h"
#include "syscalls.h"
#include "util.h"

static const char *const kind_names[] = {
	[LIB_KIND_EXECUTABLE] = "executable",
	[LIB_KIND_LIBRARY] = "library",
	[LIB_KIND_BUCKET] = "bucket",
};

#define DEFAULT_ACTION "SCMP_ACT_KILL_PROCESS"
#define ALLOW_ACTION "SCMP_ACT_ALLOW"
#define NATIVE_ARCH "SCMP_ARCH_X86_64"
/* policy files larger than this are refused */
#define POLICY_READ_CAP ((size_t)64 << 20)
/* largest evidence count that survives a JSON (double) round trip */
#define MAX_EXACT_COUNT 9007199254740992.0 /* 2^53 */
#define MAX_EXACT_COUNT_U (1ULL << 53)

/* ---- model -------------------------------------------------------------- */

/* qsort that accepts (NULL, 0) */
static void sort_n(void *base, size_t n, size_t size,
		   int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static void lib_clear(struct policy_lib *l)
{
	free(l->path);
	free(l->build_id);
	for (size_t i = 0; i < l->nsyscalls; i++)
		free(l->syscalls[i].site);
	free(l->syscalls);
	memset(l, 0, sizeof(*l));
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
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

/* Append a copy of s to *v (no dedupe). */
static int strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static bool strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* ---- compartments --------------------------------------------------------- */

static bool compartment_name_ok(const char *name)
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

int policy__compartment_rules(const struct policy *p, size_t lib,
			      bool *allowed)
{
	int ci, n = 0;

	if (!p || lib >= p->nlibs || !allowed)
		return -EINVAL;
	memset(allowed, 0, SYSCALL_NR_MAX * sizeof(*allowed));
	ci = p->libs[lib].kind == LIB_KIND_BUCKET ? -1 :
	     policy__compartment_of(p, p->libs[lib].path);
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];

		if (i != lib && (ci < 0 || l->kind == LIB_KIND_BUCKET ||
				 policy__compartment_of(p, l->path) != ci))
			continue;
		for (size_t k = 0; k < l->nsyscalls; k++)
			if (l->syscalls[k].nr < SYSCALL_NR_MAX &&
			    !allowed[l->syscalls[k].nr]) {
				allowed[l->syscalls[k].nr] = true;
				n++;
			}
	}
	return n;
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

static int lib_cmp(const struct policy_lib *a, const struct policy_lib *b)
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

static int lib_find(const struct policy *p, const char *path,
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
static int add_syscall_full(struct policy *p, size_t lib, uint32_t nr,
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
		if (args)
			gen__join_args(s, args, max_values);
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
	ns[lo].nr = nr;
	ns[lo].count = count;
	if (args) {
		ns[lo].nargs = args->nargs;
		memcpy(ns[lo].arg, args->arg, sizeof(ns[lo].arg));
	}
	l->nsyscalls++;
	return util__dup(&ns[lo].site, site);
}

int policy__add_syscall(struct policy *p, size_t lib, uint32_t nr,
			uint64_t count, const char *site)
{
	return add_syscall_full(p, lib, nr, count, site, NULL, 0);
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
				gen__join_args(d, s, GEN_MAX_VALUES_DEFAULT);
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

/* ---- JSON writer -------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		b->err = EINVAL;
		return;
	}
	sb_put(b, buf, (size_t)n);
}

static void sb_indent(struct sbuf *b, int level)
{
	static const char spaces[] = "                                ";

	sb_put(b, spaces, (size_t)(2 * level) < sizeof(spaces) - 1 ?
	       (size_t)(2 * level) : sizeof(spaces) - 1);
}

/* JSON string; bytes >= 0x80 pass through unchanged (UTF-8 expected). */
static void sb_json_str(struct sbuf *b, const char *s)
{
	if (!s) {
		sb_puts(b, "null");
		return;
	}
	sb_put(b, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\b': sb_puts(b, "\\b"); break;
		case '\f': sb_puts(b, "\\f"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\t': sb_puts(b, "\\t"); break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				sb_printf(b, "\\u%04x", *c);
			else
				sb_put(b, (const char *)c, 1);
		}
	}
	sb_put(b, "\"", 1);
}

/* "key": (after indentation) */
static void sb_key(struct sbuf *b, int level, const char *key)
{
	sb_indent(b, level);
	sb_json_str(b, key);
	sb_puts(b, ": ");
}

/* Array of strings, one per line; "[]" when empty.  No trailing newline. */
static void sb_str_array(struct sbuf *b, int level, const char *const *v,
			 size_t n)
{
	if (!n) {
		sb_puts(b, "[]");
		return;
	}
	sb_puts(b, "[\n");
	for (size_t i = 0; i < n; i++) {
		sb_indent(b, level + 1);
		sb_json_str(b, v[i]);
		sb_puts(b, i + 1 < n ? ",\n" : "\n");
	}
	sb_indent(b, level);
	sb_puts(b, "]");
}

static int cstr_qcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct named_sc {
	const char *name;
	const struct policy_syscall *sc;
};

static int named_qcmp(const void *a, const void *b)
{
	return strcmp(((const struct named_sc *)a)->name,
		      ((const struct named_sc *)b)->name);
}

static void sb_entry_open(struct sbuf *b, int level, const char **names,
			  size_t n)
{
	sb_indent(b, level);
	sb_puts(b, "{\n");
	sb_key(b, level + 1, "names");
	sb_str_array(b, level + 1, names, n);
	sb_puts(b, ",\n");
	sb_key(b, level + 1, "action");
	sb_json_str(b, ALLOW_ACTION);
}

/* One entry per alternative of a syscall with argument conditions
 * (docs/arguments.md); widened (library sections only) lists the argument
 * indexes whose rule was widened to any value. */
static void sb_arg_entries(struct sbuf *b, int level, const char *name,
			   const struct policy_syscall *sc, bool lib_section,
			   struct arg_alt *alts, bool *first)
{
	unsigned widened = lib_section ? gen__widened_mask(sc) : 0;
	int n = gen__alternatives(sc, alts, GEN_MAX_ALTS);

	if (n < 0) {
		b->err = -n;
		return;
	}
	for (int k = 0; k < n; k++) {
		const struct arg_alt *a = &alts[k];

		sb_puts(b, *first ? "" : ",\n");
		*first = false;
		sb_entry_open(b, level, &name, 1);
		if (a->n) {
			sb_puts(b, ",\n");
			sb_key(b, level + 1, "args");
			sb_puts(b, "[\n");
			for (unsigned c = 0; c < a->n; c++) {
				const struct arg_cond *cd = &a->c[c];

				sb_indent(b, level + 2);
				sb_puts(b, "{\n");
				sb_key(b, level + 3, "index");
				sb_printf(b, "%u,\n", cd->idx);
				sb_key(b, level + 3, "value");
				sb_printf(b, "%llu,\n", (unsigned long long)cd->a);
				sb_key(b, level + 3, "valueTwo");
				sb_printf(b, "%llu,\n", (unsigned long long)cd->b);
				sb_key(b, level + 3, "op");
				sb_json_str(b, cd->op == ARGC_EQ ? "SCMP_CMP_EQ"
								 : "SCMP_CMP_MASKED_EQ");
				sb_puts(b, "\n");
				sb_indent(b, level + 2);
				sb_puts(b, c + 1 < a->n ? "},\n" : "}\n");
			}
			sb_indent(b, level + 1);
			sb_puts(b, "]");
		}
		if (widened) {
			bool wfirst = true;

			sb_puts(b, ",\n");
			sb_key(b, level + 1, "widened");
			sb_puts(b, "[\n");
			for (unsigned i = 0; i < 6; i++) {
				if (!(widened & (1u << i)))
					continue;
				sb_puts(b, wfirst ? "" : ",\n");
				wfirst = false;
				sb_indent(b, level + 2);
				sb_printf(b, "%u", i);
			}
			sb_puts(b, "\n");
			sb_indent(b, level + 1);
			sb_puts(b, "]");
		}
		sb_puts(b, "\n");
		sb_indent(b, level);
		sb_puts(b, "}");
	}
}

/* "syscalls": [...] or [].  ev: the syscalls sorted by name; names:
 * scratch for n names.  Syscalls without conditions share one entry
 * (first); each syscall with conditions (or, in library sections, a
 * widened argument) gets its own entries, in name order. */
static void sb_rules(struct sbuf *b, int level, const struct named_sc *ev,
		     size_t n, const char **names, bool lib_section)
{
	struct arg_alt *alts = NULL;
	size_t nplain = 0;
	bool first = true;

	for (size_t k = 0; k < n; k++)
		if (!gen__has_conditions(ev[k].sc) &&
		    !(lib_section && gen__widened_mask(ev[k].sc)))
			names[nplain++] = ev[k].name;
	sb_key(b, level, "syscalls");
	if (!n) {
		sb_puts(b, "[]");
		return;
	}
	sb_puts(b, "[\n");
	if (nplain) {
		sb_entry_open(b, level + 1, names, nplain);
		sb_puts(b, "\n");
		sb_indent(b, level + 1);
		sb_puts(b, "}");
		first = false;
	}
	if (nplain < n) {
		alts = malloc(GEN_MAX_ALTS * sizeof(*alts));
		if (!alts) {
			b->err = ENOMEM;
			return;
		}
	}
	for (size_t k = 0; k < n && nplain < n; k++)
		if (gen__has_conditions(ev[k].sc) ||
		    (lib_section && gen__widened_mask(ev[k].sc)))
			sb_arg_entries(b, level + 1, ev[k].name, ev[k].sc,
				       lib_section, alts, &first);
	free(alts);
	sb_puts(b, "\n");
	sb_indent(b, level);
	sb_puts(b, "]");
}

static int lib_pqcmp(const void *a, const void *b)
{
	return lib_cmp(*(const struct policy_lib *const *)a,
		       *(const struct policy_lib *const *)b);
}

static void sb_lib(struct sbuf *b, const struct policy_lib *l, int level,
		   const char **names, struct named_sc *ev)
{
	size_t n = 0;

	for (size_t k = 0; k < l->nsyscalls; k++) {
		const char *name = syscall__name(l->syscalls[k].nr);

		if (!name) {
			b->err = EINVAL;
			return;
		}
		ev[n].name = name;
		ev[n].sc = &l->syscalls[k];
		n++;
	}
	sort_n(ev, n, sizeof(*ev), named_qcmp);

	sb_indent(b, level);
	sb_puts(b, "{\n");
	sb_key(b, level + 1, "path");
	sb_json_str(b, l->path);
	sb_puts(b, ",\n");
	sb_key(b, level + 1, "buildId");
	sb_json_str(b, l->build_id);
	sb_puts(b, ",\n");
	sb_key(b, level + 1, "kind");
	sb_json_str(b, kind_names[l->kind]);
	sb_puts(b, ",\n");
	sb_rules(b, level + 1, ev, n, names, true);
	sb_puts(b, ",\n");
	sb_key(b, level + 1, "evidence");
	{
		size_t nev = 0;

		for (size_t k = 0; k < n; k++)
			nev += ev[k].sc->count || ev[k].sc->site;
		if (!nev) {
			sb_puts(b, "{}\n");
		} else {
			sb_puts(b, "{\n");
			for (size_t k = 0; k < n; k++) {
				const struct policy_syscall *s = ev[k].sc;

				if (!s->count && !s->site)
					continue;
				sb_key(b, level + 2, ev[k].name);
				sb_puts(b, "{\n");
				sb_key(b, level + 3, "count");
				/* JSON numbers are doubles: saturate where they
				 * stop being exact, so the file stays loadable */
				sb_printf(b, "%llu,\n", (unsigned long long)
					  (s->count > MAX_EXACT_COUNT_U ?
					   MAX_EXACT_COUNT_U : s->count));
				sb_key(b, level + 3, "site");
				sb_json_str(b, s->site);
				sb_puts(b, "\n");
				sb_indent(b, level + 2);
				sb_puts(b, --nev ? "},\n" : "}\n");
			}
			sb_indent(b, level + 1);
			sb_puts(b, "}\n");
		}
	}
	sb_indent(b, level);
	sb_puts(b, "}");
}

/* with_sysfence false: the plain OCI profile (union only). */
static char *to_json(const struct policy *p, bool with_sysfence)
{
	const struct policy_lib **libs = NULL;
	const char **names = NULL, **trans = NULL;
	struct named_sc *ev = NULL, *uev = NULL;
	struct policy_syscall *uni = NULL;
	struct sbuf b = { 0 };
	size_t maxsc = 0, n = 0;

	if (!p || !p->default_action) {
		errno = EINVAL;
		return NULL;
	}
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];

		if (!l->path || l->kind > LIB_KIND_BUCKET) {
			errno = EINVAL;
			return NULL;
		}
		if (l->nsyscalls > maxsc)
			maxsc = l->nsyscalls;
		for (size_t k = 0; k < l->nsyscalls; k++) {
			if (!syscall__name(l->syscalls[k].nr)) {
				errno = EINVAL;
				return NULL;
			}
		}
	}
	libs = malloc((p->nlibs + 1) * sizeof(*libs));
	names = malloc((maxsc > SYSCALL_NR_MAX ? maxsc : SYSCALL_NR_MAX) *
		       sizeof(*names));
	ev = malloc((maxsc + 1) * sizeof(*ev));
	trans = malloc((p->ntransparent + 1) * sizeof(*trans));
	uni = malloc(SYSCALL_NR_MAX * sizeof(*uni));
	uev = malloc(SYSCALL_NR_MAX * sizeof(*uev));
	if (!libs || !names || !ev || !trans || !uni || !uev ||
	    policy__union(p, uni, SYSCALL_NR_MAX)) {
		b.err = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < p->nlibs; i++)
		libs[i] = &p->libs[i];
	sort_n(libs, p->nlibs, sizeof(*libs), lib_pqcmp);
	for (size_t i = 0; i < p->ntransparent; i++)
		trans[i] = p->transparent[i];
	sort_n(trans, p->ntransparent, sizeof(*trans), cstr_qcmp);

	sb_puts(&b, "{\n");
	sb_key(&b, 1, "defaultAction");
	sb_json_str(&b, p->default_action);
	sb_puts(&b, ",\n");
	sb_key(&b, 1, "architectures");
	sb_str_array(&b, 1, (const char *const *)p->architectures,
		     p->narchitectures);
	sb_puts(&b, ",\n");
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++)
		if (uni[nr].count) {
			uev[n].name = syscall__name(nr);
			uev[n++].sc = &uni[nr];
		}
	sort_n(uev, n, sizeof(*uev), named_qcmp);
	sb_rules(&b, 1, uev, n, names, false);
	if (!with_sysfence) {
		sb_puts(&b, "\n}\n");
		goto out;
	}
	sb_puts(&b, ",\n");

	sb_key(&b, 1, "sysfence");
	sb_puts(&b, "{\n");
	sb_key(&b, 2, "version");
	sb_printf(&b, "%u,\n", POLICY_VERSION);
	sb_key(&b, 2, "binary");
	if (!p->binary && !p->binary_build_id) {
		sb_puts(&b, "null,\n");
	} else {
		sb_puts(&b, "{\n");
		sb_key(&b, 3, "path");
		sb_json_str(&b, p->binary);
		sb_puts(&b, ",\n");
		sb_key(&b, 3, "buildId");
		sb_json_str(&b, p->binary_build_id);
		sb_puts(&b, "\n");
		sb_indent(&b, 2);
		sb_puts(&b, "},\n");
	}
	sb_key(&b, 2, "transparent");
	sb_str_array(&b, 2, trans, p->ntransparent);
	sb_puts(&b, ",\n");
	if (p->runtime_buckets) {
		/* written only when set: policies learned before the runtime
		 * buckets read back (and write) unchanged */
		sb_key(&b, 2, "runtimeBuckets");
		sb_puts(&b, "true,\n");
	}
	sb_key(&b, 2, "libraries");
	if (!p->nlibs) {
		sb_puts(&b, "[]\n");
	} else {
		sb_puts(&b, "[\n");
		for (size_t i = 0; i < p->nlibs; i++) {
			sb_lib(&b, libs[i], 3, names, ev);
			sb_puts(&b, i + 1 < p->nlibs ? ",\n" : "\n");
		}
		sb_indent(&b, 2);
		sb_puts(&b, p->ncompartments ? "],\n" : "]\n");
	}
	if (p->ncompartments) { /* only when present: older files unchanged */
		sb_key(&b, 2, "compartments");
		sb_puts(&b, "[\n");
		for (size_t i = 0; i < p->ncompartments; i++) {
			const struct policy_compartment *c = &p->compartments[i];

			sb_indent(&b, 3);
			sb_puts(&b, "{\n");
			sb_key(&b, 4, "name");
			sb_json_str(&b, c->name);
			sb_puts(&b, ",\n");
			sb_key(&b, 4, "libraries");
			sb_str_array(&b, 4, (const char *const *)c->libs,
				     c->nlibs);
			sb_puts(&b, "\n");
			sb_indent(&b, 3);
			sb_puts(&b, i + 1 < p->ncompartments ? "},\n" : "}\n");
		}
		sb_indent(&b, 2);
		sb_puts(&b, "]\n");
	}
	sb_indent(&b, 1);
	sb_puts(&b, "}\n");
	sb_puts(&b, "}\n");
out:
	free(libs);
	free(names);
	free(ev);
	free(trans);
	free(uni);
	free(uev);
	if (b.err) {
		free(b.p);
		errno = b.err;
		return NULL;
	}
	return b.p;
}

char *policy__to_json(const struct policy *p)
{
	return to_json(p, true);
}

char *policy__to_oci_json(const struct policy *p)
{
	return to_json(p, false);
}

int policy__write(const struct policy *p, const char *path, char *err,
		  size_t errlen)
{
	char *json;
	int rc;

	if (!path) {
		util__errf(err, errlen, "cannot write policy: invalid argument");
		return -EINVAL;
	}
	json = policy__to_json(p);
	if (!json) {
		rc = -errno;
		util__errf(err, errlen, "cannot write %s: %s", path,
			   rc == -EINVAL ? "invalid policy (missing path, bad "
					   "kind or unnamed syscall)"
					 : strerror(-rc));
		return rc;
	}
	rc = fileio__write_atomic(path, json, strlen(json), err, errlen);
	free(json);
	return rc;
}

/* ---- names -------------------------------------------------------------- */

int policy__resolve_name(const char *name, uint32_t *nrs, size_t cap,
			 char *err, size_t errlen)
{
	const char *hint;
	int nr;

	if (!name) {
		util__errf(err, errlen, "missing syscall name");
		return -EINVAL;
	}
	if (name[0] == '@') {
		/* syscall groups (learner/groups.c) stand for their members */
		int n = groups__expand(name, nrs, cap);

		if (n >= 0)
			return n;
		hint = groups__suggest(name);
		if (hint)
			util__errf(err, errlen, "unknown group '%s'; did you mean "
				   "'%s'?", name, hint);
		else
			util__errf(err, errlen, "unknown group '%s'", name);
		return -ENOENT;
	}
	nr = syscall__nr(name);
	if (nr < 0) {
		hint = syscall__suggest(name);
		if (hint)
			util__errf(err, errlen, "unknown syscall name '%s'; did "
				   "you mean '%s'?", name, hint);
		else
			util__errf(err, errlen, "unknown syscall name '%s'", name);
		return -ENOENT;
	}
	if (cap && nrs)
		nrs[0] = (uint32_t)nr;
	return 1;
}

/* ---- JSON reader -------------------------------------------------------- */

/* Where each JSON value starts in the text (pre-order, as cJSON builds
 * its tree): gives line numbers, and the exact digits of 64-bit numbers,
 * which cJSON only keeps as doubles. */
struct vnode {
	const cJSON *node;
	const char *start;
	unsigned line;
};

struct pctx {
	const char *name;
	char *err;
	size_t errlen;
	struct vnode *vn;  /* sorted by node; NULL when unavailable */
	size_t nvn;
};

/* Start of every value (not keys) in document order; returns the count
 * or -ENOMEM.  The text is valid JSON (cJSON accepted it). */
static long scan_values(const char *s, size_t len, struct vnode **out)
{
	struct vnode *v = NULL;
	size_t n = 0, cap = 0;
	unsigned line = 1;

	for (size_t i = 0; i < len;) {
		char ch = s[i];
		bool value = true;
		size_t j = i + 1;

		if (ch == '\n') {
			line++;
			i++;
			continue;
		}
		if (strchr(" \t\r,:]}", ch)) {
			i++;
			continue;
		}
		if (ch == '"') {
			while (j < len && s[j] != '"')
				j += s[j] == '\\' ? 2 : 1;
			j++;
			{
				size_t k = j;

				while (k < len && strchr(" \t\r\n", s[k]))
					k++;
				value = !(k < len && s[k] == ':');
			}
		} else if (ch != '{' && ch != '[') {
			while (j < len && !strchr(" \t\r\n,:]}", s[j]))
				j++;
		}
		if (value) {
			if (n == cap) {
				struct vnode *nv;

				cap = cap ? 2 * cap : 256;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
			}
			v[n].node = NULL;
			v[n].start = s + i;
			v[n++].line = line;
		}
		i = ch == '{' || ch == '[' ? i + 1 : j;
	}
	*out = v;
	return (long)n;
}

static void assign_nodes(const cJSON *it, struct vnode *v, size_t n, size_t *k,
			 bool *ok)
{
	for (; it && *ok; it = it->next) {
		if (*k >= n) {
			*ok = false;
			return;
		}
		v[(*k)++].node = it;
		assign_nodes(it->child, v, n, k, ok);
	}
}

static int vnode_qcmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct vnode *)a)->node;
	uintptr_t y = (uintptr_t)((const struct vnode *)b)->node;

	return (x > y) - (x < y);
}

/* Build c->vn for root parsed from text; on any mismatch leave it NULL
 * (messages then lack line numbers; exact numbers fall back to doubles). */
static int index_values(struct pctx *c, const cJSON *root, const char *text,
			size_t len)
{
	struct vnode *v = NULL;
	long n = scan_values(text, len, &v);
	size_t k = 0;
	bool ok = true;

	if (n < 0)
		return (int)n;
	assign_nodes(root, v, (size_t)n, &k, &ok);
	if (!ok || k != (size_t)n) {
		free(v);
		return 0;
	}
	sort_n(v, k, sizeof(*v), vnode_qcmp);
	c->vn = v;
	c->nvn = k;
	return 0;
}

static const struct vnode *vnode_of(const struct pctx *c, const cJSON *node)
{
	struct vnode key = { .node = node };

	if (!c->vn)
		return NULL;
	return bsearch(&key, c->vn, c->nvn, sizeof(*c->vn), vnode_qcmp);
}

__attribute__((format(printf, 2, 3)))
static int perr(struct pctx *c, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	util__errf(c->err, c->errlen, "%s: %s", c->name, msg);
	return -EINVAL;
}

/* perr with the line of node: "p.json:42: path: msg" */
__attribute__((format(printf, 3, 4)))
static int perr_at(struct pctx *c, const cJSON *node, const char *fmt, ...)
{
	const struct vnode *v = vnode_of(c, node);
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v)
		util__errf(c->err, c->errlen, "%s:%u: %s", c->name, v->line, msg);
	else
		util__errf(c->err, c->errlen, "%s: %s", c->name, msg);
	return -EINVAL;
}

/* JSON paths: silently truncated (messages stay one line, bounded). */
__attribute__((format(printf, 3, 4)))
static void pathf(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

static const char *const known_actions[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
	"SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",
	"SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};

/* Architecture names of the OCI runtime spec. */
static const char *const known_archs[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
	"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
	"SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH",
	"SCMP_ARCH_SHEB", NULL,
};

/* x86_64 and the sub-architectures an x86_64 kernel also runs */
static const char *const native_archs[] = {
	"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* Reject duplicate keys and, when allowed is non-NULL, unknown keys. */
static int check_keys(struct pctx *c, const cJSON *obj, const char *path,
		      const char *const *allowed)
{
	for (const cJSON *it = obj->child; it; it = it->next) {
		if (cJSON_GetObjectItemCaseSensitive(obj, it->string) != it)
			return perr(c, "%s: duplicate key '%s'",
				    *path ? path : "(root)", it->string);
		if (allowed && !in_list(allowed, it->string))
			return perr(c, "%s%s%s: unknown key", path,
				    *path ? "." : "", it->string);
	}
	return 0;
}

/* Optional string member: NULL when absent (or null, if nullable). */
static int get_str(struct pctx *c, const cJSON *obj, const char *path,
		   const char *key, bool required, bool nullable,
		   const char **out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *dot = *path ? "." : "";

	*out = NULL;
	if (!it) {
		if (required)
			return perr(c, "%s%s%s: missing", path, dot, key);
		return 0;
	}
	if (cJSON_IsNull(it) && nullable)
		return 0;
	if (!cJSON_IsString(it))
		return perr(c, "%s%s%s: expected a string%s", path, dot, key,
			    nullable ? " or null" : "");
	*out = it->valuestring;
	return 0;
}

static int get_uint(struct pctx *c, const cJSON *it, const char *path,
		    uint64_t *out)
{
	double v;

	if (!cJSON_IsNumber(it))
		return perr(c, "%s: expected a non-negative integer", path);
	v = it->valuedouble;
	if (!(v >= 0 && v <= MAX_EXACT_COUNT) || (double)(uint64_t)v != v)
		return perr(c, "%s: expected a non-negative integer (at most "
			    "2^53)", path);
	*out = (uint64_t)v;
	return 0;
}

/* Resolve one name at path, with the error contract of policy files. */
static int resolve_at(struct pctx *c, const cJSON *it, const char *path,
		      uint32_t *nrs, size_t cap)
{
	char msg[192];
	int n;

	if (!cJSON_IsString(it))
		return perr(c, "%s: expected a string", path);
	n = policy__resolve_name(it->valuestring, nrs, cap, msg, sizeof(msg));
	if (n >= 0)
		return n;
	if (it->valuestring[0] == '@') {
		const char *hint = groups__suggest(it->valuestring);

		if (hint)
			return perr(c, "unknown group '%s' at %s; did you mean "
				    "'%s'?", it->valuestring, path, hint);
		return perr(c, "unknown group '%s' at %s", it->valuestring, path);
	}
	{
		const char *hint = syscall__suggest(it->valuestring);

		if (hint)
			return perr(c, "unknown syscall name '%s' at %s; did you "
				    "mean '%s'?", it->valuestring, path, hint);
	}
	return perr(c, "unknown syscall name '%s' at %s", it->valuestring,
		    path);
}

/* A non-negative integer up to 2^64-1, exactly (from the text). */
static int get_u64(struct pctx *c, const cJSON *it, const char *path,
		   uint64_t *out)
{
	const struct vnode *v = vnode_of(c, it);
	uint64_t x = 0;
	const char *d;

	if (!cJSON_IsNumber(it))
		return perr_at(c, it, "%s: expected a non-negative integer", path);
	if (!v) { /* no index: doubles are exact up to 2^53 */
		uint64_t u;
		int rc = get_uint(c, it, path, &u);

		*out = u;
		return rc;
	}
	d = v->start;
	if (*d < '0' || *d > '9')
		return perr_at(c, it, "%s: expected a non-negative integer", path);
	for (; *d >= '0' && *d <= '9'; d++) {
		if (x > (UINT64_MAX - (uint64_t)(*d - '0')) / 10)
			return perr_at(c, it, "%s: integer larger than 2^64-1",
				       path);
		x = x * 10 + (uint64_t)(*d - '0');
	}
	if (*d == '.' || *d == 'e' || *d == 'E')
		return perr_at(c, it, "%s: expected a non-negative integer", path);
	*out = x;
	return 0;
}

/* Argument conditions collected per syscall of one library. */
struct sc_alts {
	struct arg_alt *v;
	size_t n, cap;
	unsigned widened;   /* argument indexes marked widened */
	bool uncond;        /* also in an entry without conditions */
	const cJSON *where; /* first conditional entry (for messages) */
};

static const char *const known_ops[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

/* "args" and (library rules) "widened" of one rule.  *alt gets the
 * conditions (strict only), *widened the widened argument mask;
 * *cond = the rule has conditions or widened arguments. */
static int parse_args(struct pctx *c, const cJSON *rule, const char *p,
		      bool strict, struct arg_alt *alt, unsigned *widened,
		      bool *cond)
{
	static const char *const arg_keys[] = {
		"index", "value", "valueTwo", "op", NULL,
	};
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(rule, "args");
	const cJSON *wid = strict ? cJSON_GetObjectItemCaseSensitive(rule, "widened")
				  : NULL;
	char ap[320], fp[340];
	size_t i = 0;
	int rc;

	alt->n = 0;
	*widened = 0;
	*cond = false;
	if (args && !cJSON_IsNull(args)) {
		if (!cJSON_IsArray(args))
			return perr_at(c, args, "%s.args: expected an array", p);
		for (const cJSON *a = args->child; a; a = a->next, i++) {
			const cJSON *f;
			const char *op;
			uint64_t idx, v1, v2 = 0;

			pathf(ap, sizeof(ap), "%s.args[%zu]", p, i);
			if (!cJSON_IsObject(a))
				return perr_at(c, a, "%s: expected an object", ap);
			if ((rc = check_keys(c, a, ap, arg_keys)))
				return rc;
			f = cJSON_GetObjectItemCaseSensitive(a, "index");
			pathf(fp, sizeof(fp), "%s.index", ap);
			if (!f)
				return perr_at(c, a, "%s: missing", fp);
			if ((rc = get_u64(c, f, fp, &idx)))
				return rc;
			if (idx > 5)
				return perr_at(c, f, "%s: argument index %llu is out "
					       "of range (0..5)", fp,
					       (unsigned long long)idx);
			f = cJSON_GetObjectItemCaseSensitive(a, "value");
			pathf(fp, sizeof(fp), "%s.value", ap);
			if (!f)
				return perr_at(c, a, "%s: missing", fp);
			if ((rc = get_u64(c, f, fp, &v1)))
				return rc;
			f = cJSON_GetObjectItemCaseSensitive(a, "valueTwo");
			pathf(fp, sizeof(fp), "%s.valueTwo", ap);
			if (f && (rc = get_u64(c, f, fp, &v2)))
				return rc;
			f = cJSON_GetObjectItemCaseSensitive(a, "op");
			pathf(fp, sizeof(fp), "%s.op", ap);
			if (!f)
				return perr_at(c, a, "%s: missing", fp);
			if (!cJSON_IsString(f))
				return perr_at(c, f, "%s: expected a string", fp);
			op = f->valuestring;
			if (!in_list(known_ops, op))
				return perr_at(c, f, "%s: unknown op '%s' (expected "
					       "SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ, "
					       "SCMP_CMP_NE, _LT, _LE, _GE or _GT)",
					       fp, op);
			if (!strcmp(op, "SCMP_CMP_MASKED_EQ") && (v2 & ~v1))
				return perr_at(c, a, "%s: impossible condition: "
					       "valueTwo 0x%llx has bits outside "
					       "the mask (value) 0x%llx, it never "
					       "matches", ap, (unsigned long long)v2,
					       (unsigned long long)v1);
			if (!strict)
				continue;
			if (strcmp(op, "SCMP_CMP_MASKED_EQ") &&
			    strcmp(op, "SCMP_CMP_EQ"))
				return perr_at(c, f, "%s: library rules use "
					       "SCMP_CMP_EQ or SCMP_CMP_MASKED_EQ, "
					       "not %s", fp, op);
			if (alt->n == SF_ARG_SLOTS)
				return perr_at(c, a, "%s: at most %d conditions "
					       "per entry (sysfence records at "
					       "most %d arguments of a syscall)",
					       ap, SF_ARG_SLOTS, SF_ARG_SLOTS);
			alt->c[alt->n++] = (struct arg_cond){
				(uint8_t)idx,
				!strcmp(op, "SCMP_CMP_EQ") ? ARGC_EQ : ARGC_MASKED_EQ,
				v1, !strcmp(op, "SCMP_CMP_EQ") ? 0 : v2,
			};
		}
	}
	/* conditions sorted by argument index */
	if (alt->n == 2 && alt->c[0].idx > alt->c[1].idx) {
		struct arg_cond t = alt->c[0];

		alt->c[0] = alt->c[1];
		alt->c[1] = t;
	}
	if (wid) {
		i = 0;
		if (!cJSON_IsArray(wid))
			return perr_at(c, wid, "%s.widened: expected an array of "
				       "argument indexes", p);
		for (const cJSON *w = wid->child; w; w = w->next, i++) {
			uint64_t idx;

			pathf(ap, sizeof(ap), "%s.widened[%zu]", p, i);
			if ((rc = get_u64(c, w, ap, &idx)))
				return rc;
			if (idx > 5)
				return perr_at(c, w, "%s: argument index %llu is out "
					       "of range (0..5)", ap,
					       (unsigned long long)idx);
			*widened |= 1u << idx;
		}
	}
	*cond = alt->n || *widened;
	return 0;
}

static int alts_push(struct sc_alts *a, const struct arg_alt *alt,
		     const cJSON *where)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 4;
		struct arg_alt *nv;

		if (a->n >= GEN_MAX_ALTS)
			return -E2BIG;
		nv = realloc(a->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		a->v = nv;
		a->cap = cap;
	}
	a->v[a->n++] = *alt;
	if (!a->where)
		a->where = where;
	return 0;
}

/* A seccomp rule list: [ { "names": [...], "action": "..." } ].
 * seen (SYSCALL_NR_MAX entries) collects the numbers; when strict
 * (library rules) names may appear once, action must be SCMP_ACT_ALLOW
 * and no other keys are allowed. */
static int parse_rules(struct pctx *c, const cJSON *arr, const char *path,
		       bool strict, bool *seen, struct sc_alts *acc)
{
	static const char *const rule_keys[] = {
		"names", "action", "args", "widened", NULL,
	};
	/* names written out (not via a group): a name twice is an error, a
	 * name that a group also covers is not */
	bool named[SYSCALL_NR_MAX] = { false };
	char p[256];
	size_t i = 0;

	if (!cJSON_IsArray(arr))
		return perr(c, "%s: expected an array", path);
	for (const cJSON *rule = arr->child; rule; rule = rule->next, i++) {
		const cJSON *names;
		const char *action;
		struct arg_alt alt;
		unsigned widened;
		bool cond;
		size_t j = 0;
		int rc;

		pathf(p, sizeof(p), "%s[%zu]", path, i);
		if (!cJSON_IsObject(rule))
			return perr(c, "%s: expected an object", p);
		if ((rc = check_keys(c, rule, p, strict ? rule_keys : NULL)))
			return rc;
		if ((rc = get_str(c, rule, p, "action", true, false, &action)))
			return rc;
		if (!in_list(known_actions, action))
			return perr(c, "%s.action: unknown action '%s'", p, action);
		if (strict && strcmp(action, ALLOW_ACTION) != 0)
			return perr(c, "%s.action: expected %s (library rules only "
				    "allow)", p, ALLOW_ACTION);
		if ((rc = parse_args(c, rule, p, strict, &alt, &widened, &cond)))
			return rc;
		names = cJSON_GetObjectItemCaseSensitive(rule, "names");
		if (!names)
			return perr(c, "%s.names: missing", p);
		if (!cJSON_IsArray(names))
			return perr(c, "%s.names: expected an array", p);
		for (const cJSON *nm = names->child; nm; nm = nm->next, j++) {
			uint32_t nrs[SYSCALL_NR_MAX];
			char np[300];
			int n;

			pathf(np, sizeof(np), "%s.names[%zu]", p, j);
			n = resolve_at(c, nm, np, nrs, SYSCALL_NR_MAX);
			if (n < 0)
				return n;
			for (int k = 0; k < n && k < SYSCALL_NR_MAX; k++) {
				bool group = nm->valuestring[0] == '@';

				/* entries with conditions repeat names:
				 * one entry per alternative */
				if (strict && !group && !cond && named[nrs[k]])
					return perr(c, "duplicate syscall name "
						    "'%s' at %s", nm->valuestring,
						    np);
				if (!group && !cond)
					named[nrs[k]] = true;
				seen[nrs[k]] = true;
				if (!acc)
					continue;
				if (!cond) {
					acc[nrs[k]].uncond = true;
					continue;
				}
				acc[nrs[k]].widened |= widened;
				rc = alts_push(&acc[nrs[k]], &alt, rule);
				if (rc == -E2BIG)
					return perr_at(c, rule, "%s: more than %d "
						       "entries for '%s'", p,
						       GEN_MAX_ALTS,
						       nm->valuestring);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

static int parse_evidence(struct pctx *c, const cJSON *ev, const char *path,
			  struct policy *p, size_t li, const bool *seen)
{
	static const char *const ev_keys[] = { "count", "site", NULL };
	int rc;

	if (!cJSON_IsObject(ev))
		return perr(c, "%s: expected an object", path);
	if ((rc = check_keys(c, ev, path, NULL)))
		return rc;
	for (const cJSON *it = ev->child; it; it = it->next) {
		const cJSON *cnt;
		const char *site;
		uint64_t count = 0;
		char ep[300], cp[320];
		int nr = syscall__nr(it->string);

		pathf(ep, sizeof(ep), "%s.%s", path, it->string);
		if (nr < 0)
			return perr(c, "%s: unknown syscall name '%s'", ep,
				    it->string);
		if (!seen[nr])
			return perr(c, "%s: '%s' is not in this library's syscalls",
				    ep, it->string);
		if (!cJSON_IsObject(it))
			return perr(c, "%s: expected an object", ep);
		if ((rc = check_keys(c, it, ep, ev_keys)))
			return rc;
		cnt = cJSON_GetObjectItemCaseSensitive(it, "count");
		pathf(cp, sizeof(cp), "%s.count", ep);
		if (cnt && (rc = get_uint(c, cnt, cp, &count)))
			return rc;
		if ((rc = get_str(c, it, ep, "site", false, true, &site)))
			return rc;
		rc = policy__add_syscall(p, li, (uint32_t)nr, count, site);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_library(struct pctx *c, const cJSON *lib, const char *path,
			 struct policy *p)
{
	static const char *const lib_keys[] = {
		"path", "buildId", "kind", "syscalls", "evidence", NULL,
	};
	bool seen[SYSCALL_NR_MAX] = { false };
	struct sc_alts *acc = NULL;
	const char *lpath, *bid, *kind;
	const cJSON *rules, *ev, *it;
	char sub[300];
	uint32_t k;
	int rc, li;

	if (!cJSON_IsObject(lib))
		return perr(c, "%s: expected an object", path);
	if ((rc = check_keys(c, lib, path, lib_keys)) ||
	    (rc = get_str(c, lib, path, "path", true, false, &lpath)) ||
	    (rc = get_str(c, lib, path, "buildId", false, true, &bid)))
		return rc;
	if (!*lpath)
		return perr(c, "%s.path: expected a non-empty string", path);
	it = cJSON_GetObjectItemCaseSensitive(lib, "kind");
	if (!it)
		return perr(c, "%s.kind: missing", path);
	kind = cJSON_IsString(it) ? it->valuestring : "";
	for (k = 0; k <= LIB_KIND_BUCKET; k++)
		if (strcmp(kind, kind_names[k]) == 0)
			break;
	if (k > LIB_KIND_BUCKET)
		return perr(c, "%s.kind: expected one of executable, library, "
			    "bucket", path);
	li = lib_find(p, lpath, bid, k);
	if (li >= 0)
		return perr(c, "%s: duplicate library (same path, buildId and "
			    "kind as sysfence.libraries[%d])", path, li);
	li = policy__add_lib(p, lpath, bid, k);
	if (li < 0)
		return li;

	rules = cJSON_GetObjectItemCaseSensitive(lib, "syscalls");
	pathf(sub, sizeof(sub), "%s.syscalls", path);
	if (!rules)
		return perr(c, "%s: missing", sub);
	acc = calloc(SYSCALL_NR_MAX, sizeof(*acc));
	if (!acc)
		return -ENOMEM;
	rc = parse_rules(c, rules, sub, true, seen, acc);
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX && !rc; nr++) {
		struct policy_syscall sc = { .nr = nr };
		char msg[256];

		if (!seen[nr])
			continue;
		/* an entry without conditions allows any arguments (seccomp:
		 * the first matching entry allows) */
		if (acc[nr].n && !acc[nr].uncond &&
		    gen__rules_from_alternatives(&sc, acc[nr].v, acc[nr].n,
						 acc[nr].widened, msg,
						 sizeof(msg)))
			rc = perr_at(c, acc[nr].where, "%s: %s", sub, msg);
		else
			rc = add_syscall_full(p, (size_t)li, nr, 0, NULL, &sc,
					      GEN_MAX_VALUES_DEFAULT);
	}
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++)
		free(acc[nr].v);
	free(acc);
	if (rc)
		return rc;
	ev = cJSON_GetObjectItemCaseSensitive(lib, "evidence");
	pathf(sub, sizeof(sub), "%s.evidence", path);
	if (ev && (rc = parse_evidence(c, ev, sub, p, (size_t)li, seen)))
		return rc;
	return 0;
}

/* "compartments": [ { "name": "tls", "libraries": ["/abs/path", ...] } ] */
static int parse_compartments(struct pctx *c, const cJSON *arr,
			      struct policy *p)
{
	static const char *const keys[] = { "name", "libraries", NULL };
	char path[64], lp[96];
	size_t i = 0;
	int rc;

	if (!cJSON_IsArray(arr))
		return perr(c, "sysfence.compartments: expected an array");
	for (const cJSON *it = arr->child; it; it = it->next, i++) {
		const cJSON *libs, *l;
		const char *name;
		size_t j = 0;

		pathf(path, sizeof(path), "sysfence.compartments[%zu]", i);
		if (!cJSON_IsObject(it))
			return perr(c, "%s: expected an object", path);
		if ((rc = check_keys(c, it, path, keys)) ||
		    (rc = get_str(c, it, path, "name", true, false, &name)))
			return rc;
		if (!compartment_name_ok(name))
			return perr(c, "%s.name: expected 1-64 characters of "
				    "A-Z a-z 0-9 _ . -", path);
		for (size_t k = 0; k < p->ncompartments; k++)
			if (!strcmp(p->compartments[k].name, name))
				return perr(c, "%s.name: duplicate compartment "
					    "'%s'", path, name);
		libs = cJSON_GetObjectItemCaseSensitive(it, "libraries");
		if (!libs)
			return perr(c, "%s.libraries: missing", path);
		if (!cJSON_IsArray(libs))
			return perr(c, "%s.libraries: expected an array", path);
		if ((rc = policy__add_compartment(p, name, NULL, 0)))
			return rc == -EINVAL ? perr(c, "%s: invalid", path) : rc;
		for (l = libs->child; l; l = l->next, j++) {
			const char *lpath = cJSON_IsString(l) ? l->valuestring
							       : NULL;
			int o;

			pathf(lp, sizeof(lp), "%s.libraries[%zu]", path, j);
			if (!lpath || lpath[0] != '/')
				return perr(c, "%s: expected an absolute path (a "
					    "library is named by its full path, "
					    "never its basename)", lp);
			o = policy__compartment_of(p, lpath);
			if (o >= 0 && !strcmp(p->compartments[o].name, name))
				return perr(c, "%s: duplicate library '%s'", lp,
					    lpath);
			if (o >= 0)
				return perr(c, "%s: '%s' is already in compartment "
					    "'%s'", lp, lpath,
					    p->compartments[o].name);
			rc = policy__add_compartment(p, name, &lpath, 1);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int parse_sysfence(struct pctx *c, const cJSON *sf, struct policy *p)
{
	static const char *const sf_keys[] = {
		"version", "binary", "transparent", "runtimeBuckets",
		"libraries", "compartments", NULL,
	};
	static const char *const bin_keys[] = { "path", "buildId", NULL };
	const cJSON *it;
	uint64_t version;
	char path[64];
	size_t i;
	int rc;

	if (!cJSON_IsObject(sf))
		return perr(c, "sysfence: expected an object");
	if ((rc = check_keys(c, sf, "sysfence", sf_keys)))
		return rc;
	it = cJSON_GetObjectItemCaseSensitive(sf, "version");
	if (!it)
		return perr(c, "sysfence.version: missing");
	if ((rc = get_uint(c, it, "sysfence.version", &version)))
		return rc;
	if (version > POLICY_VERSION)
		return perr(c, "sysfence.version: policy version %llu is newer "
			    "than this sysfence supports (%u)",
			    (unsigned long long)version, POLICY_VERSION);
	if (version == 0)
		return perr(c, "sysfence.version: invalid version 0");
	p->version = (uint32_t)version;

	it = cJSON_GetObjectItemCaseSensitive(sf, "binary");
	if (it && !cJSON_IsNull(it)) {
		const char *bpath, *bid;

		if (!cJSON_IsObject(it))
			return perr(c, "sysfence.binary: expected an object or null");
		if ((rc = check_keys(c, it, "sysfence.binary", bin_keys)) ||
		    (rc = get_str(c, it, "sysfence.binary", "path", false, true,
				  &bpath)) ||
		    (rc = get_str(c, it, "sysfence.binary", "buildId", false,
				  true, &bid)))
			return rc;
		if (util__dup(&p->binary, bpath) ||
		    util__dup(&p->binary_build_id, bid))
			return -ENOMEM;
	}

	it = cJSON_GetObjectItemCaseSensitive(sf, "runtimeBuckets");
	if (it) {
		if (!cJSON_IsBool(it))
			return perr(c, "sysfence.runtimeBuckets: expected true or false");
		p->runtime_buckets = cJSON_IsTrue(it);
	}

	it = cJSON_GetObjectItemCaseSensitive(sf, "transparent");
	if (it) {
		const cJSON *s;

		if (!cJSON_IsArray(it))
			return perr(c, "sysfence.transparent: expected an array");
		i = 0;
		for (s = it->child; s; s = s->next, i++) {
			pathf(path, sizeof(path), "sysfence.transparent[%zu]", i);
			if (!cJSON_IsString(s) || !*s->valuestring)
				return perr(c, "%s: expected a non-empty string",
					    path);
			if (strv_has(p->transparent, p->ntransparent,
				     s->valuestring))
				return perr(c, "%s: duplicate path '%s'", path,
					    s->valuestring);
			if (strv_push(&p->transparent, &p->ntransparent,
				      s->valuestring))
				return -ENOMEM;
		}
	}

	it = cJSON_GetObjectItemCaseSensitive(sf, "libraries");
	if (!it)
		return perr(c, "sysfence.libraries: missing");
	if (!cJSON_IsArray(it))
		return perr(c, "sysfence.libraries: expected an array");
	i = 0;
	for (const cJSON *lib = it->child; lib; lib = lib->next, i++) {
		pathf(path, sizeof(path), "sysfence.libraries[%zu]", i);
		if ((rc = parse_library(c, lib, path, p)))
			return rc;
	}
	it = cJSON_GetObjectItemCaseSensitive(sf, "compartments");
	if (it && (rc = parse_compartments(c, it, p)))
		return rc;
	return 0;
}

static int parse_root(struct pctx *c, const cJSON *root, struct policy *p)
{
	bool seen[SYSCALL_NR_MAX] = { false };
	const char *action;
	const cJSON *it;
	size_t i;
	int rc;

	if (!cJSON_IsObject(root))
		return perr(c, "(root): expected an object");
	if ((rc = check_keys(c, root, "", NULL)))
		return rc;
	if ((rc = get_str(c, root, "", "defaultAction", true, false, &action)))
		return rc;
	if (!in_list(known_actions, action))
		return perr(c, "defaultAction: unknown action '%s'", action);
	free(p->default_action);
	p->default_action = strdup(action);
	if (!p->default_action)
		return -ENOMEM;

	it = cJSON_GetObjectItemCaseSensitive(root, "architectures");
	if (it) {
		const char *foreign = NULL;
		bool native = false;
		char path[64];

		if (!cJSON_IsArray(it))
			return perr(c, "architectures: expected an array");
		strv_free(p->architectures, p->narchitectures);
		p->architectures = NULL;
		p->narchitectures = 0;
		i = 0;
		for (const cJSON *a = it->child; a; a = a->next, i++) {
			pathf(path, sizeof(path), "architectures[%zu]", i);
			if (!cJSON_IsString(a))
				return perr(c, "%s: expected a string", path);
			if (!in_list(known_archs, a->valuestring))
				return perr(c, "%s: unknown architecture '%s'",
					    path, a->valuestring);
			if (strv_has(p->architectures, p->narchitectures,
				     a->valuestring))
				return perr(c, "%s: duplicate architecture '%s'",
					    path, a->valuestring);
			if (strcmp(a->valuestring, NATIVE_ARCH) == 0)
				native = true;
			else if (!in_list(native_archs, a->valuestring) &&
				 !foreign)
				foreign = a->valuestring;
			if (strv_push(&p->architectures, &p->narchitectures,
				      a->valuestring))
				return -ENOMEM;
		}
		if (foreign || !native) {
			if (!foreign)
				foreign = p->narchitectures ? p->architectures[0]
							    : "no architecture";
			return perr(c, "policy is for %s; this machine is x86_64",
				    foreign);
		}
	}

	it = cJSON_GetObjectItemCaseSensitive(root, "syscalls");
	if (it && (rc = parse_rules(c, it, "syscalls", false, seen, NULL)))
		return rc;

	it = cJSON_GetObjectItemCaseSensitive(root, "sysfence");
	if (it && (rc = parse_sysfence(c, it, p)))
		return rc;
	return 0;
}

/* 1-based line and column (in bytes) of offset in s. */
static void line_col(const char *s, size_t off, unsigned *line, unsigned *col)
{
	size_t bol = 0;

	*line = 1;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = (unsigned)(off - bol + 1);
}

int policy__parse(const char *json, size_t len, const char *name,
		  struct policy **out, char *err, size_t errlen)
{
	struct pctx c = { name ? name : "<policy>", err, errlen };
	const char *end = NULL, *nul;
	struct policy *p = NULL;
	cJSON *root = NULL;
	char *copy = NULL;
	unsigned line, col;
	int rc;

	if (!out || (!json && len)) {
		util__errf(err, errlen, "%s: invalid argument", c.name);
		return -EINVAL;
	}
	if (!len) {
		util__errf(err, errlen, "%s: empty file", c.name);
		return -ENODATA;
	}
	nul = memchr(json, 0, len);
	if (nul) {
		line_col(json, (size_t)(nul - json), &line, &col);
		util__errf(err, errlen, "%s:%u:%u: invalid JSON: NUL byte",
			   c.name, line, col);
		return -EINVAL;
	}
	/* cJSON wants the terminating NUL inside the length to insist on
	 * nothing but whitespace after the value */
	copy = malloc(len + 1);
	if (!copy) {
		rc = -ENOMEM;
		goto nomem;
	}
	memcpy(copy, json, len);
	copy[len] = '\0';
	root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
	if (!root) {
		size_t off = end && end >= copy ? (size_t)(end - copy) : len;

		if (off > len)
			off = len;
		line_col(copy, off, &line, &col);
		if (off >= len)
			util__errf(err, errlen, "%s:%u:%u: invalid JSON: "
				   "unexpected end of input", c.name, line, col);
		else
			util__errf(err, errlen, "%s:%u:%u: invalid JSON near "
				   "'%.*s'", c.name, line, col,
				   (int)strcspn(copy + off, "\r\n") < 12 ?
				   (int)strcspn(copy + off, "\r\n") : 12,
				   copy + off);
		rc = -EINVAL;
		goto out;
	}
	p = policy__new();
	if (!p) {
		rc = -ENOMEM;
		goto nomem;
	}
	rc = index_values(&c, root, copy, len);
	if (!rc)
		rc = parse_root(&c, root, p);
	if (rc == -ENOMEM)
		goto nomem;
	if (rc)
		goto out;
	rc = policy__canonicalize(p);
	if (rc)
		goto nomem;
	*out = p;
	p = NULL;
	goto out;
nomem:
	util__errf(err, errlen, "%s: %s", c.name, strerror(ENOMEM));
out:
	policy__free(p);
	cJSON_Delete(root);
	free(copy);
	free(c.vn);
	return rc;
}

int policy__load(const char *path, struct policy **out, char *err,
		 size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	if (!path || !out) {
		util__errf(err, errlen, "cannot load policy: invalid argument");
		return -EINVAL;
	}
	rc = fileio__read_all(path, POLICY_READ_CAP, &buf, &len, err, errlen);
	if (rc)
		return rc;
	rc = policy__parse(buf, len, path, out, err, errlen);
	free(buf);
	return rc;
}
