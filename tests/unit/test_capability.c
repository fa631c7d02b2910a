/* test_capability.c - generalisation by capability (learner/capability.c):
 * the table resolves and respects the never-list, each row infers what it
 * says (and only for the unit it names), the never-list stays untouched at
 * standard, re-generalising is idempotent, merges are order-independent,
 * observed beats inferred, inferred rules round-trip through JSON byte for
 * byte, old policies still load, and docs/generalize.md holds the table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "argnames.h"
#include "capability.h"
#include "generalize.h"
#include "intersect.h"
#include "policy.h"
#include "policy_read.h"
#include "policy_write.h"
#include "syscalls.h"

#define LIB "/usr/lib/libx.so"

static int nr_of(const char *name)
{
	int nr = syscall__nr(name);

	assert_true(nr >= 0);
	return nr;
}

static struct policy *new_policy(void)
{
	struct policy *p = policy__new();

	assert_non_null(p);
	return p;
}

/* Observe name with argument values a0 (slot 0), a1 (slot 1). */
static void observe(struct policy *p, const char *lib, uint32_t kind,
		    const char *name, uint64_t a0, uint64_t a1)
{
	uint64_t arg[TRACE_NARGS] = { a0, a1 };
	int li = policy__add_lib(p, lib, NULL, kind);

	assert_true(li >= 0);
	assert_int_equal(policy__add_observation(p, (size_t)li,
						 (uint32_t)nr_of(name), 1, arg,
						 NULL), 0);
}

static const struct policy_lib *lib_of(const struct policy *p, const char *path)
{
	for (size_t i = 0; i < p->nlibs; i++)
		if (!strcmp(p->libs[i].path, path))
			return &p->libs[i];
	return NULL;
}

static const struct policy_syscall *sc_of(const struct policy *p,
					  const char *lib, const char *name)
{
	const struct policy_lib *l = lib_of(p, lib);
	int nr = nr_of(name);

	for (size_t k = 0; l && k < l->nsyscalls; k++)
		if (l->syscalls[k].nr == (uint32_t)nr)
			return &l->syscalls[k];
	return NULL;
}

