// SPDX-License-Identifier: GPL-2.0
/* rt.c - BPF runtime of sysfence (see rt.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cfi.h"
#include "elfinfo.h"
#include "log.h"
#include "objtab.h"
#include "rt.h"
#include "sysfence.skel.h"

#define DEFAULT_LIBC "/lib/x86_64-linux-gnu/libc.so.6"
#define DEFAULT_LDSO "/lib64/ld-linux-x86-64.so.2"
#define MAX_TRANSPARENT 32

struct lib_ent {
	uint64_t ino;
	uint32_t dev;       /* kernel s_dev */
	uint32_t kind;      /* enum lib_kind */
	char *path;         /* NULL until resolved */
	char *build_id;
	struct elf_syms *syms;
	int syms_tried;
	int build_id_tried;
};

struct rt {
	struct sysfence_bpf *skel;
	int legacy_attribution; /* rt_opts: no runtime buckets */
	struct ring_buffer *rb;
	int ncpus;
	struct lib_ent *libs;
	size_t nlibs, caplibs;
	char *transparent[MAX_TRANSPARENT];
	int ntransparent;
	rt_violation_fn on_violation;
	void *on_violation_ctx;
	struct objtab *objs;      /* resolutions of recorded paths */
	rt_floor_fn on_floor;
	void *on_floor_ctx;
	rt_object_fn on_object;
	void *on_object_ctx;
	struct bpf_link *floor_link;
};

static void site_symbol(struct rt *rt, uint32_t dev, uint64_t ino, uint64_t off, char *buf,
			size_t len);

uint32_t rt__kdev(dev_t st_dev)
{
	return (uint32_t)((major(st_dev) << 20) | minor(st_dev));
}

/* ---- library table ----------------------------------------------------------- */
static struct lib_ent *lib_find(struct rt *rt, uint32_t dev, uint64_t ino)
{
	for (size_t i = 0; i < rt->nlibs; i++)
		if (rt->libs[i].ino == ino && rt->libs[i].dev == dev)
			return &rt->libs[i];
	return NULL;
}

static struct lib_ent *lib_get(struct rt *rt, uint32_t dev, uint64_t ino)
{
	struct lib_ent *e = lib_find(rt, dev, ino);

	if (e)
		return e;
	if (rt->nlibs == rt->caplibs) {
		size_t cap = rt->caplibs ? rt->caplibs * 2 : 64;
		struct lib_ent *n = realloc(rt->libs, cap * sizeof(*n));

		if (!n)
			return NULL;
		rt->libs = n;
		rt->caplibs = cap;
	}
	e = &rt->libs[rt->nlibs++];
	memset(e, 0, sizeof(*e));
	e->dev = dev;
	e->ino = ino;
	e->kind = LIB_KIND_LIBRARY;
	return e;
}

static int path_matches(const char *path, uint32_t dev, uint64_t ino)
{
	struct stat st;

	return !stat(path, &st) && st.st_ino == ino && rt__kdev(st.st_dev) == dev;
}

/* Fallback: find the file by inode in /proc/<tgid>/maps. */
static char *path_from_maps(uint32_t tgid, uint32_t dev, uint64_t ino)
{
	char fn[64], line[PATH_MAX + 256];
	char *found = NULL;
	FILE *f;

	snprintf(fn, sizeof(fn), "/proc/%u/maps", tgid);
	f = fopen(fn, "re");
	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long lino;
		unsigned maj, mnr;
		int pos = 0;

		if (sscanf(line, "%*x-%*x %*s %*x %x:%x %llu %n", &maj, &mnr, &lino, &pos) < 3 ||
		    !pos || lino != ino || ((maj << 20) | mnr) != dev)
			continue;
		line[strcspn(line, "\n")] = 0;
		if (line[pos] == '/' && path_matches(line + pos, dev, ino))
			found = strdup(line + pos);
	}
	fclose(f);
	return found;
}

