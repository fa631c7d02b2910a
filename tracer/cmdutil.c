// SPDX-License-Identifier: GPL-2.0
/* cmdutil.c - option parsing and clocks shared by the commands (cmd.h). */
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capability.h"
#include "cliparse.h"
#include "cmd.h"
#include "log.h"

int opt_duration(const char *arg, uint64_t *ms)
{
	if (parse_duration_ms(arg, ms)) {
		log_err("invalid --duration '%s': expected e.g. 90s, 10m, 1h (max 365d)", arg);
		return -1;
	}
	return 0;
}

int opt_generalize(const char *arg, struct gen_opts *gen)
{
	enum gen_level lv;

	if (capability__parse_level(arg, &lv)) {
		log_err("invalid --generalize '%s': expected none, standard or broad", arg);
		return -1;
	}
	gen->level = lv;
	return 0;
}

int opt_pid(const char *arg, pid_t *pid)
{
	uint64_t v;

	if (parse_u64(arg, 1, INT32_MAX, &v)) {
		log_err("invalid --pid '%s': expected a process id", arg);
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

int opt_on_off(const char *name, const char *arg, int *off)
{
	if (strcmp(arg, "on") && strcmp(arg, "off")) {
		log_err("invalid --%s '%s': expected on or off", name, arg);
		return -1;
	}
	*off = !strcmp(arg, "off");
	return 0;
}

int opt_help_only(int argc, char **argv, const char *usage)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		fputs(usage, c == 'h' ? stdout : stderr);
		return c == 'h' ? EXIT_OK : EXIT_USAGE;
	}
	return -1;
}

uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t mono_ms(void)
{
	return clock_ns(CLOCK_MONOTONIC) / 1000000;
}
