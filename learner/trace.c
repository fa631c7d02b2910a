/* trace.c - in-memory trace model and the zstd trace file format v1.
 *
 * File format: docs/trace-format.md.  The in-memory model keeps hash
 * indexes (struct trace_index) so that adding a library, tuple or site is
 * O(1) expected; merging many traces stays linear.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "fileio.h"
#include "sysfence.h"
#include "trace.h"
#include "util.h"

const char *const trace_bucket_names[] = {
	[SF_BUCKET_NONE] = NULL,
	[SF_BUCKET_LIBC_RUNTIME] = "[libc-runtime]",
	[SF_BUCKET_LDSO_STARTUP] = "[ld.so-startup]",
	[SF_BUCKET_UNWIND_FAILED] = "[unwind-failed]",
	[SF_BUCKET_ANON_EXEC] = "[anon-exec]",
	[SF_BUCKET_VMA_UNKNOWN] = "[vma-unknown]",
	[SF_BUCKET_LIBC_ALLOC] = "[libc-alloc]",
	[SF_BUCKET_LIBC_STDIO] = "[libc-stdio]",
	[SF_BUCKET_LIBC_LOCALE] = "[libc-locale]",
};
static_assert(sizeof(trace_bucket_names) / sizeof(trace_bucket_names[0]) ==
	      SF_BUCKET__COUNT, "trace_bucket_names out of sync with enum sf_bucket");
static_assert(SF_STAT__COUNT <= TRACE_NSTATS, "TRACE_NSTATS too small");
static_assert(SF_NARGS == TRACE_NARGS, "TRACE_NARGS != SF_NARGS");
const unsigned trace_bucket_count = SF_BUCKET__COUNT;

/* ---- hash index --------------------------------------------------------- */

struct hslot {
	uint32_t idx1; /* entry index + 1; 0 = empty */
	uint32_t hash;
};

struct htab {
	struct hslot *s;
	size_t cap; /* power of two, or 0 */
	size_t n;
};

/* Per array: how many entries are indexed, the array pointer at that time
 * (to notice arrays replaced behind our back) and its allocated capacity. */
struct arr_state {
	size_t indexed;
	const void *ptr;
	size_t cap;
};

struct trace_index {
	struct htab libs, tuples, sites;
	struct arr_state ls, ts, ss;
	size_t transparent_cap;
	const void *transparent_ptr;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	if (!s)
		return mix64(h ^ 0x9e3779b97f4a7c15ULL);
	h ^= 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return mix64(h);
}

static uint32_t hash_lib(const char *path, const char *build_id, uint32_t kind)
{
	uint64_t h = hash_str(kind, path);

	return (uint32_t)hash_str(h, build_id);
}

static uint32_t hash_tuple(uint32_t lib, uint32_t nr, const uint64_t *arg)
{
	uint64_t h = mix64(((uint64_t)lib << 32) | nr);

	for (int i = 0; i < TRACE_NARGS; i++)
		h = mix64(h ^ arg[i]);
	return (uint32_t)h;
}

static uint32_t hash_site(uint32_t lib, uint32_t nr)
{
	return (uint32_t)mix64(((uint64_t)lib << 32) | nr);
}

static int htab_reserve(struct htab *h, size_t n)
{
	size_t cap = h->cap ? h->cap : 16;
	struct hslot *s;

	while (cap / 4 * 3 <= n) /* load factor < 3/4 */
		cap *= 2;
	if (cap == h->cap)
		return 0;
	s = calloc(cap, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < h->cap; i++) {
		size_t j;

		if (!h->s[i].idx1)
			continue;
		for (j = h->s[i].hash & (cap - 1); s[j].idx1; j = (j + 1) & (cap - 1))
			;
		s[j] = h->s[i];
	}
	free(h->s);
	h->s = s;
	h->cap = cap;
	return 0;
}

static void htab_clear(struct htab *h)
{
	if (h->s)
		memset(h->s, 0, h->cap * sizeof(*h->s));
	h->n = 0;
}

/* Probe for key; eq(t, idx, key).  Returns the matching slot or the empty
 * slot where the key belongs.  Table must have free slots. */
static struct hslot *htab_probe(struct htab *h, uint32_t hash,
				bool (*eq)(const struct trace *, uint32_t,
					   const void *),
				const struct trace *t, const void *key)
{
	size_t j = hash & (h->cap - 1);

	for (;; j = (j + 1) & (h->cap - 1)) {
		struct hslot *sl = &h->s[j];

		if (!sl->idx1)
			return sl;
		if (sl->hash == hash && eq(t, sl->idx1 - 1, key))
			return sl;
	}
}

struct lib_key {
	const char *path;
	const char *build_id;
	uint32_t kind;
};

static bool lib_eq(const struct trace *t, uint32_t i, const void *k)
{
	const struct lib_key *key = k;
	const struct trace_lib *l = &t->libs[i];

	return l->kind == key->kind && strcmp(l->path, key->path) == 0 &&
	       util__strcmp_null(l->build_id, key->build_id) == 0;
}

struct tuple_key {
	uint32_t lib, nr;
	const uint64_t *arg;
};

static bool tuple_eq(const struct trace *t, uint32_t i, const void *k)
{
	const struct tuple_key *key = k;
	const struct trace_tuple *tu = &t->tuples[i];

	return tu->lib == key->lib && tu->nr == key->nr &&
	       memcmp(tu->arg, key->arg, sizeof(tu->arg)) == 0;
}

struct site_key {
	uint32_t lib, nr;
};

static bool site_eq(const struct trace *t, uint32_t i, const void *k)
{
	const struct site_key *key = k;

	return t->sites[i].lib == key->lib && t->sites[i].nr == key->nr;
}

/* Bring the indexes up to date with the arrays (entries appended directly,
 * arrays replaced or shrunk by the caller). */
