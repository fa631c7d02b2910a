/* policy_read.h - policies from JSON, validated (learner/policy_read.c).
 * Format: docs/policy-format.md. */
#ifndef SF_POLICY_READ_H
#define SF_POLICY_READ_H

#include <stddef.h>

#include "policy.h"

/* Parse and validate; errors name the JSON path (and line when known). */
int policy__load(const char *path, struct policy **out, char *err,
		 size_t errlen);
int policy__parse(const char *json, size_t len, const char *name,
		  struct policy **out, char *err, size_t errlen);

#endif /* SF_POLICY_READ_H */
