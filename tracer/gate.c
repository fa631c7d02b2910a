// SPDX-License-Identifier: GPL-2.0
/* gate.c - the pre-effect gate's supervisor (see gate.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <linux/seccomp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cfi.h"
#include "cmd.h"
#include "enforce.h"
#include "gate.h"
#include "log.h"
#include "rt.h"
#include "sf_args.h"
#include "syscalls.h"

/* A transparent library: its CFI rows as loaded in the BPF maps. */
struct gate_cfi {
	uint64_t ino;
	uint32_t dev, flags;
	struct cfi_table t;
};

struct gate_map {
	uint64_t start, end, base, ino;
	uint32_t dev;
	int exec;
	char path[256];
};

struct gate {
	struct rt *rt;
	struct enforce_report *report;
	int listener;
	int stop_pipe[2];
	pthread_t thread;
	int fd_tracked, fd_rules, fd_plibs, fd_config, fd_nr_action;
	struct gate_cfi *cfi;
	size_t ncfi;
	struct gate_map *maps;
	size_t nmaps, capmaps;
	struct gate_stats st;
	unsigned test_delay_ms; /* SF_GATE_TEST_DELAY_MS (tests only) */
};

/* ---- the CFI tables, read back from the BPF object --------------------------------- */
static int load_cfi(struct gate *g)
{
	int fd_libs = rt__map_fd(g->rt, "cfi_libs"), fd_rows = rt__map_fd(g->rt, "cfi_rows");
	struct sf_lib_id key, next, *prev = NULL;

	if (fd_libs < 0 || fd_rows < 0)
		return -ENOENT;
	while (!bpf_map_get_next_key(fd_libs, prev, &next)) {
		struct sf_cfi_lib lib;
		struct gate_cfi *c, *grown;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd_libs, &key, &lib))
			continue;
		grown = realloc(g->cfi, (g->ncfi + 1) * sizeof(*g->cfi));
		if (!grown)
			return -ENOMEM;
		g->cfi = grown;
		c = &g->cfi[g->ncfi];
		memset(c, 0, sizeof(*c));
		c->ino = key.ino;
		c->dev = key.dev;
		c->flags = lib.flags;
		c->t.rows = calloc(lib.count ? lib.count : 1, sizeof(*c->t.rows));
		if (!c->t.rows)
			return -ENOMEM;
		for (uint32_t i = 0; i < lib.count; i++) {
			uint32_t idx = lib.first + i;

			if (bpf_map_lookup_elem(fd_rows, &idx, &c->t.rows[i]))
				return -errno;
		}
		c->t.nrows = lib.count;
		g->ncfi++;
	}
	return 0;
}

static const struct gate_cfi *cfi_of(const struct gate *g, uint32_t dev, uint64_t ino)
{
	for (size_t i = 0; i < g->ncfi; i++)
		if (g->cfi[i].ino == ino && g->cfi[i].dev == dev)
			return &g->cfi[i];
	return NULL;
}

/* ---- the target's mappings and memory ------------------------------------------------ */
static int read_maps(struct gate *g, pid_t tid)
{
	char fn[64], line[512 + 256];
	FILE *f;

	snprintf(fn, sizeof(fn), "/proc/%d/maps", tid);
	f = fopen(fn, "re");
	if (!f)
		return -errno;
	g->nmaps = 0;
	while (fgets(line, sizeof(line), f)) {
		struct gate_map m = {};
		unsigned long long start, end, off, ino;
		unsigned maj, min;
		char perms[8];
		int pos = 0;

		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &off,
			   &maj, &min, &ino, &pos) < 7)
			continue;
		if (g->nmaps == g->capmaps) {
			size_t cap = g->capmaps ? g->capmaps * 2 : 256;
			struct gate_map *grown = realloc(g->maps, cap * sizeof(*grown));

			if (!grown) {
				fclose(f);
				return -ENOMEM;
			}
			g->maps = grown;
			g->capmaps = cap;
		}
		m.start = start;
		m.end = end;
		m.base = start - off;
		m.ino = ino;
		m.dev = (maj << 20) | min; /* the kernel's s_dev, as BPF keys it */
		m.exec = perms[2] == 'x';
		if (pos > 0) {
			snprintf(m.path, sizeof(m.path), "%s", line + pos);
			m.path[strcspn(m.path, "\n")] = 0;
		}
		g->maps[g->nmaps++] = m;
	}
	fclose(f);
	return 0;
}

