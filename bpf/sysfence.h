/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * sysfence.h - the one contract between bpf/sysfence.bpf.c and user space.
 *
 * Fixed-width types only; no libc, no vmlinux.h.  Every struct here is laid
 * out with explicit padding so the BPF and the x86_64 user-space views agree.
 */
#ifndef SYSFENCE_H
#define SYSFENCE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* ---- bounds every table shares ------------------------------------------ */
/* x86_64 syscall numbers below this are the ones the tables cover: the
 * argument table (sf_args.h), the nr_action map, the learner's names and
 * rule sets (learner/syscalls.h SYSCALL_NR_MAX). */
#define SF_NR_MAX 512
/* Argument slots recorded and judged per call: the slots of an argument
 * spec (sf_args.h SF_ARG_SLOTS), the args of count keys, events and the
 * unwind cache.  The trace file's TRACE_NARGS is a format constant held
 * equal by a static assertion (learner/trace.c). */
#define SF_NARGS 2

/* ---- modes (config.mode) ------------------------------------------------ */
enum sf_mode {
	SF_MODE_OFF = 0,     /* attached, records nothing */
	SF_MODE_LEARN = 1,   /* count (library, syscall, args) tuples */
	SF_MODE_ENFORCE = 2, /* judge calls against rules (enforce issue) */
};

/* config.flags */
#define SF_CFG_STRICT (1u << 0) /* enforce: unattributed calls are denied */
#define SF_CFG_FLOOR (1u << 1)  /* enforce: a Landlock floor is installed: report
				 * EACCES of path and port calls */
#define SF_CFG_PATHCHECK (1u << 2) /* enforce: send the first sight of each
				    * (library, writing path call) that
				    * succeeded; user space judges it against
				    * the library's paths (detection) */

/* Unwinder limits. */
#define SF_MAX_FRAMES 24     /* frames walked per syscall (design: >= 16) */
#define SF_CFI_SEARCH_STEPS 20 /* binary-search steps: 2^20 rows max per lib */
#define SF_FIND_VMA_RETRIES 24 /* bpf_find_vma attempts after an EBUSY */
#define SF_FIND_VMA_SPIN 64     /* empty bpf_loop steps between them (x2^i) */

/* Map sizes (defaults; user space may raise them before load). */
#define SF_MAX_TRACKED 16384
#define SF_TRACKED_BITMAP_WORDS 65536 /* bits for tgids < 4194304 (PID_MAX_LIMIT) */
#define SF_MAX_COUNTS 65536
#define SF_MAX_SITES 32768
#define SF_MAX_CFI_ROWS (1u << 18)
#define SF_MAX_CFI_LIBS 64
#define SF_MAX_VMA_CACHE 65536
#define SF_MAX_SEEN_LIBS 8192
#define SF_RINGBUF_BYTES (1u << 20)

/*
 * Library identity: (dev, ino) of the mapped file.  dev is the kernel's
 * s_dev (MAJOR << 20 | MINOR), NOT stat()'s st_dev: user space converts.
 * Unattributable calls go to named buckets: dev == 0, ino == bucket id.
 */
enum sf_bucket {
	SF_BUCKET_NONE = 0,
	SF_BUCKET_LIBC_RUNTIME = 1,  /* unwound to start_thread: RA undefined */
	SF_BUCKET_LDSO_STARTUP = 2,  /* ld.so start-up, before any user code */
	SF_BUCKET_UNWIND_FAILED = 3, /* unreadable stack, no CFI, depth limit */
	SF_BUCKET_ANON_EXEC = 4,     /* executable memory with no file (JIT) */
	SF_BUCKET_VMA_UNKNOWN = 5,   /* no mapping found (EBUSY and cache miss) */
	/* libc's own work that does not depend on its caller (a frame inside
	 * one of libc's runtime functions, enum sf_rt_class, was unwound
	 * through before the first caller outside libc was reached) */
	SF_BUCKET_LIBC_ALLOC = 6,    /* malloc & co.: brk, mmap, munmap, madvise */
	SF_BUCKET_LIBC_STDIO = 7,    /* stdio buffer set-up: fstat, isatty */
	SF_BUCKET_LIBC_LOCALE = 8,   /* locale, time zone, message catalogues */
	SF_BUCKET_LIBC_THREAD = 9,   /* pthread_create/join: stacks, clone3 */
	SF_BUCKET__COUNT,
};

