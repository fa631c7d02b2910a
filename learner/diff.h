/* diff.h - what changed between two policies, each change rated by risk.
 *
 * Libraries are matched by (kind, path); the same path with another
 * build-id is a build-id change of that library, not a new library.
 * Pure C; same error contract as trace.h.
 */
#ifndef SF_DIFF_H
#define SF_DIFF_H

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"
#include "score.h"

enum diff_kind {           /* also the print order within one risk level */
	DIFF_LIB_ADDED,        /* a library the old policy did not have */
	DIFF_SC_ADDED,         /* a syscall a library may now make */
	DIFF_ARGS_WIDENED,     /* argument conditions now allow more */
	DIFF_ARGS_CHANGED,     /* neither wider nor narrower */
	DIFF_COMPARTMENT,      /* library moved into/out of a compartment */
	DIFF_BUILD_ID,         /* same path, other build */
	DIFF_ARGS_NARROWED,    /* argument conditions now allow less */
	DIFF_SC_REMOVED,
	DIFF_LIB_REMOVED,
	DIFF_PATH_ADDED,       /* a path rule, or more access on one (issue 17) */
	DIFF_PORT_ADDED,       /* a port, or more access on one */
	DIFF_PATH_REMOVED,
	DIFF_PORT_REMOVED,
};

struct diff_change {
	enum diff_kind kind;
	enum risk risk;
	const char *lib;       /* path or bucket name (points into a policy) */
	uint32_t lib_kind;     /* enum lib_kind */
	uint32_t nr;           /* syscall changes */
	size_t count;          /* LIB_ADDED / LIB_REMOVED: number of syscalls */
	const char *from, *to; /* BUILD_ID: build-ids; COMPARTMENT: names
				  (NULL = none) */
	/* SC_ADDED, ARGS_*: the new rule (points into the new policy); when
	 * it has an inferred part (capability.c) the change says so, with
	 * the observed calls it was inferred from */
	const struct policy_syscall *sc;
	/* syscall changes: the rule before (NULL when added) and after (NULL
	 * when removed), for their argument conditions */
	const struct policy_syscall *sc_from, *sc_to;
	const char *path;      /* PATH_*: the rule's path */
	uint32_t access;       /* PATH_*: accesses added (or removed);
				  PORT_*: PORT_* bits */
	uint16_t port, last;   /* PORT_* */
};

struct diff {
	struct diff_change *changes; /* sorted: risk high first, then kind */
	size_t n;
	size_t by_risk[3];           /* index: enum risk */
};

/* Compare old a with new b.  The result points into a and b. */
int diff__policies(const struct policy *a, const struct policy *b,
		   struct diff **out);
void diff__free(struct diff *d);

/* Human form, one change per line; color: high risk red, medium yellow
 * (ANSI; pass isatty()).  Prints "no changes" for an empty diff. */
void diff__print(FILE *f, const struct diff *d, bool color);
/* {"changes": [...], "summary": {...}} with a trailing newline, or NULL
 * with errno set. */
char *diff__to_json(const struct diff *d);

/* For `learn` into an existing policy: print the changes from old to new
 * (nothing when equal).  Returns the number of changes, or -errno. */
int diff__print_policies(FILE *f, const struct policy *old,
			 const struct policy *new_policy, bool color);

#endif /* SF_DIFF_H */
