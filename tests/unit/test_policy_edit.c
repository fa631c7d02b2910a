/* test_policy_edit.c - --allow/--deny edits (learner/policy_edit.c):
 * malformed specs refused with the reason, --allow adds unconditional
 * syscalls (creating the library with the right kind), --deny removes,
 * '*' edits every library, @groups expand, unknown names are errors with
 * a suggestion, a --deny of a missing library is a warning. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "policy.h"
#include "policy_edit.h"
#include "trace.h"

#define NR_READ 0
#define NR_WRITE 1
#define NR_SOCKET 41
#define NR_PTRACE 101

static struct policy *sample(void)
{
	struct policy *p = policy__new();
	const uint64_t inet[TRACE_NARGS] = { AF_INET, SOCK_STREAM };
	int a, b;

	assert_non_null(p);
	p->binary = strdup("/bin/app");
	a = policy__add_lib(p, "/lib/a.so", NULL, LIB_KIND_LIBRARY);
	b = policy__add_lib(p, "/lib/b.so", NULL, LIB_KIND_LIBRARY);
	assert_true(a >= 0 && b >= 0);
	assert_int_equal(policy__add_observation(p, a, NR_SOCKET, 1, inet, NULL), 0);
	assert_int_equal(policy__add_syscall(p, a, NR_READ, 1, NULL), 0);
	assert_int_equal(policy__add_syscall(p, b, NR_READ, 1, NULL), 0);
	assert_int_equal(policy__canonicalize(p), 0);
	return p;
}

static const struct policy_lib *lib(const struct policy *p, const char *path)
{
	for (size_t i = 0; i < p->nlibs; i++)
		if (!strcmp(p->libs[i].path, path))
			return &p->libs[i];
	return NULL;
}

static const struct policy_syscall *sc(const struct policy_lib *l, uint32_t nr)
{
	for (size_t k = 0; l && k < l->nsyscalls; k++)
		if (l->syscalls[k].nr == nr)
			return &l->syscalls[k];
	return NULL;
}

static void test_check(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(policy_edit__check("/lib/a.so:read,write", 1, err, sizeof(err)), 0);
	assert_int_equal(policy_edit__check("[libc-runtime]:@signal", 0, err, sizeof(err)), 0);
	assert_int_equal(policy_edit__check("*:ptrace", 0, err, sizeof(err)), 0);
	assert_int_equal(policy_edit__check("read", 1, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "expected LIB:NAME"));
	assert_int_equal(policy_edit__check("/lib/a.so:", 1, err, sizeof(err)), -EINVAL);
	assert_int_equal(policy_edit__check(":read", 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "invalid --deny ':read'"));
	assert_int_equal(policy_edit__check("liba.so:read", 1, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "must be a full path"));
	assert_int_equal(policy_edit__check("**:read", 1, err, sizeof(err)), -EINVAL);
}

static void test_allow(void **state)
{
	struct policy *p = sample();
	char err[256] = "";

	(void)state;
	/* an existing syscall loses its argument conditions */
	assert_int_equal(policy_edit__apply(p, "/lib/a.so:socket,write", 1, err,
					    sizeof(err)), 0);
	assert_non_null(sc(lib(p, "/lib/a.so"), NR_WRITE));
	assert_int_equal(sc(lib(p, "/lib/a.so"), NR_SOCKET)->nargs, 0);
	/* new libraries: the kind follows the name */
	assert_int_equal(policy_edit__apply(p, "[libc-runtime]:write", 1, err,
					    sizeof(err)), 0);
	assert_int_equal(policy_edit__apply(p, "/bin/app:ptrace", 1, err, sizeof(err)), 0);
	assert_int_equal(policy_edit__apply(p, "/lib/new.so:read", 1, err, sizeof(err)), 0);
	assert_int_equal(policy__canonicalize(p), 0);
	assert_int_equal(lib(p, "[libc-runtime]")->kind, LIB_KIND_BUCKET);
	assert_int_equal(lib(p, "/bin/app")->kind, LIB_KIND_EXECUTABLE);
	assert_int_equal(lib(p, "/lib/new.so")->kind, LIB_KIND_LIBRARY);
	assert_non_null(sc(lib(p, "/bin/app"), NR_PTRACE));
	/* a group stands for its members */
	assert_int_equal(policy_edit__apply(p, "/lib/b.so:@network-io", 1, err,
					    sizeof(err)), 0);
	assert_non_null(sc(lib(p, "/lib/b.so"), NR_SOCKET));
	policy__free(p);
}

static void test_deny(void **state)
{
	struct policy *p = sample();
	char err[256] = "";

	(void)state;
	assert_int_equal(policy_edit__apply(p, "/lib/a.so:socket", 0, err, sizeof(err)), 0);
	assert_null(sc(lib(p, "/lib/a.so"), NR_SOCKET));
	assert_non_null(sc(lib(p, "/lib/a.so"), NR_READ));
	/* '*' = every library */
	assert_int_equal(policy_edit__apply(p, "*:read", 0, err, sizeof(err)), 0);
	assert_null(sc(lib(p, "/lib/a.so"), NR_READ));
	assert_null(sc(lib(p, "/lib/b.so"), NR_READ));
	/* a library the policy does not have: a warning, nothing done */
	assert_int_equal(policy_edit__apply(p, "/lib/none.so:read", 0, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "the policy has no library /lib/none.so"));
	assert_null(lib(p, "/lib/none.so"));
	policy__free(p);
}

static void test_unknown_name(void **state)
{
	struct policy *p = sample();
	char err[256] = "";

	(void)state;
	assert_int_equal(policy_edit__apply(p, "/lib/a.so:opnat", 1, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "--allow /lib/a.so:opnat: unknown syscall name 'opnat'"));
	assert_non_null(strstr(err, "did you mean 'openat'?"));
	assert_int_equal(policy_edit__apply(p, "/lib/a.so:read", 1, err, sizeof(err)), 0);
	assert_int_equal(policy_edit__apply(p, "nolib:read", 1, err, sizeof(err)), -EINVAL);
	policy__free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_deny),
		cmocka_unit_test(test_unknown_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
