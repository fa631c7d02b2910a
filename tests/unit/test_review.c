/* test_review.c - review cores: score (known numbers), diff and show
 * (golden outputs, byte for byte), check (file:line on broken fixtures),
 * the JSON-path locator, compartments, merge --intersect.
 *
 * Regenerate a golden file after an intended change:
 *   build/sysfence diff tests/fixtures/review-a.json \
 *       tests/fixtures/review-b.json > tests/golden/diff-a-b.txt
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "diff.h"
#include "fileio.h"
#include "intersect.h"
#include "policy.h"
#include "policy_read.h"
#include "policy_write.h"
#include "rules.h"
#include "score.h"
#include "show.h"
#include "syscalls.h"
#include "trace.h"

#define FIXTURE(name) SRCDIR "/tests/fixtures/" name
#define GOLDEN(name) SRCDIR "/tests/golden/" name

static struct policy *load(const char *path)
{
	struct policy *p = NULL;
	char err[256] = "";

	if (policy__load(path, &p, err, sizeof(err)))
		fail_msg("%s", err);
	return p;
}

static char *slurp(const char *path, size_t *len)
{
	char err[256] = "", *buf = NULL;

	if (fileio__read_all(path, FILEIO_READ_CAP, &buf, len, err, sizeof(err)))
		fail_msg("%s", err);
	return buf;
}

static void expect_golden(const char *got, size_t got_len, const char *golden)
{
	size_t len;
	char *want = slurp(golden, &len);

	if (len != got_len || memcmp(want, got, len))
		fail_msg("output differs from %s:\n--- got ---\n%.*s", golden,
			 (int)got_len, got);
	free(want);
}

/* ---- score ---------------------------------------------------------------- */

static void test_weights_table(void **state)
{
	static const char *const must[] = {
		"openat", "execveat", "bpf", "io_uring_setup", "perf_event_open",
		"userfaultfd", "process_vm_writev", "unshare", "setns", "clone3",
		"init_module", "finit_module", "kexec_load", "kexec_file_load",
		"keyctl", "add_key", "mount", "fsmount", "move_mount",
		"pivot_root", "ptrace",
	};
	size_t n;
	const struct score_weight *w = score__weights(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		if (syscall__nr(w[i].name) < 0)
			fail_msg("weight for unknown syscall '%s'", w[i].name);
		assert_true(w[i].weight > 1);
		assert_true(strlen(w[i].source) > 0);
		if (i && strcmp(w[i - 1].name, w[i].name) >= 0)
			fail_msg("'%s' after '%s'", w[i].name, w[i - 1].name);
	}
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		if (score__weight((uint32_t)syscall__nr(must[i])) <= 1)
			fail_msg("%s has no weight", must[i]);
	assert_int_equal(score__weight(0), 1); /* read */
	assert_int_equal(score__risk(321), RISK_HIGH); /* bpf */
	assert_int_equal(score__risk(257), RISK_MEDIUM); /* openat */
	assert_int_equal(score__risk(0), RISK_LOW);
}

/* review-score.json: demo {read 1, openat 3, execve 8} = 12;
 * libx {bpf 20, read 1} = 21; compartment yw = liby {write 1} + libw
 * {ptrace 15} = 16; bucket {exit_group 1, mprotect 4} = 5, added to every
 * non-bucket unit.  Union: read openat execve bpf write ptrace exit_group
 * mprotect = 1+3+8+20+1+15+1+4 = 53. */
