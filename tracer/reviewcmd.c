// SPDX-License-Identifier: GPL-2.0
/* reviewcmd.c - review commands: groups, diff, show, score, check.
 * The cores live in learner/ (groups.c, diff.c, show.c, score.c, check.c);
 * this file parses options, loads files and decides exit codes.
 */
#include <errno.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "cmd.h"
#include "diff.h"
#include "fileio.h"
#include "groups.h"
#include "log.h"
#include "plot.h"
#include "score.h"
#include "show.h"
#include "syscalls.h"

extern char **environ;

static int want_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(nc && *nc);
}

/* Print a JSON document made by a *_to_json() function and free it; NULL
 * (errno set) is reported as "cannot format WHAT".  0 or -1. */
static int put_json(char *s, const char *what)
{
	if (!s) {
		log_err("cannot format %s: %s", what, strerror(errno ? errno : ENOMEM));
		return -1;
	}
	fputs(s, stdout);
	free(s);
	return 0;
}

/* ---- groups ---------------------------------------------------------------- */

static const char groups_usage[] =
	"Usage: sysfence groups [@GROUP...]\n"
	"\n"
	"Lists the syscall groups a policy may name (\"names\": [\"@network-io\"]),\n"
	"or the members of the given groups.\n"
	"\n"
	"Examples:\n"
	"  sysfence groups\n"
	"  sysfence groups @network-io @ipc\n"
	"\n"
	"Exit codes: 0 success, 1 unknown group, 2 usage error.\n";

int cmd_groups(int argc, char **argv)
{
	const struct sc_group *g;
	size_t n;
	int ret = opt_help_only(argc, argv, groups_usage);

	if (ret >= 0)
		return ret;
	ret = EXIT_OK;
	g = groups__all(&n);
	if (optind >= argc) {
		for (size_t i = 0; i < n; i++) {
			size_t m = 0;

			while (g[i].members[m])
				m++;
			printf("%-14s %3zu  %s\n", g[i].name, m, g[i].help);
		}
		return EXIT_OK;
	}
	for (int a = optind; a < argc; a++) {
		const struct sc_group *one = groups__find(argv[a]);
		int col = 2;

		if (!one) {
			const char *hint = groups__suggest(argv[a]);

			if (hint)
				log_err("unknown group '%s'; did you mean '%s'?",
					argv[a], hint);
			else
				log_err("unknown group '%s' (see 'sysfence groups')",
					argv[a]);
			ret = EXIT_FAIL;
			continue;
		}
		printf("%s - %s\n ", one->name, one->help);
		for (const char *const *m = one->members; *m; m++) {
			int w = (int)strlen(*m) + 1;

			if (col + w > 79) {
				printf("\n ");
				col = 2;
			}
			printf(" %s", *m);
			col += w;
		}
		printf("\n");
	}
	return ret;
}

/* ---- diff ------------------------------------------------------------------ */