static void lib_resolve(struct lib_ent *e, const struct sf_event_file *ev)
{
	char path[PATH_MAX];
	size_t len = 0;
	uint32_t n = ev->ncomp;

	if (e->path)
		return;
	if (n > 0 && n <= SF_PATH_COMPONENTS) {
		path[0] = 0;
		for (int i = (int)n - 1; i >= 0; i--) {
			int w = snprintf(path + len, sizeof(path) - len, "/%.*s",
					 SF_NAME_LEN, ev->name[i]);
			if (w < 0 || (size_t)w >= sizeof(path) - len) {
				len = 0;
				break;
			}
			len += (size_t)w;
		}
		if (len && path_matches(path, e->dev, e->ino))
			e->path = strdup(path);
	}
	if (!e->path && ev->hdr.type == SF_EV_EXEC) {
		char fn[64];
		ssize_t r;

		snprintf(fn, sizeof(fn), "/proc/%u/exe", ev->hdr.tgid);
		r = readlink(fn, path, sizeof(path) - 1);
		if (r > 0) {
			path[r] = 0;
			if (path_matches(path, e->dev, e->ino))
				e->path = strdup(path);
		}
	}
	if (!e->path)
		e->path = path_from_maps(ev->hdr.tgid, e->dev, e->ino);
	if (!e->path)
		log_debug("cannot resolve file dev %u:%u ino %llu", e->dev >> 20,
			  e->dev & 0xfffff, (unsigned long long)e->ino);
}

static int handle_event(void *ctx, void *data, size_t len)
{
	struct rt *rt = ctx;
	const struct sf_event_hdr *h = data;

	if (len < sizeof(*h))
		return 0;
	if ((h->type == SF_EV_NEW_LIB || h->type == SF_EV_EXEC) &&
	    len >= sizeof(struct sf_event_file)) {
		const struct sf_event_file *ev = data;
		struct lib_ent *e = lib_get(rt, ev->dev, ev->ino);

		if (!e)
			return -ENOMEM;
		if (h->type == SF_EV_EXEC)
			e->kind = LIB_KIND_EXECUTABLE;
		lib_resolve(e, ev);
		log_debug("%s %s (pid %u, %.16s)", h->type == SF_EV_EXEC ? "exec" : "library",
			  e->path ? e->path : "?", h->tgid, ev->comm);
	} else if (h->type == SF_EV_VIOLATION && len >= sizeof(struct sf_event_violation)) {
		if (rt->on_violation)
			rt->on_violation(rt->on_violation_ctx, data);
	} else if (h->type == SF_EV_OBJECT && len >= sizeof(struct sf_event_object)) {
		if (objtab__add(rt->objs, data))
			return -ENOMEM;
		if (rt->on_object)
			rt->on_object(rt->on_object_ctx, data,
				      objtab__path(rt->objs, &((const struct sf_event_object *)data)->key));
	} else if (h->type == SF_EV_FLOOR_DENIED && len >= sizeof(struct sf_event_object)) {
		if (rt->on_floor) {
			char *path = objtab__resolve(data);

			rt->on_floor(rt->on_floor_ctx, data, path);
			free(path);
		}
	} else if (h->type == SF_EV_FORK) {
		log_debug("fork %u -> %u", h->ppid, h->tgid);
	} else if (h->type == SF_EV_EXIT) {
		log_debug("exit %u", h->tgid);
	}
	return 0;
}

