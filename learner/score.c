/* score.c - dangerous-syscall weights and the per-policy privilege score.
 *
 * The metric follows the per-library filtering literature ("Fine-Grained
 * Linux System Call Filtering"): count what each unit may call, with extra
 * weight for calls that widen the kernel attack surface or hand over
 * control of the machine.  Weights:
 *   20  replaces or extends kernel code, or controls the machine
 *   15  a documented local-root path (kernel CVEs) or a namespace escape
 *   10  privileged or blocked by Docker's default seccomp profile
 *   3-8 widens what an attacker can do (exec, mprotect, network, open)
 *   1   everything else
 * The sources name facts only: a CVE number, "blocked by Docker's default
 * profile" (moby profiles/seccomp/default.json), a kernel knob.  Keep the
 * table sorted by name (tests/unit/test_review.c checks).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "generalize.h"
#include "rules.h"
#include "score.h"
#include "syscalls.h"

#define DOCKER "blocked by Docker's default profile"
#define DOCKER_SYSADMIN "Docker's default profile allows it only with " \
			"CAP_SYS_ADMIN"

static const struct score_weight weights[] = {
	{ "_sysctl", 5, "obsolete; " DOCKER },
	{ "accept", 3, "accepts network peers (listening service)" },
	{ "accept4", 3, "accepts network peers (listening service)" },
	{ "acct", 10, "CAP_SYS_PACCT; " DOCKER },
	{ "add_key", 10, "kernel keyrings, the subsystem of CVE-2016-0728; "
			 DOCKER },
	{ "bind", 3, "opens a listening address" },
	{ "bpf", 20, "CVE-2017-16995, CVE-2021-3490 (verifier, local root); "
		     DOCKER },
	{ "chmod", 3, "can set setuid/setgid bits" },
	{ "chroot", 5, "CAP_SYS_CHROOT; escapes with a kept directory fd" },
	{ "clock_adjtime", 10, "CAP_SYS_TIME; " DOCKER },
	{ "clock_settime", 10, "CAP_SYS_TIME; " DOCKER },
	{ "clone", 4, "namespace flags (CLONE_NEWUSER, ...) " DOCKER
		      " without CAP_SYS_ADMIN" },
	{ "clone3", 10, "flags sit behind a pointer seccomp cannot read; "
			"Docker's default profile makes it fail with ENOSYS" },
	{ "connect", 3, "reaches network peers" },
	{ "create_module", 5, "obsolete; " DOCKER },
	{ "delete_module", 15, "CAP_SYS_MODULE; " DOCKER },
	{ "execve", 8, "runs a new program: the usual goal of code-execution "
		       "exploits" },
	{ "execveat", 8, "runs a new program (fd-based, with memfd_create: "
			 "fileless)" },
	{ "fanotify_init", 5, "CAP_SYS_ADMIN; watches the whole file system" },
	{ "fchmod", 3, "can set setuid/setgid bits" },
	{ "fchmodat", 3, "can set setuid/setgid bits" },
	{ "finit_module", 20, "loads kernel code (CAP_SYS_MODULE); " DOCKER },
	{ "fsconfig", 15, "CVE-2022-0185 (legacy_parse_param overflow, "
			  "reachable from a user namespace); " DOCKER_SYSADMIN },
	{ "fsmount", 10, "new mount API; " DOCKER_SYSADMIN },
	{ "fsopen", 10, "new mount API; " DOCKER_SYSADMIN },
	{ "fspick", 10, "new mount API; " DOCKER_SYSADMIN },
	{ "futex", 4, "CVE-2014-3153 (futex requeue local root)" },
	{ "get_kernel_syms", 5, "obsolete; " DOCKER },
	{ "get_mempolicy", 4, DOCKER },
	{ "init_module", 20, "loads kernel code (CAP_SYS_MODULE); " DOCKER },
	{ "io_uring_enter", 10, "io_uring; " DOCKER " since Docker 25" },
	{ "io_uring_register", 10, "io_uring; " DOCKER " since Docker 25" },
	{ "io_uring_setup", 15, "CVE-2022-29582, CVE-2023-2598; Google: most "
				"kCTF VRP kernel exploits of 2022 used io_uring; "
				DOCKER " since Docker 25" },
	{ "ioperm", 15, "raw I/O port access (CAP_SYS_RAWIO); " DOCKER },
	{ "iopl", 15, "raw I/O port access (CAP_SYS_RAWIO); " DOCKER },
	{ "kcmp", 5, "compares kernel objects of other processes; " DOCKER },
	{ "kexec_file_load", 20, "replaces the running kernel (CAP_SYS_BOOT); "
				 DOCKER },
	{ "kexec_load", 20, "replaces the running kernel (CAP_SYS_BOOT); "
			    DOCKER },
	{ "keyctl", 15, "CVE-2016-0728 (keyring refcount overflow, local root); "
			DOCKER },
	{ "listen", 3, "accepts network peers (listening service)" },
	{ "lookup_dcookie", 5, "CAP_SYS_ADMIN; " DOCKER },
	{ "mbind", 4, DOCKER },
	{ "memfd_create", 3, "anonymous executable files (fileless execution)" },
	{ "migrate_pages", 4, "moves other processes' memory (CAP_SYS_NICE)" },
	{ "modify_ldt", 5, "x86 LDT; CONFIG_MODIFY_LDT_SYSCALL lets kernels "
			   "drop it" },
	{ "mount", 15, "CAP_SYS_ADMIN; " DOCKER },
	{ "mount_setattr", 10, "new mount API; " DOCKER_SYSADMIN },
	{ "move_mount", 10, "new mount API; " DOCKER_SYSADMIN },
	{ "move_pages", 4, DOCKER },
	{ "mprotect", 4, "makes memory executable (shellcode, ROP stage two)" },
	{ "name_to_handle_at", 5, DOCKER },
	{ "nfsservctl", 5, "obsolete; " DOCKER },
	{ "open", 3, "opens any path the process may reach (the path is a "
		     "pointer seccomp cannot check)" },
	{ "open_by_handle_at", 15, "used by the 2014 'shocker' container "
				   "escape (CAP_DAC_READ_SEARCH); " DOCKER },
	{ "open_tree", 10, "new mount API; " DOCKER_SYSADMIN },
	{ "openat", 3, "opens any path the process may reach (the path is a "
		       "pointer seccomp cannot check)" },
	{ "openat2", 3, "opens any path the process may reach" },
	{ "perf_event_open", 15, "CVE-2013-2094 (perf_swevent_init local root); "
				 DOCKER },
	{ "personality", 4, "Docker's default profile allows a few personas "
			    "only" },
	{ "pidfd_getfd", 8, "takes a descriptor out of another process "
			    "(ptrace access)" },
	{ "pivot_root", 15, "changes the root file system (CAP_SYS_ADMIN); "
			    DOCKER },
	{ "prctl", 3, "changes dumpable, no_new_privs, seccomp state" },
	{ "process_madvise", 5, "acts on another process's memory" },
	{ "process_vm_readv", 10, "reads another process's memory; " DOCKER },
	{ "process_vm_writev", 15, "writes another process's memory; " DOCKER },
	{ "ptrace", 15, "CVE-2019-13272 (PTRACE_TRACEME local root); controls "
			"other processes; Docker allows it on kernels >= 4.8 "
			"only" },
	{ "query_module", 5, "obsolete; " DOCKER },
	{ "quotactl", 10, "CAP_SYS_ADMIN; " DOCKER },
	{ "reboot", 20, "CAP_SYS_BOOT; " DOCKER },
	{ "request_key", 10, "kernel keyrings, the subsystem of CVE-2016-0728; "
			     DOCKER },
	{ "set_mempolicy", 4, DOCKER },
	{ "setdomainname", 5, "CAP_SYS_ADMIN (in its UTS namespace)" },
	{ "setfsgid", 5, "changes credentials" },
	{ "setfsuid", 5, "changes credentials" },
	{ "setgid", 5, "changes credentials" },
	{ "setgroups", 5, "changes credentials" },
	{ "sethostname", 5, "CAP_SYS_ADMIN (in its UTS namespace)" },
	{ "setns", 15, "joins other namespaces; " DOCKER },
	{ "setregid", 5, "changes credentials" },
	{ "setresgid", 5, "changes credentials" },
	{ "setresuid", 5, "changes credentials" },
	{ "setreuid", 5, "changes credentials" },
	{ "settimeofday", 10, "CAP_SYS_TIME; " DOCKER },
	{ "setuid", 5, "changes credentials" },
	{ "socket", 3, "network and netlink access; many kernel CVEs sit in "
		       "protocol families" },
	{ "splice", 3, "CVE-2022-0847 (Dirty Pipe)" },
	{ "swapoff", 10, "CAP_SYS_ADMIN; " DOCKER },
	{ "swapon", 10, "CAP_SYS_ADMIN; " DOCKER },
	{ "sysfs", 5, "obsolete; " DOCKER },
	{ "syslog", 5, "kernel log (address leaks), CAP_SYSLOG" },
	{ "umount2", 10, "CAP_SYS_ADMIN; " DOCKER },
	{ "unshare", 15, "user namespaces expose root-only kernel code to "
			 "unprivileged users (e.g. CVE-2022-0185); " DOCKER },
	{ "uselib", 10, "obsolete; CVE-2004-1235 (uselib race); " DOCKER },
	{ "userfaultfd", 15, "stalls page faults to win kernel races in "
			     "exploits; vm.unprivileged_userfaultfd; " DOCKER },
	{ "ustat", 5, "obsolete; " DOCKER },
	{ "vhangup", 5, "CAP_SYS_TTY_CONFIG" },
	{ "vmsplice", 5, "CVE-2008-0600 (vmsplice local root)" },
};

#define NWEIGHTS (sizeof(weights) / sizeof(weights[0]))

const struct score_weight *score__weights(size_t *n)
{
	if (n)
		*n = NWEIGHTS;
	return weights;
}

static const struct score_weight *find_weight(const char *name)
{
	size_t lo = 0, hi = NWEIGHTS;

	while (name && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, weights[mid].name);

		if (!c)
			return &weights[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

unsigned score__weight(uint32_t nr)
{
	const struct score_weight *w = find_weight(syscall__name(nr));

	return w ? w->weight : 1;
}

enum risk score__risk_of_weight(unsigned weight)
{
	if (weight >= 10)
		return RISK_HIGH;
	if (weight >= 3)
		return RISK_MEDIUM;
	return RISK_LOW;
}

enum risk score__risk(uint32_t nr)
{
	return score__risk_of_weight(score__weight(nr));
}

const char *score__unit_kind_name(uint32_t kind)
{
	return kind == SCORE_UNIT_COMPARTMENT ? "compartment" :
	       lib_kind__name(kind);
}

const char *score__risk_name(enum risk r)
{
	switch (r) {
	case RISK_HIGH:
		return "high";
	case RISK_MEDIUM:
		return "medium";
	default:
		return "low";
	}
}

int score__parse_risk(const char *s, enum risk *out)
{
	for (int r = RISK_LOW; r <= RISK_HIGH; r++)
		if (s && !strcmp(s, score__risk_name((enum risk)r))) {
			*out = (enum risk)r;
			return 0;
		}
	return -EINVAL;
}

uint64_t score__set(const bool *set)
{
	uint64_t s = 0;

	for (uint32_t nr = 0; set && nr < SYSCALL_NR_MAX; nr++)
		if (set[nr])
			s += score__weight(nr);
	return s;
}

uint64_t score__none(size_t *count)
{
	uint64_t s = 0;
	size_t n = 0;

	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++)
		if (syscall__name(nr)) {
			s += score__weight(nr);
			n++;
		}
	if (count)
		*count = n;
	return s;
}

double score__reduction(uint64_t part, uint64_t whole)
{
	if (!whole)
		return 0.0;
	return 100.0 * (1.0 - (double)part / (double)whole);
}

void score__free(struct score_report *r)
{
	if (!r)
		return;
	free(r->units);
	free(r);
}

static size_t set_count(const bool *set)
{
	size_t n = 0;

	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++)
		n += set[nr];
	return n;
}

static void set_add_lib(bool *set, const struct policy_lib *l)
{
	for (size_t k = 0; k < l->nsyscalls; k++)
		if (l->syscalls[k].nr < SYSCALL_NR_MAX)
			set[l->syscalls[k].nr] = true;
}

/* Only the syscalls with an observed rule (not inferred-only). */
static void set_add_observed(bool *set, const struct policy_lib *l)
{
	for (size_t k = 0; k < l->nsyscalls; k++)
		if (l->syscalls[k].nr < SYSCALL_NR_MAX &&
		    (!l->syscalls[k].inferred || l->syscalls[k].observed))
			set[l->syscalls[k].nr] = true;
}