static void test_score_known_numbers(void **state)
{
	struct policy *p = load(FIXTURE("review-score.json"));
	struct score_report *r = NULL;
	size_t n;

	(void)state;
	score__weights(&n);
	assert_int_equal(score__policy(p, &r), 0);
	assert_int_equal(r->nunits, 4);
	assert_string_equal(r->units[0].name, "/usr/bin/demo");
	assert_int_equal(r->units[0].own, 12);
	assert_int_equal(r->units[0].score, 17);
	assert_int_equal(r->units[0].nsyscalls, 5);
	assert_string_equal(r->units[1].name, "/usr/lib/libx.so");
	assert_int_equal(r->units[1].own, 21);
	assert_int_equal(r->units[1].score, 26);
	assert_int_equal(r->units[2].kind, SCORE_UNIT_BUCKET);
	assert_int_equal(r->units[2].score, 5);
	assert_int_equal(r->units[3].kind, SCORE_UNIT_COMPARTMENT);
	assert_string_equal(r->units[3].name, "yw");
	assert_int_equal(r->units[3].own, 16);
	assert_int_equal(r->units[3].score, 21);
	assert_int_equal(r->union_score, 53);
	assert_int_equal(r->nunion, 8);
	assert_int_equal(r->max, 26);
	assert_int_equal(r->max_unit, 1);
	/* "no filter" = one per syscall name libseccomp knows on x86_64 (368
	 * with Debian 12's libseccomp 2.5.4) plus the extra weight of the 97
	 * weighted ones (703): literal numbers, not recomputed from the same
	 * tables the code reads, so a change to either table has to change
	 * them on purpose. */
	assert_int_equal(n, 97);
	assert_int_equal(r->nnone, 368);
	assert_int_equal(r->none, 1071);
	assert_true(score__reduction(r->max, r->union_score) > 50.9 &&
		    score__reduction(r->max, r->union_score) < 51.0);
	score__free(r);
	policy__free(p);
}

/* ---- diff ------------------------------------------------------------------ */

static void test_diff_golden(void **state)
{
	struct policy *a = load(FIXTURE("review-a.json"));
	struct policy *b = load(FIXTURE("review-b.json"));
	struct diff *d = NULL;
	char *buf = NULL, *json;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(diff__policies(a, b, &d), 0);
	assert_int_equal(d->n, 12); /* 3 of them inferred rules (review-b.json) */
	assert_int_equal(d->by_risk[RISK_HIGH], 3);
	assert_int_equal(d->changes[0].risk, RISK_HIGH);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	diff__print(f, d, false);
	fclose(f);
	expect_golden(buf, len, GOLDEN("diff-a-b.txt"));
	free(buf);
	json = diff__to_json(d);
	assert_non_null(json);
	expect_golden(json, strlen(json), GOLDEN("diff-a-b.json"));
	free(json);
	diff__free(d);

	/* same policy: no changes; color only adds escapes */
	assert_int_equal(diff__policies(a, a, &d), 0);
	assert_int_equal(d->n, 0);
	diff__free(d);
	f = open_memstream(&buf, &len);
	assert_int_equal(diff__print_policies(f, a, b, true), 12);
	fclose(f);
	assert_non_null(strstr(buf, "\033[1;31mhigh"));
	free(buf);
	policy__free(a);
	policy__free(b);
}

/* ---- show ------------------------------------------------------------------ */

static void show_golden(const char *fixture, const char *golden)
{
	struct policy *p = load(fixture);
	char *buf = NULL, *line;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(show__print(f, p), 0);
	fclose(f);
	expect_golden(buf, len, golden);
	/* 100 columns */
	for (line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t w = nl ? (size_t)(nl - line) : strlen(line);

		if (w > 100)
			fail_msg("line wider than 100 columns: %.*s", (int)w, line);
		line = nl ? nl + 1 : NULL;
	}
	free(buf);
	buf = show__to_json(p);
	assert_non_null(buf);
	assert_non_null(strstr(buf, "\"units\""));
	free(buf);
	policy__free(p);
}

static void test_show_golden(void **state)
{
	(void)state;
	show_golden(FIXTURE("review-b.json"), GOLDEN("show-b.txt"));
	show_golden(FIXTURE("review-score.json"), GOLDEN("show-score.txt"));
}

/* ---- check ----------------------------------------------------------------- */

static int never_exists(const char *path)
{
	(void)path;
	return 0;
}

static struct check_result *check_file(const char *path)
{
	struct check_result *r = NULL;
	size_t len;
	char *buf = slurp(path, &len);

	assert_int_equal(check__text(buf, len, never_exists, &r), 0);
	free(buf);
	return r;
}