static bool from_has(const struct policy_syscall *sc, const char *name)
{
	const char *v[64];
	size_t n = capability__from_names(sc, v, 64);

	for (size_t i = 0; i < n && i < 64; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

static char *json_of(const struct policy *p)
{
	char *j = policy__to_json(p);

	assert_non_null(j);
	return j;
}

static void test_table_valid(void **state)
{
	char err[512] = "";
	size_t n;

	(void)state;
	assert_int_equal(capability__check_table(err, sizeof(err)), 0);
	assert_true(capability__rows(&n) && n > 10);
	assert_true(capability__never(&n) && n > 5);
}

static void test_levels(void **state)
{
	enum gen_level l;

	(void)state;
	assert_int_equal(capability__parse_level("none", &l), 0);
	assert_int_equal(l, GEN_LEVEL_NONE);
	assert_int_equal(capability__parse_level("standard", &l), 0);
	assert_int_equal(l, GEN_LEVEL_STANDARD);
	assert_int_equal(capability__parse_level("broad", &l), 0);
	assert_int_equal(l, GEN_LEVEL_BROAD);
	assert_int_equal(capability__parse_level("wide", &l), -EINVAL);
	assert_string_equal(capability__level_name(GEN_LEVEL_DEFAULT), "standard");
}

/* Split a spec into its first token's name (no condition) list. */
static size_t spec_names(const char *spec, char names[][32], size_t cap)
{
	size_t n = 0;
	const char *s = spec;

	while (*s && n < cap) {
		size_t len;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		len = strcspn(s, " (");
		snprintf(names[n++], 32, "%.*s", (int)len, s);
		s += len;
		if (*s == '(')
			s += strcspn(s, ")") + 1;
	}
	return n;
}

/* Every row: a unit that makes the row's first trigger (with its
 * condition's first value) gets every implied call, inferred from it;
 * the same unit at the level below the row's gets none of them unless
 * another row gives it. */
static void test_each_row(void **state)
{
	size_t nrows;
	const struct cap_row *rows = capability__rows(&nrows);

	(void)state;
	for (size_t i = 0; i < nrows; i++) {
		const struct cap_row *r = &rows[i];
		char trig[48][32], imp[48][32];
		size_t nt = spec_names(r->trigger, trig, 48);
		size_t ni = spec_names(r->implies, imp, 48);
		const char *unit = r->unit ? r->unit : LIB;
		uint32_t kind = r->unit ? LIB_KIND_BUCKET : LIB_KIND_LIBRARY;
		const char *first = strcmp(trig[0], "*") ? trig[0] : "getcwd";
		uint64_t a0 = 0;
		struct policy *p = new_policy();

		assert_true(nt > 0 && ni > 0);
		/* a condition on the first trigger: use its first value */
		if (r->trigger[strlen(trig[0])] == '(') {
			char v[64];
			const struct sf_argslot *sl = gen__slot((uint32_t)nr_of(first), 0);

			snprintf(v, sizeof(v), "%.*s",
				 (int)strcspn(r->trigger + strlen(trig[0]) + 1, ",)"),
				 r->trigger + strlen(trig[0]) + 1);
			assert_non_null(sl);
			assert_int_equal(argname__parse(sl->sym, v, &a0), 0);
		}
		observe(p, unit, kind, first, a0, 0);
		assert_int_equal(capability__generalize(p, r->level), 0);
		for (size_t k = 0; k < ni; k++) {
			const struct policy_syscall *sc = sc_of(p, unit, imp[k]);

			if (!sc)
				fail_msg("row %s: %s not inferred from %s", r->name,
					 imp[k], first);
			if (!strcmp(imp[k], first)) {
				/* other values of the trigger's own call: an
				 * inferred part next to the observed one */
				char tok[40];

				snprintf(tok, sizeof(tok), "%s(", first);
				if (!sc->inferred && strstr(r->implies, tok) &&
				    (strstr(r->implies, tok) == r->implies ||
				     strstr(r->implies, tok)[-1] == ' '))
					fail_msg("row %s: %s gained no inferred part",
						 r->name, imp[k]);
				continue;
			}
			if (!sc->inferred)
				fail_msg("row %s: %s not marked inferred", r->name,
					 imp[k]);
			if (!from_has(sc, strcmp(trig[0], "*") ? first : "*"))
				fail_msg("row %s: %s not inferred from %s", r->name,
					 imp[k], first);
		}
		/* generalize none adds nothing */
		{
			struct policy *q = new_policy();

			observe(q, unit, kind, first, a0, 0);
			assert_int_equal(capability__generalize(q, GEN_LEVEL_NONE), 0);
			assert_int_equal(lib_of(q, unit)->nsyscalls, 1);
			policy__free(q);
		}
		/* a bucket row does not fire for another bucket */
		if (r->unit && !strcmp(trig[0], "*")) {
			struct policy *q = new_policy();

			observe(q, "[other-bucket]", LIB_KIND_BUCKET, "getcwd", 0, 0);
			assert_int_equal(capability__generalize(q, r->level), 0);
			for (size_t k = 0; k < ni; k++)
				if (strcmp(imp[k], "exit") && strcmp(imp[k], "exit_group") &&
				    sc_of(q, "[other-bucket]", imp[k]))
					fail_msg("row %s fired for another bucket (%s)",
						 r->name, imp[k]);
			policy__free(q);
		}
		policy__free(p);
	}
}

/* Specific rules: W^X on inferred memory calls, TCGETS only, read-only
 * locale opens, the thread trigger's condition. */
static void test_row_conditions(void **state)
{
	struct policy *p = new_policy();
	const struct policy_syscall *sc;

	(void)state;
	observe(p, LIB, LIB_KIND_LIBRARY, "brk", 0, 0);
	observe(p, LIB, LIB_KIND_LIBRARY, "write", 0, 0);
	observe(p, LIB, LIB_KIND_LIBRARY, "clone", 0x11 /* fork: SIGCHLD */, 0);
	observe(p, "[libc-locale]", LIB_KIND_BUCKET, "read", 0, 0);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	sc = sc_of(p, LIB, "mmap");
	assert_non_null(sc);
	assert_true(sc->inferred && !sc->observed);
	assert_int_equal(sc->nargs, 1);
	assert_int_equal(sc->arg[0].allowed, PROT_READ | PROT_WRITE);
	sc = sc_of(p, LIB, "mprotect");
	assert_non_null(sc);
	assert_int_equal(sc->arg[0].allowed & PROT_EXEC, 0);
	sc = sc_of(p, LIB, "ioctl");
	assert_non_null(sc);
	assert_int_equal(sc->arg[0].nvalues, 2);
	assert_int_equal(sc->arg[0].values[0], 0x5401); /* TCGETS */
	assert_int_equal(sc->arg[0].values[1], 0x5413); /* TIOCGWINSZ */
	/* unconditional where nothing is recorded: writev */
	sc = sc_of(p, LIB, "writev");
	assert_non_null(sc);
	assert_int_equal(sc->nargs, 0);
	assert_true(from_has(sc, "write"));
	/* fork is not thread creation: futex comes only from "locks" (every
	 * unit), not from "threads" */
	sc = sc_of(p, LIB, "futex");
	assert_non_null(sc);
	assert_true(sc->inferred && sc->from_any);
	assert_false(from_has(sc, "fork"));
	/* ...but children are reaped */
	assert_non_null(sc_of(p, LIB, "wait4"));
	sc = sc_of(p, "[libc-locale]", "openat");
	assert_non_null(sc);
	assert_int_equal(sc->arg[0].allowed, 0); /* O_RDONLY only */
	policy__free(p);

	p = new_policy();
	observe(p, LIB, LIB_KIND_LIBRARY, "clone", 0x10000 | 0x100 /* THREAD|VM */, 0);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	sc = sc_of(p, LIB, "futex");
	assert_non_null(sc);
	assert_true(sc->inferred);
	assert_int_equal(sc->arg[0].nvalues, 7); /* the non-PI family */
	policy__free(p);
}

static bool has_value(const struct policy_syscall *sc, uint64_t v)
{
	for (size_t i = 0; i < sc->arg[0].nvalues; i++)
		if (sc->arg[0].values[i] == v)
			return true;
	return false;
}

/* What git gc made that learning never saw (the matrix row 'git mix'):
 * dup2 on a pipe, rmdir of an emptied directory, a raised
 * RLIMIT_NOFILE, [libc-alloc] counting CPUs.  Each inferred rule is as
 * narrow as the row says, and needs its trigger. */
static void test_git_gc_rows(void **state)
{
	struct policy *p = new_policy();
	const struct policy_syscall *sc;

	(void)state;
	observe(p, "/usr/lib/libfd.so", LIB_KIND_LIBRARY, "pipe2", 0, 0);
	observe(p, "/usr/lib/librm.so", LIB_KIND_LIBRARY, "unlink", 0, 0);
	observe(p, "/usr/lib/liblim.so", LIB_KIND_LIBRARY, "getrlimit", 7, 0);
	observe(p, "/usr/lib/libnone.so", LIB_KIND_LIBRARY, "getcwd", 0, 0);
	observe(p, "[libc-alloc]", LIB_KIND_BUCKET, "brk", 0, 0);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	/* descriptors duplicated: dup2, and fcntl only as F_DUPFD(_CLOEXEC) */
	sc = sc_of(p, "/usr/lib/libfd.so", "dup2");
	assert_non_null(sc);
	assert_true(sc->inferred && from_has(sc, "pipe2"));
	sc = sc_of(p, "/usr/lib/libfd.so", "fcntl");
	assert_non_null(sc);
	assert_int_equal(sc->arg[0].nvalues, 2);
	assert_true(has_value(sc, 0 /* F_DUPFD */) && has_value(sc, 1030 /* F_DUPFD_CLOEXEC */));
	assert_false(has_value(sc, 8 /* F_SETOWN */));
	assert_null(sc_of(p, "/usr/lib/libnone.so", "dup2"));
	/* rmdir where files are removed; never unlinkat (files too) nor rename */
	sc = sc_of(p, "/usr/lib/librm.so", "rmdir");
	assert_non_null(sc);
	assert_true(sc->inferred && from_has(sc, "unlink"));
	assert_null(sc_of(p, "/usr/lib/librm.so", "unlinkat"));
	assert_null(sc_of(p, "/usr/lib/librm.so", "rename"));
	assert_null(sc_of(p, "/usr/lib/libfd.so", "rmdir"));
	/* RLIMIT_NOFILE only, for a unit that reads its limits */
	sc = sc_of(p, "/usr/lib/liblim.so", "prlimit64");
	assert_non_null(sc);
	assert_int_equal(sc->arg[0].nvalues, 1);
	assert_int_equal(sc->arg[0].values[0], 7); /* RLIMIT_NOFILE */
	sc = sc_of(p, "/usr/lib/liblim.so", "setrlimit");
	assert_non_null(sc);
	assert_int_equal(sc->arg[0].nvalues, 1);
	assert_int_equal(sc->arg[0].values[0], 7);
	assert_null(sc_of(p, "/usr/lib/libnone.so", "prlimit64"));
	/* ...or makes descriptors (the limit is on how many it holds) */
	sc = sc_of(p, "/usr/lib/libfd.so", "prlimit64");
	assert_non_null(sc);
	assert_int_equal(sc->arg[0].nvalues, 1);
	assert_true(from_has(sc, "pipe2"));
	/* a unit that creates files may draw a temporary name's randomness */
	observe(p, "/usr/lib/libtmp.so", LIB_KIND_LIBRARY, "openat", 0300 /* O_CREAT|O_EXCL */, 0);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	sc = sc_of(p, "/usr/lib/libtmp.so", "getrandom");
	assert_non_null(sc);
	assert_true(sc->inferred && from_has(sc, "openat"));
	assert_null(sc_of(p, "/usr/lib/libnone.so", "getrandom"));
	/* the allocator bucket opens read-only (its path: the baseline) */
	sc = sc_of(p, "[libc-alloc]", "openat");
	assert_non_null(sc);
	assert_int_equal(sc->arg[0].allowed, 0); /* O_RDONLY only */
	assert_non_null(sc_of(p, "[libc-alloc]", "read"));
	assert_non_null(sc_of(p, "[libc-alloc]", "close"));
	assert_null(sc_of(p, "[libc-alloc]", "write"));
	policy__free(p);
	/* none: nothing of it */
	p = new_policy();
	observe(p, "/usr/lib/libfd.so", LIB_KIND_LIBRARY, "pipe2", 0, 0);
	observe(p, "/usr/lib/librm.so", LIB_KIND_LIBRARY, "unlink", 0, 0);
	observe(p, "/usr/lib/libtmp.so", LIB_KIND_LIBRARY, "openat", 0300, 0);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_NONE), 0);
	assert_null(sc_of(p, "/usr/lib/libtmp.so", "getrandom"));
	assert_null(sc_of(p, "/usr/lib/libfd.so", "dup2"));
	assert_null(sc_of(p, "/usr/lib/librm.so", "rmdir"));
	policy__free(p);
}

