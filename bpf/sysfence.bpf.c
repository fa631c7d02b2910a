// SPDX-License-Identifier: GPL-2.0
/*
 * sysfence.bpf.c - the one BPF object of sysfence.
 *
 * sys_enter of a tracked process: find the calling library (first frame
 * outside the transparent libraries, unwound with CFA rows from .eh_frame),
 * then, by config.mode, count the (library, syscall, args) tuple (learn) or
 * judge it (enforce).  fork/exec/exit tracepoints keep the tracked set.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "sysfence.h"
#include "sf_args.h"

char LICENSE[] SEC("license") = "GPL";

#define EBUSY 16
#define VM_EXEC 0x00000004UL
#define PAGE_SHIFT 12

/* ---- maps ------------------------------------------------------------------ */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sf_config);
} sf_config_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SF_MAX_TRACKED);
	__type(key, __u32);
	__type(value, struct sf_proc);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SF_MAX_COUNTS);
	__type(key, struct sf_count_key);
	__type(value, __u32);
} counts SEC(".maps");

/* Calls per tuple, at the slot "counts" gives it (user space sets both
 * sizes together, --max-tuples). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SF_MAX_COUNTS);
	__type(key, __u32);
	__type(value, __u64);
} tuple_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SF_MAX_SITES);
	__type(key, struct sf_site_key);
	__type(value, struct sf_site_val);
} sites SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SF_MAX_VMA_CACHE);
	__type(key, struct sf_vma_key);
	__type(value, struct sf_vma_val);
} vma_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SF_MAX_CFI_ROWS);
	__type(key, __u32);
	__type(value, struct sf_cfi_row);
} cfi_rows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SF_MAX_CFI_LIBS);
	__type(key, struct sf_lib_id);
	__type(value, struct sf_cfi_lib);
} cfi_libs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SF_MAX_SEEN_LIBS);
	__type(key, struct sf_lib_id);
	__type(value, __u8);
} seen_libs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct sf_lib_id);
	__type(value, __u32);
} exec_watch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sf_ucache);
} ucache SEC(".maps");
/* a per-CPU map value is at most 32 KiB (PCPU_MIN_UNIT_SIZE) */
_Static_assert(sizeof(struct sf_ucache) <= 32768, "ucache value too large for a per-CPU array");

/* Re-read span of a cache entry's stack words (see SF_UC_SPAN_MAX). */
struct uspan_buf {
	__u64 w[SF_UC_SPAN_MAX / 8];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct uspan_buf);
} uspan SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SF_MAX_RULES);
	__type(key, struct sf_rule_key);
	__type(value, struct sf_rule);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SF_MAX_POLICY_LIBS);
	__type(key, struct sf_plib_key);
	__type(value, __u32);
} policy_libs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SF_MAX_VIOL_KEYS);
	__type(key, struct sf_viol_key);
	__type(value, struct sf_viol_val);
} viol_agg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SF_NR_ACTIONS);
	__type(key, __u32);
	__type(value, __u32);
} nr_action SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SF_STAT__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SF_RINGBUF_BYTES);
} events SEC(".maps");

/* Source of address-space ids (0 is never used). */
__u64 asid_next = 0;

static __always_inline __u64 new_asid(void)
{
	return __sync_fetch_and_add(&asid_next, 1) + 1;
}

/* Moves after every write of the "tracked" hash (an entry created,
 * changed or deleted): the per-CPU copies of sf_proc (struct sf_ucache)
 * taken before it are stale.  Bumped after the write, so a copy that read
 * the new epoch read the written entry. */
__u64 proc_epoch = 0;

static __always_inline void procs_changed(void)
{
	__sync_fetch_and_add(&proc_epoch, 1);
}

/* Destination of user-memory reads.  Not the BPF stack: with hardened
 * usercopy, a copy into a kernel stack buffer walks the stack frames to
 * check it (check_stack_object), which measured ~100 ns per 8-byte read;
 * a map value skips that walk. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} uread SEC(".maps");

/* Bitmap over tgids in front of the "tracked" hash: an untracked process
 * pays one inlined array lookup, not a hash lookup. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SF_TRACKED_BITMAP_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} tracked_bits SEC(".maps");

/* ---- small helpers ------------------------------------------------------------ */
static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		(*v)++;
}

static __always_inline int read_user_word(__u64 addr, __u64 *out)
{
	__u32 zero = 0;
	__u64 *buf = bpf_map_lookup_elem(&uread, &zero);

	if (!buf || bpf_probe_read_user(buf, sizeof(*buf), (void *)addr))
		return -1;
	*out = *buf;
	return 0;
}

static __always_inline int maybe_tracked(__u32 tgid)
{
	__u32 w = tgid / 64;
	__u64 *bits = bpf_map_lookup_elem(&tracked_bits, &w);

	return bits && (*bits & (1ULL << (tgid % 64)));
}

static __always_inline void mark_tracked(__u32 tgid, int on)
{
	__u32 w = tgid / 64;
	__u64 *bits = bpf_map_lookup_elem(&tracked_bits, &w);

	if (!bits)
		return;
	if (on)
		__sync_fetch_and_or(bits, 1ULL << (tgid % 64));
	else
		__sync_fetch_and_and(bits, ~(1ULL << (tgid % 64)));
	/* every creation and deletion of a "tracked" entry (BPF or user
	 * space, sf_mark_tracked) ends here */
	procs_changed();
}

static __always_inline struct sf_config *get_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sf_config_map, &zero);
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sf_event_file);
} file_scratch SEC(".maps");

/* Path walk state for bpf_loop: kernel pointers kept as plain numbers. */
struct path_walk {
	__u64 dentry;
	__u64 mnt;   /* struct mount * */
	__u32 n;
	__u32 dst;   /* enum walk_dst: whose scratch the names go to */
};

/* The two walks: a mapped file's path (file_scratch's name[]) and the
 * base directory of a relative path (obj_scratch's base[], declared
 * below); both are [SF_PATH_COMPONENTS][SF_NAME_LEN], leaf first. */
enum walk_dst { WALK_FILE = 0, WALK_OBJ_BASE = 1 };

static __always_inline char (*walk_names(__u32 dst))[SF_NAME_LEN];

/* One step of the dentry walk: add a component (leaf first) or cross a
 * mount point.  Runs under bpf_loop so the verifier sees it once. */
static long path_step(__u64 index, void *ctx)
{
	struct path_walk *w = ctx;
	struct dentry *dentry = (struct dentry *)w->dentry;
	struct mount *mnt = (struct mount *)w->mnt;
	struct dentry *root = BPF_CORE_READ(mnt, mnt.mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	char (*names)[SF_NAME_LEN];
	__u32 n = w->n;

	if (dentry == root || dentry == parent) {
		struct mount *mparent = BPF_CORE_READ(mnt, mnt_parent);

		if (mparent == mnt || !mparent)
			return 1;
		w->dentry = (__u64)BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = (__u64)mparent;
		return 0;
	}
	if (n >= SF_PATH_COMPONENTS) {
		w->n = SF_PATH_COMPONENTS + 1; /* truncated */
		return 1;
	}
	names = walk_names(w->dst);
	if (!names)
		return 1;
	bpf_probe_read_kernel_str(names[n & (SF_PATH_COMPONENTS - 1)], SF_NAME_LEN,
				  BPF_CORE_READ(dentry, d_name.name));
	w->n = n + 1;
	w->dentry = (__u64)parent;
	return 0;
}

/* A global function: verified once on its own, so the path walk does not
 * multiply the unwinder's verifier states.  Rare (first sight of a file). */
__noinline int emit_file_event(__u32 type, __u64 file, __u64 ino, __u32 dev, __u64 map_start)
{
	__u32 zero = 0;
	struct sf_event_file *ev = bpf_map_lookup_elem(&file_scratch, &zero);
	__u64 id = bpf_get_current_pid_tgid();

	if (!ev)
		return 0;
	ev->hdr.type = type;
	ev->hdr.tgid = id >> 32;
	ev->hdr.pid = (__u32)id;
	ev->hdr.ppid = 0;
	ev->hdr.ts = bpf_ktime_get_ns();
	ev->ino = ino;
	ev->dev = dev;
	ev->map_start = map_start;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	ev->ncomp = 0;
	if (file) {
		struct file *f = (struct file *)file;
		struct vfsmount *vfsmnt = BPF_CORE_READ(f, f_path.mnt);
		struct path_walk w = {
			.dentry = (__u64)BPF_CORE_READ(f, f_path.dentry),
			.mnt = (__u64)container_of(vfsmnt, struct mount, mnt),
			.dst = WALK_FILE,
		};

		bpf_loop(SF_PATH_COMPONENTS + 8, path_step, &w, 0);
		ev->ncomp = w.n;
	}
	if (bpf_ringbuf_output(&events, ev, sizeof(*ev), 0))
		stat_inc(SF_STAT_EVENTS_DROPPED);
	return 0;
}

static __always_inline void emit_simple_event(__u32 type, __u32 tgid, __u32 ppid)
{
	struct sf_event_hdr *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);

	if (!ev) {
		stat_inc(SF_STAT_EVENTS_DROPPED);
		return;
	}
	ev->type = type;
	ev->tgid = tgid;
	ev->pid = tgid;
	ev->ppid = ppid;
	ev->ts = bpf_ktime_get_ns();
	bpf_ringbuf_submit(ev, 0);
}