static int has_diag(const struct check_result *r, unsigned line,
		    enum check_severity sev, const char *needle)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->diags[i].line == line && r->diags[i].severity == sev &&
		    strstr(r->diags[i].msg, needle))
			return 1;
	for (size_t i = 0; i < r->n; i++)
		print_message("  %u %d %s\n", r->diags[i].line,
			      r->diags[i].severity, r->diags[i].msg);
	return 0;
}

static void test_check_broken(void **state)
{
	struct check_result *r = check_file(FIXTURE("review-broken.json"));

	(void)state;
	assert_int_equal(r->nerrors, 5);
	assert_int_equal(r->nwarnings, 2);
	assert_true(has_diag(r, 14, CHECK_ERROR, "did you mean 'openat'?"));
	assert_true(has_diag(r, 15, CHECK_ERROR, "did you mean '@network-io'?"));
	assert_true(has_diag(r, 16, CHECK_ERROR, "duplicate syscall name 'read'"));
	assert_true(has_diag(r, 22, CHECK_ERROR, "duplicate library"));
	assert_true(has_diag(r, 7, CHECK_WARNING, "does not exist"));
	assert_true(has_diag(r, 29, CHECK_ERROR, "not a basename"));
	check__free(r);

	r = check_file(FIXTURE("review-syntax.json"));
	assert_int_equal(r->nerrors, 1);
	assert_true(has_diag(r, 4, CHECK_ERROR, "invalid JSON"));
	check__free(r);

	r = check_file(FIXTURE("review-badkind.json"));
	assert_int_equal(r->nerrors, 1);
	assert_true(has_diag(r, 6, CHECK_ERROR, "expected one of executable"));
	check__free(r);

	/* impossible argument condition: policy__parse's verdict, with line */
	r = check_file(FIXTURE("review-badargs.json"));
	assert_int_equal(r->nerrors, 1);
	assert_true(has_diag(r, 14, CHECK_ERROR, "out of range"));
	check__free(r);

	r = check_file(FIXTURE("review-a.json"));
	assert_int_equal(r->nerrors, 0);
	assert_int_equal(r->nwarnings, 2); /* /usr/bin/demo, libz: not here */
	check__free(r);
}

static void test_locate(void **state)
{
	static const char j[] =
		"{\n"
		"  \"a\": [1,\n"
		"    {\"b\": \"x\\\"]\", \"c\": [\n"
		"      true, null, {\"d.e\": 2}]}],\n"
		"  \"f\": {}\n"
		"}\n";
	size_t n = sizeof(j) - 1;

	(void)state;
	assert_int_equal(check__locate(j, n, ""), 1);
	assert_int_equal(check__locate(j, n, "a"), 2);
	assert_int_equal(check__locate(j, n, "a[0]"), 2);
	assert_int_equal(check__locate(j, n, "a[1].b"), 3);
	assert_int_equal(check__locate(j, n, "a[1].c[2]"), 4);
	assert_int_equal(check__locate(j, n, "f"), 5);
	assert_int_equal(check__locate(j, n, "a[5]"), 0);
	assert_int_equal(check__locate(j, n, "g"), 0);
	assert_int_equal(check__locate(j, n, "a[x"), 0);
	assert_int_equal(check__locate("{\"a\": [", 7, "a[0]"), 0);
}

/* ---- compartments, intersect ------------------------------------------------ */

