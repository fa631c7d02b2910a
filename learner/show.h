/* show.h - a policy for people: one table per library or compartment,
 * syscalls grouped by syscall group, risk marks, evidence.
 * Pure C; same error contract as trace.h.
 */
#ifndef SF_SHOW_H
#define SF_SHOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "policy.h"

/* Plain text, lines of at most 100 columns (long paths excepted).
 * 0 or -ENOMEM. */
int show__print(FILE *f, const struct policy *p);
/* {"units": [...], "score": {...}} with a trailing newline, or NULL with
 * errno set. */
char *show__to_json(const struct policy *p);
/* A rule's argument conditions for people ("arg2 flags within
 * O_RDONLY|O_CLOEXEC; ..."), "" when it has none (any arguments); cut
 * with "..." only when buf is too small.  Shared with diff. */
void show__args_text(const struct policy_syscall *sc, char *buf, size_t len);
/* The (level, option) pairs of a setsockopt/getsockopt rule: how many
 * (*keys = SF_PAIR_KEY values, sorted), 0 when the rule does not list
 * pairs (another syscall, unconditional, options widened). */
size_t show__pairs(const struct policy_syscall *sc, const uint64_t **keys);
/* A pair's level and option names ("SOL_SOCKET", "SO_REUSEADDR";
 * unknown ones as numbers). */
void show__pair_names(uint64_t key, char *level, size_t llen, char *opt,
		      size_t olen);
/* Add key: [{"level": "IPPROTO_TCP", "option": "TCP_NODELAY", "values":
 * [6, 1]}, ...] to object o (nothing when n is 0); false on ENOMEM.  o is
 * a cJSON object (show --json, diff --json). */
struct cJSON;
bool show__pairs_json(struct cJSON *o, const char *key, const uint64_t *k, size_t n);

#endif /* SF_SHOW_H */
