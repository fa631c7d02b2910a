// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libpreload_evil.so - an LD_PRELOAD library that no policy knows, for the
 * enforce tests (tests/integration/t045-enforce.t).  Its constructor makes
 * one system call, openat("/dev/null", O_RDONLY) - a call every process's
 * union allows (so the seccomp floor lets it through and the per-library
 * layer must stop it) - and then says "preload_evil: survived" on stderr.
 *
 * It only acts in a process whose name (program_invocation_short_name) is
 * $SF_PRELOAD_TARGET (default "sfdemo"), so that the launcher it is also
 * preloaded into (sysfence itself) is left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void preload_evil_init(void)
{
	const char *target = getenv("SF_PRELOAD_TARGET");
	int fd;

	if (!target || !*target)
		target = "sfdemo";
	if (strcmp(program_invocation_short_name, target))
		return;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	fprintf(stderr, "preload_evil: survived (open returned %d)\n", fd);
}