static void test_compartments(void **state)
{
	struct policy *p = load(FIXTURE("review-score.json")), *q = NULL;
	const char *paths[] = { "/usr/lib/libx.so" };
	struct rules_set *set = malloc(sizeof(*set));
	char err[256] = "", *json;
	int li = -1;

	(void)state;
	assert_int_equal(p->ncompartments, 1);
	assert_int_equal(policy__compartment_of(p, "/usr/lib/libw.so"), 0);
	assert_int_equal(policy__compartment_of(p, "libw.so"), -1);
	for (size_t i = 0; i < p->nlibs; i++)
		if (!strcmp(p->libs[i].path, "/usr/lib/liby.so"))
			li = (int)i;
	assert_true(li >= 0);
	/* liby gets liby + libw: write, ptrace */
	assert_non_null(set);
	assert_int_equal(rules__lib(p, (size_t)li, set), 0);
	assert_int_equal(set->n, 2);
	assert_true(set->allowed[1] && set->allowed[101]);
	free(set);
	/* a library in two compartments is refused; basenames too */
	assert_int_equal(policy__add_compartment(p, "other",
			 (const char *const[]){ "/usr/lib/libw.so" }, 1), -EEXIST);
	assert_int_equal(policy__add_compartment(p, "x",
			 (const char *const[]){ "libx.so" }, 1), -EINVAL);
	assert_int_equal(policy__add_compartment(p, "bad name", paths, 1), -EINVAL);
	assert_int_equal(policy__add_compartment(p, "aaa", paths, 1), 0);
	/* round trip keeps them, sorted by name */
	json = policy__to_json(p);
	assert_non_null(json);
	assert_int_equal(policy__parse(json, strlen(json), "rt", &q, err,
				       sizeof(err)), 0);
	assert_int_equal(q->ncompartments, 2);
	assert_string_equal(q->compartments[0].name, "aaa");
	free(json);
	policy__free(q);
	policy__free(p);
}

static void test_intersect(void **state)
{
	struct policy *a = load(FIXTURE("review-a.json"));
	struct policy *b = load(FIXTURE("review-b.json"));
	struct policy *i = NULL;

	(void)state;
	assert_int_equal(policy__intersect(a, b, &i), 0);
	/* demo: read, openat, exit_group; libz differs in build-id; bucket
	 * same */
	assert_int_equal(i->nlibs, 2);
	assert_string_equal(i->libs[0].path, "/usr/bin/demo");
	assert_int_equal(i->libs[0].nsyscalls, 3);
	for (size_t k = 0; k < i->libs[0].nsyscalls; k++)
		if (i->libs[0].syscalls[k].nr == 257)
			assert_int_equal(i->libs[0].syscalls[k].count, 26);
	assert_int_equal(i->ncompartments, 1);
	policy__free(i);
	policy__free(a);
	policy__free(b);
}

/* ---- setsockopt (level, option) pairs in the review tools ------------------- */

#define NR_SETSOCKOPT 54

/* One library making setsockopt with the given (level, option) pairs. */
static struct policy *sockopt_policy(const uint64_t (*pairs)[2], size_t n)
{
	struct trace *t = trace__new();
	struct policy *p = NULL;
	char err[256] = "";
	int lib;

	assert_non_null(t);
	lib = trace__add_lib(t, "/usr/bin/srv", NULL, LIB_KIND_EXECUTABLE, 0, 0);
	assert_true(lib >= 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(trace__add_tuple(t, (uint32_t)lib, NR_SETSOCKOPT,
						  pairs[i], 1), 0);
	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), 0);
	trace__free(t);
	return p;
}

static char *mem_print(int (*fn)(FILE *, const struct policy *), const struct policy *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(f, p), 0);
	fclose(f);
	return buf;
}

