/* test_policy.c - policy model, deterministic JSON, validating parser. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "policy.h"
#include "policy_read.h"
#include "policy_write.h"
#include "sysfence.h"
#include "trace.h"

#define FIXTURE(name) SRCDIR "/tests/fixtures/" name

#define TEST_TMPDIR_PREFIX "/tmp/sf-test-policy"
#include "testutil.h"

/* Tuples are added in an order chosen by perm (0 = forward, 1 = reverse). */
static struct trace *make_trace(int reverse)
{
	struct {
		const char *path, *bid;
		uint32_t kind, nr;
		uint64_t a0, count;
	} rows[] = {
		{ "/usr/bin/demo", "cafe", LIB_KIND_EXECUTABLE, 257, 0, 5 },
		{ "/usr/bin/demo", "cafe", LIB_KIND_EXECUTABLE, 257, 1, 7 },
		{ "/usr/bin/demo", "cafe", LIB_KIND_EXECUTABLE, 0, 0, 1 },
		{ "/usr/bin/demo", "cafe", LIB_KIND_EXECUTABLE, 288, 0, 2 },
		{ "/usr/lib/libz.so.1", NULL, LIB_KIND_LIBRARY, 9, 0, 3 },
		{ "/usr/lib/libcrypto.so.3", "ff00", LIB_KIND_LIBRARY, 318, 0, 1 },
		{ "[libc-runtime]", NULL, LIB_KIND_BUCKET, 231, 0, 1 },
		{ "/usr/lib/unused.so", NULL, LIB_KIND_LIBRARY, 0, 0, 0 },
	};
	size_t n = sizeof(rows) / sizeof(rows[0]);
	struct trace *t = trace__new();

	assert_non_null(t);
	t->binary = strdup("/usr/bin/demo");
	t->binary_build_id = strdup("cafe");
	assert_int_equal(trace__add_transparent(t, reverse ? "/lib/libc.so.6"
							  : "/lib/ld.so"), 0);
	assert_int_equal(trace__add_transparent(t, reverse ? "/lib/ld.so"
							  : "/lib/libc.so.6"), 0);
	for (size_t k = 0; k < n; k++) {
		size_t i = reverse ? n - 1 - k : k;
		uint64_t arg[TRACE_NARGS] = { rows[i].a0, 0 };
		int lib = trace__add_lib(t, rows[i].path, rows[i].bid,
					 rows[i].kind, 0, 0);

		assert_true(lib >= 0);
		if (!rows[i].count)
			continue; /* library without tuples */
		assert_int_equal(trace__add_tuple(t, (uint32_t)lib, rows[i].nr,
						  arg, rows[i].count), 0);
		if (rows[i].nr == 257)
			assert_int_equal(trace__add_site(t, (uint32_t)lib, 257,
							 0x1234, "open_config+0x2a"), 0);
		if (rows[i].nr == 9)
			assert_int_equal(trace__add_site(t, (uint32_t)lib, 9,
							 0xbeef, NULL), 0);
	}
	return t;
}

