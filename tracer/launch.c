// SPDX-License-Identifier: GPL-2.0
/* launch.c - start a target without a blind spot (see launch.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launch.h"
#include "rt.h"
#include "sysfence.h"

static int check_exec(const char *path, char *out, size_t outlen)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (access(path, X_OK))
		return -errno;
	if (!realpath(path, out))
		return -errno;
	(void)outlen;
	return 0;
}

int launch__resolve(const char *cmd, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	int last = -ENOENT;

	if (outlen < PATH_MAX)
		return -EINVAL;
	if (!*cmd)
		return -ENOENT;
	if (strchr(cmd, '/'))
		return check_exec(cmd, out, outlen);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchrnul(path, ':');
		int n = (int)(end - path);

		snprintf(buf, sizeof(buf), "%.*s/%s", n ? n : 1, n ? path : ".", cmd);
		last = check_exec(buf, out, outlen);
		if (!last)
			return 0;
		path = *end ? end + 1 : end;
	}
	return last == -EACCES ? -EACCES : -ENOENT;
}

int launch__start(struct launch *l, char **argv, struct rt *rt)
{
	return launch__start_opts(l, argv, rt, NULL);
}

int launch__start_opts(struct launch *l, char **argv, struct rt *rt,
		       const struct launch_opts *o)
{
	pid_t parent = getpid();
	int go[2] = { -1, -1 }, report[2] = { -1, -1 };
	int child_err = 0, ret;
	ssize_t n;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) || pipe2(report, O_CLOEXEC)) {
		ret = -errno;
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto fail;
	}
	if (pid == 0) {
		char c;

		close(go[1]);
		close(report[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		/* Wait until the parent has made us tracked. */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		if (o && o->die_with_parent) {
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
				_exit(127);
		}
		if (o && o->seccomp) {
			int serr = seccomp_load((scmp_filter_ctx)o->seccomp);

			if (serr) {
				child_err = -serr;
				if (write(report[1], &child_err, sizeof(child_err)) < 0)
					_exit(127);
				_exit(127);
			}
		}
		execvp(argv[0], argv);
		child_err = errno;
		if (write(report[1], &child_err, sizeof(child_err)) < 0)
			_exit(127);
		_exit(127);
	}
	l->pid = pid;
	close(go[0]);
	close(report[1]);
	go[0] = report[1] = -1;
	ret = rt__track(rt, pid, SF_PROC_PENDING_EXEC | (o ? o->track_flags : 0));
	if (ret) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		l->pid = -1;
		goto fail;
	}
	if (write(go[1], "g", 1) != 1) {
		ret = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		l->pid = -1;
		goto fail;
	}
	close(go[1]);
	go[1] = -1;
	/* EOF on the report pipe = exec succeeded (close-on-exec). */
	do {
		n = read(report[0], &child_err, sizeof(child_err));
	} while (n < 0 && errno == EINTR);
	close(report[0]);
	report[0] = -1;
	if (n == (ssize_t)sizeof(child_err)) {
		waitpid(pid, NULL, 0);
		l->pid = -1;
		return -child_err;
	}
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (report[i] >= 0)
			close(report[i]);
	}
	return ret;
}

int launch__stop(struct launch *l, int *status)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	if (l->pid <= 0)
		return 0;
	kill(l->pid, SIGTERM);
	for (int i = 0; i < 60; i++) {
		pid_t w = waitpid(l->pid, status, WNOHANG);

		if (w == l->pid)
			return 1;
		if (w < 0)
			return 0;
		nanosleep(&ts, NULL);
	}
	kill(l->pid, SIGKILL);
	return waitpid(l->pid, status, 0) == l->pid;
}

char *launch__read_cmdline(pid_t pid)
{
	char fn[64], buf[4096];
	ssize_t n;
	int fd;

	snprintf(fn, sizeof(fn), "/proc/%d/cmdline", pid);
	fd = open(fn, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return strdup("");
	buf[n] = 0;
	for (ssize_t i = 0; i < n - 1; i++)
		if (!buf[i])
			buf[i] = ' ';
	return strdup(buf);
}
