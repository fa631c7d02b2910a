/* test_rules.c - what enforcement applies (learner/rules.c): a library's
 * own rules, a compartment's union shared by its members (evidence summed,
 * argument rules joined), the process-wide union, the kernel form of a
 * rule and the symbolic rendering of reported arguments. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "generalize.h"
#include "policy.h"
#include "rules.h"
#include "trace.h"

#define NR_READ 0
#define NR_WRITE 1
#define NR_SOCKET 41
#define NR_PTRACE 101

/* exe: read, socket(AF_INET, SOCK_STREAM); liba (two build-ids, both in
 * compartment "ab"): write / socket(AF_INET6, SOCK_DGRAM); libb (in "ab"):
 * ptrace; libc: read; bucket: write. */
static struct policy *sample(int *exe, int *a1, int *a2, int *b, int *c,
			     int *bucket)
{
	struct policy *p = policy__new();
	const char *ab[] = { "/lib/liba.so", "/lib/libb.so" };
	const uint64_t inet[TRACE_NARGS] = { AF_INET, SOCK_STREAM };
	const uint64_t inet6[TRACE_NARGS] = { AF_INET6, SOCK_DGRAM };

	assert_non_null(p);
	*exe = policy__add_lib(p, "/bin/app", "e1", LIB_KIND_EXECUTABLE);
	*a1 = policy__add_lib(p, "/lib/liba.so", "a1", LIB_KIND_LIBRARY);
	*a2 = policy__add_lib(p, "/lib/liba.so", "a2", LIB_KIND_LIBRARY);
	*b = policy__add_lib(p, "/lib/libb.so", NULL, LIB_KIND_LIBRARY);
	*c = policy__add_lib(p, "/lib/libc.so", NULL, LIB_KIND_LIBRARY);
	*bucket = policy__add_lib(p, "[libc-runtime]", NULL, LIB_KIND_BUCKET);
	assert_true(*exe >= 0 && *a1 >= 0 && *a2 >= 0 && *b >= 0 && *c >= 0 &&
		    *bucket >= 0);
	assert_int_equal(policy__add_syscall(p, *exe, NR_READ, 3, "main+0x1"), 0);
	assert_int_equal(policy__add_observation(p, *exe, NR_SOCKET, 1, inet,
						 NULL), 0);
	assert_int_equal(policy__add_syscall(p, *a1, NR_WRITE, 5, NULL), 0);
	assert_int_equal(policy__add_observation(p, *a1, NR_SOCKET, 2, inet6,
						 NULL), 0);
	assert_int_equal(policy__add_syscall(p, *a2, NR_WRITE, 7, "w+0x2"), 0);
	assert_int_equal(policy__add_syscall(p, *b, NR_PTRACE, 1, "t+0x3"), 0);
	assert_int_equal(policy__add_observation(p, *b, NR_SOCKET, 4, inet,
						 NULL), 0);
	assert_int_equal(policy__add_syscall(p, *c, NR_READ, 9, NULL), 0);
	assert_int_equal(policy__add_syscall(p, *bucket, NR_WRITE, 1, NULL), 0);
	assert_int_equal(policy__add_compartment(p, "ab", ab, 2), 0);
	return p;
}

static struct rules_set *new_set(void)
{
	struct rules_set *s = malloc(sizeof(*s));

	assert_non_null(s);
	return s;
}

static void test_own_rules(void **state)
{
	int exe, a1, a2, b, c, bucket;
	struct policy *p = sample(&exe, &a1, &a2, &b, &c, &bucket);
	struct rules_set *s = new_set();
	struct sf_rule r;

	(void)state;
	assert_int_equal(rules__lib(p, (size_t)exe, s), 0);
	assert_int_equal(s->n, 2);
	assert_true(s->allowed[NR_READ] && s->allowed[NR_SOCKET]);
	assert_false(s->allowed[NR_WRITE] || s->allowed[NR_PTRACE]);
	assert_int_equal(s->sc[NR_READ].nr, NR_READ);
	assert_int_equal(s->sc[NR_READ].count, 3);
	assert_string_equal(s->sc[NR_READ].site, "main+0x1");
	/* read: no condition; socket: one family, one type */
	rules__kernel_rule(&s->sc[NR_READ], &r);
	assert_int_equal(r.flags, SF_RULE_ANY_ARGS);
	rules__kernel_rule(&s->sc[NR_SOCKET], &r);
	assert_int_equal(r.flags, 0);
	assert_int_equal(r.arg[0].kind, SF_ARGK_ENUM);
	assert_int_equal(r.arg[0].nvals, 1);
	assert_int_equal(r.arg[0].values[0], AF_INET);
	/* the bucket keeps its own rules */
	assert_int_equal(rules__lib(p, (size_t)bucket, s), 0);
	assert_int_equal(s->n, 1);
	assert_true(s->allowed[NR_WRITE]);
	free(s);
	policy__free(p);
}

