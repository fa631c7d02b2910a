/* test_groups.c - syscall groups: order, uniqueness, resolvability,
 * expansion through policy__resolve_name and in policy files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <seccomp.h>

#include "groups.h"
#include "policy.h"
#include "policy_read.h"
#include "policy_write.h"
#include "syscalls.h"

#define FIXTURE(name) SRCDIR "/tests/fixtures/" name

static void test_groups_sorted_nonempty(void **state)
{
	size_t n;
	const struct sc_group *g = groups__all(&n);

	(void)state;
	assert_true(n >= 14);
	for (size_t i = 0; i < n; i++) {
		assert_true(g[i].name[0] == '@');
		assert_non_null(g[i].help);
		assert_true(strlen(g[i].help) > 0);
		assert_non_null(g[i].members[0]);
		if (i)
			assert_true(strcmp(g[i - 1].name, g[i].name) < 0);
		assert_ptr_equal(groups__find(g[i].name), &g[i]);
	}
	assert_null(groups__find("@nope"));
	assert_null(groups__find("network-io"));
}

static void test_required_groups_exist(void **state)
{
	static const char *const required[] = {
		"@basic-io", "@file-system", "@network-io", "@process",
		"@signal", "@memory", "@ipc", "@time", "@privileged", "@module",
		"@mount", "@debug", "@bpf", "@obsolete", "@default",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!groups__find(required[i]))
			fail_msg("group %s missing", required[i]);
}

/* Every member: sorted, unique, and resolved by libseccomp for x86_64 to
 * a real (non-negative) number that maps back to the same name. */
static void test_members_resolve(void **state)
{
	size_t n;
	const struct sc_group *g = groups__all(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		for (const char *const *m = g[i].members; *m; m++) {
			int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, *m);

			if (nr < 0)
				fail_msg("%s: '%s' does not resolve for x86_64",
					 g[i].name, *m);
			if (syscall__nr(*m) != nr || !syscall__name((uint32_t)nr) ||
			    strcmp(syscall__name((uint32_t)nr), *m))
				fail_msg("%s: '%s' does not round-trip", g[i].name, *m);
			if (m != g[i].members && strcmp(m[-1], *m) >= 0)
				fail_msg("%s: '%s' after '%s' (unsorted or duplicate)",
					 g[i].name, *m, m[-1]);
		}
	}
}

static void test_expand_and_resolve_name(void **state)
{
	uint32_t nrs[SYSCALL_NR_MAX];
	char err[128];
	int n;

	(void)state;
	n = groups__expand("@network-io", nrs, SYSCALL_NR_MAX);
	assert_true(n >= 15);
	for (int i = 1; i < n; i++)
		assert_true(nrs[i - 1] < nrs[i]);
	assert_int_equal(policy__resolve_name("@network-io", nrs, SYSCALL_NR_MAX,
					      err, sizeof(err)), n);
	assert_int_equal(groups__expand("@bpf", nrs, 1), 1);
	assert_int_equal(nrs[0], 321);
	assert_int_equal(policy__resolve_name("@nonesuch", nrs, 4, err,
					      sizeof(err)), -ENOENT);
	assert_string_equal(err, "unknown group '@nonesuch'");
	assert_int_equal(groups__expand("@nonesuch", NULL, 0), -ENOENT);
	/* cap smaller than the group: count still reported */
	assert_int_equal(policy__resolve_name("@module", nrs, 1, err,
					      sizeof(err)), 3);
}

static void test_primary(void **state)
{
	(void)state;
	assert_string_equal(groups__primary(321)->name, "@bpf");       /* bpf */
	assert_string_equal(groups__primary(257)->name, "@file-system"); /* openat */
	assert_string_equal(groups__primary(0)->name, "@basic-io");    /* read */
	assert_string_equal(groups__primary(41)->name, "@network-io"); /* socket */
	assert_string_equal(groups__primary(157)->name, "@process");   /* prctl */
	assert_null(groups__primary(SYSCALL_NR_MAX));
}

/* A hand-written policy may name groups; they load as their members and
 * are written back as names (canonical form). */
static void test_group_in_policy(void **state)
{
	static const char json[] =
		"{ \"defaultAction\": \"SCMP_ACT_KILL_PROCESS\",\n"
		"  \"sysfence\": { \"version\": 1, \"libraries\": [\n"
		"    { \"path\": \"/usr/lib/libx.so\", \"kind\": \"library\",\n"
		"      \"syscalls\": [ { \"names\": [\"@bpf\", \"@module\", "
		"\"bpf\"], \"action\": \"SCMP_ACT_ALLOW\" } ] } ] } }\n";
	struct policy *p = NULL;
	char err[256] = "";
	char *out;

	(void)state;
	assert_int_equal(policy__parse(json, strlen(json), "g.json", &p, err,
				       sizeof(err)), 0);
	assert_int_equal(p->nlibs, 1);
	assert_int_equal(p->libs[0].nsyscalls, 4);
	out = policy__to_json(p);
	assert_non_null(out);
	assert_null(strstr(out, "@bpf"));
	assert_non_null(strstr(out, "\"finit_module\""));
	free(out);
	policy__free(p);
}

static void test_unknown_group_fixture(void **state)
{
	struct policy *p = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(policy__load(FIXTURE("policy-unknown-group.json"), &p,
				      err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown group"));
	assert_null(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_sorted_nonempty),
		cmocka_unit_test(test_required_groups_exist),
		cmocka_unit_test(test_members_resolve),
		cmocka_unit_test(test_expand_and_resolve_name),
		cmocka_unit_test(test_primary),
		cmocka_unit_test(test_group_in_policy),
		cmocka_unit_test(test_unknown_group_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
