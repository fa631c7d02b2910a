// SPDX-License-Identifier: GPL-2.0
/* policycmd.c - commands that work on policy and trace files. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capability.h"
#include "reach.h"
#include "cliparse.h"
#include "cmd.h"
#include "fileio.h"
#include "intersect.h"
#include "log.h"
#include "policy_read.h"
#include "policy_write.h"
#include "policyedit.h"
#include "syscalls.h"
#include "trace_file.h"
#include "violog.h"
#include "diff.h"

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

/* 1 trace, 0 not, -errno.  A pipe or other non-regular file (/dev/stdin,
 * <(...)) can be read only once: -ESPIPE tells the caller to read it whole
 * instead of peeking at it. */
static int is_trace_file(const char *path)
{
	unsigned char head[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		close(fd);
		return -ESPIPE;
	}
	n = read(fd, head, sizeof(head));
	close(fd);
	return n == (ssize_t)sizeof(head) && !memcmp(head, zstd_magic, sizeof(head));
}

/* Read a non-regular input once (at most FILEIO_READ_CAP); sets *t for a
 * trace, *p for a policy. */
static int load_stream(const char *path, struct trace **t, struct policy **p, int *violog,
		       char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = fileio__read_all(path, FILEIO_READ_CAP, &buf, &len, err, errlen);
	if (ret)
		return ret;
	if (len >= sizeof(zstd_magic) && !memcmp(buf, zstd_magic, sizeof(zstd_magic)))
		ret = trace__parse(buf, len, path, t, err, errlen);
	else if ((*violog = violog__detect(buf, len)))
		ret = violog__to_trace(buf, len, path, t, err, errlen);
	else
		ret = policy__parse(buf, len, path, p, err, errlen);
	free(buf);
	return ret;
}

int load_policy_or_trace(const char *path, struct policy **out)
{
	return load_policy_or_trace_opts(path, NULL, out);
}

/* A regular file that is neither a trace nor a violation log: 0 = a
 * policy (or not a file of ours: the policy reader says why), 1 = a
 * violation log, parsed into *t; -errno. */
static int load_if_violog(const char *path, struct trace **t, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = fileio__read_all(path, FILEIO_READ_CAP, &buf, &len, err, errlen);
	if (ret)
		return ret;
	ret = violog__detect(buf, len);
	if (ret)
		ret = violog__to_trace(buf, len, path, t, err, errlen) ?: 1;
	free(buf);
	return ret;
}

int load_policy_or_trace_opts(const char *path, const struct gen_opts *opts,
			      struct policy **out)
{
	return load_input(path, opts, 0, out, NULL);
}

int load_input(const char *path, const struct gen_opts *opts, int logs_ok, struct policy **out,
	       int *is_log)
{
	char err[TRACE_ERRLEN] = "";
	struct trace *t = NULL;
	int kind, ret, violog = 0;

	if (is_log)
		*is_log = 0;

	kind = is_trace_file(path);
	if (kind == -ESPIPE) {
		ret = load_stream(path, &t, out, &violog, err, sizeof(err));
		if (ret) {
			log_err("%s", err[0] ? err : strerror(-ret));
			return ret;
		}
		if (!t)
			return 0;
		goto from_trace;
	}
	if (kind < 0) {
		log_err("cannot read %s: %s", path, strerror(-kind));
		return kind;
	}
	if (!kind) {
		ret = load_if_violog(path, &t, err, sizeof(err));
		if (ret < 0) {
			log_err("%s", err[0] ? err : strerror(-ret));
			return ret;
		}
		violog = ret > 0;
		if (violog)
			goto from_trace;
		ret = policy__load(path, out, err, sizeof(err));
		if (ret)
			log_err("%s", err[0] ? err : strerror(-ret));
		return ret;
	}
	ret = trace__read(path, &t, err, sizeof(err));
	if (ret) {
		log_err("%s", err[0] ? err : strerror(-ret));
		return ret;
	}
from_trace:
	if (violog) {
		if (!logs_ok) {
			log_err("%s is a violation log (sysfence enforce -l): fold it into a "
				"policy with 'sysfence merge POLICY %s -o NEW.json'", path, path);
			trace__free(t);
			return -EINVAL;
		}
		if (is_log)
			*is_log = 1;
	}
	ret = policy__from_trace_opts(t, opts, out, err, sizeof(err));
	if (ret)
		log_err("%s: %s", path, err[0] ? err : strerror(-ret));
	trace__free(t);
	return ret;
}