struct sf_lib_id {
	__u64 ino;
	__u32 dev;  /* kernel s_dev; 0 = bucket (ino = enum sf_bucket) */
	__u32 pad;
};

/* Hash "counts": key -> __u32 slot of its number of calls in the per-CPU
 * array "tuple_counts" (same size).  A slot is assigned at the tuple's
 * first sight and never changes, so the unwind cache keeps it and a call
 * seen before costs one per-CPU array increment, not a hash lookup. */
struct sf_count_key {
	__u64 ino;
	__u32 dev;
	__u32 nr;             /* syscall number (x86_64) */
	__u64 arg[SF_NARGS];  /* normalised selected arguments; 0 if none.
			       * Both of one call: setsockopt's (level,
			       * option) is recorded as the pair its rules
			       * judge (sf_args.h SF_ARGK_PAIR) */
};

/* Hash "sites": first call site seen per (library, syscall). */
struct sf_site_key {
	__u64 ino;
	__u32 dev;
	__u32 nr;
};
struct sf_site_val {
	__u64 off;   /* file offset of the return address inside the library */
	__u32 tgid;
	__u32 depth; /* frames unwound to reach it */
};

/* Hash "tracked": tgid -> sf_proc. */
#define SF_PROC_PENDING_EXEC (1u << 0) /* launcher child: ignore until exec */
struct sf_proc {
	/* Address-space id keying the mapping cache: 0 = assign on next use.
	 * A forked child shares its parent's (identical mappings); exec and
	 * any change that may map new executable code assign a fresh one. */
	__u64 asid;
	__u32 flags;
	__u32 policy;     /* enforce: policy id (inherited on fork) */
	__u64 session;
	__u32 violations; /* enforce: violations of this process */
	__u32 pad;
};

/* LRU hash "vma_cache": (asid, code page) -> mapping identity. */
struct sf_vma_key {
	__u64 asid;
	__u64 page; /* address >> 12 */
};
#define SF_VMA_ANON (1u << 0)
struct sf_vma_val {
	__u64 ino;
	__u64 base; /* file offset = address - base */
	__u32 dev;
	__u32 flags;
};

/*
 * Per-CPU array "ucache": the last unwinds made on this CPU.  An unwind is a
 * pure function of (address space, ip, sp, [bp], the stack words it read):
 * an entry holds those inputs and its result, and is reused when
 * asid/ip/sp match and re-reading the same stack words (one user read of
 * the span they lie in) gives the same values -- whichever thread or
 * process of that address space makes the call.  Per CPU rather than per
 * thread (task storage): the task-storage lookup cost ~50 ns per tracked
 * call, the per-CPU lookup is inlined.
 */
#define SF_UC_READS 6 /* stack words an entry may depend on */
#define SF_UC_SETS 64 /* sets per CPU, chosen by a hash of (ip, sp) */
#define SF_UC_WAYS 2  /* entries per set; a miss replaces the one not used
		       * last.  A server's request path calls ~10-20
		       * syscall sites, some from several depths: measured on
		       * nginx, 4 entries indexed by ip missed 99.99% of
		       * calls, 16 direct-mapped ones 29-54%. */
#define SF_UC_SPAN_MAX 256 /* the words an entry depends on are re-read with
			    * one bpf_probe_read_user when they lie within this
			    * many bytes: a user read costs ~120 ns here
			    * whatever its size (8 or 256 bytes), so one read
			    * instead of one per frame */
