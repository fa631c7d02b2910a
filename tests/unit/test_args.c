/* test_args.c - argument rules: generalisation of each kind, threshold
 * widening, W^X, OCI args encoding, determinism, round trip, bad
 * conditions, symbolic names, the libseccomp union. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "argnames.h"
#include "generalize.h"
#include "intersect.h"
#include "policy.h"
#include "policy_read.h"
#include "policy_write.h"
#include "rules.h"
#include "seccomp_build.h"
#include "trace.h"
#include "skip.h"

#define NR_MMAP 9
#define NR_MPROTECT 10
#define NR_IOCTL 16
#define NR_SOCKET 41
#define NR_OPENAT 257
#define NR_READ 0
#define NR_EXIT_GROUP 231

struct obs {
	const char *lib;
	uint32_t nr;
	uint64_t a0, a1, count;
};

static struct trace *trace_of(const struct obs *o, size_t n, int reverse)
{
	struct trace *t = trace__new();

	assert_non_null(t);
	for (size_t k = 0; k < n; k++) {
		size_t i = reverse ? n - 1 - k : k;
		uint64_t arg[TRACE_NARGS] = { o[i].a0, o[i].a1 };
		int lib = trace__add_lib(t, o[i].lib, NULL, LIB_KIND_LIBRARY, 0, 0);

		assert_true(lib >= 0);
		assert_int_equal(trace__add_tuple(t, (uint32_t)lib, o[i].nr, arg,
						  o[i].count ? o[i].count : 1), 0);
	}
	return t;
}

static struct policy *policy_of(const struct obs *o, size_t n, unsigned maxv,
				int reverse)
{
	struct gen_opts opts = { maxv };
	struct trace *t = trace_of(o, n, reverse);
	struct policy *p = NULL;
	char err[256] = "";

	assert_int_equal(policy__from_trace_opts(t, &opts, &p, err, sizeof(err)), 0);
	trace__free(t);
	return p;
}

static const struct policy_syscall *find_sc(const struct policy *p,
					    const char *lib, uint32_t nr)
{
	for (size_t i = 0; i < p->nlibs; i++) {
		if (strcmp(p->libs[i].path, lib))
			continue;
		for (size_t k = 0; k < p->libs[i].nsyscalls; k++)
			if (p->libs[i].syscalls[k].nr == nr)
				return &p->libs[i].syscalls[k];
	}
	return NULL;
}

/* ---- generalisation ------------------------------------------------------- */

static void test_flags_union(void **state)
{
	const struct obs o[] = {
		{ "/l/a.so", NR_OPENAT, O_RDONLY | O_CLOEXEC, 0, 3 },
		{ "/l/a.so", NR_OPENAT, O_WRONLY | O_CREAT | O_TRUNC, 0, 1 },
	};
	struct policy *p;
	const struct policy_syscall *s;

	(void)state;
	p = policy_of(o, 2, 0, 0);
	s = find_sc(p, "/l/a.so", NR_OPENAT);
	assert_non_null(s);
	assert_int_equal(s->nargs, 1);
	assert_int_equal(s->arg[0].idx, 2);
	assert_int_equal(s->arg[0].kind, SF_ARGK_FLAGS);
	/* O_CLOEXEC is normalised away by the table's mask */
	assert_int_equal(s->arg[0].allowed, O_WRONLY | O_CREAT | O_TRUNC);
	assert_int_equal(s->arg[0].deny_all_of, 0);
	assert_int_equal(s->count, 4);
	policy__free(p);
}

static void test_enum_and_masked_enum(void **state)
{
	const struct obs o[] = {
		{ "/l/a.so", NR_SOCKET, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 1 },
		{ "/l/a.so", NR_SOCKET, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 1 },
		{ "/l/a.so", NR_SOCKET, AF_INET, SOCK_STREAM, 1 },
	};
	struct policy *p = policy_of(o, 3, 0, 0);
	const struct policy_syscall *s = find_sc(p, "/l/a.so", NR_SOCKET);

	(void)state;
	assert_non_null(s);
	assert_int_equal(s->nargs, 2);
	assert_int_equal(s->arg[0].kind, SF_ARGK_ENUM);
	assert_int_equal(s->arg[0].nvalues, 2);
	assert_int_equal(s->arg[0].values[0], AF_UNIX);
	assert_int_equal(s->arg[0].values[1], AF_INET);
	assert_int_equal(s->arg[1].kind, SF_ARGK_MASKED_ENUM);
	assert_int_equal(s->arg[1].nvalues, 2);
	assert_int_equal(s->arg[1].values[0], SOCK_STREAM);
	assert_int_equal(s->arg[1].values[1], SOCK_DGRAM);
	policy__free(p);
}