/* ---- CFI ----------------------------------------------------------------------- */
static int load_cfi(struct rt *rt, const char *path, uint32_t *next_row, unsigned runtime)
{
	struct cfi_table tab = {};
	struct sf_cfi_lib lib = {};
	struct sf_lib_id id = {};
	char real[PATH_MAX], err[256] = "";
	struct stat st;
	int fd_rows = bpf_map__fd(rt->skel->maps.cfi_rows);
	int ret;

	if (!realpath(path, real) || stat(real, &st)) {
		ret = -errno;
		log_err("transparent library %s: %s", path, strerror(errno));
		return ret;
	}
	for (int i = 0; i < rt->ntransparent; i++)
		if (!strcmp(rt->transparent[i], real))
			return 0;
	if (rt->ntransparent == MAX_TRANSPARENT) {
		log_err("too many transparent libraries (max %d)", MAX_TRANSPARENT);
		return -E2BIG;
	}
	ret = cfi__build(real, &tab, err, sizeof(err));
	if (ret) {
		log_err("cannot read unwind tables of %s: %s", real, err[0] ? err : strerror(-ret));
		return ret;
	}
	if (runtime) {
		const char *src;
		size_t nf;

		ret = cfi__mark_runtime_classes(real, &tab, runtime, &nf, &src, err, sizeof(err));
		if (ret) {
			log_err("cannot read the symbols of %s: %s", real, err[0] ? err : strerror(-ret));
			cfi__free(&tab);
			return ret;
		}
		if (nf)
			log_info("%s: %zu runtime functions (symbols: %s)", real, nf, src);
		if (nf && !strcmp(src, "dynsym"))
			log_info("%s: no debug symbols (Debian: libc6-dbg); internal "
				 "runtime functions reached by tail calls stay with their caller",
				 real);
	}
	if (*next_row + tab.nrows > SF_MAX_CFI_ROWS) {
		log_err("unwind tables too large: %s needs %zu rows, %u left", real, tab.nrows,
			SF_MAX_CFI_ROWS - *next_row);
		cfi__free(&tab);
		return -E2BIG;
	}
	{
		uint32_t *keys = malloc(tab.nrows * sizeof(*keys));
		uint32_t count = (uint32_t)tab.nrows;
		LIBBPF_OPTS(bpf_map_batch_opts, opts);

		if (!keys) {
			cfi__free(&tab);
			return -ENOMEM;
		}
		for (uint32_t i = 0; i < count; i++)
			keys[i] = *next_row + i;
		ret = bpf_map_update_batch(fd_rows, keys, tab.rows, &count, &opts);
		if (ret) {
			/* Older kernels: one row at a time. */
			ret = 0;
			for (uint32_t i = 0; i < tab.nrows && !ret; i++)
				ret = bpf_map_update_elem(fd_rows, &keys[i], &tab.rows[i], 0);
		}
		free(keys);
	}
	if (ret) {
		log_err("cannot load unwind tables of %s: %s", real, strerror(-ret));
		cfi__free(&tab);
		return ret;
	}
	lib.first = *next_row;
	lib.count = (uint32_t)tab.nrows;
	if (!strncmp(strrchr(real, '/') ? strrchr(real, '/') + 1 : real, "ld-linux", 8))
		lib.flags |= SF_LIB_LDSO;
	id.ino = st.st_ino;
	id.dev = rt__kdev(st.st_dev);
	ret = bpf_map_update_elem(bpf_map__fd(rt->skel->maps.cfi_libs), &id, &lib, 0);
	if (ret) {
		log_err("cannot register %s: %s", real, strerror(-ret));
		cfi__free(&tab);
		return ret;
	}
	*next_row += lib.count;
	log_info("transparent: %s (%zu unwind rows)", real, tab.nrows);
	cfi__free(&tab);
	rt->transparent[rt->ntransparent++] = strdup(real);
	return 0;
}

/* ---- lifecycle ------------------------------------------------------------------- */
struct rt *rt__open(const struct rt_opts *o)
{
	struct sf_config cfg = { .mode = (uint32_t)o->mode, .session = (uint64_t)getpid() };
	uint32_t zero = 0, next_row = 0;
	struct rt *rt;
	int err;

