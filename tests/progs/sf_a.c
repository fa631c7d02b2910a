// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libsf_a.so - main library of the attribution matrix.
 *
 * Every libc call stores its result in a volatile sink (or is followed by
 * more work) so that -O2 cannot turn it into a tail jump: the return address
 * the unwinder finds must be inside this library.
 */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sf_a.h"
#include "sf_b.h"

volatile long sf_a_sink;

int sf_a_wrapper(void)
{
	sf_a_sink = getppid();
	return 0;
}

int sf_a_printf(void)
{
	/* The test sends stdout to /dev/null; nothing else in the process
	 * writes, so every write of this run comes from here. */
	printf("sysfence matrix: printf from libsf_a.so\n");
	sf_a_sink = fflush(stdout);
	return 0;
}

int sf_a_fopen(void)
{
	FILE *f = fopen("/proc/self/cmdline", "r");

	if (!f)
		return 1;
	sf_a_sink = fgetc(f);
	fclose(f);
	return 0;
}

int sf_a_readdir(void)
{
	DIR *d = opendir("/");
	struct dirent *de;
	long n = 0;

	if (!d)
		return 1;
	while ((de = readdir(d)) != NULL)
		n++;
	closedir(d);
	sf_a_sink = n;
	return n > 0 ? 0 : 1;
}

int sf_a_gethostname(void)
{
	char name[256];

	sf_a_sink = gethostname(name, sizeof(name));
	return (int)sf_a_sink;
}

int sf_a_malloc_mmap(void)
{
	size_t len = 64u << 20; /* far above the mmap threshold */
	char *p = malloc(len);

	if (!p)
		return 1;
	p[0] = 1;
	p[len - 1] = 1;
	sf_a_sink = (long)p;
	free(p);
	return 0;
}

#define BRK_CHUNKS 256
#define BRK_CHUNK_BYTES 4000 /* 256 * 4000 ~ 1 MB: grows the heap by brk */
static void *brk_chunks[BRK_CHUNKS];

int sf_a_malloc_brk(void)
{
	int i;

	/* Far more than the initial 132 KB heap top, so this library makes
	 * brk calls even if something else initialised malloc first. */
	for (i = 0; i < BRK_CHUNKS; i++) {
		brk_chunks[i] = malloc(BRK_CHUNK_BYTES);
		if (!brk_chunks[i])
			return 1;
		((volatile char *)brk_chunks[i])[0] = (char)i;
	}
	sf_a_sink = (long)brk_chunks[BRK_CHUNKS - 1];
	for (i = 0; i < BRK_CHUNKS; i++)
		free(brk_chunks[i]);
	return 0;
}

int sf_a_syscall(void)
{
	sf_a_sink = syscall(SYS_getpgrp);
	return 0;
}

int sf_a_nested(void)
{
	sf_a_sink = sf_b_umask();
	return 0;
}

static void *pthread_fn(void *arg)
{
	struct tms t;

	sf_a_sink = (long)times(&t);
	return arg;
}

int sf_a_pthread(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, pthread_fn, NULL) != 0)
		return 1;
	return pthread_join(th, NULL) != 0;
}

int sf_a_fork(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		struct rusage ru;

		sf_a_sink = getrusage(RUSAGE_SELF, &ru);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int sf_a_sleep_marker(void)
{
	sf_a_sink = sched_getscheduler(0);
	return 0;
}
