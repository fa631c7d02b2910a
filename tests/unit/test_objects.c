/* test_objects.c - paths and ports of a policy (learner/objects.c): access
 * classes of each call, generalisation (system locations, directories,
 * per-run names), coverage, the union, the JSON round trip and the trace
 * section "objects". */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TEST_TMPDIR_PREFIX "/tmp/sf-test-objects"
#include "testutil.h"

#include "capability.h"
#include "objects.h"
#include "policy.h"
#include "policy_read.h"
#include "policy_write.h"
#include "score.h"
#include "show.h"
#include "trace.h"
#include "trace_file.h"

#define NR_OPENAT 257
#define NR_EXECVE 59
#define NR_UNLINK 87
#define NR_RENAME 82
#define NR_BIND 49
#define NR_CONNECT 42
#define O_RDONLY_ 0
#define O_WRONLY_CREAT_TRUNC 01101
#define O_WRONLY_CREAT_APPEND 02101

/* A trace with one executable and one library. */
static struct trace *sample(int *exe, int *lib)
{
	struct trace *t = trace__new();
	const uint64_t none[TRACE_NARGS] = { 0, 0 };

	assert_non_null(t);
	*exe = trace__add_lib(t, "/usr/sbin/app", "e1", LIB_KIND_EXECUTABLE, 1, 2);
	*lib = trace__add_lib(t, "/usr/lib/libw.so", "l1", LIB_KIND_LIBRARY, 1, 3);
	assert_true(*exe >= 0 && *lib >= 0);
	/* the policy keeps libraries that made calls */
	assert_int_equal(trace__add_tuple(t, (uint32_t)*exe, NR_OPENAT, none, 1), 0);
	assert_int_equal(trace__add_tuple(t, (uint32_t)*lib, NR_OPENAT, none, 1), 0);
	return t;
}

static void add_open(struct trace *t, int lib, const char *path, uint32_t flags)
{
	assert_int_equal(trace__add_obj(t, (uint32_t)lib, NR_OPENAT, TRACE_OBJ_PATH, 0, flags,
					path, path, 1), 0);
}

static const struct policy_objs *objs_of(const struct policy *p, const char *path)
{
	for (size_t i = 0; i < p->nlibs; i++)
		if (!strcmp(p->libs[i].path, path))
			return &p->libs[i].objs;
	fail_msg("no library %s", path);
	return NULL;
}

static const struct policy_path *find(const struct policy_objs *o, const char *path)
{
	for (size_t i = 0; i < o->npaths; i++)
		if (!strcmp(o->paths[i].path, path))
			return &o->paths[i];
	return NULL;
}

