// SPDX-License-Identifier: GPL-2.0
/* launch.c - start a target without a blind spot (see launch.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "landlock.h"
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


/* In the target, after it is tracked: fail-closed set-up, seccomp, exec.
 * Reports errno on the report pipe when it cannot exec. */
/* The gate's hand-over: the target tells sysfence (pid, listener fd) with
 * write() and waits for an ack; sysfence takes the fd with pidfd_getfd and
 * starts the supervisor first.  (Not SCM_RIGHTS: sendmsg may itself be a
 * gated call, which would wait for a supervisor that is not running yet.) */
struct gate_handover {
	int32_t pid;
	int32_t fd;
};

static int load_gate(const struct launch_opts *o, int gate_sock)
{
	struct gate_handover h;
	char ack;
	int serr = seccomp_load((scmp_filter_ctx)o->gate), lfd;

	if (serr)
		return serr;
	lfd = seccomp_notify_fd((scmp_filter_ctx)o->gate);
	if (lfd < 0)
		return lfd;
	h.pid = getpid();
	h.fd = lfd;
	if (write(gate_sock, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    read(gate_sock, &ack, 1) != 1)
		return -EPIPE;
	/* The target must never hold its own listener. */
	close(lfd);
	close(gate_sock);
	return 0;
}

static void __attribute__((noreturn)) exec_target(char **argv, const struct launch_opts *o,
						  int report_fd, int gate_sock)
{
	int child_err;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* Landlock first: the seccomp floor may not allow its calls */
	if (o && o->landlock && o->landlock->fd >= 0) {
		int lerr = landlock__restrict(o->landlock->fd, o->landlock->restrict_flags);

		close(o->landlock->fd);
		if (lerr) {
			child_err = -lerr;
			if (write(report_fd, &child_err, sizeof(child_err)) < 0)
				_exit(127);
			_exit(127);
		}
	}
	if (o && o->gate) {
		int serr = load_gate(o, gate_sock);

		if (serr) {
			child_err = -serr;
			if (write(report_fd, &child_err, sizeof(child_err)) < 0)
				_exit(127);
			_exit(127);
		}
	}
	if (o && o->seccomp) {
		int serr = seccomp_load((scmp_filter_ctx)o->seccomp);

		if (serr) {
			child_err = -serr;
			if (write(report_fd, &child_err, sizeof(child_err)) < 0)
				_exit(127);
			_exit(127);
		}
	}
	execvp(argv[0], argv);
	child_err = errno;
	if (write(report_fd, &child_err, sizeof(child_err)) < 0)
		_exit(127);
	_exit(127);
}

static volatile pid_t shim_target;

static void shim_forward(int sig)
{
	if (shim_target > 0)
		kill(shim_target, sig);
}

/* SIGKILL every descendant of this process.  The shim is a child
 * subreaper, so orphans of the target's tree are re-parented to it and stay
 * its descendants; repeat until none is left (a process may fork while we
 * scan, but not after its SIGKILL). */
static void kill_descendants(void)
{
	enum { MAXP = 1 << 16 };
	static pid_t pids[MAXP], ppids[MAXP];
	pid_t self = getpid();

	for (int round = 0; round < 100; round++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		struct dirent *de;
		size_t n = 0;
		int found = 0;
		DIR *d = opendir("/proc");

		if (!d)
			return;
		while ((de = readdir(d)) && n < MAXP) {
			char fn[300], buf[512], *rp;
			int fd;
			ssize_t r;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(fn, sizeof(fn), "/proc/%s/stat", de->d_name);
			fd = open(fn, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			r = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (r <= 0)
				continue;
			buf[r] = 0;
			rp = strrchr(buf, ')'); /* comm may contain spaces */
			if (!rp || sscanf(rp + 2, "%*c %d", &ppids[n]) != 1)
				continue;
			pids[n++] = (pid_t)atoi(de->d_name);
		}
		closedir(d);
		for (size_t i = 0; i < n; i++) {
			pid_t up = ppids[i];

			for (int depth = 0; depth < 256 && up > 1 && up != self; depth++) {
				size_t k;

				for (k = 0; k < n && pids[k] != up; k++)
					;
				up = k < n ? ppids[k] : 0;
			}
			if (up == self && pids[i] != self) {
				kill(pids[i], SIGKILL);
				found++;
			}
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (!found)
			return;
		nanosleep(&ts, NULL);
	}
}

/* The target's parent: forwards signals, reaps, and when the target ends
 * or sysfence goes away (EOF on the go pipe, also on SIGKILL), kills every
 * remaining descendant, then reports the target's wait status. */
static void __attribute__((noreturn)) run_shim(char **argv, const struct launch_opts *o,
					       int report_fd, int status_fd, int go_fd,
					       int gate_sock)
{
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = shim_forward };
	int st = 0, tst = 0;
	pid_t t;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		_exit(127);
	t = fork();
	if (t < 0)
		_exit(127);
	if (t == 0) {
		close(status_fd);
		close(go_fd);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL))
			_exit(127);
		exec_target(argv, o, report_fd, gate_sock);
	}
	shim_target = t;
	/* the target's own pid first (messages name it, not the shim's);
	 * its wait status follows at the end */
	if (write(status_fd, &t, sizeof(t)) != (ssize_t)sizeof(t))
		_exit(127);
	close(report_fd);
	if (gate_sock >= 0)
		close(gate_sock); /* the target's EOF must reach sysfence */
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaction(fwd[i], &sa, NULL);
	for (;;) {
		struct pollfd pfd = { .fd = go_fd, .events = POLLIN };
		int r = poll(&pfd, 1, 50);
		pid_t w;
		char c;

		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w == t) {
				tst = st;
				t = 0;
			}
		}
		if (!t)
			break; /* the target ended */
		if (r > 0 && read(go_fd, &c, 1) <= 0)
			break; /* sysfence is gone: fail closed */
	}
	kill_descendants();
	if (write(status_fd, &tst, sizeof(tst)) < 0)
		_exit(127);
	_exit(0);
}