/* What the hunt for false kills found (matrix rows sqlite3 wal,
 * memcached crawler, nginx post, python3 argparse): a unit that takes
 * record locks tests them (F_GETLK, not F_SETLKW), a unit that opens
 * files maps them without PROT_EXEC, a reader asks FIONREAD, a unit that
 * reads or writes descriptors may poll them and ask a terminal's width.
 * Each needs its trigger. */
static void test_hunt_rows(void **state)
{
	struct policy *p = new_policy();
	const struct policy_syscall *sc;

	(void)state;
	observe(p, "/usr/lib/liblk.so", LIB_KIND_LIBRARY, "fcntl", 6 /* F_SETLK */, 0);
	observe(p, "/usr/lib/libop.so", LIB_KIND_LIBRARY, "openat", 02 /* O_RDWR */, 0);
	observe(p, "/usr/lib/librd.so", LIB_KIND_LIBRARY, "recvfrom", 0, 0);
	observe(p, "/usr/lib/libwr.so", LIB_KIND_LIBRARY, "write", 0, 0);
	observe(p, "/usr/lib/libnone.so", LIB_KIND_LIBRARY, "getcwd", 0, 0);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	/* record-locks: the test, only */
	sc = sc_of(p, "/usr/lib/liblk.so", "fcntl");
	assert_non_null(sc);
	assert_true(sc->inferred && sc->observed);
	assert_true(has_value(sc, 5 /* F_GETLK */) && has_value(sc, 36 /* F_OFD_GETLK */));
	assert_false(has_value(sc, 7 /* F_SETLKW */));
	assert_false(has_value(sc, 1024 /* F_SETLEASE */));
	sc = sc_of(p, "/usr/lib/libop.so", "fcntl");
	assert_true(sc == NULL || !has_value(sc, 5 /* F_GETLK */));
	/* file-map: read/write mappings, never PROT_EXEC */
	sc = sc_of(p, "/usr/lib/libop.so", "mmap");
	assert_non_null(sc);
	assert_true(sc->inferred && from_has(sc, "openat"));
	assert_int_equal(sc->nargs, 1);
	assert_int_equal(sc->arg[0].allowed, PROT_READ | PROT_WRITE);
	assert_non_null(sc_of(p, "/usr/lib/libop.so", "munmap"));
	assert_null(sc_of(p, "/usr/lib/libnone.so", "mmap"));
	/* readable: FIONREAD for a reader, not for a writer */
	sc = sc_of(p, "/usr/lib/librd.so", "ioctl");
	assert_non_null(sc);
	assert_true(has_value(sc, 0x541B /* FIONREAD */));
	sc = sc_of(p, "/usr/lib/libwr.so", "ioctl");
	assert_non_null(sc);
	assert_false(has_value(sc, 0x541B));
	/* ...the writer asks a terminal's width (stdio-probe) */
	assert_true(has_value(sc, 0x5413 /* TIOCGWINSZ */));
	assert_false(has_value(sc, 0x5412 /* TIOCSTI */));
	/* wait: poll for units doing descriptor I/O */
	sc = sc_of(p, "/usr/lib/libwr.so", "poll");
	assert_non_null(sc);
	assert_true(sc->inferred && from_has(sc, "write"));
	assert_non_null(sc_of(p, "/usr/lib/librd.so", "ppoll"));
	assert_null(sc_of(p, "/usr/lib/libnone.so", "poll"));
	assert_null(sc_of(p, "/usr/lib/liblk.so", "poll"));
	policy__free(p);
	/* none: nothing of it */
	p = new_policy();
	observe(p, "/usr/lib/liblk.so", LIB_KIND_LIBRARY, "fcntl", 6, 0);
	observe(p, "/usr/lib/libwr.so", LIB_KIND_LIBRARY, "write", 0, 0);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_NONE), 0);
	sc = sc_of(p, "/usr/lib/liblk.so", "fcntl");
	assert_false(has_value(sc, 5));
	assert_null(sc_of(p, "/usr/lib/libwr.so", "poll"));
	policy__free(p);
}