/* ---- mapping lookup: cache first, bpf_find_vma on a miss ------------------- */
struct vma_found {
	__u64 ino;
	__u64 base;
	__u64 start;
	__u64 file;   /* struct file * (only for the first-sight event) */
	__u32 dev;
	__u32 flags;
	__u32 exec;
	__u32 pad;
};

static long find_vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct vma_found *f = data;
	struct file *file = vma->vm_file;

	f->start = vma->vm_start;
	f->exec = !!(vma->vm_flags & VM_EXEC);
	/* As a plain number: the pointer is only dereferenced (nofault) by the
	 * first-sight event, which user space verifies by stat(). */
	bpf_probe_read_kernel(&f->file, sizeof(f->file), &vma->vm_file);
	if (!file) {
		f->flags = SF_VMA_ANON;
		f->ino = 0;
		f->dev = 0;
		f->base = vma->vm_start;
		return 0;
	}
	f->flags = 0;
	f->ino = BPF_CORE_READ(file, f_inode, i_ino);
	f->dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
	f->base = vma->vm_start - (vma->vm_pgoff << PAGE_SHIFT);
	return 0;
}

/* Returns 0 and fills *out, or a bucket id when the address has no usable
 * mapping. */
static long spin_cb(__u64 index, void *ctx)
{
	return 0;
}

/* Cache miss: ask the kernel.  A global function, so the verifier checks
 * the retry loop once and not inside every unwinder state.  Fills *out and
 * the cache; returns 0 or a bucket id. */
__noinline int resolve_mapping(__u64 asid, __u64 addr, struct sf_vma_val *out)
{
	struct sf_vma_key key = { .asid = asid, .page = addr >> PAGE_SHIFT };
	struct task_struct *task = bpf_get_current_task_btf();
	struct vma_found f = {};
	long err;

	if (!out)
		return SF_BUCKET_UNWIND_FAILED;
	/* find_vma only try-locks mmap_lock.  Under mmap/munmap contention
	 * the lock is taken about half the time: retry with short spins in
	 * between so the attempts do not all fall in one writer's section. */
	err = bpf_find_vma(task, addr, find_vma_cb, &f, 0);
	for (int i = 0; i < SF_FIND_VMA_RETRIES && err == -EBUSY; i++) {
		stat_inc(SF_STAT_FIND_VMA_BUSY);
		bpf_loop(SF_FIND_VMA_SPIN << (i < 4 ? i : 4), spin_cb, NULL, 0);
		err = bpf_find_vma(task, addr, find_vma_cb, &f, 0);
	}
	if (err) {
		if (err == -EBUSY) {
			stat_inc(SF_STAT_FIND_VMA_BUSY);
			return SF_BUCKET_VMA_UNKNOWN;
		}
		stat_inc(SF_STAT_FIND_VMA_FAIL);
		return SF_BUCKET_UNWIND_FAILED;
	}
	if (!f.exec)
		return SF_BUCKET_UNWIND_FAILED; /* a "return address" in data */
	out->ino = f.ino;
	out->dev = f.dev;
	out->base = f.base;
	out->flags = f.flags;
	bpf_map_update_elem(&vma_cache, &key, out, BPF_ANY);

	if (f.file) {
		struct sf_lib_id id = { .ino = f.ino, .dev = f.dev };
		__u8 one = 1;

		if (!bpf_map_lookup_elem(&seen_libs, &id) &&
		    !bpf_map_update_elem(&seen_libs, &id, &one, BPF_NOEXIST))
			emit_file_event(SF_EV_NEW_LIB, f.file, f.ino, f.dev, f.start);
	}
	return 0;
}

static __always_inline int lookup_mapping(__u64 asid, __u64 addr, struct sf_vma_val *out)
{
	struct sf_vma_key key = { .asid = asid, .page = addr >> PAGE_SHIFT };
	struct sf_vma_val *hit;

	hit = bpf_map_lookup_elem(&vma_cache, &key);
	if (hit) {
		stat_inc(SF_STAT_VMA_CACHE_HIT);
		*out = *hit;
		return 0;
	}
	stat_inc(SF_STAT_VMA_CACHE_MISS);
	return resolve_mapping(asid, addr, out);
}

/* ---- the unwinder --------------------------------------------------------------- */
struct unwind {
	__u64 ip, sp, bp, di;
	__u64 ip0, sp0, bp0; /* registers at sys_enter (ip/sp/bp move) */
	__u64 asid;
	__u32 tgid, pad;
	/* inputs of this unwind, for the per-thread cache */
	__u64 rd_addr[SF_UC_READS];
	__u64 rd_val[SF_UC_READS];
	__u32 nreads;
	__u32 uncacheable;
	__u32 uses_bp;     /* the result depends on the rbp register at entry */
	__u32 bp_restored; /* u->bp now comes from the stack, not the register */
	/* result */
	__u64 ino;
	__u64 off;
	__u32 dev;
	__u32 depth;
	__u32 bucket;
	__u32 done;
};

/* Index of the last row with off <= file_off in [first, first + count), or
 * -1 when file_off precedes the library's first row.  A global function:
 * the verifier walks the search loop once, not in every unwinder state. */
