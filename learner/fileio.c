/* fileio.c - whole-file read and atomic whole-file write. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fileio__write_atomic(const char *path, const void *buf, size_t len,
			 char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *tmp = NULL, *dir = NULL;
	mode_t mode = 0644;
	struct stat st;
	int fd = -1, dfd, rc;

	if (!*path) {
		util__errf(err, errlen, "cannot write '': empty path");
		return -EINVAL;
	}
	if (slash)
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	else
		dir = strdup(".");
	if (!dir || asprintf(&tmp, "%s/.%s.XXXXXX", dir,
			     slash ? slash + 1 : path) < 0) {
		tmp = NULL;
		rc = -ENOMEM;
		goto fail;
	}
	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;

	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		tmp = NULL; /* nothing to unlink */
		goto fail;
	}
	if (fchmod(fd, mode) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = write_full(fd, buf, len);
	if (rc)
		goto fail;
	if (fsync(fd) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = close(fd);
	fd = -1;
	if (rc < 0) {
		rc = -errno;
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		rc = -errno;
		goto fail;
	}
	free(tmp);
	tmp = NULL;

	/* make the rename durable; filesystems without directory fsync
	 * report EINVAL, which is not an error for us */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd) < 0 && errno != EINVAL && errno != EROFS) {
			rc = -errno;
			close(dfd);
			util__errf(err, errlen, "cannot sync directory of %s: %s",
				   path, strerror(-rc));
			free(dir);
			return rc;
		}
		close(dfd);
	}
	free(dir);
	return 0;

fail:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	util__errf(err, errlen, "cannot write %s: %s", path, strerror(-rc));
	return rc;
}

int fileio__read_all(const char *path, size_t cap, char **buf, size_t *len,
		     char *err, size_t errlen)
{
	size_t size = 0, alloc = 0;
	char *data = NULL;
	struct stat st;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		util__errf(err, errlen, "cannot open %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		util__errf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		util__errf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
		goto out;
	}
	/* regular files: allocate once (+1 for the NUL, +1 so the read that
	 * sees EOF has room); pipes etc.: grow */
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((unsigned long long)st.st_size > cap) {
			rc = -EFBIG;
			goto too_big;
		}
		alloc = (size_t)st.st_size + 2;
	} else {
		alloc = 65536;
	}
	for (;;) {
		ssize_t n;

		if (size + 1 >= alloc) {
			size_t nalloc = alloc + (alloc / 2 > 65536 ? alloc / 2 : 65536);
			char *p;

			if (nalloc > cap + 2)
				nalloc = cap + 2;
			p = realloc(data, nalloc);
			if (!p) {
				rc = -ENOMEM;
				util__errf(err, errlen, "cannot read %s: %s", path,
					   strerror(ENOMEM));
				goto out;
			}
			data = p;
			alloc = nalloc;
		} else if (!data) {
			data = malloc(alloc);
			if (!data) {
				rc = -ENOMEM;
				util__errf(err, errlen, "cannot read %s: %s", path,
					   strerror(ENOMEM));
				goto out;
			}
		}
		n = read(fd, data + size, alloc - size - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			util__errf(err, errlen, "cannot read %s: %s", path,
				   strerror(-rc));
			goto out;
		}
		if (n == 0)
			break;
		size += (size_t)n;
		if (size > cap) {
			rc = -EFBIG;
			goto too_big;
		}
	}
	if (size == 0) {
		rc = -ENODATA;
		util__errf(err, errlen, "%s: empty file", path);
		goto out;
	}
	data[size] = '\0';
	*buf = data;
	*len = size;
	data = NULL;
	rc = 0;
	goto out;

too_big:
	util__errf(err, errlen, "%s: file too large (limit %zu MiB)", path,
		   cap >> 20);
out:
	free(data);
	close(fd);
	return rc;
}
