// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sfdemo - the bundled demo target of `make demo`.
 *
 * A toy key-value service: values are stored with libsfstore.so (file I/O:
 * open/write/read/fsync/rename under a private temp dir), echoed through a
 * loopback TCP connection with libsfnet.so (socket/bind/listen/accept4/
 * connect/send/recv), and a stats plugin loaded with dlopen()
 * (sfdemo_plugin.so: /proc/self/status, getrusage, sysinfo) reports on the
 * process.  Each part's syscalls should land under its own library in the
 * policy sysfence learns.
 *
 *   sfdemo --workload [--seconds SEC]   run the built-in workload (1.5 s)
 *   sfdemo --workload --plugin PATH     ... with another stats plugin (tests:
 *                                       sfdemo_plugin_evil.so)
 */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sfdemo_plugin.h"
#include "sfnet.h"
#include "sfstore.h"

#define NKEYS 64
#define COMPACT_EVERY 100
#define STATS_EVERY 250
#define MAX_ITERS 200000

static const char USAGE[] =
	"usage: sfdemo --workload [--seconds SEC] [--plugin PATH]\n"
	"\n"
	"Run a short key-value workload: store (libsfstore.so), loopback echo\n"
	"(libsfnet.so) and a dlopen'ed stats plugin (sfdemo_plugin.so).\n"
	"\n"
	"  -w, --workload       run the workload (required)\n"
	"  -s, --seconds SEC    how long to run, 0.1 .. 60 (default 1.5)\n"
	"  -p, --plugin PATH    stats plugin to dlopen (default " SFDEMO_PLUGIN_SO ",\n"
	"                       found next to sfdemo; a name without '/' is\n"
	"                       searched the same way)\n"
	"  -h, --help           this text\n"
	"\n"
	"EXAMPLES\n"
	"  sfdemo --workload\n"
	"  sysfence learn -- sfdemo --workload --seconds 5\n";

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_workload(double seconds, const char *plugin_path)
{
	struct sfdemo_stats st;
	sfdemo_stats_fn stats;
	struct sfstore *store;
	struct sfnet *net;
	long puts = 0, gets = 0, hits = 0, echoes = 0, compactions = 0;
	double start, elapsed;
	void *plugin;
	int err = 0, i;

	/* A bare name is found through sfdemo's RUNPATH ($ORIGIN). */
	plugin = dlopen(plugin_path, RTLD_NOW | RTLD_LOCAL);
	if (!plugin) {
		fprintf(stderr, "sfdemo: error: dlopen: %s\n", dlerror());
		return 1;
	}
	*(void **)&stats = dlsym(plugin, SFDEMO_PLUGIN_SYM);
	if (!stats) {
		fprintf(stderr, "sfdemo: error: dlsym: %s\n", dlerror());
		dlclose(plugin);
		return 1;
	}
	store = sfstore__open();
	if (!store) {
		fprintf(stderr, "sfdemo: error: store: %s\n", strerror(errno));
		dlclose(plugin);
		return 1;
	}
	net = sfnet__start();
	if (!net) {
		fprintf(stderr, "sfdemo: error: echo server: %s\n", strerror(errno));
		sfstore__close(store);
		dlclose(plugin);
		return 1;
	}

	start = now_sec();
	for (i = 0; i < MAX_ITERS && now_sec() - start < seconds; i++) {
		char key[32], value[64], echo[64], got[256];
		size_t len;

		snprintf(key, sizeof(key), "user:%d", i % NKEYS);
		len = (size_t)snprintf(value, sizeof(value), "visits=%d", i);
		/* Values travel through the echo server before being stored. */
		err = sfnet__roundtrip(net, value, len, echo);
		if (err)
			break;
		echoes++;
		echo[len] = '\0';
		err = sfstore__put(store, key, echo);
		if (err)
			break;
		puts++;
		if (i % 4 == 0) {
			snprintf(key, sizeof(key), "user:%d", (i * 7) % NKEYS);
			err = sfstore__get(store, key, got, sizeof(got));
			if (err && err != -ENOENT)
				break;
			hits += err == 0;
			gets++;
			err = 0;
		}
		if (i % COMPACT_EVERY == COMPACT_EVERY - 1) {
			err = sfstore__compact(store);
			if (err)
				break;
			compactions++;
		}
		if (i % STATS_EVERY == 0)
			stats(&st);
	}
	if (!err)
		err = sfstore__compact(store);
	elapsed = now_sec() - start;
	stats(&st);
	if (err)
		fprintf(stderr, "sfdemo: error: workload: %s\n", strerror(-err));
	else
		printf("sfdemo: %.1f s: %ld puts, %ld gets (%ld hits), %ld echo "
		       "round trips, %ld compactions, %ld keys stored\n"
		       "sfdemo: plugin: rss %ld kB, %ld threads, cpu %.2f s, "
		       "%ld processes on the system\n",
		       elapsed, puts, gets, hits, echoes, compactions,
		       sfstore__count(store), st.rss_kb, st.threads, st.cpu_sec,
		       st.procs);
	sfnet__stop(net);
	sfstore__close(store);
	dlclose(plugin);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workload", no_argument, NULL, 'w' },
		{ "seconds", required_argument, NULL, 's' },
		{ "plugin", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plugin_path = SFDEMO_PLUGIN_SO;
	double seconds = 1.5;
	int workload = 0, c;

	while ((c = getopt_long(argc, argv, "ws:p:h", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'w':
			workload = 1;
			break;
		case 's':
			errno = 0;
			seconds = strtod(optarg, &end);
			if (errno || end == optarg || *end || seconds < 0.1 ||
			    seconds > 60) {
				fprintf(stderr, "sfdemo: error: --seconds: "
					"expected 0.1 .. 60, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'p':
			if (!*optarg) {
				fprintf(stderr, "sfdemo: error: --plugin: empty path\n");
				return 2;
			}
			plugin_path = optarg;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		default:
			fputs(USAGE, stderr);
			return 2;
		}
	}
	if (!workload || optind != argc) {
		fputs(USAGE, stderr);
		return 2;
	}
	return run_workload(seconds, plugin_path);
}
