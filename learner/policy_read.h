/* policy_read.h - policies from JSON, validated (learner/policy_read.c).
 * Format: docs/policy-format.md. */
#ifndef SF_POLICY_READ_H
#define SF_POLICY_READ_H

#include <stddef.h>

#include "jsonpos.h"
#include "policy.h"

/* Parse and validate; errors name the JSON path (and line when known). */
int policy__load(const char *path, struct policy **out, char *err,
		 size_t errlen);
int policy__parse(const char *json, size_t len, const char *name,
		  struct policy **out, char *err, size_t errlen);
/* The same on a parsed document (jsonpos.h), with the first error also
 * structured in e ({path, line, column, message}; e may be NULL): what
 * `check` uses, so that no message is parsed back. */
int policy__parse_doc(const struct jsonpos *doc, const char *name,
		      struct policy **out, struct json_error *e, char *err,
		      size_t errlen);

#endif /* SF_POLICY_READ_H */