static void test_generalise(void **state)
{
	int exe, lib;
	struct trace *t = sample(&exe, &lib);
	struct policy *p = NULL;
	char err[256];
	const struct policy_objs *o;
	const struct policy_path *pp;

	(void)state;
	/* system locations */
	add_open(t, exe, "/usr/lib/x86_64-linux-gnu/libssl.so.3", O_RDONLY_);
	add_open(t, exe, "/usr/share/zoneinfo/UTC", O_RDONLY_);
	add_open(t, exe, "/proc/self/status", O_RDONLY_);
	add_open(t, exe, "/proc/4242/stat", O_RDONLY_);
	add_open(t, exe, "/dev/null", O_WRONLY_CREAT_TRUNC);
	/* a data directory the program creates files in */
	add_open(t, lib, "/var/lib/app/data.db", 02 | 0100);
	add_open(t, lib, "/var/lib/app/journal", O_WRONLY_CREAT_TRUNC);
	/* per-run names: a pid, a mkstemp suffix, a rotated log */
	add_open(t, exe, "/run/app.12345.pid", O_WRONLY_CREAT_TRUNC);
	add_open(t, exe, "/var/log/app/access.log.1", O_RDONLY_);
	add_open(t, exe, "/var/spool/x/tmpk3j9x2la", O_RDONLY_);
	/* read-only files, three in one directory */
	add_open(t, exe, "/etc/app/a.conf", O_RDONLY_);
	add_open(t, exe, "/etc/app/b.conf", O_RDONLY_);
	add_open(t, exe, "/etc/app/c.conf", O_RDONLY_);
	add_open(t, exe, "/etc/hostname", O_RDONLY_);
	assert_int_equal(trace__add_obj(t, (uint32_t)exe, NR_EXECVE, TRACE_OBJ_PATH, 0, 0,
					"/usr/bin/helper", "helper", 1), 0);
	assert_int_equal(trace__add_obj(t, (uint32_t)lib, NR_UNLINK, TRACE_OBJ_PATH, 0, 0,
					"/srv/q/item", "item", 1), 0);
	/* ports: bind 8080 on any address, connect 5432 on loopback */
	assert_int_equal(trace__add_obj(t, (uint32_t)exe, NR_BIND, TRACE_OBJ_INET, 0,
					(2u << 24) | (2u << 16) | 8080, NULL, NULL, 1), 0);
	assert_int_equal(trace__add_obj(t, (uint32_t)lib, NR_CONNECT, TRACE_OBJ_INET, 0,
					(10u << 24) | (1u << 16) | 5432, NULL, NULL, 1), 0);
	/* unresolved relative path: counted */
	assert_int_equal(trace__add_obj(t, (uint32_t)exe, NR_OPENAT, TRACE_OBJ_PATH, 0, 0, NULL,
					"rel", 1), 0);

	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), 0);
	o = objs_of(p, "/usr/sbin/app");
	pp = find(o, "/usr/lib/**");
	assert_non_null(pp);
	assert_int_equal(pp->access, OBJ_READ);
	assert_string_equal(pp->inferred, "system");
	assert_non_null(find(o, "/usr/share/**"));
	pp = find(o, "/proc/self/**");
	assert_non_null(pp);
	assert_null(find(o, "/proc/4242/stat"));
	pp = find(o, "/dev/null");
	assert_non_null(pp);
	assert_null(pp->inferred);
	assert_int_equal(pp->access, OBJ_WRITE | OBJ_TRUNCATE);
	assert_null(find(o, "/dev")); /* O_CREAT on a device creates nothing */
	pp = find(o, "/run/app.*.pid");
	assert_non_null(pp);
	assert_string_equal(pp->inferred, "per-run-name");
	assert_non_null(find(o, "/var/log/app/access.log.*"));
	assert_non_null(find(o, "/var/spool/x/tmp*"));
	pp = find(o, "/etc/app/**");
	assert_non_null(pp);
	assert_string_equal(pp->inferred, "directory");
	assert_int_equal(pp->access, OBJ_READ);
	pp = find(o, "/etc/hostname");
	assert_non_null(pp);
	assert_null(pp->inferred);
	pp = find(o, "/usr/bin/helper");
	assert_non_null(pp);
	assert_int_equal(pp->access, OBJ_EXEC | OBJ_READ);
	assert_int_equal(o->nports, 1);
	assert_int_equal(o->ports[0].port, 8080);
	assert_int_equal(o->ports[0].access, PORT_BIND);
	assert_int_equal(o->ports[0].addrs, ADDR_ANY);
	assert_int_equal(o->unresolved, 1);

	o = objs_of(p, "/usr/lib/libw.so");
	pp = find(o, "/var/lib/app/**");
	assert_non_null(pp);
	/* it makes files there: it may make directories there (inferred) */
	assert_int_equal(pp->access, OBJ_READ | OBJ_WRITE | OBJ_TRUNCATE | OBJ_MKFILE | OBJ_MKDIR);
	assert_string_equal(pp->inferred, "directory");
	pp = find(o, "/srv/q");
	assert_non_null(pp);
	assert_int_equal(pp->access, OBJ_RMFILE);
	assert_int_equal(o->nports, 1);
	assert_int_equal(o->ports[0].access, PORT_CONNECT);
	assert_int_equal(o->ports[0].addrs, ADDR_LOOPBACK);

	/* score and show --json cover paths and ports (the union: the floor) */
	{
		struct score_report *r = NULL;
		char *j;

		assert_int_equal(score__policy(p, &r), 0);
		assert_int_equal(r->floor.nports, 2);
		assert_int_equal(r->floor.nbind, 1);
		assert_int_equal(r->floor.nexec, 1);  /* /usr/bin/helper */
		/* /var/lib/app/ "**", /srv/q (remove-file), /run (make-file),
		 * /run/app.*.pid (a pattern: a rule on /run in the floor) */
		assert_int_equal(r->floor.nwritable_dirs, 4);
		assert_int_equal(r->floor.nlog, 0);
		score__free(r);
		j = show__to_json(p);
		assert_non_null(j);
		if (!strstr(j, "\"path\":\t\"/var/lib/app/**\"") ||
		    !strstr(j, "\"writableDirectory\":\ttrue") || !strstr(j, "\"floor\":") ||
		    !strstr(j, "\"port\":\t8080"))
			fail_msg("show --json lacks paths or ports:\n%s", j);
		free(j);
	}
	/* the union, and the JSON round trip (floor written, ignored on load) */
	{
		struct policy_objs u;
		struct policy *q = NULL;
		char *a, *b;

		assert_int_equal(objects__union(p, &u), 0);
		assert_non_null(find(&u, "/var/lib/app/**"));
		assert_non_null(find(&u, "/etc/hostname"));
		assert_int_equal(u.nports, 2);
		objects__free(&u);
		a = policy__to_json(p);
		assert_non_null(a);
		assert_non_null(strstr(a, "\"floor\": {"));
		assert_int_equal(policy__parse(a, strlen(a), "mem", &q, err, sizeof(err)), 0);
		b = policy__to_json(q);
		assert_non_null(b);
		assert_string_equal(a, b);
		free(a);
		free(b);
		policy__free(q);
	}
	policy__free(p);

	/* level none: exact paths */
	{
		struct gen_opts g = { .level = GEN_LEVEL_NONE };

		assert_int_equal(policy__from_trace_opts(t, &g, &p, err, sizeof(err)), 0);
		o = objs_of(p, "/usr/sbin/app");
		assert_non_null(find(o, "/etc/app/a.conf"));
		assert_null(find(o, "/etc/app/**"));
		policy__free(p);
	}
	trace__free(t);
}