	rt = calloc(1, sizeof(*rt));
	if (!rt)
		return NULL;
	rt->legacy_attribution = o->legacy_attribution;
	rt->ncpus = libbpf_num_possible_cpus();
	if (rt->ncpus <= 0) {
		err = rt->ncpus ? rt->ncpus : -EINVAL;
		log_err("cannot count CPUs: %s", strerror(-err));
		goto fail;
	}
	rt->skel = sysfence_bpf__open();
	if (!rt->skel) {
		err = -errno;
		log_err("cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	if (o->max_tuples) {
		/* a tuple's key and its slot of calls (sysfence.h) */
		bpf_map__set_max_entries(rt->skel->maps.counts, o->max_tuples);
		bpf_map__set_max_entries(rt->skel->maps.tuple_counts, o->max_tuples);
	}
	if (o->max_procs)
		bpf_map__set_max_entries(rt->skel->maps.tracked, o->max_procs);
	/* sys_exit: learn records paths there; enforce attaches it only with
	 * a Landlock floor (rt__attach_floor_report) */
	if (o->mode != SF_MODE_LEARN)
		bpf_program__set_autoattach(rt->skel->progs.sf_sys_exit_objects, false);
	rt->objs = objtab__new();
	if (!rt->objs) {
		err = -ENOMEM;
		goto fail;
	}
	err = sysfence_bpf__load(rt->skel);
	if (err) {
		log_err("cannot load the BPF object: %s (needs root, a kernel with BTF and "
			"BPF; run with -vv for the verifier log)", strerror(-err));
		goto fail;
	}
	err = bpf_map_update_elem(bpf_map__fd(rt->skel->maps.sf_config_map), &zero, &cfg, 0);
	if (err) {
		log_err("cannot configure the BPF object: %s", strerror(-err));
		goto fail;
	}
	/* runtime functions are libc's (ld.so has none: its work is start-up
	 * or the dlopen its caller asked for) */
	err = load_cfi(rt, DEFAULT_LIBC, &next_row,
		       o->legacy_attribution ? 0
		       : o->thread_with_caller ? CFI_RT_ALL & ~(1u << SF_RT_THREAD)
					       : CFI_RT_ALL);
	if (!err)
		err = load_cfi(rt, DEFAULT_LDSO, &next_row, 0);
	for (int i = 0; !err && i < o->ntransparent; i++)
		err = load_cfi(rt, o->transparent[i], &next_row, 0);
	if (err)
		goto fail;
	rt->rb = ring_buffer__new(bpf_map__fd(rt->skel->maps.events), handle_event, rt, NULL);
	if (!rt->rb) {
		err = -errno;
		log_err("cannot open the event ring buffer: %s", strerror(errno));
		goto fail;
	}
	err = sysfence_bpf__attach(rt->skel);
	if (err) {
		log_err("cannot attach the BPF programs: %s", strerror(-err));
		goto fail;
	}
	return rt;
fail:
	rt__close(rt);
	errno = -err;
	return NULL;
}

void rt__close(struct rt *rt)
{
	if (!rt)
		return;
	ring_buffer__free(rt->rb);
	bpf_link__destroy(rt->floor_link);
	sysfence_bpf__destroy(rt->skel);
	objtab__free(rt->objs);
	for (size_t i = 0; i < rt->nlibs; i++) {
		free(rt->libs[i].path);
		free(rt->libs[i].build_id);
		if (rt->libs[i].syms)
			elf_syms__close(rt->libs[i].syms);
	}
	free(rt->libs);
	for (int i = 0; i < rt->ntransparent; i++)
		free(rt->transparent[i]);
	free(rt);
}

int rt__set_mode(struct rt *rt, int mode)
{
	uint32_t zero = 0;
	struct sf_config cfg;
	int fd = bpf_map__fd(rt->skel->maps.sf_config_map);

	if (bpf_map_lookup_elem(fd, &zero, &cfg))
		return -errno;
	cfg.mode = (uint32_t)mode;
	return bpf_map_update_elem(fd, &zero, &cfg, 0) ? -errno : 0;
}

int rt__track(struct rt *rt, pid_t tgid, uint32_t flags)
{
	return rt__track_policy(rt, tgid, flags, 1);
}

/* The BPF side's bitmap in front of the tracked hash, updated atomically
 * by a BPF_PROG_TYPE_SYSCALL program (the fork/exit programs update the
 * same words). */
static int set_tracked_bit(struct rt *rt, uint32_t tgid, int on)
{
	struct { uint32_t tgid, on; } args = { tgid, (uint32_t)on };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args, .ctx_size_in = sizeof(args));

	if (tgid / 64 >= SF_TRACKED_BITMAP_WORDS)
		return -ERANGE;
	if (bpf_prog_test_run_opts(bpf_program__fd(rt->skel->progs.sf_mark_tracked), &opts))
		return -errno;
	return 0;
}

int rt__track_policy(struct rt *rt, pid_t tgid, uint32_t flags, uint32_t policy)
{
	struct sf_proc p = { .flags = flags, .policy = policy, .session = (uint64_t)getpid() };
	uint32_t key = (uint32_t)tgid;
	int ret;

	if (bpf_map_update_elem(bpf_map__fd(rt->skel->maps.tracked), &key, &p, 0))
		return -errno;
	ret = set_tracked_bit(rt, key, 1);
	if (ret)
		bpf_map_delete_elem(bpf_map__fd(rt->skel->maps.tracked), &key);
	return ret;
}

int rt__untrack(struct rt *rt, pid_t tgid)
{
	uint32_t key = (uint32_t)tgid;

	set_tracked_bit(rt, key, 0);
	return bpf_map_delete_elem(bpf_map__fd(rt->skel->maps.tracked), &key) ? -errno : 0;
}

