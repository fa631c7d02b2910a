/* trace_internal.h - what the trace model (trace.c) shares with the file
 * writer (trace_file.c): the canonical order as permutations, so that a
 * trace is written canonically without being reordered.  Not for other
 * modules. */
#ifndef SF_TRACE_INTERNAL_H
#define SF_TRACE_INTERNAL_H

#include <stdint.h>

#include "trace.h"

struct perms {
	uint32_t *lib;   /* canonical position -> old index */
	uint32_t *lmap;  /* old index -> canonical position */
	uint32_t *tuple;
	uint32_t *site;
	uint32_t *transparent;
};

/* Permutations into canonical order (trace__canonicalize's order).  0 or
 * -ENOMEM; perms_free() after either. */
int perms_build(const struct trace *t, struct perms *p);
void perms_free(struct perms *p);
/* Canonical order of objects (section "objects"): qsort comparator. */
int trace_obj__cmp(const void *a, const void *b);

#endif /* SF_TRACE_INTERNAL_H */
