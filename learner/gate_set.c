// SPDX-License-Identifier: GPL-2.0
/* gate_set.c - the dangerous-call table and the split cases of a policy
 * (see gate_set.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argnames.h"
#include "gate_set.h"
#include "generalize.h"
#include "syscalls.h"
#include "util.h"

/* open flags that write: O_WRONLY, O_RDWR, O_CREAT, O_TRUNC (O_TMPFILE and
 * O_APPEND need O_WRONLY/O_RDWR to do anything). */
#define GATE_OPEN_WRITE (01ULL | 02ULL | 0100ULL | 01000ULL)
#define GATE_PROT_EXEC 0x4ULL

#define ANY(name, c) { name, GATE_C_##c, GATE_ANY, 0, 0 }
#define FLAGS(name, c, i, m) { name, GATE_C_##c, GATE_FLAGS, i, m }
#define NONZERO(name, c, i) { name, GATE_C_##c, GATE_NONZERO, i, 0 }

/* Decisions where the issue is silent:
 * - sendto is gated only with a destination address (arg 4): a send on a
 *   connected socket opens no new capability, and it is a hot call.
 *   sendmsg/sendmmsg carry their destination behind a pointer (not
 *   judgeable without reading memory that can change): class net-msg,
 *   outside the default set.
 * - signals are gated when the signal is not 0 (0 only probes a pid);
 *   whether the target is another process is not known to seccomp, so a
 *   split kill() to self is paused too (it is not a hot call).
 * - openat2's flags are behind a pointer: every openat2 is gated when any
 *   unit may call it and another may not. */
const struct gate_case gate_cases[] = {
	ANY("execve", EXEC),
	ANY("execveat", EXEC),
	FLAGS("open", OPEN_WRITE, 1, GATE_OPEN_WRITE),
	FLAGS("openat", OPEN_WRITE, 2, GATE_OPEN_WRITE),
	ANY("creat", OPEN_WRITE),
	ANY("openat2", OPEN_WRITE),
	ANY("unlink", DELETE),
	ANY("unlinkat", DELETE),
	ANY("rmdir", DELETE),
	ANY("rename", RENAME),
	ANY("renameat", RENAME),
	ANY("renameat2", RENAME),
	ANY("mkdir", MKDIR),
	ANY("mkdirat", MKDIR),
	ANY("mknod", MKDIR),
	ANY("mknodat", MKDIR),
	ANY("link", LINK),
	ANY("linkat", LINK),
	ANY("symlink", LINK),
	ANY("symlinkat", LINK),
	ANY("chmod", CHMOD),
	ANY("fchmod", CHMOD),
	ANY("fchmodat", CHMOD),
	ANY("fchmodat2", CHMOD),
	ANY("chown", CHOWN),
	ANY("fchown", CHOWN),
	ANY("lchown", CHOWN),
	ANY("fchownat", CHOWN),
	ANY("socket", NET),
	ANY("connect", NET),
	ANY("bind", NET),
	ANY("listen", NET),
	NONZERO("sendto", NET, 4),
	NONZERO("kill", SIGNAL, 1),
	NONZERO("tkill", SIGNAL, 1),
	NONZERO("tgkill", SIGNAL, 2),
	NONZERO("pidfd_send_signal", SIGNAL, 1),
	NONZERO("rt_sigqueueinfo", SIGNAL, 1),
	NONZERO("rt_tgsigqueueinfo", SIGNAL, 2),
	ANY("ptrace", PTRACE),
	ANY("process_vm_writev", PTRACE),
	ANY("pidfd_getfd", PTRACE),
	FLAGS("mmap", EXEC_MEM, 2, GATE_PROT_EXEC),
	FLAGS("mprotect", EXEC_MEM, 2, GATE_PROT_EXEC),
	FLAGS("pkey_mprotect", EXEC_MEM, 2, GATE_PROT_EXEC),
	ANY("setuid", CRED),
	ANY("setgid", CRED),
	ANY("setreuid", CRED),
	ANY("setregid", CRED),
	ANY("setresuid", CRED),
	ANY("setresgid", CRED),
	ANY("setgroups", CRED),
	ANY("setfsuid", CRED),
	ANY("setfsgid", CRED),
	ANY("capset", CRED),
	ANY("sendmsg", NET_MSG),
	ANY("sendmmsg", NET_MSG),
};
const size_t gate_ncases = sizeof(gate_cases) / sizeof(gate_cases[0]);

