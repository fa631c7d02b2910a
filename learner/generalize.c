/* generalize.c - argument rules: generalisation, join, OCI/seccomp
 * conditions and their inverse.  See docs/arguments.md.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "generalize.h"
#include "syscalls.h"
#include "util.h"

#define WX ((uint64_t)(PROT_WRITE | PROT_EXEC))
/* ENUM values at or above this differ between sign- and zero-extension of
 * a 32-bit argument: compare them under the slot mask */
#define EQ_SAFE_LIMIT 0x80000000ULL

unsigned gen__max_values(const struct gen_opts *opts)
{
	unsigned m = opts ? opts->max_values : 0;

	if (!m)
		return GEN_MAX_VALUES_DEFAULT;
	return m > SF_RULE_MAX_VALUES ? SF_RULE_MAX_VALUES : m;
}

const struct sf_argslot *gen__slot(uint32_t nr, unsigned i)
{
	if (nr >= SF_ARGSPEC_NR_MAX || i >= SF_ARG_SLOTS ||
	    sf_argspecs[nr].slot[i].kind == SF_ARGK_NONE)
		return NULL;
	return &sf_argspecs[nr].slot[i];
}

unsigned gen__nslots(uint32_t nr)
{
	unsigned n = 0;

	while (n < SF_ARG_SLOTS && gen__slot(nr, n))
		n++;
	return n;
}

/* A set of values (PAIR: of SF_PAIR_KEY pairs): sorted, unioned,
 * intersected and widened like any enum. */
static bool is_enum(uint8_t kind)
{
	return kind == SF_ARGK_ENUM || kind == SF_ARGK_MASKED_ENUM ||
	       kind == SF_ARGK_PAIR;
}

bool gen__is_pair(uint32_t nr)
{
	const struct sf_argslot *s = gen__slot(nr, 1);

	return s && s->kind == SF_ARGK_PAIR;
}

static uint64_t slot_mask(uint32_t nr, unsigned i)
{
	const struct sf_argslot *s = gen__slot(nr, i);

	return s ? s->mask : 0;
}

static unsigned popcount64(uint64_t v)
{
	return (unsigned)__builtin_popcountll(v);
}

void gen__canon_rule(struct policy_argrule *r, uint64_t smask)
{
	if (r->kind == SF_ARGK_NONE || r->any) {
		uint8_t idx = r->idx, kind = r->kind, any = r->any;

		memset(r, 0, sizeof(*r));
		r->idx = idx;
		r->kind = kind;
		r->any = kind == SF_ARGK_NONE ? 0 : any;
		return;
	}
	if (is_enum(r->kind)) {
		size_t w = 0;

		/* insertion sort: at most SF_RULE_MAX_VALUES entries */
		for (size_t i = 1; i < r->nvalues; i++) {
			uint64_t v = r->values[i];
			size_t j = i;

			for (; j && r->values[j - 1] > v; j--)
				r->values[j] = r->values[j - 1];
			r->values[j] = v;
		}
		for (size_t i = 0; i < r->nvalues; i++)
			if (!w || r->values[w - 1] != r->values[i])
				r->values[w++] = r->values[i];
		r->nvalues = (uint8_t)w;
		memset(&r->values[w], 0, (SF_RULE_MAX_VALUES - w) * sizeof(r->values[0]));
		r->allowed = r->deny_all_of = 0;
		return;
	}
	/* FLAGS */
	r->allowed &= smask;
	r->nvalues = 0;
	memset(r->values, 0, sizeof(r->values));
	if ((r->deny_all_of & r->allowed) != r->deny_all_of)
		r->deny_all_of = 0; /* can never be all set: no effect */
	if (popcount64(r->deny_all_of) == 1) {
		/* "not all of {d}" is "not d" */
		r->allowed &= ~r->deny_all_of;
		r->deny_all_of = 0;
	}
}

