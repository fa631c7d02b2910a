/* test_violog.c - violation logs (enforce -l JSON lines) read back as
 * recordings for `merge`; the diff of what they add. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diff.h"
#include "objects.h"
#include "policy.h"
#include "policy_read.h"
#include "policy_write.h"
#include "syscalls.h"
#include "violog.h"

#define L(first, count, lib, sys, args)                                                  \
	"{\"first\": \"" first "\", \"count\": " count ", \"binary\": \"/usr/bin/app\", "  \
	"\"library\": \"" lib "\", \"buildId\": null, \"syscall\": \"" sys "\", "            \
	"\"argValues\": " args ", \"site\": {\"offset\": 16, \"symbol\": \"f+0x10\"}}\n"

static const char *MMAP_RW = "[{\"index\": 2, \"value\": 3}]";

static void test_detect(void **state)
{
	const char *log = L("T1", "1", "/usr/bin/app", "personality", "[]");
	const char *policy = "{\n  \"defaultAction\": \"SCMP_ACT_KILL_PROCESS\"\n}\n";
	const char *one_line_policy = "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\"}\n";
	const char *foreign = "{\"msg\": \"a\"}\n{\"msg\": \"b\"}\n";

	(void)state;
	assert_int_equal(violog__detect(log, strlen(log)), 1);
	assert_int_equal(violog__detect(policy, strlen(policy)), 0);
	assert_int_equal(violog__detect(one_line_policy, strlen(one_line_policy)), 0);
	/* JSON lines of another program: read as a log, so the line is named */
	assert_int_equal(violog__detect(foreign, strlen(foreign)), 1);
	assert_int_equal(violog__detect("", 0), 0);
}

/* Running totals: the largest count of a key within a run; runs (first
 * times) add up. */
static void test_counts_and_kinds(void **state)
{
	char buf[2048], err[256] = "";
	struct trace *t = NULL;
	struct policy *p = NULL;

	(void)state;
	snprintf(buf, sizeof(buf), "%s%s\n%s%s%s",
		 L("T1", "1", "/usr/bin/app", "mmap", "[{\"index\": 2, \"value\": 3}]"),
		 L("T1", "1", "/usr/lib/libx.so", "personality", "[]"),
		 L("T1", "50", "/usr/bin/app", "mmap", "[{\"index\": 2, \"value\": 3}]"),
		 L("T9", "7", "/usr/bin/app", "mmap", "[{\"index\": 2, \"value\": 3}]"),
		 L("T1", "2", "[libc-runtime]", "rt_sigreturn", "[]"));
	(void)MMAP_RW;
	assert_int_equal(violog__to_trace(buf, strlen(buf), "v.jsonl", &t, err, sizeof(err)), 0);
	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), 0);
	assert_int_equal(p->nlibs, 3);
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];

		if (!strcmp(l->path, "/usr/bin/app")) {
			assert_int_equal(l->kind, LIB_KIND_EXECUTABLE);
			assert_int_equal(l->nsyscalls, 1);
			assert_int_equal(l->syscalls[0].nr, (uint32_t)syscall__nr("mmap"));
			assert_int_equal(l->syscalls[0].count, 57); /* 50 + 7 */
			assert_string_equal(l->syscalls[0].site, "f+0x10");
		} else if (!strcmp(l->path, "/usr/lib/libx.so")) {
			assert_int_equal(l->kind, LIB_KIND_LIBRARY);
		} else {
			assert_string_equal(l->path, "[libc-runtime]");
			assert_int_equal(l->kind, LIB_KIND_BUCKET);
		}
	}
	policy__mark_from_log(p);
	assert_int_equal(p->libs[0].syscalls[0].from_log, 1);
	policy__free(p);
	trace__free(t);
}

static void expect_error(const char *buf, const char *frag)
{
	char err[256] = "";
	struct trace *t = NULL;

	assert_int_equal(violog__to_trace(buf, strlen(buf), "v.jsonl", &t, err, sizeof(err)),
			 -EINVAL);
	assert_null(t);
	if (!strstr(err, frag))
		fail_msg("error '%s' lacks '%s'", err, frag);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error(L("T", "1", "/a", "mmap", "[]") "garbage\n",
		     "v.jsonl:2: invalid JSON");
	expect_error("{\"msg\": 1}\n", "v.jsonl:1: not a sysfence violation line");
	expect_error(L("T", "1", "/a", "opnat", "[]"), "v.jsonl:1: unknown syscall name 'opnat'");
	expect_error(L("T", "1", "/a", "mmap", "[{\"index\": 5, \"value\": 1}]"),
		     "mmap records no such argument index");
	expect_error(L("T", "0", "/a", "mmap", "[]"), "\"count\": expected a positive integer");
	expect_error(L("T", "1", "libc.so.6", "mmap", "[]"), "is not a full path");
	expect_error("\n\n", "no violation lines");
}

