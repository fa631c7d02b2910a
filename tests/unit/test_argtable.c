/* test_argtable.c - docs/arguments.md against the one argument table
 * (sf_argspecs of bpf/sf_args.h): the table of the document has one row per
 * syscall the table covers, in number order, each with the table's argument
 * indexes, kinds, display classes and "(masked)" marks, and the prose count
 * of syscalls is the table's.  The document is a hand-written view; this
 * test holds it to the source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "argnames.h"
#include "generalize.h"
#include "sf_args.h"
#include "syscalls.h"

static const char *const kind_doc[] = {
	[SF_ARGK_FLAGS] = "flags",
	[SF_ARGK_ENUM] = "enum",
	[SF_ARGK_MASKED_ENUM] = "masked-enum",
	[SF_ARGK_PAIR] = "pair",
};

/* The document's wording of sf_argspecs[nr]: "1: flags, open-flags
 * (masked) ; 2: enum, prot".  (masked) = the mask keeps less than the low
 * 32 bits. */
static void expected_cell(uint32_t nr, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < SF_ARG_SLOTS; i++) {
		const struct sf_argslot *s = &sf_argspecs[nr].slot[i];

		if (s->kind == SF_ARGK_NONE)
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%u: %s, %s%s%s",
				      o ? " ; " : "", s->idx, kind_doc[s->kind],
				      argname__class_name(s->sym),
				      s->mask != 0xffffffffULL ? " (masked)" : "",
				      s->flags & SF_ARGF_MEM ? " (in memory)" : "");
		assert_true(o < len);
	}
}

static char *read_doc(void)
{
	FILE *f = fopen(SRCDIR "/docs/arguments.md", "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_doc_table(void **state)
{
	char *doc = read_doc(), *line, *save = NULL, want[256], prose[64];
	uint32_t next = 0;
	unsigned rows = 0, covered = 0;

	(void)state;
	for (uint32_t nr = 0; nr < SF_ARGSPEC_NR_MAX; nr++)
		covered += gen__nslots(nr) > 0;
	snprintf(prose, sizeof(prose), "selected arguments of %u system calls",
		 covered);
	if (!strstr(doc, prose))
		fail_msg("docs/arguments.md does not say \"%s\"", prose);
	for (line = strtok_r(doc, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64], cell[256];
		int nr;

		/* | `name` | cell | why | */
		if (sscanf(line, "| `%63[^`]` | %255[^|]|", name, cell) != 2)
			continue;
		cell[strcspn(cell, "|")] = '\0';
		while (*cell && cell[strlen(cell) - 1] == ' ')
			cell[strlen(cell) - 1] = '\0';
		nr = syscall__nr(name);
		if (nr < 0)
			fail_msg("docs/arguments.md: unknown syscall '%s'", name);
		/* rows in number order, none skipped */
		while (next < (uint32_t)nr && !gen__nslots(next))
			next++;
		if ((uint32_t)nr != next)
			fail_msg("docs/arguments.md: row '%s' (%d): the table's "
				 "next syscall is %s (%u)", name, nr,
				 syscall__name(next), next);
		next++;
		expected_cell((uint32_t)nr, want, sizeof(want));
		if (strcmp(cell, want))
			fail_msg("docs/arguments.md row '%s': \"%s\", the table "
				 "says \"%s\"", name, cell, want);
		rows++;
	}
	assert_int_equal(rows, covered);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