static const char expected_json[] =
"{\n"
"  \"defaultAction\": \"SCMP_ACT_KILL_PROCESS\",\n"
"  \"architectures\": [\n"
"    \"SCMP_ARCH_X86_64\"\n"
"  ],\n"
"  \"syscalls\": [\n"
"    {\n"
"      \"names\": [\n"
"        \"exit_group\",\n"
"        \"read\"\n"
"      ],\n"
"      \"action\": \"SCMP_ACT_ALLOW\"\n"
"    },\n"
"    {\n"
"      \"names\": [\n"
"        \"accept4\"\n"
"      ],\n"
"      \"action\": \"SCMP_ACT_ALLOW\",\n"
"      \"args\": [\n"
"        {\n"
"          \"index\": 3,\n"
"          \"value\": 4294443007,\n"
"          \"valueTwo\": 0,\n"
"          \"op\": \"SCMP_CMP_MASKED_EQ\"\n"
"        }\n"
"      ]\n"
"    },\n"
"    {\n"
"      \"names\": [\n"
"        \"getrandom\"\n"
"      ],\n"
"      \"action\": \"SCMP_ACT_ALLOW\",\n"
"      \"args\": [\n"
"        {\n"
"          \"index\": 2,\n"
"          \"value\": 4294967295,\n"
"          \"valueTwo\": 0,\n"
"          \"op\": \"SCMP_CMP_MASKED_EQ\"\n"
"        }\n"
"      ]\n"
"    },\n"
"    {\n"
"      \"names\": [\n"
"        \"mmap\"\n"
"      ],\n"
"      \"action\": \"SCMP_ACT_ALLOW\",\n"
"      \"args\": [\n"
"        {\n"
"          \"index\": 2,\n"
"          \"value\": 4294967295,\n"
"          \"valueTwo\": 0,\n"
"          \"op\": \"SCMP_CMP_MASKED_EQ\"\n"
"        }\n"
"      ]\n"
"    },\n"
"    {\n"
"      \"names\": [\n"
"        \"openat\"\n"
"      ],\n"
"      \"action\": \"SCMP_ACT_ALLOW\",\n"
"      \"args\": [\n"
"        {\n"
"          \"index\": 2,\n"
"          \"value\": 4294410238,\n"
"          \"valueTwo\": 0,\n"
"          \"op\": \"SCMP_CMP_MASKED_EQ\"\n"
"        }\n"
"      ]\n"
"    }\n"
"  ],\n"
"  \"sysfence\": {\n"
"    \"version\": 1,\n"
"    \"binary\": {\n"
"      \"path\": \"/usr/bin/demo\",\n"
"      \"buildId\": \"cafe\"\n"
"    },\n"
"    \"transparent\": [\n"
"      \"/lib/ld.so\",\n"
"      \"/lib/libc.so.6\"\n"
"    ],\n"
"    \"libraries\": [\n"
"      {\n"
"        \"path\": \"/usr/bin/demo\",\n"
"        \"buildId\": \"cafe\",\n"
"        \"kind\": \"executable\",\n"
"        \"syscalls\": [\n"
"          {\n"
"            \"names\": [\n"
"              \"read\"\n"
"            ],\n"
"            \"action\": \"SCMP_ACT_ALLOW\"\n"
"          },\n"
"          {\n"
"            \"names\": [\n"
"              \"accept4\"\n"
"            ],\n"
"            \"action\": \"SCMP_ACT_ALLOW\",\n"
"            \"args\": [\n"
"              {\n"
"                \"index\": 3,\n"
"                \"value\": 4294443007,\n"
"                \"valueTwo\": 0,\n"
"                \"op\": \"SCMP_CMP_MASKED_EQ\"\n"
"              }\n"
"            ]\n"
"          },\n"
"          {\n"
"            \"names\": [\n"
"              \"openat\"\n"
"            ],\n"
"            \"action\": \"SCMP_ACT_ALLOW\",\n"
"            \"args\": [\n"
"              {\n"
"                \"index\": 2,\n"
"                \"value\": 4294410238,\n"
"                \"valueTwo\": 0,\n"
"                \"op\": \"SCMP_CMP_MASKED_EQ\"\n"
"              }\n"
"            ]\n"
"          }\n"
"        ],\n"
"        \"evidence\": {\n"
"          \"accept4\": {\n"
"            \"count\": 2,\n"
"            \"site\": null\n"
"          },\n"
"          \"openat\": {\n"
"            \"count\": 12,\n"
"            \"site\": \"open_config+0x2a\"\n"
"          },\n"
"          \"read\": {\n"
"            \"count\": 1,\n"
"            \"site\": null\n"
"          }\n"
"        }\n"
"      },\n"
"      {\n"
"        \"path\": \"/usr/lib/libcrypto.so.3\",\n"
"        \"buildId\": \"ff00\",\n"
"        \"kind\": \"library\",\n"
"        \"syscalls\": [\n"
"          {\n"
"            \"names\": [\n"
"              \"getrandom\"\n"
"            ],\n"
"            \"action\": \"SCMP_ACT_ALLOW\",\n"
"            \"args\": [\n"
"              {\n"
"                \"index\": 2,\n"
"                \"value\": 4294967295,\n"
"                \"valueTwo\": 0,\n"
"                \"op\": \"SCMP_CMP_MASKED_EQ\"\n"
"              }\n"
"            ]\n"
"          }\n"
"        ],\n"
"        \"evidence\": {\n"
"          \"getrandom\": {\n"
"            \"count\": 1,\n"
"            \"site\": null\n"
"          }\n"
"        }\n"
"      },\n"
"      {\n"
"        \"path\": \"/usr/lib/libz.so.1\",\n"
"        \"buildId\": null,\n"
"        \"kind\": \"library\",\n"
"        \"syscalls\": [\n"
"          {\n"
"            \"names\": [\n"
"              \"mmap\"\n"
"            ],\n"
"            \"action\": \"SCMP_ACT_ALLOW\",\n"
"            \"args\": [\n"
"              {\n"
"                \"index\": 2,\n"
"                \"value\": 4294967295,\n"
"                \"valueTwo\": 0,\n"
"                \"op\": \"SCMP_CMP_MASKED_EQ\"\n"
"              }\n"
"            ]\n"
"          }\n"
"        ],\n"
"        \"evidence\": {\n"
"          \"mmap\": {\n"
"            \"count\": 3,\n"
"            \"site\": \"0xbeef\"\n"
"          }\n"
"        }\n"
"      },\n"
"      {\n"
"        \"path\": \"[libc-runtime]\",\n"
"        \"buildId\": null,\n"
"        \"kind\": \"bucket\",\n"
"        \"syscalls\": [\n"
"          {\n"
"            \"names\": [\n"
"              \"exit_group\"\n"
"            ],\n"
"            \"action\": \"SCMP_ACT_ALLOW\"\n"
"          }\n"
"        ],\n"
"        \"evidence\": {\n"
"          \"exit_group\": {\n"
"            \"count\": 1,\n"
"            \"site\": null\n"
"          }\n"
"        }\n"
"      }\n"
"    ]\n"
"  }\n"
"}\n";

