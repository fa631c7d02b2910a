/* capability.h - generalisation by capability: an observed call implies
 * the calls that exercise the same capability on the same unit
 * (write -> writev, pwrite64...), at a level (none, standard, broad), and
 * a never-list of calls that stay exactly as observed.  ONE table in
 * capability.c, with the reason of every row; docs/generalize.md holds
 * the same table (tests/unit/test_capability.c fails when they drift).
 *
 * Inferred rules live in the model next to the observed ones (struct
 * policy_syscall: inferred/observed/obs/inf/from, learner/policy.h):
 * what is enforced (nargs/arg[]) is the join of both parts.  Pure C, no
 * I/O; same error contract as the other learner modules.
 */
#ifndef SF_CAPABILITY_H
#define SF_CAPABILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* GEN_LEVEL_DEFAULT (0, a zeroed struct gen_opts) means standard. */
enum gen_level {
	GEN_LEVEL_DEFAULT = 0,
	GEN_LEVEL_NONE = 1,
	GEN_LEVEL_STANDARD = 2,
	GEN_LEVEL_BROAD = 3,
};

/* Help text of --generalize (learn and merge usage; 80 columns). */
#define CAPABILITY_HELP \
	"      --generalize LEVEL none, standard (default) or broad: also allow the\n" \
	"                         calls that use a capability the unit was seen\n" \
	"                         using (write -> writev/pwrite64, read family, stat\n" \
	"                         family, memory without PROT_EXEC, rt_sigreturn,\n" \
	"                         exit, own-process reads, stdio probes, sleeping,\n" \
	"                         fsync/ftruncate on files opened for writing,\n" \
	"                         timers for signal handlers...), marked\n" \
	"                         \"inferred_from\" in the policy.  broad also opens:\n" \
	"                         rename/unlink for units that create,\n" \
	"                         lookups (getdents64, access...) for units that open,\n" \
	"                         shutdown/getsockopt on used sockets, terminal modes\n" \
	"                         (TCSETS*) after TCGETS, accept<->accept4,\n" \
	"                         own-process reads for every unit.  Never, at any\n" \
	"                         level: exec, ptrace, PROT_EXEC, new sockets/peers,\n" \
	"                         write-opens, signals, credentials (docs/generalize.md)\n"

/* "none", "standard", "broad" -> 0; else -EINVAL. */
int capability__parse_level(const char *s, enum gen_level *out);
/* The level's name ("standard" for GEN_LEVEL_DEFAULT). */
const char *capability__level_name(enum gen_level level);

/* One row of the table.  trigger/implies are space-separated syscall
 * names, each optionally with values of its recorded argument in
 * parentheses (symbolic, learner/argnames.c): in a trigger "clone
 * (CLONE_THREAD)" means "an observed rule that allows one of these
 * bits/values"; in implies "mmap(PROT_READ|PROT_WRITE)" is the inferred
 * rule (flags: the allowed bits; enums: the values, with their value
 * family, docs/arguments.md).  A name without parentheses is implied
 * without argument conditions.  trigger "*" = any observed call. */
struct cap_row {
	const char *name;     /* short id, shown in docs */
	enum gen_level level; /* GEN_LEVEL_STANDARD or GEN_LEVEL_BROAD */
	const char *unit;     /* NULL = every executable and library (not
				 buckets), else the bucket of that path */
	const char *trigger;
	const char *implies;
	const char *reason;
	/* the trigger is looked for in every unit of the policy, not only
	 * in unit (which must be a bucket: it is added when missing) */
	bool policy_wide;
	/* NULL, or space-separated function names: a bucket's baseline is
	 * added to a policy that never saw the bucket only when the
	 * process imports one of them (struct cap_imports) */
	const char *imports;
};

/* What the process can reach through its dynamic imports (DESIGN,
 * "reachable imports"): the undefined .dynsym symbols of the policy's
 * executables and libraries and of the libraries they need, versions
 * stripped, sorted (strcmp), unique.  The tracer reads them
 * (tracer/reach.c); a NULL struct cap_imports means unknown. */