/* A policy learned with runtime buckets gets the runtime buckets' fixed
 * baselines even for buckets the sample never reached (another LANG puts
 * locale loading in [libc-locale]); an older policy does not. */
static void test_runtime_bucket_baselines(void **state)
{
	static const char *const b[] = {
		"[libc-alloc]", "[libc-stdio]", "[libc-locale]", "[libc-runtime]",
	};
	struct policy *p = new_policy(), *q = new_policy();
	char *a, *c;

	(void)state;
	observe(p, LIB, LIB_KIND_LIBRARY, "read", 0, 0);
	observe(q, LIB, LIB_KIND_LIBRARY, "read", 0, 0);
	p->runtime_buckets = true;
	assert_int_equal(capability__generalize(p, GEN_LEVEL_NONE), 0);
	assert_null(lib_of(p, "[libc-locale]"));
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	assert_int_equal(capability__generalize(q, GEN_LEVEL_STANDARD), 0);
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		const struct policy_lib *l = lib_of(p, b[i]);

		if (!l || !l->nsyscalls)
			fail_msg("%s: no baseline", b[i]);
		for (size_t k = 0; k < l->nsyscalls; k++)
			assert_true(l->syscalls[k].inferred && !l->syscalls[k].observed);
		assert_null(lib_of(q, b[i]));
	}
	assert_non_null(sc_of(p, "[libc-locale]", "openat"));
	assert_int_equal(sc_of(p, "[libc-locale]", "openat")->arg[0].allowed, 0);
	/* canonical and idempotent */
	a = json_of(p);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	c = json_of(p);
	assert_string_equal(a, c);
	free(a);
	free(c);
	policy__free(p);
	policy__free(q);
}

static struct cap_imports imports_of(char **names, size_t n)
{
	return (struct cap_imports){ .names = names, .n = n }; /* sorted by the caller */
}

/* [libc-thread]'s baseline comes with an import of pthread_create (or
 * from the bucket's own observed calls), never from nothing: a process
 * that cannot start threads gets no clone3.  Its mmap/mprotect never
 * allow PROT_EXEC. */
static void test_thread_bucket(void **state)
{
	char *thr[] = { "pthread_create", "write" }, *none[] = { "write" };
	struct cap_imports with = imports_of(thr, 2), without = imports_of(none, 1);
	struct policy *p;
	const struct policy_syscall *sc;

	(void)state;
	for (int pass = 0; pass < 3; pass++) {
		p = new_policy();
		observe(p, LIB, LIB_KIND_EXECUTABLE, "read", 0, 0);
		p->runtime_buckets = true;
		assert_int_equal(capability__generalize_with(p, GEN_LEVEL_STANDARD,
							     pass == 0 ? &with
							     : pass == 1 ? &without : NULL), 0);
		if (pass) {
			assert_null(lib_of(p, "[libc-thread]"));
			assert_non_null(lib_of(p, "[libc-alloc]"));
			policy__free(p);
			continue;
		}
		sc = sc_of(p, "[libc-thread]", "clone3");
		assert_non_null(sc);
		/* exactly glibc's thread flags: one value, CLONE_THREAD and
		 * CLONE_VM in it */
		assert_int_equal(sc->arg[0].kind, SF_ARGK_ENUM);
		assert_int_equal(sc->arg[0].nvalues, 1);
		assert_int_equal(sc->arg[0].values[0], 0x3d0f00);
		assert_non_null(sc_of(p, "[libc-thread]", "rt_sigprocmask"));
		sc = sc_of(p, "[libc-thread]", "mmap");
		assert_non_null(sc);
		assert_int_equal(sc->arg[0].allowed & PROT_EXEC, 0);
		sc = sc_of(p, "[libc-thread]", "mprotect");
		assert_non_null(sc);
		assert_int_equal(sc->arg[0].allowed & PROT_EXEC, 0);
		assert_null(sc_of(p, "[libc-thread]", "clone"));
		assert_null(sc_of(p, "[libc-thread]", "execve"));
		/* the executable itself gets nothing of it */
		assert_null(sc_of(p, LIB, "clone3"));
		policy__free(p);
	}
	/* seen while learning: its baseline, imports unknown */
	p = new_policy();
	observe(p, LIB, LIB_KIND_EXECUTABLE, "read", 0, 0);
	observe(p, "[libc-thread]", LIB_KIND_BUCKET, "clone3", 0, 0);
	p->runtime_buckets = true;
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	assert_non_null(sc_of(p, "[libc-thread]", "munmap"));
	assert_true(sc_of(p, "[libc-thread]", "munmap")->inferred);
	policy__free(p);
}