static void test_rename_and_dirs(void **state)
{
	int exe, lib;
	struct trace *t = sample(&exe, &lib);
	struct policy *p = NULL;
	char err[256];
	const struct policy_path *pp;

	(void)state;
	/* rename temp-<pid>.rdb -> dump.rdb in a shallow directory */
	assert_int_equal(trace__add_obj(t, (uint32_t)exe, NR_RENAME, TRACE_OBJ_PATH, 0, 0,
					"/data/temp-12345.rdb", "temp-12345.rdb", 1), 0);
	assert_int_equal(trace__add_obj(t, (uint32_t)exe, NR_RENAME, TRACE_OBJ_PATH, 1, 0,
					"/data/dump.rdb", "dump.rdb", 1), 0);
	add_open(t, exe, "/data/temp-12345.rdb", O_WRONLY_CREAT_TRUNC);
	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), 0);
	/* depth 1: /data as a whole is not made writable; a per-run file name instead */
	pp = find(objs_of(p, "/usr/sbin/app"), "/data/temp-*.rdb");
	assert_non_null(pp);
	assert_int_equal(pp->access, OBJ_WRITE | OBJ_TRUNCATE);
	pp = find(objs_of(p, "/usr/sbin/app"), "/data");
	assert_non_null(pp);
	assert_int_equal(pp->access, OBJ_MKFILE | OBJ_RMFILE | OBJ_REFER);
	policy__free(p);
	trace__free(t);
}

/* A data directory as PostgreSQL uses it (cwd-relative names resolved by
 * the tracer): per-run names beneath (base/16384/1259) do not stop the
 * directory rule, which takes the access of everything beneath and, since
 * the unit makes and removes files there, making and removing
 * directories: the spill directory base/pgsql_tmp a large sort makes
 * (the matrix's `postgres big` row) is covered.  Not at level none. */