static size_t set_dangerous(const bool *set)
{
	size_t n = 0;

	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++)
		n += set[nr] && score__risk(nr) != RISK_LOW;
	return n;
}

/* Fill u from its own set; buckets (the union of all bucket syscalls) are
 * added for everything but buckets. */
static void unit_fill(struct score_unit *u, const bool *own,
		      const bool *buckets, const bool *own_obs,
		      const bool *buckets_obs)
{
	bool eff[SYSCALL_NR_MAX];

	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++)
		eff[nr] = own_obs[nr] ||
			  (u->kind != SCORE_UNIT_BUCKET && buckets_obs[nr]);
	u->nobserved = set_count(eff);
	u->observed_score = score__set(eff);

	u->nown = set_count(own);
	u->own = score__set(own);
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++)
		eff[nr] = own[nr] || (u->kind != SCORE_UNIT_BUCKET && buckets[nr]);
	u->nsyscalls = set_count(eff);
	u->score = score__set(eff);
	u->ndangerous = set_dangerous(eff);
}

/* (level, option) pairs of setsockopt and getsockopt in a rule set. */
static void pairs_of(const struct rules_set *set, long out[2])
{
	static const char *const names[2] = { "setsockopt", "getsockopt" };

	for (int w = 0; w < 2; w++) {
		int nr = syscall__nr(names[w]);
		const struct policy_syscall *sc;

		out[w] = SCORE_PAIRS_NONE;
		if (nr < 0 || nr >= SYSCALL_NR_MAX || !set->allowed[nr])
			continue;
		sc = &set->sc[nr];
		if (sc->nargs < 2 || sc->arg[0].kind == SF_ARGK_NONE || sc->arg[0].any ||
		    sc->arg[1].kind != SF_ARGK_PAIR || sc->arg[1].any)
			out[w] = SCORE_PAIRS_ANY;
		else
			out[w] = sc->arg[1].nvalues;
	}
}

