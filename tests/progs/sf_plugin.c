// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libsf_plugin.so - loaded by `matrix dlopen` with dlopen(); its call to
 * getpriority() must be charged to the plugin, not to the executable that
 * loaded it nor to ld.so.
 */
#include <sys/resource.h>

int sf_plugin_run(void);

volatile long sf_plugin_sink;

int sf_plugin_run(void)
{
	int prio = getpriority(PRIO_PROCESS, 0);

	sf_plugin_sink = prio;
	return 0;
}