__noinline int cfi_search(__u32 first, __u32 count, __u32 file_off)
{
	__u32 lo = 0, hi = count; /* invariant: answer in [lo - 1, hi) */

	for (int s = 0; s < SF_CFI_SEARCH_STEPS && lo < hi; s++) {
		__u32 mid = lo + (hi - lo) / 2;
		__u32 idx = first + mid;
		struct sf_cfi_row *row = bpf_map_lookup_elem(&cfi_rows, &idx);

		if (!row)
			return -1;
		if (row->off <= file_off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	return (int)(first + lo - 1);
}

static __always_inline void record_read(struct unwind *u, __u64 addr, __u64 val)
{
	__u32 n = u->nreads;

	if (n >= SF_UC_READS) {
		u->uncacheable = 1;
		return;
	}
	u->rd_addr[n] = addr;
	u->rd_val[n] = val;
	u->nreads = n + 1;
}

static __always_inline long finish(struct unwind *u, __u32 bucket)
{
	u->bucket = bucket;
	u->ino = bucket;
	u->dev = 0;
	u->done = 1;
	return 1;
}

static long unwind_step(__u64 index, void *ctx)
{
	struct unwind *u = ctx;
	struct sf_vma_val map;
	struct sf_lib_id id = {};
	struct sf_cfi_lib *lib;
	struct sf_cfi_row *row;
	__u64 lookup_ip, file_off, cfa, ra;
	int bucket, ridx;
	__u32 kind;

	/* Frame 0: ip is just past the 2-byte syscall instruction, which may
	 * end its FDE; deeper, ip is a return address: look up the call. */
	lookup_ip = index ? u->ip - 1 : u->ip - 2;
	bucket = lookup_mapping(u->asid, lookup_ip, &map);
	if (bucket) {
		u->uncacheable = 1; /* may be transient (EBUSY) */
		return finish(u, bucket);
	}
	if (map.flags & SF_VMA_ANON)
		return finish(u, SF_BUCKET_ANON_EXEC);

	id.ino = map.ino;
	id.dev = map.dev;
	lib = bpf_map_lookup_elem(&cfi_libs, &id);
	if (!lib) {
		/* First frame outside the transparent libraries: the caller. */
		u->ino = map.ino;
		u->dev = map.dev;
		u->off = u->ip - map.base;
		u->depth = index;
		u->bucket = 0;
		u->done = 1;
		return 1;
	}

	file_off = lookup_ip - map.base;
	ridx = cfi_search(lib->first, lib->count, (__u32)file_off);
	kind = SF_CFA_NONE;
	row = NULL;
	if (ridx >= 0) {
		__u32 k = ridx;

		row = bpf_map_lookup_elem(&cfi_rows, &k);
		if (row)
			kind = row->kind;
	}
	/* A frame inside one of libc's runtime functions (allocator, stdio
	 * buffer set-up, locale loading): the call is libc's own work, not its
	 * caller's.  The innermost such frame decides. */
	if (row && row->rt && row->rt < SF_RT__COUNT)
		return finish(u, SF_RT_BUCKET(row->rt));

	switch (kind) {
	case SF_CFA_RSP:
		cfa = u->sp + row->cfa_off;
		break;
	case SF_CFA_RBP:
		cfa = u->bp + row->cfa_off;
		break;
	case SF_CFA_PLT:
		cfa = u->sp + 8 + (((u->ip & 15) >= 11) ? 8 : 0);
		break;
	case SF_CFA_RA_RDI:
		/* glibc vfork: return address popped into rdi before syscall. */
		if (index != 0) {
			stat_inc(SF_STAT_UNWIND_FAILED);
			return finish(u, SF_BUCKET_UNWIND_FAILED);
		}
		u->sp += row->cfa_off;
		u->ip = u->di;
		u->uncacheable = 1; /* depends on rdi */
		return 0;
	case SF_CFA_END:
		return finish(u, (lib->flags & SF_LIB_LDSO) ? SF_BUCKET_LDSO_STARTUP
							    : SF_BUCKET_LIBC_RUNTIME);
	case SF_CFA_NONE:
		if (index == 0) {
			/* Leaf without CFI (e.g. clone's syscall after its FDE):
			 * the return address is on top of the stack. */
			cfa = u->sp + 8;
			row = NULL;
			break;
		}
		if (lib->flags & SF_LIB_LDSO)
			return finish(u, SF_BUCKET_LDSO_STARTUP);
		stat_inc(SF_STAT_UNWIND_FAILED);
		return finish(u, SF_BUCKET_UNWIND_FAILED);
	default:
		stat_inc(SF_STAT_UNWIND_FAILED);
		return finish(u, SF_BUCKET_UNWIND_FAILED);
	}

	if (kind == SF_CFA_RBP && !u->bp_restored)
		u->uses_bp = 1; /* CFA from the rbp register at sys_enter */
	if (read_user_word(cfa - 8, &ra)) {
		stat_inc(SF_STAT_UNWIND_FAILED);
		u->uncacheable = 1;
		return finish(u, SF_BUCKET_UNWIND_FAILED);
	}
	record_read(u, cfa - 8, ra);
	if (row && row->rbp_off) {
		__u64 bp;

		if (read_user_word(cfa + row->rbp_off, &bp)) {
			stat_inc(SF_STAT_UNWIND_FAILED);
			u->uncacheable = 1;
			return finish(u, SF_BUCKET_UNWIND_FAILED);
		}
		record_read(u, cfa + row->rbp_off, bp);
		u->bp = bp;
		u->bp_restored = 1;
	}
	if (!ra)
		return finish(u, (lib->flags & SF_LIB_LDSO) ? SF_BUCKET_LDSO_STARTUP
							    : SF_BUCKET_LIBC_RUNTIME);
	u->sp = cfa;
	u->ip = ra;
	return 0;
}

static __always_inline __u64 reg_arg(struct pt_regs *regs, __u32 idx)
{
	switch (idx) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

/* Normalised selected arguments (sf_args.h); registers, and memory behind
 * a pointer only for SF_ARGF_MEM slots (clone3's flags). */
static __always_inline void read_args(struct pt_regs *regs, __u32 nr, __u64 arg[SF_NARGS])
{
	const struct sf_argspec *spec;

	if (nr >= SF_ARGSPEC_NR_MAX)
		return;
	spec = &sf_argspecs[nr];
	for (int s = 0; s < SF_ARG_SLOTS && s < SF_NARGS; s++) {
		if (spec->slot[s].kind == SF_ARGK_NONE)
			continue;
		arg[s] = reg_arg(regs, spec->slot[s].idx);
		/* a value in memory (clone3's flags): unreadable is a value
		 * no rule allows (the kernel will fail the call too) */
		if (spec->slot[s].flags & SF_ARGF_MEM) {
			__u64 v = 0;

			if (bpf_probe_read_user(&v, sizeof(v), (void *)arg[s]))
				v = ~0ULL;
			arg[s] = v;
		}
		arg[s] &= spec->slot[s].mask;
	}
}

/* Next free slot of "tuple_counts" (slots lost to a creation race are
 * simply not used). */
__u32 tuple_next = 0;

/* One more call of the tuple at slot idx; 0 when idx is out of range. */
static __always_inline int tuple_inc(__u32 idx)
{
	__u64 *cnt = bpf_map_lookup_elem(&tuple_counts, &idx);

	if (!cnt)
		return 0;
	(*cnt)++;
	return 1;
}

/* Count the call; returns the tuple's slot + 1, or 0 when it could not be
 * counted (maps full). */
static __always_inline __u32 count_tuple(struct unwind *u, __u32 nr, const __u64 arg[SF_NARGS])
{
	struct sf_count_key key = {
		.ino = u->ino,
		.dev = u->dev,
		.nr = nr,
		.arg = { arg[0], arg[1] },
	};
	__u32 *slot, idx;
	__u64 *cnt;

	slot = bpf_map_lookup_elem(&counts, &key);
	if (slot) {
		idx = *slot; /* a tuple seen before */
		return tuple_inc(idx) ? idx + 1 : 0;
	}
	/* A new slot is counted before the key is published, so a snapshot
	 * never sees a tuple with no call. */
	idx = __sync_fetch_and_add(&tuple_next, 1);
	cnt = bpf_map_lookup_elem(&tuple_counts, &idx);
	if (cnt)
		(*cnt)++;
	if (!cnt || bpf_map_update_elem(&counts, &key, &idx, BPF_NOEXIST)) {
		if (cnt)
			(*cnt)--; /* the slot stays unused: nothing refers to it */
		/* Another CPU may have created it in between. */
		slot = bpf_map_lookup_elem(&counts, &key);
		if (slot) {
			idx = *slot;
			return tuple_inc(idx) ? idx + 1 : 0;
		}
		stat_inc(SF_STAT_COUNTS_FULL);
		return 0;
	}
	stat_inc(SF_STAT_NEW_TUPLES);

	/* First sight of this tuple: keep an example call site per (library,
	 * syscall) unless one is already kept. */
	if (!u->bucket) {
		struct sf_site_key sk = { .ino = u->ino, .dev = u->dev, .nr = nr };

		if (!bpf_map_lookup_elem(&sites, &sk)) {
			struct sf_site_val sv = {
				.off = u->off,
				.tgid = u->tgid,
				.depth = u->depth,
			};

			if (bpf_map_update_elem(&sites, &sk, &sv, BPF_NOEXIST) &&
			    !bpf_map_lookup_elem(&sites, &sk))
				stat_inc(SF_STAT_SITES_FULL);
		}
	}
	return idx + 1;
}

/* ---- enforcement ------------------------------------------------------------------- */
/* 0 = allowed, else enum sf_violation. */
static __always_inline __u32 judge(struct unwind *u, __u32 nr, const __u64 arg[SF_NARGS],
				   __u32 policy, __u32 cfg_flags, __u32 *lib_action)
{
	struct sf_rule_key rk = { .ino = u->ino, .dev = u->dev, .nr = nr, .policy = policy };
	struct sf_plib_key pk = { .ino = u->ino, .dev = u->dev, .policy = policy };
	struct sf_rule *rule;
	__u32 *la;

	if (u->bucket == SF_BUCKET_UNWIND_FAILED || u->bucket == SF_BUCKET_VMA_UNKNOWN) {
		if (cfg_flags & SF_CFG_STRICT)
			return SF_VIOL_UNATTRIBUTED;
		rk.ino = SF_UNION_INO;
		pk.ino = SF_UNION_INO;
	}
	la = bpf_map_lookup_elem(&policy_libs, &pk);
	if (!la)
		return SF_VIOL_UNKNOWN_LIB;
	*lib_action = *la;
	rule = bpf_map_lookup_elem(&rules, &rk);
	return sf_decide(la, rule, arg); /* shared with the gate (sf_args.h) */
}

/* Count a violation in viol_agg; 1 when it is the first of its key (or the
 * map is full, so that it is still sent), else 0. */
static __always_inline int viol_count(struct sf_viol_key *k, __u64 now)
{
	struct sf_viol_val *v = bpf_map_lookup_elem(&viol_agg, k), nv = {};

	if (v) {
		__sync_fetch_and_add(&v->count, 1);
		v->last_ts = now;
		return 0;
	}
	nv.count = 1;
	nv.first_ts = nv.last_ts = now;
	if (!bpf_map_update_elem(&viol_agg, k, &nv, BPF_NOEXIST))
		return 1;
	v = bpf_map_lookup_elem(&viol_agg, k);
	if (v) { /* another CPU created it in between */
		__sync_fetch_and_add(&v->count, 1);
		v->last_ts = now;
		return 0;
	}
	stat_inc(SF_STAT_VIOL_KEYS_FULL);
	return 1;
}

/* Report (and by its action, kill) a violation.  forced_action != 0: the
 * kernel already acted (the seccomp floor); record that, send nothing. */
static __always_inline void violation(struct unwind *u, struct sf_proc *proc,
				      struct sf_config *cfg, __u32 nr,
				      const __u64 arg[SF_NARGS], __u32 reason, __u32 lib_action,
				      __u32 forced_action)
{
	struct sf_event_violation *ev;
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct sf_viol_key vk = {};
	__u32 action = cfg->action, n, key = nr, flags = 0;
	__u32 *na = nr < SF_NR_ACTIONS ? bpf_map_lookup_elem(&nr_action, &key) : NULL;
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();

	if (lib_action)
		action = lib_action;
	if (na && *na)
		action = *na; /* per-syscall override wins */
	stat_inc(SF_STAT_VIOLATIONS);
	if (forced_action) {
		action = forced_action;
	} else if (action == SF_ACT_KILL || action == SF_ACT_KILL_ALL) {
		bpf_send_signal(9 /* SIGKILL */);
		stat_inc(SF_STAT_KILLS);
	}
	vk.exe_ino = BPF_CORE_READ(task, mm, exe_file, f_inode, i_ino);
	vk.exe_dev = BPF_CORE_READ(task, mm, exe_file, f_inode, i_sb, s_dev);
	vk.nr = nr;
	vk.ino = u->ino;
	vk.dev = u->dev;
	vk.arg[0] = arg[0];
	vk.arg[1] = arg[1];
	if (viol_count(&vk, now))
		flags |= SF_VF_FIRST;
	n = __sync_fetch_and_add(&proc->violations, 1);
	if (n >= cfg->report_limit)
		flags |= SF_VF_OVER_LIMIT;
	/* Past the limit, only a new distinct violation is sent (for the JSON
	 * log); repeats are counted in viol_agg. */
	if ((flags & SF_VF_OVER_LIMIT) && !(flags & SF_VF_FIRST)) {
		stat_inc(SF_STAT_VIOL_UNREPORTED);
		return;
	}
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		stat_inc(SF_STAT_EVENTS_DROPPED);
		stat_inc(SF_STAT_VIOL_UNREPORTED);
		return;
	}
	ev->hdr.type = SF_EV_VIOLATION;
	ev->hdr.tgid = id >> 32;
	ev->hdr.pid = (__u32)id;
	ev->hdr.ppid = 0;
	ev->hdr.ts = now;
	ev->ino = u->ino;
	ev->dev = u->dev;
	ev->nr = nr;
	ev->arg[0] = arg[0];
	ev->arg[1] = arg[1];
	ev->off = u->off;
	ev->reason = reason;
	ev->action = action;
	ev->policy = proc->policy;
	ev->bucket = u->bucket;
	ev->exe_ino = vk.exe_ino;
	ev->exe_dev = vk.exe_dev;
	ev->flags = flags;
	if (regs) {
		ev->regs[0] = BPF_CORE_READ(regs, di);
		ev->regs[1] = BPF_CORE_READ(regs, si);
		ev->regs[2] = BPF_CORE_READ(regs, dx);
		ev->regs[3] = BPF_CORE_READ(regs, r10);
		ev->regs[4] = BPF_CORE_READ(regs, r8);
		ev->regs[5] = BPF_CORE_READ(regs, r9);
	} else {
		for (int i = 0; i < 6; i++)
			ev->regs[i] = 0;
	}
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	bpf_ringbuf_submit(ev, 0);
}

/* ---- per-thread unwind cache ---------------------------------------------------- */
__noinline int uc_match(struct sf_uc_entry *e, struct unwind *u)
{
	if (!e || !u)
		return 0;
	if (!(e->flags & SF_UC_VALID) || e->asid != u->asid || e->ip != u->ip ||
	    e->sp != u->sp || ((e->flags & SF_UC_USES_BP) && e->bp != u->bp))
		return 0;
	if (e->span_len && e->nreads > 1) {
		/* every word in one user read (the words lie within
		 * SF_UC_SPAN_MAX bytes); a failed read is a miss, and the
		 * unwinder reads word by word */
		__u32 zero = 0, len = e->span_len;
		struct uspan_buf *b = bpf_map_lookup_elem(&uspan, &zero);

		if (!b || len > SF_UC_SPAN_MAX || len < 8 ||
		    bpf_probe_read_user(b, len, (void *)e->span_lo))
			return 0;
		for (int i = 0; i < SF_UC_READS; i++) {
			__u64 off;

			if (i >= e->nreads)
				break;
			off = e->addr[i] - e->span_lo;
			if (off > SF_UC_SPAN_MAX - 8 || (off & 7) ||
			    b->w[(off / 8) & (SF_UC_SPAN_MAX / 8 - 1)] != e->val[i])
				return 0;
		}
	} else {
		for (int i = 0; i < SF_UC_READS; i++) {
			__u64 v;

			if (i >= e->nreads)
				break;
			if (read_user_word(e->addr[i], &v) || v != e->val[i])
				return 0;
		}
	}
	u->ino = e->ino;
	u->dev = e->dev;
	u->off = e->off;
	u->bucket = e->bucket;
	u->depth = e->depth;
	u->done = 1;
	return 1;
}

__noinline int uc_store(struct sf_uc_entry *e, struct unwind *u)
{
	__u64 lo = ~0ULL, hi = 0;

	if (!e || !u)
		return 0;
	e->flags = 0; /* invalid while being rewritten */
	e->ok_valid = 0;
	e->cnt_valid = 0;
	if (u->uncacheable)
		return 0;
	e->asid = u->asid;
	e->ip = u->ip0;
	e->sp = u->sp0;
	e->bp = u->bp0;
	for (int i = 0; i < SF_UC_READS; i++) {
		e->addr[i] = u->rd_addr[i];
		e->val[i] = u->rd_val[i];
		if (i < u->nreads) {
			if (u->rd_addr[i] < lo)
				lo = u->rd_addr[i];
			if (u->rd_addr[i] > hi)
				hi = u->rd_addr[i];
		}
	}
	/* one read re-checks them all when they are close together and
	 * 8-byte aligned (stack slots at CFA offsets always are) */
	e->span_len = 0;
	e->span_lo = lo;
	if (u->nreads > 1 && hi - lo <= SF_UC_SPAN_MAX - 8 && !((hi | lo) & 7))
		e->span_len = hi - lo + 8;
	e->nreads = u->nreads;
	e->ino = u->ino;
	e->dev = u->dev;
	e->off = u->off;
	e->bucket = u->bucket;
	e->depth = u->depth;
	e->flags = SF_UC_VALID | (u->uses_bp ? SF_UC_USES_BP : 0);
	return 0;
}

/* Global functions: each verified once, not once per unwinder state.  Their
 * arguments must be scalars: the slots travel as arg0, arg1. */
_Static_assert(SF_NARGS == 2, "learn_call/enforce_call pass SF_NARGS slots as scalars");
/* Returns the tuple's slot + 1, or 0. */
__noinline int learn_call(struct unwind *u, __u32 nr, __u64 arg0, __u64 arg1)
{
	__u64 arg[SF_NARGS] = { arg0, arg1 };

	if (!u)
		return 0;
	return count_tuple(u, nr, arg);
}

__noinline int enforce_call(struct unwind *u, __u32 nr, __u64 arg0, __u64 arg1)
{
	__u64 arg[SF_NARGS] = { arg0, arg1 };
	struct sf_config *cfg = get_config();
	struct sf_proc *proc;
	__u32 lib_action = 0, reason, tgid;

	if (!u || !cfg)
		return 0;
	tgid = u->tgid;
	proc = bpf_map_lookup_elem(&tracked, &tgid);
	if (!proc)
		return 0;
	reason = judge(u, nr, arg, proc->policy, cfg->flags, &lib_action);
	if (reason) {
		violation(u, proc, cfg, nr, arg, reason, lib_action, 0);
		return 1; /* never cached as allowed: a logged repeat is counted */
	}
	return 0;
}

/* ---- objects of calls: paths and ports (learn; floor reports) ----------------- */
/* Issue 17.  Everything here is new code kept apart from the unwinder:
 * on_tracked_call only calls learn_objects() in learn mode, for the
 * syscalls obj_spec() names. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SF_MAX_OBJS);
	__type(key, struct sf_obj_key);
	__type(value, __u64);
} objs SEC(".maps");

/* Arguments of the call being recorded: [0] sys_enter (learn), [1]
 * sys_exit (floor reports).  In a map so that global functions can take
 * their index (a trusted pt_regs pointer cannot be passed to them). */

/* learn: the caller of a path call, kept from sys_enter to sys_exit.  The
 * path is read at sys_exit: at sys_enter the page holding it may not be
 * mapped yet (a string in a shared file mapping, in a child that just
 * forked: fork does not copy those page-table entries), and
 * bpf_probe_read_user cannot fault it in; by sys_exit the kernel has. */
struct obj_pending {
	__u64 ino;
	__u32 dev;
	__u32 nr;
	__u32 valid;
	__u32 pad;
};
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct obj_pending);
} obj_pend SEC(".maps");

