// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * enforce-target - a small program for the enforce tests
 * (tests/integration/t045-enforce.t).  A policy is learned on its benign
 * runs; then a run is told to do one thing it never did while learned.
 *
 *   enforce-target poll TRIGGER SECONDS
 *       Poll for the file TRIGGER every 20 ms for SECONDS; when it appears,
 *       make the "new" call once: an anonymous mmap made by this executable
 *       itself (ld.so's startup maps memory, so mmap is in the process-wide
 *       union and the seccomp floor lets it through: the per-library layer
 *       must stop it).  Prints "violated: mmap returned ..." if it survives.
 *   enforce-target tree N TRIGGER SECONDS
 *       Fork N children (prints "child PID" for each), each polls like
 *       `poll`; only the first child makes the new call.  The parent waits
 *       for all of them; exit status 0 iff every child exited with 0.
 *   enforce-target personality [--skip]
 *       Call personality(0xffffffff) (a query: it changes nothing) and print
 *       "personality returned R errno E"; --skip prints the same line
 *       without making the call (the run a policy is learned on).
 *   enforce-target io [--writev]
 *       Write "io: hello" to stderr with write(2), or with --writev with
 *       writev(2) (the capability-generalisation test t091: learned with
 *       write, enforced with writev).  Prints "io: done" after it.
 *   enforce-target mmaps N [same]
 *       N anonymous mmaps made by this executable itself, with five
 *       different prot values in turn (up to 5 distinct violations of a
 *       policy learned on `mmaps 0`, for --report-limit); `same`: N
 *       identical ones (PROT_READ|PROT_WRITE) in a row.
 *   enforce-target anon-exec [--skip]
 *       getppid() normally, then getppid from a stub in an anonymous
 *       executable mapping: charged to [anon-exec].  --skip: the same
 *       mappings, without the odd call (the run a policy is learned on).
 *   enforce-target unwind-fail [--skip] | no-mapping [--skip]
 *       getppid() normally, then (--skip: only the same mappings) jump into libc's getppid
 *       with a stack that cannot be unwound: unreadable (rsp on a PROT_NONE
 *       page) or holding a return address that no mapping covers; both
 *       are charged to [unwind-failed] ([vma-unknown] is only bpf_find_vma
 *       failing with EBUSY under mmap_lock contention: not reproducible on
 *       demand).  The wrapper's `ret` then faults: the
 *       process dies by SIGSEGV right after the call, unless it was killed
 *       at the call.
 *   enforce-target grandchild [--skip]
 *       Fork a child that forks a grandchild; the grandchild makes the
 *       personality call (as above) and the parents wait for it.  The
 *       top process exits 0 whatever happened to the grandchild (like a
 *       server whose worker dies): only sysfence can tell.
 *   enforce-target repeat N
 *       Make N anonymous read-write mmaps, then N read-only ones, then the
 *       personality call (none with N = 0, the run learned on): many
 *       repeats of the same violation and later, different ones.
 *   enforce-target onterm SECONDS [--skip]
 *       Sleep up to SECONDS; on SIGTERM make a new call (an mmap; not with
 *       --skip, the run learned on) before exiting 0: a violation during
 *       sysfence's stop sequence.
 *   enforce-target clone3 MARK [--files]
 *       Create a process with clone3 (flags 0, or CLONE_FILES with
 *       --files: both make a new process, as fork) from this executable;
 *       the child creates MARK and exits, the parent prints "clone3: child
 *       PID exited S" (t093: clone3's flags are read from memory and
 *       judged per library; MARK says whether the child existed).
 *   Exit status 0 in every mode unless something failed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* stderr without stdio's extra calls (dprintf lseeks): one write(2). */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(2, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1) < 0)
		n = -1;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int poll_loop(const char *trigger, double seconds, int violator)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	double start = now_sec();
	int done = 0;

	while (now_sec() - start < seconds) {
		if (violator && !done && access(trigger, F_OK) == 0) {
			void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			done = 1;
			say("violated: mmap returned %p\n", p);
		}
		nanosleep(&tick, NULL);
	}
	return 0;
}

