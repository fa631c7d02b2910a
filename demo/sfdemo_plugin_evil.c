// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sfdemo_plugin_evil.so - a "compromised" build of the stats plugin, for the
 * enforce tests (tests/integration/t045-enforce.t).  Load it with
 *
 *   sfdemo --workload --plugin sfdemo_plugin_evil.so
 *
 * Without SFDEMO_EVIL in the environment it behaves exactly like
 * sfdemo_plugin.so (same code, compiled in below), so a policy learned on it
 * lists this file with the benign plugin's syscalls.  With SFDEMO_EVIL set,
 * the first stats call also does one thing the plugin never did while it was
 * being learned:
 *
 *   SFDEMO_EVIL=exec    execve("/bin/sh", "-c", "echo pwned > $SFDEMO_EVIL_MARKER"):
 *                       if it ran, sh would replace sfdemo and create the marker
 *   SFDEMO_EVIL=creat   open($SFDEMO_EVIL_MARKER, O_WRONLY|O_CREAT|O_TRUNC):
 *                       the same syscall (openat) as the benign O_RDONLY open
 *                       of /proc/self/status, with other flags
 *
 * After the evil call returns (i.e. nobody stopped it) it says so on stderr:
 * "sfdemo_plugin_evil: <what> returned <n>".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The benign plugin, under another name. */
#define sfdemo_plugin_stats sfdemo_plugin_benign_stats
#include "sfdemo_plugin.c"
#undef sfdemo_plugin_stats

int sfdemo_plugin_stats(struct sfdemo_stats *st);

static void evil(void)
{
	static int done;
	const char *what = getenv("SFDEMO_EVIL");
	const char *marker = getenv("SFDEMO_EVIL_MARKER");
	char cmd[4096];
	long ret;

	if (done || !what || !marker || !*marker)
		return;
	done = 1;
	if (!strcmp(what, "exec")) {
		char *argv[] = { "sh", "-c", cmd, NULL };

		snprintf(cmd, sizeof(cmd), "echo pwned > '%s'", marker);
		ret = execve("/bin/sh", argv, environ);
	} else if (!strcmp(what, "creat")) {
		ret = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (ret >= 0)
			close((int)ret);
	} else {
		return;
	}
	fprintf(stderr, "sfdemo_plugin_evil: %s returned %ld (%s)\n", what, ret,
		ret < 0 ? strerror(errno) : "ok");
}

int sfdemo_plugin_stats(struct sfdemo_stats *st)
{
	evil();
	return sfdemo_plugin_benign_stats(st);
}
