/* policyedit.h - --allow LIB:NAMES and --deny LIB:NAMES on the command line
 * (learn, merge, enforce).  NAMES: comma-separated syscall names and
 * @groups.  LIB: a library's full path, a bucket name such as
 * [libc-runtime], or '*' for every library of the policy. */
#ifndef SF_POLICYEDIT_H
#define SF_POLICYEDIT_H

#include "policy.h"

#define POLICY_EDIT_MAX 32

struct policy_edits {
	int n;
	struct {
		const char *spec; /* "LIB:NAMES" as given */
		int allow;        /* 1 allow, 0 deny */
	} e[POLICY_EDIT_MAX];
};

/* Record one option; -E2BIG when full, -EINVAL when malformed (message
 * logged). */
int policy_edits__add(struct policy_edits *ed, const char *spec, int allow);
/* Apply in command-line order: --allow adds the syscalls without argument
 * conditions (creating the library when absent), --deny removes them.
 * 0 or -errno (message logged). */
int policy_edits__apply(const struct policy_edits *ed, struct policy *p);

#endif