static void test_compartment_union(void **state)
{
	int exe, a1, a2, b, c, bucket;
	struct policy *p = sample(&exe, &a1, &a2, &b, &c, &bucket);
	struct rules_set *s = new_set(), *t = new_set();
	struct sf_rule r;

	(void)state;
	/* every member (both builds of liba, libb) gets the same union */
	assert_int_equal(rules__compartment(p, 0, t), 0);
	assert_int_equal(t->n, 3);
	assert_true(t->allowed[NR_WRITE] && t->allowed[NR_SOCKET] &&
		    t->allowed[NR_PTRACE]);
	assert_false(t->allowed[NR_READ]);
	for (int lib = 0; lib < (int)p->nlibs; lib++) {
		if (lib != a1 && lib != a2 && lib != b)
			continue;
		assert_int_equal(rules__lib(p, (size_t)lib, s), 0);
		assert_memory_equal(s->allowed, t->allowed, sizeof(s->allowed));
		for (int nr = 0; nr < SYSCALL_NR_MAX; nr++)
			if (t->allowed[nr])
				assert_memory_equal(&s->sc[nr], &t->sc[nr],
						    sizeof(s->sc[nr]));
	}
	/* evidence summed over the members, the first site kept */
	assert_int_equal(t->sc[NR_WRITE].count, 12);
	assert_string_equal(t->sc[NR_WRITE].site, "w+0x2");
	assert_int_equal(t->sc[NR_SOCKET].count, 6);
	/* argument rules joined: both families, both types */
	rules__kernel_rule(&t->sc[NR_SOCKET], &r);
	assert_int_equal(r.flags, 0);
	{
		struct policy_lib *l = NULL;

		assert_int_equal(rules__to_lib(t, "ab", &l), 0);
		assert_string_equal(l->path, "ab");
		assert_int_equal(l->nsyscalls, 3);
		assert_int_equal(l->syscalls[0].nr, NR_WRITE);
		assert_int_equal(l->syscalls[1].nr, NR_SOCKET);
		assert_int_equal(l->syscalls[2].nr, NR_PTRACE);
		assert_int_equal(l->syscalls[1].count, 6);
		assert_null(l->syscalls[0].site);
		assert_true(gen__args_equal(&l->syscalls[1], &t->sc[NR_SOCKET]));
		policy_lib__free(l);
	}
	assert_int_equal(r.arg[0].nvals, 2);
	assert_int_equal(r.arg[0].values[0], AF_INET);
	assert_int_equal(r.arg[0].values[1], AF_INET6);
	assert_int_equal(r.arg[1].nvals, 2);
	/* a library outside the compartment is not widened by it */
	assert_int_equal(rules__lib(p, (size_t)c, s), 0);
	assert_int_equal(s->n, 1);
	assert_true(s->allowed[NR_READ]);
	free(s);
	free(t);
	policy__free(p);
}

static void test_union(void **state)
{
	int exe, a1, a2, b, c, bucket;
	struct policy *p = sample(&exe, &a1, &a2, &b, &c, &bucket);
	struct rules_set *s = new_set();
	struct sf_rule r;

	(void)state;
	assert_int_equal(rules__union(p, s), 0);
	assert_int_equal(s->n, 4);
	/* count = number of libraries allowing it (buckets included) */
	assert_int_equal(s->sc[NR_READ].count, 2);
	assert_int_equal(s->sc[NR_WRITE].count, 3);
	assert_int_equal(s->sc[NR_SOCKET].count, 3);
	assert_int_equal(s->sc[NR_PTRACE].count, 1);
	assert_null(s->sc[NR_READ].site);
	rules__kernel_rule(&s->sc[NR_SOCKET], &r);
	assert_int_equal(r.arg[0].nvals, 2);
	free(s);
	policy__free(p);
}

static void test_bad_input(void **state)
{
	int exe, a1, a2, b, c, bucket;
	struct policy *p = sample(&exe, &a1, &a2, &b, &c, &bucket);
	struct rules_set *s = new_set();

	(void)state;
	assert_int_equal(rules__lib(p, p->nlibs, s), -EINVAL);
	assert_int_equal(rules__compartment(p, p->ncompartments, s), -EINVAL);
	assert_int_equal(rules__lib(NULL, 0, s), -EINVAL);
	assert_int_equal(rules__union(p, NULL), -EINVAL);
	free(s);
	policy__free(p);
}

static void test_format_args(void **state)
{
	char buf[128];

	(void)state;
	rules__format_args(NR_SOCKET, (const uint64_t[]){ AF_INET, SOCK_STREAM },
			   buf, sizeof(buf));
	assert_string_equal(buf, "arg0=AF_INET, arg1=SOCK_STREAM");
	rules__format_args(NR_READ, (const uint64_t[]){ 1, 2 }, buf, sizeof(buf));
	assert_string_equal(buf, "");
	rules__format_args(SYSCALL_NR_MAX + 1, (const uint64_t[]){ 1, 2 }, buf,
			   sizeof(buf));
	assert_string_equal(buf, "");
	/* truncated output stays terminated */
	rules__format_args(NR_SOCKET, (const uint64_t[]){ AF_INET, SOCK_STREAM },
			   buf, 12);
	assert_true(strlen(buf) < 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_rules),
		cmocka_unit_test(test_compartment_union),
		cmocka_unit_test(test_union),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_format_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
