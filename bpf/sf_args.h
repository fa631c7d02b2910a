/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * sf_args.h - THE argument table: which argument(s) of a syscall are
 * recorded and judged, and how they are normalised.  Included by the BPF
 * program (recording, enforcement) and by the learner (generalisation,
 * policy conditions, display).  Nowhere duplicated.
 *
 * Normalised value = raw register & mask.  The mask drops noise bits that
 * never matter for a decision (O_CLOEXEC, SOCK_NONBLOCK, FUTEX_PRIVATE_FLAG,
 * a signal number's upper register bits...).  Pointer arguments are never
 * recorded: their target could change between check and use.  One
 * exception, SF_ARGF_MEM: clone3's flags exist only in memory, and they
 * alone say whether the call makes a thread or a process; BPF reads them
 * (per-library rules), seccomp never does (the floor allows clone3 with
 * any flags once a unit may call it).
 *
 * Kinds:
 *   FLAGS        a bit set; rule = allowed bits, value & ~allowed == 0
 *   ENUM         one value of a set; rule = set of learned values
 *   MASKED_ENUM  an ENUM after masking noise bits (socket type, futex op)
 *   PAIR         an ENUM judged together with slot 0 of the same syscall:
 *                a rule's values are (slot-0 value << 32 | value) pairs,
 *                so setsockopt(SOL_SOCKET, SO_REUSEADDR) and
 *                (IPPROTO_TCP, TCP_NODELAY) never allow the cross pair
 *                (SOL_SOCKET, 1 = SO_DEBUG).  Both slots' masks are 32-bit.
 *                The recorded value is the slot's own (trace tuples and
 *                count keys hold both slots of one call: the pair).
 */
#ifndef SF_ARGS_H
#define SF_ARGS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include "sysfence.h" /* SF_NR_MAX, SF_NARGS */

enum sf_arg_kind {
	SF_ARGK_NONE = 0,
	SF_ARGK_FLAGS = 1,
	SF_ARGK_ENUM = 2,
	SF_ARGK_MASKED_ENUM = 3,
	SF_ARGK_PAIR = 4,
};

/* The value a PAIR slot's rule holds for one call: slot 0's normalised
 * value in the high half, the slot's own in the low half. */
#define SF_PAIR_KEY(a0, a1) ((((__u64)(a0) & 0xffffffffULL) << 32) | ((__u64)(a1) & 0xffffffffULL))
#define SF_PAIR_FIRST(k) ((__u64)(k) >> 32)
#define SF_PAIR_SECOND(k) ((__u64)(k) & 0xffffffffULL)

/* Symbol tables for display (learner/argnames.c) are selected by this. */
enum sf_arg_sym {
	SF_SYM_NONE = 0,
	SF_SYM_OPEN_FLAGS, SF_SYM_AF, SF_SYM_SOCK_TYPE, SF_SYM_PROT,
	SF_SYM_CLONE_FLAGS, SF_SYM_NS_TYPE, SF_SYM_IOCTL, SF_SYM_FCNTL,
	SF_SYM_PRCTL, SF_SYM_SOL, SF_SYM_SOCKOPT, SF_SYM_SIGNAL, SF_SYM_PERSONA,
	SF_SYM_MADV, SF_SYM_FUTEX, SF_SYM_BPF_CMD, SF_SYM_PTRACE, SF_SYM_KEYCTL,
	SF_SYM_FD_FLAGS, SF_SYM_MS_FLAGS, SF_SYM_RLIMIT, SF_SYM_MEMBARRIER,
	SF_SYM_CLOCK, SF_SYM_MAP_FLAGS, SF_SYM_ARCH_PRCTL, SF_SYM_SIGHOW,
	SF_SYM_SECCOMP_OP, SF_SYM_GRND, SF_SYM_MFD, SF_SYM_UMOUNT, SF_SYM_MREMAP,
	SF_SYM__COUNT,
};