#define SF_UC_USES_BP (1u << 0)
#define SF_UC_VALID (1u << 1)
struct sf_uc_entry {
	__u64 asid;
	__u64 ip, sp, bp;
	__u64 addr[SF_UC_READS];
	__u64 val[SF_UC_READS];
	__u64 span_lo;   /* lowest addr[]; span_len = 0: read word by word */
	__u64 ino, off;
	__u32 dev, bucket;
	__u32 depth, nreads;
	__u32 flags;
	__u32 span_len;
	/* enforce: last allowed (nr, args) for this result, under rules_gen
	 * and policy */
	__u32 ok_nr;
	__u32 ok_gen;
	__u64 ok_arg[SF_NARGS];
	__u32 ok_policy;
	__u32 ok_valid;
	/* learn: last counted (nr, args) for this result and its slot in
	 * "tuple_counts" */
	__u64 cnt_arg[SF_NARGS];
	__u32 cnt_nr;
	__u32 cnt_idx;
	__u32 cnt_valid;
	__u32 pad;
};
struct sf_ucache {
	struct sf_uc_entry e[SF_UC_SETS][SF_UC_WAYS];
	__u8 last[SF_UC_SETS]; /* way of the set used last */
	__u32 busy; /* a call on this CPU is using the cache (never two at once:
		     * if a BPF run were preempted, the next one skips it) */
	/* A copy of the last tracked process's sf_proc fields seen on this
	 * CPU, valid while the global proc_epoch has not moved: every write
	 * of the "tracked" hash (fork, exec, exit, a new asid, user space)
	 * bumps the epoch after it, so a copy taken at epoch E is current
	 * while the epoch is E.  Saves the hash lookup (~50 ns) per call. */
	__u32 pc_valid;
	__u32 pc_tgid;
	__u32 pc_flags;
	__u32 pc_policy;
	__u64 pc_asid;
	__u64 pc_epoch;
};

/*
 * CFI: compact CFA rows of the transparent libraries, built by user space
 * from .eh_frame (tracer/cfi.c).  All libraries' rows share one array map;
 * "cfi_libs" maps (dev, ino) -> the slice [first, first + count), sorted by
 * off.  A row covers [off, next row's off).
 */
enum sf_cfa_kind {
	SF_CFA_NONE = 0,   /* no FDE covers this range (gap) */
	SF_CFA_RSP = 1,    /* CFA = rsp + cfa_off */
	SF_CFA_RBP = 2,    /* CFA = rbp + cfa_off */
	SF_CFA_PLT = 3,    /* .plt expression: rsp + 8 + ((rip & 15) >= 11) * 8 */
	SF_CFA_END = 4,    /* return address undefined: outermost frame */
	SF_CFA_UNSUPPORTED = 5, /* other expression: cannot unwind */
	SF_CFA_RA_RDI = 6, /* CFA = rsp + cfa_off, return address in rdi: only
			    * usable at frame 0 (pt_regs->di); deeper frames
			    * cannot unwind.  glibc's vfork pops its RA. */
};
struct sf_cfi_row {
	__u32 off;     /* file offset where the row starts */
	__s32 cfa_off;
	__s16 rbp_off; /* rbp saved at CFA + rbp_off; 0 = rbp unchanged */
	__u8 kind;     /* enum sf_cfa_kind */
	__u8 rt;       /* enum sf_rt_class: the row lies in a runtime function */
};

/* Runtime classes of libc functions (tracer/cfi.c marks their rows): an
 * unwind that passes through such a frame charges the call to the class's
 * bucket, SF_BUCKET_LIBC_ALLOC - 1 + class. */
enum sf_rt_class {
	SF_RT_NONE = 0,
	SF_RT_ALLOC = 1,
	SF_RT_STDIO = 2,
	SF_RT_LOCALE = 3,
	SF_RT_THREAD = 4,
	SF_RT__COUNT,
};
#define SF_RT_BUCKET(rt) (SF_BUCKET_LIBC_ALLOC - 1 + (rt))

