/* fuzzlearn.h - `sysfence learn --fuzz`: AFL++ drives the target while the
 * learn session records it (docs/fuzz.md). */
#ifndef SF_FUZZLEARN_H
#define SF_FUZZLEARN_H

#include <signal.h>
#include <stdint.h>

#include "trace.h"

struct rt;

#define FUZZ_DEFAULT_DURATION_MS (10ull * 60 * 1000)
#define FUZZ_DEFAULT_MAX_REPLAY 10000
/* "Saturated": no new tuple in the last FUZZ_SATURATION_PCT % of the run. */
#define FUZZ_SATURATION_PCT 25

struct fuzz_opts {
	const char *corpus;       /* --fuzz DIR: seed inputs */
	const char *out_dir;      /* --fuzz-out DIR (kept), or NULL: private, removed */
	uint64_t duration_ms;     /* 0 = FUZZ_DEFAULT_DURATION_MS */
	uint64_t max_replay;      /* queue entries replayed at most; 0 = default */
	int include_crashes;      /* keep crash-only tuples in the policy */
	int quiet;
};

/* What the learn session (learn.c) lends the driver.  The callbacks return
 * 0 or -errno and have logged their errors. */
struct fuzz_session {
	struct rt *rt;
	const char *binary;        /* realpath of the target executable */
	char **argv;               /* target command; "@@" = input file, none = stdin */
	int argc;
	const char *trace_path;
	volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM/SIGHUP */
	void *ctx;
	/* Snapshot of everything recorded so far, with the session's header. */
	int (*build_trace)(void *ctx, int complete, struct trace **out);
	/* Periodic checkpoint of the trace file. */
	int (*checkpoint)(void *ctx);
	/* Write or update the policy from t and print its summary. */
	int (*write_policy)(void *ctx, const struct trace *t);
};

/* Fuzz, replay, write the trace (trace_path), the saturation curve beside
 * it, and the policy.  0 or -errno (reported). */
int fuzzlearn__run(const struct fuzz_opts *o, struct fuzz_session *fs);

/* The saturation curve's path for a trace path: "<stem>.saturation.tsv"
 * where stem is the trace path without ".trace.zst" (malloc'd). */
char *fuzzlearn__curve_path(const char *trace_path, const char *ext);

#endif
