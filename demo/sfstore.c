// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libsfstore.so - see sfstore.h.  File format: one "key\tvalue\n" record
 * per line; in the log the last record of a key wins, the data file holds
 * one record per key.  Reads scan the data file, then the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sfstore.h"

#define MAX_KEYS 1024

struct sfstore {
	char dir[PATH_MAX];
	char log[PATH_MAX + 16];
	char data[PATH_MAX + 16];
	char tmp[PATH_MAX + 16];
	int logfd;
};

struct record {
	char *key;
	char *value;
};

/* Read a whole file into a NUL-terminated malloc'ed buffer ("" if absent). */
static char *slurp(const char *path)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int fd;

	if (!buf)
		return NULL;
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return buf; /* absent: empty */
	for (;;) {
		ssize_t n;

		if (cap - len < 2048) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

/* Split buf in place into records; later records of a key replace earlier. */
static size_t parse(char *buf, struct record *rec, size_t nrec, size_t max)
{
	char *line = buf, *nl;

	for (; *line; line = nl + 1) {
		char *tab;
		size_t i;

		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		for (i = 0; i < nrec; i++)
			if (strcmp(rec[i].key, line) == 0)
				break;
		if (i == nrec) {
			if (nrec == max)
				continue;
			nrec++;
		}
		rec[i].key = line;
		rec[i].value = tab + 1;
	}
	return nrec;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct sfstore *sfstore__open(void)
{
	const char *tmpdir = getenv("TMPDIR");
	struct sfstore *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	/* Not mkdtemp(): glibc's name generator calls getrandom() only when its
	 * rejection sampling needs a second draw, i.e. in some runs and not in
	 * others, and the demo's syscalls must not depend on luck.  A name from
	 * the pid, created with mode 0700 and O_EXCL semantics (mkdir fails on
	 * an existing name), is as safe for a demo's scratch directory.  A
	 * name left by a killed run whose pid came round again (the demo's
	 * attacks are killed before they clean up) is skipped: the next
	 * suffix is tried, with the same mkdir, so the calls stay the same. */
	for (int i = 0;; i++) {
		snprintf(s->dir, sizeof(s->dir), i ? "%s/sfdemo.%ld.%d" : "%s/sfdemo.%ld",
			 tmpdir && *tmpdir ? tmpdir : "/tmp", (long)getpid(), i);
		if (!mkdir(s->dir, 0700))
			break;
		if (errno != EEXIST || i == 99) {
			free(s);
			return NULL;
		}
	}
	snprintf(s->log, sizeof(s->log), "%s/store.log", s->dir);
	snprintf(s->data, sizeof(s->data), "%s/store.db", s->dir);
	snprintf(s->tmp, sizeof(s->tmp), "%s/store.db.tmp", s->dir);
	s->logfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (s->logfd < 0) {
		int err = errno;

		rmdir(s->dir);
		free(s);
		errno = err;
		return NULL;
	}
	return s;
}

int sfstore__put(struct sfstore *s, const char *key, const char *value)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "%s\t%s\n", key, value);

	if (n < 0 || (size_t)n >= sizeof(line) || strchr(key, '\t') ||
	    strchr(key, '\n') || strchr(value, '\n'))
		return -EINVAL;
	return write_all(s->logfd, line, (size_t)n);
}

int sfstore__get(struct sfstore *s, const char *key, char *buf, size_t len)
{
	static struct record rec[MAX_KEYS];
	const char *paths[2] = { s->data, s->log };
	int found = -ENOENT;
	int i;

	for (i = 0; i < 2; i++) {
		char *text = slurp(paths[i]);
		size_t n, j;

		if (!text)
			return -ENOMEM;
		n = parse(text, rec, 0, MAX_KEYS);
		for (j = 0; j < n; j++)
			if (strcmp(rec[j].key, key) == 0) {
				snprintf(buf, len, "%s", rec[j].value);
				found = 0;
			}
		free(text);
	}
	return found;
}

int sfstore__compact(struct sfstore *s)
{
	static struct record rec[MAX_KEYS];
	char *old = slurp(s->data), *log = slurp(s->log);
	size_t n, i;
	int fd, err = 0;

	if (!old || !log) {
		err = -ENOMEM;
		goto cleanup;
	}
	n = parse(old, rec, 0, MAX_KEYS);
	n = parse(log, rec, n, MAX_KEYS);
	fd = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	for (i = 0; i < n && !err; i++) {
		char line[512];
		int len = snprintf(line, sizeof(line), "%s\t%s\n", rec[i].key,
				   rec[i].value);

		if (len > 0 && (size_t)len < sizeof(line))
			err = write_all(fd, line, (size_t)len);
	}
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(s->tmp, s->data) < 0)
		err = -errno;
	if (!err && ftruncate(s->logfd, 0) < 0)
		err = -errno;
cleanup:
	free(old);
	free(log);
	return err;
}

long sfstore__count(struct sfstore *s)
{
	static struct record rec[MAX_KEYS];
	char *text = slurp(s->data);
	long n;

	if (!text)
		return -ENOMEM;
	n = (long)parse(text, rec, 0, MAX_KEYS);
	free(text);
	return n;
}

void sfstore__close(struct sfstore *s)
{
	if (!s)
		return;
	close(s->logfd);
	unlink(s->log);
	unlink(s->data);
	unlink(s->tmp);
	rmdir(s->dir);
	free(s);
}
