/* generalize.h - argument rules: generalisation of observed argument values,
 * their join (merge, union), and their encoding as seccomp/OCI conditions.
 *
 * Pure and deterministic: no allocation beyond the caller's buffers except
 * where noted, no I/O.  Semantics: docs/arguments.md.
 */
#ifndef SF_GENERALIZE_H
#define SF_GENERALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* seccomp comparison operators used by sysfence rules */
enum argc_op {
	ARGC_EQ = 1,        /* arg == a */
	ARGC_MASKED_EQ = 2, /* (arg & a) == b   (OCI: value = a, valueTwo = b) */
};

struct arg_cond {
	uint8_t idx;        /* argument index 0..5 */
	uint8_t op;         /* enum argc_op */
	uint64_t a, b;
};

/* One alternative = a conjunction of conditions (one OCI entry's "args"),
 * sorted by argument index, at most one condition per argument. */
struct arg_alt {
	uint8_t n;
	struct arg_cond c[SF_ARG_SLOTS];
};

/* Alternatives for one rule are at most 64 (deny_all_of bits) or
 * SF_RULE_MAX_VALUES; a syscall's product is bounded by this. */
#define GEN_MAX_ALTS (64 * 64)

/* The effective threshold: opts NULL or 0 = default, clamped to
 * 1..SF_RULE_MAX_VALUES. */
unsigned gen__max_values(const struct gen_opts *opts);

/* Number of argument slots the table defines for nr (0..SF_ARG_SLOTS). */
unsigned gen__nslots(uint32_t nr);
/* The table slot of nr (NULL when nr is outside the table). */
const struct sf_argslot *gen__slot(uint32_t nr, unsigned i);

/* Rules of one observation: sc->nargs and sc->arg[] from the normalised
 * argument values arg[0..SF_ARG_SLOTS) (slot order). */
void gen__observe(struct policy_syscall *sc, uint32_t nr, const uint64_t *arg);

/* dst = dst JOIN src (least rule allowing what either allows, then
 * widened beyond max_values values).  Associative and commutative, so
 * the result does not depend on the order of observations or merges. */
void gen__join_args(struct policy_syscall *dst, const struct policy_syscall *src,
		    unsigned max_values);

/* Bring one rule into canonical form (sorted unique values, deny_all_of a
 * subset of allowed with at least two bits, widened rules empty). */
void gen__canon_rule(struct policy_argrule *r, uint64_t slot_mask);

/* Does nr's slot 1 hold (slot 0, slot 1) pairs (SF_ARGK_PAIR: setsockopt,
 * getsockopt level and option)? */
bool gen__is_pair(uint32_t nr);
/* Bring a pair rule into canonical form: slot 0 = the levels of slot 1's
 * pairs; no pairs when slot 0 has no condition (docs/arguments.md).  A
 * no-op for other syscalls.  Every operation that changes slots one by
 * one (join, meet, parse) ends with it. */
void gen__canon_pairs(struct policy_syscall *sc);

/* True when the two syscalls' argument rules are identical. */
int gen__args_equal(const struct policy_syscall *a, const struct policy_syscall *b);

/* Any condition to write?  (nargs > 0 and at least one slot is neither
 * NONE nor widened) */
int gen__has_conditions(const struct policy_syscall *sc);
/* Bit i set = argument index i is widened. */
unsigned gen__widened_mask(const struct policy_syscall *sc);

/* The OCI/seccomp alternatives of sc: the product over slots of each
 * slot's alternatives (docs/arguments.md).  Returns how many were written
 * to out (at most cap), or -E2BIG.  An unconditional syscall has one
 * alternative with no condition. */
int gen__alternatives(const struct policy_syscall *sc, struct arg_alt *out,
		      size_t cap);
/* The same for the seccomp floor and the OCI profile: no condition on an
 * argument in memory (SF_ARGF_MEM, clone3's flags), which seccomp cannot
 * read (the per-library rules keep it: BPF judges it). */
int gen__alternatives_floor(const struct policy_syscall *sc, struct arg_alt *out,
			    size_t cap);

/* Inverse of gen__alternatives, for the parser: rebuild sc->nargs/arg[]
 * of sc->nr from alternatives alts[0..n) and the widened argument mask.
 * 0, or -EINVAL with a message (no file name, no path) in err. */
int gen__rules_from_alternatives(struct policy_syscall *sc,
				 const struct arg_alt *alts, size_t n,
				 unsigned widened, char *err, size_t errlen);

#endif /* SF_GENERALIZE_H */
