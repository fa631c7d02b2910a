// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* sfparse.c - libsfparse (see sfparse.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sfparse.h"

static const char *const errnames[] = {
	[SFPARSE_OK] = "ok",
	[SFPARSE_BAD_MAGIC] = "bad magic",
	[SFPARSE_BAD_VERSION] = "unsupported version",
	[SFPARSE_TRUNCATED] = "truncated input",
	[SFPARSE_TOO_MANY] = "too many records",
	[SFPARSE_BAD_TYPE] = "unknown record type",
	[SFPARSE_TOO_LONG] = "record too long for its type",
	[SFPARSE_BAD_CHECKSUM] = "checksum mismatch",
	[SFPARSE_IO] = "cannot read input",
};

const char *sfparse_strerror(int err)
{
	if (err < 0 || (size_t)err >= sizeof(errnames) / sizeof(errnames[0]))
		return "?";
	return errnames[err];
}

int sfparse_read(const char *path, uint8_t **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	uint8_t *b = malloc(cap);
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	ssize_t r;

	if (!b || fd < 0) {
		free(b);
		return SFPARSE_IO;
	}
	for (;;) {
		if (n == cap) {
			uint8_t *nb = cap < (1u << 20) ? realloc(b, cap * 2) : NULL;

			if (!nb)
				break;
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (path)
		close(fd);
	*buf = b;
	*len = n;
	return SFPARSE_OK;
}

/* The error path: everything below is what a policy learned from valid
 * inputs alone has never seen. */
static void report(int err, size_t offset)
{
	const char *path = getenv("SFPARSE_DIAG");
	struct utsname u;
	char line[512];
	int fd, n;

	if (!path || !*path)
		path = "/tmp/sfparse-diag.log";
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (uname(&u))
		strcpy(u.release, "?");
	n = snprintf(line, sizeof(line), "sfparse: %s at offset %zu (parent %d, kernel %s)",
		     sfparse_strerror(err), offset, (int)getppid(), u.release);
	if (err == SFPARSE_BAD_CHECKSUM) {
		struct sysinfo si;

		if (!sysinfo(&si))
			n += snprintf(line + n, sizeof(line) - (size_t)n, " uptime %lds",
				      si.uptime);
	} else if (err == SFPARSE_TOO_LONG) {
		struct rusage ru;

		if (!getrusage(RUSAGE_SELF, &ru))
			n += snprintf(line + n, sizeof(line) - (size_t)n, " maxrss %ldkB",
				      ru.ru_maxrss);
	}
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (!flock(fd, LOCK_EX)) {
		if (write(fd, line, (size_t)n) == n)
			fsync(fd);
		flock(fd, LOCK_UN);
	}
	close(fd);
}

static int fail(int err, size_t offset)
{
	report(err, offset);
	return err;
}

int sfparse_parse(const uint8_t *buf, size_t len, struct sfparse_doc *doc)
{
	size_t pos = 6;
	uint8_t sum = 0;

	memset(doc, 0, sizeof(*doc));
	if (len < 4 || memcmp(buf, "SFR1", 4))
		return fail(SFPARSE_BAD_MAGIC, 0);
	if (len < 7)
		return fail(SFPARSE_TRUNCATED, len);
	doc->version = buf[4];
	if (doc->version != 1)
		return fail(SFPARSE_BAD_VERSION, 4);
	if (buf[5] > SFPARSE_MAX_RECORDS)
		return fail(SFPARSE_TOO_MANY, 5);
	for (unsigned i = 0; i < buf[5]; i++) {
		struct sfparse_record *r = &doc->rec[i];

		if (pos + 2 > len)
			return fail(SFPARSE_TRUNCATED, pos);
		r->type = buf[pos];
		r->len = buf[pos + 1];
		if (pos + 2 + r->len > len)
			return fail(SFPARSE_TRUNCATED, pos);
		r->data = buf + pos + 2;
		switch (r->type) {
		case 1: /* name */
		case 3: /* blob */
			break;
		case 2: /* number */
			if (r->len == 0 || r->len > 8)
				return fail(SFPARSE_TOO_LONG, pos);
			break;
		case 0x7f:
			/* The deliberate bug: an "impossible" nested record. */
			abort();
		default:
			return fail(SFPARSE_BAD_TYPE, pos);
		}
		pos += 2 + (size_t)r->len;
		doc->nrecords++;
	}
	if (pos + 1 != len)
		return fail(SFPARSE_TRUNCATED, pos);
	for (size_t i = 0; i < pos; i++)
		sum = (uint8_t)(sum + buf[i]);
	if (sum != buf[pos])
		return fail(SFPARSE_BAD_CHECKSUM, pos);
	return SFPARSE_OK;
}
