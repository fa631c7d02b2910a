// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libsfnet.so - see sfnet.h.  The server runs on a thread started here, so
 * its accept4/recv/send are made from this library's thread function.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sfnet.h"

struct sfnet {
	int lfd;  /* listening socket */
	int cfd;  /* client side */
	pthread_t server;
};

static void *echo_server(void *arg)
{
	struct sfnet *n = arg;
	char buf[4096];
	int fd = accept4(n->lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t got = recv(fd, buf, sizeof(buf), 0), off = 0;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		while (off < got) {
			ssize_t sent = send(fd, buf + off, (size_t)(got - off),
					    MSG_NOSIGNAL);

			if (sent < 0 && errno == EINTR)
				continue;
			if (sent < 0)
				goto out;
			off += sent;
		}
	}
out:
	close(fd);
	/* Linger, so that sfnet__stop's pthread_join always has to wait (a
	 * futex call): the demo's syscalls must not depend on thread timing,
	 * or one learning run could miss what the next run makes. */
	usleep(20000);
	return NULL;
}

struct sfnet *sfnet__start(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t alen = sizeof(addr);
	struct sfnet *n = calloc(1, sizeof(*n));
	int one = 1, err;

	if (!n)
		return NULL;
	n->lfd = n->cfd = -1;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	n->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (n->lfd < 0 || bind(n->lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(n->lfd, 4) < 0 ||
	    getsockname(n->lfd, (struct sockaddr *)&addr, &alen) < 0)
		goto fail;
	if ((errno = pthread_create(&n->server, NULL, echo_server, n)) != 0)
		goto fail;
	n->cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (n->cfd < 0 ||
	    setsockopt(n->cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    connect(n->cfd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = errno;
		/* Unblock the server's accept4 and reap it. */
		shutdown(n->lfd, SHUT_RDWR);
		pthread_join(n->server, NULL);
		errno = err;
		goto fail;
	}
	return n;
fail:
	err = errno;
	if (n->cfd >= 0)
		close(n->cfd);
	if (n->lfd >= 0)
		close(n->lfd);
	free(n);
	errno = err;
	return NULL;
}

int sfnet__roundtrip(struct sfnet *n, const void *buf, size_t len, void *out)
{
	size_t off = 0;

	while (off < len) {
		ssize_t sent = send(n->cfd, (const char *)buf + off, len - off,
				    MSG_NOSIGNAL);

		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0)
			return -errno;
		off += (size_t)sent;
	}
	for (off = 0; off < len;) {
		ssize_t got = recv(n->cfd, (char *)out + off, len - off, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == 0)
			return -ECONNRESET;
		off += (size_t)got;
	}
	return 0;
}

void sfnet__stop(struct sfnet *n)
{
	if (!n)
		return;
	shutdown(n->cfd, SHUT_WR);
	pthread_join(n->server, NULL);
	close(n->cfd);
	close(n->lfd);
	free(n);
}