int score__policy(const struct policy *p, struct score_report **out)
{
	bool buckets[SYSCALL_NR_MAX] = { false }, all[SYSCALL_NR_MAX] = { false };
	bool buckets_obs[SYSCALL_NR_MAX] = { false }, all_obs[SYSCALL_NR_MAX] = { false };
	bool own[SYSCALL_NR_MAX], own_obs[SYSCALL_NR_MAX];
	struct score_report *r;
	struct rules_set *set;
	bool any_nonbucket = false;

	if (!p || !out)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	set = malloc(sizeof(*set));
	if (r)
		r->units = calloc(p->nlibs + p->ncompartments + 1, sizeof(*r->units));
	if (!r || !r->units || !set) {
		free(set);
		score__free(r);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->nlibs; i++) {
		set_add_lib(all, &p->libs[i]);
		set_add_observed(all_obs, &p->libs[i]);
		if (p->libs[i].kind == LIB_KIND_BUCKET) {
			set_add_lib(buckets, &p->libs[i]);
			set_add_observed(buckets_obs, &p->libs[i]);
		}
		for (size_t k = 0; k < p->libs[i].nsyscalls; k++)
			r->ninferred += p->libs[i].syscalls[k].inferred &&
					!p->libs[i].syscalls[k].observed;
	}
	/* libraries outside any compartment, and buckets */
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];
		struct score_unit *u = &r->units[r->nunits];

		if (l->kind != LIB_KIND_BUCKET &&
		    policy__compartment_of(p, l->path) >= 0)
			continue;
		memset(own, 0, sizeof(own));
		memset(own_obs, 0, sizeof(own_obs));
		set_add_lib(own, l);
		set_add_observed(own_obs, l);
		u->name = l->path;
		u->kind = l->kind;
		unit_fill(u, own, buckets, own_obs, buckets_obs);
		if (rules__lib(p, i, set) == 0)
			pairs_of(set, u->sockopt);
		else
			u->sockopt[0] = u->sockopt[1] = SCORE_PAIRS_NONE;
		r->nunits++;
	}
	/* compartments: the union of their members present in the policy,
	 * the set enforce loads for each member (rules.h) */
	for (size_t c = 0; c < p->ncompartments; c++) {
		struct score_unit *u = &r->units[r->nunits];
		int rc = rules__compartment(p, c, set);

		if (rc) {
			free(set);
			score__free(r);
			return rc;
		}
		memcpy(own, set->allowed, sizeof(own));
		/* observed-only: the members' syscalls that were seen */
		memset(own_obs, 0, sizeof(own_obs));
		for (size_t i = 0; i < p->nlibs; i++)
			if (p->libs[i].kind != LIB_KIND_BUCKET &&
			    policy__compartment_of(p, p->libs[i].path) == (int)c)
				set_add_observed(own_obs, &p->libs[i]);
		u->name = p->compartments[c].name;
		u->kind = SCORE_UNIT_COMPARTMENT;
		unit_fill(u, own, buckets, own_obs, buckets_obs);
		pairs_of(set, u->sockopt);
		r->nunits++;
	}
	if (rules__union(p, set) == 0)
		pairs_of(set, r->union_sockopt);
	else
		r->union_sockopt[0] = r->union_sockopt[1] = SCORE_PAIRS_NONE;
	free(set);
	{
		struct policy_objs u;
		int rc = objects__union(p, &u);

		if (rc) {
			score__free(r);
			return rc;
		}
		objects__summarize(&u, &r->floor);
		objects__free(&u);
	}
	r->union_score = score__set(all);
	r->nunion = set_count(all);
	r->union_observed = score__set(all_obs);
	r->nunion_observed = set_count(all_obs);
	r->none = score__none(&r->nnone);
	r->max_unit = -1;
	for (size_t i = 0; i < r->nunits; i++)
		any_nonbucket |= r->units[i].kind != SCORE_UNIT_BUCKET;
	for (size_t i = 0; i < r->nunits; i++) {
		if (any_nonbucket && r->units[i].kind == SCORE_UNIT_BUCKET)
			continue;
		if (r->max_unit < 0 || r->units[i].score > r->max) {
			r->max = r->units[i].score;
			r->max_unit = (long)i;
		}
	}
	*out = r;
	return 0;
}