static void test_threshold_widening(void **state)
{
	struct obs o[20];
	struct policy *p;
	const struct policy_syscall *s;

	(void)state;
	for (size_t i = 0; i < 20; i++)
		o[i] = (struct obs){ "/l/a.so", NR_IOCTL, 0x5400 + i, 0, 1 };
	/* 16 values: kept; the 17th widens */
	p = policy_of(o, 16, 0, 0);
	s = find_sc(p, "/l/a.so", NR_IOCTL);
	assert_int_equal(s->arg[0].any, 0);
	assert_int_equal(s->arg[0].nvalues, 16);
	policy__free(p);
	p = policy_of(o, 17, 0, 0);
	s = find_sc(p, "/l/a.so", NR_IOCTL);
	assert_int_equal(s->arg[0].any, 1);
	assert_int_equal(s->arg[0].nvalues, 0);
	assert_int_equal(gen__widened_mask(s), 1u << 1);
	assert_false(gen__has_conditions(s));
	policy__free(p);
	/* --max-values 3 */
	p = policy_of(o, 3, 3, 0);
	assert_int_equal(find_sc(p, "/l/a.so", NR_IOCTL)->arg[0].nvalues, 3);
	policy__free(p);
	p = policy_of(o, 4, 3, 0);
	assert_int_equal(find_sc(p, "/l/a.so", NR_IOCTL)->arg[0].any, 1);
	policy__free(p);
}

static void test_wx(void **state)
{
	const struct obs rw_rx[] = {
		{ "/l/a.so", NR_MMAP, 0, 0, 0 }, /* slot 0 = prot */
		{ "/l/a.so", NR_MMAP, PROT_READ | PROT_WRITE, 0, 1 },
		{ "/l/a.so", NR_MMAP, PROT_READ | PROT_EXEC, 0, 1 },
	};
	const struct obs rwx[] = {
		{ "/l/a.so", NR_MPROTECT, PROT_READ | PROT_WRITE, 0, 1 },
		{ "/l/a.so", NR_MPROTECT, PROT_READ | PROT_WRITE | PROT_EXEC, 0, 1 },
	};
	struct policy_syscall sc = { .nr = NR_MMAP };
	struct arg_alt alts[8];
	struct policy *p;
	const struct policy_syscall *s;
	int n;

	(void)state;
	p = policy_of(rw_rx, 3, 0, 0);
	s = find_sc(p, "/l/a.so", NR_MMAP);
	assert_int_equal(s->arg[0].allowed, PROT_READ | PROT_WRITE | PROT_EXEC);
	assert_int_equal(s->arg[0].deny_all_of, PROT_WRITE | PROT_EXEC);
	/* two alternatives: no write, or no exec; each also masks the
	 * never-seen bits */
	n = gen__alternatives(s, alts, 8);
	assert_int_equal(n, 2);
	assert_int_equal(alts[0].n, 1);
	assert_int_equal(alts[0].c[0].op, ARGC_MASKED_EQ);
	assert_int_equal(alts[0].c[0].a, 0xffffffffULL & ~(uint64_t)(PROT_READ | PROT_EXEC));
	assert_int_equal(alts[1].c[0].a, 0xffffffffULL & ~(uint64_t)(PROT_READ | PROT_WRITE));
	assert_int_equal(alts[0].c[0].b, 0);
	/* order does not matter */
	{
		struct policy *q = policy_of(rw_rx, 3, 0, 1);

		assert_true(gen__args_equal(s, find_sc(q, "/l/a.so", NR_MMAP)));
		policy__free(q);
	}
	policy__free(p);

	/* the exact combination seen: allowed */
	p = policy_of(rwx, 2, 0, 0);
	s = find_sc(p, "/l/a.so", NR_MPROTECT);
	assert_int_equal(s->arg[0].deny_all_of, 0);
	policy__free(p);

	/* join keeps W^X only when no side saw W|X together */
	sc.nargs = 1;
	sc.arg[0] = (struct policy_argrule){ .idx = 2, .kind = SF_ARGK_FLAGS,
					     .allowed = PROT_READ | PROT_WRITE };
	{
		struct policy_syscall other = sc;

		other.arg[0].allowed = PROT_READ | PROT_EXEC;
		gen__join_args(&sc, &other, 16);
		assert_int_equal(sc.arg[0].deny_all_of, PROT_WRITE | PROT_EXEC);
		other.arg[0].allowed = PROT_WRITE | PROT_EXEC;
		other.arg[0].deny_all_of = 0;
		gen__join_args(&sc, &other, 16);
		assert_int_equal(sc.arg[0].deny_all_of, 0);
	}
}

static void test_join_unconditional_wins(void **state)
{
	struct policy_syscall a = { .nr = NR_OPENAT }, b = { .nr = NR_OPENAT };
	uint64_t v[2] = { O_RDONLY, 0 };

	(void)state;
	gen__observe(&a, NR_OPENAT, v);
	assert_int_equal(a.nargs, 1);
	gen__join_args(&a, &b, 16); /* b: no conditions */
	assert_int_equal(a.nargs, 0);
	assert_false(gen__has_conditions(&a));
}

/* Value families (docs/arguments.md): the supervisor's signals and the
 * signal handlers a unit installs depend on what the operator and the
 * input did, not on the program. */
static int sig_allowed(const struct policy_syscall *sc, uint64_t v)
{
	const struct policy_argrule *r = &sc->arg[0];

	if (r->any)
		return 1;
	for (unsigned k = 0; k < r->nvalues; k++)
		if (r->values[k] == v)
			return 1;
	return 0;
}

