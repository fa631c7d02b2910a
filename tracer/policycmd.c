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
static int load_stream(const char *path, struct trace **t, struct policy **p,
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
	else
		ret = policy__parse(buf, len, path, p, err, errlen);
	free(buf);
	return ret;
}

int load_policy_or_trace(const char *path, struct policy **out)
{
	return load_policy_or_trace_opts(path, NULL, out);
}

int load_policy_or_trace_opts(const char *path, const struct gen_opts *opts,
			      struct policy **out)
{
	char err[TRACE_ERRLEN] = "";
	struct trace *t = NULL;
	int kind, ret;

	kind = is_trace_file(path);
	if (kind == -ESPIPE) {
		ret = load_stream(path, &t, out, err, sizeof(err));
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

void print_policy_summary(const struct policy *p, const struct policy *old)
{
	size_t total = 0, inferred = 0;

	printf("%-11s %5s  %s\n", "KIND", "CALLS", "LIBRARY (syscalls; + = new since the previous policy)");
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];
		const struct policy_lib *o = find_lib(old, l);
		int col = 0;

		printf("%-11s %5zu  %s%s\n", lib_kind__name(l->kind), l->nsyscalls, l->path,
		       old && !o ? "  (new library)" : "");
		printf("%19s", "");
		col = 19;
		for (size_t k = 0; k < l->nsyscalls; k++) {
			const char *name = syscall__name(l->syscalls[k].nr);
			int isnew = old && o && !lib_has(o, l->syscalls[k].nr);
			int w = (int)strlen(name ? name : "?") + (isnew ? 1 : 0) + 1;

			if (col + w > 100) {
				printf("\n%19s", "");
				col = 19;
			}
			printf(" %s%s", isnew ? "+" : "", name ? name : "?");
			col += w;
		}
		printf("\n");
		total += l->nsyscalls;
		for (size_t k = 0; k < l->nsyscalls; k++)
			inferred += l->syscalls[k].inferred && !l->syscalls[k].observed;
	}
	printf("%zu libraries, %zu (library, syscall) rules", p->nlibs, total);
	if (inferred)
		printf(", %zu of them inferred (docs/generalize.md; 'sysfence show' "
		       "lists them)", inferred);
	printf("\n");
}

static const char merge_usage[] =
	"Usage: sysfence merge FILE... -o OUT.json [--intersect]\n"
	"\n"
	"Merges traces (.trace.zst) and policies (.json) into one policy: the union\n"
	"of every library's syscalls, evidence counts summed.  With --intersect, a\n"
	"library or syscall stays only if every input has it (argument conditions\n"
	"meet; counts still summed).  Compartments are kept from every input.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE   policy to write (required)\n"
	"      --allow LIB:NAMES  also allow syscalls/@groups for LIB (full path, [bucket]\n"
	"                     or '*'), with any arguments\n"
	"      --deny LIB:NAMES   remove syscalls/@groups from LIB's rules\n"
	"      --max-values N  an argument with more than N values (1..16, default\n"
	"                      16) is allowed with any value (widened)\n"
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
	"  sysfence merge --generalize none old.json -o same-rules.json\n";

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
	struct policy *acc = NULL;
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
		case 'G': {
			enum gen_level lv;

			if (capability__parse_level(optarg, &lv)) {
				log_err("invalid --generalize '%s': expected none, standard "
					"or broad", optarg);
				return EXIT_USAGE;
			}
			gen.level = lv;
			break;
		}
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
	for (int i = optind; i < argc; i++) {
		struct policy *p = NULL;

		if (load_policy_or_trace_opts(argv[i], &gen, &p))
			goto fail;
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
			log_err("cannot merge %s: %s", argv[i], strerror(-ret));
			goto fail;
		}
	}
	ret = capability__generalize(acc, (enum gen_level)gen.level);
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
		print_policy_summary(acc, NULL);
	policy__free(acc);
	return EXIT_OK;
fail:
	policy__free(acc);
	return EXIT_FAIL;
}