static int index_sync(struct trace *t)
{
	struct trace_index *ix = t->index;
	int rc;

	if (!ix) {
		ix = calloc(1, sizeof(*ix));
		if (!ix)
			return -ENOMEM;
		t->index = ix;
	}
	if (ix->ls.ptr != t->libs || t->nlibs < ix->ls.indexed) {
		if (ix->ls.ptr != t->libs)
			ix->ls.cap = t->nlibs;
		ix->ls.ptr = t->libs;
		ix->ls.indexed = 0;
		htab_clear(&ix->libs);
	}
	if (ix->ts.ptr != t->tuples || t->ntuples < ix->ts.indexed) {
		if (ix->ts.ptr != t->tuples)
			ix->ts.cap = t->ntuples;
		ix->ts.ptr = t->tuples;
		ix->ts.indexed = 0;
		htab_clear(&ix->tuples);
	}
	if (ix->ss.ptr != t->sites || t->nsites < ix->ss.indexed) {
		if (ix->ss.ptr != t->sites)
			ix->ss.cap = t->nsites;
		ix->ss.ptr = t->sites;
		ix->ss.indexed = 0;
		htab_clear(&ix->sites);
	}
	if (ix->transparent_ptr != t->transparent) {
		ix->transparent_ptr = t->transparent;
		ix->transparent_cap = t->ntransparent;
	}

	if (ix->ls.indexed < t->nlibs) {
		rc = htab_reserve(&ix->libs, t->nlibs + 1);
		if (rc)
			return rc;
	}
	for (; ix->ls.indexed < t->nlibs; ix->ls.indexed++) {
		const struct trace_lib *l = &t->libs[ix->ls.indexed];
		struct lib_key k = { l->path, l->build_id, l->kind };
		uint32_t h;
		struct hslot *sl;

		if (!l->path)
			continue; /* invalid entry: never matches */
		h = hash_lib(l->path, l->build_id, l->kind);
		sl = htab_probe(&ix->libs, h, lib_eq, t, &k);
		if (!sl->idx1) {
			sl->idx1 = (uint32_t)ix->ls.indexed + 1;
			sl->hash = h;
			ix->libs.n++;
		}
	}
	if (ix->ts.indexed < t->ntuples) {
		rc = htab_reserve(&ix->tuples, t->ntuples + 1);
		if (rc)
			return rc;
	}
	for (; ix->ts.indexed < t->ntuples; ix->ts.indexed++) {
		const struct trace_tuple *tu = &t->tuples[ix->ts.indexed];
		struct tuple_key k = { tu->lib, tu->nr, tu->arg };
		uint32_t h = hash_tuple(tu->lib, tu->nr, tu->arg);
		struct hslot *sl = htab_probe(&ix->tuples, h, tuple_eq, t, &k);

		if (!sl->idx1) {
			sl->idx1 = (uint32_t)ix->ts.indexed + 1;
			sl->hash = h;
			ix->tuples.n++;
		}
	}
	if (ix->ss.indexed < t->nsites) {
		rc = htab_reserve(&ix->sites, t->nsites + 1);
		if (rc)
			return rc;
	}
	for (; ix->ss.indexed < t->nsites; ix->ss.indexed++) {
		const struct trace_site *si = &t->sites[ix->ss.indexed];
		struct site_key k = { si->lib, si->nr };
		uint32_t h = hash_site(si->lib, si->nr);
		struct hslot *sl = htab_probe(&ix->sites, h, site_eq, t, &k);

		if (!sl->idx1) {
			sl->idx1 = (uint32_t)ix->ss.indexed + 1;
			sl->hash = h;
			ix->sites.n++;
		}
	}
	return 0;
}

