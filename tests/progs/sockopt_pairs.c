// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* sockopt_pairs - socket options at two levels, for t041-sockopt-pairs.t.
 *
 * Always: setsockopt(SOL_SOCKET, SO_REUSEADDR) and
 * setsockopt(IPPROTO_TCP, TCP_NODELAY) on one TCP socket.  With an
 * argument, one pair it never sets otherwise, made of the same numbers:
 *   so-debug       SOL_SOCKET with TCP_NODELAY's number (1 = SO_DEBUG)
 *   tcp-maxseg     IPPROTO_TCP with SO_REUSEADDR's number (2 = TCP_MAXSEG)
 * A policy of two independent sets (levels, options) allows both; a policy
 * of pairs allows neither.  Exit 0 when every call succeeded. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int one = 1, mss = 1200, s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0) {
		perror("socket");
		return 1;
	}
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))) {
		perror("setsockopt");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "so-debug") &&
	    setsockopt(s, SOL_SOCKET, TCP_NODELAY, &one, sizeof(one))) {
		perror("setsockopt(SOL_SOCKET, 1)");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "tcp-maxseg") &&
	    setsockopt(s, IPPROTO_TCP, SO_REUSEADDR, &mss, sizeof(mss))) {
		perror("setsockopt(IPPROTO_TCP, 2)");
		return 1;
	}
	close(s);
	printf("sockopt_pairs: done\n");
	return 0;
}