/*
 * Value families: values that a library gets from libc as one unit, where
 * which member a run happens to use depends on timing, not on the program.
 * Seeing one member allows the family.  futex: a contended lock waits
 * (FUTEX_WAIT) where an uncontended run only wakes; condition variables
 * use the bitset and requeue ops.  The priority-inheritance ops are a
 * separate family (their own CVE history).  rt_sigprocmask: the three
 * "how" values.  Sorted, as rules keep values sorted.
 */
struct value_family {
	uint32_t nr;
	uint8_t slot;
	uint8_t n;
	uint8_t any;  /* 1: seeing a member widens the argument to any value */
	uint64_t v[SF_RULE_MAX_VALUES];
};

/* The process-control signals a supervisor sends to its own workers
 * (PostgreSQL's postmaster: SIGHUP on reload, SIGINT on CHECKPOINT, SIGTERM
 * and SIGQUIT on stop, SIGUSR1/2 for latches; nginx: SIGQUIT, SIGTERM,
 * SIGUSR1 on reopen...); 0 is the existence probe.  Which of them a run
 * sends depends on what the operator did, not on the program.  The target
 * pid is what makes a signal dangerous, and no rule can check it; the
 * syscall itself is never inferred (docs/generalize.md, the never-list). */
#define SIG_CONTROL { 0, 1, 2, 3, 9, 10, 12, 14, 15, 17, 18, 19, 20, 28 }

static const struct value_family families[] = {
	/* FUTEX_WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET, WAKE_BITSET */
	{ 202, 0, 7, 0, { 0, 1, 3, 4, 5, 9, 10 } },
	/* FUTEX_LOCK_PI, UNLOCK_PI, TRYLOCK_PI, WAIT_REQUEUE_PI, CMP_REQUEUE_PI, LOCK_PI2 */
	{ 202, 0, 6, 0, { 6, 7, 8, 11, 12, 13 } },
	/* SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK */
	{ 14, 0, 3, 0, { 0, 1, 2 } },
	/* kill, tkill, tgkill: the process-control signals (SIG_CONTROL) */
	{ 62, 0, 14, 0, SIG_CONTROL },
	{ 200, 0, 14, 0, SIG_CONTROL },
	{ 234, 0, 14, 0, SIG_CONTROL },
	/* rt_sigaction: a unit that installs a handler for one signal may for
	 * any (git and sort install them for a different set by input size;
	 * a handler changes only how this process reacts) */
	{ 13, 0, 1, 1, { 0 } },
};

static const struct value_family *family_of(uint32_t nr, unsigned slot, uint64_t v)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		if (families[f].nr != nr || families[f].slot != slot)
			continue;
		if (families[f].any)
			return &families[f];
		for (unsigned k = 0; k < families[f].n; k++)
			if (families[f].v[k] == v)
				return &families[f];
	}
	return NULL;
}

void gen__observe(struct policy_syscall *sc, uint32_t nr, const uint64_t *arg)
{
	unsigned n = gen__nslots(nr);

	memset(sc->arg, 0, sizeof(sc->arg));
	sc->nargs = n;
	for (unsigned i = 0; i < n; i++) {
		const struct sf_argslot *s = gen__slot(nr, i);
		struct policy_argrule *r = &sc->arg[i];
		uint64_t v = arg[i] & s->mask;

		r->idx = s->idx;
		r->kind = s->kind;
		if (s->kind == SF_ARGK_PAIR) {
			/* slot 0 was read first: this call's pair */
			r->values[0] = SF_PAIR_KEY(arg[0] & gen__slot(nr, 0)->mask, v);
			r->nvalues = 1;
		} else if (is_enum(s->kind)) {
			const struct value_family *f = family_of(nr, i, v);

			if (f && f->any) {
				r->any = 1; /* widened: any value */
				r->nvalues = 0;
			} else if (f) {
				for (unsigned k = 0; k < f->n; k++)
					r->values[k] = f->v[k];
				r->nvalues = f->n;
			} else {
				r->values[0] = v;
				r->nvalues = 1;
			}
		} else {
			/* one call is a single combination: never a W^X denial */
			r->allowed = v;
		}
	}
}