/* cfi_libs value; presence in this map makes a library transparent. */
#define SF_LIB_LDSO (1u << 0) /* dynamic loader: frame without CFI = start-up */
struct sf_cfi_lib {
	__u32 first;
	__u32 count;
	__u32 flags;
	__u32 pad;
};

/* Enforcement actions. */
enum sf_action {
	SF_ACT_DEFAULT = 0, /* in override maps: no override */
	SF_ACT_KILL = 1,    /* bpf_send_signal(SIGKILL) to the offending process */
	SF_ACT_KILL_ALL = 2, /* ... and user space kills the whole session */
	SF_ACT_LOG = 3,     /* report only */
};

/* Why a call was judged a violation. */
enum sf_violation {
	SF_VIOL_UNKNOWN_LIB = 1,   /* library not in the policy */
	SF_VIOL_SYSCALL = 2,       /* syscall not allowed for this library */
	SF_VIOL_ARG = 3,           /* syscall allowed, argument outside the rule */
	SF_VIOL_UNATTRIBUTED = 4,  /* unwinding failed and --strict */
	SF_VIOL_FLOOR = 5,         /* killed by the seccomp floor (seen at SIGSYS) */
};

/* Array "config", one entry. */
struct sf_config {
	__u32 mode;   /* enum sf_mode */
	__u32 flags;  /* SF_CFG_* */
	__u64 session;
	__u32 action; /* enum sf_action: default for violations */
	__u32 report_limit; /* violation events per process (then only counted) */
	__u32 rules_gen; /* bumped by user space whenever rules change */
	__u32 pad;
};

/* Unattributed calls ([unwind-failed], [vma-unknown]) are judged, unless
 * --strict, against the process-wide union stored under this bucket id. */
#define SF_UNION_INO 100

/* Hash "rules": (library, syscall, policy) -> struct sf_rule (sf_args.h).
 * Hash "policy_libs": (library, policy) -> __u32 action override (enum
 * sf_action; SF_ACT_DEFAULT = none).  Presence = library in the policy. */
struct sf_rule_key {
	__u64 ino;
	__u32 dev;
	__u32 nr;
	__u32 policy; /* policy id, 1.. ; a process's id is in sf_proc */
	__u32 pad;
};
struct sf_plib_key {
	__u64 ino;
	__u32 dev;
	__u32 policy;
};
#define SF_MAX_RULES 32768
#define SF_MAX_POLICY_LIBS 4096
#define SF_NR_ACTIONS SF_NR_MAX /* array "nr_action": per-syscall action override */

/* Hash "exec_watch": sf_lib_id of a binary -> __u32 policy id (learn: 1).
 * A process that execs a watched binary becomes tracked with that policy
 * (fuzz mode, enforce without a target). */

/* Per-CPU array "stats": index -> __u64. */
enum sf_stat {
	SF_STAT_SYSCALLS = 0,    /* tracked syscalls seen */
	SF_STAT_COUNTS_FULL,     /* "counts" map full: tuples lost */
	SF_STAT_SITES_FULL,      /* "sites" map full */
	SF_STAT_TRACKED_FULL,    /* "tracked" map full: a child not tracked */
	SF_STAT_FIND_VMA_BUSY,   /* bpf_find_vma returned -EBUSY */
	SF_STAT_FIND_VMA_FAIL,   /* bpf_find_vma: no mapping */
	SF_STAT_VMA_CACHE_HIT,
	SF_STAT_VMA_CACHE_MISS,
	SF_STAT_UNWIND_FAILED,
	SF_STAT_DEPTH_LIMIT,
	SF_STAT_EVENTS_DROPPED,  /* ring buffer full */
	SF_STAT_NEW_TUPLES,      /* first sightings of a count key */
	SF_STAT_VIOLATIONS,      /* enforce: calls judged outside the rules */
	SF_STAT_VIOL_UNREPORTED, /* ... of which not reported (rate limit) */
	SF_STAT_KILLS,           /* bpf_send_signal(SIGKILL) sent */
	/* Stage profile (built with `make PROFILE=1` only): total ns spent and
	 * samples, per stage of a tracked call. */
	SF_STAT_PROF_FILTER_NS,  /* entry -> tracked/config checks done */
	SF_STAT_PROF_UNWIND_NS,  /* -> caller known (cache or unwinder) */
	SF_STAT_PROF_RECORD_NS,  /* -> counted (learn) or judged (enforce) */
	SF_STAT_PROF_SAMPLES,
	SF_STAT_UNWIND_MISS,     /* tracked calls that ran the full unwinder
				  * (the others were answered by the per-thread
				  * unwind cache); counted in every build */
	SF_STAT_FLOOR_KILLS,     /* enforce: processes killed by the seccomp floor */
	SF_STAT_VIOL_KEYS_FULL,  /* "viol_agg" map full: a repeat sent as an event */
	SF_STAT_OBJS_FULL,       /* "objs" map full: a path or port not recorded */
	SF_STAT__COUNT,
};

