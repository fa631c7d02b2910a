/* test_trace.c - trace model and trace file format v1. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "fileio.h"
#include "sysfence.h"
#include "trace.h"
#include "trace_file.h"
#include "util.h"

#define TEST_TMPDIR_PREFIX "/tmp/sf-test-trace"
#include "testutil.h"

static char *tmp_path(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

/* A small trace built in a non-canonical order. */
static struct trace *sample_trace(void)
{
	struct trace *t = trace__new();
	uint64_t a0[TRACE_NARGS] = { 0, 0 }, a1[TRACE_NARGS] = { 1, 2 };
	int libc, exe, bucket;

	assert_non_null(t);
	t->arch = strdup("x86_64");
	t->kernel = strdup("6.1.0-test");
	t->cmdline = strdup("/usr/bin/demo --flag \"x\"");
	t->binary = strdup("/usr/bin/demo");
	t->binary_build_id = NULL;
	t->start_ns = 1000;
	t->end_ns = 2000;
	t->complete = 1;
	t->nstats = SF_STAT__COUNT;
	for (unsigned i = 0; i < SF_STAT__COUNT; i++)
		t->stats[i] = i * 10;
	assert_int_equal(trace__add_transparent(t, "/usr/lib/libc.so.6"), 0);
	assert_int_equal(trace__add_transparent(t, "/usr/lib/ld.so"), 0);
	assert_int_equal(trace__add_transparent(t, "/usr/lib/libc.so.6"), 0);
	assert_int_equal(t->ntransparent, 2);

	bucket = trace__add_lib(t, trace_bucket_names[SF_BUCKET_LIBC_RUNTIME],
				NULL, LIB_KIND_BUCKET, 0, 1);
	libc = trace__add_lib(t, "/usr/lib/libz.so.1", "beef", LIB_KIND_LIBRARY,
			      8, 100);
	exe = trace__add_lib(t, "/usr/bin/demo", "cafe", LIB_KIND_EXECUTABLE, 8,
			     200);
	assert_true(bucket >= 0 && libc >= 0 && exe >= 0);
	assert_int_equal(trace__add_lib(t, "/usr/lib/libz.so.1", "beef",
					LIB_KIND_LIBRARY, 9, 9), libc);
	/* same path, other build-id: another library */
	assert_int_equal(trace__add_lib(t, "/usr/lib/libz.so.1", NULL,
					LIB_KIND_LIBRARY, 8, 101), 3);

	assert_int_equal(trace__add_tuple(t, exe, 257, a1, 3), 0);
	assert_int_equal(trace__add_tuple(t, exe, 257, a0, 1), 0);
	assert_int_equal(trace__add_tuple(t, exe, 0, a0, 5), 0);
	assert_int_equal(trace__add_tuple(t, libc, 1, NULL, 2), 0);
	assert_int_equal(trace__add_tuple(t, bucket, 231, a0, 1), 0);
	assert_int_equal(trace__add_tuple(t, exe, 257, a1, 4), 0); /* sums */
	assert_int_equal(t->ntuples, 5);
	assert_int_equal(trace__add_site(t, exe, 257, 0x1234, "open_config+0x2a"), 0);
	assert_int_equal(trace__add_site(t, exe, 257, 0x9999, "other"), 0); /* kept */
	assert_int_equal(trace__add_site(t, libc, 1, 0x42, NULL), 0);
	assert_int_equal(t->nsites, 2);
	assert_int_equal(trace__add_tuple(t, 99, 1, NULL, 1), -EINVAL);
	assert_int_equal(trace__add_site(t, 99, 1, 0, NULL), -EINVAL);
	return t;
}

