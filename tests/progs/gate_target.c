// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * gate-target - the target of the gate tests (tests/integration/t047-gate.t).
 *
 *   gate-target learn DIR PORT PID EXEC
 *       Every class of gate_lib.c once through libgate_ok.so (files in
 *       DIR, a connection to 127.0.0.1:PORT, SIGUSR1 to PID, fork+exec of
 *       "EXEC DIR/exec-marker"); libgate_bad.so only reads a file.
 *   gate-target run ok|bad CLASS ARG
 *       One call of CLASS on ARG from that library; prints
 *       "result CLASS R" (R = return value or -errno) on stdout.
 *   gate-target marker FILE
 *       (the exec'd program) creates FILE through libgate_ok.so.
 *   gate-target listen PORT FILE SECONDS
 *       Accept connections on 127.0.0.1:PORT for SECONDS; append a line to
 *       FILE for each (prints "listening" once ready).
 *   gate-target sigwait FILE SECONDS
 *       Append "SIGUSR1" to FILE for each SIGUSR1 received; prints its pid.
 *   gate-target flood THREADS N CLASS ARG
 *       THREADS threads each make N allowed calls of CLASS through
 *       libgate_ok.so (ARG.<thread>.<i>), then one thread makes the call
 *       through libgate_bad.so; prints "flood done" if it survives.
 *   gate-target loop N CLASS ARG
 *       N calls of CLASS through libgate_ok.so; prints "us per call X".
 *   gate-target enosys DIR
 *       Installs a filter that pauses mkdir/mkdirat for a listener, closes
 *       the listener, then mkdir(DIR/enosys): prints "mkdir errno E" (the
 *       kernel's answer when no supervisor is left: ENOSYS).
 *   gate-target orphan-call CLASS ARG
 *       A thread makes the call through libgate_ok.so while the process
 *       exits (status 7) 100 ms later: a paused call whose thread is gone
 *       when the supervisor answers (run with SF_GATE_TEST_DELAY_MS).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long gate_ok_do(const char *cls, const char *arg);
long gate_bad_do(const char *cls, const char *arg);

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One call of cls through lib (0 = libgate_ok.so); "exec" forks here
 * first (the fork is the executable's call) and returns the child's exit
 * status or -128 - signal; ARG "self" = this process's pid. */
static int flood(int nt, int n, const char *cls, const char *arg, int bad);

static long run(int bad, const char *cls, const char *arg)
{
	char self[32];

	if (!strcmp(arg, "self")) {
		snprintf(self, sizeof(self), "%d", getpid());
		arg = self;
	}
	if (!strcmp(cls, "exec")) {
		int st = 0;
		pid_t pid = fork();

		if (pid < 0)
			return -errno;
		if (pid == 0) {
			bad ? gate_bad_do(cls, arg) : gate_ok_do(cls, arg);
			_exit(126);
		}
		if (waitpid(pid, &st, 0) < 0)
			return -errno;
		return WIFEXITED(st) ? WEXITSTATUS(st) : -128 - WTERMSIG(st);
	}
	return bad ? gate_bad_do(cls, arg) : gate_ok_do(cls, arg);
}

static void *learn_thread(void *p)
{
	return (void *)gate_ok_do("open-write", p);
}

static int learn(const char *dir, const char *port, const char *pid, const char *exec)
{
	static const char *const file_classes[] = { "open-write", "chmod", "chown", "rename",
						    "mkdir", "link", "delete" };
	char f[4096], f2[4200], e[8400];

	snprintf(f, sizeof(f), "%s/learn-file", dir);
	for (size_t i = 0; i < sizeof(file_classes) / sizeof(file_classes[0]); i++) {
		const char *c = file_classes[i];

		/* delete the renamed file, mkdir/link a fresh name */
		if (!strcmp(c, "mkdir"))
			snprintf(f, sizeof(f), "%s/learn-dir", dir);
		if (!strcmp(c, "link"))
			snprintf(f, sizeof(f), "%s/learn-link", dir);
		if (!strcmp(c, "delete"))
			snprintf(f, sizeof(f), "%s/learn-link", dir);
		printf("learn %s %ld\n", c, gate_ok_do(c, f));
		if (!strcmp(c, "rename")) {
			snprintf(f2, sizeof(f2), "%s.2", f);
			rename(f2, f); /* from the executable: any unit */
		}
	}
	printf("learn net %ld\n", gate_ok_do("net", port));
	printf("learn signal %ld\n", gate_ok_do("signal", pid));
	snprintf(e, sizeof(e), "%s %s/exec-marker", exec, dir);
	printf("learn exec %ld\n", run(0, "exec", e));
	printf("learn exec-mem %ld\n", gate_ok_do("exec-mem", ""));
	printf("learn ptrace %ld\n", run(0, "ptrace", "self"));
	printf("learn cred %ld\n", gate_ok_do("cred", ""));
	/* flood and orphan-call: many threads, a sleep, an _exit */
	snprintf(f2, sizeof(f2), "%s/learn-flood", dir);
	flood(100, 1, "open-write", f2, 0);
	usleep(1000);
	{
		/* threads (flood, orphan-call): a thread's start-up and exit */
		pthread_t th;
		void *r = NULL;

		snprintf(f2, sizeof(f2), "%s/learn-thread", dir);
		pthread_create(&th, NULL, learn_thread, f2);
		pthread_join(th, &r);
		printf("learn thread %ld\n", (long)r);
	}
	snprintf(f, sizeof(f), "%s/learn-file", dir);
	printf("learn bad read %ld\n", gate_bad_do("read", f));
	printf("learn bad vfork %ld\n", gate_bad_do("vfork-noexec", ""));
	snprintf(e, sizeof(e), "%s %s/vfork-marker", exec, dir);
	printf("learn vfork-exec %ld\n", gate_ok_do("vfork-exec", e));
	fflush(stdout);
	return 0;
}

static volatile sig_atomic_t got;
static void on_usr1(int sig)
{
	(void)sig;
	got++;
}

static int sigwait_mode(const char *file, int secs)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	int seen = 0;
	double end = now() + secs;

	sigaction(SIGUSR1, &sa, NULL);
	printf("%d\n", getpid());
	fflush(stdout);
	while (now() < end) {
		usleep(10000);
		while (seen < got) {
			FILE *f = fopen(file, "a");

			if (f) {
				fputs("SIGUSR1\n", f);
				fclose(f);
			}
			seen++;
		}
	}
	return 0;
}

static int listen_mode(int port, const char *file, int secs)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
	double end = now() + secs;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 16)) {
		perror("listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	fcntl(s, F_SETFL, O_NONBLOCK);
	while (now() < end) {
		int c = accept(s, NULL, NULL);

		if (c < 0) {
			usleep(10000);
			continue;
		}
		FILE *f = fopen(file, "a");

		if (f) {
			fputs("accepted\n", f);
			fclose(f);
		}
		close(c);
	}
	return 0;
}

struct flood {
	int id, n;
	const char *cls, *arg;
	long fails;
};

static int enosys_mode(const char *dir)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mkdir, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mkdirat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	char path[4096];
	long fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 1;
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
		     &prog);
	if (fd < 0)
		return 1;
	close((int)fd);
	snprintf(path, sizeof(path), "%s/enosys", dir);
	printf("mkdir errno %d\n", mkdir(path, 0755) ? errno : 0);
	return 0;
}