struct sf_argslot {
	__u8 idx;   /* argument index 0..5 */
	__u8 kind;  /* enum sf_arg_kind; NONE = slot unused */
	__u8 sym;   /* enum sf_arg_sym */
	__u8 flags; /* SF_ARGF_* */
	__u32 pad2;
	__u64 mask; /* normalised = raw & mask */
};

#define SF_ARG_SLOTS SF_NARGS
struct sf_argspec {
	struct sf_argslot slot[SF_ARG_SLOTS];
};

#define SF_ARGSPEC_NR_MAX SF_NR_MAX /* table covers syscall numbers below this */

#define SF_M32 0xffffffffULL
#define SF_M64 0xffffffffffffffffULL
/* open: O_CLOEXEC (02000000) and O_LARGEFILE (0100000) are never decisive */
#define SF_OPEN_MASK (SF_M32 & ~(02000000ULL | 0100000ULL))
/* socket type: SOCK_NONBLOCK (04000) | SOCK_CLOEXEC (02000000) */
#define SF_SOCKTYPE_MASK (SF_M32 & ~(04000ULL | 02000000ULL))
/* futex op: FUTEX_PRIVATE_FLAG (128) | FUTEX_CLOCK_REALTIME (256) */
#define SF_FUTEX_MASK (SF_M32 & ~(128ULL | 256ULL))
/* clone: the low byte is the exit signal, not a flag */
#define SF_CLONE_MASK (SF_M64 & ~0xffULL)
/* *_CLOEXEC-style creation flags: O_CLOEXEC is not decisive */
#define SF_FDFLAGS_MASK (SF_M32 & ~02000000ULL)

#define SF_SLOT(i, k, s, m) { .idx = (i), .kind = SF_ARGK_##k, .sym = SF_SYM_##s, .mask = (m) }
/* The value is the u64 that argument i points to, not the register: BPF
 * reads it at sys_enter (clone3's struct clone_args starts with flags).
 * Seccomp cannot read memory, so the floor never checks such a slot; and
 * the BPF read is not race-free (another thread may change the memory
 * before the kernel copies it). */
#define SF_ARGF_MEM 0x1
#define SF_SLOT_MEM(i, k, s, m) { .idx = (i), .kind = SF_ARGK_##k, .sym = SF_SYM_##s, \
				  .flags = SF_ARGF_MEM, .mask = (m) }
#define SF_SPEC1(i, k, s, m) { .slot = { SF_SLOT(i, k, s, m) } }
#define SF_SPEC2(i, k, s, m, j, l, t, n) { .slot = { SF_SLOT(i, k, s, m), SF_SLOT(j, l, t, n) } }