static void test_signal_families(void **state)
{
	struct policy_syscall k = { .nr = 62 }, a = { .nr = 13 }, t = { .nr = 234 };
	uint64_t kv[2] = { SIGUSR1, 0 }, av[2] = { SIGINT, 0 }, tv[2] = { SIGTERM, 0 };

	(void)state;
	gen__observe(&k, 62, kv); /* kill(pid, SIGUSR1) */
	assert_int_equal(k.nargs, 1);
	assert_true(sig_allowed(&k, SIGINT));   /* CHECKPOINT */
	assert_true(sig_allowed(&k, SIGHUP));   /* reload */
	assert_true(sig_allowed(&k, SIGQUIT));  /* immediate stop */
	assert_true(sig_allowed(&k, SIGKILL));
	assert_true(sig_allowed(&k, 0));        /* existence probe */
	assert_false(sig_allowed(&k, SIGSEGV)); /* faking a fault */
	assert_false(sig_allowed(&k, SIGSYS));
	assert_false(sig_allowed(&k, 32));      /* glibc's SIGCANCEL */
	assert_false(k.arg[0].any);
	gen__observe(&t, 234, tv); /* tgkill: the signal is argument 2 */
	assert_true(sig_allowed(&t, SIGUSR2));
	assert_false(sig_allowed(&t, SIGABRT));
	gen__observe(&a, 13, av); /* rt_sigaction(SIGINT, ...) */
	assert_int_equal(a.nargs, 1);
	assert_true(a.arg[0].any);
	assert_true(gen__widened_mask(&a) != 0);
}

/* ---- OCI encoding, round trip, union ----------------------------------------- */

static const struct obs mixed[] = {
	{ "/l/a.so", NR_OPENAT, O_RDONLY, 0, 2 },
	{ "/l/b.so", NR_OPENAT, O_WRONLY | O_CREAT, 0, 1 },
	{ "/l/b.so", NR_SOCKET, AF_UNIX, SOCK_STREAM, 1 },
	{ "/l/b.so", NR_SOCKET, AF_INET, SOCK_DGRAM, 1 },
	{ "/l/b.so", NR_MMAP, PROT_READ | PROT_EXEC, 0, 1 },
	{ "/l/b.so", NR_READ, 0, 0, 5 },
	{ "/l/b.so", NR_EXIT_GROUP, 0, 0, 1 },
	{ "/l/a.so", NR_IOCTL, 0x5401, 0, 1 },
	{ "/l/a.so", NR_IOCTL, 0x80045430, 0, 1 }, /* TIOCGPTN: bit 31 set */
};

static void test_oci_encoding(void **state)
{
	struct policy *p = policy_of(mixed, sizeof(mixed) / sizeof(mixed[0]), 0, 0);
	char *j = policy__to_json(p), *oci = policy__to_oci_json(p);

	(void)state;
	assert_non_null(j);
	assert_non_null(oci);
	/* openat of a.so: only O_RDONLY, value = mask of forbidden bits */
	{
		char want[256];

		snprintf(want, sizeof(want), "\"index\": 2,\n%*s\"value\": %llu,\n%*s"
			 "\"valueTwo\": 0,\n%*s\"op\": \"SCMP_CMP_MASKED_EQ\"", 16, "",
			 (unsigned long long)SF_OPEN_MASK, 16, "", 16, "");
		assert_non_null(strstr(j, want));
	}
	/* socket: product of 2 domains x 2 types = 4 entries */
	{
		size_t n = 0;

		for (const char *s = oci; (s = strstr(s, "\"socket\"")); s++)
			n++;
		assert_int_equal(n, 4);
	}
	/* EQ for small enum values, MASKED_EQ under 0xffffffff for bit 31 */
	assert_non_null(strstr(oci, "\"value\": 21505,\n      "
				    "    \"valueTwo\": 0,\n          \"op\": \"SCMP_CMP_EQ\""));
	assert_non_null(strstr(oci, "\"value\": 4294967295,\n          "
				    "\"valueTwo\": 2147767344,\n          "
				    "\"op\": \"SCMP_CMP_MASKED_EQ\""));
	/* read and exit_group share the grouped entry */
	assert_non_null(strstr(oci, "\"names\": [\n        \"exit_group\",\n"
				    "        \"read\"\n      ],"));
	assert_null(strstr(oci, "sysfence"));
	free(j);
	free(oci);
	policy__free(p);
}

static void test_union(void **state)
{
	struct policy *p = policy_of(mixed, sizeof(mixed) / sizeof(mixed[0]), 0, 0);
	struct policy_syscall *u = calloc(512, sizeof(*u));

	(void)state;
	assert_int_equal(policy__union(p, u, 512), 0);
	assert_int_equal(u[NR_OPENAT].count, 2);
	assert_int_equal(u[NR_OPENAT].arg[0].allowed, O_WRONLY | O_CREAT);
	assert_int_equal(u[NR_SOCKET].arg[0].nvalues, 2);
	free(u);
	policy__free(p);
}

static void test_round_trip_and_determinism(void **state)
{
	size_t n = sizeof(mixed) / sizeof(mixed[0]);
	struct policy *p = policy_of(mixed, n, 0, 0), *r = policy_of(mixed, n, 0, 1);
	struct policy *q = NULL;
	char *j1 = policy__to_json(p), *j2 = policy__to_json(r), *j3;
	char err[256] = "";

	(void)state;
	assert_string_equal(j1, j2);
	assert_int_equal(policy__parse(j1, strlen(j1), "t.json", &q, err, sizeof(err)), 0);
	j3 = policy__to_json(q);
	assert_string_equal(j1, j3);
	free(j1);
	free(j2);
	free(j3);
	policy__free(p);
	policy__free(r);
	policy__free(q);
}

