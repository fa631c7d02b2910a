// SPDX-License-Identifier: GPL-2.0
/* main.c - sysfence command-line entry: a table of subcommands. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

#define SYSFENCE_VERSION "0.1.0"

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("sysfence %s (trace format %d, policy version %d)\n", SYSFENCE_VERSION,
	       TRACE_FORMAT_VERSION, POLICY_VERSION);
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "learn", cmd_learn, "record a program's syscalls per library and write a policy" },
	{ "merge", cmd_merge, "merge traces and/or policies into one policy" },
	{ "diff", cmd_diff, "what changed between two policies, rated by risk" },
	{ "show", cmd_show, "a policy as tables: groups, risk, evidence" },
	{ "score", cmd_score, "privilege score per library vs union vs no filter" },
	{ "check", cmd_check, "validate a hand-edited policy (file:line errors)" },
	{ "groups", cmd_groups, "list the syscall groups (@network-io, ...)" },
	{ "enforce", cmd_enforce, "kill calls outside their library's rules" },
	{ "export", cmd_export, "write the process-wide union as an OCI profile or a BPF filter" },
	{ "plot", cmd_plot, "plot the saturation curve of a `learn --fuzz` run (PNG)" },
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "show this help" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: sysfence COMMAND [OPTIONS] ...\n\n"
		   "Learns least-privilege system-call policies per shared library.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'sysfence COMMAND --help' shows a command's options.\n"
		   "Exit codes: 0 success, 1 runtime error, 2 usage error "
		   "(diff: 0 same, 1 changed, 2 error; enforce: 3 when violations were seen).\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	log__init(LOG_NORMAL);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc, argv);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc, argv);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	log_err("unknown command '%s' (see 'sysfence --help')", argv[1]);
	return EXIT_USAGE;
}