/* The reach table: an implied call of the table is inferred for an
 * executable or library only when the process imports a function that
 * makes it; with the imports unknown, as before; observed rules stay. */
static void test_reach(void **state)
{
	char *w[] = { "write" }, *wv[] = { "write", "writev" };
	struct cap_imports only_write = imports_of(w, 1), with_writev = imports_of(wv, 2);
	struct policy *p = new_policy(), *q = new_policy(), *r = new_policy();
	size_t n;
	const struct cap_reach *t = capability__reach(&n);

	(void)state;
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++)
		assert_true(nr_of(t[i].syscall) >= 0);
	observe(p, LIB, LIB_KIND_LIBRARY, "write", 0, 0);
	observe(p, LIB, LIB_KIND_LIBRARY, "pwritev2", 0, 0);
	observe(q, LIB, LIB_KIND_LIBRARY, "write", 0, 0);
	observe(r, LIB, LIB_KIND_LIBRARY, "write", 0, 0);
	assert_int_equal(capability__generalize_with(p, GEN_LEVEL_STANDARD, &only_write), 0);
	assert_int_equal(capability__generalize_with(q, GEN_LEVEL_STANDARD, &with_writev), 0);
	assert_int_equal(capability__generalize_with(r, GEN_LEVEL_STANDARD, NULL), 0);
	/* not in the table: inferred whatever the imports */
	assert_non_null(sc_of(p, LIB, "pwrite64"));
	assert_null(sc_of(p, LIB, "writev"));
	assert_null(sc_of(p, LIB, "pwritev"));
	/* observed: stays */
	assert_non_null(sc_of(p, LIB, "pwritev2"));
	assert_false(sc_of(p, LIB, "pwritev2")->inferred);
	assert_non_null(sc_of(q, LIB, "writev"));
	assert_null(sc_of(q, LIB, "pwritev2"));
	assert_non_null(sc_of(r, LIB, "writev"));
	assert_non_null(sc_of(r, LIB, "pwritev2"));
	assert_non_null(sc_of(r, LIB, "pwritev"));
	assert_true(capability__imports_has(&with_writev, "writev"));
	assert_false(capability__imports_has(&only_write, "writev"));
	assert_false(capability__imports_has(NULL, "writev"));
	/* an FFI can call anything by name */
	{
		char *ffi[] = { "ffi_call", "write" };
		struct cap_imports any = imports_of(ffi, 2);
		struct policy *f = new_policy();

		observe(f, LIB, LIB_KIND_LIBRARY, "write", 0, 0);
		f->runtime_buckets = true;
		assert_int_equal(capability__generalize_with(f, GEN_LEVEL_STANDARD, &any), 0);
		assert_non_null(sc_of(f, LIB, "pwritev2"));
		assert_non_null(lib_of(f, "[libc-thread]"));
		policy__free(f);
	}
	policy__free(p);
	policy__free(q);
	policy__free(r);
}

/* Two paths, one build-id (git's /usr/bin/git and git-core/git): one
 * compartment, at standard only; a path in another compartment keeps it;
 * other build-ids are left alone. */
static void test_same_build_id(void **state)
{
	struct policy *p = new_policy();
	const char *other[] = { "/usr/bin/c" };
	int c;

	(void)state;
	assert_true(policy__add_lib(p, "/usr/bin/a", "abcd", LIB_KIND_EXECUTABLE) >= 0);
	assert_true(policy__add_lib(p, "/usr/lib/a-core/a", "abcd", LIB_KIND_EXECUTABLE) >= 0);
	assert_true(policy__add_lib(p, "/usr/bin/b", "ef01", LIB_KIND_EXECUTABLE) >= 0);
	assert_true(policy__add_lib(p, "/usr/bin/c", "2345", LIB_KIND_EXECUTABLE) >= 0);
	assert_true(policy__add_lib(p, "/usr/lib/c2", "2345", LIB_KIND_EXECUTABLE) >= 0);
	assert_int_equal(policy__add_compartment(p, "mine", other, 1), 0);
	observe(p, "/usr/bin/a", LIB_KIND_EXECUTABLE, "rename", 0, 0);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_NONE), 0);
	assert_int_equal(policy__compartment_of(p, "/usr/bin/a"), -1);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	c = policy__compartment_of(p, "/usr/lib/a-core/a");
	assert_true(c >= 0);
	assert_string_equal(p->compartments[c].name, "build-id-abcd");
	assert_int_equal(policy__compartment_of(p, "/usr/bin/a"), c);
	assert_int_equal(p->compartments[c].nlibs, 2);
	assert_int_equal(policy__compartment_of(p, "/usr/bin/b"), -1);
	assert_int_equal(policy__compartment_of(p, "/usr/lib/c2"), -1);
	assert_string_equal(p->compartments[policy__compartment_of(p, "/usr/bin/c")].name, "mine");
	policy__free(p);
}

