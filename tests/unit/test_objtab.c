/* test_objtab.c - resolution of the paths the BPF side records
 * (tracer/objtab.c): absolute paths normalised, relative paths joined to
 * the base directory the BPF side walked (the cwd or the dirfd's file),
 * an empty path (AT_EMPTY_PATH) naming the base itself, and what cannot
 * be resolved (no base, a truncated walk or component). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "objtab.h"

/* an event for path, with base directory components given root first */
static struct sf_event_object *ev_of(const char *path, int ncomp, const char *const *comps)
{
	struct sf_event_object *ev = calloc(1, sizeof(*ev));

	assert_non_null(ev);
	ev->key.kind = SF_OBJ_PATH;
	strncpy(ev->key.path, path, sizeof(ev->key.path) - 1);
	if (ncomp >= 0) {
		ev->key.base = 0xffff888000001000ULL; /* a dentry */
		ev->ncomp = (uint32_t)ncomp;
		for (int i = 0; i < ncomp && i < 4; i++) /* leaf first */
			strncpy(ev->base[i], comps[ncomp - 1 - i], SF_NAME_LEN - 1);
	}
	return ev;
}

static void expect(const char *path, int ncomp, const char *const *comps, const char *want)
{
	struct sf_event_object *ev = ev_of(path, ncomp, comps);
	char *got = objtab__resolve(ev);

	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
	free(ev);
}

static void test_resolve(void **state)
{
	static const char *const data[] = { "var", "lib", "pg", "main" };
	static const char *const none[] = { NULL };
	char longname[SF_NAME_LEN + 8];
	const char *lng[] = { "srv", longname };

	(void)state;
	/* absolute: normalised, the base is not used */
	expect("/etc//app/./x.conf", -1, none, "/etc/app/x.conf");
	expect("/a/b/../c", 4, data, "/a/c");
	/* relative to the cwd or a dirfd */
	expect("base/pgsql_tmp", 4, data, "/var/lib/pg/main/base/pgsql_tmp");
	expect("./postmaster.pid", 4, data, "/var/lib/pg/main/postmaster.pid");
	expect("../other/f", 4, data, "/var/lib/pg/other/f");
	expect("../../../../../up", 4, data, "/up");
	expect("f", 0, none, "/f"); /* the base is the root */
	/* AT_EMPTY_PATH: the dirfd's own file */
	expect("", 4, data, "/var/lib/pg/main");
	expect("", 0, none, "/");
	/* not resolved */
	expect("rel", -1, none, NULL);                    /* no base */
	{ /* walk truncated: SF_PATH_COMPONENTS + 1 */
		struct sf_event_object *ev = ev_of("rel", 0, none);

		ev->ncomp = SF_PATH_COMPONENTS + 1;
		assert_null(objtab__resolve(ev));
		free(ev);
	}
	expect("", -1, none, NULL);
	memset(longname, 'x', sizeof(longname));
	longname[SF_NAME_LEN - 1] = '\0';
	expect("f", 2, lng, NULL); /* a component the walk may have cut */
	longname[SF_NAME_LEN - 2] = '\0';
	{
		char want[SF_NAME_LEN + 16];

		snprintf(want, sizeof(want), "/srv/%s/f", longname);
		expect("f", 2, lng, want);
	}
}

static void test_table(void **state)
{
	static const char *const cwd[] = { "srv", "app" };
	struct objtab *t = objtab__new();
	struct sf_event_object *a = ev_of("data/x", 2, cwd), *b = ev_of("data/x", 2, cwd);

	(void)state;
	assert_non_null(t);
	assert_int_equal(objtab__add(t, a), 0);
	assert_string_equal(objtab__path(t, &a->key), "/srv/app/data/x");
	/* the same key: the first resolution stays */
	strcpy(b->base[1], "other");
	assert_int_equal(objtab__add(t, b), 0);
	assert_string_equal(objtab__path(t, &b->key), "/srv/app/data/x");
	/* another base directory (another dentry) is another key */
	b->key.base++;
	assert_int_equal(objtab__add(t, b), 0);
	assert_string_equal(objtab__path(t, &b->key), "/other/app/data/x");
	for (int i = 0; i < 1000; i++) { /* growth keeps entries */
		a->key.aux = (uint32_t)i + 1;
		assert_int_equal(objtab__add(t, a), 0);
	}
	a->key.aux = 0;
	assert_string_equal(objtab__path(t, &a->key), "/srv/app/data/x");
	objtab__free(t);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
