// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cfi-truth - ground truth for the CFI unwinder.  Runs a workload under
 * PTRACE_SYSCALL and, at every syscall-entry stop, unwinds the stack with
 * the tables of tracer/cfi.c (cfi__unwind_step, the algorithm the BPF
 * program mirrors) until the first frame outside libc / ld.so.
 *
 *   cfi-truth [-v] [-t LIB]...                 built-in workload in this
 *       executable: every call must reach this executable (or end in the
 *       libc runtime)
 *   cfi-truth [-v] [-t LIB]... -- PROG ARGS... trace another program
 *
 * Transparent libraries: libc, ld.so and each -t LIB (a path).  In a
 * SANITIZE=1 build the sanitizer runtime interposes libc: calls it makes
 * are counted apart and accepted (with -t /path/libasan.so.8 its own CFI is
 * exercised: hand-written interceptors without CFI and >24-frame
 * allocator stacks then fail, as they would in BPF).
 *
 * Exit status: 0 when no unwind failed (and, built-in, every workload
 * function was seen as a caller), 1 otherwise, 2 on usage/setup errors.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfi.h"
#include "elfinfo.h"

/* ---- built-in workload (runs in the traced child) ------------------------ */

#define NOINLINE __attribute__((noinline))

static NOINLINE void wl_printf(void)
{
	printf("cfi-truth: hello %d\n", 42);
	fflush(stdout);
}

static NOINLINE void wl_fopen(void)
{
	char buf[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (f) {
		while (fgets(buf, sizeof(buf), f))
			;
		fclose(f);
	}
}

static NOINLINE void wl_opendir(void)
{
	DIR *d = opendir("/proc/self/fd");

	if (d) {
		while (readdir(d))
			;
		closedir(d);
	}
}

static NOINLINE void wl_gethostname(void)
{
	char h[256];

	gethostname(h, sizeof(h));
}

static NOINLINE void wl_malloc(void)
{
	volatile char *p = malloc(64 << 20);

	if (p) {
		p[0] = 1;
		free((void *)p);
	}
	p = malloc(100); /* small: brk arena growth */
	free((void *)p);
}

static void *thread_fn(void *arg)
{
	(void)arg;
	return (void *)(long)getppid();
}

static NOINLINE void wl_pthread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_fn, NULL) == 0)
		pthread_join(t, NULL);
}

static NOINLINE void wl_dlopen(void)
{
	static const char *const libs[] = { "libanl.so.1", "libresolv.so.2",
					     "libnss_dns.so.2", "libutil.so.1" };
	size_t i;

	for (i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		void *h = dlopen(libs[i], RTLD_NOW);

		if (h)
			dlclose(h);
	}
}

/* results kept so the compiler cannot tail-call (a tail call charges the
 * syscall to our caller: the known limit of every stack method) */
static volatile long sink;

static NOINLINE void wl_getpwnam(void)
{
	sink = (long)getpwnam("root");
}

static NOINLINE void wl_iconv(void)
{
	iconv_t cd = iconv_open("UTF-16", "ISO-8859-15");

	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

static NOINLINE void wl_fork(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	if (p > 0)
		waitpid(p, NULL, 0);
}

static NOINLINE void wl_vfork(void)
{
	pid_t p = vfork();

	if (p == 0)
		_exit(0);
	sink = p;
}

static void sig_handler(int sig)
{
	sink = getppid() + sig;
}

static NOINLINE void wl_signal(void)
{
	struct sigaction sa = { .sa_handler = sig_handler };

	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1); /* handler, then rt_sigreturn: libc runtime */
}

static NOINLINE void wl_getppid(void)
{
	sink = getppid();
}

static const char *const workload_fns[] = {
	"wl_printf", "wl_fopen", "wl_opendir", "wl_gethostname", "wl_malloc",
	"wl_pthread", "thread_fn", "wl_dlopen", "wl_getpwnam", "wl_iconv",
	"wl_fork", "wl_vfork", "sig_handler", "wl_signal", "wl_getppid",
};
#define NWL (sizeof(workload_fns) / sizeof(workload_fns[0]))