/* sysfence's side of the hand-over: 0 (also when the target failed before
 * it: its error arrives on the report pipe), or -errno. */
static int receive_gate(int gs[2], const struct launch_opts *o)
{
	struct gate_handover h;
	ssize_t n;
	int pidfd, lfd, ret;

	close(gs[1]);
	gs[1] = -1;
	do {
		n = read(gs[0], &h, sizeof(h));
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0; /* the target failed first */
	if (n != (ssize_t)sizeof(h))
		return n < 0 ? -errno : -EPROTO;
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)h.pid, 0);
	if (pidfd < 0)
		return -errno;
	lfd = (int)syscall(SYS_pidfd_getfd, pidfd, h.fd, 0);
	ret = lfd < 0 ? -errno : 0;
	close(pidfd);
	if (ret)
		return ret;
	ret = o->gate_ready ? o->gate_ready(o->gate_ctx, lfd) : (close(lfd), -EINVAL);
	if (ret)
		return ret;
	if (write(gs[0], "a", 1) != 1)
		return -errno;
	return 0;
}

int launch__start_opts(struct launch *l, char **argv, struct rt *rt,
		       const struct launch_opts *o)
{
	pid_t parent = getpid();
	int go[2] = { -1, -1 }, report[2] = { -1, -1 }, status[2] = { -1, -1 };
	int gs[2] = { -1, -1 };
	int contain = o && o->contain;
	int child_err = 0, ret;
	ssize_t n;
	pid_t pid;

	l->status_fd = -1;
	l->go_fd = -1;
	l->contained = contain;
	if (pipe2(go, O_CLOEXEC) || pipe2(report, O_CLOEXEC) ||
	    (contain && pipe2(status, O_CLOEXEC)) ||
	    (o && o->gate && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, gs))) {
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
		if (contain)
			close(status[0]);
		if (gs[0] >= 0)
			close(gs[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		/* Die with sysfence; set before waiting, so that a parent dying
		 * in between shows as EOF on the go pipe. */
		/* (The shim instead watches the go pipe: it must outlive us
		 * long enough to kill the target's tree.) */
		if (o && o->die_with_parent && !contain) {
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
				_exit(127);
		}
		/* Wait until the parent has made us tracked. */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		if (contain)
			run_shim(argv, o, report[1], status[1], go[0], gs[1]);
		exec_target(argv, o, report[1], gs[1]);
	}
	l->pid = l->target_pid = pid;
	close(go[0]);
	close(report[1]);
	go[0] = report[1] = -1;
	if (contain) {
		close(status[1]);
		status[1] = -1;
		l->status_fd = status[0];
		status[0] = -1;
	}
	/* Pending exec: neither the shim nor the target before its exec is
	 * recorded or judged (children inherit the flag). */
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
	if (contain) {
		/* Held open for the session: its EOF tells the shim we are gone. */
		l->go_fd = go[1];
	} else {
		close(go[1]);
	}
	go[1] = -1;
	if (gs[0] >= 0) {
		ret = receive_gate(gs, o);
		if (ret) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			l->pid = -1;
			goto fail;
		}
	}
	/* EOF on the report pipe = exec succeeded (close-on-exec). */
	do {
		n = read(report[0], &child_err, sizeof(child_err));
	} while (n < 0 && errno == EINTR);
	close(report[0]);
	report[0] = -1;
	if (n != (ssize_t)sizeof(child_err) && contain) {
		pid_t t;

		do {
			n = read(l->status_fd, &t, sizeof(t));
		} while (n < 0 && errno == EINTR);
		if (n == (ssize_t)sizeof(t))
			l->target_pid = t;
		n = 0;
	}
	if (n == (ssize_t)sizeof(child_err)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		l->pid = -1;
		if (l->status_fd >= 0)
			close(l->status_fd);
		l->status_fd = -1;
		if (l->go_fd >= 0)
			close(l->go_fd);
		l->go_fd = -1;
		return -child_err;
	}
	return 0;
fail:
	if (l->status_fd >= 0)
		close(l->status_fd);
	l->status_fd = -1;
	if (l->go_fd >= 0)
		close(l->go_fd);
	l->go_fd = -1;
	for (int i = 0; i < 2; i++) {
		if (gs[i] >= 0)
			close(gs[i]);
		if (go[i] >= 0)
			close(go[i]);
		if (report[i] >= 0)
			close(report[i]);
		if (status[i] >= 0)
			close(status[i]);
	}
	return ret;
}

