/* intersect.h - what two policies both allow (learner/intersect.c). */
#ifndef SF_INTERSECT_H
#define SF_INTERSECT_H

#include <stddef.h>

#include "policy.h"

/* What both allow (learner/intersect.c): libraries (same path, build_id,
 * kind) and syscalls present in a and b, argument conditions met, counts
 * summed; compartments and transparent lists unioned.  *out is new. */
int policy__intersect(const struct policy *a, const struct policy *b,
		      struct policy **out);

#endif /* SF_INTERSECT_H */