static const char diff_usage[] =
	"Usage: sysfence diff OLD NEW [--json] [--fail-on high|medium|low]\n"
	"\n"
	"Shows what changed between two policies (or traces): per library the\n"
	"syscalls added and removed, widened or narrowed argument conditions,\n"
	"new and removed libraries, build-id and compartment changes.  Each change\n"
	"is rated high, medium or low from the dangerous-syscall list (see\n"
	"'sysfence score'); high-risk additions come first (red on a terminal).\n"
	"\n"
	"Options:\n"
	"  --json              machine-readable output\n"
	"  --fail-on LEVEL     exit 1 only when a change of LEVEL or above exists\n"
	"  -h, --help          this help\n"
	"\n"
	"Examples:\n"
	"  sysfence diff policies/redis.json /tmp/redis-new.json\n"
	"  sysfence diff old.json new.json --fail-on high    # CI gate\n"
	"\n"
	"Exit codes: 0 same (or nothing at/above --fail-on), 1 changed,\n"
	"2 error or usage error.\n";

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct policy *a = NULL, *b = NULL;
	struct diff *d = NULL;
	enum risk fail_on = RISK_LOW;
	int c, json = 0, have_fail_on = 0, ret = EXIT_USAGE, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'f':
			if (score__parse_risk(optarg, &fail_on)) {
				log_err("--fail-on: expected high, medium or low, "
					"not '%s'", optarg);
				return EXIT_USAGE;
			}
			have_fail_on = 1;
			break;
		case 'h':
			fputs(diff_usage, stdout);
			return EXIT_OK;
		default:
			fputs(diff_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		log_err("diff needs two files: OLD NEW");
		fputs(diff_usage, stderr);
		return EXIT_USAGE;
	}
	if (load_policy_or_trace(argv[optind], &a) ||
	    load_policy_or_trace(argv[optind + 1], &b))
		goto out;
	rc = diff__policies(a, b, &d);
	if (rc) {
		log_err("cannot compare the policies: %s", strerror(-rc));
		goto out;
	}
	if (json) {
		if (put_json(diff__to_json(d), "the diff"))
			goto out;
	} else {
		diff__print(stdout, d, want_color());
	}
	if (have_fail_on) {
		ret = EXIT_OK;
		for (int r = (int)fail_on; r <= RISK_HIGH; r++)
			if (d->by_risk[r])
				ret = EXIT_FAIL;
	} else {
		ret = d->n ? EXIT_FAIL : EXIT_OK;
	}
out:
	if (fflush(stdout) && ret != EXIT_USAGE) {
		log_err("cannot write the output: %s", strerror(errno));
		ret = EXIT_USAGE;
	}
	diff__free(d);
	policy__free(a);
	policy__free(b);
	return ret;
}

/* ---- show ------------------------------------------------------------------ */

static const char show_usage[] =
	"Usage: sysfence show POLICY [--json]\n"
	"\n"
	"Prints one table per library, executable, compartment and bucket: the\n"
	"syscalls grouped by syscall group, risk marks (HIGH, med), evidence\n"
	"(calls seen, first call site) and each unit's privilege score.\n"
	"\n"
	"Options:\n"
	"  --json       machine-readable output\n"
	"  -h, --help   this help\n"
	"\n"
	"Example:\n"
	"  sysfence show policies/redis.json | less\n"
	"\n"
	"Exit codes: 0 success, 1 error, 2 usage error.\n";

/* Options shared by show and score: POLICY [--json] [--plot FILE]. */
static int parse_policy_args(int argc, char **argv, const char *usage,
			     int allow_plot, int *json, const char **plot,
			     const char **path)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "plot", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = 1;
			break;
		case 'p':
			if (!allow_plot)
				goto bad;
			*plot = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			goto bad;
		}
	}
	if (argc - optind != 1) {
		log_err("%s needs one policy file", argv[0]);
		goto bad;
	}
	*path = argv[optind];
	return 0;
bad:
	fputs(usage, stderr);
	return -1;
}

int cmd_show(int argc, char **argv)
{
	struct policy *p = NULL;
	const char *path = NULL, *plot = NULL;
	int json = 0, rc, ret = EXIT_FAIL;

	rc = parse_policy_args(argc, argv, show_usage, 0, &json, &plot, &path);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (load_policy_or_trace(path, &p))
		return EXIT_FAIL;
	if (json) {
		if (put_json(show__to_json(p), path))
			goto out;
	} else if ((rc = show__print(stdout, p))) {
		log_err("cannot show %s: %s", path, strerror(-rc));
		goto out;
	}
	ret = EXIT_OK;
out:
	if (fflush(stdout) && ret == EXIT_OK) {
		log_err("cannot write the output: %s", strerror(errno));
		ret = EXIT_FAIL;
	}
	policy__free(p);
	return ret;
}

/* ---- score ----------------------------------------------------------------- */