static const char *orphan_cls, *orphan_arg;

static void *orphan_thread(void *p)
{
	(void)p;
	gate_ok_do(orphan_cls, orphan_arg);
	return NULL;
}

static void *flood_thread(void *p)
{
	struct flood *fl = p;
	char a[4096];

	for (int i = 0; i < fl->n; i++) {
		snprintf(a, sizeof(a), "%s.%d.%d", fl->arg, fl->id, i);
		if (gate_ok_do(fl->cls, a) < 0)
			fl->fails++;
	}
	return NULL;
}

static int flood(int nt, int n, const char *cls, const char *arg, int bad)
{
	struct flood *fl = calloc((size_t)nt, sizeof(*fl));
	pthread_t *th = calloc((size_t)nt, sizeof(*th));
	long fails = 0;
	char a[4096];

	if (!fl || !th)
		return 1;
	for (int i = 0; i < nt; i++) {
		fl[i] = (struct flood){ i, n, cls, arg, 0 };
		pthread_create(&th[i], NULL, flood_thread, &fl[i]);
	}
	for (int i = 0; i < nt; i++) {
		pthread_join(th[i], NULL);
		fails += fl[i].fails;
	}
	printf("flood calls failed %ld\n", fails);
	fflush(stdout);
	if (bad) {
		snprintf(a, sizeof(a), "%s.bad", arg);
		printf("flood bad %ld\n", gate_bad_do(cls, a));
		printf("flood done\n");
	}
	free(fl);
	free(th);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "learn"))
		return learn(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 5 && !strcmp(argv[1], "run")) {
		long r = run(strcmp(argv[2], "ok") != 0, argv[3], argv[4]);

		printf("result %s %ld\n", argv[3], r);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "marker") ) /* argv: prog marker FILE */
		return gate_ok_do("open-write", argv[3]) ? 1 : 0;
	if (argc == 3 && !strcmp(argv[1], "marker"))
		return gate_ok_do("open-write", argv[2]) ? 1 : 0;
	if (argc == 5 && !strcmp(argv[1], "listen"))
		return listen_mode(atoi(argv[2]), argv[3], atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "sigwait"))
		return sigwait_mode(argv[2], atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "flood"))
		return flood(atoi(argv[2]), atoi(argv[3]), argv[4], argv[5], 1);
	if (argc == 3 && !strcmp(argv[1], "enosys"))
		return enosys_mode(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "orphan-call")) {
		pthread_t th;

		orphan_cls = argv[2];
		orphan_arg = argv[3];
		pthread_create(&th, NULL, orphan_thread, NULL);
		usleep(100000);
		_exit(7);
	}
	if (argc == 5 && !strcmp(argv[1], "loop")) {
		int n = atoi(argv[2]);
		double t0 = now();

		for (int i = 0; i < n; i++)
			gate_ok_do(argv[3], argv[4]);
		printf("us per call %.1f\n", (now() - t0) * 1e6 / n);
		return 0;
	}
	fprintf(stderr, "usage: see tests/progs/gate_target.c\n");
	return 2;
}