/* Signal return is charged to [libc-runtime]: a handler installed by any
 * unit gives the bucket rt_sigreturn (the bucket added when missing). */
static void test_sigreturn_in_runtime_bucket(void **state)
{
	struct policy *p = new_policy(), *q = new_policy();
	const struct policy_syscall *sc;

	(void)state;
	observe(p, "/usr/bin/app", LIB_KIND_EXECUTABLE, "rt_sigaction", 15, 0);
	observe(q, "/usr/bin/app", LIB_KIND_EXECUTABLE, "read", 0, 0);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	assert_int_equal(capability__generalize(q, GEN_LEVEL_STANDARD), 0);
	sc = sc_of(p, "[libc-runtime]", "rt_sigreturn");
	assert_true(sc && sc->inferred && from_has(sc, "rt_sigaction"));
	assert_non_null(sc_of(p, "/usr/bin/app", "rt_sigreturn"));
	assert_null(lib_of(q, "[libc-runtime]"));
	policy__free(p);
	policy__free(q);
}

/* A unit that makes everything a trigger can be: at standard, no call of
 * the never-list (except the ones it observed, unchanged) appears, and
 * no inferred mmap/mprotect allows PROT_EXEC. */
static void test_never_list(void **state)
{
	static const char *const trig[] = {
		"write", "read", "sendto", "recvfrom", "stat", "brk", "mmap",
		"rt_sigaction", "getpid", "clone3", "openat", "socket",
		"accept4", "epoll_wait", "nanosleep", "dup",
	};
	static const char *const never_names[] = {
		"execve", "execveat", "ptrace", "process_vm_readv",
		"process_vm_writev", "socket", "connect", "bind", "listen",
		"accept", "kill", "tkill", "tgkill", "pidfd_send_signal",
		"setuid", "setresuid", "capset", "init_module",
		"finit_module", "bpf", "mount", "keyctl", "memfd_create",
		"pkey_mprotect", "openat2", "creat", "chown", "prctl",
		"unshare", "setns", "io_uring_setup", "ptrace",
	};
	struct policy *p = new_policy();
	const struct policy_syscall *sc;

	(void)state;
	for (size_t i = 0; i < sizeof(trig) / sizeof(trig[0]); i++)
		observe(p, LIB, LIB_KIND_LIBRARY, trig[i],
			!strcmp(trig[i], "openat") ? 0 /* O_RDONLY */ :
			!strcmp(trig[i], "socket") ? 2 /* AF_INET */ :
			!strcmp(trig[i], "mmap") ? PROT_READ : 0,
			!strcmp(trig[i], "socket") ? 1 : 0);
	assert_int_equal(capability__generalize(p, GEN_LEVEL_STANDARD), 0);
	for (size_t i = 0; i < sizeof(never_names) / sizeof(never_names[0]); i++) {
		sc = sc_of(p, LIB, never_names[i]);
		if (sc && sc->inferred)
			fail_msg("%s was inferred at standard", never_names[i]);
		if (sc && strcmp(never_names[i], "socket"))
			fail_msg("%s appeared at standard", never_names[i]);
	}
	/* openat stays read-only exactly as observed */
	sc = sc_of(p, LIB, "openat");
	assert_non_null(sc);
	assert_false(sc->inferred);
	assert_int_equal(sc->arg[0].allowed, 0);
	/* observed mmap(PROT_READ) gains PROT_WRITE by inference, never EXEC */
	sc = sc_of(p, LIB, "mmap");
	assert_true(sc->inferred && sc->observed);
	assert_int_equal(sc->arg[0].allowed & PROT_EXEC, 0);
	sc = sc_of(p, LIB, "mprotect");
	assert_int_equal(sc->arg[0].allowed & PROT_EXEC, 0);
	/* broad opens accept next to accept4, still no socket/connect */
	assert_int_equal(capability__generalize(p, GEN_LEVEL_BROAD), 0);
	assert_non_null(sc_of(p, LIB, "accept"));
	assert_null(sc_of(p, LIB, "connect"));
	assert_null(sc_of(p, LIB, "execve"));
	policy__free(p);
}

static struct policy *sample(int variant)
{
	struct policy *p = new_policy();

	observe(p, LIB, LIB_KIND_LIBRARY, "write", 0, 0);
	observe(p, LIB, LIB_KIND_LIBRARY, "ioctl", 0x5421 /* FIONBIO */, 0);
	observe(p, LIB, LIB_KIND_LIBRARY, "mmap", PROT_READ | PROT_EXEC, 0);
	if (variant & 1)
		observe(p, LIB, LIB_KIND_LIBRARY, "writev", 0, 0);
	if (variant & 2)
		observe(p, LIB, LIB_KIND_LIBRARY, "rt_sigaction", 15, 0);
	if (variant & 4)
		observe(p, "/usr/bin/app", LIB_KIND_EXECUTABLE, "read", 0, 0);
	assert_int_equal(policy__canonicalize(p), 0);
	return p;
}

static void test_idempotent(void **state)
{
	(void)state;
	for (int lv = GEN_LEVEL_STANDARD; lv <= GEN_LEVEL_BROAD; lv++) {
		struct policy *p = sample(7);
		char *a, *b;

		assert_int_equal(capability__generalize(p, (enum gen_level)lv), 0);
		a = json_of(p);
		assert_int_equal(capability__generalize(p, (enum gen_level)lv), 0);
		b = json_of(p);
		assert_string_equal(a, b);
		/* a lower level does not remove anything either */
		assert_int_equal(capability__generalize(p, GEN_LEVEL_NONE), 0);
		free(b);
		b = json_of(p);
		assert_string_equal(a, b);
		free(a);
		free(b);
		policy__free(p);
	}
}

/* merge(gen(A), gen(B)) in every order, with and without a final
 * re-generalisation, gives the same bytes. */