static const struct gate_map *map_of(const struct gate *g, uint64_t addr)
{
	for (size_t i = 0; i < g->nmaps; i++)
		if (addr >= g->maps[i].start && addr < g->maps[i].end)
			return &g->maps[i];
	return NULL;
}

static int read_remote(void *ctx, uint64_t addr, uint64_t *val)
{
	pid_t tid = *(pid_t *)ctx;
	struct iovec local = { val, 8 }, remote = { (void *)(uintptr_t)addr, 8 };

	return process_vm_readv(tid, &local, 1, &remote, 1, 0) == 8 ? 0 : -EFAULT;
}

/* ---- the unwinder: bpf/sysfence.bpf.c's loop over unwind_step, with
 * cfi__unwind_step (tracer/cfi.c, the reference the BPF step mirrors) for
 * the CFA rules.  Buckets and ends as the BPF program assigns them. ----- */
static void finish(struct gate_attr *a, uint32_t bucket)
{
	a->bucket = bucket;
	a->ino = bucket;
	a->dev = 0;
	a->path[0] = 0;
}

static void unwind(const struct gate *g, pid_t tid, const struct sf_task_regs *tr,
		   struct gate_attr *a)
{
	struct cfi_regs r = { .ip = tr->ip, .sp = tr->sp, .bp = tr->bp, .di = tr->di };

	memset(a, 0, sizeof(*a));
	for (uint32_t index = 0; index < SF_MAX_FRAMES; index++) {
		uint64_t lookup_ip = index ? r.ip - 1 : r.ip - 2;
		const struct gate_map *m = map_of(g, lookup_ip);
		const struct gate_cfi *lib;
		int ldso;

		a->depth = index;
		if (!m || !m->exec)
			return finish(a, SF_BUCKET_UNWIND_FAILED);
		if (!m->ino && !m->dev)
			return finish(a, SF_BUCKET_ANON_EXEC);
		lib = cfi_of(g, m->dev, m->ino);
		if (!lib) {
			/* First frame outside the transparent libraries. */
			a->ino = m->ino;
			a->dev = m->dev;
			a->off = r.ip - m->base;
			a->bucket = 0;
			snprintf(a->path, sizeof(a->path), "%s", m->path);
			return;
		}
		ldso = !!(lib->flags & SF_LIB_LDSO);
		switch (cfi__unwind_step(&lib->t, r.ip - m->base, index == 0, &r, read_remote,
					 &tid)) {
		case CFI_STEP_OK:
			if (!r.ip) /* RA 0: outermost frame */
				return finish(a, ldso ? SF_BUCKET_LDSO_STARTUP
						      : SF_BUCKET_LIBC_RUNTIME);
			break;
		case CFI_STEP_END:
			return finish(a, ldso ? SF_BUCKET_LDSO_STARTUP : SF_BUCKET_LIBC_RUNTIME);
		case CFI_STEP_NO_CFI:
			return finish(a, ldso ? SF_BUCKET_LDSO_STARTUP : SF_BUCKET_UNWIND_FAILED);
		case CFI_STEP_RUNTIME:
			/* a libc runtime function (allocator, stdio, locale):
			 * its class's bucket, as the BPF step decides */
			if (r.rt && r.rt < SF_RT__COUNT)
				return finish(a, SF_RT_BUCKET(r.rt));
			return finish(a, SF_BUCKET_UNWIND_FAILED);
		default:
			return finish(a, SF_BUCKET_UNWIND_FAILED);
		}
	}
	a->depth = SF_MAX_FRAMES;
	finish(a, SF_BUCKET_UNWIND_FAILED);
}