static void test_round_trip_widened_and_64bit(void **state)
{
	struct obs o[18];
	struct policy *p, *q = NULL;
	char *j1, *j2;
	char err[256] = "";

	(void)state;
	for (size_t i = 0; i < 17; i++)
		o[i] = (struct obs){ "/l/a.so", NR_IOCTL, 0x5400 + i, 0, 1 };
	/* clone: 64-bit mask (the low byte is the exit signal) */
	o[17] = (struct obs){ "/l/a.so", 56, 0x3d0f00, 0, 1 };
	p = policy_of(o, 18, 0, 0);
	j1 = policy__to_json(p);
	assert_non_null(strstr(j1, "\"widened\": [\n"));
	assert_non_null(strstr(j1, "18446744073705549824")); /* ~0x3d0fff */
	assert_int_equal(policy__parse(j1, strlen(j1), "t.json", &q, err, sizeof(err)), 0);
	j2 = policy__to_json(q);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	policy__free(p);
	policy__free(q);
}

static void test_merge_widens(void **state)
{
	struct obs a[10], b[10];
	struct policy *p, *q;
	struct gen_opts o = { 12 };

	(void)state;
	for (size_t i = 0; i < 10; i++) {
		a[i] = (struct obs){ "/l/a.so", NR_IOCTL, 0x5400 + i, 0, 1 };
		b[i] = (struct obs){ "/l/a.so", NR_IOCTL, 0x5405 + i, 0, 1 };
	}
	p = policy_of(a, 10, 0, 0);
	q = policy_of(b, 10, 0, 0);
	assert_int_equal(policy__merge_opts(p, q, &o), 0); /* 15 > 12 */
	assert_int_equal(find_sc(p, "/l/a.so", NR_IOCTL)->arg[0].any, 1);
	policy__free(p);
	p = policy_of(a, 10, 0, 0);
	assert_int_equal(policy__merge(p, q), 0); /* 15 <= 16 */
	assert_int_equal(find_sc(p, "/l/a.so", NR_IOCTL)->arg[0].nvalues, 15);
	policy__free(p);
	policy__free(q);
}

/* ---- (level, option) pairs: setsockopt, getsockopt ------------------------------- */

#define NR_SETSOCKOPT 54

/* The kernel rule of sc judges (level, option) as BPF and the gate do. */
static int pair_ok(const struct policy_syscall *sc, uint64_t level, uint64_t opt)
{
	struct sf_rule k;
	const __u64 arg[2] = { level, opt };
	int in_policy = 1;

	rules__kernel_rule(sc, &k);
	return sf_decide(&in_policy, &k, arg) == SF_JUDGE_OK;
}

static const struct obs two_levels[] = {
	{ "/l/a.so", NR_SETSOCKOPT, SOL_SOCKET, SO_REUSEADDR, 3 },
	{ "/l/a.so", NR_SETSOCKOPT, IPPROTO_TCP, TCP_NODELAY, 2 },
};

static void test_pairs_learned(void **state)
{
	struct policy *p = policy_of(two_levels, 2, 0, 0), *r = policy_of(two_levels, 2, 0, 1);
	const struct policy_syscall *s = find_sc(p, "/l/a.so", NR_SETSOCKOPT);
	struct arg_alt alts[8];
	char *j1 = policy__to_json(p), *j2 = policy__to_json(r);

	(void)state;
	assert_non_null(s);
	assert_int_equal(s->nargs, 2);
	assert_int_equal(s->arg[1].kind, SF_ARGK_PAIR);
	assert_int_equal(s->arg[1].nvalues, 2);
	assert_int_equal(s->arg[1].values[0], SF_PAIR_KEY(SOL_SOCKET, SO_REUSEADDR));
	assert_int_equal(s->arg[1].values[1], SF_PAIR_KEY(IPPROTO_TCP, TCP_NODELAY));
	assert_int_equal(s->arg[0].nvalues, 2); /* the pairs' levels */
	/* the pairs seen, never the cross pairs (SO_DEBUG = TCP_NODELAY = 1) */
	assert_true(pair_ok(s, SOL_SOCKET, SO_REUSEADDR));
	assert_true(pair_ok(s, IPPROTO_TCP, TCP_NODELAY));
	assert_false(pair_ok(s, SOL_SOCKET, SO_DEBUG));
	assert_false(pair_ok(s, IPPROTO_TCP, SO_REUSEADDR));
	assert_false(pair_ok(s, IPPROTO_IP, TCP_NODELAY));
	/* OCI: one entry per pair, both conditions in it */
	assert_int_equal(gen__alternatives(s, alts, 8), 2);
	assert_int_equal(alts[0].n, 2);
	assert_int_equal(alts[0].c[0].idx, 1);
	assert_int_equal(alts[0].c[0].a, SOL_SOCKET);
	assert_int_equal(alts[0].c[1].idx, 2);
	assert_int_equal(alts[0].c[1].a, SO_REUSEADDR);
	assert_int_equal(alts[1].c[0].a, IPPROTO_TCP);
	assert_int_equal(alts[1].c[1].a, TCP_NODELAY);
	/* order-independent, and load + write reproduces the file */
	assert_string_equal(j1, j2);
	{
		struct policy *q = NULL;
		char err[256] = "", *j3;

		assert_int_equal(policy__parse(j1, strlen(j1), "t.json", &q, err,
					       sizeof(err)), 0);
		j3 = policy__to_json(q);
		assert_string_equal(j1, j3);
		s = find_sc(q, "/l/a.so", NR_SETSOCKOPT);
		assert_false(pair_ok(s, SOL_SOCKET, SO_DEBUG));
		free(j3);
		policy__free(q);
	}
	free(j1);
	free(j2);
	policy__free(p);
	policy__free(r);
}