static void assert_str_eq_null(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_policy_equal(const struct policy *a, const struct policy *b)
{
	assert_int_equal(a->version, b->version);
	assert_string_equal(a->default_action, b->default_action);
	assert_int_equal(a->narchitectures, b->narchitectures);
	for (size_t i = 0; i < a->narchitectures; i++)
		assert_string_equal(a->architectures[i], b->architectures[i]);
	assert_str_eq_null(a->binary, b->binary);
	assert_str_eq_null(a->binary_build_id, b->binary_build_id);
	assert_int_equal(a->ntransparent, b->ntransparent);
	for (size_t i = 0; i < a->ntransparent; i++)
		assert_string_equal(a->transparent[i], b->transparent[i]);
	assert_int_equal(a->nlibs, b->nlibs);
	for (size_t i = 0; i < a->nlibs; i++) {
		const struct policy_lib *x = &a->libs[i], *y = &b->libs[i];

		assert_string_equal(x->path, y->path);
		assert_str_eq_null(x->build_id, y->build_id);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->nsyscalls, y->nsyscalls);
		for (size_t k = 0; k < x->nsyscalls; k++) {
			assert_int_equal(x->syscalls[k].nr, y->syscalls[k].nr);
			assert_int_equal(x->syscalls[k].count, y->syscalls[k].count);
			assert_str_eq_null(x->syscalls[k].site, y->syscalls[k].site);
		}
	}
}

static void test_from_trace(void **state)
{
	struct trace *t = make_trace(0);
	struct policy *p = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), 0);
	assert_string_equal(p->default_action, "SCMP_ACT_KILL_PROCESS");
	assert_int_equal(p->narchitectures, 1);
	assert_string_equal(p->architectures[0], "SCMP_ARCH_X86_64");
	assert_string_equal(p->binary, "/usr/bin/demo");
	assert_int_equal(p->ntransparent, 2);
	/* the library without tuples gets no entry */
	assert_int_equal(p->nlibs, 4);
	assert_int_equal(p->libs[0].kind, LIB_KIND_EXECUTABLE);
	assert_int_equal(p->libs[0].nsyscalls, 3);
	assert_int_equal(p->libs[0].syscalls[0].nr, 0);
	assert_int_equal(p->libs[0].syscalls[1].nr, 257);
	assert_int_equal(p->libs[0].syscalls[1].count, 12); /* summed over args */
	assert_string_equal(p->libs[0].syscalls[1].site, "open_config+0x2a");
	assert_null(p->libs[0].syscalls[0].site);
	assert_string_equal(p->libs[2].path, "/usr/lib/libz.so.1");
	assert_string_equal(p->libs[2].syscalls[0].site, "0xbeef");
	assert_int_equal(p->libs[3].kind, LIB_KIND_BUCKET);
	policy__free(p);

	/* a number libseccomp cannot name is an error, not a silent drop */
	assert_int_equal(trace__add_tuple(t, 0, 499, NULL, 1), 0);
	p = NULL;
	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), -EINVAL);
	assert_null(p);
	assert_non_null(strstr(err, "syscall number 499"));
	trace__free(t);
}

