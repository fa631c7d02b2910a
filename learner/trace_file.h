/* trace_file.h - trace files (learner/trace_file.c): format v1, zstd,
 * docs/trace-format.md. */
#ifndef SF_TRACE_FILE_H
#define SF_TRACE_FILE_H

#include <stddef.h>

#include "trace.h"

/* Write atomically: temp file in the same directory + fsync + rename +
 * fsync(dir).  On failure the previous file at path is left intact. */
int trace__write(const struct trace *t, const char *path, char *err,
		 size_t errlen);
/* Read and fully validate a trace file (magic, version, checksums, bounds,
 * truncation).  *out is set only on success. */
int trace__read(const char *path, struct trace **out, char *err,
		size_t errlen);
/* Same, from a memory buffer (used by the fuzz harness). */
int trace__read_mem(const void *buf, size_t len, struct trace **out,
		    char *err, size_t errlen);
/* Same, with messages naming the input `name` (a path read elsewhere,
 * e.g. from a pipe that cannot be opened twice). */
int trace__parse(const void *buf, size_t len, const char *name,
		 struct trace **out, char *err, size_t errlen);

#endif /* SF_TRACE_FILE_H */