/* Make room for one more element in *arr (n used, st->cap allocated). */
static int arr_grow(void **arr, size_t n, size_t elem, struct arr_state *st)
{
	size_t cap;
	void *p;

	if (n < st->cap)
		return 0;
	cap = st->cap < 16 ? 16 : st->cap * 2;
	p = realloc(*arr, cap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	st->cap = cap;
	st->ptr = p;
	return 0;
}

/* ---- model -------------------------------------------------------------- */

struct trace *trace__new(void)
{
	struct trace *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->version = TRACE_FORMAT_VERSION;
	return t;
}

static void index_free(struct trace_index *ix)
{
	if (!ix)
		return;
	free(ix->libs.s);
	free(ix->tuples.s);
	free(ix->sites.s);
	free(ix);
}

void trace__free(struct trace *t)
{
	if (!t)
		return;
	free(t->arch);
	free(t->kernel);
	free(t->cmdline);
	free(t->binary);
	free(t->binary_build_id);
	for (size_t i = 0; i < t->ntransparent; i++)
		free(t->transparent[i]);
	free(t->transparent);
	for (size_t i = 0; i < t->nlibs; i++) {
		free(t->libs[i].path);
		free(t->libs[i].build_id);
	}
	free(t->libs);
	free(t->tuples);
	for (size_t i = 0; i < t->nsites; i++)
		free(t->sites[i].sym);
	free(t->sites);
	index_free(t->index);
	free(t);
}

/* Look up a library; *found = index or -1.  Returns the probe slot. */
static int lib_lookup(struct trace *t, const struct lib_key *k, uint32_t h,
		      struct hslot **slot)
{
	int rc = index_sync(t);

	if (rc)
		return rc;
	rc = htab_reserve(&t->index->libs, t->index->libs.n + 1);
	if (rc)
		return rc;
	*slot = htab_probe(&t->index->libs, h, lib_eq, t, k);
	return 0;
}

int trace__add_lib(struct trace *t, const char *path, const char *build_id,
		   uint32_t kind, uint64_t dev, uint64_t ino)
{
	struct lib_key k = { path, build_id, kind };
	struct trace_lib *l;
	struct hslot *sl;
	uint32_t h;
	int rc;

	if (!t || !path || kind > LIB_KIND_BUCKET)
		return -EINVAL;
	h = hash_lib(path, build_id, kind);
	rc = lib_lookup(t, &k, h, &sl);
	if (rc)
		return rc;
	if (sl->idx1)
		return (int)(sl->idx1 - 1);
	if (t->nlibs >= TRACE_MAX_LIBS)
		return -E2BIG;
	rc = arr_grow((void **)&t->libs, t->nlibs, sizeof(*t->libs),
		      &t->index->ls);
	if (rc)
		return rc;
	l = &t->libs[t->nlibs];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->dev = dev;
	l->ino = ino;
	if (util__dup(&l->path, path) || util__dup(&l->build_id, build_id)) {
		free(l->path);
		free(l->build_id);
		return -ENOMEM;
	}
	sl->idx1 = (uint32_t)t->nlibs + 1;
	sl->hash = h;
	t->index->libs.n++;
	t->nlibs++;
	t->index->ls.indexed = t->nlibs;
	return (int)(t->nlibs - 1);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

int trace__add_tuple(struct trace *t, uint32_t lib, uint32_t nr,
		     const uint64_t arg[TRACE_NARGS], uint64_t count)
{
	static const uint64_t zero[TRACE_NARGS];
	struct tuple_key k;
	struct trace_tuple *tu;
	struct hslot *sl;
	uint32_t h;
	int rc;

	if (!t || lib >= t->nlibs)
		return -EINVAL;
	if (!arg)
		arg = zero;
	k = (struct tuple_key){ lib, nr, arg };
	rc = index_sync(t);
	if (rc)
		return rc;
	rc = htab_reserve(&t->index->tuples, t->index->tuples.n + 1);
	if (rc)
		return rc;
	h = hash_tuple(lib, nr, arg);
	sl = htab_probe(&t->index->tuples, h, tuple_eq, t, &k);
	if (sl->idx1) {
		tu = &t->tuples[sl->idx1 - 1];
		tu->count = sat_add(tu->count, count);
		return 0;
	}
	if (t->ntuples >= TRACE_MAX_TUPLES)
		return -E2BIG;
	rc = arr_grow((void **)&t->tuples, t->ntuples, sizeof(*t->tuples),
		      &t->index->ts);
	if (rc)
		return rc;
	tu = &t->tuples[t->ntuples];
	memset(tu, 0, sizeof(*tu));
	tu->lib = lib;
	tu->nr = nr;
	memcpy(tu->arg, arg, sizeof(tu->arg));
	tu->count = count;
	sl->idx1 = (uint32_t)t->ntuples + 1;
	sl->hash = h;
	t->index->tuples.n++;
	t->ntuples++;
	t->index->ts.indexed = t->ntuples;
	return 0;
}

int trace__add_site(struct trace *t, uint32_t lib, uint32_t nr, uint64_t off,
		    const char *sym)
{
	struct site_key k = { lib, nr };
	struct trace_site *si;
	struct hslot *sl;
	uint32_t h;
	int rc;

	if (!t || lib >= t->nlibs)
		return -EINVAL;
	rc = index_sync(t);
	if (rc)
		return rc;
	rc = htab_reserve(&t->index->sites, t->index->sites.n + 1);
	if (rc)
		return rc;
	h = hash_site(lib, nr);
	sl = htab_probe(&t->index->sites, h, site_eq, t, &k);
	if (sl->idx1)
		return 0;
	if (t->nsites >= TRACE_MAX_SITES)
		return -E2BIG;
	rc = arr_grow((void **)&t->sites, t->nsites, sizeof(*t->sites),
		      &t->index->ss);
	if (rc)
		return rc;
	si = &t->sites[t->nsites];
	memset(si, 0, sizeof(*si));
	si->lib = lib;
	si->nr = nr;
	si->off = off;
	if (util__dup(&si->sym, sym))
		return -ENOMEM;
	sl->idx1 = (uint32_t)t->nsites + 1;
	sl->hash = h;
	t->index->sites.n++;
	t->nsites++;
	t->index->ss.indexed = t->nsites;
	return 0;
}

int trace__add_transparent(struct trace *t, const char *path)
{
	struct arr_state st;
	int rc;

	if (!t || !path)
		return -EINVAL;
	for (size_t i = 0; i < t->ntransparent; i++)
		if (t->transparent[i] && strcmp(t->transparent[i], path) == 0)
			return 0;
	if (t->ntransparent >= TRACE_MAX_TRANSPARENT)
		return -E2BIG;
	rc = index_sync(t);
	if (rc)
		return rc;
	st = (struct arr_state){ 0, t->transparent, t->index->transparent_cap };
	rc = arr_grow((void **)&t->transparent, t->ntransparent,
		      sizeof(*t->transparent), &st);
	if (rc)
		return rc;
	t->index->transparent_cap = st.cap;
	t->index->transparent_ptr = t->transparent;
	t->transparent[t->ntransparent] = strdup(path);
	if (!t->transparent[t->ntransparent])
		return -ENOMEM;
	t->ntransparent++;
	return 0;
}

/* ---- canonical order ---------------------------------------------------- */

static int lib_cmp(const struct trace_lib *a, const struct trace_lib *b)
{
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	c = util__strcmp_null(a->path, b->path);
	if (c)
		return c;
	return util__strcmp_null(a->build_id, b->build_id);
}

static int lib_perm_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct trace *t = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = lib_cmp(&t->libs[a], &t->libs[b]);

	return c ? c : (a > b) - (a < b);
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

struct perm_ctx {
	const struct trace *t;
	const uint32_t *lmap; /* old lib index -> canonical index */
};

static int tuple_perm_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct perm_ctx *c = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct trace_tuple *x = &c->t->tuples[a], *y = &c->t->tuples[b];

	CMP(c->lmap[x->lib], c->lmap[y->lib]);
	CMP(x->nr, y->nr);
	for (int i = 0; i < TRACE_NARGS; i++)
		CMP(x->arg[i], y->arg[i]);
	CMP(a, b);
	return 0;
}

static int site_perm_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct perm_ctx *c = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct trace_site *x = &c->t->sites[a], *y = &c->t->sites[b];

	CMP(c->lmap[x->lib], c->lmap[y->lib]);
	CMP(x->nr, y->nr);
	CMP(a, b);
	return 0;
}

static int str_perm_cmp(const void *pa, const void *pb, void *ctx)
{
	char *const *s = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = util__strcmp_null(s[a], s[b]);

	return c ? c : (a > b) - (a < b);
}

/* Canonical permutations of a trace (without modifying it). */
struct perms {
	uint32_t *lib;   /* canonical position -> old index */
	uint32_t *lmap;  /* old index -> canonical position */
	uint32_t *tuple;
	uint32_t *site;
	uint32_t *transparent;
};

static void perms_free(struct perms *p)
{
	free(p->lib);
	free(p->lmap);
	free(p->tuple);
	free(p->site);
	free(p->transparent);
}

static uint32_t *iota(size_t n)
{
	uint32_t *p = malloc((n ? n : 1) * sizeof(*p));

	if (p)
		for (size_t i = 0; i < n; i++)
			p[i] = (uint32_t)i;
	return p;
}