static void test_json_golden_and_roundtrip(void **state)
{
	struct trace *t = make_trace(0);
	struct policy *p = NULL, *q = NULL;
	char err[256] = "";
	char *j1, *j2;

	(void)state;
	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), 0);
	j1 = policy__to_json(p);
	assert_non_null(j1);
	assert_string_equal(j1, expected_json);
	assert_int_equal(policy__parse(j1, strlen(j1), "mem", &q, err,
				       sizeof(err)), 0);
	assert_policy_equal(p, q);
	j2 = policy__to_json(q);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	policy__free(p);
	policy__free(q);
	trace__free(t);
}

static void test_deterministic(void **state)
{
	struct trace *a = make_trace(0), *b = make_trace(1);
	struct policy *p = NULL, *q = NULL;
	char err[256];
	char *j1, *j2;

	(void)state;
	assert_int_equal(policy__from_trace(a, &p, err, sizeof(err)), 0);
	assert_int_equal(policy__from_trace(b, &q, err, sizeof(err)), 0);
	j1 = policy__to_json(p);
	j2 = policy__to_json(q);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	policy__free(p);
	policy__free(q);
	trace__free(a);
	trace__free(b);
}

/* Strings that need escaping survive a round trip. */
static void test_escaping(void **state)
{
	struct policy *p = policy__new(), *q = NULL;
	char err[256];
	char *j1, *j2;
	int lib;

	(void)state;
	lib = policy__add_lib(p, "/opt/we\"ird\\path\n\t\x01\x7f/é.so", NULL,
			      LIB_KIND_LIBRARY);
	assert_true(lib >= 0);
	assert_int_equal(policy__add_syscall(p, (size_t)lib, 1, 3, "sym\"+0x1"), 0);
	assert_int_equal(policy__add_syscall(p, (size_t)lib, 0, (1ULL << 53) - 1,
					     NULL), 0);
	j1 = policy__to_json(p);
	assert_non_null(j1);
	assert_non_null(strstr(j1, "we\\\"ird\\\\path\\n\\t\\u0001\\u007f/é.so"));
	assert_int_equal(policy__parse(j1, strlen(j1), "mem", &q, err, sizeof(err)), 0);
	assert_policy_equal(p, q);
	j2 = policy__to_json(q);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	policy__free(q);
	q = NULL;
	/* saturating counts stay loadable */
	assert_int_equal(policy__add_syscall(p, (size_t)lib, 0, UINT64_MAX, NULL), 0);
	j1 = policy__to_json(p);
	assert_non_null(strstr(j1, "\"count\": 9007199254740992,"));
	assert_int_equal(policy__parse(j1, strlen(j1), "mem", &q, err, sizeof(err)), 0);
	assert_int_equal(q->libs[0].syscalls[0].count, 1ULL << 53);
	free(j1);
	policy__free(p);
	policy__free(q);
}

static void test_write_load(void **state)
{
	struct trace *t = make_trace(0);
	struct policy *p = NULL, *q = NULL;
	char path[256], bad[256], err[256] = "";
	char *buf;
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/p.json", tmpdir);
	snprintf(bad, sizeof(bad), "%s/missing-dir/p.json", tmpdir);
	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), 0);
	assert_int_equal(policy__write(p, path, err, sizeof(err)), 0);
	assert_int_equal(policy__load(path, &q, err, sizeof(err)), 0);
	assert_policy_equal(p, q);
	assert_int_equal(fileio__read_all(path, FILEIO_READ_CAP, &buf, &len, err,
					  sizeof(err)), 0);
	assert_string_equal(buf, expected_json);
	free(buf);
	assert_true(policy__write(p, bad, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "cannot write"));
	assert_non_null(strstr(err, "missing-dir/p.json"));
	assert_non_null(strstr(err, "No such file or directory"));
	policy__free(p);
	policy__free(q);
	trace__free(t);
}