/* The key and the event are built here, never on the BPF stack (a 256-byte
 * path would not fit, and user copies into the stack are slow). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sf_event_object);
} obj_scratch SEC(".maps");

#define SF_AT_FDCWD (-100)
#define SF_AF_UNIX 1
#define SF_AF_INET 2
#define SF_AF_INET6 10

/* x86_64 numbers of the calls whose objects are recorded */
enum {
	NR_CONNECT = 42, NR_BIND = 49, NR_OPEN = 2, NR_TRUNCATE = 76, NR_RENAME = 82,
	NR_MKDIR = 83, NR_RMDIR = 84, NR_CREAT = 85, NR_LINK = 86, NR_UNLINK = 87,
	NR_SYMLINK = 88, NR_CHMOD = 90, NR_CHOWN = 92, NR_LCHOWN = 94, NR_MKNOD = 133,
	NR_OPENAT = 257, NR_MKDIRAT = 258, NR_MKNODAT = 259, NR_FCHOWNAT = 260,
	NR_UNLINKAT = 263, NR_RENAMEAT = 264, NR_LINKAT = 265, NR_SYMLINKAT = 266,
	NR_FCHMODAT = 268, NR_RENAMEAT2 = 316, NR_OPENAT2 = 437, NR_FCHMODAT2 = 452,
};