/* Does rule r allow a value with all bits of d set (FLAGS)? */
static bool flags_allow_all(const struct policy_argrule *r, uint64_t d)
{
	if (r->any)
		return true;
	if ((r->allowed & d) != d)
		return false;
	return !r->deny_all_of || (r->deny_all_of & ~d);
}

static void join_rule(struct policy_argrule *d, const struct policy_argrule *s,
		      uint32_t nr, unsigned i, unsigned max_values)
{
	const struct sf_argslot *slot = gen__slot(nr, i);
	uint64_t smask = slot ? slot->mask : 0;

	if (d->kind == SF_ARGK_NONE || s->kind == SF_ARGK_NONE) {
		d->kind = SF_ARGK_NONE;
		gen__canon_rule(d, smask);
		return;
	}
	if (d->any || s->any) {
		d->any = 1;
		gen__canon_rule(d, smask);
		return;
	}
	if (is_enum(d->kind)) {
		uint64_t u[2 * SF_RULE_MAX_VALUES];
		size_t n = 0, a = 0, b = 0;

		/* merge two sorted unique lists */
		while (a < d->nvalues || b < s->nvalues) {
			uint64_t v;

			if (b >= s->nvalues || (a < d->nvalues && d->values[a] < s->values[b]))
				v = d->values[a++];
			else if (a >= d->nvalues || s->values[b] < d->values[a])
				v = s->values[b++];
			else {
				v = d->values[a++];
				b++;
			}
			u[n++] = v;
		}
		if (n > max_values) {
			d->any = 1;
		} else {
			memcpy(d->values, u, n * sizeof(u[0]));
			d->nvalues = (uint8_t)n;
		}
		gen__canon_rule(d, smask);
		return;
	}
	/* FLAGS: union of bits.  deny_all_of D survives when no side allows a
	 * value holding all of D; the W^X pair on prot arguments becomes
	 * denied when the union first holds both bits and no side had them
	 * together. */
	{
		uint64_t deny = 0, dd = d->deny_all_of, sd = s->deny_all_of;

		if (dd && sd)
			deny = dd | sd;
		else if (dd && !flags_allow_all(s, dd))
			deny = dd;
		else if (sd && !flags_allow_all(d, sd))
			deny = sd;
		if (slot && slot->sym == SF_SYM_PROT &&
		    ((d->allowed | s->allowed) & WX) == WX &&
		    !flags_allow_all(d, WX) && !flags_allow_all(s, WX))
			deny |= WX;
		d->allowed |= s->allowed;
		d->deny_all_of = deny;
		gen__canon_rule(d, smask);
	}
}

void gen__join_args(struct policy_syscall *dst, const struct policy_syscall *src,
		    unsigned max_values)
{
	if (!max_values || max_values > SF_RULE_MAX_VALUES)
		max_values = SF_RULE_MAX_VALUES;
	if (!dst->nargs || !src->nargs || dst->nargs != src->nargs) {
		dst->nargs = 0;
		memset(dst->arg, 0, sizeof(dst->arg));
		return;
	}
	for (unsigned i = 0; i < dst->nargs; i++)
		join_rule(&dst->arg[i], &src->arg[i], dst->nr, i, max_values);
	gen__canon_pairs(dst);
}

int gen__args_equal(const struct policy_syscall *a, const struct policy_syscall *b)
{
	if (a->nargs != b->nargs)
		return 0;
	for (unsigned i = 0; i < a->nargs && i < SF_ARG_SLOTS; i++) {
		const struct policy_argrule *x = &a->arg[i], *y = &b->arg[i];

		if (x->idx != y->idx || x->kind != y->kind || x->any != y->any ||
		    x->nvalues != y->nvalues || x->allowed != y->allowed ||
		    x->deny_all_of != y->deny_all_of ||
		    memcmp(x->values, y->values, x->nvalues * sizeof(x->values[0])))
			return 0;
	}
	return 1;
}

static bool rule_has_condition(const struct policy_argrule *r)
{
	return r->kind != SF_ARGK_NONE && !r->any;
}