/* Folding a log into a policy: a rule only the log has keeps the mark; a
 * rule also learned loses it (joined with AND). */
static void test_merge_mark(void **state)
{
	char err[256] = "", buf[1024];
	struct trace *t = NULL;
	struct policy *base = NULL, *log = NULL;
	size_t li;

	(void)state;
	snprintf(buf, sizeof(buf), "%s%s", L("T", "3", "/usr/bin/app", "personality", "[]"),
		 L("T", "1", "/usr/bin/app", "getpid", "[]"));
	assert_int_equal(violog__to_trace(buf, strlen(buf), "v", &t, err, sizeof(err)), 0);
	assert_int_equal(policy__from_trace(t, &log, err, sizeof(err)), 0);
	policy__mark_from_log(log);
	base = policy__new();
	assert_non_null(base);
	li = (size_t)policy__add_lib(base, "/usr/bin/app", NULL, LIB_KIND_EXECUTABLE);
	assert_int_equal(policy__add_syscall(base, li, (uint32_t)syscall__nr("getpid"), 5, NULL), 0);
	assert_int_equal(policy__merge_opts(base, log, NULL), 0);
	for (size_t k = 0; k < base->libs[0].nsyscalls; k++) {
		const struct policy_syscall *s = &base->libs[0].syscalls[k];

		if (s->nr == (uint32_t)syscall__nr("personality"))
			assert_int_equal(s->from_log, 1);
		else
			assert_int_equal(s->from_log, 0);
	}
	policy__free(base);
	policy__free(log);
	trace__free(t);
}

/* Landlock floor denials with their library (issue 17) fold back as
 * paths and ports of that library, marked as coming from the log; an
 * observed rule giving the same access drops the mark; a denial that
 * names no library is not folded; a log of only those is an error. */
#define FL(lib, sys, obj)                                                                 \
	"{\"time\": \"T\", \"count\": 1, \"pid\": 1, \"tid\": 1, \"comm\": \"pg\", "          \
	"\"binary\": \"/usr/bin/app\", \"library\": " lib ", \"buildId\": null, "              \
	"\"syscall\": \"" sys "\", \"object\": " obj ", "                                      \
	"\"reason\": \"outside the Landlock floor\", \"action\": \"denied\"}\n"

