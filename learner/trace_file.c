/* trace_file.c - the zstd trace file format v1: atomic writer and a
 * validating reader (magic, version, checksums, bounds, truncation).
 * Format: docs/trace-format.md; the model is trace.c. */
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
#include "trace_file.h"
#include "trace_internal.h"
#include "util.h"

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
	SEC_OBJECTS = 9,     /* optional, after sites: paths and ports */
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
/* Optional section "objects" (written only when there are objects, so a
 * trace without them is byte-identical to before): u64 over, u32 n, n x
 * {u32 lib, u32 nr, u32 kind, u32 slot, u32 aux, u64 count, str path, str
 * raw}, in canonical order. */
static void objs_encode(const struct trace *t, struct wbuf *b, const struct perms *p)
{
	struct trace_obj *o = malloc((t->nobjs ? t->nobjs : 1) * sizeof(*o));
	size_t sec;

	if (!o) {
		b->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < t->nobjs; i++) {
		o[i] = t->objs[i];
		o[i].lib = p->lmap[o[i].lib];
	}
	if (t->nobjs > 1)
		qsort(o, t->nobjs, sizeof(*o), trace_obj__cmp);
	sec = wb_section_begin(b, SEC_OBJECTS);
	wb_u64(b, t->objs_over);
	wb_u32(b, (uint32_t)t->nobjs);
	for (size_t i = 0; i < t->nobjs; i++) {
		wb_u32(b, o[i].lib);
		wb_u32(b, o[i].nr);
		wb_u32(b, o[i].kind);
		wb_u32(b, o[i].slot);
		wb_u32(b, o[i].aux);
		wb_u64(b, o[i].count);
		wb_str(b, o[i].path);
		wb_str(b, o[i].raw);
	}
	wb_section_end(b, sec);
	free(o);
}

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
	if (t->nobjs || t->objs_over)
		objs_encode(t, b, &p);
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

#define MIN_OBJ (5 * 4 + 8 + 2 * 4)
static int dec_objects(struct rd *r, struct dec *d, struct trace *t)
{
	uint64_t over;
	uint32_t n;
	int rc;

	if (t->nobjs)
		return DEC_FAIL(d, "section repeated");
	if (!rd_u64(r, &over))
		return DEC_FAIL(d, "truncated");
	rc = rd_count(r, d, MIN_OBJ, TRACE_MAX_OBJS, &n);
	for (uint32_t i = 0; !rc && i < n; i++) {
		uint32_t f[5];
		uint64_t count;
		char *path = NULL, *raw = NULL;

		for (int k = 0; k < 5; k++)
			if (!rd_u32(r, &f[k]))
				return DEC_FAIL(d, "object %u: truncated", i);
		if (!rd_u64(r, &count))
			return DEC_FAIL(d, "object %u: truncated", i);
		if (f[0] >= t->nlibs)
			return DEC_FAIL(d, "object %u: library index %u out of "
					"range (%zu libraries)", i, f[0], t->nlibs);
		if (!f[2] || f[2] > TRACE_OBJ_UNIX)
			return DEC_FAIL(d, "object %u: unknown kind %u", i, f[2]);
		rc = rd_str(r, d, true, &path, "object path");
		if (!rc)
			rc = rd_str(r, d, true, &raw, "object raw path");
		if (!rc)
			rc = trace__add_obj(t, f[0], f[1], f[2], f[3], f[4], path,
					    raw, count);
		free(path);
		free(raw);
	}
	t->objs_over = over > UINT64_MAX - t->objs_over ? UINT64_MAX : t->objs_over + over;
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
	t->flags = le32_load(p + 12) & (TRACE_F_RUNTIME_BUCKETS | TRACE_F_MEM_ARGS); /* unknown bits: ignored */
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
		if (tag == SEC_OBJECTS) {
			d.sec = "objects";
			if (next <= SEC__LAST) {
				rc = DEC_FAIL(&d, "section 'objects' before 'sites'");
				goto fail;
			}
			rc = dec_objects(&sec, &d, t);
			if (!rc && rd_left(&sec))
				rc = DEC_FAIL(&d, "%zu unexpected trailing bytes",
					      rd_left(&sec));
			if (rc) {
				if (rc != -EINVAL)
					util__errf(err, errlen, "%s: %s", name,
						   strerror(-rc));
				goto fail;
			}
			continue;
		}
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
