/* crashsplit.h - what `learn --fuzz` keeps of what the crash inputs did.
 *
 * The fuzz driver (tracer/fuzzlearn.c) takes three cumulative snapshots of
 * one session's trace: F after fuzzing, Q after replaying afl's queue, C
 * after replaying the crash inputs last.  A tuple of C is crash-only when
 * the crash inputs added calls to it (count in C > count in Q) and the
 * queue replay added none (Q == F): only a crashing input reaches it.
 * Crash-only tuples stay out of the learned trace unless asked for, and go
 * to a trace of their own.  Pure: the decision is unit-tested
 * (tests/unit/test_crashsplit.c).
 */
#ifndef SF_CRASHSPLIT_H
#define SF_CRASHSPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "trace.h"

struct crashsplit {
	unsigned char *keep;  /* per tuple of C: goes into the learned trace */
	unsigned char *only;  /* per tuple of C: crash-only */
	size_t ncrash_only;   /* tuples marked only */
	size_t nreplay_new;   /* tuples the replays reached that fuzzing did not */
	size_t nunreproduced; /* tuples seen while fuzzing that no replay reached */
};

/* Compare the snapshots (tuples identified by library path, build-id,
 * kind, syscall and argument slots).  include_crashes: keep crash-only
 * tuples too.  0 or -ENOMEM; crashsplit__free() the result. */
int crashsplit__compute(const struct trace *f, const struct trace *q,
			const struct trace *c, bool include_crashes,
			struct crashsplit *out);
void crashsplit__free(struct crashsplit *s);

/* A canonical copy of src with the tuples whose keep[i] (by src tuple
 * index) is set, with src's header (flags included), statistics and
 * transparent list;
 * sites kept where their (library, syscall) still has a tuple.  0 or
 * -errno. */
int crashsplit__select(const struct trace *src, const unsigned char *keep,
		       struct trace **out);

#endif /* SF_CRASHSPLIT_H */
