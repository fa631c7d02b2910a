/* test_fileio.c - atomic write and capped whole-file read. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"

#define TEST_TMPDIR_PREFIX "/tmp/sf-test-fileio"
#include "testutil.h"

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_replace(void **state)
{
	char path[256], err[256] = "";
	struct stat st;
	char *buf;
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/a.json", tmpdir);
	assert_int_equal(fileio__write_atomic(path, "one\n", 4, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(fileio__write_atomic(path, "two!\n", 5, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600); /* mode kept */
	assert_int_equal(fileio__read_all(path, FILEIO_READ_CAP, &buf, &len, err,
					  sizeof(err)), 0);
	assert_int_equal(len, 5);
	assert_string_equal(buf, "two!\n");
	free(buf);
	assert_int_equal(count_entries(tmpdir), 1); /* no temp files left */
}

static void test_write_failure(void **state)
{
	char path[256], sub[256], err[256] = "";
	char *buf;
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/keep.json", tmpdir);
	snprintf(sub, sizeof(sub), "%s/adir", tmpdir);
	assert_int_equal(fileio__write_atomic(path, "old", 3, err, sizeof(err)), 0);
	/* rename over a directory fails: temp removed, message names path */
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_true(fileio__write_atomic(sub, "x", 1, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "cannot write "));
	assert_non_null(strstr(err, "/adir: "));
	assert_int_equal(count_entries(tmpdir), 3); /* a.json keep.json adir */
	/* missing directory */
	snprintf(path, sizeof(path), "%s/nope/x.json", tmpdir);
	assert_int_equal(fileio__write_atomic(path, "x", 1, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "No such file or directory"));
	snprintf(path, sizeof(path), "%s/keep.json", tmpdir);
	assert_int_equal(fileio__read_all(path, FILEIO_READ_CAP, &buf, &len, err,
					  sizeof(err)), 0);
	assert_string_equal(buf, "old");
	free(buf);
	assert_int_equal(fileio__write_atomic("", "x", 1, err, sizeof(err)), -EINVAL);
}

static void test_read_limits(void **state)
{
	char path[256], err[256] = "";
	char *buf = (char *)1;
	size_t len = 1;

	(void)state;
	snprintf(path, sizeof(path), "%s/big", tmpdir);
	assert_int_equal(fileio__write_atomic(path, "0123456789", 10, err,
					      sizeof(err)), 0);
	assert_int_equal(fileio__read_all(path, 9, &buf, &len, err, sizeof(err)),
			 -EFBIG);
	assert_null(buf);
	assert_non_null(strstr(err, "file too large"));
	assert_int_equal(fileio__read_all(path, 10, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 10);
	free(buf);
	snprintf(path, sizeof(path), "%s/empty", tmpdir);
	assert_int_equal(fileio__write_atomic(path, "", 0, err, sizeof(err)), 0);
	assert_int_equal(fileio__read_all(path, 10, &buf, &len, err, sizeof(err)),
			 -ENODATA);
	assert_non_null(strstr(err, "empty: empty file"));
	assert_int_equal(fileio__read_all(tmpdir, 10, &buf, &len, err, sizeof(err)),
			 -EISDIR);
	/* size unknown up front (procfs): read by growing */
	assert_int_equal(fileio__read_all("/proc/self/status", FILEIO_READ_CAP,
					  &buf, &len, err, sizeof(err)), 0);
	assert_non_null(strstr(buf, "Name:"));
	assert_int_equal(strlen(buf), len);
	free(buf);
	assert_int_equal(fileio__read_all("/proc/self/status", 16, &buf, &len,
					  err, sizeof(err)), -EFBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_replace),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_read_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown) ? 1 : 0;
}