static const char *const class_names[GATE_C__COUNT] = {
	[GATE_C_EXEC] = "exec",
	[GATE_C_OPEN_WRITE] = "open-write",
	[GATE_C_DELETE] = "delete",
	[GATE_C_RENAME] = "rename",
	[GATE_C_MKDIR] = "mkdir",
	[GATE_C_LINK] = "link",
	[GATE_C_CHMOD] = "chmod",
	[GATE_C_CHOWN] = "chown",
	[GATE_C_NET] = "net",
	[GATE_C_SIGNAL] = "signal",
	[GATE_C_PTRACE] = "ptrace",
	[GATE_C_EXEC_MEM] = "exec-mem",
	[GATE_C_CRED] = "cred",
	[GATE_C_NET_MSG] = "net-msg",
};

const char *gate__class_name(unsigned cls)
{
	return cls < GATE_C__COUNT ? class_names[cls] : NULL;
}

static uint64_t rows_of_classes(uint32_t classes)
{
	uint64_t rows = 0;

	for (size_t i = 0; i < gate_ncases; i++)
		if (classes & (1u << gate_cases[i].cls))
			rows |= 1ULL << i;
	return rows;
}

int gate__parse(const char *spec, uint32_t *classes, uint64_t *rows, char *err,
		size_t errlen)
{
	char *dup, *save = NULL, *tok;
	int ret = 0;

	*classes = 0;
	*rows = 0;
	if (!strcmp(spec, "off"))
		return 0;
	if (!strcmp(spec, "default")) {
		*classes = GATE_CLASSES_DEFAULT;
		*rows = rows_of_classes(*classes);
		return 0;
	}
	dup = strdup(spec);
	if (!dup) {
		util__errf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int found = 0;

		for (unsigned c = 0; c < GATE_C__COUNT; c++) {
			if (!strcmp(tok, class_names[c])) {
				*classes |= 1u << c;
				*rows |= rows_of_classes(1u << c);
				found = 1;
			}
		}
		for (size_t i = 0; i < gate_ncases && !found; i++) {
			if (!strcmp(tok, gate_cases[i].syscall)) {
				*classes |= 1u << gate_cases[i].cls;
				*rows |= 1ULL << i;
				found = 1;
			}
		}
		if (!found) {
			char names[512];
			size_t used = 0;

			for (unsigned c = 0; c < GATE_C__COUNT && used < sizeof(names); c++)
				used += (size_t)snprintf(names + used, sizeof(names) - used,
							 "%s%s", c ? ", " : "", class_names[c]);
			util__errf(err, errlen, "unknown gate class or syscall '%s' (classes: "
				   "%s; or a syscall of these classes; or off, default)", tok,
				   names);
			ret = -EINVAL;
			break;
		}
	}
	free(dup);
	return ret;
}

static const struct policy_syscall *find_syscall(const struct policy_lib *l, uint32_t nr)
{
	for (size_t i = 0; i < l->nsyscalls; i++)
		if (l->syscalls[i].nr == nr)
			return &l->syscalls[i];
	return NULL;
}

/* What a unit may do of case c (nr), as a comparable signature: 0 = none
 * of it.  ANY: 1.  FLAGS: the dangerous bits its rule allows.  NONZERO on
 * an enumerated argument: the set of non-zero values it allows (bit v, v
 * >= 64 -> bit 0); otherwise 1.  The rule semantics are enforce's
 * (rules__kernel_rule): no condition = any value; a widened slot = any. */
static uint64_t allowance(const struct gate_case *c, const struct policy_syscall *ps)
{
	const struct policy_argrule *r = NULL;

	if (!ps)
		return 0;
	if (c->match == GATE_ANY)
		return 1;
	if (gen__has_conditions(ps)) {
		for (unsigned i = 0; i < ps->nargs && i < SF_ARG_SLOTS; i++)
			if (ps->arg[i].idx == c->idx && ps->arg[i].kind != SF_ARGK_NONE)
				r = &ps->arg[i];
	}
	if (c->match == GATE_FLAGS) {
		if (!r || r->any || r->kind != SF_ARGK_FLAGS)
			return c->mask;
		return r->allowed & c->mask;
	}
	/* NONZERO */
	if (!r)
		return 1;
	if (r->any)
		return ~0ULL;
	{
		uint64_t set = 0;

		for (unsigned v = 0; v < r->nvalues && v < SF_RULE_MAX_VALUES; v++)
			if (r->values[v])
				set |= 1ULL << (r->values[v] < 64 ? r->values[v] : 0);
		return set;
	}
}