struct cap_imports {
	char **names;
	size_t n;
};
bool capability__imports_has(const struct cap_imports *imp, const char *name);

/* A syscall that glibc 2.36 (Debian 12) makes only from the listed
 * functions (its own wrappers, and the few libc functions that issue it):
 * with the process's imports known, an inferred rule for it is added to
 * executables and libraries only when the process imports one of them. */
struct cap_reach {
	const char *syscall;
	const char *issuers;  /* space-separated function names */
	const char *note;     /* why this list is complete, or NULL */
};
const struct cap_reach *capability__reach(size_t *n);

/* The never-list: calls (optionally: with these argument bits/values)
 * that no row may infer below opened_at (GEN_LEVEL_BROAD + 1 = never). */
#define GEN_LEVEL_NEVER (GEN_LEVEL_BROAD + 1)
struct cap_never {
	const char *names;    /* same syntax as cap_row.trigger */
	int opened_at;        /* GEN_LEVEL_BROAD or GEN_LEVEL_NEVER */
	const char *reason;
};

const struct cap_row *capability__rows(size_t *n);
const struct cap_never *capability__never(size_t *n);

/* Check the table: every name resolves (libseccomp), every condition
 * parses, conditions only on syscalls with one recorded argument, no
 * row below broad implies a never-listed call or value.  0, or -EINVAL
 * with a message. */
int capability__check_table(char *err, size_t errlen);

/* Add the rules implied at level to every library of p (triggers are the
 * observed parts only: inferences do not chain).  Idempotent; existing
 * inferred rules are kept.  GEN_LEVEL_NONE adds nothing.  0 or -errno. */
int capability__generalize(struct policy *p, enum gen_level level);
/* The same with the process's imports (NULL: unknown, as above): no
 * inferred rule for a syscall of the reach table that no import reaches,
 * and the import-conditioned bucket baselines ([libc-thread]) only where
 * an import asks for them. */
int capability__generalize_with(struct policy *p, enum gen_level level,
				 const struct cap_imports *imp);

/* dst = dst UNION src, two rules of the same syscall (either may have an
 * inferred part): observed parts join, inferred parts join, from sets
 * unite, then capability__normalize().  Count and site are the caller's. */
void capability__join(struct policy_syscall *dst,
		      const struct policy_syscall *src, unsigned max_values);

/* Bring sc into canonical form: an inferred part that the observed part
 * covers is dropped (observed beats inferred), values and flag bits the
 * observed part allows are removed from the inferred part, and nargs/arg[]
 * is set to what both allow.  Plain (not inferred) rules are unchanged. */
void capability__normalize(struct policy_syscall *sc, unsigned max_values);

/* Set sc (nr set by the caller) from its parts, as the reader finds them:
 * obs and/or inf (NULL = none; at least one), from the inferred part's
 * sources.  Normalizes. */
void capability__set_parts(struct policy_syscall *sc,
			   const struct policy_syscall *obs,
			   const struct policy_syscall *inf,
			   const uint64_t *from, bool from_any);

/* The observed / inferred part of sc as a rule of its own (nr, nargs,
 * arg[] only); false when sc has no such part. */
bool capability__observed_part(const struct policy_syscall *sc,
			       struct policy_syscall *out);
bool capability__inferred_part(const struct policy_syscall *sc,
			       struct policy_syscall *out);

/* The sources of sc's inferred part, sorted as written ("*" first, then
 * names bytewise); returns how many (at most cap written). */
size_t capability__from_names(const struct policy_syscall *sc,
			      const char **out, size_t cap);
/* Mark nr (or "*" when nr < 0) as a source.  -EINVAL out of range. */
int capability__from_add(struct policy_syscall *sc, int nr);

/* The table as Markdown (rows, then the never-list), as docs/generalize.md
 * holds it between its capability-table markers.  Malloc'd; NULL + errno. */
char *capability__doc_table(void);

#endif /* SF_CAPABILITY_H */
