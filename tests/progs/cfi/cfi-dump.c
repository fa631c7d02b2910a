// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cfi-dump - build the CFA table of ELF files and print statistics
 * (rows, kinds, build time); -r prints every row with its symbol.
 *   cfi-dump [-r] FILE...
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfi.h"
#include "elfinfo.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	bool rows = false;
	int opt, i, status = 0;

	while ((opt = getopt(argc, argv, "r")) != -1) {
		if (opt != 'r') {
			fprintf(stderr, "usage: %s [-r] FILE...\n", argv[0]);
			return 2;
		}
		rows = true;
	}
	for (i = optind; i < argc; i++) {
		struct cfi_table t;
		size_t kinds[8] = { 0 }, k, saved_rbp = 0;
		char err[256], sym[256];
		struct elf_syms *syms;
		double t0, t1;
		int rc;

		t0 = now_ms();
		rc = cfi__build(argv[i], &t, err, sizeof(err));
		t1 = now_ms();
		if (rc) {
			fprintf(stderr, "sysfence: error: %s: %s\n", argv[i], err);
			status = 1;
			continue;
		}
		for (k = 0; k < t.nrows; k++) {
			kinds[t.rows[k].kind < 7 ? t.rows[k].kind : 7]++;
			saved_rbp += t.rows[k].rbp_off != 0;
		}
		printf("%s: %zu rows (%zu bytes) in %.2f ms; rbp saved in %zu\n",
		       argv[i], t.nrows, t.nrows * sizeof(*t.rows), t1 - t0,
		       saved_rbp);
		for (k = 0; k <= SF_CFA_RA_RDI; k++)
			printf("  %-12s %6zu  %5.2f%%\n", cfi__kind_name((unsigned)k),
			       kinds[k], t.nrows ? 100.0 * kinds[k] / t.nrows : 0);
		syms = rows ? elf_syms__open(argv[i]) : NULL;
		for (k = 0; rows && k < t.nrows; k++) {
			const struct sf_cfi_row *r = &t.rows[k];

			if (!syms || elf_syms__lookup(syms, r->off, sym, sizeof(sym)))
				strcpy(sym, "?");
			printf("%08x %-11s %5d rbp@%-4d %s\n", r->off,
			       cfi__kind_name(r->kind), r->cfa_off, r->rbp_off, sym);
		}
		elf_syms__close(syms);
		cfi__free(&t);
	}
	return status;
}
