// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sf-bench-empty [--exit] - attach bench/empty.bpf.c (an empty
 * tp_btf/sys_enter program; with --exit an empty tp_btf/sys_exit program
 * too), print "ready" on stdout, stay attached until SIGTERM/SIGINT.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "empty.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int print_warn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	int with_exit = argc == 2 && !strcmp(argv[1], "--exit");
	struct sigaction sa = { .sa_handler = on_signal };
	struct empty_bpf *skel;
	sigset_t block, old;
	int ret = 1;

	libbpf_set_print(print_warn);
	/* Blocked until sigsuspend: a signal cannot slip in before the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (argc > 2 || (argc == 2 && !with_exit)) {
		fprintf(stderr, "usage: sf-bench-empty [--exit]\n");
		return 2;
	}
	skel = empty_bpf__open();
	if (skel)
		bpf_program__set_autoattach(skel->progs.bench_empty_sys_exit, with_exit);
	if (!skel || empty_bpf__load(skel)) {
		fprintf(stderr, "sf-bench-empty: error: cannot load: %s\n", strerror(errno));
		empty_bpf__destroy(skel);
		return 1;
	}
	if (empty_bpf__attach(skel)) {
		fprintf(stderr, "sf-bench-empty: error: cannot attach: %s\n", strerror(errno));
		goto cleanup;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		sigsuspend(&old);
	ret = 0;
cleanup:
	empty_bpf__destroy(skel);
	return ret;
}
