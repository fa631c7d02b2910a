/* policy.h - per-library policy model, built from traces and merged.
 * Written as deterministic JSON (policy_write.h) in the OCI runtime-spec
 * seccomp shape and read back validated (policy_read.h).
 *
 * Pure C (libcjson, libseccomp for name resolution only).  Same error
 * contract as trace.h.
 */
#ifndef SF_POLICY_H
#define SF_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "objects.h"
#include "sf_args.h"
#include "trace.h"

#define POLICY_VERSION 1
/* words of a syscall-number bitmap (SYSCALL_NR_MAX = 512 numbers) */
#define POLICY_FROM_WORDS 8

/* One argument rule (docs/arguments.md).  Mirrors struct sf_argrule of
 * bpf/sf_args.h, the kernel-side form.  idx/kind/sym come from the argument
 * table slot; kind NONE = no condition on this argument. */
struct policy_argrule {
	uint8_t idx;          /* argument index 0..5 */
	uint8_t kind;         /* enum sf_arg_kind */
	uint8_t any;          /* 1 = widened: any value (threshold exceeded) */
	uint8_t nvalues;      /* ENUM/MASKED_ENUM: values[0..nvalues), sorted */
	uint64_t allowed;     /* FLAGS: allowed bits (value & ~allowed == 0) */
	uint64_t deny_all_of; /* FLAGS: denied when all these bits are set (W^X) */
	uint64_t values[SF_RULE_MAX_VALUES];
};

struct policy_syscall {
	uint32_t nr;          /* x86_64 number (never written to the file) */
	uint64_t count;       /* evidence: calls seen */
	char *site;           /* evidence: "symbol+0x12" or "0x1234", or NULL */
	/* evidence: 1 when the rule comes only from violation logs (complain
	 * mode, `merge POLICY LOG.jsonl`), never from an observed recording;
	 * written as "source": "log".  Joined with AND: a rule also seen by
	 * learning is no longer "from a log". */
	uint8_t from_log;
	/* argument rules: nargs = 0 means no condition (any arguments);
	 * otherwise nargs = number of slots of sf_argspecs[nr] and arg[i]
	 * belongs to slot i */
	uint32_t nargs;
	struct policy_argrule arg[SF_ARG_SLOTS];
	/* Capability generalisation (learner/capability.c,
	 * docs/generalize.md).  inferred = 0: nargs/arg[] was observed (or
	 * written by hand) and the fields below are zero.  inferred = 1:
	 * nargs/arg[] (what is enforced) is the join of the observed rule
	 * obs_* (only when observed = 1) and the inferred rule inf_*, which
	 * allows something obs_* does not; from/from_any name the observed
	 * syscalls of the same library it was inferred from ("*": any). */
	uint8_t inferred;
	uint8_t observed;
	uint8_t from_any;
	uint32_t obs_nargs, inf_nargs;
	struct policy_argrule obs_arg[SF_ARG_SLOTS];
	struct policy_argrule inf_arg[SF_ARG_SLOTS];
	uint64_t from[POLICY_FROM_WORDS]; /* bit nr = syscall nr */
};

/* Generalisation options (learner/generalize.c, learner/capability.c). */
#define GEN_MAX_VALUES_DEFAULT SF_RULE_MAX_VALUES
struct gen_opts {
	unsigned max_values;  /* 1..SF_RULE_MAX_VALUES; 0 = default */
	unsigned level;       /* enum gen_level (capability.h); 0 = standard */
};

struct policy_lib {
	char *path;
	char *build_id;       /* NULL when none */
	uint32_t kind;        /* enum lib_kind */
	struct policy_syscall *syscalls; /* sorted by nr, unique */
	size_t nsyscalls;
	struct policy_objs objs; /* paths and ports (objects.h) */
};

/* A named set of libraries that share one rule set (seed "Per-Compartment
 * Syscall Filtering"): under enforcement each member may make the union of
 * the members' syscalls.  Members are full paths (never basenames); every
 * library of the policy with that path belongs to the compartment. */
struct policy_compartment {
	char *name;           /* [A-Za-z0-9_.-]+, unique in the policy */
	char **libs;          /* absolute paths, sorted, unique */
	size_t nlibs;
};