int launch__reap(struct launch *l, int *status, int nohang)
{
	pid_t w;
	int st = 0;

	if (l->pid <= 0)
		return -ECHILD;
	do {
		w = waitpid(l->pid, &st, nohang ? WNOHANG : 0);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	if (w == 0)
		return 0;
	*status = st;
	if (l->contained && l->status_fd >= 0) {
		int tst;

		/* The shim's report; without one the shim itself was killed
		 * (and with it the whole namespace): report that. */
		if (read(l->status_fd, &tst, sizeof(tst)) == (ssize_t)sizeof(tst))
			*status = tst;
		close(l->status_fd);
		l->status_fd = -1;
	}
	if (l->go_fd >= 0)
		close(l->go_fd);
	l->go_fd = -1;
	return 1;
}

int launch__stop(struct launch *l, int *status)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int r;

	if (l->pid <= 0)
		return 0;
	kill(l->pid, SIGTERM);
	for (int i = 0; i < 60; i++) {
		r = launch__reap(l, status, 1);
		if (r)
			return r > 0;
		nanosleep(&ts, NULL);
	}
	if (l->go_fd >= 0) {
		/* The shim kills the whole tree when the go pipe closes. */
		close(l->go_fd);
		l->go_fd = -1;
		for (int i = 0; i < 40; i++) {
			r = launch__reap(l, status, 1);
			if (r)
				return r > 0;
			nanosleep(&ts, NULL);
		}
	}
	kill(l->pid, SIGKILL);
	return launch__reap(l, status, 0) > 0;
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