static void assert_str_eq_null(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_trace_equal(const struct trace *a, const struct trace *b)
{
	assert_str_eq_null(a->arch, b->arch);
	assert_str_eq_null(a->kernel, b->kernel);
	assert_str_eq_null(a->cmdline, b->cmdline);
	assert_str_eq_null(a->binary, b->binary);
	assert_str_eq_null(a->binary_build_id, b->binary_build_id);
	assert_int_equal(a->start_ns, b->start_ns);
	assert_int_equal(a->end_ns, b->end_ns);
	assert_int_equal(a->complete, b->complete);
	assert_int_equal(a->nstats, b->nstats);
	assert_memory_equal(a->stats, b->stats, sizeof(a->stats));
	assert_int_equal(a->ntransparent, b->ntransparent);
	for (size_t i = 0; i < a->ntransparent; i++)
		assert_string_equal(a->transparent[i], b->transparent[i]);
	assert_int_equal(a->nlibs, b->nlibs);
	for (size_t i = 0; i < a->nlibs; i++) {
		assert_string_equal(a->libs[i].path, b->libs[i].path);
		assert_str_eq_null(a->libs[i].build_id, b->libs[i].build_id);
		assert_int_equal(a->libs[i].kind, b->libs[i].kind);
		assert_int_equal(a->libs[i].dev, b->libs[i].dev);
		assert_int_equal(a->libs[i].ino, b->libs[i].ino);
	}
	assert_int_equal(a->ntuples, b->ntuples);
	for (size_t i = 0; i < a->ntuples; i++) {
		assert_int_equal(a->tuples[i].lib, b->tuples[i].lib);
		assert_int_equal(a->tuples[i].nr, b->tuples[i].nr);
		assert_memory_equal(a->tuples[i].arg, b->tuples[i].arg,
				    sizeof(a->tuples[i].arg));
		assert_int_equal(a->tuples[i].count, b->tuples[i].count);
	}
	assert_int_equal(a->nsites, b->nsites);
	for (size_t i = 0; i < a->nsites; i++) {
		assert_int_equal(a->sites[i].lib, b->sites[i].lib);
		assert_int_equal(a->sites[i].nr, b->sites[i].nr);
		assert_int_equal(a->sites[i].off, b->sites[i].off);
		assert_str_eq_null(a->sites[i].sym, b->sites[i].sym);
	}
}

static void test_bucket_names(void **state)
{
	(void)state;
	assert_int_equal(trace_bucket_count, SF_BUCKET__COUNT);
	assert_null(trace_bucket_names[SF_BUCKET_NONE]);
	assert_string_equal(trace_bucket_names[SF_BUCKET_VMA_UNKNOWN],
			    "[vma-unknown]");
}

static void test_canonical_order(void **state)
{
	struct trace *t = sample_trace();

	(void)state;
	assert_int_equal(trace__canonicalize(t), 0);
	assert_int_equal(t->nlibs, 4);
	assert_string_equal(t->libs[0].path, "/usr/bin/demo");
	assert_int_equal(t->libs[0].kind, LIB_KIND_EXECUTABLE);
	assert_string_equal(t->libs[1].path, "/usr/lib/libz.so.1");
	assert_null(t->libs[1].build_id); /* NULL build-id sorts first */
	assert_string_equal(t->libs[2].build_id, "beef");
	assert_string_equal(t->libs[3].path, "[libc-runtime]");
	assert_string_equal(t->transparent[0], "/usr/lib/ld.so");
	/* tuples: lib, nr, args */
	assert_int_equal(t->tuples[0].lib, 0);
	assert_int_equal(t->tuples[0].nr, 0);
	assert_int_equal(t->tuples[1].nr, 257);
	assert_int_equal(t->tuples[1].arg[0], 0);
	assert_int_equal(t->tuples[2].nr, 257);
	assert_int_equal(t->tuples[2].arg[0], 1);
	assert_int_equal(t->tuples[2].count, 7);
	assert_int_equal(t->tuples[3].lib, 2);
	assert_int_equal(t->tuples[4].lib, 3);
	assert_int_equal(t->sites[0].lib, 0);
	assert_string_equal(t->sites[0].sym, "open_config+0x2a");
	assert_int_equal(t->sites[1].lib, 2);
	/* the index follows the new positions */
	assert_int_equal(trace__add_lib(t, "/usr/lib/libz.so.1", "beef",
					LIB_KIND_LIBRARY, 0, 0), 2);
	assert_int_equal(trace__add_tuple(t, 0, 0, NULL, 1), 0);
	assert_int_equal(t->ntuples, 5);
	assert_int_equal(t->tuples[0].count, 6);
	trace__free(t);
}

static void test_roundtrip(void **state)
{
	struct trace *t = sample_trace(), *r = NULL, *r2 = NULL;
	char err[TRACE_ERRLEN] = "";
	char *path = tmp_path("rt.sftrace"), *path2 = tmp_path("rt2.sftrace");
	char *b1, *b2;
	size_t l1, l2;

	(void)state;
	assert_int_equal(trace__write(t, path, err, sizeof(err)), 0);
	assert_int_equal(trace__read(path, &r, err, sizeof(err)), 0);
	assert_int_equal(r->version, TRACE_FORMAT_VERSION);
	assert_int_equal(trace__canonicalize(t), 0);
	assert_trace_equal(t, r);
	/* writing the read trace gives identical bytes */
	assert_int_equal(trace__write(r, path2, err, sizeof(err)), 0);
	assert_int_equal(fileio__read_all(path, FILEIO_READ_CAP, &b1, &l1, err,
					  sizeof(err)), 0);
	assert_int_equal(fileio__read_all(path2, FILEIO_READ_CAP, &b2, &l2, err,
					  sizeof(err)), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	assert_int_equal(trace__read_mem(b1, l1, &r2, err, sizeof(err)), 0);
	assert_trace_equal(t, r2);
	free(b1);
	free(b2);
	trace__free(t);
	trace__free(r);
	trace__free(r2);
}

static void test_empty_trace_roundtrip(void **state)
{
	struct trace *t = trace__new(), *r = NULL;
	char err[TRACE_ERRLEN] = "";
	char *path = tmp_path("empty-trace.sftrace");

	(void)state;
	assert_int_equal(trace__write(t, path, err, sizeof(err)), 0);
	assert_int_equal(trace__read(path, &r, err, sizeof(err)), 0);
	assert_trace_equal(t, r);
	trace__free(t);
	trace__free(r);
}

static void test_merge(void **state)
{
	struct trace *a = sample_trace(), *b = sample_trace(), *m = trace__new();
	uint64_t arg[TRACE_NARGS] = { 7, 7 };
	int lib;

	(void)state;
	b->start_ns = 500;
	b->end_ns = 5000;
	b->complete = 0;
	free(b->arch);
	b->arch = strdup("other");
	lib = trace__add_lib(b, "/usr/lib/libnew.so", NULL, LIB_KIND_LIBRARY, 1, 1);
	assert_true(lib >= 0);
	assert_int_equal(trace__add_tuple(b, (uint32_t)lib, 42, arg, 9), 0);
	assert_int_equal(trace__add_transparent(b, "/usr/lib/libextra.so"), 0);
	assert_int_equal(trace__add_site(b, (uint32_t)lib, 42, 0x10, "f"), 0);

	assert_int_equal(trace__merge(m, a), 0);
	assert_int_equal(m->complete, 1); /* fresh dst takes src's */
	assert_int_equal(trace__merge(m, b), 0);
	assert_int_equal(trace__merge(m, m), -EINVAL);
	assert_int_equal(trace__canonicalize(m), 0);
	assert_string_equal(m->arch, "x86_64");
	assert_int_equal(m->start_ns, 500);
	assert_int_equal(m->end_ns, 5000);
	assert_int_equal(m->complete, 0);
	assert_int_equal(m->stats[3], 60);
	assert_int_equal(m->ntransparent, 3);
	assert_int_equal(m->nlibs, 5);
	assert_int_equal(m->ntuples, 6);
	/* exe openat(1,2): 7 + 7 */
	assert_int_equal(m->tuples[2].nr, 257);
	assert_int_equal(m->tuples[2].count, 14);
	assert_int_equal(m->nsites, 3);
	assert_string_equal(m->sites[0].sym, "open_config+0x2a");
	trace__free(a);
	trace__free(b);
	trace__free(m);
}

/* 100 traces of ~2000 tuples each must merge well under a second. */
static void test_merge_speed(void **state)
{
	struct trace *m = trace__new();
	struct timespec t0, t1;
	double secs;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int k = 0; k < 100; k++) {
		struct trace *t = trace__new();
		char path[64];

		for (int l = 0; l < 40; l++) {
			snprintf(path, sizeof(path), "/usr/lib/lib%d.so", (l * 7 + k) % 60);
			assert_int_equal(trace__add_lib(t, path, NULL,
							LIB_KIND_LIBRARY, 0, 0), l);
		}
		for (int i = 0; i < 2000; i++) {
			uint64_t arg[TRACE_NARGS] = { (uint64_t)(i % 13), (uint64_t)k % 3 };

			assert_int_equal(trace__add_tuple(t, (uint32_t)(i % 40),
							  (uint32_t)(i % 300), arg, 1), 0);
			assert_int_equal(trace__add_site(t, (uint32_t)(i % 40),
							 (uint32_t)(i % 300), 1, NULL), 0);
		}
		assert_int_equal(trace__merge(m, t), 0);
		trace__free(t);
	}
	assert_int_equal(trace__canonicalize(m), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("merged 100 x 2000 tuples in %.3f s (%zu tuples)\n", secs,
		      m->ntuples);
	assert_true(m->nlibs == 60);
	/* generous bound: valgrind and sanitizers run this too */
	assert_true(secs < 20.0);
	trace__free(m);
}

/* Write a trace and return the raw file bytes. */
static char *sample_file(size_t *len)
{
	struct trace *t = sample_trace();
	char err[TRACE_ERRLEN];
	char *path = tmp_path("sample.sftrace");
	char *buf;

	assert_int_equal(trace__write(t, path, err, sizeof(err)), 0);
	assert_int_equal(fileio__read_all(path, FILEIO_READ_CAP, &buf, len, err,
					  sizeof(err)), 0);
	trace__free(t);
	return buf;
}

/* Decompress a file image, let fn modify the payload, recompress. */
static void *repack(const char *z, size_t zlen, size_t *outlen,
		    void (*fn)(unsigned char *p, size_t *len))
{
	unsigned long long n = ZSTD_getFrameContentSize(z, zlen);
	unsigned char *p = malloc(n + 64);
	size_t plen, bound;
	void *out;

	assert_non_null(p);
	plen = ZSTD_decompress(p, n + 64, z, zlen);
	assert_false(ZSTD_isError(plen));
	fn(p, &plen);
	bound = ZSTD_compressBound(plen);
	out = malloc(bound);
	*outlen = ZSTD_compress(out, bound, p, plen, 3);
	assert_false(ZSTD_isError(*outlen));
	free(p);
	return out;
}

static void expect_read_error(const void *buf, size_t len, const char *frag)
{
	struct trace *t = NULL;
	char err[TRACE_ERRLEN] = "";
	int rc = trace__read_mem(buf, len, &t, err, sizeof(err));

	assert_true(rc < 0);
	assert_null(t);
	if (!strstr(err, frag))
		fail_msg("error '%s' lacks '%s'", err, frag);
	assert_null(strchr(err, '\n'));
}

static void test_truncated(void **state)
{
	size_t len;
	char *buf = sample_file(&len);

	(void)state;
	for (size_t cut = len - 1; cut > 4; cut -= (cut > 40 ? 17 : 1))
		expect_read_error(buf, cut, "truncated");
	free(buf);
}

static void test_truncated_file(void **state)
{
	size_t len;
	char *buf = sample_file(&len);
	char *path = tmp_path("trunc.sftrace");
	char err[TRACE_ERRLEN] = "";
	struct trace *t = NULL;

	(void)state;
	assert_int_equal(fileio__write_atomic(path, buf, len / 2, err,
					      sizeof(err)), 0);
	assert_true(trace__read(path, &t, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "truncated"));
	free(buf);
}

static void flip_byte(unsigned char *p, size_t *len)
{
	p[*len / 2] ^= 0x40;
}

static void test_flipped_byte(void **state)
{
	size_t zlen, len;
	char *z = sample_file(&zlen);
	void *bad = repack(z, zlen, &len, flip_byte);

	(void)state;
	expect_read_error(bad, len, "checksum mismatch (corrupted)");
	free(bad);
	/* a flipped byte in the compressed stream: zstd's own checks or ours */
	z[zlen / 2] ^= 0x01;
	{
		struct trace *t = NULL;
		char err[TRACE_ERRLEN];

		assert_true(trace__read_mem(z, zlen, &t, err, sizeof(err)) < 0);
	}
	free(z);
}

static void bump_version(unsigned char *p, size_t *len)
{
	(void)len;
	p[8] = 2;
}

static void test_newer_version(void **state)
{
	size_t zlen, len;
	char *z = sample_file(&zlen);
	void *bad = repack(z, zlen, &len, bump_version);

	(void)state;
	expect_read_error(bad, len, "trace format version 2 is newer than this "
			  "sysfence supports (1)");
	free(bad);
	free(z);
}

static void fix_crc(unsigned char *p, size_t len)
{
	uint32_t c = util__crc32(0, p, len - 4);

	for (int i = 0; i < 4; i++)
		p[len - 4 + i] = (unsigned char)(c >> (8 * i));
}

/* A tuple naming a library beyond nlibs, with a valid checksum. */
static void bad_lib_index(unsigned char *p, size_t *len)
{
	/* find the tuples section (tag 7) by walking sections */
	size_t off = 16;

	while (off + 8 <= *len - 4) {
		uint32_t tag, slen;

		memcpy(&tag, p + off, 4);
		memcpy(&slen, p + off + 4, 4);
		if (tag == 7) {
			p[off + 8 + 4] = 200; /* first tuple's lib */
			break;
		}
		off += 8 + slen;
	}
	fix_crc(p, *len);
}

static void huge_count(unsigned char *p, size_t *len)
{
	size_t off = 16;

	while (off + 8 <= *len - 4) {
		uint32_t tag, slen;

		memcpy(&tag, p + off, 4);
		memcpy(&slen, p + off + 4, 4);
		if (tag == 6) {
			memset(p + off + 8, 0xff, 3); /* nlibs = 0x00ffffff */
			break;
		}
		off += 8 + slen;
	}
	fix_crc(p, *len);
}

static void long_string(unsigned char *p, size_t *len)
{
	/* meta section: first string length */
	p[16 + 8 + 2] = 0x7f;
	fix_crc(p, *len);
}

static void drop_tail(unsigned char *p, size_t *len)
{
	/* cut the sites section: keep a consistent checksum */
	*len -= 20;
	fix_crc(p, *len);
}

static void test_bounds(void **state)
{
	size_t zlen, len;
	char *z = sample_file(&zlen);
	void *bad;

	(void)state;
	bad = repack(z, zlen, &len, bad_lib_index);
	expect_read_error(bad, len, "library index 200 out of range (4 libraries)");
	free(bad);
	bad = repack(z, zlen, &len, huge_count);
	expect_read_error(bad, len, "count 16777215 exceeds");
	free(bad);
	bad = repack(z, zlen, &len, long_string);
	expect_read_error(bad, len, "exceeds section");
	free(bad);
	bad = repack(z, zlen, &len, drop_tail);
	expect_read_error(bad, len, "corrupt trace");
	free(bad);
	free(z);
}

static void test_empty_and_garbage(void **state)
{
	char err[TRACE_ERRLEN] = "";
	char *path = tmp_path("empty.sftrace");
	struct trace *t = NULL;
	static const char garbage[] = "this is not a trace file at all\n";
	char zbuf[256];
	size_t zlen;

	(void)state;
	assert_int_equal(fileio__write_atomic(path, "", 0, err, sizeof(err)), 0);
	assert_int_equal(trace__read(path, &t, err, sizeof(err)), -ENODATA);
	assert_non_null(strstr(err, "empty file"));
	assert_non_null(strstr(err, path));
	expect_read_error("", 0, "empty file");
	expect_read_error(garbage, sizeof(garbage), "not zstd-compressed");
	/* valid zstd, wrong payload */
	zlen = ZSTD_compress(zbuf, sizeof(zbuf), garbage, sizeof(garbage), 3);
	expect_read_error(zbuf, zlen, "bad magic");
	zlen = ZSTD_compress(zbuf, sizeof(zbuf), "SFTRACE1\1\0\0", 11, 3);
	expect_read_error(zbuf, zlen, "truncated");
	assert_true(trace__read(tmp_path("does-not-exist"), &t, err,
				sizeof(err)) == -ENOENT);
	assert_non_null(strstr(err, "does-not-exist"));
}

static void test_write_failure_keeps_old(void **state)
{
	struct trace *t = sample_trace(), *r = NULL;
	char err[TRACE_ERRLEN] = "";
	char *path = tmp_path("keep.sftrace");

	(void)state;
	assert_int_equal(trace__write(t, path, err, sizeof(err)), 0);
	/* directory that does not exist: error names the path */
	assert_true(trace__write(t, tmp_path("nodir/x.sftrace"), err,
				 sizeof(err)) < 0);
	assert_non_null(strstr(err, "cannot write"));
	assert_non_null(strstr(err, "nodir/x.sftrace"));
	/* inconsistent in-memory trace is refused, old file intact */
	t->tuples[0].lib = 1000;
	assert_int_equal(trace__write(t, path, err, sizeof(err)), -EINVAL);
	assert_int_equal(trace__read(path, &r, err, sizeof(err)), 0);
	trace__free(r);
	trace__free(t);
}

/* Random mutations of the payload (checksum fixed up) and of the compressed
 * stream must give an error or a valid trace, never a crash (run under
 * ASan/valgrind). */
static void test_mutations(void **state)
{
	size_t zlen;
	char *z = sample_file(&zlen);
	unsigned long long n = ZSTD_getFrameContentSize(z, zlen);
	unsigned char *p = malloc(n), *q = malloc(n > zlen ? n : zlen);
	size_t plen = ZSTD_decompress(p, n, z, zlen);
	size_t bound = ZSTD_compressBound(plen);
	void *out = malloc(bound);
	unsigned seed = 12345;
	int ok = 0, bad = 0;

	(void)state;
	assert_false(ZSTD_isError(plen));
	for (int iter = 0; iter < 3000; iter++) {
		struct trace *t = NULL;
		char err[TRACE_ERRLEN];
		size_t qlen = plen, olen;
		int nmut = 1 + (int)(rand_r(&seed) % 4);

		memcpy(q, p, plen);
		for (int m = 0; m < nmut; m++) {
			size_t at = 16 + rand_r(&seed) % (plen - 20);

			switch (rand_r(&seed) % 3) {
			case 0: q[at] ^= (unsigned char)(1u << (rand_r(&seed) % 8)); break;
			case 1: q[at] = 0xff; break;
			default: q[at] = (unsigned char)rand_r(&seed); break;
			}
		}
		if (iter % 5 == 0)
			qlen = 20 + rand_r(&seed) % (plen - 20);
		fix_crc(q, qlen);
		olen = ZSTD_compress(out, bound, q, qlen, 1);
		assert_false(ZSTD_isError(olen));
		if (trace__read_mem(out, olen, &t, err, sizeof(err)) == 0) {
			ok++;
			trace__free(t);
		} else {
			bad++;
			assert_null(t);
			assert_true(err[0] != '\0');
		}
		/* and raw corruption of the compressed stream */
		memcpy(q, z, zlen);
		q[rand_r(&seed) % zlen] ^= (unsigned char)(1 + rand_r(&seed) % 255);
		if (trace__read_mem(q, zlen, &t, err, sizeof(err)) == 0)
			trace__free(t);
	}
	print_message("mutations: %d accepted, %d rejected\n", ok, bad);
	assert_true(bad > 0);
	free(out);
	free(p);
	free(q);
	free(z);
}

/* Broken trace files kept in tests/fixtures (also seeds for the fuzzer). */
static void test_fixtures(void **state)
{
	static const struct {
		const char *file;
		int rc;
		const char *frag;
	} cases[] = {
		{ "trace-valid.sftrace", 0, "" },
		{ "trace-empty.sftrace", -ENODATA, "trace-empty.sftrace: empty file" },
		{ "trace-garbage.sftrace", -EINVAL, "not zstd-compressed" },
		{ "trace-truncated.sftrace", -EINVAL, "trace-truncated.sftrace: truncated" },
		{ "trace-bad-checksum.sftrace", -EBADMSG, "checksum mismatch (corrupted)" },
		{ "trace-newer-version.sftrace", -EPROTONOSUPPORT,
		  "trace format version 2 is newer than this sysfence supports (1)" },
		{ "trace-bad-lib-index.sftrace", -EINVAL,
		  "tuple 0: library index 9 out of range (2 libraries)" },
		{ "trace-huge-count.sftrace", -EINVAL, "count 4294967295 exceeds" },
		{ "trace-long-string.sftrace", -EINVAL,
		  "string length 2147483647 exceeds section" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[512], err[TRACE_ERRLEN] = "";
		struct trace *t = NULL;
		int rc;

		snprintf(path, sizeof(path), SRCDIR "/tests/fixtures/%s", cases[i].file);
		rc = trace__read(path, &t, err, sizeof(err));
		print_message("  %s: %d %s\n", cases[i].file, rc, err);
		assert_int_equal(rc, cases[i].rc);
		if (rc == 0) {
			assert_non_null(t);
			assert_int_equal(t->nlibs, 2);
			assert_int_equal(t->ntuples, 3);
			assert_string_equal(t->sites[0].sym, "main+0x10");
			trace__free(t);
			continue;
		}
		assert_null(t);
		if (!strstr(err, cases[i].frag))
			fail_msg("error '%s' lacks '%s'", err, cases[i].frag);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_names),
		cmocka_unit_test(test_canonical_order),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_empty_trace_roundtrip),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_speed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_file),
		cmocka_unit_test(test_flipped_byte),
		cmocka_unit_test(test_newer_version),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_empty_and_garbage),
		cmocka_unit_test(test_write_failure_keeps_old),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_fixtures),
	};

	return cmocka_run_group_tests(tests, setup, teardown) ? 1 : 0;
}
