/* rules.h - what enforcement applies, decided from a policy: the rule set
 * of each library (its own, or the union of its compartment), the
 * process-wide union for calls no library is blamed for, and the kernel
 * form of one rule (struct sf_rule of bpf/sf_args.h).
 *
 * One implementation for enforce (tracer/enforce.c loads these sets into
 * the BPF maps) and the review tools (show and score present the same
 * units), so what is reviewed is what is enforced.  Pure; same error
 * contract as policy.h.
 */
#ifndef SF_RULES_H
#define SF_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "sf_args.h"
#include "syscalls.h"

/* A rule set over syscall numbers.  allowed[nr]: nr is allowed; sc[nr] is
 * then its rule: argument rules joined over the libraries that allow it
 * (default threshold, GEN_MAX_VALUES_DEFAULT), count = their calls summed
 * (saturating), site = the first one's (borrowed from the policy; NULL for
 * the process-wide union).  n = number of allowed syscalls.  About 100 KiB:
 * allocate it. */
struct rules_set {
	size_t n;
	bool allowed[SYSCALL_NR_MAX];
	struct policy_syscall sc[SYSCALL_NR_MAX];
};

/* The rules the members of compartment comp share: the union of every
 * policy library whose path the compartment lists.  0 or -EINVAL. */
int rules__compartment(const struct policy *p, size_t comp,
		       struct rules_set *out);
/* The rules p->libs[lib] gets under enforcement: its compartment's when
 * its path is in one, else its own syscalls.  0 or -EINVAL. */
int rules__lib(const struct policy *p, size_t lib, struct rules_set *out);
/* The process-wide union (policy__union: every library, buckets
 * included); count = number of libraries allowing nr.  0 or -errno. */
int rules__union(const struct policy *p, struct rules_set *out);

/* The set as a pseudo-library for code that takes policy libraries
 * (gate__compute): path name, kind bucket, the allowed syscalls in number
 * order with their rules and counts, sites NULL.  0 or -errno; *out to
 * policy_lib__free(). */
int rules__to_lib(const struct rules_set *s, const char *name,
		  struct policy_lib **out);

/* Kernel rule of one policy syscall entry: SF_RULE_ANY_ARGS when it has
 * no condition, else the argument rules slot by slot. */
void rules__kernel_rule(const struct policy_syscall *ps, struct sf_rule *out);

/* Symbolic rendering of a call's recorded argument slots as the kernel
 * reports them ("arg0=AF_INET, arg1=SOCK_STREAM"; "" when nr has none). */
void rules__format_args(uint32_t nr, const uint64_t arg[SF_ARG_SLOTS],
			char *buf, size_t len);

#endif /* SF_RULES_H */