/* x86_64 numbers.  Keep sorted by number; README documents each row. */
static const struct sf_argspec sf_argspecs[SF_ARGSPEC_NR_MAX] = {
	[2]   = SF_SPEC1(1, FLAGS, OPEN_FLAGS, SF_OPEN_MASK),          /* open */
	[9]   = SF_SPEC1(2, FLAGS, PROT, SF_M32),                      /* mmap prot */
	[10]  = SF_SPEC1(2, FLAGS, PROT, SF_M32),                      /* mprotect */
	[13]  = SF_SPEC1(0, ENUM, SIGNAL, SF_M32),                     /* rt_sigaction */
	[14]  = SF_SPEC1(0, ENUM, SIGHOW, SF_M32),                     /* rt_sigprocmask */
	[16]  = SF_SPEC1(1, ENUM, IOCTL, SF_M32),                      /* ioctl */
	[25]  = SF_SPEC1(3, FLAGS, MREMAP, SF_M32),                    /* mremap */
	[28]  = SF_SPEC1(2, ENUM, MADV, SF_M32),                       /* madvise */
	[41]  = SF_SPEC2(0, ENUM, AF, SF_M32, 1, MASKED_ENUM, SOCK_TYPE, SF_SOCKTYPE_MASK), /* socket */
	[53]  = SF_SPEC2(0, ENUM, AF, SF_M32, 1, MASKED_ENUM, SOCK_TYPE, SF_SOCKTYPE_MASK), /* socketpair */
	[54]  = SF_SPEC2(1, ENUM, SOL, SF_M32, 2, PAIR, SOCKOPT, SF_M32),  /* setsockopt */
	[55]  = SF_SPEC2(1, ENUM, SOL, SF_M32, 2, PAIR, SOCKOPT, SF_M32),  /* getsockopt */
	[56]  = SF_SPEC1(0, FLAGS, CLONE_FLAGS, SF_CLONE_MASK),        /* clone */
	[62]  = SF_SPEC1(1, ENUM, SIGNAL, SF_M32),                     /* kill */
	[72]  = SF_SPEC1(1, ENUM, FCNTL, SF_M32),                      /* fcntl */
	[97]  = SF_SPEC1(0, ENUM, RLIMIT, SF_M32),                     /* getrlimit */
	[101] = SF_SPEC1(0, ENUM, PTRACE, SF_M32),                     /* ptrace */
	[135] = SF_SPEC1(0, ENUM, PERSONA, SF_M32),                    /* personality */
	[157] = SF_SPEC1(0, ENUM, PRCTL, SF_M32),                      /* prctl */
	[158] = SF_SPEC1(0, ENUM, ARCH_PRCTL, SF_M32),                 /* arch_prctl */
	[160] = SF_SPEC1(0, ENUM, RLIMIT, SF_M32),                     /* setrlimit */
	[165] = SF_SPEC1(3, FLAGS, MS_FLAGS, SF_M32)   ,           /* mount */
	[166] = SF_SPEC1(1, FLAGS, UMOUNT, SF_M32),                    /* umount2 */
	[200] = SF_SPEC1(1, ENUM, SIGNAL, SF_M32),                     /* tkill */
	[202] = SF_SPEC1(1, MASKED_ENUM, FUTEX, SF_FUTEX_MASK),        /* futex */
	[234] = SF_SPEC1(2, ENUM, SIGNAL, SF_M32),                     /* tgkill */
	[250] = SF_SPEC1(0, ENUM, KEYCTL, SF_M32),                     /* keyctl */
	[257] = SF_SPEC1(2, FLAGS, OPEN_FLAGS, SF_OPEN_MASK),          /* openat */
	[272] = SF_SPEC1(0, FLAGS, CLONE_FLAGS, SF_M32),               /* unshare */
	[283] = SF_SPEC2(0, ENUM, CLOCK, SF_M32, 1, FLAGS, FD_FLAGS, SF_FDFLAGS_MASK), /* timerfd_create */
	[288] = SF_SPEC1(3, FLAGS, FD_FLAGS, SF_FDFLAGS_MASK),         /* accept4 */
	[289] = SF_SPEC1(3, FLAGS, FD_FLAGS, SF_FDFLAGS_MASK),         /* signalfd4 */
	[290] = SF_SPEC1(1, FLAGS, FD_FLAGS, SF_FDFLAGS_MASK),         /* eventfd2 */
	[291] = SF_SPEC1(0, FLAGS, FD_FLAGS, SF_FDFLAGS_MASK),         /* epoll_create1 */
	[292] = SF_SPEC1(2, FLAGS, FD_FLAGS, SF_FDFLAGS_MASK),         /* dup3 */
	[293] = SF_SPEC1(1, FLAGS, FD_FLAGS, SF_FDFLAGS_MASK),         /* pipe2 */
	[294] = SF_SPEC1(0, FLAGS, FD_FLAGS, SF_FDFLAGS_MASK),         /* inotify_init1 */
	[302] = SF_SPEC1(1, ENUM, RLIMIT, SF_M32),                     /* prlimit64 */
	[308] = SF_SPEC1(1, ENUM, NS_TYPE, SF_M32),                    /* setns */
	[317] = SF_SPEC1(0, ENUM, SECCOMP_OP, SF_M32),                 /* seccomp */
	[318] = SF_SPEC1(2, FLAGS, GRND, SF_M32),                      /* getrandom */
	[319] = SF_SPEC1(1, FLAGS, MFD, SF_FDFLAGS_MASK),              /* memfd_create */
	[321] = SF_SPEC1(0, ENUM, BPF_CMD, SF_M32),                    /* bpf */
	[324] = SF_SPEC1(0, ENUM, MEMBARRIER, SF_M32),                 /* membarrier */
	[329] = SF_SPEC1(2, FLAGS, PROT, SF_M32),                      /* pkey_mprotect */
	/* clone3: clone_args.flags, exact values (a thread's flags are one
	 * constant in libc; a subset of them would be a new process) */
	[435] = { .slot = { SF_SLOT_MEM(0, ENUM, CLONE_FLAGS, SF_M64) } },
};

