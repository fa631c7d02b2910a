/* check.h - validate a (hand-edited) policy and report every problem with
 * file:line.  Lines come from the position-aware JSON layer (jsonpos.h)
 * the policy reader uses as well.
 *
 * Pure C: whether a library exists on this machine is asked through a
 * callback (the CLI passes one that stats the path).
 */
#ifndef SF_CHECK_H
#define SF_CHECK_H

#include <stddef.h>

enum check_severity { CHECK_WARNING = 0, CHECK_ERROR = 1 };

struct check_diag {
	enum check_severity severity;
	unsigned line;       /* 1-based, 0 when unknown */
	char *msg;           /* one line, no file name */
};

struct check_result {
	struct check_diag *diags; /* in file order where lines are known */
	size_t n;
	size_t nerrors, nwarnings;
};

/* exists(path) returns nonzero when path exists; NULL skips the check. */
typedef int (*check_exists_fn)(const char *path);

/* Check buf[0..len).  Returns 0 (see *out for the verdict) or -ENOMEM. */
int check__text(const char *buf, size_t len, check_exists_fn exists,
		struct check_result **out);
void check__free(struct check_result *r);

/* 1-based line where the value at path starts in the JSON text, or 0 when
 * the path is not there or the text is not JSON.  path: keys
 * joined with '.', indexes in brackets; "" = the root. */
unsigned check__locate(const char *buf, size_t len, const char *path);

#endif /* SF_CHECK_H */
