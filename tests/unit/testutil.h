/* testutil.h - shared cmocka fixtures of the unit tests: a private temporary
 * directory per test binary.  Define TEST_TMPDIR_PREFIX before including. */
#ifndef SF_TESTUTIL_H
#define SF_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>

#ifndef TEST_TMPDIR_PREFIX
#error "define TEST_TMPDIR_PREFIX (e.g. \"/tmp/sf-test-x\") first"
#endif

static char tmpdir[] = TEST_TMPDIR_PREFIX ".XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
