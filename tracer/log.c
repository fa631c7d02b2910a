// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <bpf/libbpf.h>

#include "log.h"

int log_level = LOG_NORMAL;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	/* libbpf's own lines (warnings included) only at -vv: what matters
	 * reaches the user as our own one-line error. */
	if (log_level < LOG_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void log__init(int level)
{
	log_level = level;
	libbpf_set_print(libbpf_print);
}

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("sysfence: error: ", fmt, ap);
	va_end(ap);
}

/* Warnings print even with --quiet: they say that something was lost or
 * went elsewhere (a full map, a trace saved to another place). */
void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("sysfence: warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_INFO)
		return;
	va_start(ap, fmt);
	vlog("sysfence: ", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_DEBUG)
		return;
	va_start(ap, fmt);
	vlog("sysfence: debug: ", fmt, ap);
	va_end(ap);
}