/*
 * (level, option) pairs (PAIR slot 1; docs/arguments.md).  What a rule can
 * say, least to most: a set of pairs P (slot 0 = the levels of P); any
 * option at a set of levels L (slot 1 widened or without condition); any
 * level and option.  The join unions pairs and widens beyond max_values
 * pairs to "any option at these levels", beyond max_values levels to
 * everything: a chain of closures, so the join stays associative and
 * commutative.  "Any level, but only options O" cannot be said (a pair
 * names its level): such a rule (a hand-written or an old policy whose
 * level was widened) becomes "any level and option", which allows more,
 * never less.
 */
void gen__canon_pairs(struct policy_syscall *sc)
{
	struct policy_argrule *a0 = &sc->arg[0], *a1 = &sc->arg[1];
	const struct sf_argslot *s1 = gen__slot(sc->nr, 1);
	uint8_t w = 0, nl = 0;

	if (sc->nargs < 2 || !gen__is_pair(sc->nr))
		return;
	if (!rule_has_condition(a0)) {
		if (rule_has_condition(a1)) {
			a1->kind = a0->kind == SF_ARGK_NONE ? SF_ARGK_NONE : s1->kind;
			a1->any = a0->kind != SF_ARGK_NONE;
			gen__canon_rule(a1, s1->mask);
		}
		return;
	}
	if (!rule_has_condition(a1))
		return;
	/* pairs whose level slot 0 allows (a meet may have dropped levels);
	 * then slot 0 = the levels of the pairs (sorted: the level is the
	 * high half of a sorted key) */
	for (uint8_t k = 0; k < a1->nvalues; k++) {
		uint64_t lv = SF_PAIR_FIRST(a1->values[k]);
		bool in = false;

		for (uint8_t j = 0; j < a0->nvalues && !in; j++)
			in = a0->values[j] == lv;
		if (in)
			a1->values[w++] = a1->values[k];
	}
	memset(&a1->values[w], 0, (SF_RULE_MAX_VALUES - w) * sizeof(a1->values[0]));
	a1->nvalues = w;
	for (uint8_t k = 0; k < w; k++) {
		uint64_t lv = SF_PAIR_FIRST(a1->values[k]);

		if (!nl || a0->values[nl - 1] != lv)
			a0->values[nl++] = lv;
	}
	memset(&a0->values[nl], 0, (SF_RULE_MAX_VALUES - nl) * sizeof(a0->values[0]));
	a0->nvalues = nl;
}

int gen__has_conditions(const struct policy_syscall *sc)
{
	for (unsigned i = 0; i < sc->nargs && i < SF_ARG_SLOTS; i++)
		if (rule_has_condition(&sc->arg[i]))
			return 1;
	return 0;
}

unsigned gen__widened_mask(const struct policy_syscall *sc)
{
	unsigned m = 0;

	for (unsigned i = 0; i < sc->nargs && i < SF_ARG_SLOTS; i++)
		if (sc->arg[i].kind != SF_ARGK_NONE && sc->arg[i].any)
			m |= 1u << sc->arg[i].idx;
	return m;
}

/* The condition for one value of an ENUM/MASKED_ENUM slot. */
static struct arg_cond enum_cond(const struct policy_argrule *r, uint64_t smask,
				 uint64_t v)
{
	struct arg_cond c = { .idx = r->idx };

	if (r->kind == SF_ARGK_ENUM && (smask == UINT64_MAX || v < EQ_SAFE_LIMIT)) {
		c.op = ARGC_EQ;
		c.a = v;
	} else {
		c.op = ARGC_MASKED_EQ;
		c.a = smask;
		c.b = v;
	}
	return c;
}

/* One slot's alternatives: count written into out[] (at most 64). */
static size_t slot_alts(const struct policy_argrule *r, uint64_t smask,
			struct arg_cond *out, bool *none)
{
	size_t n = 0;