struct policy {
	uint32_t version;
	char *default_action;       /* "SCMP_ACT_KILL_PROCESS" */
	char **architectures;       /* {"SCMP_ARCH_X86_64"} */
	size_t narchitectures;
	char *binary;
	char *binary_build_id;
	char **transparent;
	size_t ntransparent;
	/* learned with libc's runtime buckets ([libc-alloc], [libc-stdio],
	 * [libc-locale]; trace flag TRACE_F_RUNTIME_BUCKETS): enforce marks
	 * libc's runtime functions only for such policies */
	bool runtime_buckets;
	struct policy_lib *libs;    /* canonical order: kind, path, build_id */
	size_t nlibs;
	struct policy_compartment *compartments; /* sorted by name */
	size_t ncompartments;
};

struct policy *policy__new(void);
void policy__free(struct policy *p);
/* Free a library allocated on its own (rules__to_lib); NULL is a no-op. */
void policy_lib__free(struct policy_lib *l);

/* Build from a (merged) trace.  Result is canonical.  Argument rules are
 * generalised from the tuples' argument slots (docs/arguments.md); opts
 * NULL = defaults. */
int policy__from_trace(const struct trace *t, struct policy **out, char *err,
		       size_t errlen);
int policy__from_trace_opts(const struct trace *t, const struct gen_opts *opts,
			    struct policy **out, char *err, size_t errlen);
/* Union src into dst (libraries by path+build_id+kind, syscalls unioned,
 * argument rules joined, evidence counts summed, first site kept). */
int policy__merge(struct policy *dst, const struct policy *src);
/* Mark every rule of p as coming from a violation log (from_log). */
void policy__mark_from_log(struct policy *p);
int policy__merge_opts(struct policy *dst, const struct policy *src,
		       const struct gen_opts *opts);
/* Process-wide union over all libraries (buckets included): out[nr] for
 * nr < SYSCALL_NR_MAX (512), out[nr].nr = nr, out[nr].count = number of
 * libraries allowing it (0 = not allowed).  Argument rules joined with the
 * default threshold; site is NULL. */
int policy__union(const struct policy *p, struct policy_syscall *out,
		  size_t nout);

/* Sort libraries (kind, path, build_id), sort each library's syscalls by
 * nr, fold duplicate libraries and syscalls (counts summed, first site
 * kept), sort and dedupe transparent. */
int policy__canonicalize(struct policy *p);

/* Find or append a library (identity: path + build_id + kind); returns its
 * index or -errno.  Appending breaks canonical order until
 * policy__canonicalize(). */
int policy__add_lib(struct policy *p, const char *path, const char *build_id,
		    uint32_t kind);
/* Add evidence for nr to p->libs[lib], creating the syscall if needed
 * (kept sorted by nr); count is summed, site kept if one is already set. */
int policy__add_syscall(struct policy *p, size_t lib, uint32_t nr,
			uint64_t count, const char *site);
/* Add rule sc (its nr, arguments and inferred parts; count and site
 * ignored) to p->libs[lib]: created, or joined with the existing rule
 * (capability__join).  0 or -errno. */
int policy__add_rule(struct policy *p, size_t lib,
		     const struct policy_syscall *sc, unsigned max_values);
/* Add count calls of nr with normalised argument slots arg (as recorded in
 * trace tuples) to p->libs[lib]: a new syscall gets the rules of this one
 * observation, an existing one joins them (gen__join_args). */
int policy__add_observation(struct policy *p, size_t lib, uint32_t nr,
			    uint64_t count, const uint64_t arg[TRACE_NARGS],
			    const struct gen_opts *opts);

/* Add (or extend, when name exists) a compartment with the given member
 * paths.  -EINVAL for a bad name or a path that is not absolute, -EEXIST
 * when a path already belongs to another compartment. */
int policy__add_compartment(struct policy *p, const char *name,
			    const char *const *paths, size_t npaths);
/* Index of the compartment that lists path, or -1. */
int policy__compartment_of(const struct policy *p, const char *path);
/* The rules a library gets under enforcement: rules__lib (rules.h). */

/* Resolve a name as written in a policy file to syscall numbers: a syscall
 * name gives one number; "@group" names expand to the group's members
 * (learner/groups.c; "unknown group '@x'; did you mean '@y'?").  Policies
 * are written back with names only, never groups.  Writes at most cap
 * numbers to
 * nrs and returns how many the name stands for, or -ENOENT with a message
 * ("unknown syscall name 'opnat'; did you mean 'openat'?"). */
int policy__resolve_name(const char *name, uint32_t *nrs, size_t cap,
			 char *err, size_t errlen);

#endif /* SF_POLICY_H */