/* A library section with the given setsockopt entries (args arrays). */
static struct policy *parse_setsockopt(const char *entries, char *err, size_t errlen)
{
	char json[8192];
	struct policy *p = NULL;

	snprintf(json, sizeof(json),
		 "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"sysfence\": "
		 "{\"version\": 1, \"libraries\": [{\"path\": \"/l/a.so\", \"kind\": "
		 "\"library\", \"syscalls\": [%s]}]}}", entries);
	if (policy__parse(json, strlen(json), "p.json", &p, err, errlen))
		return NULL;
	return p;
}

#define PAIR_ENTRY(l, o) "{\"names\": [\"setsockopt\"], \"action\": \"SCMP_ACT_ALLOW\", " \
	"\"args\": [{\"index\": 1, \"value\": " #l ", \"op\": \"SCMP_CMP_EQ\"}, " \
	"{\"index\": 2, \"value\": " #o ", \"op\": \"SCMP_CMP_EQ\"}]}"

static void test_pairs_old_policies(void **state)
{
	char err[256] = "", entries[8192];
	struct policy *p;
	const struct policy_syscall *s;
	size_t o = 0;

	(void)state;
	/* written before pairs: every combination of {SOL_SOCKET, TCP} and
	 * {1, 2}: loads as that cross product */
	p = parse_setsockopt(PAIR_ENTRY(1, 1) "," PAIR_ENTRY(1, 2) ","
			     PAIR_ENTRY(6, 1) "," PAIR_ENTRY(6, 2), err, sizeof(err));
	assert_non_null(p);
	s = find_sc(p, "/l/a.so", NR_SETSOCKOPT);
	assert_int_equal(s->arg[1].nvalues, 4);
	assert_true(pair_ok(s, SOL_SOCKET, SO_DEBUG));
	assert_true(pair_ok(s, IPPROTO_TCP, 2));
	policy__free(p);
	/* any subset of pairs is a valid file now (it was "not every
	 * combination" before) */
	p = parse_setsockopt(PAIR_ENTRY(1, 2) "," PAIR_ENTRY(6, 1), err, sizeof(err));
	assert_non_null(p);
	s = find_sc(p, "/l/a.so", NR_SETSOCKOPT);
	assert_int_equal(s->arg[1].nvalues, 2);
	assert_false(pair_ok(s, SOL_SOCKET, SO_DEBUG));
	policy__free(p);
	/* 3 levels x 6 options = 18 combinations > 16: any option at the
	 * three levels, never another level */
	for (int l = 0; l < 3; l++)
		for (int v = 1; v <= 6; v++)
			o += (size_t)snprintf(entries + o, sizeof(entries) - o,
					      "%s{\"names\": [\"setsockopt\"], \"action\": "
					      "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 1, "
					      "\"value\": %d, \"op\": \"SCMP_CMP_EQ\"}, "
					      "{\"index\": 2, \"value\": %d, \"op\": "
					      "\"SCMP_CMP_EQ\"}]}", o ? "," : "",
					      l == 0 ? 1 : l == 1 ? 6 : 41, v);
	p = parse_setsockopt(entries, err, sizeof(err));
	assert_non_null(p);
	s = find_sc(p, "/l/a.so", NR_SETSOCKOPT);
	assert_int_equal(s->arg[1].any, 1);
	assert_int_equal(s->arg[0].nvalues, 3);
	assert_true(pair_ok(s, SOL_SOCKET, 99));
	assert_false(pair_ok(s, IPPROTO_IP, 1));
	policy__free(p);
	/* level widened, options listed: pairs cannot say "any level with
	 * these options": any level and option (more, never less) */
	p = parse_setsockopt("{\"names\": [\"setsockopt\"], \"action\": \"SCMP_ACT_ALLOW\", "
			     "\"widened\": [1], \"args\": [{\"index\": 2, \"value\": 2, "
			     "\"op\": \"SCMP_CMP_EQ\"}]}", err, sizeof(err));
	assert_non_null(p);
	s = find_sc(p, "/l/a.so", NR_SETSOCKOPT);
	assert_true(pair_ok(s, 99, 99));
	policy__free(p);
}

