/* policy_edit.h - one --allow LIB:NAMES or --deny LIB:NAMES edit of a
 * policy (learn, merge, enforce; the command-line collection is
 * tracer/policyedit.h).  NAMES: comma-separated syscall names and @groups.
 * LIB: a library's full path, a bucket name such as [libc-runtime], or '*'
 * for every library of the policy.  Pure; messages go to err, the caller
 * prints them. */
#ifndef SF_POLICY_EDIT_H
#define SF_POLICY_EDIT_H

#include <stddef.h>

#include "policy.h"

/* Is spec well formed?  0, or -EINVAL with the message in err ("invalid
 * --allow 'x': expected LIB:NAME[,NAME...] ..."). */
int policy_edit__check(const char *spec, int allow, char *err, size_t errlen);
/* Apply one checked spec: --allow adds the syscalls without argument
 * conditions (creating the library when absent: kind bucket for "[...]",
 * executable for the policy's binary, else library), --deny removes them.
 * 0; 1 when a --deny names a library the policy does not have (nothing
 * done; the warning in err); -errno with the message in err.  Leaves the
 * policy to canonicalize. */
int policy_edit__apply(struct policy *p, const char *spec, int allow, char *err,
		       size_t errlen);

#endif /* SF_POLICY_EDIT_H */
