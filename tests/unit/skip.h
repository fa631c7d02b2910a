/* skip.h - SF_SKIP(fmt, ...): this cmocka test cannot run here.
 *
 * Outside CI it prints "SKIP: <reason>" and skips (cmocka skip()).  Under
 * CI=true a test that cannot run is a failure, never a silent skip
 * (docs/testing.md): it fails with the reason.  scripts/run-tests.sh also
 * counts a plain skip() as failed under CI=true; this macro says why.
 * Include after <cmocka.h>. */
#ifndef SF_SKIP_H
#define SF_SKIP_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static inline bool sf_under_ci(void)
{
	const char *ci = getenv("CI");

	return ci && !strcmp(ci, "true");
}

#define SF_SKIP(...)                                                          \
	do {                                                                  \
		print_message("SKIP: " __VA_ARGS__);                          \
		print_message("\n");                                          \
		if (sf_under_ci())                                            \
			fail_msg("CI=true: a test that cannot run fails");    \
		skip();                                                       \
	} while (0)

#endif