	*none = !rule_has_condition(r);
	if (*none)
		return 1;
	if (is_enum(r->kind)) {
		for (size_t k = 0; k < r->nvalues; k++)
			out[n++] = enum_cond(r, smask, r->values[k]);
		return n;
	}
	{
		uint64_t m = smask & ~r->allowed;

		if (!r->deny_all_of) {
			out[n++] = (struct arg_cond){ r->idx, ARGC_MASKED_EQ, m, 0 };
			return n;
		}
		for (unsigned bit = 0; bit < 64; bit++)
			if (r->deny_all_of & (1ULL << bit))
				out[n++] = (struct arg_cond){ r->idx, ARGC_MASKED_EQ,
							      m | (1ULL << bit), 0 };
	}
	return n;
}

static int alternatives(const struct policy_syscall *sc, struct arg_alt *out,
			size_t cap, bool floor)
{
	struct arg_cond alts[SF_ARG_SLOTS][64];
	size_t cnt[SF_ARG_SLOTS], total = 1, w = 0;
	bool none[SF_ARG_SLOTS];
	unsigned ns = sc->nargs < SF_ARG_SLOTS ? sc->nargs : SF_ARG_SLOTS;

	if (!gen__has_conditions(sc)) {
		if (!cap)
			return -E2BIG;
		out[0].n = 0;
		return 1;
	}
	if (ns == 2 && sc->arg[1].kind == SF_ARGK_PAIR &&
	    rule_has_condition(&sc->arg[1])) {
		/* one alternative per (level, option) pair: exactly the pairs,
		 * never the product of the two sets */
		struct policy_argrule opt = sc->arg[1];

		opt.kind = SF_ARGK_ENUM;
		if (sc->arg[1].nvalues > cap)
			return -E2BIG;
		for (uint8_t k = 0; k < sc->arg[1].nvalues; k++) {
			uint64_t key = sc->arg[1].values[k];

			out[k].n = 0;
			if (rule_has_condition(&sc->arg[0]))
				out[k].c[out[k].n++] = enum_cond(&sc->arg[0],
							slot_mask(sc->nr, 0), SF_PAIR_FIRST(key));
			out[k].c[out[k].n++] = enum_cond(&opt, slot_mask(sc->nr, 1),
							  SF_PAIR_SECOND(key));
		}
		return sc->arg[1].nvalues;
	}
	for (unsigned i = 0; i < ns; i++) {
		const struct sf_argslot *sl = gen__slot(sc->nr, i);

		if (floor && sl && sl->flags & SF_ARGF_MEM) {
			/* a value in memory (clone3's flags): seccomp cannot
			 * read it, BPF judges it */
			cnt[i] = 1;
			none[i] = true;
			continue;
		}
		cnt[i] = slot_alts(&sc->arg[i], slot_mask(sc->nr, i), alts[i], &none[i]);
		total *= cnt[i];
	}
	if (total > cap)
		return -E2BIG;
	/* odometer over the slots, slot 0 outermost */
	{
		size_t pos[SF_ARG_SLOTS] = { 0 };

		for (;;) {
			struct arg_alt *a = &out[w++];

			a->n = 0;
			for (unsigned i = 0; i < ns; i++)
				if (!none[i])
					a->c[a->n++] = alts[i][pos[i]];
			{
				int i = (int)ns - 1;

				while (i >= 0 && ++pos[i] == cnt[i])
					pos[i--] = 0;
				if (i < 0)
					break;
			}
		}
	}
	return (int)w;
}

int gen__alternatives(const struct policy_syscall *sc, struct arg_alt *out,
		      size_t cap)
{
	return alternatives(sc, out, cap, false);
}

int gen__alternatives_floor(const struct policy_syscall *sc, struct arg_alt *out,
			    size_t cap)
{
	return alternatives(sc, out, cap, true);
}

/* ---- inverse (parser) ---------------------------------------------------- */

struct item {
	bool present;
	uint64_t v; /* ENUM: value; FLAGS: mask */
};

static bool item_eq(struct item a, struct item b)
{
	return a.present == b.present && (!a.present || a.v == b.v);
}

