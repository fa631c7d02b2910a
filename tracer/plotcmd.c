// SPDX-License-Identifier: GPL-2.0
/* plotcmd.c - `sysfence plot saturation TRACE`: the saturation curve that
 * `learn --fuzz` wrote beside a trace (fuzzlearn__curve_path), drawn with
 * the gnuplot driver of plot.c.  A command of its own file, like the
 * other subcommands; it was part of fuzzlearn.c, which drives afl-fuzz. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fuzzlearn.h"
#include "log.h"
#include "plot.h"

static const char plot_usage[] =
	"Usage: sysfence plot saturation TRACE [-o PNG]\n"
	"\n"
	"Renders the saturation curve that `learn --fuzz` wrote beside TRACE\n"
	"(<stem>.saturation.tsv, where stem is TRACE without .trace.zst) as a PNG\n"
	"with gnuplot: distinct (library, syscall, args) tuples over time, and the\n"
	"executions afl-fuzz made.  A flat tuple line at the right end means fuzzing\n"
	"stopped finding new behaviour.  TRACE may also be the .tsv itself.\n"
	"\n"
	"Options:\n"
	"  -o, --output PNG  output file (default <stem>.saturation.png)\n"
	"  -h, --help        this help\n"
	"\n"
	"Examples:\n"
	"  sysfence plot saturation traces/sfparse-20260101T000000Z.trace.zst\n"
	"\n"
	"Exit status: 0 written, 1 runtime error (no curve, no gnuplot), 2 usage.\n";

static int curve_binary(const char *tsv, char *out, size_t len)
{
	char line[PATH_MAX + 32];
	FILE *f = fopen(tsv, "re");
	int found = 0;

	if (!f)
		return -errno;
	out[0] = 0;
	while (!found && fgets(line, sizeof(line), f) && line[0] == '#')
		if (!strncmp(line, "# binary: ", 10)) {
			line[strcspn(line, "\n")] = 0;
			if (strlen(line + 10) < len)
				strcpy(out, line + 10);
			found = 1;
		}
	fclose(f);
	return 0;
}

int cmd_plot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *output = NULL;
	char *tsv = NULL, *png = NULL, binary[PATH_MAX];
	int c, ret, is_tsv, exit_code = EXIT_FAIL;
	const char *arg;
	struct plot pl;
	size_t n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(plot_usage, stdout);
			return EXIT_OK;
		default:
			fputs(plot_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "saturation")) {
		log_err("expected: sysfence plot saturation TRACE (see --help)");
		return EXIT_USAGE;
	}
	arg = argv[optind + 1];
	n = strlen(arg);
	is_tsv = n > 4 && !strcmp(arg + n - 4, ".tsv");
	tsv = is_tsv ? strdup(arg) : fuzzlearn__curve_path(arg, ".saturation.tsv");
	if (output)
		png = strdup(output);
	else if (is_tsv && asprintf(&png, "%.*s.png", (int)(n - 4), arg) < 0)
		png = NULL;
	else if (!is_tsv)
		png = fuzzlearn__curve_path(arg, ".saturation.png");
	if (!tsv || !png) {
		log_err("out of memory");
		goto out;
	}
	ret = curve_binary(tsv, binary, sizeof(binary));
	if (ret) {
		log_err("no saturation curve %s: %s (written by `sysfence learn --fuzz`)", tsv,
			strerror(-ret));
		goto out;
	}
	if (plot__open(&pl, png, 1000, 560, "sans,10"))
		goto out;
	fputs("set title ", pl.f);
	plot__str(pl.f, binary[0] ? binary : tsv);
	fputs(" noenhanced\n"
	      "set xlabel 'seconds of fuzzing'\n"
	      "set ylabel 'distinct (library, syscall, args) tuples'\n"
	      "set y2label 'executions'\n"
	      "set ytics nomirror\nset y2tics\nset yrange [0:*]\nset y2range [0:*]\n"
	      "set grid\nset key left top\nset datafile commentschars '#'\n"
	      "set datafile separator '\\t'\n"
	      "plot ", pl.f);
	plot__str(pl.f, tsv);
	fputs(" using 1:3 with steps lw 2.5 lc rgb '#c0392b' title 'distinct tuples', \\\n"
	      "     '' using 1:2 axes x1y2 with lines lw 1.5 lc rgb '#2c7fb8' title 'executions'\n",
	      pl.f);
	if (plot__close(&pl))
		goto out;
	fprintf(stderr, "sysfence: saturation plot written to %s\n", png);
	exit_code = EXIT_OK;
out:
	free(tsv);
	free(png);
	return exit_code;
}
