// SPDX-License-Identifier: GPL-2.0
/* fuzz_trace.c - AFL++ harness for the trace reader (trace__read_mem: zstd
 * stream, then header, checksum and sections).
 *
 * Two kinds of input, told apart by their first bytes:
 *  - a trace file as written (zstd magic, or anything else): passed as is;
 *  - a raw payload starting with "SFTRACE1": the harness stores the right
 *    CRC-32 in the last 4 bytes and zstd-compresses it first, so mutations
 *    reach the section decoder instead of dying at the checksum.
 * A trace that loads must survive canonicalize, policy__from_trace and a
 * write/read round trip that reproduces the same bytes.
 */
#include "harness.h"

#include <fcntl.h>
#include <zstd.h>

#include "policy.h"
#include "policy_read.h"
#include "policy_write.h"
#include "trace.h"
#include "trace_file.h"
#include "util.h"

#define ONE_LINE(err) (err[0] && !strchr(err, '\n'))

static const char *tmp_path(int which)
{
	static char path[2][256];

	if (!path[0][0]) {
		const char *dir = getenv("FUZZ_TMPDIR");

		if (!dir)
			dir = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
		snprintf(path[0], sizeof(path[0]), "%s/sf-fuzz-trace-%d-a", dir, getpid());
		snprintf(path[1], sizeof(path[1]), "%s/sf-fuzz-trace-%d-b", dir, getpid());
	}
	return path[which];
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void check_loaded(struct trace *t)
{
	char err[TRACE_ERRLEN] = "";
	struct policy *p = NULL;
	struct trace *t2 = NULL;
	uint8_t *a, *b;
	size_t alen, blen;
	int rc;

	rc = trace__canonicalize(t);
	if (rc)
		fuzz_fail("canonicalize failed on a loaded trace: %d", rc);
	rc = policy__from_trace(t, &p, err, sizeof(err));
	if (rc && rc != -ENOMEM && !ONE_LINE(err))
		fuzz_fail("policy__from_trace failed (%d) without a one-line message", rc);
	if (!rc) {
		char *json = policy__to_json(p);
		struct policy *p2 = NULL;

		if (!json)
			fuzz_fail("policy__to_json failed: %d", errno);
		/* what we write from a trace, we must be able to load */
		if (policy__parse(json, strlen(json), "<from-trace>", &p2, err, sizeof(err)))
			fuzz_fail("policy made from a trace does not load: %s", err);
		policy__free(p2);
		free(json);
	}
	policy__free(p);

	/* round trip: what we read and write, we read back identically */
	if (trace__write(t, tmp_path(0), err, sizeof(err)))
		fuzz_fail("trace__write: %s", err);
	rc = trace__read(tmp_path(0), &t2, err, sizeof(err));
	if (rc)
		fuzz_fail("re-reading a written trace failed: %s", err);
	if (t2->nlibs != t->nlibs || t2->ntuples != t->ntuples ||
	    t2->nsites != t->nsites || t2->ntransparent != t->ntransparent)
		fuzz_fail("round trip changed the counts");
	if (trace__write(t2, tmp_path(1), err, sizeof(err)))
		fuzz_fail("trace__write (2): %s", err);
	trace__free(t2);
	a = slurp(tmp_path(0), &alen);
	b = slurp(tmp_path(1), &blen);
	if (!a || !b)
		fuzz_fail("cannot read back the round-trip files");
	if (alen != blen || memcmp(a, b, alen))
		fuzz_fail("write(read(write(t))) differs from write(t)");
	free(a);
	free(b);
	unlink(tmp_path(0));
	unlink(tmp_path(1));
}

static void fuzz_one(const uint8_t *data, size_t len)
{
	char err[TRACE_ERRLEN] = "";
	struct trace *t = NULL;
	uint8_t *z = NULL;
	int rc;

	if (len >= 8 + 8 + 4 && !memcmp(data, "SFTRACE1", 8)) {
		uint8_t *payload = (uint8_t *)data; /* our own copy (harness.h) */
		uint32_t crc = util__crc32(0, payload, len - 4);
		size_t cap = ZSTD_compressBound(len), zlen;

		payload[len - 4] = (uint8_t)crc;
		payload[len - 3] = (uint8_t)(crc >> 8);
		payload[len - 2] = (uint8_t)(crc >> 16);
		payload[len - 1] = (uint8_t)(crc >> 24);
		z = malloc(cap);
		if (!z)
			abort();
		zlen = ZSTD_compress(z, cap, payload, len, 1);
		if (ZSTD_isError(zlen))
			abort();
		data = z;
		len = zlen;
	}
	rc = trace__read_mem(data, len, &t, err, sizeof(err));
	if (rc) {
		if (t)
			fuzz_fail("error %d but *out was set", rc);
		if (rc > 0)
			fuzz_fail("positive return %d", rc);
		if (!ONE_LINE(err))
			fuzz_fail("error %d without a one-line message: '%s'", rc, err);
		if (strncmp(err, "<memory>", 8))
			fuzz_fail("error message does not name the input: '%s'", err);
	} else {
		if (!t)
			fuzz_fail("success without a trace");
		check_loaded(t);
		trace__free(t);
	}
	free(z);
}