/* Fails with -EINVAL when a tuple or site names a library out of range. */
static int perms_build(const struct trace *t, struct perms *p)
{
	struct perm_ctx ctx;

	memset(p, 0, sizeof(*p));
	if (t->nlibs > TRACE_MAX_LIBS || t->ntuples > TRACE_MAX_TUPLES ||
	    t->nsites > TRACE_MAX_SITES || t->ntransparent > TRACE_MAX_TRANSPARENT)
		return -E2BIG;
	for (size_t i = 0; i < t->ntuples; i++)
		if (t->tuples[i].lib >= t->nlibs)
			return -EINVAL;
	for (size_t i = 0; i < t->nsites; i++)
		if (t->sites[i].lib >= t->nlibs)
			return -EINVAL;
	for (size_t i = 0; i < t->nlibs; i++)
		if (!t->libs[i].path || t->libs[i].kind > LIB_KIND_BUCKET)
			return -EINVAL;
	for (size_t i = 0; i < t->ntransparent; i++)
		if (!t->transparent[i])
			return -EINVAL;

	p->lib = iota(t->nlibs);
	p->lmap = iota(t->nlibs);
	p->tuple = iota(t->ntuples);
	p->site = iota(t->nsites);
	p->transparent = iota(t->ntransparent);
	if (!p->lib || !p->lmap || !p->tuple || !p->site || !p->transparent) {
		perms_free(p);
		return -ENOMEM;
	}
	qsort_r(p->lib, t->nlibs, sizeof(uint32_t), lib_perm_cmp, (void *)t);
	for (size_t i = 0; i < t->nlibs; i++)
		p->lmap[p->lib[i]] = (uint32_t)i;
	ctx = (struct perm_ctx){ t, p->lmap };
	qsort_r(p->tuple, t->ntuples, sizeof(uint32_t), tuple_perm_cmp, &ctx);
	qsort_r(p->site, t->nsites, sizeof(uint32_t), site_perm_cmp, &ctx);
	qsort_r(p->transparent, t->ntransparent, sizeof(uint32_t), str_perm_cmp,
		t->transparent);
	return 0;
}

/* Apply a permutation to an array of n elements of size elem, using tmp
 * (at least n * elem bytes). */
static void permute(void *arr, size_t n, size_t elem, const uint32_t *perm,
		    char *tmp)
{
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++)
		memcpy(tmp + i * elem, (char *)arr + (size_t)perm[i] * elem, elem);
	memcpy(arr, tmp, n * elem);
}

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

int trace__canonicalize(struct trace *t)
{
	struct perms p;
	size_t tmpsz;
	char *tmp;
	int rc;

	if (!t)
		return -EINVAL;
	rc = perms_build(t, &p);
	if (rc)
		return rc;
	/* one scratch buffer up front, so nothing can fail half-way */
	tmpsz = max_sz(max_sz(t->nlibs * sizeof(*t->libs),
			      t->ntuples * sizeof(*t->tuples)),
		       max_sz(t->nsites * sizeof(*t->sites),
			      t->ntransparent * sizeof(*t->transparent)));
	tmp = malloc(tmpsz ? tmpsz : 1);
	if (!tmp) {
		perms_free(&p);
		return -ENOMEM;
	}
	permute(t->libs, t->nlibs, sizeof(*t->libs), p.lib, tmp);
	permute(t->tuples, t->ntuples, sizeof(*t->tuples), p.tuple, tmp);
	permute(t->sites, t->nsites, sizeof(*t->sites), p.site, tmp);
	permute(t->transparent, t->ntransparent, sizeof(*t->transparent),
		p.transparent, tmp);
	for (size_t i = 0; i < t->ntuples; i++)
		t->tuples[i].lib = p.lmap[t->tuples[i].lib];
	for (size_t i = 0; i < t->nsites; i++)
		t->sites[i].lib = p.lmap[t->sites[i].lib];
	free(tmp);
	perms_free(&p);
	if (t->index) {
		/* positions changed: reindex from scratch */
		t->index->ls.indexed = t->index->ts.indexed = 0;
		t->index->ss.indexed = 0;
		htab_clear(&t->index->libs);
		htab_clear(&t->index->tuples);
		htab_clear(&t->index->sites);
	}
	return 0;
}

/* ---- file format -------------------------------------------------------- */

static const char trace_magic[8] = "SFTRACE1";
#define HDR_SIZE 16 /* magic, version, flags */
#define CRC_SIZE 4

enum trace_section {
	SEC_META = 1,        /* arch, kernel, cmdline, binary, build-id */
	SEC_TIMES = 2,       /* start_ns, end_ns */
	SEC_COMPLETE = 3,    /* u32 */
	SEC_STATS = 4,       /* u32 n, u64[n] */
	SEC_TRANSPARENT = 5, /* u32 n, str[n] */
	SEC_LIBS = 6,        /* u32 n, {u32 kind, u64 dev, u64 ino, str, str} */
	SEC_TUPLES = 7,      /* u32 n, {u32 lib, u32 nr, u64 arg[2], u64 count} */
	SEC_SITES = 8,       /* u32 n, {u32 lib, u32 nr, u64 off, str sym} */
	SEC__LAST = SEC_SITES,
};

static const char *const section_names[] = {
	[SEC_META] = "meta", [SEC_TIMES] = "times",
	[SEC_COMPLETE] = "complete", [SEC_STATS] = "stats",
	[SEC_TRANSPARENT] = "transparent", [SEC_LIBS] = "libraries",
	[SEC_TUPLES] = "tuples", [SEC_SITES] = "sites",
};

#define STR_NULL 0xffffffffu
/* smallest encoding of one entry, used to bound counts before allocating */
#define MIN_STR 4
#define MIN_LIB (4 + 8 + 8 + MIN_STR + MIN_STR)
#define TUPLE_SIZE (4 + 4 + 8 * TRACE_NARGS + 8)
#define MIN_SITE (4 + 4 + 8 + MIN_STR)

struct wbuf {
	unsigned char *p;
	size_t len, cap;
	int err;
};

