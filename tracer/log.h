/* log.h - the one logging module.  -v shows info, -vv debug + libbpf. */
#ifndef SF_LOG_H
#define SF_LOG_H

#include <stdarg.h>

enum log_level { LOG_QUIET = -1, LOG_NORMAL = 0, LOG_INFO = 1, LOG_DEBUG = 2 };

extern int log_level;

void log__init(int level);
/* "sysfence: error: ..." on stderr (always). */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "sysfence: warning: ..." on stderr (always, even with --quiet). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* plain line on stderr at LOG_INFO and above */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