static void test_sockopt_pairs(void **state)
{
	static const uint64_t a_pairs[][2] = { { 1, 2 } };           /* SOL_SOCKET, SO_REUSEADDR */
	static const uint64_t b_pairs[][2] = { { 1, 2 }, { 6, 1 } }; /* + IPPROTO_TCP, TCP_NODELAY */
	struct policy *a = sockopt_policy(a_pairs, 1), *b = sockopt_policy(b_pairs, 2);
	struct diff *d = NULL;
	struct score_report *r = NULL;
	struct check_result *cr = NULL;
	char text[512], *s, *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	/* show: options named by their level; SO_DEBUG (1 at SOL_SOCKET) is
	 * never printed for TCP_NODELAY */
	show__args_text(&b->libs[0].syscalls[0], text, sizeof(text));
	assert_string_equal(text, "(arg1, arg2) in {SOL_SOCKET: SO_REUSEADDR; "
			    "IPPROTO_TCP: TCP_NODELAY}");
	s = mem_print(show__print, b);
	assert_non_null(strstr(s, "IPPROTO_TCP: TCP_NODELAY"));
	assert_null(strstr(s, "SO_DEBUG"));
	free(s);
	s = show__to_json(b);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"pairs\""));
	assert_non_null(strstr(s, "\"option\":\t\"TCP_NODELAY\""));
	free(s);

	/* diff, text and JSON: the pairs added, then removed */
	assert_int_equal(diff__policies(a, b, &d), 0);
	assert_int_equal(d->n, 1);
	assert_int_equal(d->changes[0].kind, DIFF_ARGS_WIDENED);
	f = open_memstream(&buf, &len);
	diff__print(f, d, false);
	fclose(f);
	assert_non_null(strstr(buf, "setsockopt arguments widened: (arg1, arg2) in "
			       "{SOL_SOCKET: SO_REUSEADDR} -> (arg1, arg2) in "
			       "{SOL_SOCKET: SO_REUSEADDR; IPPROTO_TCP: TCP_NODELAY} "
			       "[pairs added: (IPPROTO_TCP, TCP_NODELAY)]"));
	free(buf);
	s = diff__to_json(d);
	assert_non_null(strstr(s, "\"pairs_added\""));
	assert_non_null(strstr(s, "\"level\":\t\"IPPROTO_TCP\""));
	assert_non_null(strstr(s, "\"option\":\t\"TCP_NODELAY\""));
	assert_null(strstr(s, "pairs_removed"));
	free(s);
	diff__free(d);
	assert_int_equal(diff__policies(b, a, &d), 0);
	assert_int_equal(d->changes[0].kind, DIFF_ARGS_NARROWED);
	s = diff__to_json(d);
	assert_non_null(strstr(s, "\"pairs_removed\""));
	assert_non_null(strstr(s, "\"TCP_NODELAY\""));
	free(s);
	diff__free(d);

	/* score: the pairs each unit may use */
	assert_int_equal(score__policy(b, &r), 0);
	assert_int_equal(r->units[0].sockopt[0], 2);
	assert_int_equal(r->units[0].sockopt[1], SCORE_PAIRS_NONE);
	assert_int_equal(r->union_sockopt[0], 2);
	score__free(r);

	/* check: a learned file has no warning; every combination of two
	 * levels and two options (a policy written before pairs) has one */
	s = policy__to_json(b);
	assert_int_equal(check__text(s, strlen(s), NULL, &cr), 0);
	assert_int_equal(cr->nwarnings, 0);
	check__free(cr);
	free(s);
	{
		static const uint64_t x_pairs[][2] = { { 1, 1 }, { 1, 2 }, { 6, 1 }, { 6, 2 } };
		struct policy *x = sockopt_policy(x_pairs, 4);

		s = policy__to_json(x);
		assert_int_equal(check__text(s, strlen(s), NULL, &cr), 0);
		assert_int_equal(cr->nerrors, 0);
		assert_int_equal(cr->nwarnings, 1);
		assert_non_null(strstr(cr->diags[0].msg, "every combination of 2 levels "
				       "and 2 options"));
		assert_true(cr->diags[0].line > 0);
		check__free(cr);
		free(s);
		policy__free(x);
	}
	{
		/* the level widened, options listed: loads as any pair */
		static const char old_wide[] =
			"{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"sysfence\": "
			"{\"version\": 1, \"libraries\": [{\"path\": \"/usr/bin/srv\", "
			"\"kind\": \"executable\", \"syscalls\": [{\"names\": "
			"[\"getsockopt\"], \"action\": \"SCMP_ACT_ALLOW\", \"widened\": "
			"[1], \"args\": [{\"index\": 2, \"value\": 4, \"op\": "
			"\"SCMP_CMP_EQ\"}]}]}]}}";

		assert_int_equal(check__text(old_wide, strlen(old_wide), NULL, &cr), 0);
		assert_int_equal(cr->nerrors, 0);
		assert_int_equal(cr->nwarnings, 1);
		assert_non_null(strstr(cr->diags[0].msg, "'getsockopt': options without a "
				       "level condition"));
		check__free(cr);
	}
	policy__free(a);
	policy__free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weights_table),
		cmocka_unit_test(test_score_known_numbers),
		cmocka_unit_test(test_diff_golden),
		cmocka_unit_test(test_show_golden),
		cmocka_unit_test(test_check_broken),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_compartments),
		cmocka_unit_test(test_intersect),
		cmocka_unit_test(test_sockopt_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
