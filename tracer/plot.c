// SPDX-License-Identifier: GPL-2.0
/* plot.c - gnuplot as a child fed on a pipe (plot.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch.h"
#include "log.h"
#include "plot.h"

void plot__str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('\'', f);
}

int plot__open(struct plot *p, const char *out, int width, int height,
	       const char *font)
{
	const char *env = getenv("GNUPLOT");
	char gnuplot[PATH_MAX];
	int pfd[2];

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	p->out = out;
	if (launch__resolve(env && *env ? env : "gnuplot", gnuplot, sizeof(gnuplot))) {
		log_err("gnuplot not found (Debian: apt-get install gnuplot-nox, "
			"or set GNUPLOT=path)");
		return -1;
	}
	if (pipe2(pfd, O_CLOEXEC)) {
		log_err("pipe: %s", strerror(errno));
		return -1;
	}
	p->pid = fork();
	if (p->pid < 0) {
		log_err("fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (p->pid == 0) {
		dup2(pfd[0], 0);
		execl(gnuplot, "gnuplot", (char *)NULL);
		_exit(127);
	}
	close(pfd[0]);
	p->f = fdopen(pfd[1], "w");
	if (!p->f) {
		log_err("writing to gnuplot: %s", strerror(errno));
		close(pfd[1]);
		waitpid(p->pid, NULL, 0);
		return -1;
	}
	/* pngcairo draws antialiased text; plain png is the fallback */
	fprintf(p->f, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		"  set terminal pngcairo size %d,%d%s%s%s\n"
		"} else {\n"
		"  set terminal png size %d,%d\n"
		"}\nset output ", width, height, font ? " font '" : "",
		font ? font : "", font ? "'" : "", width, height);
	plot__str(p->f, out);
	fputc('\n', p->f);
	return 0;
}

int plot__close(struct plot *p)
{
	int status, failed = 0;

	if (!p->f)
		return -1;
	if (fclose(p->f)) {
		log_warn("writing to gnuplot: %s", strerror(errno));
		failed = 1;
	}
	p->f = NULL;
	while (waitpid(p->pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (failed || status == -1 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		log_err("gnuplot failed writing %s", p->out);
		return -1;
	}
	return 0;
}
