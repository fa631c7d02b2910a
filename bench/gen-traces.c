// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sf-bench-gen-traces - write COUNT realistic traces for the learner's merge
 * benchmark (`make bench`, "learner" rows).
 *
 *   sf-bench-gen-traces [--seed-trace FILE] [--count N] [--tuples T] OUTDIR
 *
 * With --seed-trace (bench/run.sh passes the trace of a real redis-server
 * learn run), trace i is a perturbation of it: every library kept, each
 * tuple kept with p = 0.9 and its count scaled by 0.5-2x, sites kept with
 * their symbols, then tuples added until the trace has at least T (default
 * 300): a random attributed library of the seed, a syscall from a list of
 * common ones, arguments from a small pool (so traces overlap as real runs
 * do), plus 0-2 extra libraries per trace from a pool of 16 "modules" with
 * fixed build-ids.  Without a seed the same is done from a synthetic redis-
 * like base (executable, 9 libraries, 2 buckets).  Deterministic: trace i
 * always uses PRNG seed i.  Files: OUTDIR/t001.trace.zst ... (zstd, v1).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace.h"
#include "trace_file.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* Common x86_64 syscalls of servers (numbers: a trace stores numbers). */
static const uint32_t common_nrs[] = {
	0, 1, 3, 5, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 23, 24,
	28, 32, 33, 39, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 54, 55,
	56, 60, 61, 62, 63, 72, 74, 75, 77, 79, 80, 82, 83, 87, 89, 96, 97, 99,
	102, 107, 110, 131, 137, 157, 186, 202, 204, 213, 218, 228, 230, 231,
	232, 233, 257, 262, 270, 273, 281, 284, 288, 290, 291, 293, 302, 318,
	332, 334, 435,
};
#define NCOMMON (sizeof(common_nrs) / sizeof(common_nrs[0]))

static const uint64_t arg_pool[] = { 0, 1, 2, 3, 0x80000, 0x80002, 0x241, 0x5, 0x802, 10 };
#define NARGPOOL (sizeof(arg_pool) / sizeof(arg_pool[0]))

static struct trace *synthetic_seed(void)
{
	static const char *const libs[] = {
		"/usr/lib/x86_64-linux-gnu/libssl.so.3",
		"/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
		"/usr/lib/x86_64-linux-gnu/libsystemd.so.0",
		"/usr/lib/x86_64-linux-gnu/liblzma.so.5",
		"/usr/lib/x86_64-linux-gnu/libzstd.so.1",
		"/usr/lib/x86_64-linux-gnu/libgcrypt.so.20",
		"/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
		"/usr/lib/x86_64-linux-gnu/liblua5.1.so.0",
		"/usr/lib/x86_64-linux-gnu/libm.so.6",
	};
	struct trace *t = trace__new();
	char bid[41];
	int idx;