static void test_pairs_widening_and_meet(void **state)
{
	struct obs o[20];
	struct policy *p, *q, *m = NULL;
	const struct policy_syscall *s;

	(void)state;
	/* 17 pairs at two levels: any option at those two levels */
	for (size_t i = 0; i < 17; i++)
		o[i] = (struct obs){ "/l/a.so", NR_SETSOCKOPT, i % 2 ? IPPROTO_TCP : SOL_SOCKET,
				     i, 1 };
	p = policy_of(o, 17, 0, 0);
	s = find_sc(p, "/l/a.so", NR_SETSOCKOPT);
	assert_int_equal(s->arg[1].any, 1);
	assert_int_equal(s->arg[0].nvalues, 2);
	assert_true(pair_ok(s, SOL_SOCKET, 1000));
	assert_false(pair_ok(s, IPPROTO_IPV6, 1));
	/* the same pairs in any order, merged in two halves: the same rule */
	q = policy_of(o, 9, 0, 1);
	{
		struct policy *h = policy_of(o + 9, 8, 0, 0);
		char *a, *b;

		assert_int_equal(policy__merge(q, h), 0);
		a = policy__to_json(p);
		b = policy__to_json(q);
		assert_string_equal(a, b);
		free(a);
		free(b);
		policy__free(h);
	}
	policy__free(q);
	policy__free(p);
	/* --max-values 2: three pairs at two levels widen the options */
	{
		const struct obs t[] = {
			{ "/l/a.so", NR_SETSOCKOPT, SOL_SOCKET, SO_REUSEADDR, 1 },
			{ "/l/a.so", NR_SETSOCKOPT, SOL_SOCKET, SO_KEEPALIVE, 1 },
			{ "/l/a.so", NR_SETSOCKOPT, IPPROTO_TCP, TCP_NODELAY, 1 },
		};

		p = policy_of(t, 2, 2, 0);
		s = find_sc(p, "/l/a.so", NR_SETSOCKOPT);
		assert_int_equal(s->arg[1].nvalues, 2);
		assert_false(pair_ok(s, SOL_SOCKET, SO_DEBUG));
		policy__free(p);
		p = policy_of(t, 3, 2, 0);
		s = find_sc(p, "/l/a.so", NR_SETSOCKOPT);
		assert_int_equal(s->arg[1].any, 1);
		assert_true(pair_ok(s, SOL_SOCKET, SO_DEBUG));
		assert_false(pair_ok(s, IPPROTO_IP, 1));
		policy__free(p);
	}
	/* meet (merge --intersect): the pairs both allow */
	{
		const struct obs a[] = {
			{ "/l/a.so", NR_SETSOCKOPT, SOL_SOCKET, SO_REUSEADDR, 1 },
			{ "/l/a.so", NR_SETSOCKOPT, IPPROTO_TCP, TCP_NODELAY, 1 },
		};
		const struct obs b[] = {
			{ "/l/a.so", NR_SETSOCKOPT, SOL_SOCKET, SO_REUSEADDR, 1 },
			{ "/l/a.so", NR_SETSOCKOPT, SOL_SOCKET, SO_DEBUG, 1 },
		};
		p = policy_of(a, 2, 0, 0);
		q = policy_of(b, 2, 0, 0);
		assert_int_equal(policy__intersect(p, q, &m), 0);
		s = find_sc(m, "/l/a.so", NR_SETSOCKOPT);
		assert_non_null(s);
		assert_int_equal(s->arg[1].nvalues, 1);
		assert_int_equal(s->arg[0].nvalues, 1);
		assert_true(pair_ok(s, SOL_SOCKET, SO_REUSEADDR));
		assert_false(pair_ok(s, SOL_SOCKET, SO_DEBUG));
		assert_false(pair_ok(s, IPPROTO_TCP, TCP_NODELAY));
		policy__free(m);
		policy__free(p);
		policy__free(q);
	}
}

/* ---- bad conditions ---------------------------------------------------------- */

static void expect_error(const char *args, const char *name, const char *want)
{
	char json[2048], err[512] = "";
	struct policy *p = NULL;
	int rc;

	snprintf(json, sizeof(json),
		 "{\n  \"defaultAction\": \"SCMP_ACT_KILL_PROCESS\",\n"
		 "  \"sysfence\": {\n    \"version\": 1,\n    \"libraries\": [\n"
		 "      {\n        \"path\": \"/l/a.so\",\n        \"kind\": \"library\",\n"
		 "        \"syscalls\": [\n          {\n            \"names\": [\"%s\"],\n"
		 "            \"action\": \"SCMP_ACT_ALLOW\",\n            \"args\": %s\n"
		 "          }\n        ]\n      }\n    ]\n  }\n}\n", name, args);
	rc = policy__parse(json, strlen(json), "bad.json", &p, err, sizeof(err));
	if (rc == 0 || !strstr(err, want))
		fail_msg("for %s: rc %d, message '%s', expected '%s'", args, rc, err, want);
	assert_null(p);
}

static void test_bad_conditions(void **state)
{
	(void)state;
	expect_error("[{\"index\": 7, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]", "ioctl",
		     "bad.json:13: sysfence.libraries[0].syscalls[0].args[0].index: "
		     "argument index 7 is out of range (0..5)");
	expect_error("[{\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_EQUAL\"}]", "ioctl",
		     "args[0].op: unknown op 'SCMP_CMP_EQUAL'");
	expect_error("[{\"index\": 2, \"value\": 3, \"valueTwo\": 4, "
		     "\"op\": \"SCMP_CMP_MASKED_EQ\"}]", "openat",
		     "impossible condition: valueTwo 0x4 has bits outside the mask "
		     "(value) 0x3");
	expect_error("[{\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_GT\"}]", "ioctl",
		     "library rules use SCMP_CMP_EQ or SCMP_CMP_MASKED_EQ");
	expect_error("[{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]", "ioctl",
		     "'ioctl': argument 0 is not recorded by sysfence");
	expect_error("[{\"index\": 2, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]", "openat",
		     "argument 2 is a set of flags");
	expect_error("[{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]", "read",
		     "'read' has no argument in sysfence's argument table");
	expect_error("[{\"index\": 1, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]", "ioctl",
		     "expected a non-negative integer");
	expect_error("[{\"index\": 1, \"value\": 18446744073709551616, "
		     "\"op\": \"SCMP_CMP_EQ\"}]", "ioctl", "larger than 2^64-1");
	expect_error("[{\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_EQ\", "
		     "\"valuetwo\": 0}]", "ioctl", "valuetwo: unknown key");
}

