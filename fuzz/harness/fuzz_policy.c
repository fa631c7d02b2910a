// SPDX-License-Identifier: GPL-2.0
/* fuzz_policy.c - AFL++ harness for the policy JSON parser (policy__parse,
 * the code behind policy__load that enforce/check/merge use).
 *
 * A policy that loads must write back (policy__to_json) to JSON that loads
 * again and writes the same bytes (the writer is deterministic and the
 * parser accepts everything the writer emits), and must merge with itself.
 */
#include "harness.h"

#include "policy.h"
#include "policy_read.h"
#include "policy_write.h"
#include "trace.h"

#define ONE_LINE(err) (err[0] && !strchr(err, '\n'))

static void fuzz_one(const uint8_t *data, size_t len)
{
	char err[TRACE_ERRLEN] = "";
	struct policy *p = NULL, *p2 = NULL;
	char *j1, *j2;
	int rc;

	rc = policy__parse((const char *)data, len, "fuzz.json", &p, err, sizeof(err));
	if (rc) {
		if (p)
			fuzz_fail("error %d but *out was set", rc);
		if (rc > 0)
			fuzz_fail("positive return %d", rc);
		if (!ONE_LINE(err))
			fuzz_fail("error %d without a one-line message: '%s'", rc, err);
		if (strncmp(err, "fuzz.json", 9))
			fuzz_fail("error message does not name the file: '%s'", err);
		return;
	}
	if (!p)
		fuzz_fail("success without a policy");
	j1 = policy__to_json(p);
	if (!j1)
		fuzz_fail("policy__to_json failed on a loaded policy: %d", errno);
	rc = policy__parse(j1, strlen(j1), "rewritten.json", &p2, err, sizeof(err));
	if (rc)
		fuzz_fail("written policy does not load again: %s", err);
	j2 = policy__to_json(p2);
	if (!j2)
		fuzz_fail("policy__to_json (2) failed: %d", errno);
	if (strcmp(j1, j2))
		fuzz_fail("to_json(parse(to_json(p))) != to_json(p)");
	rc = policy__merge(p2, p);
	if (rc && rc != -ENOMEM)
		fuzz_fail("merging a policy with its own copy failed: %d", rc);
	free(j1);
	free(j2);
	policy__free(p);
	policy__free(p2);
}