static void test_merge(void **state)
{
	struct policy *a = policy__new(), *b = policy__new();
	int la, lb, lc;

	(void)state;
	la = policy__add_lib(a, "/bin/x", NULL, LIB_KIND_EXECUTABLE);
	assert_int_equal(policy__add_syscall(a, (size_t)la, 0, 1, NULL), 0);
	assert_int_equal(policy__add_syscall(a, (size_t)la, 257, 2, "a+0x1"), 0);
	lb = policy__add_lib(b, "/bin/x", NULL, LIB_KIND_EXECUTABLE);
	assert_int_equal(policy__add_syscall(b, (size_t)lb, 257, 3, "b+0x2"), 0);
	assert_int_equal(policy__add_syscall(b, (size_t)lb, 1, 4, "w"), 0);
	lc = policy__add_lib(b, "/lib/y.so", "01", LIB_KIND_LIBRARY);
	assert_int_equal(policy__add_syscall(b, (size_t)lc, 9, 1, NULL), 0);
	b->binary = strdup("/bin/x");
	assert_int_equal(policy__merge(a, b), 0);
	assert_int_equal(policy__merge(a, a), -EINVAL);
	assert_string_equal(a->binary, "/bin/x");
	assert_int_equal(a->nlibs, 2);
	assert_int_equal(a->libs[0].nsyscalls, 3);
	assert_int_equal(a->libs[0].syscalls[1].nr, 1);
	assert_string_equal(a->libs[0].syscalls[1].site, "w");
	assert_int_equal(a->libs[0].syscalls[2].count, 5);
	assert_string_equal(a->libs[0].syscalls[2].site, "a+0x1");
	assert_string_equal(a->libs[1].path, "/lib/y.so");
	policy__free(a);
	policy__free(b);
}

static void expect_load_error(const char *path, int rc, const char *frag)
{
	struct policy *p = NULL;
	char err[512] = "";
	int got = policy__load(path, &p, err, sizeof(err));

	print_message("  %s\n", err);
	assert_null(p);
	assert_int_equal(got, rc);
	if (!strstr(err, frag))
		fail_msg("error '%s' lacks '%s'", err, frag);
	assert_null(strchr(err, '\n'));
	assert_null(strstr(err, "sysfence: error:"));
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_load_error(FIXTURE("policy-invalid-json.json"), -EINVAL,
			  "policy-invalid-json.json:6:3: invalid JSON");
	expect_load_error(FIXTURE("policy-empty.json"), -ENODATA, "empty file");
	expect_load_error(FIXTURE("policy-wrong-types.json"), -EINVAL,
			  "sysfence.libraries[1].kind: expected one of "
			  "executable, library, bucket");
	expect_load_error(FIXTURE("policy-unknown-syscall.json"), -EINVAL,
			  "unknown syscall name 'opnat' at syscalls[0].names[3]; "
			  "did you mean 'openat'?");
	expect_load_error(FIXTURE("policy-unknown-syscall-lib.json"), -EINVAL,
			  "unknown syscall name 'exceve' at "
			  "sysfence.libraries[2].syscalls[0].names[1]");
	expect_load_error(FIXTURE("policy-unknown-group.json"), -EINVAL,
			  "unknown group '@filesystem' at syscalls[0].names[0]; "
			  "did you mean '@file-system'?");
	expect_load_error(FIXTURE("policy-other-arch.json"), -EINVAL,
			  "policy is for SCMP_ARCH_AARCH64; this machine is x86_64");
	expect_load_error(FIXTURE("policy-unknown-arch.json"), -EINVAL,
			  "architectures[1]: unknown architecture 'SCMP_ARCH_VAX'");
	expect_load_error(FIXTURE("policy-duplicate-lib.json"), -EINVAL,
			  "sysfence.libraries[2]: duplicate library");
	expect_load_error(FIXTURE("policy-newer-version.json"), -EINVAL,
			  "policy version 2 is newer than this sysfence supports (1)");
	expect_load_error(FIXTURE("policy-evidence-mismatch.json"), -EINVAL,
			  "sysfence.libraries[0].evidence.write: 'write' is not in "
			  "this library's syscalls");
	expect_load_error(FIXTURE("does-not-exist.json"), -ENOENT,
			  "does-not-exist.json");
}

