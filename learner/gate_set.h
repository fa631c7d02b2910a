/* gate_set.h - which dangerous calls the pre-effect gate pauses (issue 14).
 *
 * A *case* is a (syscall, argument class) pair of the dangerous-call table
 * (gate_set.c): e.g. openat with a write/create/truncate flag, kill with a
 * non-zero signal, mmap with PROT_EXEC.  A case is *split* when some units
 * of the policy (its libraries and buckets, each with the rules enforce
 * gives it: compartments joined) may make it and others may not, or not
 * with the same argument values.  Only split cases are gated: a case every
 * unit may make costs nothing, and one no unit may make is stopped by the
 * seccomp floor before the gate is consulted.
 *
 * Pure C: no syscalls; the seccomp filter is built in memory (libseccomp).
 */
#ifndef SF_GATE_SET_H
#define SF_GATE_SET_H

#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* How a case selects the calls of its syscall. */
enum gate_match {
	GATE_ANY = 0,     /* every call */
	GATE_FLAGS = 1,   /* arg[idx] & mask != 0 (a flag of mask is set) */
	GATE_NONZERO = 2, /* arg[idx] != 0 (a signal, a destination address) */
};

/* The classes of the dangerous-call table (bit i = class i). */
enum gate_class {
	GATE_C_EXEC = 0,   /* execve, execveat */
	GATE_C_OPEN_WRITE, /* open/openat with write/create/truncate, creat, openat2 */
	GATE_C_DELETE,     /* unlink, unlinkat, rmdir */
	GATE_C_RENAME,     /* rename, renameat, renameat2 */
	GATE_C_MKDIR,      /* mkdir, mkdirat, mknod, mknodat */
	GATE_C_LINK,       /* link, linkat, symlink, symlinkat */
	GATE_C_CHMOD,      /* chmod, fchmod, fchmodat, fchmodat2 */
	GATE_C_CHOWN,      /* chown, fchown, lchown, fchownat */
	GATE_C_NET,        /* socket, connect, bind, listen, sendto with an address */
	GATE_C_SIGNAL,     /* kill, tkill, tgkill, pidfd_send_signal, rt_(tg)sigqueueinfo */
	GATE_C_PTRACE,     /* ptrace, process_vm_writev, pidfd_getfd */
	GATE_C_EXEC_MEM,   /* mmap, mprotect, pkey_mprotect with PROT_EXEC */
	GATE_C_CRED,       /* set*id, setgroups, capset */
	GATE_C_NET_MSG,    /* sendmsg, sendmmsg (not in the default set) */
	GATE_C__COUNT,
};

#define GATE_CLASSES_DEFAULT (((1u << GATE_C__COUNT) - 1) & ~(1u << GATE_C_NET_MSG))

/* One row of the dangerous-call table. */
struct gate_case {
	const char *syscall;
	uint8_t cls;   /* enum gate_class */
	uint8_t match; /* enum gate_match */
	uint8_t idx;   /* argument index for FLAGS / NONZERO */
	uint64_t mask; /* FLAGS: the dangerous bits */
};
extern const struct gate_case gate_cases[];
extern const size_t gate_ncases;
const char *gate__class_name(unsigned cls);

/* One gated case of a policy. */
struct gate_entry {
	uint32_t nr;
	uint8_t cls, match, idx;
	uint64_t bits;     /* FLAGS: gate when arg & bits (the bits some unit
			    * may not set); otherwise 0 */
	uint32_t nallowed; /* units that may make the case (some of its values) */
	uint32_t nunits;
};

#define GATE_MAX_ENTRIES 64
struct gate_set {
	struct gate_entry e[GATE_MAX_ENTRIES];
	size_t n;
};

/* Parse --gate: "off" (0), "default" (GATE_CLASSES_DEFAULT), or a
 * comma-separated list of class names (gate__class_name) and syscall names
 * of the table (a syscall selects only its own case).  Fills *classes and
 * *syscalls (a bitmap over gate_cases rows: row i selected = bit i).
 * 0, or -EINVAL with a message in err. */
int gate__parse(const char *spec, uint32_t *classes, uint64_t *rows, char *err,
		size_t errlen);

/* The split cases among the selected rows, given every unit's rules (for
 * enforce: rules__lib() of each policy library, rules__to_lib()).  0 or -errno. */
int gate__compute(const struct policy_lib *const *units, size_t nunits, uint64_t rows,
		  struct gate_set *out);

/* Seccomp filter of the gate: default allow, SCMP_ACT_NOTIFY for the calls
 * of each entry (argument conditions for FLAGS and NONZERO).  Stacked on
 * the floor, whose KILL/ERRNO take precedence over NOTIFY.  0 or -errno
 * (message in err); *out to seccomp_release(). */
int gate__build_filter(const struct gate_set *g, scmp_filter_ctx *out, char *err,
		       size_t errlen);

/* Does this call (raw register arguments) fall under entry e? */
int gate__matches(const struct gate_entry *e, const uint64_t args[6]);

/* "openat(flags & O_WRONLY|O_CREAT)" style description of an entry. */
void gate__describe(const struct gate_entry *e, char *buf, size_t len);

#endif