static const char score_usage[] =
	"Usage: sysfence score POLICY [--json] [--plot FILE.png]\n"
	"\n"
	"Privilege score of each library (or compartment, or bucket), of the most\n"
	"privileged one, of the process-wide union (what a plain seccomp profile\n"
	"allows) and of no filter.  A syscall weighs 1 unless the dangerous-syscall\n"
	"list (docs/review.md) gives it more.  Bucket syscalls (calls no library\n"
	"could be charged with) are judged against the union under enforcement,\n"
	"so they are added to every library's score.\n"
	"\n"
	"Options:\n"
	"  --json             machine-readable output\n"
	"  --plot FILE.png    bar chart of the unit scores with lines for the\n"
	"                     union and no filter (needs gnuplot)\n"
	"  -h, --help         this help\n"
	"\n"
	"Examples:\n"
	"  sysfence score policies/redis.json\n"
	"  sysfence score policies/redis.json --plot score.png\n"
	"\n"
	"Exit codes: 0 success, 1 error, 2 usage error.\n";

/* How much more (percent) the union allows with inferred rules. */
static double score_increase(uint64_t with, uint64_t observed)
{
	return observed ? 100.0 * ((double)with / (double)observed - 1.0) : 0.0;
}

/* {"setsockopt": 7, "getsockopt": "any"}: the (level, option) pairs a
 * unit may use, "any" when they are not checked, null when the syscall is
 * not allowed. */
static cJSON_bool add_pairs(cJSON *o, const char *key, const long v[2])
{
	static const char *const names[2] = { "setsockopt", "getsockopt" };
	cJSON *p = cJSON_AddObjectToObject(o, key);

	for (int w = 0; p && w < 2; w++)
		if (!(v[w] == SCORE_PAIRS_NONE ? cJSON_AddNullToObject(p, names[w]) :
		      v[w] == SCORE_PAIRS_ANY ? cJSON_AddStringToObject(p, names[w], "any") :
		      cJSON_AddNumberToObject(p, names[w], (double)v[w])))
			return 0;
	return p != NULL;
}

static void pairs_text(const long v[2], char *buf, size_t len)
{
	static const char *const names[2] = { "setsockopt", "getsockopt" };
	size_t o = 0;

	buf[0] = '\0';
	for (int w = 0; w < 2 && o < len; w++) {
		if (v[w] == SCORE_PAIRS_NONE)
			continue;
		if (v[w] == SCORE_PAIRS_ANY)
			o += (size_t)snprintf(buf + o, len - o, "%s%s any", o ? ", " : "",
					      names[w]);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s%s %ld", o ? ", " : "",
					      names[w], v[w]);
	}
}