static void test_data_directory(void **state)
{
	int exe, lib;
	struct trace *t = sample(&exe, &lib);
	struct policy *p = NULL;
	char err[256];
	const struct policy_path *pp;
	const uint32_t rw = 02 | 0100; /* O_RDWR|O_CREAT */

	(void)state;
	add_open(t, exe, "/var/lib/pg/15/main/postmaster.pid", rw);
	add_open(t, exe, "/var/lib/pg/15/main/PG_VERSION", O_RDONLY_);
	add_open(t, exe, "/var/lib/pg/15/main/base/16384/1259", rw);
	add_open(t, exe, "/var/lib/pg/15/main/base", O_RDONLY_ | 0200000);
	assert_int_equal(trace__add_obj(t, (uint32_t)exe, NR_UNLINK, TRACE_OBJ_PATH, 0, 0,
					"/var/lib/pg/15/main/postmaster.pid", "postmaster.pid",
					1), 0);
	/* shared memory: a shared directory never becomes DIR/ "**" */
	add_open(t, lib, "/dev/shm/PostgreSQL.1804289383", rw);
	assert_int_equal(trace__add_obj(t, (uint32_t)lib, NR_UNLINK, TRACE_OBJ_PATH, 0, 0,
					"/dev/shm/PostgreSQL.1804289383", "x", 1), 0);
	assert_int_equal(policy__from_trace(t, &p, err, sizeof(err)), 0);
	assert_null(find(objs_of(p, "/usr/lib/libw.so"), "/dev/shm/**"));
	assert_non_null(find(objs_of(p, "/usr/lib/libw.so"), "/dev/shm/PostgreSQL.*"));
	pp = find(objs_of(p, "/usr/sbin/app"), "/var/lib/pg/*/main/**");
	assert_non_null(pp);
	assert_string_equal(pp->inferred, "directory");
	assert_int_equal(pp->access, OBJ_READ | OBJ_WRITE | OBJ_LIST | OBJ_MKFILE | OBJ_RMFILE |
					     OBJ_MKDIR | OBJ_RMDIR);
	assert_true(objects__covers(pp->path, "/var/lib/pg/15/main/base/pgsql_tmp"));
	assert_int_equal(objs_of(p, "/usr/sbin/app")->npaths, 1);
	policy__free(p);
	{
		struct gen_opts g = { .level = GEN_LEVEL_NONE };

		assert_int_equal(policy__from_trace_opts(t, &g, &p, err, sizeof(err)), 0);
		pp = find(objs_of(p, "/usr/sbin/app"), "/var/lib/pg/15/main/base/16384");
		assert_non_null(pp);
		assert_int_equal(pp->access, OBJ_MKFILE);
		for (size_t i = 0; i < objs_of(p, "/usr/sbin/app")->npaths; i++)
			assert_false(objs_of(p, "/usr/sbin/app")->paths[i].access & OBJ_MKDIR);
		policy__free(p);
	}
	trace__free(t);
}

/* Path checks (enforce, detection): the access a call needs that a
 * library's rules do not grant, read as the floor reads them. */
static void test_missing(void **state)
{
	struct policy_objs o = {};
	uint32_t self, dir;

	(void)state;
	assert_int_equal(objects__add_path(&o, "/srv/data/**", OBJ_READ | OBJ_WRITE | OBJ_MKFILE |
					   OBJ_RMFILE, "directory"), 0);
	assert_int_equal(objects__add_path(&o, "/run/app.*.pid", OBJ_WRITE, "per-run-name"), 0);
	assert_int_equal(objects__add_path(&o, "/var/spool/q", OBJ_MKFILE, NULL), 0);
	assert_int_equal(objects__add_path(&o, "/proc/self/**", OBJ_READ | OBJ_WRITE, "system"), 0);
	assert_int_equal(objects__add_baseline(&o), 0);
	/* openat(O_WRONLY|O_CREAT|O_TRUNC) in the data directory: the
	 * directory itself makes the file, write implies truncate */
	objects__call_access(NR_OPENAT, 0, O_WRONLY_CREAT_TRUNC, "/srv/data/x", &self, &dir);
	assert_int_equal(self, OBJ_WRITE | OBJ_TRUNCATE);
	assert_int_equal(dir, OBJ_MKFILE);
	assert_int_equal(objects__missing(&o, "/srv/data/x", self, dir), 0);
	assert_int_equal(objects__missing(&o, "/srv/data/sub/deep/x", self, dir), 0);
	/* beneath a plain directory rule (Landlock is hierarchical) */
	assert_int_equal(objects__missing(&o, "/var/spool/q/sub/f", 0, OBJ_MKFILE), 0);
	/* a per-run name: that pattern, not its neighbours */
	assert_int_equal(objects__missing(&o, "/run/app.4242.pid", OBJ_WRITE, 0), 0);
	assert_int_equal(objects__missing(&o, "/run/other.pid", OBJ_WRITE, 0), OBJ_WRITE);
	/* outside: what is missing */
	assert_int_equal(objects__missing(&o, "/srv/other/x", self, dir),
			 OBJ_WRITE | OBJ_TRUNCATE | OBJ_MKFILE);
	assert_int_equal(objects__missing(&o, "/srv/data/x", 0, OBJ_MKDIR), OBJ_MKDIR);
	/* /proc/PID is /proc/self; the baseline's /dev/null */
	assert_int_equal(objects__missing(&o, "/proc/4242/oom_score_adj", OBJ_WRITE, 0), 0);
	objects__call_access(NR_OPENAT, 0, O_WRONLY_CREAT_TRUNC, "/dev/null", &self, &dir);
	assert_int_equal(dir, 0); /* O_CREAT on a device creates nothing */
	assert_int_equal(objects__missing(&o, "/dev/null", self, dir), 0);
	/* the baseline's CPU count ([libc-alloc]: a new malloc arena), read
	 * only, and nothing else of /sys */
	assert_int_equal(objects__missing(&o, "/sys/devices/system/cpu/online", OBJ_READ, 0), 0);
	assert_int_equal(objects__missing(&o, "/sys/devices/system/cpu/online", OBJ_WRITE, 0),
			 OBJ_WRITE);
	assert_int_equal(objects__missing(&o, "/sys/devices/system/cpu/possible", OBJ_READ, 0),
			 OBJ_READ);
	objects__free(&o);
}

