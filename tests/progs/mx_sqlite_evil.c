// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * mx_sqlite_evil.so - a SQLite extension that no policy knows, for the
 * generalisation matrix (tests/matrix/): `.load PATH` in the sqlite3 shell
 * runs its entry point, whose first system call is
 * execve("/bin/sh", "-c", "echo pwned > $SF_MX_MARK").  No sqlite3ext.h is
 * needed: the entry point's arguments are not used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int sqlite3_extension_init(void *db, char **err, const void *api);

int sqlite3_extension_init(void *db, char **err, const void *api)
{
	const char *mark = getenv("SF_MX_MARK");
	char cmd[1200];
	char *args[] = { "sh", "-c", cmd, NULL };
	char *envp[] = { NULL };

	(void)db;
	(void)err;
	(void)api;
	snprintf(cmd, sizeof(cmd), "echo pwned > '%s'", mark ? mark : "/tmp/mx_sqlite_evil.mark");
	execve("/bin/sh", args, envp);
	return 1;
}