static void test_merge_order(void **state)
{
	char *ref = NULL;
	static const int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 },
		{ 2, 1, 0 },
	};

	(void)state;
	for (int o = 0; o < 6; o++) {
		struct policy *in[3], *acc = new_policy();
		char *j;

		in[0] = sample(0);             /* write, FIONBIO, mmap R|X */
		in[1] = sample(1 | 2);         /* + writev observed */
		in[2] = sample(4);
		assert_int_equal(capability__generalize(in[0], GEN_LEVEL_STANDARD), 0);
		assert_int_equal(capability__generalize(in[2], GEN_LEVEL_BROAD), 0);
		for (int k = 0; k < 3; k++)
			assert_int_equal(policy__merge(acc, in[orders[o][k]]), 0);
		j = json_of(acc);
		if (!ref)
			ref = j;
		else {
			assert_string_equal(ref, j);
			free(j);
		}
		for (int k = 0; k < 3; k++)
			policy__free(in[k]);
		policy__free(acc);
	}
	free(ref);
}

static void test_observed_beats_inferred(void **state)
{
	struct policy *a = sample(0), *b = sample(1);
	const struct policy_syscall *sc;

	(void)state;
	assert_int_equal(capability__generalize(a, GEN_LEVEL_STANDARD), 0);
	sc = sc_of(a, LIB, "writev");
	assert_true(sc && sc->inferred && !sc->observed && sc->count == 0);
	/* b observed writev: the merge says observed, evidence kept */
	assert_int_equal(policy__merge(a, b), 0);
	sc = sc_of(a, LIB, "writev");
	assert_non_null(sc);
	assert_false(sc->inferred);
	assert_int_equal(sc->count, 1);
	/* ioctl: observed FIONBIO stays observed; inferred TCGETS is the
	 * inferred part only */
	sc = sc_of(a, LIB, "ioctl");
	assert_true(sc->inferred && sc->observed);
	assert_int_equal(sc->obs_arg[0].nvalues, 1);
	assert_int_equal(sc->obs_arg[0].values[0], 0x5421);
	/* inferred: TCGETS and TIOCGWINSZ (stdio-probe), FIONCLEX and
	 * FIOCLEX (fd-flags); FIONBIO is the observed part's */
	assert_int_equal(sc->inf_arg[0].nvalues, 4);
	assert_int_equal(sc->inf_arg[0].values[0], 0x5401);
	assert_int_equal(sc->inf_arg[0].values[1], 0x5413);
	assert_int_equal(sc->inf_arg[0].values[2], 0x5450);
	assert_int_equal(sc->inf_arg[0].values[3], 0x5451);
	assert_int_equal(sc->arg[0].nvalues, 5);
	/* an observed TCGETS moves out of the inferred part */
	observe(a, LIB, LIB_KIND_LIBRARY, "ioctl", 0x5401, 0);
	sc = sc_of(a, LIB, "ioctl");
	assert_true(sc->inferred);
	assert_int_equal(sc->inf_arg[0].nvalues, 3);
	assert_int_equal(sc->obs_arg[0].nvalues, 2);
	assert_int_equal(sc->arg[0].nvalues, 5);
	policy__free(a);
	policy__free(b);
}

/* merge --intersect: what both observed stays observed, what either only
 * inferred stays inferred. */
static void test_intersect(void **state)
{
	struct policy *a = sample(0), *b = sample(1), *m = NULL;
	const struct policy_syscall *sc;

	(void)state;
	assert_int_equal(capability__generalize(a, GEN_LEVEL_STANDARD), 0);
	assert_int_equal(capability__generalize(b, GEN_LEVEL_STANDARD), 0);
	assert_int_equal(policy__intersect(a, b, &m), 0);
	sc = sc_of(m, LIB, "write");          /* observed in both */
	assert_true(sc && !sc->inferred);
	sc = sc_of(m, LIB, "writev");         /* inferred in a, observed in b */
	assert_true(sc && sc->inferred && !sc->observed);
	assert_true(from_has(sc, "write"));
	sc = sc_of(m, LIB, "pwrite64");       /* inferred in both */
	assert_true(sc && sc->inferred);
	sc = sc_of(m, LIB, "ioctl");          /* FIONBIO observed, TCGETS,
					       * TIOCGWINSZ, FIONCLEX, FIOCLEX
					       * inferred */
	assert_true(sc && sc->inferred && sc->observed);
	assert_int_equal(sc->arg[0].nvalues, 5);
	policy__free(a);
	policy__free(b);
	policy__free(m);
}

/* --generalize none on a generalised policy keeps its inferred rules. */
static void test_none_keeps(void **state)
{
	struct policy *a = sample(2), *acc = new_policy();
	char *x, *y;

	(void)state;
	assert_int_equal(capability__generalize(a, GEN_LEVEL_STANDARD), 0);
	x = json_of(a);
	assert_int_equal(policy__merge(acc, a), 0);
	assert_int_equal(capability__generalize(acc, GEN_LEVEL_NONE), 0);
	y = json_of(acc);
	assert_string_equal(x, y);
	assert_non_null(strstr(y, "\"inferred_from\""));
	free(x);
	free(y);
	policy__free(a);
	policy__free(acc);
}

