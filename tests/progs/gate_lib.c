// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libgate_ok.so / libgate_bad.so - the two libraries of gate-target (built
 * from this one file with GATE_PFX=ok / bad): the same dangerous call from
 * each, so a policy can allow it for one and not for the other
 * (tests/integration/t047-gate.t).
 *
 * gate_<pfx>_do(CLASS, ARG) makes one call of CLASS on ARG and returns its
 * result (-errno on failure).  Every call's result is stored in a volatile
 * sink so that -O2 cannot turn it into a tail jump: the return address the
 * unwinder finds is inside this library.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(CAT(gate_, GATE_PFX), name)

volatile long FN(_sink);
static volatile long written_here;

static long res(long r)
{
	FN(_sink) = r;
	return r < 0 ? -errno : r;
}

long FN(_do)(const char *cls, const char *arg)
{
	char other[4096];

	snprintf(other, sizeof(other), "%s.2", arg);
	if (!strcmp(cls, "read")) {
		long fd = res(open(arg, O_RDONLY | O_CLOEXEC));

		if (fd >= 0)
			close((int)fd);
		return fd < 0 ? fd : 0;
	}
	if (!strcmp(cls, "open-write")) {
		long fd = res(open(arg, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));

		if (fd >= 0)
			close((int)fd);
		return fd < 0 ? fd : 0;
	}
	if (!strcmp(cls, "mkdir"))
		return res(mkdir(arg, 0755));
	if (!strcmp(cls, "delete"))
		return res(unlink(arg));
	if (!strcmp(cls, "rename"))
		return res(rename(arg, other));
	if (!strcmp(cls, "link"))
		return res(symlink("/nonexistent", arg));
	if (!strcmp(cls, "chmod"))
		return res(chmod(arg, 0600));
	if (!strcmp(cls, "chown"))
		return res(chown(arg, 4242, 4242));
	if (!strcmp(cls, "net")) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_port = htons((unsigned short)atoi(arg)) };
		long fd = res(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)), r;

		if (fd < 0)
			return fd;
		inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
		r = res(connect((int)fd, (struct sockaddr *)&sa, sizeof(sa)));
		close((int)fd);
		return r;
	}
	if (!strcmp(cls, "signal"))
		return res(kill((pid_t)atoi(arg), SIGUSR1));
	if (!strcmp(cls, "exec")) {
		/* execl from this library (gate-target forks first): ARG is a
		 * command line "PROG MARKER".  execl builds argv with alloca:
		 * an rbp-based frame for the unwinders. */
		char prog[4096], *marker;

		snprintf(prog, sizeof(prog), "%s", arg);
		marker = strchr(prog, ' ');
		if (!marker)
			return -EINVAL;
		*marker++ = 0;
		return res(execl(prog, prog, "marker", marker, (char *)NULL));
	}
	if (!strcmp(cls, "vfork-exec") || !strcmp(cls, "vfork-noexec")) {
		/* vfork from this library; the child execls ARG ("PROG
		 * MARKER") from here too, or just exits (learning vfork
		 * without the exec) */
		char prog[4096], *marker = NULL;
		int st = 0;
		pid_t pid;

		snprintf(prog, sizeof(prog), "%s", arg);
		if (cls[6] == 'e') {
			marker = strchr(prog, ' ');
			if (!marker)
				return -EINVAL;
			*marker++ = 0;
		}
		pid = vfork();
		if (pid < 0)
			return -errno;
		if (pid == 0) {
			if (marker)
				execl(prog, prog, "marker", marker, (char *)NULL);
			_exit(marker ? 126 : 0);
		}
		if (waitpid(pid, &st, 0) < 0)
			return -errno;
		return WIFEXITED(st) ? WEXITSTATUS(st) : -128 - WTERMSIG(st);
	}
	if (!strcmp(cls, "dlopen")) {
		/* ld.so maps ARG's code (PROT_EXEC) 13+ frames below this
		 * library: the deep unwind through ld.so */
		void *h = dlopen(arg, RTLD_NOW | RTLD_LOCAL);

		FN(_sink) = (long)h;
		if (!h)
			return -ENOENT;
		dlclose(h);
		return 0;
	}
	if (!strcmp(cls, "exec-mem")) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		FN(_sink) = (long)p;
		if (p == MAP_FAILED)
			return -errno;
		munmap(p, 4096);
		return 0;
	}
	if (!strcmp(cls, "ptrace")) {
		long v = 42;
		struct iovec l = { &v, sizeof(v) }, r = { (void *)&written_here, sizeof(v) };

		/* ARG: this process's pid (getpid is not this library's call) */
		return res(process_vm_writev((pid_t)atoi(arg), &l, 1, &r, 1, 0)) < 0 ? -errno
			: (written_here == 42 ? 0 : -EIO);
	}
	if (!strcmp(cls, "cred")) {
		gid_t g = 4242;

		return res(setgroups(1, &g));
	}
	return -ENOSYS;
}
