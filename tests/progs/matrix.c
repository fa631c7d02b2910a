// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * matrix - attribution ground truth for sysfence.
 *
 *   matrix CASE          run one case (see matrix-cases.txt)
 *   SF_HAMMER=1 matrix CASE
 *                        same, while a second thread hammers mmap/munmap
 *   SF_PIDFILE=F         (sleep-loop) write our pid to F first
 *   SF_SLEEP_SEC=N       (sleep-loop) sleep N seconds instead of 30
 *
 * Each case makes one rare "marker" syscall from a known place; the
 * integration test t010-attribution.t learns the run with sysfence and
 * checks which library the marker was charged to.  main() itself makes no
 * marker syscall and does not touch stdio or malloc before the case runs
 * (malloc-brk relies on that).
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hammer.h"
#include "sf_a.h"
#include "sf_b.h"

static volatile long main_sink;

static int case_inline(void)
{
	main_sink = sf_b_inline_sched_yield();
	return 0;
}

/* dlopen NAME, run its sf_plugin_run(), dlclose it. */
static int run_plugin(const char *name)
{
	/* Found through the executable's RUNPATH ($ORIGIN). */
	void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	int (*run)(void);
	int rc;

	if (!h) {
		fprintf(stderr, "matrix: dlopen: %s\n", dlerror());
		return 1;
	}
	*(void **)&run = dlsym(h, "sf_plugin_run");
	if (!run) {
		fprintf(stderr, "matrix: dlsym: %s\n", dlerror());
		dlclose(h);
		return 1;
	}
	rc = run();
	dlclose(h);
	return rc;
}

static int case_dlopen(void)
{
	return run_plugin("libsf_plugin.so");
}

/* A library unloaded, another loaded in its place (the same size: it
 * usually lands at the same addresses): the second one's call must not be
 * charged to the first through anything cached for those addresses (the
 * mapping cache, the unwind cache, the per-CPU copy of the process's
 * address-space id). */
static int case_dlswap(void)
{
	return run_plugin("libsf_plugin.so") || run_plugin("libsf_plugin2.so");
}

static int case_exec(void)
{
	static char self[PATH_MAX], target[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return 1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return 1;
	*slash = '\0';
	snprintf(target, sizeof(target), "%s/matrix-exec-target", self);
	execl(target, target, "exec", (char *)NULL);
	perror("matrix: exec matrix-exec-target");
	return 1;
}

static int case_main(void)
{
	main_sink = getsid(0);
	return 0;
}

static int case_ldso(void)
{
	/* Nothing: the marker (arch_prctl) was made by ld.so before main. */
	return 0;
}

static int case_sleep_loop(void)
{
	const char *pidfile = getenv("SF_PIDFILE");
	const char *sec_env = getenv("SF_SLEEP_SEC");
	long sec = 30;
	long i;

	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (!f)
			return 1;
		fprintf(f, "%ld\n", (long)getpid());
		if (fclose(f) != 0)
			return 1;
	}
	if (sec_env) {
		char *end;

		sec = strtol(sec_env, &end, 10);
		if (*end || sec < 0 || sec > 3600)
			sec = 30;
	}
	sf_a_sleep_marker();
	for (i = 0; i < sec; i++)
		sleep(1);
	return 0;
}

struct matrix_case {
	const char *name;
	int (*fn)(void);
	int hammer; /* run with SF_HAMMER contention when asked */
};

static const struct matrix_case cases[] = {
	{ "wrapper", sf_a_wrapper, 1 },
	{ "printf", sf_a_printf, 1 },
	{ "fopen", sf_a_fopen, 1 },
	{ "readdir", sf_a_readdir, 1 },
	{ "gethostname", sf_a_gethostname, 1 },
	{ "malloc-mmap", sf_a_malloc_mmap, 1 },
	{ "malloc-brk", sf_a_malloc_brk, 1 },
	{ "syscall", sf_a_syscall, 1 },
	{ "inline", case_inline, 1 },
	{ "nested", sf_a_nested, 1 },
	{ "dlopen", case_dlopen, 1 },
	{ "dlswap", case_dlswap, 1 },
	{ "pthread", sf_a_pthread, 1 },
	{ "fork", sf_a_fork, 1 },
	{ "exec", case_exec, 1 },
	{ "main", case_main, 1 },
	{ "ldso", case_ldso, 1 },
	{ "sleep-loop", case_sleep_loop, 0 },
};

static void usage(void)
{
	size_t i;

	fprintf(stderr, "usage: matrix CASE\ncases:");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		fprintf(stderr, " %s", cases[i].name);
	fprintf(stderr, "\n(the \"static\" case is the matrix-static binary)\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	if (argc != 2) {
		usage();
		return 2;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(argv[1], cases[i].name) == 0)
			break;
	if (i == sizeof(cases) / sizeof(cases[0])) {
		usage();
		return 2;
	}
	if (cases[i].hammer)
		hammer__start();
	rc = cases[i].fn();
	hammer__stop();
	return rc;
}