static void test_covers(void **state)
{
	(void)state;
	assert_true(objects__covers("/a/**", "/a/b/c"));
	assert_false(objects__covers("/a/**", "/ab/c"));
	assert_true(objects__covers("/a/x-*.log", "/a/x-1.log"));
	assert_false(objects__covers("/a/x-*.log", "/a/b/x-1.log"));
	assert_true(objects__covers("/proc/*/**", "/proc/12/stat"));
	assert_true(objects__covers("/**", "/etc/passwd"));
	assert_true(objects__covers("/etc/hostname", "/etc/hostname"));
	assert_false(objects__covers("/etc/hostname", "/etc/hostname2"));
}

static void test_trace_section(void **state)
{
	int exe, lib;
	struct trace *t = sample(&exe, &lib), *r = NULL;
	char path[256], err[256];

	(void)state;
	add_open(t, lib, "/var/lib/app/x", O_WRONLY_CREAT_APPEND);
	assert_int_equal(trace__add_obj(t, (uint32_t)exe, NR_BIND, TRACE_OBJ_INET, 0,
					(2u << 24) | 80, NULL, NULL, 3), 0);
	/* the per-unit cap counts what it drops */
	for (unsigned i = 0; i < TRACE_MAX_OBJS_PER_UNIT + 5; i++) {
		char pth[64];

		snprintf(pth, sizeof(pth), "/many/f%u", i);
		add_open(t, exe, pth, O_RDONLY_);
	}
	assert_int_equal(t->objs_over, 5); /* (exe, openat) keeps 512 */
	snprintf(path, sizeof(path), "%s/t.trace.zst", tmpdir);
	assert_int_equal(trace__write(t, path, err, sizeof(err)), 0);
	assert_int_equal(trace__read(path, &r, err, sizeof(err)), 0);
	assert_int_equal(r->nobjs, t->nobjs);
	assert_int_equal(r->objs_over, 5);
	{
		bool found = false;

		for (size_t i = 0; i < r->nobjs; i++)
			if (r->objs[i].path && !strcmp(r->objs[i].path, "/var/lib/app/x"))
				found = r->objs[i].aux == O_WRONLY_CREAT_APPEND &&
					!strcmp(r->libs[r->objs[i].lib].path, "/usr/lib/libw.so");
		assert_true(found);
	}
	/* merge sums counts */
	assert_int_equal(trace__merge(r, t), 0);
	for (size_t i = 0; i < r->nobjs; i++)
		if (r->objs[i].kind == TRACE_OBJ_INET)
			assert_int_equal(r->objs[i].count, 6);
	trace__free(r);
	trace__free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generalise),
		cmocka_unit_test(test_rename_and_dirs),
		cmocka_unit_test(test_data_directory),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_covers),
		cmocka_unit_test(test_trace_section),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