int rt__is_tracked(struct rt *rt, pid_t tgid)
{
	uint32_t key = (uint32_t)tgid;
	struct sf_proc p;

	return !bpf_map_lookup_elem(bpf_map__fd(rt->skel->maps.tracked), &key, &p);
}

int rt__watch_exec(struct rt *rt, const char *path)
{
	return rt__watch_exec_policy(rt, path, 1);
}

int rt__watch_exec_policy(struct rt *rt, const char *path, uint32_t policy)
{
	struct sf_lib_id id = {};
	uint32_t flags = policy;
	struct stat st;

	if (stat(path, &st))
		return -errno;
	id.ino = st.st_ino;
	id.dev = rt__kdev(st.st_dev);
	return bpf_map_update_elem(bpf_map__fd(rt->skel->maps.exec_watch), &id, &flags, 0)
		       ? -errno : 0;
}

int rt__ntracked(struct rt *rt)
{
	int fd = bpf_map__fd(rt->skel->maps.tracked);
	uint32_t key, next, *prev = NULL;
	int n = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

int rt__kill_all(struct rt *rt)
{
	int fd = bpf_map__fd(rt->skel->maps.tracked);
	uint32_t key, next, *prev = NULL;
	int n = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if ((pid_t)key != getpid() && !kill((pid_t)key, SIGKILL))
			n++;
	}
	return n;
}