static void test_floor_lines(void **state)
{
	const char *buf =
		FL("\"/usr/bin/app\"", "mkdir",
		   "{\"kind\": \"path\", \"slot\": 0, \"aux\": 0, \"path\": \"/srv/db/base/pgsql_tmp\", \"raw\": \"base/pgsql_tmp\"}")
		FL("\"/usr/lib/libw.so\"", "openat",
		   "{\"kind\": \"path\", \"slot\": 0, \"aux\": 577, \"path\": \"/srv/out/f\", \"raw\": \"/srv/out/f\"}")
		FL("\"/usr/bin/app\"", "bind",
		   "{\"kind\": \"port\", \"slot\": 0, \"aux\": 33628048, \"port\": 8080, \"address\": \"loopback\"}")
		FL("null", "openat",
		   "{\"kind\": \"path\", \"slot\": 0, \"aux\": 0, \"path\": \"/etc/x\", \"raw\": \"/etc/x\"}");
	/* a path check's line (enforce --path-check) folds back the same way */
	const char *checked =
		FL("\"/usr/lib/libw.so\"", "unlink",
		   "{\"kind\": \"path\", \"slot\": 0, \"aux\": 0, \"path\": \"/srv/q/item\", \"raw\": \"item\", \"missing\": \"remove-file\"}");
	const char *unattributed =
		FL("null", "openat",
		   "{\"kind\": \"path\", \"slot\": 0, \"aux\": 0, \"path\": \"/etc/x\", \"raw\": \"/etc/x\"}");
	char err[256] = "", *json;
	struct trace *t = NULL;
	struct policy *p = NULL, *q = NULL;
	const struct policy_objs *o = NULL, *w = NULL;

	(void)state;
	assert_int_equal(violog__to_trace(buf, strlen(buf), "v", &t, err, sizeof(err)), 0);
	assert_int_equal(t->nobjs, 3);
	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), 0);
	policy__mark_from_log(p);
	for (size_t i = 0; i < p->nlibs; i++) {
		if (!strcmp(p->libs[i].path, "/usr/bin/app"))
			o = &p->libs[i].objs;
		if (!strcmp(p->libs[i].path, "/usr/lib/libw.so"))
			w = &p->libs[i].objs;
	}
	assert_non_null(o);
	assert_non_null(w);
	assert_int_equal(o->npaths, 1);
	assert_string_equal(o->paths[0].path, "/srv/db/base");
	assert_int_equal(o->paths[0].access, OBJ_MKDIR);
	assert_int_equal(o->paths[0].log_access, OBJ_MKDIR);
	assert_int_equal(o->nports, 1);
	assert_int_equal(o->ports[0].port, 8080);
	assert_int_equal(o->ports[0].access, PORT_BIND);
	assert_int_equal(o->ports[0].log_access, PORT_BIND);
	/* O_WRONLY|O_CREAT|O_TRUNC: write and truncate the file, make it;
	 * generalised as learned objects are (a directory it makes files in) */
	assert_int_equal(w->npaths, 1);
	assert_string_equal(w->paths[0].path, "/srv/out/**");
	assert_true(w->paths[0].log_access & OBJ_MKFILE);
	/* written as "source": "log", read back the same */
	json = policy__to_json(p);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"source\": \"log\""));
	assert_int_equal(policy__parse(json, strlen(json), "mem", &q, err, sizeof(err)), 0);
	free(json);
	/* an observed rule with the same access drops the mark */
	{
		struct policy *base = policy__new();
		size_t li;

		assert_non_null(base);
		li = (size_t)policy__add_lib(base, "/usr/bin/app", NULL, LIB_KIND_EXECUTABLE);
		assert_int_equal(objects__add_path(&base->libs[li].objs, "/srv/db/base", OBJ_MKDIR,
						   NULL), 0);
		assert_int_equal(policy__merge_opts(base, q, NULL), 0);
		for (size_t i = 0; i < base->nlibs; i++) {
			if (strcmp(base->libs[i].path, "/usr/bin/app"))
				continue;
			assert_int_equal(base->libs[i].objs.paths[0].log_access, 0);
			assert_int_equal(base->libs[i].objs.ports[0].log_access, PORT_BIND);
		}
		policy__free(base);
	}
	policy__free(q);
	policy__free(p);
	trace__free(t);
	t = NULL;
	{
		/* the line with the path check's reason */
		const char *at = strstr(checked, "outside the Landlock floor");
		struct policy *cp = NULL;
		char *c;

		assert_non_null(at);
		c = malloc(strlen(checked) + 16);
		assert_non_null(c);
		snprintf(c, strlen(checked) + 16, "%.*soutside the library's paths%s",
			 (int)(at - checked), checked, at + strlen("outside the Landlock floor"));
		assert_int_equal(violog__to_trace(c, strlen(c), "c", &t, err, sizeof(err)), 0);
		assert_int_equal(policy__from_trace(t, &cp, err, sizeof(err)), 0);
		assert_int_equal(cp->nlibs, 1);
		assert_string_equal(cp->libs[0].objs.paths[0].path, "/srv/q");
		assert_int_equal(cp->libs[0].objs.paths[0].access, OBJ_RMFILE);
		policy__free(cp);
		trace__free(t);
		t = NULL;
		free(c);
	}
	assert_int_equal(violog__to_trace(unattributed, strlen(unattributed), "u", &t, err,
					  sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "name no library"));
}

/* The review diff names the argument values: an added rule with its
 * conditions, a widened one from -> to (text and JSON). */
