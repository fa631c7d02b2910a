// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * matrix-exec-target - exec'd by `matrix exec`.  Its main() calls the
 * getitimer() wrapper directly, so the marker must be charged to this
 * executable (a fresh image in the same, still tracked, process).
 */
#include <sys/time.h>

#include "hammer.h"

int main(void)
{
	struct itimerval it;
	int rc;

	hammer__start();
	rc = getitimer(ITIMER_REAL, &it);
	hammer__stop();
	return rc != 0;
}
