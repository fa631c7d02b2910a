/* rt.h - the BPF runtime: skeleton lifecycle, CFI tables, tracked set,
 * events, and snapshots of the learned tuples. */
#ifndef SF_RT_H
#define SF_RT_H

#include <stdint.h>
#include <sys/types.h>

#include "sysfence.h"
#include "trace.h"

struct rt;
struct libtab;

struct rt_opts {
	const char **transparent; /* extra transparent libraries (paths) */
	int ntransparent;
	int mode;                 /* enum sf_mode at start */
};

/* Open, configure, load and attach the one BPF object.  NULL + errno (the
 * reason has been logged). */
struct rt *rt__open(const struct rt_opts *o);
void rt__close(struct rt *rt);

int rt__set_mode(struct rt *rt, int mode);
/* Track a process (and, through fork, its future children). */
int rt__track(struct rt *rt, pid_t tgid, uint32_t flags);
int rt__untrack(struct rt *rt, pid_t tgid);
int rt__is_tracked(struct rt *rt, pid_t tgid);
/* Track every process that execs the file at path. */
int rt__watch_exec(struct rt *rt, const char *path);

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

/* Kernel s_dev (MAJOR << 20 | MINOR) of a stat() st_dev. */
uint32_t rt__kdev(dev_t st_dev);

#endif