/* Ring buffer "events". */
enum sf_event_type {
	SF_EV_NEW_LIB = 1,  /* first sight of a library (dev, ino) */
	SF_EV_EXEC = 2,     /* a tracked process exec'd */
	SF_EV_FORK = 3,     /* a tracked process created a child process */
	SF_EV_EXIT = 4,     /* a tracked process (whole thread group) exited */
	SF_EV_VIOLATION = 5, /* enforce: a call outside the rules */
	SF_EV_OBJECT = 6,   /* learn: first sight of a (library, call, path|port) */
	SF_EV_FLOOR_DENIED = 7, /* enforce: a path or port call of a tracked
				 * process returned EACCES under the Landlock
				 * floor (struct sf_event_object) */
};

#define SF_PATH_COMPONENTS 16
#define SF_NAME_LEN 64
#define SF_COMM_LEN 16

struct sf_event_hdr {
	__u32 type;
	__u32 tgid;
	__u32 pid;
	__u32 ppid;    /* SF_EV_FORK: parent tgid */
	__u64 ts;      /* bpf_ktime_get_ns() */
};

/* SF_EV_NEW_LIB and SF_EV_EXEC: identity plus the file's path components,
 * leaf first (name[0] = basename), as walked through dentries and mounts.
 * User space verifies the joined path by stat() and falls back to
 * /proc/<pid>/map_files when it does not match. */
struct sf_event_file {
	struct sf_event_hdr hdr;
	__u64 ino;
	__u32 dev;
	__u32 ncomp;   /* components filled; SF_PATH_COMPONENTS + 1 = truncated */
	__u64 map_start; /* an address inside the mapping (for map_files) */
	char comm[SF_COMM_LEN];
	char name[SF_PATH_COMPONENTS][SF_NAME_LEN];
};

/*
 * Hash "viol_agg": one entry per distinct violation (process binary,
 * library, syscall, recorded arguments), so that repeats are counted, not
 * sent one by one: the JSON log stays complete and small.
 */
struct sf_viol_key {
	__u64 exe_ino;      /* the process's executable (mm->exe_file) */
	__u32 exe_dev;
	__u32 nr;
	__u64 ino;          /* calling library (dev 0: bucket) */
	__u32 dev;
	__u32 pad;
	__u64 arg[SF_NARGS];
};
struct sf_viol_val {
	__u64 count;
	__u64 first_ts;     /* bpf_ktime_get_ns() */
	__u64 last_ts;
};
#define SF_MAX_VIOL_KEYS 16384

/* sf_event_violation.flags */
#define SF_VF_FIRST (1u << 0)      /* first of its viol_agg key */
#define SF_VF_OVER_LIMIT (1u << 1) /* past the process's --report-limit */