int gate__compute(const struct policy_lib *const *units, size_t nunits, uint64_t rows,
		  struct gate_set *out)
{
	memset(out, 0, sizeof(*out));
	if (!units && nunits)
		return -EINVAL;
	for (size_t i = 0; i < gate_ncases; i++) {
		const struct gate_case *c = &gate_cases[i];
		uint64_t any = 0, all = ~0ULL;
		uint32_t nallowed = 0;
		int nr;

		if (!(rows & (1ULL << i)))
			continue;
		nr = syscall__nr(c->syscall);
		if (nr < 0)
			continue; /* not a syscall of this architecture */
		for (size_t u = 0; u < nunits; u++) {
			uint64_t a = allowance(c, find_syscall(units[u], (uint32_t)nr));

			any |= a;
			all &= a;
			nallowed += a != 0;
		}
		if (!nunits || !any || any == all)
			continue; /* no unit, or every unit the same: not split */
		if (out->n == GATE_MAX_ENTRIES)
			return -E2BIG;
		out->e[out->n] = (struct gate_entry){
			.nr = (uint32_t)nr,
			.cls = c->cls,
			.match = c->match,
			.idx = c->idx,
			/* Only the bits some unit may not set need a decision. */
			.bits = c->match == GATE_FLAGS ? any & ~all : 0,
			.nallowed = nallowed,
			.nunits = (uint32_t)nunits,
		};
		out->n++;
	}
	return 0;
}

int gate__build_filter(const struct gate_set *g, scmp_filter_ctx *out, char *err,
		       size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret = 0;

	if (!ctx) {
		util__errf(err, errlen, "gate filter: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (size_t i = 0; i < g->n && !ret; i++) {
		const struct gate_entry *e = &g->e[i];

		switch (e->match) {
		case GATE_ANY:
			ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, (int)e->nr, 0);
			break;
		case GATE_NONZERO:
			ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, (int)e->nr, 1,
					       SCMP_CMP(e->idx, SCMP_CMP_NE, 0));
			break;
		case GATE_FLAGS:
			/* One rule per bit: notify when any of them is set. */
			for (unsigned b = 0; b < 64 && !ret; b++) {
				uint64_t bit = 1ULL << b;

				if (e->bits & bit)
					ret = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, (int)e->nr, 1,
							       SCMP_CMP(e->idx, SCMP_CMP_MASKED_EQ,
									bit, bit));
			}
			break;
		default:
			ret = -EINVAL;
		}
		if (ret) {
			const char *name = syscall__name(e->nr);

			util__errf(err, errlen, "gate rule for %s: %s", name ? name : "?",
				   strerror(-ret));
		}
	}
	if (ret) {
		seccomp_release(ctx);
		return ret;
	}
	*out = ctx;
	return 0;
}

int gate__matches(const struct gate_entry *e, const uint64_t args[6])
{
	uint64_t v = e->idx < 6 ? args[e->idx] : 0;

	switch (e->match) {
	case GATE_ANY:
		return 1;
	case GATE_NONZERO:
		return v != 0;
	case GATE_FLAGS:
		/* seccomp compares the low 32 bits for 32-bit arguments; flags
		 * of these calls are ints */
		return ((uint32_t)v & e->bits) != 0;
	default:
		return 0;
	}
}

void gate__describe(const struct gate_entry *e, char *buf, size_t len)
{
	const char *name = syscall__name(e->nr);
	char sym[160];

	name = name ? name : "?";
	switch (e->match) {
	case GATE_FLAGS: {
		int s = e->nr < SF_ARGSPEC_NR_MAX ? sf_argspecs[e->nr].slot[0].sym : 0;

		if (argname__format(s, e->bits, sym, sizeof(sym)) < 0)
			snprintf(sym, sizeof(sym), "0x%llx", (unsigned long long)e->bits);
		snprintf(buf, len, "%s (arg%u has %s)", name, e->idx, sym);
		break;
	}
	case GATE_NONZERO:
		snprintf(buf, len, "%s (arg%u != 0)", name, e->idx);
		break;
	default:
		snprintf(buf, len, "%s", name);
	}
}
