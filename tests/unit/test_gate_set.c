/* test_gate_set.c - the gate's split cases (learner/gate_set.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gate_set.h"
#include "policy.h"
#include "syscalls.h"

#define O_WR 01ULL
#define O_RW 02ULL
#define O_CR 0100ULL
#define O_TR 01000ULL

/* A unit with up to 8 syscalls. */
struct unit {
	struct policy_lib lib;
	struct policy_syscall sc[8];
};

static void unit_init(struct unit *u, const char *path)
{
	memset(u, 0, sizeof(*u));
	u->lib.path = (char *)path;
	u->lib.syscalls = u->sc;
}

static struct policy_syscall *add(struct unit *u, const char *name)
{
	struct policy_syscall *ps = &u->sc[u->lib.nsyscalls++];

	ps->nr = (uint32_t)syscall__nr(name);
	ps->count = 1;
	return ps;
}

/* A FLAGS condition on the (single) slot of name. */
static void add_flags(struct unit *u, const char *name, uint64_t allowed)
{
	struct policy_syscall *ps = add(u, name);

	ps->nargs = 1;
	ps->arg[0].idx = sf_argspecs[ps->nr].slot[0].idx;
	ps->arg[0].kind = SF_ARGK_FLAGS;
	ps->arg[0].allowed = allowed;
}

static void add_enum(struct unit *u, const char *name, const uint64_t *vals, unsigned n)
{
	struct policy_syscall *ps = add(u, name);

	ps->nargs = 1;
	ps->arg[0].idx = sf_argspecs[ps->nr].slot[0].idx;
	ps->arg[0].kind = SF_ARGK_ENUM;
	ps->arg[0].nvalues = (uint8_t)n;
	memcpy(ps->arg[0].values, vals, n * sizeof(*vals));
}

static const struct gate_entry *find(const struct gate_set *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->e[i].nr == (uint32_t)syscall__nr(name))
			return &g->e[i];
	return NULL;
}

static uint64_t all_rows(void)
{
	uint32_t c;
	uint64_t rows;

	assert_int_equal(gate__parse("default", &c, &rows, NULL, 0), 0);
	return rows;
}

/* The example: a reader library and a writer library of one
 * process.  Only the write/create bits the reader lacks are gated. */
static void test_open_write_split(void **state)
{
	struct unit a, b;
	const struct policy_lib *units[] = { &a.lib, &b.lib };
	struct gate_set g;
	const struct gate_entry *e;
	uint64_t ro[6] = { 0, 0, 02000000 /* O_CLOEXEC */ }, wr[6] = { 0, 0, O_WR },
		 cr[6] = { 0, 0, O_WR | O_CR };

	(void)state;
	unit_init(&a, "/lib/writer.so");
	unit_init(&b, "/lib/reader.so");
	add_flags(&a, "openat", O_WR | O_CR | O_TR);
	add_flags(&b, "openat", 0);
	add(&a, "read");
	add(&b, "read");
	assert_int_equal(gate__compute(units, 2, all_rows(), &g), 0);
	assert_int_equal(g.n, 1);
	e = find(&g, "openat");
	assert_non_null(e);
	assert_int_equal(e->bits, O_WR | O_CR | O_TR);
	assert_int_equal(e->nallowed, 1);
	assert_int_equal(e->nunits, 2);
	assert_false(gate__matches(e, ro));
	assert_true(gate__matches(e, wr));
	assert_true(gate__matches(e, cr));

	/* Both may open for writing, only a may create: only O_CREAT/O_TRUNC
	 * are gated, a plain write-open runs without the supervisor. */
	b.sc[0].arg[0].allowed = O_WR;
	assert_int_equal(gate__compute(units, 2, all_rows(), &g), 0);
	e = find(&g, "openat");
	assert_non_null(e);
	assert_int_equal(e->bits, O_CR | O_TR);
	assert_false(gate__matches(e, wr));
	assert_true(gate__matches(e, cr));

	/* No condition = any flags, for both: not split. */
	a.sc[0].nargs = 0;
	b.sc[0].nargs = 0;
	assert_int_equal(gate__compute(units, 2, all_rows(), &g), 0);
	assert_null(find(&g, "openat"));
}

/* Allowed for every unit or for none: never gated. */
static void test_not_split(void **state)
{
	struct unit a, b, c;
	const struct policy_lib *units[] = { &a.lib, &b.lib, &c.lib };
	struct gate_set g;

	(void)state;
	unit_init(&a, "/bin/exe");
	unit_init(&b, "/lib/x.so");
	unit_init(&c, "[libc-runtime]");
	add(&a, "unlink");
	add(&b, "unlink");
	add(&c, "unlink");
	add(&a, "execve");
	assert_int_equal(gate__compute(units, 3, all_rows(), &g), 0);
	assert_null(find(&g, "unlink"));
	assert_null(find(&g, "mkdir"));
	assert_non_null(find(&g, "execve"));
	assert_int_equal(g.n, 1);
	/* A single unit is never split. */
	assert_int_equal(gate__compute(units, 1, all_rows(), &g), 0);
	assert_int_equal(g.n, 0);
}

