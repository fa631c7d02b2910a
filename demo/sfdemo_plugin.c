// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sfdemo_plugin.so - loaded by sfdemo with dlopen(): a "stats" plugin that
 * reads /proc/self/status and asks the kernel for resource usage and system
 * load.  Its syscalls must show up under the plugin's own path.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <time.h>

#include "sfdemo_plugin.h"

int sfdemo_plugin_stats(struct sfdemo_stats *st)
{
	struct rusage ru;
	struct sysinfo si;
	struct timespec ts;
	char line[256];
	FILE *f;

	memset(st, 0, sizeof(*st));
	f = fopen("/proc/self/status", "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "VmRSS: %ld", &st->rss_kb);
			sscanf(line, "Threads: %ld", &st->threads);
		}
		fclose(f);
	}
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		st->cpu_sec = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		st->uptime_ns = (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
	if (sysinfo(&si) == 0)
		st->procs = si.procs;
	return 0;
}