/* Parent pid of tgid from /proc, or -1. */
static pid_t proc_ppid(pid_t tgid)
{
	char fn[64], buf[512], *rp;
	ssize_t r;
	int fd, ppid;

	snprintf(fn, sizeof(fn), "/proc/%d/stat", (int)tgid);
	fd = open(fn, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = 0;
	rp = strrchr(buf, ')'); /* comm may contain ')' and spaces */
	if (!rp || sscanf(rp + 2, "%*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

int rt__signal_roots(struct rt *rt, int sig)
{
	int fd = bpf_map__fd(rt->skel->maps.tracked);
	uint32_t key, next, *prev = NULL;
	int n = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		pid_t ppid;

		key = next;
		prev = &key;
		if ((pid_t)key == getpid())
			continue;
		ppid = proc_ppid((pid_t)key);
		if (ppid < 0 || (ppid > 0 && rt__is_tracked(rt, ppid) > 0))
			continue; /* gone, or its parent is tracked: not a root */
		if (!kill((pid_t)key, sig))
			n++;
	}
	return n;
}

int rt__configure(struct rt *rt, uint32_t action, uint32_t flags, uint32_t report_limit)
{
	int fd = bpf_map__fd(rt->skel->maps.sf_config_map);
	struct sf_config cfg;
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, &cfg))
		return -errno;
	cfg.action = action;
	cfg.flags = flags;
	cfg.report_limit = report_limit;
	return bpf_map_update_elem(fd, &zero, &cfg, 0) ? -errno : 0;
}

int rt__add_policy_lib(struct rt *rt, uint64_t ino, uint32_t dev, uint32_t policy,
		       uint32_t action)
{
	struct sf_plib_key k = { .ino = ino, .dev = dev, .policy = policy };

	return bpf_map_update_elem(bpf_map__fd(rt->skel->maps.policy_libs), &k, &action, 0)
		       ? -errno : 0;
}

int rt__add_rule(struct rt *rt, uint64_t ino, uint32_t dev, uint32_t nr, uint32_t policy,
		 const struct sf_rule *rule)
{
	struct sf_rule_key k = { .ino = ino, .dev = dev, .nr = nr, .policy = policy };

	return bpf_map_update_elem(bpf_map__fd(rt->skel->maps.rules), &k, rule, 0) ? -errno : 0;
}

int rt__set_nr_action(struct rt *rt, uint32_t nr, uint32_t action)
{
	if (nr >= SF_NR_ACTIONS)
		return -EINVAL;
	return bpf_map_update_elem(bpf_map__fd(rt->skel->maps.nr_action), &nr, &action, 0)
		       ? -errno : 0;
}

void rt__on_violation(struct rt *rt, rt_violation_fn fn, void *ctx)
{
	rt->on_violation = fn;
	rt->on_violation_ctx = ctx;
}

void rt__on_floor_denied(struct rt *rt, rt_floor_fn fn, void *ctx)
{
	rt->on_floor = fn;
	rt->on_floor_ctx = ctx;
}

void rt__on_object(struct rt *rt, rt_object_fn fn, void *ctx)
{
	rt->on_object = fn;
	rt->on_object_ctx = ctx;
}

int rt__attach_object_reports(struct rt *rt, uint32_t flags)
{
	uint32_t zero = 0;
	struct sf_config cfg;
	int fd = bpf_map__fd(rt->skel->maps.sf_config_map);

	if (bpf_map_lookup_elem(fd, &zero, &cfg))
		return -errno;
	cfg.flags |= flags & (SF_CFG_FLOOR | SF_CFG_PATHCHECK);
	if (bpf_map_update_elem(fd, &zero, &cfg, 0))
		return -errno;
	if (rt->floor_link)
		return 0;
	rt->floor_link = bpf_program__attach(rt->skel->progs.sf_sys_exit_objects);
	if (!rt->floor_link) {
		int err = -errno;

		log_err("cannot attach the floor report program: %s", strerror(-err));
		return err;
	}
	return 0;
}

const char *rt__lib_path(struct rt *rt, uint32_t dev, uint64_t ino)
{
	struct lib_ent *e;

	if (dev == 0) {
		if (ino == SF_UNION_INO)
			return "[process-wide union]";
		return ino < trace_bucket_count && trace_bucket_names[ino] ? trace_bucket_names[ino]
									   : NULL;
	}
	e = lib_find(rt, dev, ino);
	return e ? e->path : NULL;
}

void rt__lib_symbol(struct rt *rt, uint32_t dev, uint64_t ino, uint64_t off, char *buf,
		    size_t len)
{
	site_symbol(rt, dev, ino, off, buf, len);
}

const char *rt__exe_path(struct rt *rt, uint32_t dev, uint64_t ino, uint32_t tgid)
{
	struct lib_ent *e;
	char fn[64], path[PATH_MAX];
	ssize_t r;

	if (!dev && !ino)
		return NULL;
	e = lib_get(rt, dev, ino);
	if (!e)
		return NULL;
	e->kind = LIB_KIND_EXECUTABLE;
	if (e->path || !tgid)
		return e->path;
	snprintf(fn, sizeof(fn), "/proc/%u/exe", tgid);
	r = readlink(fn, path, sizeof(path) - 1);
	if (r > 0) {
		path[r] = 0;
		if (path_matches(path, dev, ino))
			e->path = strdup(path);
	}
	return e->path;
}

void rt__note_exe(struct rt *rt, pid_t tgid)
{
	char fn[64];
	struct stat st;

	snprintf(fn, sizeof(fn), "/proc/%d/exe", (int)tgid);
	if (!stat(fn, &st))
		rt__exe_path(rt, rt__kdev(st.st_dev), st.st_ino, (uint32_t)tgid);
}

int rt__track_descendants(struct rt *rt, pid_t root, uint32_t policy)
{
	int added = 0;

	/* A process forked before its parent was tracked is only found by
	 * this scan; one forked after is tracked by sched_process_fork.
	 * Rescan until a pass adds nothing (a child may fork meanwhile). */
	for (int round = 0; round < 16; round++) {
		int new_here = 0;
		struct dirent *de;
		DIR *d = opendir("/proc");

		if (!d)
			return -errno;
		while ((de = readdir(d))) {
			pid_t pid, up;
			int depth;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			pid = (pid_t)atoi(de->d_name);
			if (pid == root || pid == getpid() || rt__is_tracked(rt, pid))
				continue;
			for (up = proc_ppid(pid), depth = 0; up > 1 && up != root && depth < 256;
			     depth++)
				up = proc_ppid(up);
			if (up != root)
				continue;
			if (!rt__track_policy(rt, pid, 0, policy)) {
				rt__note_exe(rt, pid);
				new_here++;
			}
		}
		closedir(d);
		added += new_here;
		if (!new_here)
			break;
	}
	return added;
}

int rt__viol_next(struct rt *rt, const struct sf_viol_key *prev, struct sf_viol_key *key,
		  struct sf_viol_val *val)
{
	int fd = bpf_map__fd(rt->skel->maps.viol_agg);

	for (;;) {
		if (bpf_map_get_next_key(fd, prev, key))
			return -ENOENT;
		if (!bpf_map_lookup_elem(fd, key, val))
			return 0;
		prev = key; /* deleted in between: skip it */
	}
}

int rt__poll(struct rt *rt, int timeout_ms)
{
	int n = ring_buffer__poll(rt->rb, timeout_ms);

	return n == -EINTR ? 0 : n;
}

int rt__stats(struct rt *rt, uint64_t out[SF_STAT__COUNT])
{
	int fd = bpf_map__fd(rt->skel->maps.stats);
	uint64_t *vals = calloc((size_t)rt->ncpus, sizeof(*vals));

	if (!vals)
		return -ENOMEM;
	for (uint32_t i = 0; i < SF_STAT__COUNT; i++) {
		out[i] = 0;
		if (bpf_map_lookup_elem(fd, &i, vals))
			continue;
		for (int c = 0; c < rt->ncpus; c++)
			out[i] += vals[c];
	}
	free(vals);
	return 0;
}

size_t rt__nlibs(struct rt *rt)
{
	return rt->nlibs;
}

const char *const *rt__transparent(struct rt *rt, int *n)
{
	*n = rt->ntransparent;
	return (const char *const *)rt->transparent;
}

/* ---- snapshot ------------------------------------------------------------------------ */
/* Index of the trace library for (dev, ino), resolving it on first use. */
static int trace_lib_of(struct rt *rt, struct trace *t, uint32_t dev, uint64_t ino,
			uint32_t tgid_hint)
{
	struct lib_ent *e;
	char unknown[96];

	if (dev == 0) {
		const char *name = ino < trace_bucket_count ? trace_bucket_names[ino] : NULL;

		return trace__add_lib(t, name ? name : "[unknown-bucket]", NULL,
				      LIB_KIND_BUCKET, 0, ino);
	}
	e = lib_get(rt, dev, ino);
	if (!e)
		return -ENOMEM;
	if (!e->path && tgid_hint)
		e->path = path_from_maps(tgid_hint, dev, ino);
	if (!e->path) {
		snprintf(unknown, sizeof(unknown), "[unresolved %u:%u/%llu]", dev >> 20,
			 dev & 0xfffff, (unsigned long long)ino);
		return trace__add_lib(t, unknown, NULL, e->kind, dev, ino);
	}
	if (!e->build_id_tried) {
		char hex[128];

		e->build_id_tried = 1;
		if (!elf__build_id(e->path, hex, sizeof(hex)))
			e->build_id = strdup(hex);
	}
	return trace__add_lib(t, e->path, e->build_id, e->kind,
			      makedev(dev >> 20, dev & 0xfffff), ino);
}

static void site_symbol(struct rt *rt, uint32_t dev, uint64_t ino, uint64_t off, char *buf,
			size_t len)
{
	struct lib_ent *e = lib_find(rt, dev, ino);

	buf[0] = 0;
	if (!e || !e->path)
		return;
	if (!e->syms_tried) {
		e->syms_tried = 1;
		e->syms = elf_syms__open(e->path);
	}
	if (!e->syms || elf_syms__lookup(e->syms, off, buf, len))
		buf[0] = 0;
}

/* Paths and ports (issue 17): the objs map's keys with their counts, and
 * the resolutions the first-sight events gave. */
static int snapshot_objects(struct rt *rt, struct trace *t)
{
	int fd = bpf_map__fd(rt->skel->maps.objs);
	struct sf_obj_key *key, *next, *prev = NULL;
	int ret = 0;

	key = malloc(sizeof(*key));
	next = malloc(sizeof(*next));
	if (!key || !next) {
		ret = -ENOMEM;
		goto out;
	}
	while (!bpf_map_get_next_key(fd, prev, next)) {
		uint64_t count;
		const char *raw = NULL, *path = NULL;
		int li;

		memcpy(key, next, sizeof(*key));
		prev = key;
		if (bpf_map_lookup_elem(fd, key, &count))
			continue;
		li = trace_lib_of(rt, t, key->dev, key->ino, 0);
		if (li < 0) {
			ret = li;
			goto out;
		}
		if (key->kind != SF_OBJ_INET) {
			key->path[SF_OBJ_PATH_LEN - 1] = '\0';
			raw = key->path;
			path = objtab__path(rt->objs, next);
		}
		ret = trace__add_obj(t, (uint32_t)li, key->nr, key->kind, key->slot, key->aux,
				     path, raw, count);
		if (ret)
			goto out;
		/* The kernel (and Landlock) act on the file a symbolic link
		 * leads to: record it too (/usr/share/locale/locale.alias is
		 * /etc/locale.alias on Debian).  Resolved now, on this
		 * machine: a link that changed since the call is missed. */
		if (path && key->kind == SF_OBJ_PATH && strncmp(path, "/proc/", 6)) {
			char *real = realpath(path, NULL);

			if (real && strcmp(real, path))
				ret = trace__add_obj(t, (uint32_t)li, key->nr, key->kind,
						     key->slot, key->aux, real, raw, count);
			free(real);
			if (ret)
				goto out;
		}
	}
out:
	free(key);
	free(next);
	return ret;
}

int rt__snapshot(struct rt *rt, struct trace *t)
{
	int fd_counts = bpf_map__fd(rt->skel->maps.counts);
	int fd_tcounts = bpf_map__fd(rt->skel->maps.tuple_counts);
	int fd_sites = bpf_map__fd(rt->skel->maps.sites);
	struct sf_count_key key, next, *prev = NULL;
	struct sf_site_key skey, snext, *sprev = NULL;
	uint64_t *vals;
	int ret = 0;

	if (!rt->legacy_attribution)
		t->flags |= TRACE_F_RUNTIME_BUCKETS;
	t->flags |= TRACE_F_MEM_ARGS;
	/* Events first: libraries first seen by processes that already exited
	 * are described by them. */
	rt__poll(rt, 0);
	vals = calloc((size_t)rt->ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	while (!bpf_map_get_next_key(fd_counts, prev, &next)) {
		uint64_t sum = 0, args[TRACE_NARGS];
		uint32_t slot;
		int li;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd_counts, &key, &slot) ||
		    bpf_map_lookup_elem(fd_tcounts, &slot, vals))
			continue;
		for (int c = 0; c < rt->ncpus; c++)
			sum += vals[c];
		li = trace_lib_of(rt, t, key.dev, key.ino, 0);
		if (li < 0) {
			ret = li;
			goto out;
		}
		for (int a = 0; a < TRACE_NARGS; a++)
			args[a] = key.arg[a];
		ret = trace__add_tuple(t, (uint32_t)li, key.nr, args, sum);
		if (ret)
			goto out;
	}
	while (!bpf_map_get_next_key(fd_sites, sprev, &snext)) {
		struct sf_site_val sv;
		char sym[256];
		int li;

		skey = snext;
		sprev = &skey;
		if (bpf_map_lookup_elem(fd_sites, &skey, &sv))
			continue;
		li = trace_lib_of(rt, t, skey.dev, skey.ino, sv.tgid);
		if (li < 0) {
			ret = li;
			goto out;
		}
		site_symbol(rt, skey.dev, skey.ino, sv.off, sym, sizeof(sym));
		ret = trace__add_site(t, (uint32_t)li, skey.nr, sv.off, sym[0] ? sym : NULL);
		if (ret)
			goto out;
	}
	ret = snapshot_objects(rt, t);
	if (ret)
		goto out;
	for (int i = 0; i < rt->ntransparent; i++) {
		ret = trace__add_transparent(t, rt->transparent[i]);
		if (ret)
			goto out;
	}
	{
		uint64_t st[SF_STAT__COUNT];

		if (!rt__stats(rt, st)) {
			t->nstats = SF_STAT__COUNT < TRACE_NSTATS ? SF_STAT__COUNT : TRACE_NSTATS;
			for (uint32_t i = 0; i < t->nstats; i++)
				t->stats[i] = st[i];
		}
	}
out:
	free(vals);
	return ret;
}

/* ---- the gate's supervisor (tracer/gate.c) ------------------------------------------ */
int rt__task_regs(struct rt *rt, pid_t tid, struct sf_task_regs *out)
{
	/* A syscall program's context is copied back to ctx_in. */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = out, .ctx_size_in = sizeof(*out));

	memset(out, 0, sizeof(*out));
	out->tid = (uint32_t)tid;
	if (bpf_prog_test_run_opts(bpf_program__fd(rt->skel->progs.sf_task_regs), &opts))
		return -errno;
	return out->ok ? 0 : -ESRCH;
}

int rt__map_fd(struct rt *rt, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(rt->skel->obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}