/* ---- enforcement rule (kernel side of a policy's argument conditions) --- */
#define SF_RULE_MAX_VALUES 16 /* = the learner's default --max-values */

#define SF_RULE_ANY_ARGS (1u << 0) /* no argument condition at all */

struct sf_argrule {
	__u8 kind;     /* enum sf_arg_kind; NONE = any value */
	__u8 any;      /* 1 = widened: any value */
	__u8 nvals;    /* ENUM/MASKED_ENUM/PAIR: values[0..nvals), sorted;
			* PAIR: SF_PAIR_KEY(slot 0, this slot) */
	__u8 pad[5];
	__u64 allowed; /* FLAGS: allowed bits */
	__u64 deny_all_of; /* FLAGS: deny when all these bits are set (W^X) */
	__u64 values[SF_RULE_MAX_VALUES];
};

struct sf_rule {
	__u32 flags;   /* SF_RULE_* */
	__u32 pad;
	struct sf_argrule arg[SF_ARG_SLOTS];
};

/* ---- the decision (one implementation: BPF judge() and the gate's
 * supervisor in user space, tracer/gate.c, both call these) ------------ */
enum sf_judge_result {
	SF_JUDGE_OK = 0,
	SF_JUDGE_UNKNOWN_LIB = 1, /* = SF_VIOL_UNKNOWN_LIB */
	SF_JUDGE_SYSCALL = 2,     /* = SF_VIOL_SYSCALL */
	SF_JUDGE_ARG = 3,         /* = SF_VIOL_ARG */
};

static inline __attribute__((always_inline)) int
sf_arg_allowed(const struct sf_argrule *r, __u64 v)
{
	if (r->kind == SF_ARGK_NONE || r->any)
		return 1;
	if (r->kind == SF_ARGK_FLAGS)
		return !(v & ~r->allowed) &&
		       !(r->deny_all_of && (v & r->deny_all_of) == r->deny_all_of);
	for (int i = 0; i < SF_RULE_MAX_VALUES; i++) {
		if (i >= r->nvals)
			break;
		if (r->values[i] == v)
			return 1;
	}
	return 0;
}

/* Given the lookups of the caller's library (policy_libs entry, NULL = not
 * in the policy) and of its rule for this syscall (NULL = none), and the
 * normalised arguments: 0 = allowed, else enum sf_violation. */
static inline __attribute__((always_inline)) __u32
sf_decide(const void *in_policy, const struct sf_rule *rule, const __u64 arg[2])
{
	if (!in_policy)
		return SF_JUDGE_UNKNOWN_LIB;
	if (!rule)
		return SF_JUDGE_SYSCALL;
	if (rule->flags & SF_RULE_ANY_ARGS)
		return SF_JUDGE_OK;
	if (!sf_arg_allowed(&rule->arg[0], arg[0]) ||
	    !sf_arg_allowed(&rule->arg[1], rule->arg[1].kind == SF_ARGK_PAIR ?
				SF_PAIR_KEY(arg[0], arg[1]) : arg[1]))
		return SF_JUDGE_ARG;
	return SF_JUDGE_OK;
}

#endif /* SF_ARGS_H */