/* ---- the decision: judge() of bpf/sysfence.bpf.c over the same maps ---------------- */
static uint32_t judge(const struct gate *g, const struct gate_attr *a, uint32_t nr,
		      const __u64 arg[SF_NARGS], uint32_t policy, uint32_t cfg_flags,
		      uint32_t *lib_action)
{
	struct sf_rule_key rk = { .ino = a->ino, .dev = a->dev, .nr = nr, .policy = policy };
	struct sf_plib_key pk = { .ino = a->ino, .dev = a->dev, .policy = policy };
	struct sf_rule rule;
	uint32_t la;
	int have_la, have_rule;

	if (a->bucket == SF_BUCKET_UNWIND_FAILED || a->bucket == SF_BUCKET_VMA_UNKNOWN) {
		if (cfg_flags & SF_CFG_STRICT)
			return SF_VIOL_UNATTRIBUTED;
		rk.ino = SF_UNION_INO;
		pk.ino = SF_UNION_INO;
	}
	have_la = !bpf_map_lookup_elem(g->fd_plibs, &pk, &la);
	if (have_la)
		*lib_action = la;
	have_rule = !bpf_map_lookup_elem(g->fd_rules, &rk, &rule);
	return sf_decide(have_la ? &la : NULL, have_rule ? &rule : NULL, arg);
}

/* Normalised selected arguments (read_args of the BPF program).  __u64,
 * the type sf_decide reads (uint64_t is another type: no aliasing). */
static void norm_args(uint32_t nr, const uint64_t raw[6], __u64 arg[SF_NARGS])
{
	arg[0] = arg[1] = 0;
	if (nr >= SF_ARGSPEC_NR_MAX)
		return;
	for (int s = 0; s < SF_ARG_SLOTS && s < SF_NARGS; s++) {
		const struct sf_argslot *sl = &sf_argspecs[nr].slot[s];

		/* SF_ARGF_MEM slots (clone3) are never gated: no gate case
		 * reads memory */
		if (sl->kind != SF_ARGK_NONE && sl->idx < 6 && !(sl->flags & SF_ARGF_MEM))
			arg[s] = raw[sl->idx] & sl->mask;
	}
}