/* ---- symbolic names ------------------------------------------------------------- */

static void test_argnames(void **state)
{
	char b[128];
	uint64_t v;

	(void)state;
	argname__format(SF_SYM_OPEN_FLAGS, O_WRONLY | O_CREAT | O_TRUNC, b, sizeof(b));
	assert_string_equal(b, "O_WRONLY|O_CREAT|O_TRUNC");
	argname__format(SF_SYM_OPEN_FLAGS, O_RDONLY | O_CLOEXEC, b, sizeof(b));
	assert_string_equal(b, "O_RDONLY|O_CLOEXEC");
	argname__format(SF_SYM_AF, AF_INET, b, sizeof(b));
	assert_string_equal(b, "AF_INET");
	argname__format(SF_SYM_PROT, PROT_READ | PROT_EXEC, b, sizeof(b));
	assert_string_equal(b, "PROT_READ|PROT_EXEC");
	argname__format(SF_SYM_OPEN_FLAGS, O_RDWR | 0x40000000, b, sizeof(b));
	assert_string_equal(b, "O_RDWR|0x40000000");
	argname__format(SF_SYM_IOCTL, 0x12345678, b, sizeof(b));
	assert_string_equal(b, "0x12345678");
	argname__format(SF_SYM_SOCK_TYPE, SOCK_STREAM | SOCK_CLOEXEC, b, sizeof(b));
	assert_string_equal(b, "SOCK_STREAM|SOCK_CLOEXEC");
	argname__format_sockopt(6, 1, b, sizeof(b));
	assert_string_equal(b, "TCP_NODELAY");
	/* truncation is safe and reports the needed length */
	assert_int_equal(argname__format(SF_SYM_AF, AF_INET, b, 4), 7);
	assert_string_equal(b, "AF_");
	assert_int_equal(argname__parse(SF_SYM_OPEN_FLAGS, "O_WRONLY|O_CREAT", &v), 0);
	assert_int_equal(v, O_WRONLY | O_CREAT);
	assert_int_equal(argname__parse(SF_SYM_AF, "AF_UNIX", &v), 0);
	assert_int_equal(v, AF_UNIX);
	assert_int_equal(argname__parse(SF_SYM_AF, "0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(argname__parse(SF_SYM_AF, "AF_NOPE", &v), -EINVAL);
	/* every class formats 0 and a large value without failing */
	for (unsigned s = 0; s < SF_SYM__COUNT; s++) {
		assert_true(argname__format(s, 0, b, sizeof(b)) > 0);
		assert_true(argname__format(s, 0xdeadbeef, b, sizeof(b)) > 0);
		assert_non_null(argname__class_name(s));
	}
}

/* ---- libseccomp union: loaded in a forked child ------------------------------------ */

static int try_in_child(scmp_filter_ctx ctx, long nr, long a0, long a1, long a2)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || seccomp_load(ctx))
			_exit(3);
		syscall(nr, a0, a1, a2);
		syscall(NR_EXIT_GROUP, 0);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* clone3's flags are read from memory (SF_ARGF_MEM): a trace that says so
 * gives an exact rule, kept in the library section and left out of the
 * OCI profile; an older trace (no TRACE_F_MEM_ARGS) a rule without
 * condition, as it had; a merge with an older trace too. */
static void test_clone3_mem_slot(void **state)
{
	uint64_t arg[TRACE_NARGS] = { 0x3d0f00, 0 };
	struct policy *p = NULL, *q = NULL;
	struct trace *t = trace__new(), *old = trace__new(), *both = trace__new();
	struct arg_alt alts[4];
	char err[256] = "", *json;
	int lib;

	(void)state;
	assert_non_null(t);
	assert_non_null(old);
	assert_non_null(both);
	for (int k = 0; k < 2; k++) {
		struct trace *x = k ? old : t;

		lib = trace__add_lib(x, "/usr/lib/libt.so", NULL, LIB_KIND_LIBRARY, 0, 0);
		assert_true(lib >= 0);
		assert_int_equal(trace__add_tuple(x, (uint32_t)lib, SYS_clone3, arg, 1), 0);
	}
	t->flags |= TRACE_F_MEM_ARGS;
	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), 0);
	assert_int_equal(p->libs[0].syscalls[0].nr, SYS_clone3);
	assert_int_equal(p->libs[0].syscalls[0].arg[0].kind, SF_ARGK_ENUM);
	assert_int_equal(p->libs[0].syscalls[0].arg[0].nvalues, 1);
	assert_int_equal(p->libs[0].syscalls[0].arg[0].values[0], 0x3d0f00);
	assert_int_equal(gen__alternatives(&p->libs[0].syscalls[0], alts, 4), 1);
	assert_int_equal(alts[0].n, 1);
	assert_int_equal(gen__alternatives_floor(&p->libs[0].syscalls[0], alts, 4), 1);
	assert_int_equal(alts[0].n, 0);
	json = policy__to_json(p);
	assert_non_null(json);
	/* one condition: in the library section only */
	assert_non_null(strstr(json, "\"value\": 4001536"));
	assert_null(strstr(strstr(json, "\"value\": 4001536") + 1, "\"value\": 4001536"));
	free(json);
	policy__free(p);

	assert_int_equal(policy__from_trace(old, &q, err, sizeof(err)), 0);
	assert_false(gen__has_conditions(&q->libs[0].syscalls[0]));
	policy__free(q);
	assert_int_equal(trace__merge(both, t), 0);
	assert_true(both->flags & TRACE_F_MEM_ARGS);
	assert_int_equal(trace__merge(both, old), 0);
	assert_false(both->flags & TRACE_F_MEM_ARGS);
	trace__free(t);
	trace__free(old);
	trace__free(both);
}

