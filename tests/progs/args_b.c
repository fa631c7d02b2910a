/* args_b.c - libargs_b.so for t040-args: creates a file (O_CREAT|O_WRONLY|
 * O_TRUNC), an AF_UNIX and an AF_INET stream socket, and maps
 * PROT_READ|PROT_EXEC anonymous memory. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "args.h"

int args_b_work(const char *dir)
{
	char path[4096];
	int fd, s1, s2, ret = 0;
	void *m;

	snprintf(path, sizeof(path), "%s/args-b.out", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "b\n", 2) != 2)
		ret = -1;
	if (fd >= 0)
		close(fd);
	s1 = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	s2 = socket(AF_INET, SOCK_STREAM, 0);
	if (s1 < 0 || s2 < 0)
		ret = -1;
	m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		ret = -1;
	else
		munmap(m, 4096);
	if (s1 >= 0)
		close(s1);
	if (s2 >= 0)
		close(s2);
	return ret;
}