static int tree(int n, const char *trigger, double seconds)
{
	pid_t pids[64];
	int status, rc = 0;

	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("enforce-target: fork");
			return 1;
		}
		if (pids[i] == 0)
			_exit(poll_loop(trigger, seconds, i == 0));
		printf("child %d\n", (int)pids[i]);
		fflush(stdout);
	}
	for (int i = 0; i < n; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i]) {
			say("enforce-target: waitpid %d: %s\n", (int)pids[i],
				strerror(errno));
			rc = 1;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			say("enforce-target: child %d: %s %d\n", (int)pids[i],
				WIFEXITED(status) ? "exit status" : "killed by signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			rc = 1;
		}
	}
	return rc;
}

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static double parse_seconds(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0 || v > 600) {
		fprintf(stderr, "enforce-target: bad SECONDS '%s'\n", s);
		exit(2);
	}
	return v;
}

/* getppid from code that cannot be attributed to a file (see the header). */
static int odd_getppid(const char *how, int skip)
{
	const long page = sysconf(_SC_PAGESIZE);
	static const unsigned char stub[] = {
		0xb8, 110, 0, 0, 0, /* mov $110 (getppid), %eax */
		0x0f, 0x05,         /* syscall */
		0xc3,               /* ret */
	};
	unsigned char *p;
	void *fn;
	uintptr_t sp;

	if (!strcmp(how, "anon-exec")) {
		long (*call)(void);

		p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		memcpy(p, stub, sizeof(stub));
		if (mprotect(p, page, PROT_READ | PROT_EXEC))
			return 1;
		call = (long (*)(void))(void *)p;
		if (skip)
			return 0;
		printf("anon-exec: getppid returned %ld\n", call());
		return 0;
	}
	fn = dlsym(RTLD_DEFAULT, "getppid");
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!fn || p == MAP_FAILED)
		return 1;
	if (!strcmp(how, "unwind-fail")) {
		/* rsp at the start of a PROT_NONE page: the return address
		 * cannot be read */
		if (mprotect(p + page, page, PROT_NONE))
			return 1;
		sp = (uintptr_t)(p + page);
	} else {
		/* a readable stack whose return address (0x1000) is in no
		 * mapping */
		sp = (uintptr_t)(p + page);
		*(uintptr_t *)sp = 0x1000;
	}
	if (skip)
		return 0;
	printf("%s: calling getppid\n", how);
	fflush(stdout);
	__asm__ volatile("mov %0, %%rsp\n\tjmp *%1" : : "r"(sp), "r"(fn) : "memory");
	__builtin_unreachable();
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "poll"))
		return poll_loop(argv[2], parse_seconds(argv[3]), 1);
	if (argc == 5 && !strcmp(argv[1], "tree")) {
		int n = atoi(argv[2]);

		if (n < 1 || n > 64) {
			fprintf(stderr, "enforce-target: N must be 1..64\n");
			return 2;
		}
		return tree(n, argv[3], parse_seconds(argv[4]));
	}
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "personality")) {
		int skip = argc == 3 && !strcmp(argv[2], "--skip");
		long r = 0;
		int e = 0;

		printf("personality: calling\n");
		fflush(stdout);
		if (!skip) {
			errno = 0;
			r = personality(0xffffffff);
			e = r == -1 ? errno : 0;
		}
		printf("personality returned %ld errno %d (%s)\n", r, e,
		       e == EPERM ? "EPERM" : e ? strerror(e) : "none");
		return 0;
	}
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "io")) {
		static char msg[] = "io: hello\n", done[] = "io: done\n";
		struct iovec iov = { msg, sizeof(msg) - 1 };
		ssize_t n;

		if (argc == 3 && !strcmp(argv[2], "--writev"))
			n = writev(2, &iov, 1);
		else
			n = write(2, msg, sizeof(msg) - 1);
		if (n < 0 || write(2, done, sizeof(done) - 1) < 0)
			return 1;
		return 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "clone3")) {
		/* struct clone_args, version 0: flags, pidfd, child_tid,
		 * parent_tid, exit_signal, stack, stack_size, tls */
		unsigned long long ca[8] = { 0 };
		int st = 0;
		long pid;

		ca[0] = argc == 4 && !strcmp(argv[3], "--files") ? CLONE_FILES : 0;
		ca[4] = SIGCHLD;
		pid = syscall(SYS_clone3, ca, sizeof(ca));
		if (pid == 0) {
			int fd = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

			_exit(fd < 0 ? 1 : 0);
		}
		if (pid < 0 || waitpid((pid_t)pid, &st, 0) < 0)
			return 1;
		printf("clone3: child %ld exited %d\n", pid, WEXITSTATUS(st));
		return 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "mmaps")) {
		int n = atoi(argv[2]), same = argc == 4 && !strcmp(argv[3], "same");

		/* five different prot values: five different tuples (a
		 * tuple already seen is not judged again) */
		static const int prot[] = { PROT_READ | PROT_WRITE, PROT_READ, PROT_NONE,
					    PROT_WRITE, PROT_READ | PROT_EXEC };

		for (int i = 0; i < n; i++)
			if (mmap(NULL, 4096, prot[same ? 0 : i % 5], MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0) == MAP_FAILED)
				return 1;
		printf("mmaps: %d made\n", n);
		return 0;
	}
	if ((argc == 2 || argc == 3) && (!strcmp(argv[1], "anon-exec") ||
					 !strcmp(argv[1], "unwind-fail") ||
					 !strcmp(argv[1], "no-mapping"))) {
		printf("getppid returned %d\n", (int)getppid());
		fflush(stdout);
		return odd_getppid(argv[1], argc == 3 && !strcmp(argv[2], "--skip"));
	}
	if (argc == 3 && !strcmp(argv[1], "repeat")) {
		int n = atoi(argv[2]);

		for (int i = 0; i < n; i++)
			munmap(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				    -1, 0), 4096);
		for (int i = 0; i < n; i++)
			munmap(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			       4096);
		if (n)
			personality(0xffffffff);
		say("repeat: done\n");
		return 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "onterm")) {
		double secs = parse_seconds(argv[2]), start = now_sec();
		const struct timespec tick = { 0, 20 * 1000 * 1000 };

		signal(SIGTERM, on_term);
		say("onterm: ready\n");
		while (!got_term && now_sec() - start < secs)
			nanosleep(&tick, NULL);
		if (got_term && argc == 3) {
			void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			say("onterm: mmap returned %p\n", p);
		}
		return 0;
	}
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "grandchild")) {
		int skip = argc == 3 && !strcmp(argv[2], "--skip");
		pid_t c;

		printf("top %d\n", (int)getpid());
		fflush(stdout);
		c = fork();

		if (c < 0)
			return 1;
		if (c == 0) {
			pid_t g = fork();

			if (g < 0)
				_exit(1);
			if (g == 0) {
				long r = 0;

				printf("grandchild %d\n", (int)getpid());
				fflush(stdout);
				if (!skip)
					r = personality(0xffffffff);
				printf("personality returned %ld\n", r);
				fflush(stdout);
				_exit(0);
			}
			waitpid(g, NULL, 0);
			_exit(0);
		}
		waitpid(c, NULL, 0);
		return 0;
	}
	fprintf(stderr, "usage: enforce-target poll TRIGGER SECONDS | "
		"tree N TRIGGER SECONDS | personality [--skip] | io [--writev] |\n"
		"       mmaps N [same] | anon-exec|unwind-fail|no-mapping [--skip] |\n"
		"       grandchild [--skip] | repeat N | onterm SECONDS [--skip]\n");
	return 2;
}