static void workload(void)
{
	wl_printf();
	wl_fopen();
	wl_opendir();
	wl_gethostname();
	wl_malloc();
	wl_pthread();
	wl_dlopen();
	wl_getpwnam();
	wl_iconv();
	wl_fork();
	wl_vfork();
	wl_signal();
	wl_getppid();
}

/* ---- tracer -------------------------------------------------------------- */

struct map {
	uint64_t start, end, pgoff;
	char path[PATH_MAX];
};

struct lib {
	char path[PATH_MAX];
	struct cfi_table t;
	bool ldso;
};

#define MAX_LIBS 16
static struct lib libs[MAX_LIBS];
static size_t nlibs;
static char transparent[MAX_LIBS][PATH_MAX]; /* [1] is ld.so */
static size_t ntransparent;
static bool verbose;

enum result { R_EXE, R_OTHER_LIB, R_SANITIZER, R_RUNTIME, R_LDSO_STARTUP, R_ANON,
	      R_FAILED, R__COUNT };
static const char *const result_names[R__COUNT] = {
	"main executable", "other library", "sanitizer runtime",
	"libc runtime (RA undefined)", "ld.so startup", "anonymous memory",
	"FAILED",
};

static bool is_sanitizer(const char *path)
{
	static const char *const names[] = { "libasan.so", "libubsan.so",
					     "liblsan.so", "libtsan.so" };
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(base, names[i], strlen(names[i])))
			return true;
	return false;
}

static size_t read_maps(pid_t pid, struct map **maps)
{
	char name[64], line[PATH_MAX + 128];
	size_t n = 0, cap = 0;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/%d/maps", pid);
	f = fopen(name, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e, off;
		char perms[8];
		int pos = 0;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s%n", &s, &e, perms,
			   &off, &pos) < 4 || perms[2] != 'x')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			*maps = realloc(*maps, cap * sizeof(**maps));
			if (!*maps)
				exit(2);
		}
		(*maps)[n] = (struct map){ s, e, off, "" };
		sscanf(line + pos, " %4095[^\n]", (*maps)[n].path);
		n++;
	}
	fclose(f);
	return n;
}

static const struct map *find_map(const struct map *m, size_t n, uint64_t ip)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ip >= m[i].start && ip < m[i].end)
			return &m[i];
	return NULL;
}

static struct lib *transparent_lib(const char *path)
{
	size_t i;
	char err[256];

	bool found = false;

	for (i = 0; i < ntransparent && !found; i++)
		found = !strcmp(path, transparent[i]);
	if (!found)
		return NULL;
	for (i = 0; i < nlibs; i++)
		if (!strcmp(libs[i].path, path))
			return &libs[i];
	if (nlibs == MAX_LIBS)
		exit(2);
	snprintf(libs[nlibs].path, sizeof(libs[nlibs].path), "%s", path);
	libs[nlibs].ldso = !strcmp(path, transparent[1]);
	if (cfi__build(path, &libs[nlibs].t, err, sizeof(err))) {
		fprintf(stderr, "sysfence: error: %s: %s\n", path, err);
		exit(2);
	}
	return &libs[nlibs++];
}

static int read_remote(void *ctx, uint64_t addr, uint64_t *val)
{
	pid_t pid = *(pid_t *)ctx;
	struct iovec local = { val, 8 }, remote = { (void *)addr, 8 };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == 8 ? 0 : -EFAULT;
}

struct outcome {
	enum result res;
	unsigned int depth;
	const char *why;
	uint64_t ip;
	char path[PATH_MAX];
	uint64_t file_off;
};