static char *score_json(const struct score_report *r)
{
	cJSON *root = cJSON_CreateObject(), *arr = NULL;
	cJSON_bool ok = 1;
	char *s, *out;

	if (!root || !(arr = cJSON_AddArrayToObject(root, "units")))
		ok = 0;
	for (size_t i = 0; ok && i < r->nunits; i++) {
		const struct score_unit *u = &r->units[i];
		cJSON *o = cJSON_CreateObject();

		ok = o && cJSON_AddItemToArray(arr, o) &&
		     cJSON_AddStringToObject(o, "name", u->name) &&
		     cJSON_AddStringToObject(o, "kind", score__unit_kind_name(u->kind)) &&
		     cJSON_AddNumberToObject(o, "syscalls", (double)u->nsyscalls) &&
		     cJSON_AddNumberToObject(o, "score", (double)u->score) &&
		     cJSON_AddNumberToObject(o, "ownSyscalls", (double)u->nown) &&
		     cJSON_AddNumberToObject(o, "ownScore", (double)u->own) &&
		     cJSON_AddNumberToObject(o, "dangerous", (double)u->ndangerous) &&
		     cJSON_AddNumberToObject(o, "observedSyscalls",
					     (double)u->nobserved) &&
		     cJSON_AddNumberToObject(o, "observedScore",
					     (double)u->observed_score) &&
		     cJSON_AddNumberToObject(o, "reductionVsNone",
					     score__reduction(u->score, r->none)) &&
		     cJSON_AddNumberToObject(o, "reductionVsUnion",
					     score__reduction(u->score,
							      r->union_score)) &&
		     add_pairs(o, "sockoptPairs", u->sockopt);
	}
	if (ok) {
		cJSON *o = cJSON_AddObjectToObject(root, "summary");

		ok = o &&
		     (r->max_unit >= 0 ?
		      cJSON_AddStringToObject(o, "mostPrivileged",
					      r->units[r->max_unit].name) :
		      cJSON_AddNullToObject(o, "mostPrivileged")) &&
		     cJSON_AddNumberToObject(o, "max", (double)r->max) &&
		     cJSON_AddNumberToObject(o, "union", (double)r->union_score) &&
		     cJSON_AddNumberToObject(o, "unionSyscalls", (double)r->nunion) &&
		     cJSON_AddNumberToObject(o, "unionObserved",
					     (double)r->union_observed) &&
		     cJSON_AddNumberToObject(o, "unionObservedSyscalls",
					     (double)r->nunion_observed) &&
		     cJSON_AddNumberToObject(o, "inferredRules", (double)r->ninferred) &&
		     cJSON_AddNumberToObject(o, "inferredIncrease",
					     score_increase(r->union_score,
							    r->union_observed)) &&
		     cJSON_AddNumberToObject(o, "none", (double)r->none) &&
		     cJSON_AddNumberToObject(o, "noneSyscalls", (double)r->nnone) &&
		     cJSON_AddNumberToObject(o, "maxReductionVsUnion",
					     score__reduction(r->max, r->union_score)) &&
		     cJSON_AddNumberToObject(o, "maxReductionVsNone",
					     score__reduction(r->max, r->none)) &&
		     cJSON_AddNumberToObject(o, "unionReductionVsNone",
					     score__reduction(r->union_score, r->none)) &&
		     add_pairs(o, "unionSockoptPairs", r->union_sockopt);
	}
	if (ok) {
		/* paths and ports (issue 17): the Landlock floor in numbers */
		cJSON *o = cJSON_AddObjectToObject(root, "floor");

		ok = o && cJSON_AddNumberToObject(o, "paths", (double)r->floor.npaths) &&
		     cJSON_AddNumberToObject(o, "writable", (double)r->floor.nwritable) &&
		     cJSON_AddNumberToObject(o, "writableDirectories",
					     (double)r->floor.nwritable_dirs) &&
		     cJSON_AddNumberToObject(o, "executable", (double)r->floor.nexec) &&
		     cJSON_AddNumberToObject(o, "ports", (double)r->floor.nports) &&
		     cJSON_AddNumberToObject(o, "bind", (double)r->floor.nbind) &&
		     cJSON_AddNumberToObject(o, "fromLog", (double)r->floor.nlog);
	}
	s = ok ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (!s)
		return NULL;
	out = malloc(strlen(s) + 2);
	if (out)
		sprintf(out, "%s\n", s);
	cJSON_free(s);
	return out;
}