static void test_diff_values(void **state)
{
	char err[256] = "", buf[1024], *text = NULL, *json;
	size_t tlen = 0;
	struct trace *t1 = NULL, *t2 = NULL;
	struct policy *a = NULL, *b = NULL;
	struct diff *d = NULL;
	FILE *f;

	(void)state;
	snprintf(buf, sizeof(buf), "%s", L("T", "1", "/usr/bin/app", "mmap", "[{\"index\": 2, \"value\": 1}]"));
	assert_int_equal(violog__to_trace(buf, strlen(buf), "a", &t1, err, sizeof(err)), 0);
	snprintf(buf, sizeof(buf), "%s%s", L("T", "1", "/usr/bin/app", "mmap", "[{\"index\": 2, \"value\": 3}]"),
		 L("T", "1", "/usr/bin/app", "socket", "[{\"index\": 0, \"value\": 2}]"));
	assert_int_equal(violog__to_trace(buf, strlen(buf), "b", &t2, err, sizeof(err)), 0);
	assert_int_equal(policy__from_trace(t1, &a, err, sizeof(err)), 0);
	assert_int_equal(policy__from_trace(t2, &b, err, sizeof(err)), 0);
	assert_int_equal(policy__merge_opts(b, a, NULL), 0);
	assert_int_equal(diff__policies(a, b, &d), 0);
	f = open_memstream(&text, &tlen);
	assert_non_null(f);
	diff__print(f, d, false);
	fclose(f);
	if (!strstr(text, "mmap arguments widened: arg2 flags within PROT_READ -> arg2 flags within PROT_READ|PROT_WRITE") ||
	    !strstr(text, "socket (arg0 in {AF_INET}"))
		fail_msg("diff lacks the values:\n%s", text);
	json = diff__to_json(d);
	assert_non_null(json);
	if (!strstr(json, "\"from\":\t\"arg2 flags within PROT_READ\"") ||
	    !strstr(json, "\"to\":\t\"arg2 flags within PROT_READ|PROT_WRITE\""))
		fail_msg("diff JSON lacks from/to:\n%s", json);
	free(json);
	free(text);
	diff__free(d);
	policy__free(a);
	policy__free(b);
	trace__free(t1);
	trace__free(t2);
}

/* Folding a log back adds (level, option) pairs: a learned
 * (SOL_SOCKET, SO_REUSEADDR) plus a logged (IPPROTO_TCP, TCP_NODELAY)
 * never allows (SOL_SOCKET, 1 = SO_DEBUG). */
static void test_sockopt_pairs(void **state)
{
	char err[256] = "", buf[1024], *text = NULL;
	size_t tlen = 0;
	struct trace *t1 = NULL, *t2 = NULL;
	struct policy *a = NULL, *b = NULL;
	struct diff *d = NULL;
	const struct policy_syscall *sc;
	FILE *f;

	(void)state;
	snprintf(buf, sizeof(buf), "%s", L("T", "1", "/usr/bin/app", "setsockopt",
		 "[{\"index\": 1, \"value\": 1}, {\"index\": 2, \"value\": 2}]"));
	assert_int_equal(violog__to_trace(buf, strlen(buf), "a", &t1, err, sizeof(err)), 0);
	snprintf(buf, sizeof(buf), "%s", L("T", "1", "/usr/bin/app", "setsockopt",
		 "[{\"index\": 1, \"value\": 6}, {\"index\": 2, \"value\": 1}]"));
	assert_int_equal(violog__to_trace(buf, strlen(buf), "b", &t2, err, sizeof(err)), 0);
	assert_int_equal(policy__from_trace(t1, &a, err, sizeof(err)), 0);
	assert_int_equal(policy__from_trace(t2, &b, err, sizeof(err)), 0);
	assert_int_equal(policy__merge_opts(b, a, NULL), 0);
	sc = &b->libs[0].syscalls[0];
	assert_int_equal(sc->nr, 54);
	assert_int_equal(sc->arg[1].nvalues, 2);
	assert_int_equal(sc->arg[1].values[0], SF_PAIR_KEY(1, 2));
	assert_int_equal(sc->arg[1].values[1], SF_PAIR_KEY(6, 1));
	assert_int_equal(diff__policies(a, b, &d), 0);
	f = open_memstream(&text, &tlen);
	assert_non_null(f);
	diff__print(f, d, false);
	fclose(f);
	if (!strstr(text, "[pairs added: (IPPROTO_TCP, TCP_NODELAY)]") || strstr(text, "SO_DEBUG"))
		fail_msg("diff of the fold-back:\n%s", text);
	free(text);
	diff__free(d);
	policy__free(a);
	policy__free(b);
	trace__free(t1);
	trace__free(t2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_counts_and_kinds),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_merge_mark),
		cmocka_unit_test(test_diff_values),
		cmocka_unit_test(test_floor_lines),
		cmocka_unit_test(test_sockopt_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