static const struct policy_lib *find_lib(const struct policy *p, const struct policy_lib *l)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *o = &p->libs[i];

		if (o->kind == l->kind && !strcmp(o->path, l->path))
			return o;
	}
	return NULL;
}

static int lib_has(const struct policy_lib *l, uint32_t nr)
{
	for (size_t i = 0; l && i < l->nsyscalls; i++)
		if (l->syscalls[i].nr == nr)
			return 1;
	return 0;
}

void print_policy_summary(FILE *f, const struct policy *p, const struct policy *old)
{
	size_t total = 0, inferred = 0;

	fprintf(f, "%-11s %8s  %s\n", "KIND", "SYSCALLS", "LIBRARY (its syscalls; + = new since the previous policy)");
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];
		const struct policy_lib *o = find_lib(old, l);
		int col = 0;

		fprintf(f, "%-11s %8zu  %s%s\n", lib_kind__name(l->kind), l->nsyscalls, l->path,
		       old && !o ? "  (new library)" : "");
		fprintf(f, "%22s", "");
		col = 22;
		for (size_t k = 0; k < l->nsyscalls; k++) {
			const char *name = syscall__name(l->syscalls[k].nr);
			int isnew = old && o && !lib_has(o, l->syscalls[k].nr);
			int w = (int)strlen(name ? name : "?") + (isnew ? 1 : 0) + 1;

			if (col + w > 100) {
				fprintf(f, "\n%22s", "");
				col = 22;
			}
			fprintf(f, " %s%s", isnew ? "+" : "", name ? name : "?");
			col += w;
		}
		fputc('\n', f);
		total += l->nsyscalls;
		for (size_t k = 0; k < l->nsyscalls; k++)
			inferred += l->syscalls[k].inferred && !l->syscalls[k].observed;
	}
	fprintf(f, "%zu libraries, %zu (library, syscall) rules", p->nlibs, total);
	if (inferred)
		fprintf(f, ", %zu of them inferred (docs/generalize.md; 'sysfence show' "
			"lists them)", inferred);
	fputc('\n', f);
}