/* Arguments of one call: registers at sys_enter (unchanged at sys_exit). */
struct obj_args {
	__u64 a[6];
	__u64 ino;
	__u32 dev;
	__u32 nr;
	__u32 tgid;
	__s32 ret;  /* floor report: the return value; learn: 0 */
	__u32 deny; /* 1: report (SF_EV_FLOOR_DENIED), do not count */
	__u32 pad;
};

/* Arguments of the call being recorded: [0] sys_enter (learn), [1]
 * sys_exit (floor reports).  In a map so that global functions take their
 * index (a trusted pt_regs pointer cannot be passed to them). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct obj_args);
} obj_argv SEC(".maps");

/* Path arguments: register index of the path, of its dirfd (-1 = cwd) and
 * of the flags (-1 = none), for slot 0 and 1.  0 = not a path call. */
struct obj_spec {
	__s8 path[2], dirfd[2], flags;
};

static __always_inline int obj_spec(__u32 nr, struct obj_spec *s)
{
	s->path[0] = s->path[1] = s->dirfd[0] = s->dirfd[1] = s->flags = -1;
	switch (nr) {
	case NR_OPEN: s->path[0] = 0; s->flags = 1; return 1;
	case NR_CREAT: case NR_MKDIR: case NR_RMDIR: case NR_UNLINK: case NR_CHMOD:
	case NR_CHOWN: case NR_LCHOWN: case NR_TRUNCATE: case NR_MKNOD: case SF_NR_EXECVE:
		s->path[0] = 0; return 1;
	case NR_OPENAT: s->dirfd[0] = 0; s->path[0] = 1; s->flags = 2; return 1;
	case NR_OPENAT2: s->dirfd[0] = 0; s->path[0] = 1; return 1; /* flags: read below */
	case NR_UNLINKAT: s->dirfd[0] = 0; s->path[0] = 1; s->flags = 2; return 1;
	case SF_NR_EXECVEAT: s->dirfd[0] = 0; s->path[0] = 1; s->flags = 4; return 1;
	case NR_MKDIRAT: case NR_MKNODAT: case NR_FCHMODAT:
		s->dirfd[0] = 0; s->path[0] = 1; return 1;
	case NR_FCHMODAT2: s->dirfd[0] = 0; s->path[0] = 1; s->flags = 3; return 1;
	case NR_FCHOWNAT: s->dirfd[0] = 0; s->path[0] = 1; s->flags = 4; return 1;
	case NR_RENAME: case NR_LINK: s->path[0] = 0; s->path[1] = 1; return 1;
	case NR_RENAMEAT: case NR_RENAMEAT2: case NR_LINKAT:
		s->dirfd[0] = 0; s->path[0] = 1; s->dirfd[1] = 2; s->path[1] = 3;
		s->flags = nr == NR_RENAMEAT ? -1 : 4;
		return 1;
	case NR_SYMLINK: s->path[1] = 1; return 1;   /* the target is content */
	case NR_SYMLINKAT: s->dirfd[1] = 1; s->path[1] = 2; return 1;
	case NR_BIND: case NR_CONNECT: return 2;
	}
	return 0;
}

/* The scratch of a walk's names (path_step). */
static __always_inline char (*walk_names(__u32 dst))[SF_NAME_LEN]
{
	__u32 zero = 0;

	if (dst == WALK_OBJ_BASE) {
		struct sf_event_object *ev = bpf_map_lookup_elem(&obj_scratch, &zero);

		return ev ? ev->base : NULL;
	} else {
		struct sf_event_file *ev = bpf_map_lookup_elem(&file_scratch, &zero);

		return ev ? ev->name : NULL;
	}
}

/* The base directory of a relative path: the cwd, or dirfd's file.
 * Returns its dentry (0 when unknown) and sets *mnt. */
static __always_inline __u64 obj_base(__s64 dirfd, __u64 *mnt)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vfsmount *vm;
	struct dentry *d;

	if (dirfd == SF_AT_FDCWD) {
		d = BPF_CORE_READ(task, fs, pwd.dentry);
		vm = BPF_CORE_READ(task, fs, pwd.mnt);
	} else {
		struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
		struct file **fds = BPF_CORE_READ(fdt, fd);
		unsigned int max = BPF_CORE_READ(fdt, max_fds);
		struct file *f = NULL;

		if (dirfd < 0 || dirfd >= max ||
		    bpf_probe_read_kernel(&f, sizeof(f), &fds[dirfd]) || !f)
			return 0;
		d = BPF_CORE_READ(f, f_path.dentry);
		vm = BPF_CORE_READ(f, f_path.mnt);
	}
	*mnt = (__u64)container_of(vm, struct mount, mnt);
	return (__u64)d;
}

/* Count the key in the scratch value (learn) or report it (deny); on
 * first sight send the event. */
static __always_inline void obj_commit(struct sf_event_object *ev, struct obj_args *a,
				       __u64 base_mnt)
{
	__u64 one = 1, *cnt;

	if (!a->deny) {
		cnt = bpf_map_lookup_elem(&objs, &ev->key);
		if (cnt) {
			__sync_fetch_and_add(cnt, 1);
			return;
		}
		if (bpf_map_update_elem(&objs, &ev->key, &one, BPF_NOEXIST)) {
			cnt = bpf_map_lookup_elem(&objs, &ev->key);
			if (cnt)
				__sync_fetch_and_add(cnt, 1);
			else
				stat_inc(SF_STAT_OBJS_FULL);
			return;
		}
	}
	ev->hdr.type = a->deny ? SF_EV_FLOOR_DENIED : SF_EV_OBJECT;
	ev->hdr.tgid = a->tgid;
	ev->hdr.pid = (__u32)bpf_get_current_pid_tgid();
	ev->hdr.ppid = 0;
	ev->hdr.ts = bpf_ktime_get_ns();
	ev->ret = a->ret;
	ev->ncomp = 0;
	ev->exe_ino = 0;
	ev->exe_dev = 0;
	if (a->deny) {
		struct task_struct *task = bpf_get_current_task_btf();

		ev->exe_ino = BPF_CORE_READ(task, mm, exe_file, f_inode, i_ino);
		ev->exe_dev = BPF_CORE_READ(task, mm, exe_file, f_inode, i_sb, s_dev);
	}
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	if (ev->key.base) {
		struct path_walk w = { .dentry = ev->key.base, .mnt = base_mnt,
				       .dst = WALK_OBJ_BASE };

		bpf_loop(SF_PATH_COMPONENTS + 8, path_step, &w, 0);
		ev->ncomp = w.n;
	}
	if (bpf_ringbuf_output(&events, ev, sizeof(*ev), 0))
		stat_inc(SF_STAT_EVENTS_DROPPED);
}

static __always_inline struct sf_event_object *obj_begin(struct obj_args *a, __u32 kind,
							 __u32 slot)
{
	__u32 zero = 0;
	struct sf_event_object *ev = bpf_map_lookup_elem(&obj_scratch, &zero);

	if (!ev)
		return NULL;
	__builtin_memset(&ev->key, 0, sizeof(ev->key));
	ev->key.ino = a->ino;
	ev->key.dev = a->dev;
	ev->key.nr = a->nr;
	ev->key.kind = kind;
	ev->key.slot = slot;
	return ev;
}

