/* test_syscalls.c - x86_64 syscall names <-> numbers via libseccomp. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "syscalls.h"

static void test_name_to_nr(void **state)
{
	(void)state;
	assert_int_equal(syscall__nr("read"), 0);
	assert_int_equal(syscall__nr("openat"), 257);
	assert_int_equal(syscall__nr("execve"), 59);
	assert_int_equal(syscall__nr("getppid"), 110);
	assert_int_equal(syscall__nr("io_uring_setup"), 425);
}

static void test_nr_to_name(void **state)
{
	(void)state;
	assert_string_equal(syscall__name(0), "read");
	assert_string_equal(syscall__name(257), "openat");
	assert_string_equal(syscall__name(59), "execve");
	assert_string_equal(syscall__name(110), "getppid");
	assert_string_equal(syscall__name(425), "io_uring_setup");
	/* stable pointer */
	assert_ptr_equal(syscall__name(257), syscall__name(257));
}

static void test_round_trip_all(void **state)
{
	unsigned known = 0;

	(void)state;
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++) {
		const char *n = syscall__name(nr);

		if (!n)
			continue;
		known++;
		assert_int_equal(syscall__nr(n), (int)nr);
	}
	assert_true(known > 300);
}

static void test_unknown(void **state)
{
	(void)state;
	assert_int_equal(syscall__nr("opnat"), -1);
	assert_int_equal(syscall__nr(""), -1);
	assert_int_equal(syscall__nr(NULL), -1);
	/* exists on other architectures only: libseccomp pseudo number */
	assert_int_equal(syscall__nr("socketcall"), -1);
	assert_int_equal(syscall__nr("ipc"), -1);
	assert_null(syscall__name(100000));
	assert_null(syscall__name(UINT32_MAX));
	assert_null(syscall__name(SYSCALL_NR_MAX));
	assert_null(syscall__name(500)); /* unassigned */
}

static void test_suggest(void **state)
{
	(void)state;
	assert_string_equal(syscall__suggest("opnat"), "openat");
	assert_string_equal(syscall__suggest("exceve"), "execve");
	assert_string_equal(syscall__suggest("getpdi"), "getpid");
	assert_null(syscall__suggest("completely_unrelated_name_xyz"));
	assert_null(syscall__suggest(""));
}

static void test_resolve_name(void **state)
{
	uint32_t nrs[4];
	char err[256];

	(void)state;
	assert_int_equal(policy__resolve_name("openat", nrs, 4, err, sizeof(err)), 1);
	assert_int_equal(nrs[0], 257);
	assert_int_equal(policy__resolve_name("opnat", nrs, 4, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "unknown syscall name 'opnat'; did you mean 'openat'?");
	assert_int_equal(policy__resolve_name("@filesystem", nrs, 4, err,
					      sizeof(err)), -ENOENT);
	assert_string_equal(err, "unknown group '@filesystem'; did you mean "
			    "'@file-system'?");
	assert_int_equal(policy__resolve_name("@zzzzzzzzzzzz", nrs, 4, err,
					      sizeof(err)), -ENOENT);
	assert_string_equal(err, "unknown group '@zzzzzzzzzzzz'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_to_nr),
		cmocka_unit_test(test_nr_to_name),
		cmocka_unit_test(test_round_trip_all),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_resolve_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
