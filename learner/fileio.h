/* fileio.h - whole-file read and atomic whole-file write.
 *
 * Same error contract as trace.h: 0 or -errno, one-line message in err.
 */
#ifndef SF_FILEIO_H
#define SF_FILEIO_H

#include <stddef.h>

/* Default cap for fileio__read_all (256 MiB). */
#define FILEIO_READ_CAP ((size_t)256 << 20)

/* Replace path with buf[0..len) atomically: temp file in the same directory
 * (mkstemp), write, fsync, rename over path, fsync the directory.  On any
 * failure the temp file is removed and the previous file is left intact.
 * A new file gets mode 0644; an existing file keeps its mode. */
int fileio__write_atomic(const char *path, const void *buf, size_t len,
			 char *err, size_t errlen);

/* Read a whole file into a malloc'd buffer (NUL-terminated, *len excludes
 * the NUL).  Files larger than cap fail with -EFBIG; an empty file fails
 * with -ENODATA ("<path>: empty file"). */
int fileio__read_all(const char *path, size_t cap, char **buf, size_t *len,
		     char *err, size_t errlen);

#endif /* SF_FILEIO_H */