/* Enumerated arguments: the same signal set everywhere is not split. */
static void test_signal_sets(void **state)
{
	struct unit a, b;
	const struct policy_lib *units[] = { &a.lib, &b.lib };
	const uint64_t term[] = { 15 }, term_kill[] = { 9, 15 }, probe[] = { 0 };
	struct gate_set g;
	const struct gate_entry *e;
	uint64_t sig0[6] = { 1234, 0 }, sig9[6] = { 1234, 9 };

	(void)state;
	unit_init(&a, "/bin/exe");
	unit_init(&b, "/lib/x.so");
	add_enum(&a, "kill", term, 1);
	add_enum(&b, "kill", term, 1);
	assert_int_equal(gate__compute(units, 2, all_rows(), &g), 0);
	assert_null(find(&g, "kill"));
	b.sc[0].arg[0].nvalues = 2;
	memcpy(b.sc[0].arg[0].values, term_kill, sizeof(term_kill));
	assert_int_equal(gate__compute(units, 2, all_rows(), &g), 0);
	e = find(&g, "kill");
	assert_non_null(e);
	assert_int_equal(e->match, GATE_NONZERO);
	assert_false(gate__matches(e, sig0));
	assert_true(gate__matches(e, sig9));
	/* Only probes (signal 0) in one unit, none in the other: nothing
	 * dangerous is allowed anywhere. */
	a.lib.nsyscalls = 0;
	memcpy(b.sc[0].arg[0].values, probe, sizeof(probe));
	b.sc[0].arg[0].nvalues = 1;
	assert_int_equal(gate__compute(units, 2, all_rows(), &g), 0);
	assert_null(find(&g, "kill"));
}

static void test_exec_mem(void **state)
{
	struct unit a, b;
	const struct policy_lib *units[] = { &a.lib, &b.lib };
	struct gate_set g;
	const struct gate_entry *e;
	uint64_t rw[6] = { 0, 4096, 3 }, rx[6] = { 0, 4096, 5 };
	scmp_filter_ctx f = NULL;
	char err[128];

	(void)state;
	unit_init(&a, "/bin/jit");
	unit_init(&b, "/lib/x.so");
	add_flags(&a, "mmap", 1 | 2 | 4);
	add_flags(&b, "mmap", 1 | 2);
	add(&a, "sendto");
	assert_int_equal(gate__compute(units, 2, all_rows(), &g), 0);
	e = find(&g, "mmap");
	assert_non_null(e);
	assert_int_equal(e->bits, 4);
	assert_false(gate__matches(e, rw));
	assert_true(gate__matches(e, rx));
	e = find(&g, "sendto");
	assert_non_null(e);
	assert_int_equal(e->match, GATE_NONZERO);
	assert_int_equal(e->idx, 4);
	assert_int_equal(gate__build_filter(&g, &f, err, sizeof(err)), 0);
	assert_non_null(f);
	seccomp_release(f);
}

static void test_parse(void **state)
{
	uint32_t c;
	uint64_t rows;
	char err[1024];
	struct unit a, b;
	const struct policy_lib *units[] = { &a.lib, &b.lib };
	struct gate_set g;

	(void)state;
	assert_int_equal(gate__parse("off", &c, &rows, err, sizeof(err)), 0);
	assert_int_equal(c, 0);
	assert_int_equal(rows, 0);
	assert_int_equal(gate__parse("default", &c, &rows, err, sizeof(err)), 0);
	assert_int_equal(c, GATE_CLASSES_DEFAULT);
	assert_false(c & (1u << GATE_C_NET_MSG));
	assert_int_equal(gate__parse("net,kill", &c, &rows, err, sizeof(err)), 0);
	assert_int_equal(c, (1u << GATE_C_NET) | (1u << GATE_C_SIGNAL));
	assert_int_equal(gate__parse("exec,bogus", &c, &rows, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'bogus'"));
	assert_int_equal(gate__parse("read", &c, &rows, err, sizeof(err)), -EINVAL);
	/* Only the selected rows are computed: kill alone, not tgkill. */
	unit_init(&a, "/bin/exe");
	unit_init(&b, "/lib/x.so");
	add(&a, "kill");
	add(&a, "tgkill");
	add(&a, "unlink");
	assert_int_equal(gate__parse("kill", &c, &rows, err, sizeof(err)), 0);
	assert_int_equal(gate__compute(units, 2, rows, &g), 0);
	assert_int_equal(g.n, 1);
	assert_non_null(find(&g, "kill"));
	/* Every class name parses and every row names a syscall. */
	for (unsigned k = 0; k < GATE_C__COUNT; k++)
		assert_int_equal(gate__parse(gate__class_name(k), &c, &rows, err, sizeof(err)), 0);
	for (size_t i = 0; i < gate_ncases; i++)
		assert_true(syscall__nr(gate_cases[i].syscall) >= 0);
	assert_true(gate_ncases <= 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_write_split),
		cmocka_unit_test(test_not_split),
		cmocka_unit_test(test_signal_sets),
		cmocka_unit_test(test_exec_mem),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