static void unwind(pid_t pid, const struct user_regs_struct *ur,
		   struct outcome *o)
{
	static struct map *maps;
	struct cfi_regs r = { ur->rip, ur->rsp, ur->rbp, ur->rdi };
	size_t nmaps = read_maps(pid, &maps);
	char exe_link[64], exe[PATH_MAX];
	ssize_t len;
	unsigned int depth;

	snprintf(exe_link, sizeof(exe_link), "/proc/%d/exe", pid);
	len = readlink(exe_link, exe, sizeof(exe) - 1);
	exe[len > 0 ? len : 0] = '\0';
	memset(o, 0, sizeof(*o));
	for (depth = 0; depth < SF_MAX_FRAMES; depth++) {
		const struct map *m = find_map(maps, nmaps, r.ip);
		struct lib *lib;
		enum cfi_step st;

		o->depth = depth;
		o->ip = r.ip;
		if (!m) {
			o->res = R_FAILED;
			o->why = "ip in no executable mapping";
			return;
		}
		snprintf(o->path, sizeof(o->path), "%s", m->path);
		o->file_off = r.ip - m->start + m->pgoff;
		if (m->path[0] != '/') {
			o->res = R_ANON;
			return;
		}
		lib = transparent_lib(m->path);
		if (!lib) {
			o->res = !strcmp(m->path, exe) ? R_EXE :
				 is_sanitizer(m->path) ? R_SANITIZER : R_OTHER_LIB;
			return;
		}
		st = cfi__unwind_step(&lib->t, o->file_off, depth == 0, &r,
				      read_remote, &pid);
		switch (st) {
		case CFI_STEP_OK:
			continue;
		case CFI_STEP_END:
			o->res = R_RUNTIME;
			return;
		case CFI_STEP_NO_CFI:
			o->res = lib->ldso ? R_LDSO_STARTUP : R_FAILED;
			o->why = "no CFI";
			return;
		case CFI_STEP_UNSUPPORTED:
			o->res = R_FAILED;
			o->why = "unsupported CFA rule";
			return;
		case CFI_STEP_RUNTIME: /* tables here are never marked */
		case CFI_STEP_READ_FAILED:
			o->res = R_FAILED;
			o->why = "stack unreadable";
			return;
		}
	}
	o->res = R_FAILED;
	o->why = "depth limit";
}

#define MAX_TASKS 64
static struct { pid_t tid; bool in_syscall; } tasks[MAX_TASKS];

static bool *in_syscall(pid_t tid)
{
	size_t i, free_slot = MAX_TASKS;

	for (i = 0; i < MAX_TASKS; i++) {
		if (tasks[i].tid == tid)
			return &tasks[i].in_syscall;
		if (!tasks[i].tid && free_slot == MAX_TASKS)
			free_slot = i;
	}
	if (free_slot == MAX_TASKS)
		exit(2);
	tasks[free_slot].tid = tid;
	tasks[free_slot].in_syscall = false;
	return &tasks[free_slot].in_syscall;
}

static void forget(pid_t tid)
{
	size_t i;

	for (i = 0; i < MAX_TASKS; i++)
		if (tasks[i].tid == tid)
			tasks[i].tid = 0;
}

