/* plot.h - the one way sysfence drives gnuplot (`score --plot`, `plot
 * saturation`): gnuplot from $GNUPLOT or PATH, the script fed on its
 * standard input, a PNG through the pngcairo terminal (png where gnuplot
 * has no cairo), errors reported here with the install hint. */
#ifndef SF_PLOT_H
#define SF_PLOT_H

#include <stdio.h>
#include <sys/types.h>

struct plot {
	FILE *f;          /* the script: write the plot commands here */
	pid_t pid;
	const char *out;
};

/* Start gnuplot with a script that already selects a width x height PNG
 * terminal (font is pngcairo's, e.g. "sans,10"; NULL = default) and sets
 * the output to out.  0, or -1 after reporting the error. */
int plot__open(struct plot *p, const char *out, int width, int height,
	       const char *font);
/* A gnuplot string literal: single quotes, a quote doubled, control
 * characters dropped. */
void plot__str(FILE *f, const char *s);
/* End the script and wait for gnuplot.  0, or -1 after reporting
 * "gnuplot failed writing OUT". */
int plot__close(struct plot *p);

#endif /* SF_PLOT_H */
