/* test_jsonpos.c - the position-aware JSON layer (learner/jsonpos.c) and
 * the structured errors the policy reader gives through it: line and
 * column of every value, paths both ways, exact number text, syntax
 * errors with their place, {path, line, column, message} from
 * policy__parse_doc, and check's lines coming from it. */
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
#include "jsonpos.h"
#include "policy.h"
#include "policy_read.h"

static const char doc_text[] =
	"{\n"
	"  \"a\": [1,\n"
	"    {\"b\": \"x\\\"]\", \"c\": [\n"
	"      true, null, {\"d\": 18446744073709551615}]}],\n"
	"  \"f\": {},\n"
	"  \"f\": 2\n"
	"}\n";

static struct jsonpos *parse(const char *s)
{
	struct jsonpos *d = NULL;
	struct json_error e;

	assert_int_equal(jsonpos__parse(s, strlen(s), &d, &e), 0);
	assert_int_equal(e.kind, JSON_ERR_NONE);
	return d;
}

static void test_where_and_paths(void **state)
{
	struct jsonpos *d = parse(doc_text);
	const char *paths[] = { "", "a", "a[0]", "a[1]", "a[1].b", "a[1].c",
				"a[1].c[2]", "a[1].c[2].d", "f" };
	const unsigned lines[] = { 1, 2, 2, 3, 3, 3, 4, 4, 5 };
	const unsigned cols[] = { 1, 8, 9, 5, 11, 24, 19, 25, 8 };
	char buf[JSON_PATH_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const cJSON *n = jsonpos__at(d, paths[i]);
		unsigned line = 0, col = 0;

		assert_non_null(n);
		assert_true(jsonpos__where(d, n, &line, &col));
		if (line != lines[i] || col != cols[i])
			fail_msg("%s: %u:%u, expected %u:%u", paths[i], line, col,
				 lines[i], cols[i]);
		/* and back: the path of the node */
		assert_true(jsonpos__path(d, n, buf, sizeof(buf)));
		assert_string_equal(buf, paths[i]);
	}
	/* exact digits of a number cJSON keeps as a double */
	assert_int_equal(strncmp(jsonpos__text(d, jsonpos__at(d, "a[1].c[2].d")),
				 "18446744073709551615", 20), 0);
	/* not there; malformed paths; duplicate keys: the first */
	assert_null(jsonpos__at(d, "a[5]"));
	assert_null(jsonpos__at(d, "g"));
	assert_null(jsonpos__at(d, "a[x"));
	assert_null(jsonpos__at(d, "a.b"));
	assert_true(cJSON_IsObject(jsonpos__at(d, "f")));
	/* a node of another document has no place */
	assert_false(jsonpos__where(d, NULL, NULL, NULL));
	jsonpos__free(d);
}

static void test_syntax_errors(void **state)
{
	struct jsonpos *d = NULL;
	struct json_error e;

	(void)state;
	assert_int_equal(jsonpos__parse("{\n  \"a\": 1 \"b\": 2\n}", 19, &d, &e),
			 -EINVAL);
	assert_int_equal(e.kind, JSON_ERR_SYNTAX);
	assert_int_equal(e.line, 2);
	assert_int_equal(e.column, 10);
	assert_string_equal(e.message, "invalid JSON near '\"b\": 2'");
	assert_int_equal(jsonpos__parse("{\"a\": [", 7, &d, &e), -EINVAL);
	assert_string_equal(e.message, "invalid JSON: unexpected end of input");
	assert_int_equal(e.line, 1);
	assert_int_equal(e.column, 8);
	assert_int_equal(jsonpos__parse("{}\n\0", 4, &d, &e), -EINVAL);
	assert_string_equal(e.message, "invalid JSON: NUL byte");
	assert_int_equal(e.line, 2);
	assert_int_equal(jsonpos__parse("", 0, &d, &e), -ENODATA);
	assert_string_equal(e.message, "empty file");
	/* trailing garbage is not JSON */
	assert_int_equal(jsonpos__parse("{} x", 4, &d, &e), -EINVAL);
	assert_null(d);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

/* The reader's first error, structured (the fixture's kind is "dylib"). */
static void test_reader_error(void **state)
{
	size_t len;
	char *text = slurp(SRCDIR "/tests/fixtures/review-badkind.json", &len);
	struct jsonpos *d = NULL;
	struct policy *p = NULL;
	struct json_error e;
	char err[512];

	(void)state;
	assert_int_equal(jsonpos__parse(text, len, &d, NULL), 0);
	assert_int_equal(policy__parse_doc(d, "x.json", &p, &e, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(e.kind, JSON_ERR_VALUE);
	assert_string_equal(e.path, "sysfence.libraries[0].kind");
	assert_int_equal(e.line, 6);
	assert_int_equal(e.column, 42);
	assert_string_equal(e.message, "sysfence.libraries[0].kind: expected one "
			    "of executable, library, bucket");
	/* the one-line form is what it always was */
	assert_string_equal(err, "x.json: sysfence.libraries[0].kind: expected "
			    "one of executable, library, bucket");
	jsonpos__free(d);
	free(text);
}

/* A missing key is placed at its object (the old message scan found no
 * line for it); syntax errors keep their column. */
static void test_check_lines(void **state)
{
	size_t len;
	char *text = slurp(SRCDIR "/tests/fixtures/review-noversion.json", &len);
	struct check_result *r = NULL;

	(void)state;
	assert_int_equal(check__text(text, len, NULL, &r), 0);
	assert_int_equal(r->nerrors, 1);
	assert_non_null(strstr(r->diags[0].msg, "sysfence.version: missing"));
	assert_int_equal(r->diags[0].line, 3);
	check__free(r);
	assert_int_equal(check__text("{\n  \"a\": 1 \"b\": 2\n}", 19, NULL, &r), 0);
	assert_int_equal(r->nerrors, 1);
	assert_int_equal(r->diags[0].line, 2);
	assert_non_null(strstr(r->diags[0].msg, "invalid JSON near"));
	assert_non_null(strstr(r->diags[0].msg, "(column 10)"));
	check__free(r);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_where_and_paths),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_reader_error),
		cmocka_unit_test(test_check_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