/* One path argument.  A global function: verified once. */
__noinline int obj_path(__u32 which, __u32 slot, __s64 dirfd, __u64 uptr, __u32 flags)
{
	struct obj_args *a = bpf_map_lookup_elem(&obj_argv, &which);
	struct sf_event_object *ev;
	__u64 mnt = 0;
	long n;

	if (!a || !uptr)
		return 0;
	ev = obj_begin(a, SF_OBJ_PATH, slot);
	if (!ev)
		return 0;
	ev->key.aux = flags;
	n = bpf_probe_read_user_str(ev->key.path, SF_OBJ_PATH_LEN, (void *)uptr);
	if (n <= 0)
		return 0;
	if (ev->key.path[0] != '/')
		ev->key.base = obj_base(dirfd, &mnt);
	obj_commit(ev, a, mnt);
	return 0;
}

/* bind/connect: the socket address.  A global function: verified once. */
__noinline int obj_sockaddr(__u32 which, __u64 uptr, __u64 len)
{
	struct obj_args *a = bpf_map_lookup_elem(&obj_argv, &which);
	struct sf_event_object *ev;
	__u16 family, port;
	__u32 cls = SF_ADDR_OTHER;

	if (!a || !uptr || len < 2)
		return 0;
	ev = obj_begin(a, SF_OBJ_INET, 0);
	if (!ev)
		return 0;
	if (len > 28)
		len = 28;
	if (bpf_probe_read_user(ev->key.path, len & 31, (void *)uptr))
		return 0;
	family = *(__u16 *)&ev->key.path[0];
	port = __builtin_bswap16(*(__u16 *)&ev->key.path[2]);
	if (family == SF_AF_INET && len >= 8) {
		__u32 addr = *(__u32 *)&ev->key.path[4];

		cls = !addr ? SF_ADDR_ANY : (addr & 0xff) == 127 ? SF_ADDR_LOOPBACK
								   : SF_ADDR_OTHER;
	} else if (family == SF_AF_INET6 && len >= 24) {
		__u64 hi = *(__u64 *)&ev->key.path[8], lo = *(__u64 *)&ev->key.path[16];

		if (!hi && !lo)
			cls = SF_ADDR_ANY;
		else if (!hi && lo == 0x0100000000000000ULL) /* ::1 */
			cls = SF_ADDR_LOOPBACK;
		else if (!hi && (__u32)lo == 0xffff0000U && ((lo >> 32) & 0xff) == 127)
			cls = SF_ADDR_LOOPBACK; /* ::ffff:127.x.y.z */
	} else if (family == SF_AF_UNIX) {
		__builtin_memset(&ev->key.path, 0, sizeof(ev->key.path));
		ev->key.kind = SF_OBJ_UNIX;
		if (bpf_probe_read_user(ev->key.path, 1, (void *)(uptr + 2)))
			return 0;
		if (!ev->key.path[0]) {
			ev->key.path[0] = '@'; /* abstract: the name is not kept */
		} else if (bpf_probe_read_user_str(ev->key.path, 108, (void *)(uptr + 2)) <= 0) {
			return 0;
		} else if (ev->key.path[0] != '/') {
			__u64 mnt = 0;

			ev->key.base = obj_base(SF_AT_FDCWD, &mnt);
			obj_commit(ev, a, mnt);
			return 0;
		}
		obj_commit(ev, a, 0);
		return 0;
	} else {
		return 0;
	}
	__builtin_memset(&ev->key.path, 0, sizeof(ev->key.path));
	ev->key.aux = SF_OBJ_AUX_INET(family, cls, port);
	obj_commit(ev, a, 0);
	return 0;
}

/* The objects of one call (paths, socket address). */
static __always_inline void objects_of_call(__u32 which)
{
	struct obj_args *a = bpf_map_lookup_elem(&obj_argv, &which);
	struct obj_spec s;
	int k;

	if (!a)
		return;
	k = obj_spec(a->nr, &s);
	if (k == 2) {
		obj_sockaddr(which, a->a[1], a->a[2]);
		return;
	}
	if (!k)
		return;
	for (int slot = 0; slot < 2; slot++) {
		__s64 dirfd = SF_AT_FDCWD;
		__u32 flags = 0;
		int pi = s.path[slot], di = s.dirfd[slot];

		if (pi < 0 || pi > 5)
			continue;
		if (di >= 0 && di <= 5)
			dirfd = (__s32)a->a[di];
		if (s.flags >= 0 && s.flags <= 5)
			flags = (__u32)a->a[s.flags];
		if (a->nr == NR_OPENAT2 && a->a[2]) {
			__u32 zero = 0;
			__u64 *buf = bpf_map_lookup_elem(&uread, &zero);

			/* struct open_how: __u64 flags first */
			if (buf && !bpf_probe_read_user(buf, sizeof(*buf), (void *)a->a[2]))
				flags = (__u32)*buf;
		}
		obj_path(which, slot, dirfd, a->a[pi & 7], flags);
	}
}

/* learn: called from on_tracked_call, once obj_argv[0] holds the call.
 * execve is recorded now (after a successful exec the old memory is
 * gone); the other calls at sys_exit (sf_sys_exit_objects). */