static void test_seccomp_build(void **state)
{
	const struct obs o[] = {
		{ "/l/a.so", NR_OPENAT, O_RDONLY, 0, 1 },
		{ "/l/a.so", NR_SOCKET, AF_UNIX, SOCK_STREAM, 1 },
		{ "/l/a.so", NR_EXIT_GROUP, 0, 0, 1 },
	};
	struct policy *p = policy_of(o, 3, 0, 0);
	scmp_filter_ctx ctx = NULL;
	char err[256] = "";
	int rc;

	(void)state;
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx) { /* e.g. under valgrind, which has no seccomp() */
		policy__free(p);
		SF_SKIP("libseccomp cannot run here");
	}
	seccomp_release(ctx);
	assert_int_equal(seccomp__build(p, SCMP_ACT_KILL_PROCESS, &ctx, err, sizeof(err)), 0);
	rc = try_in_child(ctx, NR_OPENAT, AT_FDCWD, (long)"/nonexistent",
			  O_RDONLY | O_CLOEXEC);
	if (rc == 3) { /* e.g. under valgrind, which has no seccomp() */
		seccomp_release(ctx);
		policy__free(p);
		SF_SKIP("cannot load a seccomp filter here");
	}
	assert_int_equal(rc, 0);
	assert_int_equal(try_in_child(ctx, NR_OPENAT, AT_FDCWD, (long)"/nonexistent",
				      O_WRONLY | O_CREAT), -SIGSYS);
	assert_int_equal(try_in_child(ctx, NR_SOCKET, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), 0);
	assert_int_equal(try_in_child(ctx, NR_SOCKET, AF_PACKET, SOCK_RAW, 0), -SIGSYS);
	assert_int_equal(try_in_child(ctx, NR_SOCKET, AF_UNIX, SOCK_DGRAM, 0), -SIGSYS);
	seccomp_release(ctx);
	policy__free(p);
}

/* export --format bpf / OCI: the filter allows the pairs, not their
 * product (the floor leaves setsockopt unconditional: floor_args[]) */
static void test_seccomp_pairs(void **state)
{
	const struct obs o[] = {
		{ "/l/a.so", NR_SETSOCKOPT, SOL_SOCKET, SO_REUSEADDR, 1 },
		{ "/l/a.so", NR_SETSOCKOPT, IPPROTO_TCP, TCP_NODELAY, 1 },
		{ "/l/a.so", NR_EXIT_GROUP, 0, 0, 1 },
	};
	struct policy *p = policy_of(o, 3, 0, 0);
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	char err[256] = "";
	int rc;

	(void)state;
	if (!ctx) {
		policy__free(p);
		SF_SKIP("libseccomp cannot run here");
	}
	seccomp_release(ctx);
	assert_false(seccomp__floor_keeps_args(NR_SETSOCKOPT));
	assert_int_equal(seccomp__build(p, SCMP_ACT_KILL_PROCESS, &ctx, err, sizeof(err)), 0);
	/* fd -1: EBADF once the filter let the call through */
	rc = try_in_child(ctx, NR_SETSOCKOPT, -1, SOL_SOCKET, SO_REUSEADDR);
	if (rc == 3) {
		seccomp_release(ctx);
		policy__free(p);
		SF_SKIP("cannot load a seccomp filter here");
	}
	assert_int_equal(rc, 0);
	assert_int_equal(try_in_child(ctx, NR_SETSOCKOPT, -1, IPPROTO_TCP, TCP_NODELAY), 0);
	assert_int_equal(try_in_child(ctx, NR_SETSOCKOPT, -1, SOL_SOCKET, SO_DEBUG), -SIGSYS);
	assert_int_equal(try_in_child(ctx, NR_SETSOCKOPT, -1, IPPROTO_TCP, SO_REUSEADDR), -SIGSYS);
	seccomp_release(ctx);
	policy__free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_union),
		cmocka_unit_test(test_enum_and_masked_enum),
		cmocka_unit_test(test_threshold_widening),
		cmocka_unit_test(test_wx),
		cmocka_unit_test(test_join_unconditional_wins),
		cmocka_unit_test(test_signal_families),
		cmocka_unit_test(test_oci_encoding),
		cmocka_unit_test(test_union),
		cmocka_unit_test(test_round_trip_and_determinism),
		cmocka_unit_test(test_round_trip_widened_and_64bit),
		cmocka_unit_test(test_merge_widens),
		cmocka_unit_test(test_bad_conditions),
		cmocka_unit_test(test_argnames),
		cmocka_unit_test(test_seccomp_build),
		cmocka_unit_test(test_clone3_mem_slot),
		cmocka_unit_test(test_seccomp_pairs),
		cmocka_unit_test(test_pairs_learned),
		cmocka_unit_test(test_pairs_old_policies),
		cmocka_unit_test(test_pairs_widening_and_meet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