static void score_print(const struct score_report *r)
{
	printf("%-46s %-11s %8s %6s %9s\n", "UNIT", "KIND", "SYSCALLS", "SCORE",
	       "VS NONE");
	for (size_t i = 0; i < r->nunits; i++) {
		const struct score_unit *u = &r->units[i];
		size_t len = strlen(u->name);

		/* A long path is never cut: it gets a line of its own. */
		if (len > 46)
			printf("%s\n", u->name);
		printf("%-46s %-11s %8zu %6llu %8.1f%%\n",
		       len > 46 ? "" : u->name, score__unit_kind_name(u->kind),
		       u->nsyscalls, (unsigned long long)u->score,
		       score__reduction(u->score, r->none));
	}
	printf("\n");
	if (r->max_unit >= 0)
		printf("most privileged     %-40s score %6llu (%.1f%% below the "
		       "union)\n", r->units[r->max_unit].name,
		       (unsigned long long)r->max,
		       score__reduction(r->max, r->union_score));
	printf("process-wide union  %4zu syscalls%26s score %6llu (%.1f%% below "
	       "no filter)\n", r->nunion, "", (unsigned long long)r->union_score,
	       score__reduction(r->union_score, r->none));
	printf("no filter           %4zu syscalls%26s score %6llu\n", r->nnone, "",
	       (unsigned long long)r->none);
	if (r->ninferred)
		printf("observed only       %4zu syscalls%26s score %6llu (inferred "
		       "rules: %zu, +%.1f%% on the union)\n", r->nunion_observed,
		       "", (unsigned long long)r->union_observed, r->ninferred,
		       score_increase(r->union_score, r->union_observed));
	if (r->floor.npaths || r->floor.nports)
		printf("Landlock floor      %4zu paths (%zu writable, %zu writable "
		       "directories, %zu executable), %zu ports (%zu bind)%s\n",
		       r->floor.npaths, r->floor.nwritable, r->floor.nwritable_dirs,
		       r->floor.nexec, r->floor.nports, r->floor.nbind,
		       r->floor.nlog ? "; some from a violation log" : "");
	printf("(score counts what a unit may call under enforcement, buckets "
	       "included;\n VS NONE = reduction against no filter)\n");
	if (r->union_sockopt[0] != SCORE_PAIRS_NONE ||
	    r->union_sockopt[1] != SCORE_PAIRS_NONE) {
		char t[128];

		printf("\nsocket options: (level, option) pairs a unit may set or get "
		       "(any: options not checked)\n");
		for (size_t i = 0; i < r->nunits; i++) {
			pairs_text(r->units[i].sockopt, t, sizeof(t));
			if (!t[0])
				continue;
			if (strlen(r->units[i].name) > 46)
				printf("%s\n", r->units[i].name);
			printf("%-46s %s\n", strlen(r->units[i].name) > 46 ? "" :
			       r->units[i].name, t);
		}
		pairs_text(r->union_sockopt, t, sizeof(t));
		printf("%-46s %s\n", "process-wide union", t);
	}
}

static int score_plot(const struct score_report *r, const char *out)
{
	struct plot pl;

	if (plot__open(&pl, out, 1000, 600, NULL))
		return -1;
	fputs("$scores << EOD\n", pl.f);
	for (size_t i = 0; i < r->nunits; i++) {
		/* labels: the file name (display only; identities are paths) */
		const char *slash = strrchr(r->units[i].name, '/');
		const char *label = slash && slash[1] ? slash + 1 : r->units[i].name;

		fprintf(pl.f, "%zu ", i);
		fputc('"', pl.f);
		for (const char *c = label; *c; c++)
			if (*c != '"' && (unsigned char)*c >= 0x20)
				fputc(*c, pl.f);
		fprintf(pl.f, "\" %llu\n", (unsigned long long)r->units[i].score);
	}
	fprintf(pl.f, "EOD\nset title 'sysfence privilege score per unit'\n"
		   "set ylabel 'score (weighted syscalls)'\n"
		   "set style fill solid 0.7\nset boxwidth 0.6\n"
		   "set xtics rotate by -35 noenhanced\nset key top left\n"
		   "set yrange [0:%llu]\nset xrange [-0.7:%zu.7]\n"
		   "plot $scores using 1:3:xtic(2) with boxes title 'unit score', "
		   "%llu with lines lw 2 title 'process-wide union (%llu)', "
		   "%llu with lines lw 2 dt 2 title 'no filter (%llu)'\n",
		   (unsigned long long)(r->none + r->none / 10 + 1),
		   r->nunits ? r->nunits - 1 : 0,
		   (unsigned long long)r->union_score,
		   (unsigned long long)r->union_score,
		   (unsigned long long)r->none, (unsigned long long)r->none);
	return plot__close(&pl);
}