__noinline int learn_objects(struct unwind *u)
{
	__u32 zero = 0;
	struct obj_args *a = bpf_map_lookup_elem(&obj_argv, &zero);
	struct obj_pending *pd;

	if (!u || !a)
		return 0;
	if (a->nr != SF_NR_EXECVE && a->nr != SF_NR_EXECVEAT) {
		pd = bpf_task_storage_get(&obj_pend, bpf_get_current_task_btf(), 0,
					  BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (pd) {
			pd->ino = u->ino;
			pd->dev = u->dev;
			pd->nr = a->nr;
			pd->valid = 1;
		}
		return 0;
	}
	a->ino = u->ino;
	a->dev = u->dev;
	a->tgid = u->tgid;
	a->ret = 0;
	a->deny = 0;
	objects_of_call(0);
	return 0;
}

/* enforce with a Landlock floor or path checks: keep the caller of a path
 * or address call until sys_exit, so that a denial names its library (and
 * can be folded back into that library's rules) and a path check knows
 * whose paths to judge against.  A global function: verified once. */
__noinline int floor_remember(struct unwind *u, __u32 nr)
{
	struct obj_pending *pd;
	struct obj_spec s;

	if (!u || !obj_spec(nr, &s))
		return 0;
	pd = bpf_task_storage_get(&obj_pend, bpf_get_current_task_btf(), 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (pd) {
		pd->ino = u->ino;
		pd->dev = u->dev;
		pd->nr = nr;
		pd->valid = 1;
	}
	return 0;
}

/* Fill obj_argv[which] from the registers; 0 when nr has no objects. */
static __always_inline int obj_args_fill(__u32 which, struct pt_regs *regs, __u32 nr)
{
	struct obj_args *a;
	struct obj_spec s;

	if (!obj_spec(nr, &s))
		return 0;
	a = bpf_map_lookup_elem(&obj_argv, &which);
	if (!a)
		return 0;
	a->a[0] = BPF_CORE_READ(regs, di);
	a->a[1] = BPF_CORE_READ(regs, si);
	a->a[2] = BPF_CORE_READ(regs, dx);
	a->a[3] = BPF_CORE_READ(regs, r10);
	a->a[4] = BPF_CORE_READ(regs, r8);
	a->a[5] = BPF_CORE_READ(regs, r9);
	a->nr = nr;
	return 1;
}

/* Does the call in a change the file system (a path check judges only
 * those: reads, exec and sockets are left to the floor)?  open: written
 * or created or truncated. */
static __always_inline int obj_writes(struct obj_args *a)
{
	__u64 flags;

	switch (a->nr) {
	case NR_OPEN: flags = a->a[1]; break;
	case NR_OPENAT: flags = a->a[2]; break;
	case NR_OPENAT2: return 1; /* rare: judged whatever its flags */
	case SF_NR_EXECVE: case SF_NR_EXECVEAT: case NR_BIND: case NR_CONNECT:
		return 0;
	default:
		return 1;
	}
	return (flags & 3) || (flags & (0100 /* O_CREAT */ | 01000 /* O_TRUNC */));
}

/* sys_exit of a tracked process: learn: record the objects of the path
 * call whose caller sys_enter kept (not when it failed with ENOENT: a
 * missing file needs no rule, and a PATH search would list every
 * directory); enforce with the Landlock floor: a path or port call that
 * returned EACCES is reported (Landlock answers EACCES before the
 * operation; so do file permissions, which user space says); enforce
 * with path checks: the first sight of a writing path call that succeeded
 * goes to user space (counted in objs as in learn).  Attached only by
 * learn and by enforce with a floor or path checks. */
SEC("tp_btf/sys_exit")
int BPF_PROG(sf_sys_exit_objects, struct pt_regs *regs, long ret)
{
	__u32 tgid, one = 1, nr = (__u32)regs->orig_ax;
	struct sf_config *cfg;
	struct sf_proc *proc;
	struct obj_args *a;
	struct obj_spec sp;
	__u64 ino = 0;
	__u32 dev = 0, deny = 0;

	/* Every system call of every process runs this program while it is
	 * attached: only path and address calls (obj_spec) can have anything
	 * to record or report, so the others return before any helper call
	 * or map lookup (the syscall number is a direct load from the
	 * trusted pt_regs). */
	if (!obj_spec(nr, &sp))
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	if (!maybe_tracked(tgid))
		return 0;
	cfg = get_config();
	if (!cfg)
		return 0;
	if (cfg->mode == SF_MODE_LEARN) {
		struct obj_pending *pd;

		pd = bpf_task_storage_get(&obj_pend, bpf_get_current_task_btf(), 0, 0);

		if (!pd || !pd->valid)
			return 0;
		pd->valid = 0;
		if (pd->nr != nr || ret == -2 /* ENOENT */)
			return 0;
		ino = pd->ino;
		dev = pd->dev;
		/* a pending caller means sys_enter judged this call tracked
		 * (and past its exec): no "tracked" lookup needed */
	} else if (cfg->mode == SF_MODE_ENFORCE &&
		   (((cfg->flags & SF_CFG_FLOOR) && ret == -13 /* EACCES */) ||
		    ((cfg->flags & SF_CFG_PATHCHECK) && ret >= 0))) {
		/* the caller floor_remember() kept at sys_enter */
		struct obj_pending *pd;

		pd = bpf_task_storage_get(&obj_pend, bpf_get_current_task_btf(), 0, 0);
		if (pd && pd->valid && pd->nr == nr) {
			ino = pd->ino;
			dev = pd->dev;
		}
		if (pd)
			pd->valid = 0;
		deny = ret < 0;
		/* a path check needs the caller, and judges only the calls
		 * that change the file system (below) */
		if (!deny && !dev && !ino)
			return 0;
		proc = bpf_map_lookup_elem(&tracked, &tgid);
		if (!proc || (proc->flags & SF_PROC_PENDING_EXEC))
			return 0;
	} else {
		return 0;
	}
	if (!obj_args_fill(1, regs, nr))
		return 0;
	a = bpf_map_lookup_elem(&obj_argv, &one);
	if (!a)
		return 0;
	if (cfg->mode == SF_MODE_ENFORCE && !deny && !obj_writes(a))
		return 0;
	a->ino = ino;
	a->dev = dev;
	a->tgid = tgid;
	a->ret = (__s32)ret;
	a->deny = deny;
	objects_of_call(1);
	return 0;
}

/* ---- programs --------------------------------------------------------------------- */
#ifdef SF_PROFILE
/* Stage timestamps: each stamp costs a bpf_ktime_get_ns() (~20 ns), so a
 * profile build is slower; use it for the split, not for the total. */
static __always_inline void stat_add(__u32 idx, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&stats, &idx);

	if (p)
		*p += v;
}
#define PROF_STAMP(var) __u64 var = bpf_ktime_get_ns()
#define PROF_ADD(idx, from, to) stat_add(idx, (to) - (from))
#else
#define PROF_STAMP(var) do { } while (0)
#define PROF_ADD(idx, from, to) do { } while (0)
#endif

/* The tracked path, kept out of sf_sys_enter so that an untracked call
 * does not even pay for initialising its locals.  uc: this CPU's cache,
 * claimed by the caller (NULL: go without). */
static __noinline int on_tracked_call(struct pt_regs *regs, __u32 nr, __u32 tgid,
				      struct sf_config *cfg, struct sf_ucache *uc)
{
	struct unwind u = {};
	__u64 args[SF_NARGS] = {};
	struct sf_uc_entry *e = NULL;
	struct sf_proc *proc = NULL;
	__u64 epoch = proc_epoch, asid;
	__u32 policy, pflags;
	int hit = 0;

	if (!regs || !cfg)
		return 0;
	PROF_STAMP(t_filter);

	/* The process's sf_proc fields: this CPU's copy while the epoch has
	 * not moved, else the hash (and a new copy, under the epoch read
	 * before the lookup). */
	if (uc && uc->pc_valid && uc->pc_tgid == tgid && uc->pc_epoch == epoch) {
		asid = uc->pc_asid;
		policy = uc->pc_policy;
		pflags = uc->pc_flags;
	} else {
		proc = bpf_map_lookup_elem(&tracked, &tgid);
		if (!proc)
			return 0;
		asid = proc->asid;
		policy = proc->policy;
		pflags = proc->flags;
		if (uc) {
			uc->pc_tgid = tgid;
			uc->pc_asid = asid;
			uc->pc_policy = policy;
			uc->pc_flags = pflags;
			uc->pc_epoch = epoch;
			uc->pc_valid = 1;
		}
	}
	if (pflags & SF_PROC_PENDING_EXEC)
		return 0;
	stat_inc(SF_STAT_SYSCALLS);

	/* Executable mappings may change: stale cache entries must not be
	 * used.  Plain munmap and non-exec mmap cannot make a live return
	 * address point into a different file, so they keep the cache. */
	if (((nr == SF_NR_MMAP || nr == SF_NR_MPROTECT || nr == SF_NR_PKEY_MPROTECT) &&
	     (regs->dx & SF_PROT_EXEC)) ||
	    nr == SF_NR_MREMAP || nr == SF_NR_SHMAT || nr == SF_NR_REMAP_FILE_PAGES ||
	    !asid) {
		if (!proc)
			proc = bpf_map_lookup_elem(&tracked, &tgid);
		if (!proc)
			return 0;
		asid = new_asid();
		proc->asid = asid;
		procs_changed(); /* after the write: copies refresh */
	}

	u.ip = u.ip0 = regs->ip;
	u.sp = u.sp0 = regs->sp;
	u.bp = u.bp0 = regs->bp;
	u.di = regs->di;
	u.tgid = tgid;
	u.asid = asid;

	if (uc) {
		/* multiplicative hash of ip and sp: the same site reached
		 * from two depths keeps two entries */
		__u64 h = (u.ip ^ (u.sp >> 3)) * 0x9E3779B97F4A7C15ULL;
		__u32 set = (h >> 58) & (SF_UC_SETS - 1);
		__u32 way = uc->last[set] & 1;

		e = &uc->e[set][way];
		hit = uc_match(e, &u);
		if (!hit) {
			way ^= 1;
			e = &uc->e[set][way];
			hit = uc_match(e, &u);
			/* on a miss, e is the entry not used last: replaced */
		}
		uc->last[set] = way;
	}
	if (!hit) {
		bpf_loop(SF_MAX_FRAMES, unwind_step, &u, 0);
		if (!u.done) {
			stat_inc(SF_STAT_DEPTH_LIMIT);
			u.uncacheable = 1;
			finish(&u, SF_BUCKET_UNWIND_FAILED);
		}
		if (e)
			uc_store(e, &u);
		stat_inc(SF_STAT_UNWIND_MISS);
	}
	PROF_STAMP(t_unwind);

	/* From here, e (when not NULL) holds this call's unwind result when
	 * hit, or when it was just stored (SF_UC_VALID); its ok_* and cnt_*
	 * fields describe calls with that same result. */
	read_args(regs, nr, args);
	if (cfg->mode == SF_MODE_LEARN) {
		/* The same tuple as this entry's last call: its slot is
		 * known, no hash lookup. */
		if (!(hit && e->cnt_valid && e->cnt_nr == nr && e->cnt_arg[0] == args[0] &&
		      e->cnt_arg[1] == args[1] && tuple_inc(e->cnt_idx))) {
			__u32 slot = learn_call(&u, nr, args[0], args[1]);

			if (slot && e && (e->flags & SF_UC_VALID)) {
				e->cnt_nr = nr;
				e->cnt_arg[0] = args[0];
				e->cnt_arg[1] = args[1];
				e->cnt_idx = slot - 1;
				e->cnt_valid = 1;
			}
		}
		if (obj_args_fill(0, regs, nr))
			learn_objects(&u);
	} else if (cfg->mode == SF_MODE_ENFORCE) {
		/* The same call from the same place, already judged allowed. */
		if (!(hit && e->ok_valid && e->ok_nr == nr && e->ok_arg[0] == args[0] &&
		      e->ok_arg[1] == args[1] && e->ok_gen == cfg->rules_gen &&
		      e->ok_policy == policy) &&
		    !enforce_call(&u, nr, args[0], args[1]) && e && e->flags & SF_UC_VALID) {
			e->ok_nr = nr;
			e->ok_arg[0] = args[0];
			e->ok_arg[1] = args[1];
			e->ok_gen = cfg->rules_gen;
			e->ok_policy = policy;
			e->ok_valid = 1;
		}
		if (cfg->flags & (SF_CFG_FLOOR | SF_CFG_PATHCHECK))
			floor_remember(&u, nr);
	}
#ifdef SF_PROFILE
	{
		PROF_STAMP(t_end);

		PROF_ADD(SF_STAT_PROF_UNWIND_NS, t_filter, t_unwind);
		PROF_ADD(SF_STAT_PROF_RECORD_NS, t_unwind, t_end);
		stat_inc(SF_STAT_PROF_SAMPLES);
	}
#endif
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sf_sys_enter, struct pt_regs *regs, long id)
{
	PROF_STAMP(t_entry);
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, zero = 0;
	struct sf_config *cfg;
	struct sf_ucache *uc;

	/* Untracked: one inlined array lookup, nothing else. */
	if (!maybe_tracked(tgid))
		return 0;
	cfg = get_config();
	if (!cfg || cfg->mode == SF_MODE_OFF)
		return 0;
	uc = bpf_map_lookup_elem(&ucache, &zero);
	/* Claimed for this call: if a BPF run on this CPU were ever preempted
	 * in the middle (syscall tracepoints run it with preemption off), the
	 * next one would find it busy and go without the cache, never share
	 * an entry being rewritten. */
	if (uc && __sync_lock_test_and_set(&uc->busy, 1))
		uc = NULL;
#ifdef SF_PROFILE
	{
		PROF_STAMP(t_filter);

		PROF_ADD(SF_STAT_PROF_FILTER_NS, t_entry, t_filter);
	}
#endif
	on_tracked_call(regs, (__u32)id, tgid, cfg, uc);
	if (uc)
		uc->busy = 0;
	return 0;
}

/* Run by user space (BPF_PROG_TEST_RUN) to set or clear a tgid's bit:
 * the bitmap words are shared with the fork/exit programs, so every update
 * must be atomic, which user space's read-modify-write would not be. */
struct sf_bit_args {
	__u32 tgid;
	__u32 on;
};

SEC("syscall")
int sf_mark_tracked(struct sf_bit_args *args)
{
	mark_tracked(args->tgid, args->on);
	return 0;
}

/* The gate's supervisor (tracer/gate.c): registers of a thread blocked in
 * a seccomp user notification, for the same unwind as at sys_enter
 * (/proc/TID/syscall has no rbp).  Run with BPF_PROG_TEST_RUN. */
extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

SEC("syscall")
int sf_task_regs(struct sf_task_regs *a)
{
	struct task_struct *t = bpf_task_from_pid(a->tid);
	struct pt_regs *r;

	a->ok = 0;
	if (!t)
		return 0;
	r = (struct pt_regs *)bpf_task_pt_regs(t);
	if (r) {
		a->ip = BPF_CORE_READ(r, ip);
		a->sp = BPF_CORE_READ(r, sp);
		a->bp = BPF_CORE_READ(r, bp);
		a->di = BPF_CORE_READ(r, di);
		a->nr = BPF_CORE_READ(r, orig_ax);
		a->tgid = BPF_CORE_READ(t, tgid);
		a->ok = 1;
	}
	bpf_task_release(t);
	return 0;
}


/*
 * The seccomp floor's kill, named.  A SECCOMP_RET_KILL_* filter marks the
 * task SECCOMP_MODE_DEAD and forces SIGSYS (si_code SYS_SECCOMP) on it, in
 * the context of the offending thread, with its syscall registers rolled
 * back (ip just after the syscall instruction, orig_ax = nr): the same
 * state sys_enter would have seen.  So the same unwinder names the calling
 * library, before the signal is delivered.  The floor runs before the
 * sys_enter tracepoint, which never sees these calls.
 */
#define SF_SIGSYS 31
#define SF_SYS_SECCOMP 1
#define SF_SECCOMP_MODE_DEAD 3

static __noinline int on_floor_kill(struct pt_regs *regs, __u32 nr, __u32 tgid,
				    struct sf_proc *proc, struct sf_config *cfg)
{
	struct unwind u = {};
	__u64 args[SF_NARGS] = {};

	if (!regs || !proc || !cfg)
		return 0;
	if (!proc->asid) {
		proc->asid = new_asid();
		procs_changed();
	}
	u.ip = u.ip0 = regs->ip;
	u.sp = u.sp0 = regs->sp;
	u.bp = u.bp0 = regs->bp;
	u.di = regs->di;
	u.tgid = tgid;
	u.asid = proc->asid;
	bpf_loop(SF_MAX_FRAMES, unwind_step, &u, 0);
	if (!u.done) {
		stat_inc(SF_STAT_DEPTH_LIMIT);
		finish(&u, SF_BUCKET_UNWIND_FAILED);
	}
	read_args(regs, nr, args);
	stat_inc(SF_STAT_FLOOR_KILLS);
	violation(&u, proc, cfg, nr, args, SF_VIOL_FLOOR, 0, SF_ACT_KILL);
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(sf_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct sf_config *cfg;
	struct sf_proc *proc;
	int code, mode, nr;

	if (sig != SF_SIGSYS || task != cur || !maybe_tracked(tgid))
		return 0;
	if ((unsigned long)info <= 1) /* SEND_SIG_NOINFO / SEND_SIG_PRIV */
		return 0;
	code = BPF_CORE_READ(info, si_code);
	mode = BPF_CORE_READ(cur, seccomp.mode);
	if (code != SF_SYS_SECCOMP || mode != SF_SECCOMP_MODE_DEAD)
		return 0; /* a SIGSYS that is not a seccomp kill (RET_TRAP, kill(2)) */
	proc = bpf_map_lookup_elem(&tracked, &tgid);
	cfg = get_config();
	if (!proc || !cfg || cfg->mode != SF_MODE_ENFORCE)
		return 0;
	nr = BPF_CORE_READ(info, _sifields._sigsys._syscall);
	return on_floor_kill((struct pt_regs *)bpf_task_pt_regs(cur), (__u32)nr, tgid, proc, cfg);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sf_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid;
	__u32 ctgid = child->tgid;
	struct sf_proc *pp, np = {};

	if (child->pid != ctgid) /* a new thread: covered by its tgid */
		return 0;
	pp = bpf_map_lookup_elem(&tracked, &ptgid);
	if (!pp)
		return 0;
	np.session = pp->session;
	np.asid = pp->asid; /* identical mappings until one of them changes */
	np.policy = pp->policy;
	/* A launcher (or its namespace shim) forking before exec: the child
	 * is not the target yet either. */
	np.flags = pp->flags & SF_PROC_PENDING_EXEC;
	if (bpf_map_update_elem(&tracked, &ctgid, &np, BPF_ANY)) {
		stat_inc(SF_STAT_TRACKED_FULL);
		return 0;
	}
	mark_tracked(ctgid, 1);
	emit_simple_event(SF_EV_FORK, ctgid, ptgid);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sf_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = p->tgid;
	struct sf_proc *proc;
	struct file *file = bprm->file;
	struct sf_lib_id id = {};

	id.ino = BPF_CORE_READ(file, f_inode, i_ino);
	id.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);

	proc = bpf_map_lookup_elem(&tracked, &tgid);
	if (proc) {
		proc->flags &= ~SF_PROC_PENDING_EXEC;
		proc->asid = 0; /* new address space: assigned on first use */
		procs_changed();
	} else {
		struct sf_config *cfg = get_config();
		struct sf_proc np = {};
		__u32 *pol = bpf_map_lookup_elem(&exec_watch, &id);

		if (!pol)
			return 0;
		np.policy = *pol;
		if (cfg)
			np.session = cfg->session;
		if (bpf_map_update_elem(&tracked, &tgid, &np, BPF_ANY)) {
			stat_inc(SF_STAT_TRACKED_FULL);
			return 0;
		}
		mark_tracked(tgid, 1);
	}
	{
		__u64 fileaddr = 0;

		bpf_probe_read_kernel(&fileaddr, sizeof(fileaddr), &bprm->file);
		emit_file_event(SF_EV_EXEC, fileaddr, id.ino, id.dev, 0);
	}
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sf_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid;

	if (!bpf_map_lookup_elem(&tracked, &tgid))
		return 0;
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0; /* other threads of the group still run */
	bpf_map_delete_elem(&tracked, &tgid);
	mark_tracked(tgid, 0);
	emit_simple_event(SF_EV_EXIT, tgid, 0);
	return 0;
}
