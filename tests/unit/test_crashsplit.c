/* test_crashsplit.c - the crash-only decision of `learn --fuzz`
 * (learner/crashsplit.c): a tuple only the crash replay reached is left
 * out unless --include-crashes, and a selected trace keeps the header, the
 * tuples asked for and only their sites. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crashsplit.h"
#include "trace.h"

#define NR_READ 0
#define NR_WRITE 1
#define NR_OPEN 2
#define NR_KILL 62

struct row {
	uint32_t nr;
	uint64_t a0, count;
};

/* One library /lib/x.so with the given tuples (and a site for each). */
static struct trace *snap(const struct row *rows, size_t n)
{
	struct trace *t = trace__new();
	int li;

	assert_non_null(t);
	t->binary = strdup("/bin/app");
	t->start_ns = 1;
	t->end_ns = 2;
	t->flags = TRACE_F_RUNTIME_BUCKETS;
	li = trace__add_lib(t, "/lib/x.so", "b1", LIB_KIND_LIBRARY, 1, 2);
	assert_true(li >= 0);
	for (size_t i = 0; i < n; i++) {
		uint64_t arg[TRACE_NARGS] = { rows[i].a0, 0 };

		assert_int_equal(trace__add_tuple(t, (uint32_t)li, rows[i].nr, arg,
						  rows[i].count), 0);
		assert_int_equal(trace__add_site(t, (uint32_t)li, rows[i].nr,
						 0x100 + rows[i].nr, NULL), 0);
	}
	assert_int_equal(trace__canonicalize(t), 0);
	return t;
}

static long find(const struct trace *t, uint32_t nr, uint64_t a0)
{
	for (size_t i = 0; i < t->ntuples; i++)
		if (t->tuples[i].nr == nr && t->tuples[i].arg[0] == a0)
			return (long)i;
	return -1;
}

/* F: read 5, write 1 (seen while fuzzing).  Q: + write 1 more (the queue
 * replay reproduced it), + open (replay-new).  C: + kill (crash only),
 * + read 2 more (crash inputs also reach read, but so did fuzzing). */
static void snapshots(struct trace **f, struct trace **q, struct trace **c)
{
	const struct row rf[] = { { NR_READ, 0, 5 }, { NR_WRITE, 0, 1 } };
	const struct row rq[] = { { NR_READ, 0, 5 }, { NR_WRITE, 0, 2 },
				  { NR_OPEN, 0, 1 } };
	const struct row rc[] = { { NR_READ, 0, 7 }, { NR_WRITE, 0, 2 },
				  { NR_OPEN, 0, 1 }, { NR_KILL, 9, 1 } };

	*f = snap(rf, 2);
	*q = snap(rq, 3);
	*c = snap(rc, 4);
}

static void test_split(void **state)
{
	struct trace *f, *q, *c;
	struct crashsplit s;
	long kill, rd, wr, op;

	(void)state;
	snapshots(&f, &q, &c);
	assert_int_equal(crashsplit__compute(f, q, c, false, &s), 0);
	kill = find(c, NR_KILL, 9);
	rd = find(c, NR_READ, 0);
	wr = find(c, NR_WRITE, 0);
	op = find(c, NR_OPEN, 0);
	assert_true(kill >= 0 && rd >= 0 && wr >= 0 && op >= 0);
	assert_int_equal(s.ncrash_only, 2);
	/* kill: only the crash inputs reached it */
	assert_true(s.only[kill] && !s.keep[kill]);
	/* read: the crash inputs added calls and the queue replay none:
	 * crash-only (fuzzing saw it too, but its crashing runs count there;
	 * no non-crashing input reproduced it) */
	assert_true(s.only[rd] && !s.keep[rd]);
	/* write: the queue replay reached it; open: new in the replay */
	assert_true(!s.only[wr] && s.keep[wr]);
	assert_true(!s.only[op] && s.keep[op]);
	assert_int_equal(s.nreplay_new, 1);
	assert_int_equal(s.nunreproduced, 0);
	crashsplit__free(&s);
	/* --include-crashes keeps everything, still counts them */
	assert_int_equal(crashsplit__compute(f, q, c, true, &s), 0);
	assert_int_equal(s.ncrash_only, 2);
	for (size_t i = 0; i < c->ntuples; i++)
		assert_true(s.keep[i]);
	crashsplit__free(&s);
	trace__free(f);
	trace__free(q);
	trace__free(c);
}

static void test_unreproduced(void **state)
{
	const struct row r[] = { { NR_READ, 0, 5 } };
	struct trace *f = snap(r, 1), *q = snap(r, 1), *c = snap(r, 1);
	struct crashsplit s;

	(void)state;
	/* seen while fuzzing, no replay added a call */
	assert_int_equal(crashsplit__compute(f, q, c, false, &s), 0);
	assert_int_equal(s.nunreproduced, 1);
	assert_int_equal(s.ncrash_only, 0);
	assert_true(s.keep[0]);
	crashsplit__free(&s);
	trace__free(f);
	trace__free(q);
	trace__free(c);
}

static void test_select(void **state)
{
	struct trace *f, *q, *c, *out = NULL;
	struct crashsplit s;

	(void)state;
	snapshots(&f, &q, &c);
	assert_int_equal(crashsplit__compute(f, q, c, false, &s), 0);
	assert_int_equal(crashsplit__select(c, s.keep, &out), 0);
	assert_int_equal(out->ntuples, 2);
	assert_true(find(out, NR_WRITE, 0) >= 0 && find(out, NR_OPEN, 0) >= 0);
	assert_int_equal(find(out, NR_KILL, 9), -1);
	/* sites follow their tuples; the header comes along */
	assert_int_equal(out->nsites, 2);
	for (size_t i = 0; i < out->nsites; i++)
		assert_true(out->sites[i].nr == NR_WRITE || out->sites[i].nr == NR_OPEN);
	assert_string_equal(out->binary, "/bin/app");
	assert_int_equal(out->start_ns, 1);
	assert_int_equal(out->flags, TRACE_F_RUNTIME_BUCKETS);
	trace__free(out);
	assert_int_equal(crashsplit__select(c, s.only, &out), 0);
	assert_int_equal(out->ntuples, 2);
	assert_true(find(out, NR_KILL, 9) >= 0 && find(out, NR_READ, 0) >= 0);
	trace__free(out);
	/* nothing kept: an empty trace with the header */
	memset(s.keep, 0, c->ntuples);
	assert_int_equal(crashsplit__select(c, s.keep, &out), 0);
	assert_int_equal(out->ntuples, 0);
	assert_int_equal(out->nsites, 0);
	assert_string_equal(out->binary, "/bin/app");
	trace__free(out);
	crashsplit__free(&s);
	trace__free(f);
	trace__free(q);
	trace__free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_unreproduced),
		cmocka_unit_test(test_select),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
