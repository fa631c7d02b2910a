/* launch.h - start a target so that it is tracked before it execs. */
#ifndef SF_LAUNCH_H
#define SF_LAUNCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct rt;
struct landlock_floor;

struct launch {
	pid_t pid;        /* our child: the target, or its namespace's init shim */
	pid_t target_pid; /* the target itself (contained: the shim's child) */
	int status_fd;    /* contained: the shim reports the target's status here */
	int go_fd;        /* contained: open while we live; EOF = kill the tree */
	int contained;
};

/* Extra set-up in the child, after it is tracked and before exec. */
struct launch_opts {
	int die_with_parent;   /* PR_SET_PDEATHSIG(SIGKILL): fail closed */
	void *seccomp;         /* scmp_filter_ctx to load, or NULL */
	/* Landlock floor of paths and ports (landlock.h) to enforce before
	 * the seccomp floor, or NULL */
	const struct landlock_floor *landlock;
	uint32_t track_flags;  /* extra SF_PROC_* flags */
	/* Run the target under a small shim (our child, a child subreaper):
	 * when the target exits, or sysfence goes away (even by SIGKILL), the
	 * shim kills every remaining descendant, so none outlives its
	 * enforcement.  Pids are not changed. */
	int contain;
	/* The gate (tracer/gate.h): a scmp_filter_ctx with SCMP_ACT_NOTIFY
	 * rules, loaded in the target before the floor.  Its listener is
	 * handed to gate_ready (ownership passes) before the target execs,
	 * so the supervisor runs before any gated call can be made. */
	void *gate;
	int (*gate_ready)(void *ctx, int listener);
	void *gate_ctx;
};

/* PATH lookup like execvp; realpath of the result.  0 or -errno (-ENOENT
 * not found, -EACCES not executable). */
int launch__resolve(const char *cmd, char *out, size_t outlen);
/* Fork; the child waits on a pipe until the parent has tracked it (flag
 * SF_PROC_PENDING_EXEC: its own pre-exec calls are ignored), then execs.
 * Returns 0 once the exec succeeded, or -errno of a failed exec. */
int launch__start(struct launch *l, char **argv, struct rt *rt);
int launch__start_opts(struct launch *l, char **argv, struct rt *rt,
		       const struct launch_opts *o);
/* Reap the target: 1 and its wait status when it has ended, 0 when it
 * still runs (nohang), -errno. */
int launch__reap(struct launch *l, int *status, int nohang);
/* SIGTERM, 3 s grace, SIGKILL; returns 1 and the status once reaped. */
int launch__stop(struct launch *l, int *status);
/* /proc/<pid>/cmdline as one space-joined string (malloc'd) or NULL. */
char *launch__read_cmdline(pid_t pid);

#endif
