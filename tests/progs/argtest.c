/* argtest.c - t040-args target.
 *   argtest read FILE        libargs_a reads FILE (O_RDONLY)
 *   argtest all FILE DIR     ... and libargs_b creates DIR/args-b.out,
 *                            AF_UNIX + AF_INET sockets, a PROT_READ|PROT_EXEC map
 */
#include <stdio.h>
#include <string.h>

#include "args.h"

int main(int argc, char **argv)
{
	int ret;

	if (argc < 3 || (strcmp(argv[1], "read") && strcmp(argv[1], "all")) ||
	    (!strcmp(argv[1], "all") && argc < 4)) {
		fprintf(stderr, "usage: argtest read FILE | argtest all FILE DIR\n");
		return 2;
	}
	ret = args_a_read(argv[2]);
	if (!strcmp(argv[1], "all") && args_b_work(argv[3]))
		ret = -1;
	return ret ? 1 : 0;
}
