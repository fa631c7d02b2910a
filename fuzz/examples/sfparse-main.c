// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sfparse [FILE] - print the records of an SFR1 file (stdin without FILE).
 * Exit status 0 valid, 1 malformed (reported to the diagnostic log by
 * libsfparse), 2 usage.  The example target of `make fuzz-example` and
 * docs/fuzz.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sfparse.h"

int main(int argc, char **argv)
{
	struct sfparse_doc doc;
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	if (argc > 2) {
		fprintf(stderr, "usage: sfparse [FILE]\n");
		return 2;
	}
	err = sfparse_read(argc == 2 ? argv[1] : NULL, &buf, &len);
	if (!err)
		err = sfparse_parse(buf, len, &doc);
	if (err) {
		fprintf(stderr, "sfparse: %s\n", sfparse_strerror(err));
		free(buf);
		return 1;
	}
	printf("SFR%u, %u records\n", doc.version, doc.nrecords);
	for (unsigned i = 0; i < doc.nrecords; i++) {
		const struct sfparse_record *r = &doc.rec[i];

		if (r->type == 1) {
			printf("  name \"%.*s\"\n", r->len, (const char *)r->data);
		} else if (r->type == 2) {
			uint64_t v = 0;

			for (int b = r->len - 1; b >= 0; b--)
				v = v << 8 | r->data[b];
			printf("  number %llu\n", (unsigned long long)v);
		} else {
			printf("  blob, %u bytes\n", r->len);
		}
	}
	free(buf);
	return 0;
}
