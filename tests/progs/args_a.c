/* args_a.c - libargs_a.so for t040-args: reads one file, O_RDONLY only. */
#include <fcntl.h>
#include <unistd.h>

#include "args.h"

int args_a_read(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n < 0 ? -1 : 0;
}