/* Classify one condition as an item of its slot; -EINVAL with a message. */
static int classify(uint32_t nr, const char *name, const struct arg_cond *cd,
		    unsigned ns, unsigned *slot, struct item *it, char *err,
		    size_t errlen)
{
	const struct sf_argslot *s = NULL;
	unsigned i;

	for (i = 0; i < ns; i++)
		if (gen__slot(nr, i)->idx == cd->idx) {
			s = gen__slot(nr, i);
			break;
		}
	if (!s) {
		util__errf(err, errlen, "'%s': argument %u is not recorded by "
			   "sysfence (docs/arguments.md lists the recorded ones)",
			   name, cd->idx);
		return -EINVAL;
	}
	*slot = i;
	it->present = true;
	if (is_enum(s->kind)) {
		if (cd->op == ARGC_EQ && !(cd->a & ~s->mask)) {
			it->v = cd->a;
			return 0;
		}
		if (cd->op == ARGC_MASKED_EQ && cd->a == s->mask) {
			it->v = cd->b;
			return 0;
		}
		util__errf(err, errlen, "'%s': argument %u takes SCMP_CMP_EQ with a "
			   "value within 0x%llx or SCMP_CMP_MASKED_EQ with mask "
			   "(value) 0x%llx", name, cd->idx,
			   (unsigned long long)s->mask, (unsigned long long)s->mask);
		return -EINVAL;
	}
	if (cd->op != ARGC_MASKED_EQ || cd->b != 0 || (cd->a & ~s->mask)) {
		util__errf(err, errlen, "'%s': argument %u is a set of flags: "
			   "expected SCMP_CMP_MASKED_EQ with valueTwo 0 and a mask "
			   "(value) within 0x%llx", name, cd->idx,
			   (unsigned long long)s->mask);
		return -EINVAL;
	}
	it->v = cd->a;
	return 0;
}