int cmd_score(int argc, char **argv)
{
	struct policy *p = NULL;
	struct score_report *r = NULL;
	const char *path = NULL, *plot = NULL;
	int json = 0, rc, ret = EXIT_FAIL;

	rc = parse_policy_args(argc, argv, score_usage, 1, &json, &plot, &path);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (load_policy_or_trace(path, &p))
		return EXIT_FAIL;
	rc = score__policy(p, &r);
	if (rc) {
		log_err("cannot score %s: %s", path, strerror(-rc));
		goto out;
	}
	if (json) {
		errno = ENOMEM;
		if (put_json(score_json(r), "the score"))
			goto out;
	} else {
		score_print(r);
	}
	if (plot && score_plot(r, plot))
		goto out;
	ret = EXIT_OK;
out:
	if (fflush(stdout) && ret == EXIT_OK) {
		log_err("cannot write the output: %s", strerror(errno));
		ret = EXIT_FAIL;
	}
	score__free(r);
	policy__free(p);
	return ret;
}

/* ---- check ----------------------------------------------------------------- */

static const char check_usage[] =
	"Usage: sysfence check POLICY...\n"
	"\n"
	"Validates hand-edited policies and reports every problem as\n"
	"FILE:LINE: error|warning: MESSAGE: JSON syntax (line and column), unknown\n"
	"syscall names (with a suggestion), unknown groups, duplicate names and\n"
	"libraries, invalid argument conditions, compartment members that are not\n"
	"full paths; libraries missing on this machine are warnings.\n"
	"\n"
	"Example:\n"
	"  sysfence check policies/hand-edited.json\n"
	"\n"
	"Exit codes: 0 valid (warnings allowed), 1 invalid or unreadable,\n"
	"2 usage error.\n";

static int path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int check_one(const char *path)
{
	struct check_result *r = NULL;
	char err[TRACE_ERRLEN] = "";
	char *buf = NULL;
	size_t len = 0;
	int rc;

	rc = fileio__read_all(path, (size_t)64 << 20, &buf, &len, err, sizeof(err));
	if (rc && rc != -ENODATA) {
		log_err("%s", err[0] ? err : strerror(-rc));
		return EXIT_FAIL;
	}
	rc = check__text(buf, len, path_exists, &r);
	free(buf);
	if (rc) {
		log_err("cannot check %s: %s", path, strerror(-rc));
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct check_diag *d = &r->diags[i];
		const char *sev = d->severity == CHECK_ERROR ? "error" : "warning";

		if (d->line)
			printf("%s:%u: %s: %s\n", path, d->line, sev, d->msg);
		else
			printf("%s: %s: %s\n", path, sev, d->msg);
	}
	if (r->nerrors)
		printf("%s: invalid (%zu error%s, %zu warning%s)\n", path,
		       r->nerrors, r->nerrors == 1 ? "" : "s", r->nwarnings,
		       r->nwarnings == 1 ? "" : "s");
	else
		printf("%s: valid (%zu warning%s)\n", path, r->nwarnings,
		       r->nwarnings == 1 ? "" : "s");
	rc = r->nerrors ? EXIT_FAIL : EXIT_OK;
	check__free(r);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	int ret = opt_help_only(argc, argv, check_usage);

	if (ret >= 0)
		return ret;
	ret = EXIT_OK;
	if (optind >= argc) {
		log_err("check needs a policy file");
		fputs(check_usage, stderr);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++)
		if (check_one(argv[i]) != EXIT_OK)
			ret = EXIT_FAIL;
	if (fflush(stdout)) {
		log_err("cannot write the output: %s", strerror(errno));
		ret = EXIT_FAIL;
	}
	return ret;
}
