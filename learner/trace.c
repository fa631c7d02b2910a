/* trace.c - in-memory trace model: building, canonical order, merge.
 *
 * The zstd file format v1 (docs/trace-format.md) is trace_file.c.  The
 * in-memory model keeps hash
 * indexes (struct trace_index) so that adding a library, tuple or site is
 * O(1) expected; merging many traces stays linear.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfence.h"
#include "trace.h"
#include "trace_internal.h"
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
	[SF_BUCKET_LIBC_THREAD] = "[libc-thread]",
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
	for (size_t i = 0; i < t->nobjs; i++) {
		free(t->objs[i].path);
		free(t->objs[i].raw);
	}
	free(t->objs);
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

int trace_lib__cmp(const struct trace_lib *a, const struct trace_lib *b)
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
	int c = trace_lib__cmp(&t->libs[a], &t->libs[b]);

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
void perms_free(struct perms *p)
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
int perms_build(const struct trace *t, struct perms *p)
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

static int str_cmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

int trace_obj__cmp(const void *pa, const void *pb)
{
	const struct trace_obj *a = pa, *b = pb;
	int c;

	if (a->lib != b->lib)
		return a->lib < b->lib ? -1 : 1;
	if (a->nr != b->nr)
		return a->nr < b->nr ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->aux != b->aux)
		return a->aux < b->aux ? -1 : 1;
	if ((c = str_cmp_null(a->path, b->path)))
		return c;
	return str_cmp_null(a->raw, b->raw);
}

/* Objects in canonical order: (lib, nr, kind, slot, aux, path, raw). */
static void objs_sort(struct trace *t)
{
	if (t->nobjs > 1)
		qsort(t->objs, t->nobjs, sizeof(*t->objs), trace_obj__cmp);
}

int trace__add_obj(struct trace *t, uint32_t lib, uint32_t nr, uint32_t kind,
		   uint32_t slot, uint32_t aux, const char *path, const char *raw,
		   uint64_t count)
{
	struct trace_obj k = { lib, nr, kind, slot, aux, 0, (char *)path, (char *)raw };
	size_t unit = 0;

	if (!t || lib >= t->nlibs || !kind || kind > TRACE_OBJ_UNIX)
		return -EINVAL;
	/* linear: bounded by TRACE_MAX_OBJS_PER_UNIT per unit */
	for (size_t i = 0; i < t->nobjs; i++) {
		struct trace_obj *o = &t->objs[i];

		if (o->lib != lib || o->nr != nr)
			continue;
		if (!trace_obj__cmp(o, &k)) {
			o->count = sat_add(o->count, count);
			return 0;
		}
		unit++;
	}
	if (unit >= TRACE_MAX_OBJS_PER_UNIT || t->nobjs >= TRACE_MAX_OBJS) {
		t->objs_over = sat_add(t->objs_over, 1);
		return 0;
	}
	if (t->nobjs == t->capobjs) {
		size_t cap = t->capobjs ? t->capobjs * 2 : 64;
		struct trace_obj *n = realloc(t->objs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->objs = n;
		t->capobjs = cap;
	}
	k.count = count;
	k.path = NULL;
	k.raw = NULL;
	if ((path && !(k.path = strdup(path))) || (raw && !(k.raw = strdup(raw)))) {
		free(k.path);
		return -ENOMEM;
	}
	t->objs[t->nobjs++] = k;
	return 0;
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
	for (size_t i = 0; i < t->nobjs; i++)
		t->objs[i].lib = p.lmap[t->objs[i].lib];
	objs_sort(t);
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
	{
		/* clone3 values mean flags only when every part read them */
		uint32_t mem = (fresh || (dst->flags & TRACE_F_MEM_ARGS)) &&
			       (src->flags & TRACE_F_MEM_ARGS) ? TRACE_F_MEM_ARGS : 0;

		dst->flags |= src->flags; /* any runtime buckets present: keep them */
		dst->flags = (dst->flags & ~TRACE_F_MEM_ARGS) | mem;
	}
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
	for (size_t i = 0; i < src->nobjs; i++) {
		const struct trace_obj *o = &src->objs[i];

		if (o->lib >= src->nlibs) {
			rc = -EINVAL;
			goto out;
		}
		rc = trace__add_obj(dst, map[o->lib], o->nr, o->kind, o->slot, o->aux,
				    o->path, o->raw, o->count);
		if (rc)
			goto out;
	}
	dst->objs_over = sat_add(dst->objs_over, src->objs_over);
	rc = 0;
out:
	free(map);
	return rc;
}