int gen__rules_from_alternatives(struct policy_syscall *sc,
				 const struct arg_alt *alts, size_t n,
				 unsigned widened, char *err, size_t errlen)
{
	const char *name = syscall__name(sc->nr);
	unsigned ns = gen__nslots(sc->nr);
	struct item set[SF_ARG_SLOTS][64];
	size_t nset[SF_ARG_SLOTS] = { 0 };
	size_t uniq = 0, product = 1;
	bool pair_entries = false; /* entries name (level, option) pairs */
	struct item (*items)[SF_ARG_SLOTS] = NULL;
	int rc = -EINVAL;

	if (!name)
		name = "?";
	if (!ns) {
		util__errf(err, errlen, "'%s' has no argument in sysfence's argument "
			   "table: conditions cannot be checked", name);
		return -EINVAL;
	}
	if (n > GEN_MAX_ALTS) {
		util__errf(err, errlen, "'%s': more than %d entries with conditions",
			   name, GEN_MAX_ALTS);
		return -EINVAL;
	}
	for (unsigned bit = 0; bit < 6; bit++) {
		bool known = false;

		if (!(widened & (1u << bit)))
			continue;
		for (unsigned i = 0; i < ns; i++)
			known |= gen__slot(sc->nr, i)->idx == bit;
		if (!known) {
			util__errf(err, errlen, "'%s': argument %u is widened but "
				   "not recorded by sysfence", name, bit);
			return -EINVAL;
		}
	}
	items = calloc(n ? n : 1, sizeof(*items));
	if (!items) {
		util__errf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		bool dup = false;

		for (unsigned c = 0; c < alts[k].n; c++) {
			const struct arg_cond *cd = &alts[k].c[c];
			struct item it;
			unsigned i;

			if (classify(sc->nr, name, cd, ns, &i, &it, err, errlen))
				goto out;
			if (items[k][i].present) {
				util__errf(err, errlen, "'%s': two conditions on "
					   "argument %u in one entry", name, cd->idx);
				goto out;
			}
			if (widened & (1u << cd->idx)) {
				util__errf(err, errlen, "'%s': argument %u is widened "
					   "but has a condition", name, cd->idx);
				goto out;
			}
			items[k][i] = it;
		}
		/* duplicate entries are folded */
		for (size_t j = 0; j < k && !dup; j++) {
			bool same = true;

			for (unsigned i = 0; i < ns; i++)
				same &= item_eq(items[j][i], items[k][i]);
			dup = same;
		}
		uniq += !dup;
		for (unsigned i = 0; i < ns; i++) {
			bool found = false;

			for (size_t j = 0; j < nset[i] && !found; j++)
				found = item_eq(set[i][j], items[k][i]);
			if (found)
				continue;
			if (nset[i] == 64) {
				util__errf(err, errlen, "'%s': more than 64 different "
					   "conditions on argument %u", name,
					   gen__slot(sc->nr, i)->idx);
				goto out;
			}
			set[i][nset[i]++] = items[k][i];
		}
	}
	memset(sc->arg, 0, sizeof(sc->arg));
	sc->nargs = ns;
	for (unsigned i = 0; i < ns; i++) {
		const struct sf_argslot *s = gen__slot(sc->nr, i);
		struct policy_argrule *r = &sc->arg[i];
		bool absent = false, present = false;

		r->idx = s->idx;
		r->kind = s->kind;
		product *= nset[i];
		for (size_t j = 0; j < nset[i]; j++) {
			absent |= !set[i][j].present;
			present |= set[i][j].present;
		}
		if (absent && present) {
			util__errf(err, errlen, "'%s': argument %u has a condition in "
				   "some entries and none in others", name, s->idx);
			goto out;
		}
		if (absent) {
			if (widened & (1u << s->idx))
				r->any = 1;
			else
				r->kind = SF_ARGK_NONE;
			continue;
		}
		if (s->kind == SF_ARGK_PAIR) {
			/* the entries are the alternatives: their (level,
			 * option) pairs, whatever their product.  A policy
			 * written before pairs lists every combination of its
			 * two sets: it loads as that cross product.  More
			 * pairs than a rule holds: any option at these levels
			 * (check warns about both). */
			size_t np = 0;

			pair_entries = true;
			if (!rule_has_condition(&sc->arg[0])) {
				r->any = 1; /* gen__canon_pairs: no pairs without levels */
				continue;
			}
			for (size_t k = 0; k < n && !r->any; k++) {
				uint64_t key = SF_PAIR_KEY(items[k][0].v, items[k][i].v);
				bool dup = false;

				for (size_t j = 0; j < np && !dup; j++)
					dup = r->values[j] == key;
				if (dup)
					continue;
				if (np == SF_RULE_MAX_VALUES)
					r->any = 1;
				else
					r->values[np++] = key;
			}
			r->nvalues = r->any ? 0 : (uint8_t)np;
			gen__canon_rule(r, s->mask);
			continue;
		}
		if (is_enum(s->kind)) {
			if (nset[i] > SF_RULE_MAX_VALUES) {
				util__errf(err, errlen, "'%s': %zu values for argument "
					   "%u; a rule holds at most %d (leave the "
					   "argument without conditions instead)", name,
					   nset[i], s->idx, SF_RULE_MAX_VALUES);
				goto out;
			}
			for (size_t j = 0; j < nset[i]; j++)
				r->values[j] = set[i][j].v;
			r->nvalues = (uint8_t)nset[i];
		} else {
			uint64_t m = UINT64_MAX, deny = 0;

			for (size_t j = 0; j < nset[i]; j++)
				m &= set[i][j].v;
			if (nset[i] > 1) {
				for (size_t j = 0; j < nset[i]; j++) {
					uint64_t extra = set[i][j].v & ~m;

					if (popcount64(extra) != 1 || (deny & extra)) {
						util__errf(err, errlen, "'%s': the masks on "
							   "argument %u are neither one mask "
							   "nor alternatives that each add one "
							   "denied bit", name, s->idx);
						goto out;
					}
					deny |= extra;
				}
			}
			r->allowed = s->mask & ~m;
			r->deny_all_of = deny;
		}
		gen__canon_rule(r, s->mask);
	}
	if (uniq != product && !pair_entries) {
		util__errf(err, errlen, "'%s': the entries are not every combination "
			   "of the allowed argument values (%zu of %zu); sysfence rules "
			   "are per argument (except setsockopt/getsockopt pairs)",
			   name, uniq, product);
		goto out;
	}
	gen__canon_pairs(sc);
	rc = 0;
out:
	free(items);
	return rc;
}