static void expect_parse_error(const char *json, const char *frag)
{
	struct policy *p = NULL;
	char err[512] = "";

	assert_true(policy__parse(json, strlen(json), "t.json", &p, err,
				  sizeof(err)) < 0);
	print_message("  %s\n", err);
	assert_null(p);
	if (!strstr(err, frag))
		fail_msg("error '%s' lacks '%s'", err, frag);
}

static void test_parse_errors_inline(void **state)
{
	(void)state;
	expect_parse_error("[]", "t.json: (root): expected an object");
	expect_parse_error("{}", "t.json: defaultAction: missing");
	expect_parse_error("{\"defaultAction\": 1}", "defaultAction: expected a string");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_NOPE\"}",
			   "defaultAction: unknown action 'SCMP_ACT_NOPE'");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\", "
			   "\"defaultAction\": \"SCMP_ACT_KILL\"}",
			   "t.json: (root): duplicate key 'defaultAction'");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\"} x",
			   "t.json:1:36: invalid JSON near 'x'");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\",\n\"syscalls\": [",
			   "t.json:2:14: invalid JSON: unexpected end of input");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\", \"sysfence\": []}",
			   "sysfence: expected an object");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\", \"sysfence\": "
			   "{\"version\": 1}}", "sysfence.libraries: missing");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\", \"sysfence\": "
			   "{\"version\": 1, \"libraries\": [], \"extra\": 1}}",
			   "sysfence.extra: unknown key");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\", \"sysfence\": "
			   "{\"version\": 1.5, \"libraries\": []}}",
			   "sysfence.version: expected a non-negative integer");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\", \"sysfence\": "
			   "{\"version\": 1, \"libraries\": [{\"path\": \"/a\", "
			   "\"kind\": \"library\", \"syscalls\": [{\"names\": "
			   "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\"}]}]}}",
			   "sysfence.libraries[0].syscalls[0].action: expected "
			   "SCMP_ACT_ALLOW");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\", \"sysfence\": "
			   "{\"version\": 1, \"libraries\": [{\"path\": \"/a\", "
			   "\"kind\": \"library\", \"syscalls\": [{\"names\": "
			   "[\"read\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}]}}",
			   "duplicate syscall name 'read' at "
			   "sysfence.libraries[0].syscalls[0].names[1]");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\", \"sysfence\": "
			   "{\"version\": 1, \"libraries\": [{\"path\": \"/a\", "
			   "\"kind\": \"library\", \"syscalls\": [{\"names\": "
			   "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}], "
			   "\"evidence\": {\"read\": {\"count\": -1}}}]}}",
			   "sysfence.libraries[0].evidence.read.count: expected a "
			   "non-negative integer");
	expect_parse_error("{\"defaultAction\": \"SCMP_ACT_KILL\", \"syscalls\": "
			   "[{\"names\": [\"read\", 5], \"action\": \"SCMP_ACT_ALLOW\"}]}",
			   "syscalls[0].names[1]: expected a string");
	{
		struct policy *p = NULL;
		char err[256];

		assert_int_equal(policy__parse("{\0}", 3, "nul.json", &p, err,
					       sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "nul.json:1:2: invalid JSON: NUL byte"));
		assert_int_equal(policy__parse("", 0, "e.json", &p, err,
					       sizeof(err)), -ENODATA);
	}
}

/* A plain OCI profile (no "sysfence" section) loads with zero libraries. */
static void test_plain_oci(void **state)
{
	struct policy *p = NULL;
	char err[256] = "";
	char *j;

	(void)state;
	assert_int_equal(policy__load(FIXTURE("policy-plain-oci.json"), &p, err,
				      sizeof(err)), 0);
	assert_int_equal(p->nlibs, 0);
	assert_string_equal(p->default_action, "SCMP_ACT_ERRNO");
	assert_int_equal(p->narchitectures, 3);
	j = policy__to_json(p);
	assert_non_null(j);
	assert_non_null(strstr(j, "\"syscalls\": [],\n"));
	assert_non_null(strstr(j, "\"libraries\": []\n"));
	free(j);
	policy__free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_trace),
		cmocka_unit_test(test_json_golden_and_roundtrip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_write_load),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_errors_inline),
		cmocka_unit_test(test_plain_oci),
	};

	return cmocka_run_group_tests(tests, setup, teardown) ? 1 : 0;
}