struct sf_event_violation {
	struct sf_event_hdr hdr;
	__u64 ino;          /* library (dev 0: bucket) */
	__u32 dev;
	__u32 nr;
	__u64 arg[SF_NARGS];
	__u64 off;          /* call site: file offset in the library */
	__u32 reason;       /* enum sf_violation */
	__u32 action;       /* enum sf_action taken */
	__u32 policy;
	__u32 bucket;       /* original bucket when judged against the union */
	char comm[SF_COMM_LEN];
	__u64 exe_ino;      /* the process's executable */
	__u32 exe_dev;
	__u32 flags;        /* SF_VF_* */
	__u64 regs[6];      /* the six syscall argument registers */
};

/* Program "sf_task_regs" (BPF_PROG_TEST_RUN context): the user registers
 * of thread tid (init pid namespace) while it is blocked in the kernel. */
struct sf_task_regs {
	__u32 tid;
	__u32 ok;     /* out: 1 = filled */
	__u32 tgid;   /* out */
	__u32 pad;
	__u64 nr;     /* out: orig_ax */
	__u64 ip, sp, bp, di;
};

/*
 * Objects of calls: paths and ports (learn mode; issue 17).  For the
 * path-taking calls the BPF side reads the path as the program passed it
 * (bounded, into a per-CPU scratch value) and, when it is relative, names
 * the directory it is relative to (the cwd or the dirfd's file) by its
 * dentry; for bind/connect it reads the socket address.  Hash "objs":
 * sf_obj_key -> __u64 calls; the first sight of a key sends an
 * SF_EV_OBJECT event with the base directory's path components, so user
 * space resolves relative paths without racing the process's cwd.
 */
#define SF_OBJ_PATH_LEN 256
#define SF_MAX_OBJS 16384
enum sf_obj_kind {
	SF_OBJ_PATH = 1,  /* path[] = the path argument (slot: 0 first, 1 second) */
	SF_OBJ_INET = 2,  /* aux = family << 24 | class << 16 | port */
	SF_OBJ_UNIX = 3,  /* path[] = sun_path (abstract: leading '@') */
};
enum sf_addr_class {
	SF_ADDR_OTHER = 0,
	SF_ADDR_LOOPBACK = 1,
	SF_ADDR_ANY = 2,
};
#define SF_OBJ_AUX_INET(fam, cls, port) (((__u32)(fam) << 24) | ((__u32)(cls) << 16) | (port))
struct sf_obj_key {
	__u64 ino;
	__u32 dev;
	__u32 nr;
	__u64 base;   /* relative path: id of the base directory (dentry); 0 */
	__u32 aux;    /* PATH: flags argument (open flags, AT_*); INET: above */
	__u16 kind;   /* enum sf_obj_kind */
	__u16 slot;   /* which path argument of the call (rename: 0 old, 1 new) */
	char path[SF_OBJ_PATH_LEN];
};
struct sf_event_object {
	struct sf_event_hdr hdr;
	struct sf_obj_key key;
	__s32 ret;     /* SF_EV_FLOOR_DENIED: the call's return value */
	__u32 ncomp;   /* base directory components, leaf first; 0 = none,
			* SF_PATH_COMPONENTS + 1 = truncated */
	__u64 exe_ino; /* SF_EV_FLOOR_DENIED: the process's executable; the */
	__u32 exe_dev; /* key's (dev, ino) name the calling library, 0 when */
	__u32 pad;     /* the caller was not kept (docs/paths.md) */
	char comm[SF_COMM_LEN];
	char base[SF_PATH_COMPONENTS][SF_NAME_LEN];
};

/* ---- x86_64 syscall numbers the BPF side needs to know ----------------- */
#define SF_NR_MMAP 9
#define SF_NR_MPROTECT 10
#define SF_NR_MREMAP 25
#define SF_NR_SHMAT 30
#define SF_NR_EXECVE 59
#define SF_NR_REMAP_FILE_PAGES 216
#define SF_NR_EXECVEAT 322
#define SF_NR_PKEY_MPROTECT 329
#define SF_PROT_EXEC 0x4

#endif /* SYSFENCE_H */
