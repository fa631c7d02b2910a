/* pathtest.c - t105-paths driver: one executable, two libraries
 * (libpaths_w.so writes under DIR/a and listens, libpaths_r.so reads
 * /etc/hostname and connects).  Each step prints "STEP ok" or
 * "STEP errno N" and the program goes on, so a test sees every outcome.
 *
 *   pathtest learn DIR PORT        writer: DIR/a/f1, DIR/a/f2, listen PORT;
 *                                  reader: /etc/hostname, connect PORT
 *   pathtest write DIR NAME        writer writes DIR/NAME
 *   pathtest writeat DIR REL       writer: openat(fd of DIR, REL, O_CREAT)
 *                                  after a chdir to / (REL is not cwd's)
 *   pathtest create PATH           the reader creates PATH (O_CREAT)
 *   pathtest listen PORT           writer listens on PORT
 *   pathtest connect PORT          reader connects to PORT
 *   pathtest exec PATH [ARGS...]   execv PATH
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

static void step(const char *what, int ret)
{
	if (ret < 0)
		printf("%s errno %d\n", what, -ret);
	else
		printf("%s ok\n", what);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char dir[4096];

	if (argc < 3) {
		fprintf(stderr, "usage: pathtest learn|write|create|listen|connect|exec ...\n");
		return 2;
	}
	if (!strcmp(argv[1], "learn") && argc == 4) {
		int port = atoi(argv[3]), fd;

		snprintf(dir, sizeof(dir), "%s/a", argv[2]);
		step("write-f1", paths_w_write(dir, "f1"));
		step("write-f2", paths_w_write(dir, "f2"));
		step("read", paths_r_read("/etc/hostname"));
		fd = paths_w_listen(port);
		step("listen", fd);
		step("connect", paths_r_connect(port));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (!strcmp(argv[1], "write") && argc == 4) {
		step("write", paths_w_write(argv[2], argv[3]));
		return 0;
	}
	if (!strcmp(argv[1], "writeat") && argc == 4) {
		int dfd = open(argv[2], O_RDONLY | O_DIRECTORY);

		if (dfd < 0 || chdir("/")) {
			step("writeat", -errno);
			return 0;
		}
		step("writeat", paths_w_writeat(dfd, argv[3]));
		close(dfd);
		return 0;
	}
	if (!strcmp(argv[1], "create")) {
		step("create", paths_r_create(argv[2]));
		return 0;
	}
	if (!strcmp(argv[1], "listen")) {
		int fd = paths_w_listen(atoi(argv[2]));

		step("listen", fd);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (!strcmp(argv[1], "connect")) {
		step("connect", paths_r_connect(atoi(argv[2])));
		return 0;
	}
	if (!strcmp(argv[1], "exec")) {
		execv(argv[2], argv + 2);
		step("exec", -errno);
		return 0;
	}
	fprintf(stderr, "pathtest: unknown command %s\n", argv[1]);
	return 2;
}
