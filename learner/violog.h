/* violog.h - reading the violation logs of `enforce -l` (JSON lines) back
 * as recordings, so that `merge` folds what complain mode saw into a
 * policy.  Pure C (libcjson). */
#ifndef SF_VIOLOG_H
#define SF_VIOLOG_H

#include <stddef.h>

#include "trace.h"

/* 1 when buf (a whole file) is a violation log: its first non-blank line
 * is one complete JSON object with a "syscall" member, or the file is
 * several JSON values one per line (JSON lines); else 0. */
int violog__detect(const char *buf, size_t len);

/* Parse a violation log into a fresh trace: one library per (library
 * path, buildId, kind), one tuple per distinct (library, syscall,
 * argValues) with its count (a key's count is the largest of its lines
 * with the same "first" time, summed over different "first" times: one
 * run's lines carry running totals, several runs may share a file).
 * A Landlock floor denial ("reason": "outside the Landlock floor") that
 * names a library and a resolved path or a port becomes an object of that
 * library's call (paths and ports; docs/paths.md); one without is skipped.
 * Blank lines are skipped.  name is the file name used in messages
 * ("F:LINE: ..."). 0 or -errno (-EINVAL: malformed, err says where). */
int violog__to_trace(const char *buf, size_t len, const char *name, struct trace **out,
		     char *err, size_t errlen);

#endif /* SF_VIOLOG_H */
