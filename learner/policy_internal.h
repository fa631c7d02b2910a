/* policy_internal.h - what the policy model (policy.c), its JSON writer
 * (policy_write.c) and its JSON reader (policy_read.c) share.  Not for
 * other modules: they use policy.h, policy_write.h and policy_read.h.
 */
#ifndef SF_POLICY_INTERNAL_H
#define SF_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define DEFAULT_ACTION "SCMP_ACT_KILL_PROCESS"
#define ALLOW_ACTION "SCMP_ACT_ALLOW"
#define NATIVE_ARCH "SCMP_ARCH_X86_64"
/* policy files larger than this are refused */
#define POLICY_READ_CAP ((size_t)64 << 20)
/* largest evidence count that survives a JSON (double) round trip */
#define MAX_EXACT_COUNT 9007199254740992.0 /* 2^53 */
#define MAX_EXACT_COUNT_U (1ULL << 53)

/* qsort that accepts (NULL, 0) */
void sort_n(void *base, size_t n, size_t size,
	    int (*cmp)(const void *, const void *));
void lib_clear(struct policy_lib *l);
bool compartment_name_ok(const char *name);
/* Canonical library order: kind, path, build_id. */
int lib_cmp(const struct policy_lib *a, const struct policy_lib *b);
/* Index of the library with this identity, or -1. */
int lib_find(const struct policy *p, const char *path,
	     const char *build_id, uint32_t kind);
/* Find or create nr in p->libs[lib]; count summed, first site kept.
 * args (may be NULL = leave the rules alone): a new syscall takes its
 * rules, an existing one joins them. */
int add_syscall_full(struct policy *p, size_t lib, uint32_t nr,
		     uint64_t count, const char *site,
		     const struct policy_syscall *args, unsigned max_values);

#endif /* SF_POLICY_INTERNAL_H */