static void wb_put(struct wbuf *b, const void *d, size_t n)
{
	if (b->err)
		return;
	if (b->len + n > TRACE_MAX_PAYLOAD) {
		b->err = -EFBIG;
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void le32_store(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void wb_u32(struct wbuf *b, uint32_t v)
{
	unsigned char d[4];

	le32_store(d, v);
	wb_put(b, d, 4);
}

static void wb_u64(struct wbuf *b, uint64_t v)
{
	unsigned char d[8];

	for (int i = 0; i < 8; i++)
		d[i] = (unsigned char)(v >> (8 * i));
	wb_put(b, d, 8);
}

static void wb_str(struct wbuf *b, const char *s)
{
	size_t n;

	if (!s) {
		wb_u32(b, STR_NULL);
		return;
	}
	n = strlen(s);
	if (n >= STR_NULL) {
		b->err = b->err ? b->err : -EFBIG;
		return;
	}
	wb_u32(b, (uint32_t)n);
	wb_put(b, s, n);
}

static size_t wb_section_begin(struct wbuf *b, uint32_t tag)
{
	size_t off;

	wb_u32(b, tag);
	off = b->len;
	wb_u32(b, 0); /* length, patched by wb_section_end */
	return off;
}

static void wb_section_end(struct wbuf *b, size_t off)
{
	if (!b->err)
		le32_store(b->p + off, (uint32_t)(b->len - off - 4));
}

/* Serialize t (canonical order) into an uncompressed payload. */
static int trace_encode(const struct trace *t, struct wbuf *b)
{
	struct perms p;
	size_t sec;
	int rc;

	rc = perms_build(t, &p);
	if (rc)
		return rc;
	wb_put(b, trace_magic, sizeof(trace_magic));
	wb_u32(b, TRACE_FORMAT_VERSION);
	wb_u32(b, t->flags);

	sec = wb_section_begin(b, SEC_META);
	wb_str(b, t->arch);
	wb_str(b, t->kernel);
	wb_str(b, t->cmdline);
	wb_str(b, t->binary);
	wb_str(b, t->binary_build_id);
	wb_section_end(b, sec);

	sec = wb_section_begin(b, SEC_TIMES);
	wb_u64(b, t->start_ns);
	wb_u64(b, t->end_ns);
	wb_section_end(b, sec);

	sec = wb_section_begin(b, SEC_COMPLETE);
	wb_u32(b, t->complete);
	wb_section_end(b, sec);

	sec = wb_section_begin(b, SEC_STATS);
	{
		uint32_t n = t->nstats > TRACE_NSTATS ? TRACE_NSTATS : t->nstats;

		wb_u32(b, n);
		for (uint32_t i = 0; i < n; i++)
			wb_u64(b, t->stats[i]);
	}
	wb_section_end(b, sec);

	sec = wb_section_begin(b, SEC_TRANSPARENT);
	wb_u32(b, (uint32_t)t->ntransparent);
	for (size_t i = 0; i < t->ntransparent; i++)
		wb_str(b, t->transparent[p.transparent[i]]);
	wb_section_end(b, sec);

	sec = wb_section_begin(b, SEC_LIBS);
	wb_u32(b, (uint32_t)t->nlibs);
	for (size_t i = 0; i < t->nlibs; i++) {
		const struct trace_lib *l = &t->libs[p.lib[i]];

		wb_u32(b, l->kind);
		wb_u64(b, l->dev);
		wb_u64(b, l->ino);
		wb_str(b, l->path);
		wb_str(b, l->build_id);
	}
	wb_section_end(b, sec);

	sec = wb_section_begin(b, SEC_TUPLES);
	wb_u32(b, (uint32_t)t->ntuples);
	for (size_t i = 0; i < t->ntuples; i++) {
		const struct trace_tuple *tu = &t->tuples[p.tuple[i]];

		wb_u32(b, p.lmap[tu->lib]);
		wb_u32(b, tu->nr);
		for (int a = 0; a < TRACE_NARGS; a++)
			wb_u64(b, tu->arg[a]);
		wb_u64(b, tu->count);
	}
	wb_section_end(b, sec);

	sec = wb_section_begin(b, SEC_SITES);
	wb_u32(b, (uint32_t)t->nsites);
	for (size_t i = 0; i < t->nsites; i++) {
		const struct trace_site *si = &t->sites[p.site[i]];

		wb_u32(b, p.lmap[si->lib]);
		wb_u32(b, si->nr);
		wb_u64(b, si->off);
		wb_str(b, si->sym);
	}
	wb_section_end(b, sec);
	perms_free(&p);

	if (!b->err)
		wb_u32(b, util__crc32(0, b->p, b->len));
	return b->err;
}

int trace__write(const struct trace *t, const char *path, char *err,
		 size_t errlen)
{
	struct wbuf b = { 0 };
	void *z = NULL;
	size_t bound, zlen;
	int rc;

	if (!t || !path) {
		util__errf(err, errlen, "cannot write trace: invalid argument");
		return -EINVAL;
	}
	rc = trace_encode(t, &b);
	if (rc) {
		util__errf(err, errlen, "cannot write %s: %s", path,
			   rc == -EINVAL ? "inconsistent trace (library index "
					   "out of range or missing path)"
					 : strerror(-rc));
		goto out;
	}
	bound = ZSTD_compressBound(b.len);
	z = malloc(bound);
	if (!z) {
		rc = -ENOMEM;
		util__errf(err, errlen, "cannot write %s: %s", path,
			   strerror(ENOMEM));
		goto out;
	}
	zlen = ZSTD_compress(z, bound, b.p, b.len, 3);
	if (ZSTD_isError(zlen)) {
		rc = -EIO;
		util__errf(err, errlen, "cannot write %s: zstd: %s", path,
			   ZSTD_getErrorName(zlen));
		goto out;
	}
	rc = fileio__write_atomic(path, z, zlen, err, errlen);
out:
	free(z);
	free(b.p);
	return rc;
}

/* ---- reader ------------------------------------------------------------- */

struct rd {
	const unsigned char *p;
	size_t len, pos;
};

static uint32_t le32_load(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64_load(const unsigned char *p)
{
	return (uint64_t)le32_load(p) | (uint64_t)le32_load(p + 4) << 32;
}

static size_t rd_left(const struct rd *r)
{
	return r->len - r->pos;
}

static bool rd_u32(struct rd *r, uint32_t *v)
{
	if (rd_left(r) < 4)
		return false;
	*v = le32_load(r->p + r->pos);
	r->pos += 4;
	return true;
}

static bool rd_u64(struct rd *r, uint64_t *v)
{
	if (rd_left(r) < 8)
		return false;
	*v = le64_load(r->p + r->pos);
	r->pos += 8;
	return true;
}

/* Decoding context: error reporting with the file name and section. */
struct dec {
	const char *name;
	char *err;
	size_t errlen;
	const char *sec;
};

#define DEC_FAIL(d, ...) dec_fail(d, __VA_ARGS__)

__attribute__((format(printf, 2, 3)))
static int dec_fail(struct dec *d, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	util__errf(d->err, d->errlen, "%s: corrupt trace: %s section: %s",
		   d->name, d->sec, msg);
	return -EINVAL;
}

/* Read a string; nullable says whether STR_NULL is accepted. */
static int rd_str(struct rd *r, struct dec *d, bool nullable, char **out,
		  const char *what)
{
	uint32_t n;

	*out = NULL;
	if (!rd_u32(r, &n))
		return DEC_FAIL(d, "%s: truncated string length", what);
	if (n == STR_NULL) {
		if (!nullable)
			return DEC_FAIL(d, "%s: missing string", what);
		return 0;
	}
	if (n > rd_left(r))
		return DEC_FAIL(d, "%s: string length %u exceeds section "
				"(%zu bytes left)", what, n, rd_left(r));
	if (memchr(r->p + r->pos, 0, n))
		return DEC_FAIL(d, "%s: string contains a NUL byte", what);
	*out = strndup((const char *)r->p + r->pos, n);
	if (!*out)
		return -ENOMEM;
	r->pos += n;
	return 0;
}

/* Read a count and check it against the section size and a cap. */
static int rd_count(struct rd *r, struct dec *d, size_t min_entry, size_t cap,
		    uint32_t *n)
{
	if (!rd_u32(r, n))
		return DEC_FAIL(d, "truncated count");
	if (*n > cap)
		return DEC_FAIL(d, "count %u exceeds the limit %zu", *n, cap);
	if ((uint64_t)*n * min_entry > rd_left(r))
		return DEC_FAIL(d, "count %u exceeds section size (%zu bytes)",
				*n, rd_left(r));
	return 0;
}

static int dec_meta(struct rd *r, struct dec *d, struct trace *t)
{
	int rc;

	if ((rc = rd_str(r, d, true, &t->arch, "arch")) ||
	    (rc = rd_str(r, d, true, &t->kernel, "kernel")) ||
	    (rc = rd_str(r, d, true, &t->cmdline, "cmdline")) ||
	    (rc = rd_str(r, d, true, &t->binary, "binary")) ||
	    (rc = rd_str(r, d, true, &t->binary_build_id, "binary build-id")))
		return rc;
	return 0;
}

static int dec_times(struct rd *r, struct dec *d, struct trace *t)
{
	if (!rd_u64(r, &t->start_ns) || !rd_u64(r, &t->end_ns))
		return DEC_FAIL(d, "truncated");
	return 0;
}

static int dec_complete(struct rd *r, struct dec *d, struct trace *t)
{
	if (!rd_u32(r, &t->complete))
		return DEC_FAIL(d, "truncated");
	if (t->complete > 1)
		return DEC_FAIL(d, "complete flag %u is not 0 or 1", t->complete);
	return 0;
}

static int dec_stats(struct rd *r, struct dec *d, struct trace *t)
{
	uint32_t n;
	int rc = rd_count(r, d, 8, TRACE_NSTATS, &n);

	if (rc)
		return rc;
	for (uint32_t i = 0; i < n; i++)
		rd_u64(r, &t->stats[i]);
	t->nstats = n;
	return 0;
}

static int dec_transparent(struct rd *r, struct dec *d, struct trace *t)
{
	uint32_t n;
	int rc = rd_count(r, d, MIN_STR, TRACE_MAX_TRANSPARENT, &n);

	for (uint32_t i = 0; !rc && i < n; i++) {
		char *s;

		rc = rd_str(r, d, false, &s, "path");
		if (!rc) {
			rc = trace__add_transparent(t, s);
			free(s);
		}
	}
	return rc;
}

static int dec_libs(struct rd *r, struct dec *d, struct trace *t)
{
	uint32_t n;
	int rc = rd_count(r, d, MIN_LIB, TRACE_MAX_LIBS, &n);

	for (uint32_t i = 0; !rc && i < n; i++) {
		char *path = NULL, *bid = NULL;
		uint32_t kind;
		uint64_t dev, ino;

		if (!rd_u32(r, &kind) || !rd_u64(r, &dev) || !rd_u64(r, &ino))
			return DEC_FAIL(d, "library %u: truncated", i);
		if (kind > LIB_KIND_BUCKET)
			return DEC_FAIL(d, "library %u: invalid kind %u", i, kind);
		rc = rd_str(r, d, false, &path, "library path");
		if (!rc)
			rc = rd_str(r, d, true, &bid, "library build-id");
		if (!rc) {
			rc = trace__add_lib(t, path, bid, kind, dev, ino);
			if (rc >= 0 && (uint32_t)rc != i)
				rc = DEC_FAIL(d, "library %u: duplicate of library %d",
					      i, rc);
			else if (rc >= 0)
				rc = 0;
		}
		free(path);
		free(bid);
	}
	return rc;
}

static int dec_tuples(struct rd *r, struct dec *d, struct trace *t)
{
	uint32_t n;
	int rc = rd_count(r, d, TUPLE_SIZE, TRACE_MAX_TUPLES, &n);

	for (uint32_t i = 0; !rc && i < n; i++) {
		uint32_t lib, nr;
		uint64_t arg[TRACE_NARGS], count;

		rd_u32(r, &lib);
		rd_u32(r, &nr);
		for (int a = 0; a < TRACE_NARGS; a++)
			rd_u64(r, &arg[a]);
		rd_u64(r, &count);
		if (lib >= t->nlibs)
			return DEC_FAIL(d, "tuple %u: library index %u out of "
					"range (%zu libraries)", i, lib, t->nlibs);
		rc = trace__add_tuple(t, lib, nr, arg, count);
	}
	return rc;
}

static int dec_sites(struct rd *r, struct dec *d, struct trace *t)
{
	uint32_t n;
	int rc = rd_count(r, d, MIN_SITE, TRACE_MAX_SITES, &n);

	for (uint32_t i = 0; !rc && i < n; i++) {
		uint32_t lib, nr;
		uint64_t off;
		char *sym;

		if (!rd_u32(r, &lib) || !rd_u32(r, &nr) || !rd_u64(r, &off))
			return DEC_FAIL(d, "site %u: truncated", i);
		if (lib >= t->nlibs)
			return DEC_FAIL(d, "site %u: library index %u out of "
					"range (%zu libraries)", i, lib, t->nlibs);
		rc = rd_str(r, d, true, &sym, "site symbol");
		if (!rc) {
			rc = trace__add_site(t, lib, nr, off, sym);
			free(sym);
		}
	}
	return rc;
}

typedef int (*dec_fn)(struct rd *, struct dec *, struct trace *);
static const dec_fn section_decoders[] = {
	[SEC_META] = dec_meta, [SEC_TIMES] = dec_times,
	[SEC_COMPLETE] = dec_complete, [SEC_STATS] = dec_stats,
	[SEC_TRANSPARENT] = dec_transparent, [SEC_LIBS] = dec_libs,
	[SEC_TUPLES] = dec_tuples, [SEC_SITES] = dec_sites,
};

/* Decode a decompressed payload. */
static int trace_decode(const unsigned char *p, size_t len, const char *name,
			struct trace **out, char *err, size_t errlen)
{
	struct dec d = { name, err, errlen, "header" };
	struct rd r;
	struct trace *t;
	uint32_t version, next = SEC_META;
	uint32_t crc;
	int rc = 0;

	if (len < sizeof(trace_magic) ||
	    memcmp(p, trace_magic, sizeof(trace_magic)) != 0) {
		util__errf(err, errlen, "%s: not a sysfence trace (bad magic)",
			   name);
		return -EINVAL;
	}
	if (len < HDR_SIZE + CRC_SIZE) {
		util__errf(err, errlen, "%s: truncated", name);
		return -EINVAL;
	}
	version = le32_load(p + 8);
	if (version > TRACE_FORMAT_VERSION) {
		util__errf(err, errlen, "%s: trace format version %u is newer "
			   "than this sysfence supports (%u)", name, version,
			   TRACE_FORMAT_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (version == 0) {
		util__errf(err, errlen, "%s: invalid trace format version 0",
			   name);
		return -EINVAL;
	}
	crc = le32_load(p + len - CRC_SIZE);
	if (util__crc32(0, p, len - CRC_SIZE) != crc) {
		util__errf(err, errlen, "%s: checksum mismatch (corrupted)",
			   name);
		return -EBADMSG;
	}

	t = trace__new();
	if (!t) {
		util__errf(err, errlen, "%s: %s", name, strerror(ENOMEM));
		return -ENOMEM;
	}
	t->version = version;
	t->flags = le32_load(p + 12) & TRACE_F_RUNTIME_BUCKETS; /* unknown bits: ignored */
	r = (struct rd){ p, len - CRC_SIZE, HDR_SIZE };
	while (rd_left(&r)) {
		uint32_t tag, slen;
		struct rd sec;

		d.sec = "header";
		if (!rd_u32(&r, &tag) || !rd_u32(&r, &slen)) {
			rc = DEC_FAIL(&d, "truncated section header at offset %zu",
				      r.pos);
			goto fail;
		}
		if (slen > rd_left(&r)) {
			rc = DEC_FAIL(&d, "section %u length %u exceeds payload "
				      "(%zu bytes left)", tag, slen, rd_left(&r));
			goto fail;
		}
		sec = (struct rd){ r.p + r.pos, slen, 0 };
		r.pos += slen;
		if (tag == 0 || tag > SEC__LAST)
			continue; /* unknown section: skipped (docs) */
		if (tag != next) {
			rc = DEC_FAIL(&d, tag < next ?
				      "section '%s' repeated or out of order" :
				      "section '%s' missing",
				      section_names[tag < next ? tag : next]);
			goto fail;
		}
		d.sec = section_names[tag];
		rc = section_decoders[tag](&sec, &d, t);
		if (rc) {
			if (rc != -EINVAL)
				util__errf(err, errlen, "%s: %s", name,
					   strerror(-rc));
			goto fail;
		}
		if (rd_left(&sec)) {
			rc = DEC_FAIL(&d, "%zu unexpected trailing bytes",
				      rd_left(&sec));
			goto fail;
		}
		next++;
	}
	if (next <= SEC__LAST) {
		d.sec = "header";
		rc = DEC_FAIL(&d, "section '%s' missing", section_names[next]);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	trace__free(t);
	return rc;
}

static int read_mem_named(const void *buf, size_t len, const char *name,
			  struct trace **out, char *err, size_t errlen)
{
	static const unsigned char zmagic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	ZSTD_inBuffer in = { buf, len, 0 };
	ZSTD_outBuffer o = { NULL, 0, 0 };
	unsigned long long csize;
	ZSTD_DCtx *dctx = NULL;
	int rc;

	if (len == 0) {
		util__errf(err, errlen, "%s: empty file", name);
		return -ENODATA;
	}
	if (len < 4 || memcmp(buf, zmagic, 4) != 0) {
		util__errf(err, errlen, "%s: not a sysfence trace (not "
			   "zstd-compressed)", name);
		return -EINVAL;
	}
	/* preallocate when the frame header declares the size */
	csize = ZSTD_getFrameContentSize(buf, len);
	if (csize == ZSTD_CONTENTSIZE_ERROR) {
		util__errf(err, errlen, "%s: truncated", name);
		return -EINVAL;
	}
	if (csize != ZSTD_CONTENTSIZE_UNKNOWN && csize > TRACE_MAX_PAYLOAD) {
		util__errf(err, errlen, "%s: decompressed size %llu exceeds the "
			   "limit (%zu MiB)", name, csize, TRACE_MAX_PAYLOAD >> 20);
		return -EFBIG;
	}
	/* trust the declared size only as far as the input could plausibly
	 * expand: a tiny hostile frame must not make us allocate 1 GiB */
	o.size = csize != ZSTD_CONTENTSIZE_UNKNOWN && csize > 0 ?
		 (size_t)csize + 1 : 65536;
	if (o.size > 65536 && o.size / 256 > len)
		o.size = len * 256 > 65536 ? len * 256 : 65536;
	o.dst = malloc(o.size);
	dctx = ZSTD_createDCtx();
	if (!o.dst || !dctx) {
		rc = -ENOMEM;
		util__errf(err, errlen, "%s: %s", name, strerror(ENOMEM));
		goto out;
	}
	for (;;) {
		size_t ret;

		if (o.pos == o.size) {
			size_t nsize;
			void *np;

			if (o.size > TRACE_MAX_PAYLOAD) {
				rc = -EFBIG;
				util__errf(err, errlen, "%s: decompressed size "
					   "exceeds the limit (%zu MiB)", name,
					   TRACE_MAX_PAYLOAD >> 20);
				goto out;
			}
			nsize = o.size * 2;
			if (nsize > TRACE_MAX_PAYLOAD + 1)
				nsize = TRACE_MAX_PAYLOAD + 1;
			np = realloc(o.dst, nsize);
			if (!np) {
				rc = -ENOMEM;
				util__errf(err, errlen, "%s: %s", name,
					   strerror(ENOMEM));
				goto out;
			}
			o.dst = np;
			o.size = nsize;
		}
		ret = ZSTD_decompressStream(dctx, &o, &in);
		if (ZSTD_isError(ret)) {
			rc = -EINVAL;
			util__errf(err, errlen, "%s: corrupt zstd data: %s", name,
				   ZSTD_getErrorName(ret));
			goto out;
		}
		if (in.pos == in.size) {
			if (ret == 0)
				break; /* frame complete, input consumed */
			if (o.pos < o.size) {
				rc = -EINVAL;
				util__errf(err, errlen, "%s: truncated", name);
				goto out;
			}
		}
	}
	if (o.pos > TRACE_MAX_PAYLOAD) {
		rc = -EFBIG;
		util__errf(err, errlen, "%s: decompressed size exceeds the limit "
			   "(%zu MiB)", name, TRACE_MAX_PAYLOAD >> 20);
		goto out;
	}
	rc = trace_decode(o.dst, o.pos, name, out, err, errlen);
out:
	ZSTD_freeDCtx(dctx);
	free(o.dst);
	return rc;
}

int trace__read_mem(const void *buf, size_t len, struct trace **out,
		    char *err, size_t errlen)
{
	if (!out || (!buf && len)) {
		util__errf(err, errlen, "<memory>: invalid argument");
		return -EINVAL;
	}
	return read_mem_named(buf, len, "<memory>", out, err, errlen);
}

int trace__parse(const void *buf, size_t len, const char *name,
		 struct trace **out, char *err, size_t errlen)
{
	if (!out || (!buf && len)) {
		util__errf(err, errlen, "%s: invalid argument",
			   name ? name : "<memory>");
		return -EINVAL;
	}
	return read_mem_named(buf, len, name ? name : "<memory>", out, err,
			      errlen);
}

int trace__read(const char *path, struct trace **out, char *err,
		size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	if (!path || !out) {
		util__errf(err, errlen, "cannot read trace: invalid argument");
		return -EINVAL;
	}
	/* compressed input is at most the payload cap (zstd never expands
	 * much, and a bigger file cannot decompress below the cap usefully) */
	rc = fileio__read_all(path, TRACE_MAX_PAYLOAD, &buf, &len, err, errlen);
	if (rc)
		return rc;
	rc = read_mem_named(buf, len, path, out, err, errlen);
	free(buf);
	return rc;
}

/* ---- merge -------------------------------------------------------------- */

static int dup_if_unset(char **dst, const char *src)
{
	if (*dst || !src)
		return 0;
	return util__dup(dst, src);
}

int trace__merge(struct trace *dst, const struct trace *src)
{
	uint32_t *map = NULL;
	bool fresh;
	int rc;

	if (!dst || !src || dst == src)
		return -EINVAL;
	for (size_t i = 0; i < src->ntuples; i++)
		if (src->tuples[i].lib >= src->nlibs)
			return -EINVAL;
	for (size_t i = 0; i < src->nsites; i++)
		if (src->sites[i].lib >= src->nlibs)
			return -EINVAL;

	fresh = !dst->nlibs && !dst->ntuples && !dst->start_ns;
	if ((rc = dup_if_unset(&dst->arch, src->arch)) ||
	    (rc = dup_if_unset(&dst->kernel, src->kernel)) ||
	    (rc = dup_if_unset(&dst->cmdline, src->cmdline)) ||
	    (rc = dup_if_unset(&dst->binary, src->binary)) ||
	    (rc = dup_if_unset(&dst->binary_build_id, src->binary_build_id)))
		return rc;
	dst->complete = fresh ? src->complete : dst->complete && src->complete;
	dst->flags |= src->flags; /* any runtime buckets present: keep them */
	if (src->start_ns && (!dst->start_ns || src->start_ns < dst->start_ns))
		dst->start_ns = src->start_ns;
	if (src->end_ns > dst->end_ns)
		dst->end_ns = src->end_ns;
	for (uint32_t i = 0; i < src->nstats && i < TRACE_NSTATS; i++)
		dst->stats[i] = sat_add(dst->stats[i], src->stats[i]);
	if (src->nstats > dst->nstats)
		dst->nstats = src->nstats > TRACE_NSTATS ? TRACE_NSTATS
							 : src->nstats;

	for (size_t i = 0; i < src->ntransparent; i++) {
		rc = trace__add_transparent(dst, src->transparent[i]);
		if (rc)
			return rc;
	}
	map = malloc((src->nlibs ? src->nlibs : 1) * sizeof(*map));
	if (!map)
		return -ENOMEM;
	for (size_t i = 0; i < src->nlibs; i++) {
		const struct trace_lib *l = &src->libs[i];

		rc = trace__add_lib(dst, l->path, l->build_id, l->kind, l->dev,
				    l->ino);
		if (rc < 0)
			goto out;
		map[i] = (uint32_t)rc;
	}
	for (size_t i = 0; i < src->ntuples; i++) {
		const struct trace_tuple *tu = &src->tuples[i];

		rc = trace__add_tuple(dst, map[tu->lib], tu->nr, tu->arg,
				      tu->count);
		if (rc)
			goto out;
	}
	for (size_t i = 0; i < src->nsites; i++) {
		const struct trace_site *si = &src->sites[i];

		rc = trace__add_site(dst, map[si->lib], si->nr, si->off, si->sym);
		if (rc)
			goto out;
	}
	rc = 0;
out:
	free(map);
	return rc;
}