int main(int argc, char **argv)
{
	size_t counts[R__COUNT] = { 0 }, total = 0, i;
	bool builtin = true, seen[NWL] = { false };
	unsigned int max_depth = 0;
	struct elf_syms *self_syms;
	char self[PATH_MAX];
	int argi = 1, st, live = 1;
	pid_t child, pid;

	if (!realpath("/lib/x86_64-linux-gnu/libc.so.6", transparent[0]) ||
	    !realpath("/lib64/ld-linux-x86-64.so.2", transparent[1])) {
		fprintf(stderr, "sysfence: error: libc/ld.so not found\n");
		return 2;
	}
	ntransparent = 2;
	for (; argi < argc; argi++) {
		if (!strcmp(argv[argi], "-v")) {
			verbose = true;
		} else if (!strcmp(argv[argi], "-t") && argi + 1 < argc &&
			   ntransparent < MAX_LIBS) {
			if (!realpath(argv[++argi], transparent[ntransparent++])) {
				fprintf(stderr, "sysfence: error: %s: %s\n",
					argv[argi], strerror(errno));
				return 2;
			}
		} else {
			break;
		}
	}
	if (argi < argc && !strcmp(argv[argi], "--")) {
		builtin = false;
		argi++;
		if (argi >= argc) {
			fprintf(stderr, "usage: %s [-v] [-t LIB]... [-- PROG ARGS...]\n",
				argv[0]);
			return 2;
		}
	} else if (argi < argc) {
		fprintf(stderr, "usage: %s [-v] [-t LIB]... [-- PROG ARGS...]\n", argv[0]);
		return 2;
	}
	if (!realpath("/proc/self/exe", self))
		return 2;
	self_syms = elf_syms__open(self);

	child = fork();
	if (child < 0)
		return 2;
	if (child == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		if (!builtin) {
			execvp(argv[argi], argv + argi);
			_exit(127);
		}
		workload();
		_exit(0);
	}
	if (waitpid(child, &st, 0) != child || !WIFSTOPPED(st))
		return 2;
	ptrace(PTRACE_SETOPTIONS, child, NULL,
	       (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE |
			      PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL));
	ptrace(PTRACE_SYSCALL, child, NULL, NULL);

	while (live > 0 && (pid = waitpid(-1, &st, __WALL)) > 0) {
		int sig = 0;

		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			forget(pid);
			live--;
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			bool *in = in_syscall(pid);
			struct user_regs_struct ur;
			struct outcome o;
			char sym[256] = "";

			*in = !*in;
			if (*in && ptrace(PTRACE_GETREGS, pid, NULL, &ur) == 0) {
				unwind(pid, &ur, &o);
				counts[o.res]++;
				total++;
				if (o.depth > max_depth && o.res == R_EXE)
					max_depth = o.depth;
				if (o.res == R_EXE && builtin && self_syms &&
				    !elf_syms__lookup(self_syms, o.file_off, sym,
						      sizeof(sym))) {
					for (i = 0; i < NWL; i++) {
						size_t l = strlen(workload_fns[i]);

						if (!strncmp(sym, workload_fns[i], l) &&
						    (sym[l] == '+' || !sym[l]))
							seen[i] = true;
					}
				}
				if (verbose || o.res == R_FAILED)
					fprintf(stderr,
						"%d nr=%-3llu depth=%-2u %-16s %s+0x%llx %s%s%s\n",
						pid, (unsigned long long)ur.orig_rax,
						o.depth, result_names[o.res], o.path,
						(unsigned long long)o.file_off, sym,
						o.why ? " " : "", o.why ? o.why : "");
			}
		} else if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_CLONE << 8))) {
			live++;
		} else if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			/* the exec'ing thread keeps its entry/exit phase */
		} else if (WSTOPSIG(st) != SIGSTOP && WSTOPSIG(st) != SIGTRAP) {
			sig = WSTOPSIG(st);
		}
		ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig);
	}

	printf("cfi-truth: %zu syscall entries, deepest unwind to the executable: %u frames\n",
	       total, max_depth);
	for (i = 0; i < R__COUNT; i++)
		printf("  %-28s %zu\n", result_names[i], counts[i]);
	if (builtin) {
		for (i = 0; i < NWL; i++)
			if (!seen[i])
				printf("  MISSING caller %s\n", workload_fns[i]);
	}
	for (i = 0; i < nlibs; i++)
		cfi__free(&libs[i].t);
	elf_syms__close(self_syms);
	if (counts[R_FAILED])
		return 1;
	if (builtin) {
		if (counts[R_OTHER_LIB] || counts[R_ANON])
			return 1;
		for (i = 0; i < NWL && !counts[R_SANITIZER]; i++)
			if (!seen[i])
				return 1;
	}
	return 0;
}