/* ---- answering --------------------------------------------------------------------------- */
static int id_valid(const struct gate *g, uint64_t id)
{
	return ioctl(g->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static void respond(const struct gate *g, uint64_t id, int error)
{
	struct seccomp_notif_resp resp = { .id = id };

	if (error)
		resp.error = -error;
	else
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the thread was killed meanwhile; nothing runs then. */
	(void)ioctl(g->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static void read_comm(pid_t tid, char comm[SF_COMM_LEN])
{
	char fn[64];
	ssize_t n = -1;
	int fd;

	memset(comm, 0, SF_COMM_LEN);
	snprintf(fn, sizeof(fn), "/proc/%d/comm", tid);
	fd = open(fn, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, comm, SF_COMM_LEN - 1);
		close(fd);
	}
	if (n > 0)
		comm[strcspn(comm, "\n")] = 0;
}

static void handle(struct gate *g, const struct seccomp_notif *req)
{
	pid_t tid = (pid_t)req->pid;
	struct sf_task_regs tr;
	struct sf_proc proc;
	struct sf_config cfg = {};
	struct gate_attr a;
	uint64_t raw[6];
	__u64 arg[SF_NARGS];
	uint32_t policy = 1, reason, lib_action = 0, action, key = 0, na = 0;
	int pidfd = -1;

	if (g->test_delay_ms) {
		struct timespec ts = { g->test_delay_ms / 1000,
				       (long)(g->test_delay_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (!tid || rt__task_regs(g->rt, tid, &tr) || tr.nr != (uint64_t)(int64_t)req->data.nr ||
	    tr.ip != req->data.instruction_pointer) {
		if (!id_valid(g, req->id)) {
			g->st.gone++;
			return;
		}
		/* A live thread whose state we cannot read: fail closed. */
		g->st.failed++;
		log_warn("gate: cannot read the registers of tid %d: %s denied", tid,
			 syscall__name(req->data.nr) ? syscall__name(req->data.nr) : "call");
		respond(g, req->id, EPERM);
		return;
	}
	key = tr.tgid;
	if (!bpf_map_lookup_elem(g->fd_tracked, &key, &proc)) {
		/* sysfence's own launcher, before its exec of the target: not
		 * the target yet (the BPF side ignores it too). */
		if (proc.flags & SF_PROC_PENDING_EXEC) {
			if (id_valid(g, req->id)) {
				g->st.allowed++;
				respond(g, req->id, 0);
			}
			return;
		}
		policy = proc.policy;
	}
	key = 0;
	bpf_map_lookup_elem(g->fd_config, &key, &cfg);
	for (int i = 0; i < 6; i++)
		raw[i] = req->data.args[i];
	norm_args((uint32_t)req->data.nr, raw, arg);
	if (read_maps(g, tid)) {
		a = (struct gate_attr){};
		finish(&a, SF_BUCKET_VMA_UNKNOWN);
	} else {
		unwind(g, tid, &tr, &a);
	}
	reason = judge(g, &a, (uint32_t)req->data.nr, arg, policy, cfg.flags, &lib_action);
	action = lib_action ? lib_action : cfg.action;
	key = (uint32_t)req->data.nr;
	if (key < SF_NR_ACTIONS && !bpf_map_lookup_elem(g->fd_nr_action, &key, &na) && na)
		action = na;
	if (log_level >= LOG_DEBUG)
		log_debug("gate: tid %d %s from %s+0x%" PRIx64 " (bucket %u, depth %u): %s", tid,
			  syscall__name(req->data.nr) ? syscall__name(req->data.nr) : "?",
			  a.path[0] ? a.path : "[bucket]", a.off, a.bucket, a.depth,
			  reason ? "violation" : "allowed");
	if (reason && action != SF_ACT_LOG)
		pidfd = (int)syscall(SYS_pidfd_open, (pid_t)tr.tgid, 0);
	/* Everything above read the thread's state: only now is it known to
	 * be the thread that is still waiting (not a reused tid). */
	if (!id_valid(g, req->id)) {
		if (pidfd >= 0)
			close(pidfd);
		g->st.gone++;
		return;
	}
	if (!reason) {
		g->st.allowed++;
		respond(g, req->id, 0);
		return;
	}
	if (action == SF_ACT_LOG) {
		/* Report only: the call runs and the BPF side reports it at
		 * sys_enter, as for any other call. */
		g->st.logged++;
		respond(g, req->id, 0);
		return;
	}
	/* Report first, while the thread still waits (its comm is readable,
	 * and the violation is counted before its process can be seen to
	 * end); then kill (the pidfd was opened while the id was valid, so
	 * it is the caller's process) and deny: the call never runs. */
	{
		struct sf_event_violation ev = {};

		ev.hdr.type = SF_EV_VIOLATION;
		ev.hdr.tgid = tr.tgid;
		ev.hdr.pid = (uint32_t)tid;
		ev.hdr.ts = clock_ns(CLOCK_MONOTONIC);
		ev.ino = a.ino;
		ev.dev = a.dev;
		ev.nr = (uint32_t)req->data.nr;
		ev.arg[0] = arg[0];
		ev.arg[1] = arg[1];
		ev.off = a.off;
		ev.reason = reason;
		ev.action = action;
		ev.policy = policy;
		ev.bucket = a.bucket;
		read_comm(tid, ev.comm);
		enforce__report_gate(g->report, &ev, a.path[0] ? a.path : NULL);
	}
	if (pidfd >= 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	respond(g, req->id, EPERM);
	if (pidfd >= 0)
		close(pidfd);
	g->st.denied++;
}

static void *supervise(void *arg)
{
	struct gate *g = arg;
	struct seccomp_notif req;

	for (;;) {
		struct pollfd p[2] = { { .fd = g->listener, .events = POLLIN },
				       { .fd = g->stop_pipe[0], .events = POLLIN } };
		uint64_t t0;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break; /* every filter user is gone */
		memset(&req, 0, sizeof(req));
		if (ioctl(g->listener, SECCOMP_IOCTL_NOTIF_RECV, &req)) {
			if (errno == EINTR || errno == ENOENT)
				continue; /* ENOENT: the caller died meanwhile */
			log_warn("gate: receiving a paused call: %s", strerror(errno));
			break;
		}
		t0 = clock_ns(CLOCK_MONOTONIC);
		g->st.notifications++;
		handle(g, &req);
		g->st.ns_total += clock_ns(CLOCK_MONOTONIC) - t0;
	}
	return NULL;
}

struct gate *gate__start(struct rt *rt, struct enforce_report *report, int listener)
{
	struct gate *g = calloc(1, sizeof(*g));
	const char *delay = getenv("SF_GATE_TEST_DELAY_MS");
	int ret;

	if (!g) {
		close(listener);
		errno = ENOMEM;
		return NULL;
	}
	g->rt = rt;
	g->report = report;
	g->listener = listener;
	g->stop_pipe[0] = g->stop_pipe[1] = -1;
	if (delay)
		g->test_delay_ms = (unsigned)strtoul(delay, NULL, 10);
	g->fd_tracked = rt__map_fd(rt, "tracked");
	g->fd_rules = rt__map_fd(rt, "rules");
	g->fd_plibs = rt__map_fd(rt, "policy_libs");
	g->fd_config = rt__map_fd(rt, "sf_config_map");
	g->fd_nr_action = rt__map_fd(rt, "nr_action");
	if (g->fd_tracked < 0 || g->fd_rules < 0 || g->fd_plibs < 0 || g->fd_config < 0 ||
	    g->fd_nr_action < 0) {
		ret = -ENOENT;
		log_err("gate: a map of the BPF object is missing");
		goto fail;
	}
	ret = load_cfi(g);
	if (ret) {
		log_err("gate: cannot read the CFI tables back: %s", strerror(-ret));
		goto fail;
	}
	if (pipe2(g->stop_pipe, O_CLOEXEC)) {
		ret = -errno;
		goto fail;
	}
	ret = -pthread_create(&g->thread, NULL, supervise, g);
	if (ret) {
		log_err("gate: cannot start the supervisor thread: %s", strerror(-ret));
		goto fail;
	}
	return g;
fail:
	g->thread = 0;
	gate__stop(g, NULL);
	errno = -ret;
	return NULL;
}

void gate__stop(struct gate *g, struct gate_stats *st)
{
	if (!g)
		return;
	if (g->thread) {
		if (write(g->stop_pipe[1], "x", 1) < 0)
			log_warn("gate: cannot stop the supervisor: %s", strerror(errno));
		pthread_join(g->thread, NULL);
	}
	if (st)
		*st = g->st;
	if (g->listener >= 0)
		close(g->listener);
	for (int i = 0; i < 2; i++)
		if (g->stop_pipe[i] >= 0)
			close(g->stop_pipe[i]);
	for (size_t i = 0; i < g->ncfi; i++)
		free(g->cfi[i].t.rows);
	free(g->cfi);
	free(g->maps);
	free(g);
}

/* ---- BPF-LSM probe -------------------------------------------------------------------------- */
int gate__probe_lsm(char *why, size_t len)
{
	/* r0 = 0; exit: the smallest LSM program (allow). */
	static const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int id = libbpf_find_vmlinux_btf_id("file_open", BPF_LSM_MAC), fd;
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_LSM_MAC);

	if (id < 0) {
		snprintf(why, len, "no BTF id for bpf_lsm_file_open: %s", strerror(-id));
		return 0;
	}
	o.attach_btf_id = (uint32_t)id;
	fd = bpf_prog_load(BPF_PROG_TYPE_LSM, "sf_lsm_probe", "GPL", insns, 2, &o);
	if (fd < 0) {
		snprintf(why, len, "load refused: %s", strerror(errno));
		return 0;
	}
	close(fd);
	snprintf(why, len, "an lsm program loads (attach not tried)");
	return 1;
}
