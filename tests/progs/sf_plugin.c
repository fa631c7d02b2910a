// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libsf_plugin.so - loaded by `matrix dlopen` with dlopen(); its call to
 * getpriority() must be charged to the plugin, not to the executable that
 * loaded it nor to ld.so.
 *
 * Built a second time with -DSF_PLUGIN2 as libsf_plugin2.so, which calls
 * getpgid() instead from the same place: `matrix dlswap` loads it where
 * the first one was.
 */
#include <sys/resource.h>
#include <unistd.h>

int sf_plugin_run(void);

volatile long sf_plugin_sink;

int sf_plugin_run(void)
{
#ifdef SF_PLUGIN2
	int prio = getpgid(0);
#else
	int prio = getpriority(PRIO_PROCESS, 0);
#endif

	sf_plugin_sink = prio;
	return 0;
}
