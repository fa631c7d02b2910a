/* sfparse.h - libsfparse: a tiny record format, the fuzz-learning example.
 *
 * An SFR1 file is
 *   "SFR1"  u8 version (1)  u8 nrecords
 *   nrecords x { u8 type, u8 len, len bytes of data }
 *   u8 checksum (sum of every preceding byte, mod 256)
 * Record types: 1 name (text), 2 number (1-8 bytes, little endian),
 * 3 blob.  Anything else is malformed.
 *
 * The happy path only reads.  A malformed input is reported to a
 * diagnostic log (SFPARSE_DIAG, default /tmp/sfparse-diag.log) with system
 * calls the happy path never makes: openat(O_CREAT|O_APPEND), flock,
 * uname, getppid, write, fsync; a bad checksum also reports the uptime
 * (sysinfo), an oversized record the resource usage (getrusage).  Record
 * type 0x7f is a deliberate bug: abort(), so that fuzzing finds a crash.
 */
#ifndef SFPARSE_H
#define SFPARSE_H

#include <stddef.h>
#include <stdint.h>

#define SFPARSE_MAX_RECORDS 32

struct sfparse_record {
	uint8_t type;
	uint8_t len;
	const uint8_t *data;
};

struct sfparse_doc {
	uint8_t version;
	unsigned nrecords;
	struct sfparse_record rec[SFPARSE_MAX_RECORDS];
};

enum sfparse_err {
	SFPARSE_OK = 0,
	SFPARSE_BAD_MAGIC,
	SFPARSE_BAD_VERSION,
	SFPARSE_TRUNCATED,
	SFPARSE_TOO_MANY,
	SFPARSE_BAD_TYPE,
	SFPARSE_TOO_LONG,
	SFPARSE_BAD_CHECKSUM,
	SFPARSE_IO,
};

/* Read a whole file (path, or stdin when path is NULL) into a malloc'd
 * buffer.  0 or an sfparse_err. */
int sfparse_read(const char *path, uint8_t **buf, size_t *len);
/* Parse buf; on failure the error has been written to the diagnostic log.
 * doc points into buf. */
int sfparse_parse(const uint8_t *buf, size_t len, struct sfparse_doc *doc);
const char *sfparse_strerror(int err);

#endif
