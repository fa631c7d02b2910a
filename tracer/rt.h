/* rt.h - the BPF runtime: skeleton lifecycle, CFI tables, tracked set,
 * events, and snapshots of the learned tuples. */
#ifndef SF_RT_H
#define SF_RT_H

#include <stdint.h>
#include <sys/types.h>

#include "sysfence.h"
#include "sf_args.h"
#include "trace.h"

struct rt;
struct libtab;

struct rt_opts {
	const char **transparent; /* extra transparent libraries (paths) */
	int ntransparent;
	int mode;                 /* enum sf_mode at start */
	uint32_t max_tuples;      /* counts map entries; 0 = SF_MAX_COUNTS */
	uint32_t max_procs;       /* tracked map entries; 0 = SF_MAX_TRACKED */
	int legacy_attribution;   /* 1 = no runtime buckets: libc's allocator,
				   * stdio and locale work is charged to the
				   * caller (policies learned before them) */
	int thread_with_caller;   /* 1 = no [libc-thread]: thread start and join
				   * are charged to their caller (enforcing a
				   * policy that has no such bucket) */
};

/* Open, configure, load and attach the one BPF object.  NULL + errno (the
 * reason has been logged). */
struct rt *rt__open(const struct rt_opts *o);
void rt__close(struct rt *rt);

int rt__set_mode(struct rt *rt, int mode);
/* Track a process (and, through fork, its future children) under policy
 * id 1 (the only one in learn mode and single-target enforce). */
int rt__track(struct rt *rt, pid_t tgid, uint32_t flags);
int rt__track_policy(struct rt *rt, pid_t tgid, uint32_t flags, uint32_t policy);
int rt__untrack(struct rt *rt, pid_t tgid);
int rt__is_tracked(struct rt *rt, pid_t tgid);
/* Track every process that execs the file at path (policy id 1). */
int rt__watch_exec(struct rt *rt, const char *path);
int rt__watch_exec_policy(struct rt *rt, const char *path, uint32_t policy);
/* Number of processes tracked right now. */
int rt__ntracked(struct rt *rt);
/* Send sig to every tracked process whose parent is not tracked (the
 * roots of the tracked trees: the target, or a daemon whose parent
 * exited); returns how many were signalled. */
int rt__signal_roots(struct rt *rt, int sig);
/* Kill (SIGKILL) every tracked process; returns how many. */
int rt__kill_all(struct rt *rt);

/* Enforcement: configuration and rule loading (enforce.c fills them). */
int rt__configure(struct rt *rt, uint32_t action, uint32_t flags, uint32_t report_limit);
int rt__add_policy_lib(struct rt *rt, uint64_t ino, uint32_t dev, uint32_t policy,
		       uint32_t action);
int rt__add_rule(struct rt *rt, uint64_t ino, uint32_t dev, uint32_t nr, uint32_t policy,
		 const struct sf_rule *rule);
int rt__set_nr_action(struct rt *rt, uint32_t nr, uint32_t action);

/* Violation events are passed to this callback (from rt__poll). */
typedef void (*rt_violation_fn)(void *ctx, const struct sf_event_violation *ev);
void rt__on_violation(struct rt *rt, rt_violation_fn fn, void *ctx);
/* Landlock floor denials (issue 17): a path or port call of a tracked
 * process that returned EACCES; path is the resolved path or NULL. */
typedef void (*rt_floor_fn)(void *ctx, const struct sf_event_object *ev, const char *path);
void rt__on_floor_denied(struct rt *rt, rt_floor_fn fn, void *ctx);
/* Path checks (enforce, issue 17): the first sight of each distinct
 * (library, writing path call) that succeeded; path is the resolved path
 * or NULL.  The key's (dev, ino) name the calling library. */
typedef void (*rt_object_fn)(void *ctx, const struct sf_event_object *ev, const char *path);
void rt__on_object(struct rt *rt, rt_object_fn fn, void *ctx);
/* Attach the sys_exit program that reports them: flags SF_CFG_FLOOR (the
 * floor's denials) and/or SF_CFG_PATHCHECK (path checks). */
int rt__attach_object_reports(struct rt *rt, uint32_t flags);
/* Path of a file seen by the BPF side, or NULL; bucket names for dev 0. */
const char *rt__lib_path(struct rt *rt, uint32_t dev, uint64_t ino);
/* "symbol+0x12" for a file offset in a seen library; "" when unknown. */
void rt__lib_symbol(struct rt *rt, uint32_t dev, uint64_t ino, uint64_t off, char *buf,
		    size_t len);

/* Path of the executable (dev, ino) of process tgid (resolved through
 * /proc/<tgid>/exe when no exec event described it), or NULL.  Marks the
 * file as an executable. */
const char *rt__exe_path(struct rt *rt, uint32_t dev, uint64_t ino, uint32_t tgid);
/* Mark the executable of a running process (--pid) as one (kind
 * executable), so a policy learned from it says so. */
void rt__note_exe(struct rt *rt, pid_t tgid);
/* Track the descendants a running process already has (--pid): every
 * process whose parent chain reaches tgid, repeated until no new one
 * appears (its future children are tracked by the fork tracepoint once
 * their parent is).  Returns how many were added, or -errno. */
int rt__track_descendants(struct rt *rt, pid_t tgid, uint32_t policy);
/* Iterate the distinct violations counted so far (viol_agg): prev NULL
 * for the first; 0 and fills key and val, or -ENOENT at the end. */
int rt__viol_next(struct rt *rt, const struct sf_viol_key *prev, struct sf_viol_key *key,
		  struct sf_viol_val *val);

/* Consume ring-buffer events; timeout in ms (0 = no wait). */
int rt__poll(struct rt *rt, int timeout_ms);
/* Sum the per-CPU stats counters. */
int rt__stats(struct rt *rt, uint64_t out[SF_STAT__COUNT]);
/* Number of distinct files seen so far (libraries and executables). */
size_t rt__nlibs(struct rt *rt);
/* Fill t (fresh, from trace__new) with libraries, tuples and sites. */
int rt__snapshot(struct rt *rt, struct trace *t);
/* Paths of the transparent libraries actually loaded. */
const char *const *rt__transparent(struct rt *rt, int *n);

/* The gate's supervisor: user registers of a blocked thread (0, -ESRCH
 * when it is gone, -errno), and the fd of a map of the object by name
 * (-ENOENT). */
int rt__task_regs(struct rt *rt, pid_t tid, struct sf_task_regs *out);
int rt__map_fd(struct rt *rt, const char *name);

/* Kernel s_dev (MAJOR << 20 | MINOR) of a stat() st_dev. */
uint32_t rt__kdev(dev_t st_dev);

#endif