	if (!t)
		return NULL;
	t->arch = strdup("x86_64");
	t->kernel = strdup("synthetic");
	t->cmdline = strdup("/usr/bin/redis-server --port 7777");
	t->binary = strdup("/usr/bin/redis-check-rdb");
	if (!t->arch || !t->kernel || !t->cmdline || !t->binary)
		goto fail;
	if (trace__add_transparent(t, "/usr/lib/x86_64-linux-gnu/libc.so.6") ||
	    trace__add_transparent(t, "/usr/lib64/ld-linux-x86-64.so.2"))
		goto fail;
	idx = trace__add_lib(t, "/usr/bin/redis-check-rdb", "0123456789abcdef0123456789abcdef01234567",
			     0, 2049, 1000);
	if (idx < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		snprintf(bid, sizeof(bid), "%040zx", i + 1);
		if (trace__add_lib(t, libs[i], bid, 1, 2049, 2000 + i) < 0)
			goto fail;
	}
	if (trace__add_lib(t, "[libc-runtime]", NULL, 2, 0, 1) < 0 ||
	    trace__add_lib(t, "[ld.so-startup]", NULL, 2, 0, 2) < 0)
		goto fail;
	for (uint32_t i = 0; i < 120; i++) {
		uint64_t arg[TRACE_NARGS] = { arg_pool[i % NARGPOOL], 0 };

		if (trace__add_tuple(t, i % (uint32_t)t->nlibs, common_nrs[(i * 7) % NCOMMON], arg,
				     1 + i * 13))
			goto fail;
	}
	return t;
fail:
	trace__free(t);
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int perturb(const struct trace *seed, unsigned i, size_t min_tuples, struct trace **out)
{
	struct trace *t = trace__new();
	uint32_t *map = NULL, nattr = 0, *attr = NULL;
	char bid[41], path[96];
	int ret = -ENOMEM;

	if (!t)
		return -ENOMEM;
	rng_state = 0x9E3779B97F4A7C15ULL * (i + 1);
	t->arch = dup_or_null(seed->arch ? seed->arch : "x86_64");
	t->kernel = dup_or_null(seed->kernel ? seed->kernel : "unknown");
	t->cmdline = dup_or_null(seed->cmdline ? seed->cmdline : "");
	t->binary = dup_or_null(seed->binary ? seed->binary : "");
	t->binary_build_id = dup_or_null(seed->binary_build_id);
	if (!t->arch || !t->kernel || !t->cmdline || !t->binary)
		goto cleanup;
	t->start_ns = 1700000000000000000ULL + (uint64_t)i * 60000000000ULL;
	t->end_ns = t->start_ns + 30000000000ULL;
	t->complete = 1;
	t->nstats = seed->nstats;
	memcpy(t->stats, seed->stats, sizeof(t->stats));
	for (size_t k = 0; k < seed->ntransparent; k++)
		if ((ret = trace__add_transparent(t, seed->transparent[k])))
			goto cleanup;

	map = calloc(seed->nlibs + 1, sizeof(*map));
	attr = calloc(seed->nlibs + 3, sizeof(*attr));
	ret = -ENOMEM;
	if (!map || !attr)
		goto cleanup;
	for (size_t k = 0; k < seed->nlibs; k++) {
		const struct trace_lib *l = &seed->libs[k];
		int idx = trace__add_lib(t, l->path, l->build_id, l->kind, l->dev, l->ino);

		if (idx < 0) {
			ret = idx;
			goto cleanup;
		}
		map[k] = (uint32_t)idx;
		if (l->kind != LIB_KIND_BUCKET)
			attr[nattr++] = (uint32_t)idx;
	}
	/* 0-2 extra modules from a shared pool of 16. */
	for (uint32_t m = rnd_below(3); m > 0; m--) {
		uint32_t which = rnd_below(16);
		int idx;

		snprintf(path, sizeof(path), "/usr/lib/redis/modules/bench-mod%02u.so", which);
		snprintf(bid, sizeof(bid), "%040x", 0xbe000 + which);
		idx = trace__add_lib(t, path, bid, LIB_KIND_LIBRARY, 2049, 90000 + which);
		if (idx < 0) {
			ret = idx;
			goto cleanup;
		}
		if ((uint32_t)idx == t->nlibs - 1 && nattr < seed->nlibs + 3)
			attr[nattr++] = (uint32_t)idx;
	}
	if (!nattr)
		attr[nattr++] = 0;

	for (size_t k = 0; k < seed->ntuples; k++) {
		const struct trace_tuple *tp = &seed->tuples[k];
		uint64_t count = tp->count / 2 + rnd() % (tp->count + tp->count / 2 + 1) + 1;

		if (rnd_below(10) == 0)
			continue;
		if ((ret = trace__add_tuple(t, map[tp->lib], tp->nr, tp->arg, count)))
			goto cleanup;
	}
	for (size_t k = 0; k < seed->nsites; k++) {
		const struct trace_site *s = &seed->sites[k];

		if ((ret = trace__add_site(t, map[s->lib], s->nr, s->off, s->sym)))
			goto cleanup;
	}
	while (t->ntuples < min_tuples) {
		uint32_t lib = attr[rnd_below(nattr)];
		uint32_t nr = common_nrs[rnd_below(NCOMMON)];
		uint64_t arg[TRACE_NARGS] = { arg_pool[rnd_below(NARGPOOL)],
					      rnd_below(4) ? 0 : arg_pool[rnd_below(NARGPOOL)] };
		char sym[64];

		if ((ret = trace__add_tuple(t, lib, nr, arg, 1 + rnd() % 100000)))
			goto cleanup;
		snprintf(sym, sizeof(sym), "fn_%03x+0x%x", rnd_below(4096), rnd_below(512));
		if ((ret = trace__add_site(t, lib, nr, 0x1000 + rnd_below(1 << 20), sym)))
			goto cleanup;
	}
	ret = trace__canonicalize(t);
cleanup:
	free(map);
	free(attr);
	if (ret)
		trace__free(t);
	else
		*out = t;
	return ret;
}

static void usage(FILE *f)
{
	fputs("Usage: sf-bench-gen-traces [--seed-trace FILE] [--count N] [--tuples T] OUTDIR\n", f);
}

static int parse_num(const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || *end || *out < lo || *out > hi ? -EINVAL : 0;
}

int main(int argc, char **argv)
{
	const char *seed_path = NULL, *outdir = NULL;
	char err[TRACE_ERRLEN] = "", path[4096];
	long count = 100, tuples = 300;
	struct trace *seed = NULL;
	int ret = 1;

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--seed-trace") && a + 1 < argc) {
			seed_path = argv[++a];
		} else if (!strcmp(argv[a], "--count") && a + 1 < argc) {
			if (parse_num(argv[++a], 1, 9999, &count))
				goto bad;
		} else if (!strcmp(argv[a], "--tuples") && a + 1 < argc) {
			if (parse_num(argv[++a], 1, 1000000, &tuples))
				goto bad;
		} else if (argv[a][0] == '-' || outdir) {
			goto bad;
		} else {
			outdir = argv[a];
		}
	}
	if (!outdir)
		goto bad;
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		fprintf(stderr, "sf-bench-gen-traces: error: %s: %s\n", outdir, strerror(errno));
		return 1;
	}
	if (seed_path) {
		if (trace__read(seed_path, &seed, err, sizeof(err))) {
			fprintf(stderr, "sf-bench-gen-traces: error: %s\n", err);
			return 1;
		}
	} else {
		seed = synthetic_seed();
		if (!seed) {
			fprintf(stderr, "sf-bench-gen-traces: error: out of memory\n");
			return 1;
		}
	}
	for (long i = 1; i <= count; i++) {
		struct trace *t = NULL;

		if (perturb(seed, (unsigned)i, (size_t)tuples, &t)) {
			fprintf(stderr, "sf-bench-gen-traces: error: cannot build trace %ld\n", i);
			goto cleanup;
		}
		snprintf(path, sizeof(path), "%s/t%03ld.trace.zst", outdir, i);
		if (trace__write(t, path, err, sizeof(err))) {
			fprintf(stderr, "sf-bench-gen-traces: error: %s\n", err);
			trace__free(t);
			goto cleanup;
		}
		trace__free(t);
	}
	printf("seed=%s traces=%ld min_tuples=%ld\n", seed_path ? seed_path : "synthetic", count,
	       tuples);
	ret = 0;
cleanup:
	trace__free(seed);
	return ret;
bad:
	usage(stderr);
	return 2;
}
