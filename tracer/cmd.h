/* cmd.h - subcommands and the shared command helpers. */
#ifndef SF_CMD_H
#define SF_CMD_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "policy.h"
#include "trace.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

int cmd_learn(int argc, char **argv);
int cmd_merge(int argc, char **argv);
/* review commands (reviewcmd.c) */
int cmd_groups(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_enforce(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_plot(int argc, char **argv);

/* Options shared by commands: log the error and return -1 when invalid. */
int opt_duration(const char *arg, uint64_t *ms);
int opt_pid(const char *arg, pid_t *pid);
/* --NAME on|off: *off = 1 for off; -1 (error printed) for anything else. */
int opt_on_off(const char *name, const char *arg, int *off);
/* --generalize none|standard|broad (learn, merge) */
int opt_generalize(const char *arg, struct gen_opts *gen);
/* Options of a command whose only option is -h/--help: -1 to go on (optind
 * at the first operand), else the exit status to return (EXIT_OK after
 * printing usage to stdout for --help, EXIT_USAGE after printing it to
 * stderr for anything else). */
int opt_help_only(int argc, char **argv, const char *usage);
/* Clocks in ns / ms. */
uint64_t clock_ns(clockid_t clock);
uint64_t mono_ms(void);

/* Load a trace or a policy file (detected by content) as a policy. */
int load_policy_or_trace(const char *path, struct policy **out);
/* Same; a trace is generalised with opts (NULL = defaults). */
int load_policy_or_trace_opts(const char *path, const struct gen_opts *opts,
			      struct policy **out);
/* Same, and (logs_ok) a violation log of `enforce -l` (JSON lines),
 * read as a recording; *is_log (may be NULL) says which it was.  A log
 * where logs_ok is 0 is an error that says to `merge` it. */
int load_input(const char *path, const struct gen_opts *opts, int logs_ok, struct policy **out,
	       int *is_log);
/* Print a one-screen summary of a policy; old (may be NULL) = previous
 * version of the file, for "what changed". */
void print_policy_summary(FILE *f, const struct policy *p, const struct policy *old);

#endif
