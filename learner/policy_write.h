/* policy_write.h - policies to JSON (learner/policy_write.c).  Format:
 * docs/policy-format.md. */
#ifndef SF_POLICY_WRITE_H
#define SF_POLICY_WRITE_H

#include <stddef.h>

#include "policy.h"

/* Deterministic JSON: stable order, 2-space indent, trailing newline. */
char *policy__to_json(const struct policy *p); /* NULL + errno on failure */
/* The process-wide union only, as a plain OCI seccomp profile (no sysfence
 * section). */
char *policy__to_oci_json(const struct policy *p);
/* Atomic write (temp + fsync + rename). */
int policy__write(const struct policy *p, const char *path, char *err,
		  size_t errlen);

#endif /* SF_POLICY_WRITE_H */