static void test_json_round_trip(void **state)
{
	struct policy *p = sample(7), *q = NULL;
	char err[512] = "", *a, *b;

	(void)state;
	assert_int_equal(capability__generalize(p, GEN_LEVEL_BROAD), 0);
	a = json_of(p);
	assert_non_null(strstr(a, "\"inferred_from\": [\n"));
	if (policy__parse(a, strlen(a), "p.json", &q, err, sizeof(err)))
		fail_msg("%s", err);
	b = json_of(q);
	assert_string_equal(a, b);
	/* what is enforced survives: the union is the same */
	{
		struct policy_syscall *u1 = calloc(SYSCALL_NR_MAX, sizeof(*u1));
		struct policy_syscall *u2 = calloc(SYSCALL_NR_MAX, sizeof(*u2));

		assert_int_equal(policy__union(p, u1, SYSCALL_NR_MAX), 0);
		assert_int_equal(policy__union(q, u2, SYSCALL_NR_MAX), 0);
		for (int nr = 0; nr < SYSCALL_NR_MAX; nr++) {
			assert_int_equal(!!u1[nr].count, !!u2[nr].count);
			assert_true(gen__args_equal(&u1[nr], &u2[nr]));
		}
		free(u1);
		free(u2);
	}
	free(a);
	free(b);
	policy__free(p);
	policy__free(q);
}

static const char old_policy[] =
	"{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"syscalls\": [],"
	" \"sysfence\": {\"version\": 1, \"binary\": null, \"transparent\": [],"
	" \"libraries\": [{\"path\": \"/x.so\", \"kind\": \"library\","
	" \"syscalls\": [{\"names\": [\"read\", \"write\"],"
	" \"action\": \"SCMP_ACT_ALLOW\"}]}]}}";

static void parse_fails(const char *json, const char *want)
{
	struct policy *p = NULL;
	char err[512] = "";

	assert_int_not_equal(policy__parse(json, strlen(json), "p.json", &p,
					   err, sizeof(err)), 0);
	if (!strstr(err, want))
		fail_msg("error '%s' does not say '%s'", err, want);
}

static void test_reader_validates(void **state)
{
	struct policy *p = NULL;
	char err[512] = "";

	(void)state;
	/* an old policy (no inferred_from) loads, all observed */
	assert_int_equal(policy__parse(old_policy, strlen(old_policy), "p.json",
				       &p, err, sizeof(err)), 0);
	assert_false(p->libs[0].syscalls[0].inferred);
	policy__free(p);
	parse_fails("{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"sysfence\":"
		    " {\"version\": 1, \"libraries\": [{\"path\": \"/x.so\","
		    " \"kind\": \"library\", \"syscalls\": [{\"names\": [\"writev\"],"
		    " \"action\": \"SCMP_ACT_ALLOW\", \"inferred_from\": \"write\"}]}]}}",
		    "inferred_from: expected an array");
	parse_fails("{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"sysfence\":"
		    " {\"version\": 1, \"libraries\": [{\"path\": \"/x.so\","
		    " \"kind\": \"library\", \"syscalls\": [{\"names\": [\"writev\"],"
		    " \"action\": \"SCMP_ACT_ALLOW\", \"inferred_from\": [\"wrte\"]}]}]}}",
		    "unknown syscall name 'wrte'");
	parse_fails("{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"sysfence\":"
		    " {\"version\": 1, \"libraries\": [{\"path\": \"/x.so\","
		    " \"kind\": \"library\", \"syscalls\": [{\"names\": [\"writev\"],"
		    " \"action\": \"SCMP_ACT_ALLOW\", \"inferred_from\": []}]}]}}",
		    "inferred_from: expected at least one");
	parse_fails("{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"sysfence\":"
		    " {\"version\": 1, \"libraries\": [{\"path\": \"/x.so\","
		    " \"kind\": \"library\", \"syscalls\": [{\"names\": [\"writev\"],"
		    " \"action\": \"SCMP_ACT_ALLOW\", \"inferred_from\": [\"write\"]}],"
		    " \"evidence\": {\"writev\": {\"count\": 3, \"site\": null}}}]}}",
		    "only inferred");
}

/* docs/generalize.md holds the table between its markers, byte for byte.
 * SF_UPDATE_DOCS=1 rewrites it. */
static void test_docs_agree(void **state)
{
	static const char begin[] = "<!-- capability-table:begin (generated by "
				    "capability__doc_table, checked by "
				    "tests/unit/test_capability.c) -->\n";
	static const char end[] = "<!-- capability-table:end -->\n";
	char path[4096], *buf = NULL, *table = capability__doc_table();
	const char *b, *e;
	size_t len = 0, cap = 0, n;
	FILE *f;

	(void)state;
	assert_non_null(table);
	snprintf(path, sizeof(path), "%s/docs/generalize.md", SRCDIR);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s", path);
	do {
		if (len + 4096 > cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = '\0';
	b = strstr(buf, begin);
	e = b ? strstr(b, end) : NULL;
	if (!b || !e)
		fail_msg("%s: missing the capability-table markers", path);
	b += strlen(begin);
	if (getenv("SF_UPDATE_DOCS")) {
		f = fopen(path, "w");
		assert_non_null(f);
		fwrite(buf, 1, (size_t)(b - buf), f);
		fputs(table, f);
		fputs(e, f);
		fclose(f);
	} else if ((size_t)(e - b) != strlen(table) || memcmp(b, table, strlen(table))) {
		fail_msg("docs/generalize.md and learner/capability.c disagree: "
			 "run SF_UPDATE_DOCS=1 build/tests/unit/test_capability "
			 "and review the change");
	}
	free(buf);
	free(table);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_valid),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_each_row),
		cmocka_unit_test(test_row_conditions),
		cmocka_unit_test(test_git_gc_rows),
		cmocka_unit_test(test_hunt_rows),
		cmocka_unit_test(test_runtime_bucket_baselines),
		cmocka_unit_test(test_sigreturn_in_runtime_bucket),
		cmocka_unit_test(test_thread_bucket),
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_same_build_id),
		cmocka_unit_test(test_never_list),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_merge_order),
		cmocka_unit_test(test_observed_beats_inferred),
		cmocka_unit_test(test_intersect),
		cmocka_unit_test(test_none_keeps),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_reader_validates),
		cmocka_unit_test(test_docs_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
