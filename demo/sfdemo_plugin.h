/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* sfdemo_plugin.so - interface sfdemo looks up with dlsym(). */
#ifndef SFDEMO_PLUGIN_H
#define SFDEMO_PLUGIN_H

#define SFDEMO_PLUGIN_SO "sfdemo_plugin.so"
#define SFDEMO_PLUGIN_SYM "sfdemo_plugin_stats"

struct sfdemo_stats {
	long rss_kb;      /* VmRSS from /proc/self/status */
	long threads;     /* Threads from /proc/self/status */
	double cpu_sec;   /* user + system CPU time (getrusage) */
	double uptime_ns; /* CLOCK_MONOTONIC (vDSO: usually no syscall) */
	long procs;       /* processes on the system (sysinfo) */
};

typedef int (*sfdemo_stats_fn)(struct sfdemo_stats *st);

int sfdemo_plugin_stats(struct sfdemo_stats *st);

#endif /* SFDEMO_PLUGIN_H */