static const char merge_usage[] =
	"Usage: sysfence merge FILE... -o OUT.json [--intersect]\n"
	"\n"
	"Merges traces (.trace.zst), policies (.json) and violation logs (the JSON\n"
	"lines of 'enforce -l') into one policy: the union of every library's\n"
	"syscalls, evidence counts summed.  What violation logs add is printed as a\n"
	"risk-rated diff for review, and marked in the policy's evidence as coming\n"
	"from a log.  With --intersect, a\n"
	"library or syscall stays only if every input has it (argument conditions\n"
	"meet; counts still summed).  Compartments are kept from every input.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE   policy to write (required)\n"
	"      --allow LIB:NAMES  also allow syscalls/@groups for LIB (full path, [bucket]\n"
	"                     or '*'), with any arguments\n"
	"      --deny LIB:NAMES   remove syscalls/@groups from LIB's rules\n"
	"      --max-values N  an argument with more than N values (1..16, default\n"
	"                      16) is allowed with any value (widened); setsockopt:\n"
	"                      more than N (level, option) pairs allow any option\n"
	"                      at their levels\n"
	"      --intersect     keep only what every input allows\n"
	CAPABILITY_HELP
	"                         generalisation runs on the merged result, before\n"
	"                         --allow/--deny; inferred rules of the inputs are\n"
	"                         kept (also with --generalize none)\n"
	"  -q, --quiet         do not print the summary\n"
	"  -h, --help          this help\n"
	"\n"
	"Examples:\n"
	"  sysfence merge traces/a.trace.zst traces/b.trace.zst -o policies/redis.json\n"
	"  sysfence merge --intersect a.json b.json -o common.json\n"
	"  sysfence merge --generalize none old.json -o same-rules.json\n"
	"  sysfence merge policies/nginx.json complain.jsonl -o policies/nginx-new.json\n";

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "max-values", required_argument, NULL, 'M' },
		{ "generalize", required_argument, NULL, 'G' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "intersect", no_argument, NULL, 'I' },
		{ "allow", required_argument, NULL, 'A' },
		{ "deny", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *out = NULL;
	struct policy *acc = NULL, *base = NULL, **ins = NULL;
	int nlogs = 0, nin = 0, *logs = NULL;
	int intersect = 0;
	struct policy_edits edits = { 0 };
	struct gen_opts gen = { 0 };
	uint64_t mv;
	char err[TRACE_ERRLEN] = "";
	int c, quiet = 0, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'M':
			if (parse_u64(optarg, 1, SF_RULE_MAX_VALUES, &mv)) {
				log_err("invalid --max-values '%s': expected 1..%d", optarg,
					SF_RULE_MAX_VALUES);
				return EXIT_USAGE;
			}
			gen.max_values = (unsigned)mv;
			break;
		case 'G':
			if (opt_generalize(optarg, &gen))
				return EXIT_USAGE;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'I':
			intersect = 1;
			break;
		case 'A':
		case 'D':
			if (policy_edits__add(&edits, optarg, c == 'A'))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(merge_usage, stdout);
			return EXIT_OK;
		default:
			fputs(merge_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (!out || optind >= argc) {
		log_err("merge needs input files and -o OUT.json");
		fputs(merge_usage, stderr);
		return EXIT_USAGE;
	}
	/* Each input is read once (a pipe cannot be read twice).  Policies
	 * and traces are merged first, in order; violation logs after, so
	 * that what they add shows as a diff against the rest (for review). */
	nin = argc - optind;
	ins = calloc((size_t)nin, sizeof(*ins));
	logs = calloc((size_t)nin, sizeof(*logs));
	if (!ins || !logs) {
		log_err("out of memory");
		goto fail;
	}
	for (int i = 0; i < nin; i++) {
		if (load_input(argv[optind + i], &gen, 1, &ins[i], &logs[i]))
			goto fail;
		if (logs[i] && intersect) {
			log_err("%s: --intersect does not take violation logs", argv[optind + i]);
			goto fail;
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < nin; i++) {
			struct policy *p = ins[i];

			if (logs[i] != pass)
				continue;
			ins[i] = NULL;
			if (logs[i]) {
				nlogs++;
				policy__mark_from_log(p);
				if (!base) {
					/* What the logs are folded into, for the diff. */
					base = policy__new();
					if (!base || (acc && policy__merge_opts(base, acc, &gen))) {
						log_err("out of memory");
						policy__free(p);
						goto fail;
					}
				}
			}
			if (!acc) {
				acc = p;
				continue;
			}
			if (intersect) {
				struct policy *both = NULL;

				ret = policy__intersect(acc, p, &both);
				if (!ret) {
					policy__free(acc);
					acc = both;
				}
			} else {
				ret = policy__merge_opts(acc, p, &gen);
			}
			policy__free(p);
			if (ret) {
				log_err("cannot merge %s: %s", argv[optind + i], strerror(-ret));
				goto fail;
			}
		}
	}
	ret = reach__generalize(acc, gen.level);
	if (ret) {
		log_err("cannot generalise the policy: %s", strerror(-ret));
		goto fail;
	}
	if (policy_edits__apply(&edits, acc))
		goto fail;
	ret = policy__write(acc, out, err, sizeof(err));
	if (ret) {
		log_err("%s", err[0] ? err : strerror(-ret));
		goto fail;
	}
	if (!quiet)
		print_policy_summary(stdout, acc, NULL);
	if (nlogs) {
		/* Folding back is a decision for a person: show what the logs
		 * add, riskiest first. */
		printf("rules added from %d violation log%s (review before enforcing):\n", nlogs,
		       nlogs == 1 ? "" : "s");
		diff__print_policies(stdout, base, acc, isatty(STDOUT_FILENO));
	}
	policy__free(base);
	policy__free(acc);
	free(ins);
	free(logs);
	return EXIT_OK;
fail:
	for (int i = 0; ins && i < nin; i++)
		policy__free(ins[i]);
	free(ins);
	free(logs);
	policy__free(base);
	policy__free(acc);
	return EXIT_FAIL;
}
