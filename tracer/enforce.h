/* enforce.h - loading policies into the BPF rule maps (used by enforce and
 * by learn --then-enforce). */
#ifndef SF_ENFORCE_H
#define SF_ENFORCE_H

#include <stdint.h>
#include <stdio.h>

#include "policy.h"
#include "sf_args.h"
#include "sysfence.h"

struct rt;

#define ENFORCE_MAX_LIB_ACTIONS 32

struct enforce_opts {
	int allow_rebuilt;
	int nlib_actions;
	const char *lib_action_paths[ENFORCE_MAX_LIB_ACTIONS];
	uint32_t lib_action_values[ENFORCE_MAX_LIB_ACTIONS];
};

/* "kill" | "kill-all" | "log" -> enum sf_action; 0 or -EINVAL. */
int parse_action(const char *s, uint32_t *out);
/* Config map: default action, --strict, report limit, per-syscall actions
 * (array of SF_NR_ACTIONS, may be NULL). */
int enforce__configure(struct rt *rt, uint32_t action, int strict, uint32_t report_limit,
		       const uint32_t *nr_action);
/* Resolve the policy's libraries on this machine (stat + build-id) and
 * load their rules and the process-wide union (learner/rules.h) under
 * policy_id. */
int enforce__load_policy(struct rt *rt, const struct policy *p, uint32_t policy_id,
			 const struct enforce_opts *o);

/* Violation reporting: one line on stderr per violation up to the
 * report limit of its process; JSON lines to log (optional), complete:
 * one line when a distinct violation (binary, library, syscall,
 * arguments) is first seen, and one with its running totals whenever its
 * count grew, at each enforce__report_flush(). */
struct viol_seen;
struct enforce_report {
	struct rt *rt;
	FILE *log;
	uint64_t violations;      /* events received (printed or logged) */
	uint64_t floor_kills;     /* ... of which kills by the seccomp floor */
	uint64_t printed;         /* ... of which printed on stderr */
	uint64_t floor_denied;    /* ... of which Landlock floor denials */
	int kill_all_pending;     /* a kill-all violation: kill the session */
	uint64_t mono_to_real_ns; /* bpf_ktime_get_ns() -> wall clock */
	struct viol_seen *seen;   /* distinct violations (hash table) */
	size_t nseen, capseen;
	uint64_t path_checks;     /* ... of which path checks (paths outside
				   * the calling library's; detection) */
	struct policy **pols;     /* the loaded policies, for path checks */
	int npols;
};
void enforce__report_init(struct enforce_report *r, struct rt *rt, FILE *log);
/* A violation the gate denied before it ran (tracer/gate.c); lib_path is the
 * caller's file as the supervisor found it (NULL: a bucket).  Thread-safe
 * against the event loop's reports. */
void enforce__report_gate(struct enforce_report *r, const struct sf_event_violation *ev,
			  const char *lib_path);
/* Write a totals line for every distinct violation whose count grew. */
void enforce__report_flush(struct enforce_report *r);
void enforce__report_free(struct enforce_report *r);

#endif
