/* score.h - privilege metric for policies and the dangerous-syscall list.
 *
 * A set of syscalls scores the sum of its members' weights: a syscall in
 * the dangerous list weighs what the list says (with the source of the
 * weight), every other syscall weighs 1.  "none" (no filter) is the score
 * of every x86_64 syscall libseccomp knows.  docs/review.md has the table.
 *
 * Pure C; same error contract as trace.h.
 */
#ifndef SF_SCORE_H
#define SF_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "objects.h"
#include "policy.h"

enum risk {
	RISK_LOW = 0,     /* weight 1-2 */
	RISK_MEDIUM = 1,  /* weight 3-9 */
	RISK_HIGH = 2,    /* weight >= 10 */
};

struct score_weight {
	const char *name;    /* syscall name */
	unsigned weight;     /* > 1 */
	const char *source;  /* why: CVEs, Docker's default profile, ... */
};

/* The dangerous-syscall list, sorted by name. */
const struct score_weight *score__weights(size_t *n);
/* Weight of nr (1 unless listed). */
unsigned score__weight(uint32_t nr);
enum risk score__risk(uint32_t nr);
enum risk score__risk_of_weight(unsigned weight);
const char *score__risk_name(enum risk r); /* "low", "medium", "high" */
/* "high"|"medium"|"low" -> 0, else -EINVAL */
int score__parse_risk(const char *s, enum risk *out);
/* Score of a set (SYSCALL_NR_MAX flags). */
uint64_t score__set(const bool *set);
/* Score and count of every syscall libseccomp names for x86_64. */
uint64_t score__none(size_t *count);

enum score_unit_kind {
	SCORE_UNIT_EXECUTABLE = LIB_KIND_EXECUTABLE,
	SCORE_UNIT_LIBRARY = LIB_KIND_LIBRARY,
	SCORE_UNIT_BUCKET = LIB_KIND_BUCKET,
	SCORE_UNIT_COMPARTMENT = LIB_KIND_COUNT,
};
/* "executable", "library", "bucket" (lib_kind__name), "compartment". */
const char *score__unit_kind_name(uint32_t kind);

/* One thing that gets its own rule set: a library or executable outside
 * any compartment, a compartment (union of its members), or a bucket. */
struct score_unit {
	const char *name;    /* path, bucket name or compartment name */
	uint32_t kind;       /* enum score_unit_kind */
	size_t nown;         /* its own syscalls */
	uint64_t own;        /* their score */
	size_t nsyscalls;    /* own + every bucket's (what enforcement lets
				through for it); buckets: own only */
	uint64_t score;      /* score of those */
	size_t ndangerous;   /* of those, syscalls of medium or high risk */
	/* the same without inferred-only syscalls (capability.c): what the
	 * observed rules alone allow */
	size_t nobserved;
	uint64_t observed_score;
	/* (level, option) pairs its setsockopt [0] and getsockopt [1] rules
	 * allow (the rule set enforce loads for it); SCORE_PAIRS_NONE: the
	 * syscall is not allowed, SCORE_PAIRS_ANY: allowed without listing
	 * pairs (unconditional, or any option at some levels) */
	long sockopt[2];
};
#define SCORE_PAIRS_NONE (-1L)
#define SCORE_PAIRS_ANY (-2L)

struct score_report {
	struct score_unit *units;  /* policy order; compartments after */
	size_t nunits;
	uint64_t none;             /* no filter */
	size_t nnone;
	uint64_t union_score;      /* process-wide union (plain seccomp) */
	size_t nunion;
	uint64_t union_observed;   /* the union without inferred-only syscalls */
	size_t nunion_observed;
	size_t ninferred;          /* (library, syscall) rules only inferred */
	long union_sockopt[2];     /* the same for the process-wide union */
	uint64_t max;              /* most privileged unit (non-bucket if any) */
	long max_unit;             /* index, -1 when there are no units */
	struct objs_summary floor; /* the paths and ports of the union (the
				    * Landlock floor; docs/paths.md) */
};

/* Score p.  Names point into p: keep p alive while using the report. */
int score__policy(const struct policy *p, struct score_report **out);
void score__free(struct score_report *r);
/* 100 * (1 - part / whole), 0 when whole is 0. */
double score__reduction(uint64_t part, uint64_t whole);

#endif /* SF_SCORE_H */
