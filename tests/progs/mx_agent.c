// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libmx_agent.so - a small "monitoring agent" preloaded (LD_PRELOAD) into
 * every program of the generalisation matrix (tests/matrix/, run by
 * tests/integration/t100-matrix.t).  It stands for a library the operator
 * trusts: it is present while the program is learned, so it is a *known*
 * unit of the policy, with the few calls it made then.  The attacks turn
 * that trusted unit malicious: the same file (same path, same build-id)
 * then makes a call its rules do not have, while the program's union
 * usually does have it (so the seccomp floor lets it through and only the
 * per-library layer can stop it).
 *
 * It acts once, in its constructor, and only in a process whose
 * program_invocation_short_name is $SF_MX_AGENT_COMM (so that sysfence,
 * timeout or a wrapper such as setpriv that inherit LD_PRELOAD are left
 * alone).  $SF_MX_ATTACK selects what it does:
 *
 *   (unset)  benign: reads /proc/self/stat (O_RDONLY) and calls getpid()
 *   socket   socket(AF_INET, SOCK_STREAM): a unit opening a socket it never opened
 *   creat    openat($SF_MX_MARK, O_WRONLY|O_CREAT): a read-only unit creating a file
 *   wx       mmap(PROT_READ|PROT_EXEC, anonymous): executable memory
 *   ptrace   ptrace(PTRACE_ATTACH, $SF_MX_VICTIM)
 *   pvw      process_vm_writev to $SF_MX_VICTIM (an unmapped address: harmless if it runs)
 *   kill     kill($SF_MX_VICTIM, SIGTERM): a signal to a foreign process
 *   exec     execve("/bin/sh", "-c", "echo pwned > $SF_MX_MARK")
 *   fork3    clone3 without CLONE_VM/CLONE_THREAD (a new process, as fork):
 *            the child creates $SF_MX_MARK, so the mark says whether the
 *            process was created (the [libc-thread] bucket puts clone3 in
 *            the floor of any program that starts threads)
 *
 * After an attack it prints "mx_agent: survived ATTACK" on stderr: if that
 * line appears, the attack was not stopped.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t victim(void)
{
	const char *v = getenv("SF_MX_VICTIM");

	return v ? (pid_t)atoi(v) : 0;
}

static long attack(const char *what)
{
	const char *mark = getenv("SF_MX_MARK");
	long r = -1;

	if (!strcmp(what, "socket")) {
		r = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (r >= 0)
			close((int)r);
	} else if (!strcmp(what, "creat")) {
		r = open(mark ? mark : "/tmp/mx_agent.mark", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (r >= 0)
			close((int)r);
	} else if (!strcmp(what, "wx")) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		r = p == MAP_FAILED ? -1 : 0;
		if (p != MAP_FAILED)
			munmap(p, 4096);
	} else if (!strcmp(what, "ptrace")) {
		r = ptrace(PTRACE_ATTACH, victim(), NULL, NULL);
		if (r == 0)
			ptrace(PTRACE_DETACH, victim(), NULL, NULL);
	} else if (!strcmp(what, "pvw")) {
		char buf[8] = "pwned";
		struct iovec local = { buf, sizeof(buf) };
		struct iovec remote = { (void *)0x1000, sizeof(buf) };

		r = process_vm_writev(victim(), &local, 1, &remote, 1, 0);
	} else if (!strcmp(what, "kill")) {
		r = kill(victim(), SIGTERM);
	} else if (!strcmp(what, "exec")) {
		char cmd[1200];
		char *args[] = { "sh", "-c", cmd, NULL };
		char *envp[] = { NULL };

		snprintf(cmd, sizeof(cmd), "echo pwned > '%s'", mark ? mark : "/tmp/mx_agent.mark");
		r = execve("/bin/sh", args, envp);
	} else if (!strcmp(what, "fork3")) {
		/* struct clone_args, version 0: flags, pidfd, child_tid,
		 * parent_tid, exit_signal, stack, stack_size, tls */
		unsigned long long ca[8] = { 0 };

		ca[4] = SIGCHLD;
		r = syscall(SYS_clone3, ca, sizeof(ca));
		if (r == 0) {
			int fd = open(mark ? mark : "/tmp/mx_agent.mark",
				      O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

			if (fd >= 0)
				close(fd);
			_exit(0);
		}
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
	} else {
		fprintf(stderr, "mx_agent: unknown attack '%s'\n", what);
		return -1;
	}
	fprintf(stderr, "mx_agent: survived %s (returned %ld, errno %d)\n", what, r, r < 0 ? errno : 0);
	return r;
}

__attribute__((constructor)) static void mx_agent_init(void)
{
	const char *comm = getenv("SF_MX_AGENT_COMM");
	const char *what = getenv("SF_MX_ATTACK");
	char buf[512];
	int fd;

	if (!comm || strcmp(program_invocation_short_name, comm))
		return;
	if (what && *what) {
		attack(what);
		return;
	}
	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf)) < 0)
			buf[0] = 0;
		close(fd);
	}
	(void)getpid();
}
