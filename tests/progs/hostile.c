// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * hostile - targets that misbehave, for tests/integration/t082-hostile.t.
 *
 *   hostile MODE [N]
 *
 * Every marker is getitimer(), called from this executable's own code, so
 * the policy must charge it to this executable, with evidence count = the
 * number of calls made (each mode prints "marker calls: K" on stdout):
 *
 *   segv          one marker, then a NULL write (dies by SIGSEGV)
 *   exit-now      _exit(3) at once, no marker
 *   fork [N]      N (1000) short-lived children, one marker each; with
 *                 SF_HOLD=1 all N are alive at once (they wait on a pipe
 *                 until the last one is forked)
 *   threads [N]   N (200) threads alive at once (barrier), one marker each
 *   exec          re-execs itself as "exec-target" (7 markers there) after
 *                 a child has exec'd /bin/sh -c 'exit 0'
 *   exec-target   7 markers
 *   thread-exec   a second thread (not the group leader) execs
 *                 "exec-target" while the main thread sleeps
 *   comm          renames itself (PR_SET_NAME) and a child, marker in both
 *   stale [N]     N (200) children exit at once; then writes $SF_PIDFILE,
 *                 sleeps $SF_SLEEP_SEC (3) s so the test can look at the
 *                 tracked-process map, one marker, exit
 *   orphan        forks a child and exits at once; the child (reparented)
 *                 makes one marker 0.3 s later, like a daemon
 *   mapfull [N]   prctl() with N (70000) distinct invalid options: more
 *                 (library, syscall, argument) tuples than the counts map
 *                 holds; no marker
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void marker(void)
{
	struct itimerval it;

	getitimer(ITIMER_REAL, &it);
}

static long arg_n(int argc, char **argv, long def)
{
	return argc > 2 ? strtol(argv[2], NULL, 10) : def;
}

static int wait_all(void)
{
	int status, bad = 0;
	pid_t w;

	while ((w = wait(&status)) > 0 || (w < 0 && errno == EINTR))
		if (w > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			bad++;
	return bad;
}

static int do_fork(long n)
{
	int hold[2] = { -1, -1 };

	if (getenv("SF_HOLD") && pipe(hold))
		return 1;
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			char c;

			if (hold[0] >= 0) {
				close(hold[1]);
				while (read(hold[0], &c, 1) < 0 && errno == EINTR)
					;
			}
			marker();
			_exit(0);
		}
	}
	if (hold[0] >= 0) {
		close(hold[0]);
		close(hold[1]); /* EOF: every child goes on */
	}
	if (wait_all())
		return 1;
	printf("marker calls: %ld\n", n);
	return 0;
}

static pthread_barrier_t barrier;

static void *thread_fn(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&barrier); /* all alive at once */
	marker();
	pthread_barrier_wait(&barrier);
	return NULL;
}

static int do_threads(long n)
{
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	pthread_attr_t attr;

	if (!t || pthread_barrier_init(&barrier, NULL, (unsigned)n))
		return 1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (long i = 0; i < n; i++) {
		if (pthread_create(&t[i], &attr, thread_fn, NULL)) {
			fprintf(stderr, "pthread_create %ld failed\n", i);
			return 1;
		}
	}
	for (long i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
	printf("marker calls: %ld\n", n);
	return 0;
}

static int do_exec(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || wait_all())
		return 1;
	fflush(stdout);
	execl("/proc/self/exe", argv[0], "exec-target", (char *)NULL);
	perror("exec");
	return 1;
}

static char *self_argv0;

static void *exec_thread(void *arg)
{
	(void)arg;
	execl("/proc/self/exe", self_argv0, "exec-target", (char *)NULL);
	perror("exec");
	_exit(1);
}

static int do_thread_exec(char **argv)
{
	pthread_t t;

	self_argv0 = argv[0];
	fflush(stdout);
	if (pthread_create(&t, NULL, exec_thread, NULL))
		return 1;
	for (;;)
		pause(); /* killed by the exec in the other thread */
}

static int do_comm(void)
{
	pid_t pid;

	if (prctl(PR_SET_NAME, "innocent", 0, 0, 0))
		return 1;
	marker();
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_NAME, "kworker/0:1", 0, 0, 0);
		marker();
		_exit(0);
	}
	if (pid < 0 || wait_all())
		return 1;
	printf("marker calls: 2\n");
	return 0;
}

static int do_stale(long n)
{
	const char *pidfile = getenv("SF_PIDFILE");
	const char *s = getenv("SF_SLEEP_SEC");
	int secs = s ? atoi(s) : 3;

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(0);
	}
	if (wait_all())
		return 1;
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (!f)
			return 1;
		fprintf(f, "%d\n", getpid());
		fclose(f);
	}
	sleep((unsigned)secs);
	marker();
	printf("marker calls: 1\n");
	return 0;
}

static int do_orphan(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		usleep(300 * 1000);
		marker();
		_exit(0);
	}
	printf("marker calls: 1\n");
	_exit(0);
}

static int do_mapfull(long n)
{
	/* options far above any real PR_* value: every call fails with
	 * EINVAL, each is a distinct (prctl, option) tuple */
	for (long i = 0; i < n; i++)
		prctl((int)(0x40000000 + i), 0, 0, 0, 0);
	printf("prctl calls: %ld\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "segv")) {
		marker();
		printf("marker calls: 1\n");
		*(volatile int *)(uintptr_t)0 = 1;
		return 0;
	}
	if (!strcmp(mode, "exit-now"))
		_exit(3);
	if (!strcmp(mode, "fork"))
		return do_fork(arg_n(argc, argv, 1000));
	if (!strcmp(mode, "threads"))
		return do_threads(arg_n(argc, argv, 200));
	if (!strcmp(mode, "exec"))
		return do_exec(argv);
	if (!strcmp(mode, "exec-target")) {
		for (int i = 0; i < 7; i++)
			marker();
		printf("marker calls: 7\n");
		return 0;
	}
	if (!strcmp(mode, "thread-exec"))
		return do_thread_exec(argv);
	if (!strcmp(mode, "comm"))
		return do_comm();
	if (!strcmp(mode, "stale"))
		return do_stale(arg_n(argc, argv, 200));
	if (!strcmp(mode, "orphan"))
		return do_orphan();
	if (!strcmp(mode, "mapfull"))
		return do_mapfull(arg_n(argc, argv, 70000));
	fprintf(stderr, "usage: hostile segv|exit-now|fork [N]|threads [N]|exec|thread-exec|comm|"
		"stale [N]|orphan|mapfull [N]\n");
	return 2;
}
