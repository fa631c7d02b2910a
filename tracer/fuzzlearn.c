// SPDX-License-Identifier: GPL-2.0
/*
 * fuzzlearn.c - `sysfence learn --fuzz DIR -- CMD [@@]` (docs/fuzz.md).
 *
 * Phase 1, fuzz: Debian's afl-fuzz runs CMD with the seeds of DIR.  Only
 * processes that exec the target binary are tracked (rt__watch_exec): the
 * fork server and, from fork time on, each child it forks; afl-fuzz itself
 * and its fauxserver (non-instrumented mode) never are.  Live numbers come
 * from afl-fuzz's StatsD packets (one per second, to a UDP socket of ours
 * on 127.0.0.1), final ones from its fuzzer_stats file.
 *
 * Phase 2, replay: every queue entry, then every crash input, runs once
 * more under plain learning (launch__start: tracked before exec).
 *
 * Crash tuples: counts only grow, so three snapshots separate the phases:
 * F after fuzzing, Q after the queue replay, C after the crash replay.
 * A tuple is "crash-only" when the crash replay reached it (C > Q) and the
 * queue replay did not (Q == F).  Those are kept out of the trace and the
 * policy by default and written to <stem>.crashes.trace.zst instead;
 * --include-crashes keeps them.  Tuples seen while fuzzing that no replay
 * reproduced (timeouts, crashes afl-fuzz did not save) stay and are
 * counted in the summary.  Which tuples those are is decided by
 * learner/crashsplit.c (unit-tested); this file runs the processes.
 *
 * Why tracer/ and not fuzz/: this is a learning driver of the sysfence
 * binary (it owns the BPF runtime, forks afl-fuzz and the replays, reads
 * sockets and signals), i.e. the OS-touching shell that STYLE.md keeps in
 * tracer/.  fuzz/ holds what fuzzes sysfence itself (the AFL++ harnesses
 * of our parsers, their corpora and crash replays) and the example targets;
 * it is not linked into the binary.  The `plot` command that draws this
 * driver's saturation curve is tracer/plotcmd.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "crashsplit.h"
#include "fuzzlearn.h"
#include "launch.h"
#include "log.h"
#include "rt.h"
#include "syscalls.h"
#include "trace_file.h"

#define SAMPLE_MS 1000
#define PROGRESS_TTY_MS 1000
#define PROGRESS_PIPE_MS 10000
#define CHECKPOINT_MS 10000
#define AFL_STOP_GRACE_MS 5000
#define REPLAY_TIMEOUT_MS 2000

/* ---- small helpers ------------------------------------------------------------ */

char *fuzzlearn__curve_path(const char *trace_path, const char *ext)
{
	size_t n = strlen(trace_path);
	const char *suffix = ".trace.zst";
	size_t sl = strlen(suffix);
	char *out;

	if (n > sl && !strcmp(trace_path + n - sl, suffix))
		n -= sl;
	if (asprintf(&out, "%.*s%s", (int)n, trace_path, ext) < 0)
		return NULL;
	return out;
}

/* Does the file contain the string?  0/1 or -errno. */
static int file_contains(const char *path, const char *needle)
{
	struct stat st;
	void *map;
	int fd, found;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -errno;
	found = memmem(map, (size_t)st.st_size, needle, strlen(needle)) != NULL;
	munmap(map, (size_t)st.st_size);
	return found;
}

/* AFL++'s compiler runtime (afl-cc, afl-clang-fast, afl-gcc) puts the
 * fork server in the executable; its shared-memory variable name and the
 * fork-server signatures are there as strings. */
static int is_instrumented(const char *exe)
{
	static const char *const marks[] = { "__AFL_SHM_ID", "##SIG_AFL_PERSISTENT##",
					     "##SIG_AFL_DEFER_FORKSRV##" };

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (file_contains(exe, marks[i]) == 1)
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted paths of the "id:*" files of dir (afl-fuzz's queue or crashes). */
static int list_inputs(const char *dir, char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cnt = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		char *p;

		if (strncmp(e->d_name, "id:", 3))
			continue;
		if (cnt == cap) {
			char **nv = realloc(v, (cap ? cap * 2 : 64) * sizeof(*nv));

			if (!nv)
				goto nomem;
			v = nv;
			cap = cap ? cap * 2 : 64;
		}
		if (asprintf(&p, "%s/%s", dir, e->d_name) < 0)
			goto nomem;
		v[cnt++] = p;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*out = v;
	*n = cnt;
	return 0;
nomem:
	closedir(d);
	for (size_t i = 0; i < cnt; i++)
		free(v[i]);
	free(v);
	return -ENOMEM;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static int dir_has_file(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return -errno;
	while (!found && (e = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;

		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		found = e->d_name[0] != '.' && !stat(p, &st) && S_ISREG(st.st_mode) &&
			st.st_size > 0;
	}
	closedir(d);
	return found;
}

/* ---- afl-fuzz numbers ----------------------------------------------------------- */
struct afl_stats {
	uint64_t execs;
	uint64_t corpus;
	uint64_t crashes;
	uint64_t hangs;
	uint64_t run_time; /* s, fuzzer_stats only */
	double execs_per_sec;
};

/* One StatsD packet: "fuzzing.execs_done:123|g\n..." lines. */
static void parse_statsd(char *buf, struct afl_stats *st)
{
	static const struct { const char *name; size_t off; } f[] = {
		{ "fuzzing.execs_done:", offsetof(struct afl_stats, execs) },
		{ "fuzzing.corpus_count:", offsetof(struct afl_stats, corpus) },
		{ "fuzzing.saved_crashes:", offsetof(struct afl_stats, crashes) },
		{ "fuzzing.saved_hangs:", offsetof(struct afl_stats, hangs) },
	};
	char *save = NULL;

	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			size_t l = strlen(f[i].name);

			if (!strncmp(line, f[i].name, l))
				*(uint64_t *)((char *)st + f[i].off) =
					strtoull(line + l, NULL, 10);
		}
}

static void drain_statsd(int fd, struct afl_stats *st)
{
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = 0;
		parse_statsd(buf, st);
	}
}

/* fuzzer_stats: "key   : value" lines, written when afl-fuzz stops. */
static int read_fuzzer_stats(const char *path, struct afl_stats *st)
{
	char line[512];
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char key[64];
		char *colon = strchr(line, ':');
		unsigned long long v;
		double d;

		if (!colon || sscanf(line, "%63s", key) != 1)
			continue;
		if (!strcmp(key, "execs_per_sec") && sscanf(colon + 1, "%lf", &d) == 1)
			st->execs_per_sec = d;
		if (sscanf(colon + 1, "%llu", &v) != 1)
			continue;
		if (!strcmp(key, "execs_done"))
			st->execs = v;
		else if (!strcmp(key, "corpus_count"))
			st->corpus = v;
		else if (!strcmp(key, "saved_crashes"))
			st->crashes = v;
		else if (!strcmp(key, "saved_hangs"))
			st->hangs = v;
		else if (!strcmp(key, "run_time"))
			st->run_time = v;
	}
	fclose(f);
	return 0;
}

static int statsd_socket(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* ---- the run ---------------------------------------------------------------------- */
struct sample {
	uint64_t ms;     /* since the fuzz phase started */
	uint64_t execs;
	uint64_t tuples;
	uint64_t corpus;
	uint64_t crashes;
};

struct run {
	const struct fuzz_opts *o;
	struct fuzz_session *fs;
	char workdir[PATH_MAX - 64]; /* room for the names below it */
	char afl_out[PATH_MAX];
	char afl_log[PATH_MAX];
	int keep_workdir;
	int instrumented;
	int stdin_mode;
	pid_t afl;
	int statsd;
	struct afl_stats st;
	struct sample *samples;
	size_t nsamples, capsamples;
	uint64_t t0;            /* fuzz phase start (mono_ms) */
	uint64_t fuzz_ms;       /* fuzz phase length */
	uint64_t tuples0;       /* distinct tuples before afl-fuzz started */
	uint64_t last_tuples;
	uint64_t last_new_ms;   /* relative to t0 */
};

static uint64_t tuples_now(struct run *r)
{
	uint64_t st[SF_STAT__COUNT];

	if (rt__stats(r->fs->rt, st))
		return r->last_tuples;
	return st[SF_STAT_NEW_TUPLES];
}

static void add_sample(struct run *r, uint64_t rel)
{
	uint64_t tuples = tuples_now(r);

	if (tuples != r->last_tuples) {
		r->last_tuples = tuples;
		r->last_new_ms = rel;
	}
	if (r->nsamples == r->capsamples) {
		size_t cap = r->capsamples ? r->capsamples * 2 : 256;
		struct sample *n = realloc(r->samples, cap * sizeof(*n));

		if (!n)
			return; /* the curve loses a point; learning goes on */
		r->samples = n;
		r->capsamples = cap;
	}
	r->samples[r->nsamples++] = (struct sample){ rel, r->st.execs, tuples, r->st.corpus,
						     r->st.crashes };
}

static void progress(struct run *r, uint64_t rel, int tty, int final)
{
	uint64_t el = rel / 1000, dur = r->o->duration_ms / 1000;

	if (r->o->quiet)
		return;
	fprintf(stderr,
		"%s[%llus/%llus] execs %llu (%.0f/s)  corpus %llu  crashes %llu  tuples %llu  "
		"last new %llus ago%s",
		tty ? "\r\033[K" : "", (unsigned long long)el, (unsigned long long)dur, (unsigned long long)r->st.execs,
		el ? (double)r->st.execs / ((double)rel / 1000.0) : 0.0,
		(unsigned long long)r->st.corpus, (unsigned long long)r->st.crashes,
		(unsigned long long)r->last_tuples,
		(unsigned long long)((rel - r->last_new_ms) / 1000), tty && !final ? "" : "\n");
}

static int start_afl(struct run *r, const char *afl_fuzz, int port)
{
	struct fuzz_session *fs = r->fs;
	char portstr[16];
	char **args;
	int n = 0, logfd;
	pid_t pid;

	args = calloc((size_t)fs->argc + 16, sizeof(*args));
	if (!args)
		return -ENOMEM;
	args[n++] = (char *)afl_fuzz;
	args[n++] = "-i";
	args[n++] = (char *)r->o->corpus;
	args[n++] = "-o";
	args[n++] = r->afl_out;
	if (!r->instrumented)
		args[n++] = "-n";
	args[n++] = "--";
	args[n++] = (char *)fs->binary;
	for (int i = 1; i < fs->argc; i++)
		args[n++] = fs->argv[i];
	args[n] = NULL;

	logfd = open(r->afl_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		free(args);
		return -errno;
	}
	snprintf(portstr, sizeof(portstr), "%d", port);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(logfd);
		free(args);
		return err;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		/* Own process group: Ctrl-C reaches sysfence, which stops
		 * afl-fuzz and then replays; the targets never see it. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(127);
		/* What afl-fuzz needs on a machine nobody tuned for it; a
		 * user's own setting wins for the first three. */
		setenv("AFL_SKIP_CPUFREQ", "1", 0);
		setenv("AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES", "1", 0);
		setenv("AFL_NO_AFFINITY", "1", 0);
		setenv("AFL_NO_UI", "1", 1);
		if (port > 0) {
			setenv("AFL_STATSD", "1", 1);
			setenv("AFL_STATSD_HOST", "127.0.0.1", 1);
			setenv("AFL_STATSD_PORT", portstr, 1);
		}
		if (!r->instrumented)
			setenv("AFL_SKIP_BIN_CHECK", "1", 1);
		execv(afl_fuzz, args);
		dprintf(2, "sysfence: cannot run %s: %s\n", afl_fuzz, strerror(errno));
		_exit(127);
	}
	close(logfd);
	free(args);
	r->afl = pid;
	return 0;
}

/* SIGINT (afl-fuzz writes its stats and exits), then SIGKILL. */
static int stop_afl(struct run *r, int *status)
{
	uint64_t deadline = mono_ms() + AFL_STOP_GRACE_MS;

	if (r->afl <= 0)
		return 0;
	kill(r->afl, SIGINT);
	while (mono_ms() < deadline) {
		pid_t w = waitpid(r->afl, status, WNOHANG);

		if (w == r->afl || w < 0)
			goto reaped;
		rt__poll(r->fs->rt, 50);
	}
	log_warn("afl-fuzz did not stop within %d s: killing it", AFL_STOP_GRACE_MS / 1000);
	kill(-r->afl, SIGKILL);
	waitpid(r->afl, status, 0);
reaped:
	/* Its fork server and children are in its process group. */
	kill(-r->afl, SIGKILL);
	r->afl = -1;
	return 0;
}

static void show_afl_log(const struct run *r, int lines)
{
	char buf[8192], *p;
	int fd = open(r->afl_log, O_RDONLY | O_CLOEXEC), seen = 0;
	off_t size;
	ssize_t n;
	size_t d = 0;

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	/* Drop afl-fuzz's colour escapes (ESC [ ... letter). */
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\033') {
			while (i < n && !(buf[i] >= 'A' && buf[i] <= 'Z') &&
			       !(buf[i] >= 'a' && buf[i] <= 'z'))
				i++;
			continue;
		}
		buf[d++] = buf[i];
	}
	buf[d] = 0;
	p = buf + d;
	while (p > buf && seen <= lines)
		if (*--p == '\n')
			seen++;
	fprintf(stderr, "sysfence: last lines of %s:\n%s", r->afl_log, *p == '\n' ? p + 1 : p);
}

/* ---- replay ------------------------------------------------------------------------- */
enum replay_result { REPLAY_OK, REPLAY_CRASH, REPLAY_TIMEOUT, REPLAY_FAILED };

/* argv with every "@@" replaced by input (afl-fuzz also replaces it inside
 * a longer argument). */
static char **replay_argv(struct fuzz_session *fs, const char *input)
{
	char **v = calloc((size_t)fs->argc + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (int i = 0; i < fs->argc; i++) {
		const char *a = i ? fs->argv[i] : fs->binary;
		const char *at = strstr(a, "@@");

		if (at) {
			if (asprintf(&v[i], "%.*s%s%s", (int)(at - a), a, input, at + 2) < 0)
				v[i] = NULL;
		} else {
			v[i] = strdup(a);
		}
		if (!v[i]) {
			for (int j = 0; j < i; j++)
				free(v[j]);
			free(v);
			return NULL;
		}
	}
	return v;
}

static enum replay_result replay_one(struct run *r, const char *input, int *sig)
{
	struct fuzz_session *fs = r->fs;
	struct launch l = { .pid = -1 };
	char **argv = replay_argv(fs, input);
	int in, nul, saved[3], ret, status = 0;
	enum replay_result res = REPLAY_FAILED;
	uint64_t deadline;

	*sig = 0;
	if (!argv)
		return REPLAY_FAILED;
	in = open(r->stdin_mode ? input : "/dev/null", O_RDONLY | O_CLOEXEC);
	nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (in < 0 || nul < 0)
		goto out;
	/* launch__start's child inherits our 0-2: point them at the input
	 * and /dev/null for the launch, then put ours back. */
	fflush(stderr);
	for (int i = 0; i < 3; i++)
		saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 3);
	dup2(in, 0);
	dup2(nul, 1);
	dup2(nul, 2);
	ret = launch__start(&l, argv, fs->rt);
	for (int i = 0; i < 3; i++) {
		if (saved[i] >= 0) {
			dup2(saved[i], i);
			close(saved[i]);
		} else {
			close(i);
		}
	}
	if (ret) {
		log_err("cannot replay %s: %s", input, strerror(-ret));
		goto out;
	}
	deadline = mono_ms() + REPLAY_TIMEOUT_MS;
	for (;;) {
		pid_t w = waitpid(l.pid, &status, WNOHANG);

		if (w == l.pid)
			break;
		if (w < 0)
			goto out;
		if (mono_ms() >= deadline) {
			kill(l.pid, SIGKILL);
			waitpid(l.pid, &status, 0);
			res = REPLAY_TIMEOUT;
			goto out;
		}
		rt__poll(fs->rt, 1);
	}
	if (WIFSIGNALED(status)) {
		*sig = WTERMSIG(status);
		res = REPLAY_CRASH;
	} else {
		res = REPLAY_OK;
	}
out:
	if (in >= 0)
		close(in);
	if (nul >= 0)
		close(nul);
	for (int i = 0; i < fs->argc; i++)
		free(argv[i]);
	free(argv);
	return res;
}

struct replay_stats {
	size_t run, crashed, timeouts, failed;
	char **crash_lines; /* "name: killed by SIGABRT" */
	size_t ncrash_lines;
};

static void replay_note_crash(struct replay_stats *rs, const char *path, int sig)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char **n = realloc(rs->crash_lines, (rs->ncrash_lines + 1) * sizeof(*n));
	char *line;

	if (!n)
		return;
	rs->crash_lines = n;
	if (asprintf(&line, "%s: killed by SIG%s", base, sigabbrev_np(sig) ? sigabbrev_np(sig)
									   : "?") >= 0)
		rs->crash_lines[rs->ncrash_lines++] = line;
}

/* Replay inputs; stops early on a signal.  0 or -EINTR. */
static int replay_all(struct run *r, char **inputs, size_t n, struct replay_stats *rs,
		      const char *what)
{
	int tty = isatty(STDERR_FILENO);
	uint64_t next = mono_ms() + (tty ? PROGRESS_TTY_MS : PROGRESS_PIPE_MS);

	for (size_t i = 0; i < n; i++) {
		enum replay_result res;
		int sig;

		if (*r->fs->stop) {
			log_warn("replay of the %s interrupted after %zu of %zu inputs", what, i, n);
			return -EINTR;
		}
		res = replay_one(r, inputs[i], &sig);
		rs->run++;
		if (res == REPLAY_CRASH) {
			rs->crashed++;
			replay_note_crash(rs, inputs[i], sig);
		} else if (res == REPLAY_TIMEOUT) {
			rs->timeouts++;
		} else if (res == REPLAY_FAILED) {
			rs->failed++;
		}
		if (!r->o->quiet && mono_ms() >= next) {
			fprintf(stderr, "%sreplaying %s: %zu/%zu  tuples %llu%s", tty ? "\r\033[K" : "",
				what, i + 1, n, (unsigned long long)tuples_now(r), tty ? "" : "\n");
			next = mono_ms() + (tty ? PROGRESS_TTY_MS : PROGRESS_PIPE_MS);
		}
	}
	if (!r->o->quiet && tty && n)
		fprintf(stderr, "\r\033[K");
	return 0;
}

static void free_replay_stats(struct replay_stats *rs)
{
	free_list(rs->crash_lines, rs->ncrash_lines);
}

static void print_tuple(const struct trace *t, size_t i)
{
	const struct trace_tuple *tu = &t->tuples[i];
	const struct trace_lib *l = &t->libs[tu->lib];
	const char *name = syscall__name(tu->nr);

	fprintf(stderr, "    %s: %s", l->path, name ? name : "?");
	if (!name)
		fprintf(stderr, "(%u)", tu->nr);
	fputc('\n', stderr);
}

/* ---- saturation curve ----------------------------------------------------------------- */
static int write_curve(struct run *r, const char *path, uint64_t replay_tuples)
{
	char tmp[PATH_MAX];
	FILE *f;
	int ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "# sysfence learn --fuzz saturation curve (docs/fuzz.md)\n"
		   "# binary: %s\n"
		   "# mode: %s\n"
		   "# fuzz_seconds: %.1f\n"
		   "# tuples_after_replay: %llu\n"
		   "# seconds\texecs\ttuples\tcorpus\tcrashes\n",
		r->fs->binary, r->instrumented ? "fork server (instrumented)" : "non-instrumented (-n)",
		(double)r->fuzz_ms / 1000.0, (unsigned long long)replay_tuples);
	for (size_t i = 0; i < r->nsamples; i++) {
		const struct sample *s = &r->samples[i];

		fprintf(f, "%.1f\t%llu\t%llu\t%llu\t%llu\n", (double)s->ms / 1000.0,
			(unsigned long long)s->execs, (unsigned long long)s->tuples,
			(unsigned long long)s->corpus, (unsigned long long)s->crashes);
	}
	if (fflush(f) || ferror(f))
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

/* afl-fuzz's findings: <out>/default/NAME, or <out>/NAME in non-instrumented
 * mode (no fuzzer id there). */
static void findings_path(const struct run *r, const char *name, char *out, size_t len)
{
	struct stat st;

	snprintf(out, len, "%s/default", r->afl_out);
	if (stat(out, &st) || !S_ISDIR(st.st_mode))
		snprintf(out, len, "%s/%s", r->afl_out, name);
	else
		snprintf(out, len, "%s/default/%s", r->afl_out, name);
}

/* ---- the driver ------------------------------------------------------------------------- */
static int setup_workdir(struct run *r)
{
	if (r->o->out_dir) {
		if (mkdir(r->o->out_dir, 0755) && errno != EEXIST) {
			log_err("cannot create --fuzz-out %s: %s", r->o->out_dir, strerror(errno));
			return -errno;
		}
		char real[PATH_MAX];

		if (!realpath(r->o->out_dir, real)) {
			log_err("--fuzz-out %s: %s", r->o->out_dir, strerror(errno));
			return -errno;
		}
		if (strlen(real) >= sizeof(r->workdir)) {
			log_err("--fuzz-out %s: path too long", r->o->out_dir);
			return -ENAMETOOLONG;
		}
		strcpy(r->workdir, real);
		r->keep_workdir = 1;
	} else {
		const char *tmp = getenv("TMPDIR");

		if (snprintf(r->workdir, sizeof(r->workdir), "%s/sysfence-fuzz.XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") >= (int)sizeof(r->workdir)) {
			log_err("TMPDIR %s: path too long", tmp);
			return -ENAMETOOLONG;
		}
		if (!mkdtemp(r->workdir)) {
			log_err("cannot create a work directory in %s: %s", tmp && *tmp ? tmp : "/tmp",
				strerror(errno));
			return -errno;
		}
	}
	snprintf(r->afl_out, sizeof(r->afl_out), "%s/afl", r->workdir);
	snprintf(r->afl_log, sizeof(r->afl_log), "%s/afl-fuzz.log", r->workdir);
	return 0;
}

static int fuzz_phase(struct run *r, const char *afl_fuzz)
{
	struct fuzz_session *fs = r->fs;
	int tty = isatty(STDERR_FILENO), port = 0, status = 0, ret;
	uint64_t next_sample, next_progress, next_checkpoint, now, rel = 0;
	char stats[PATH_MAX + 32];

	r->statsd = statsd_socket(&port);
	if (r->statsd < 0) {
		log_warn("no live afl-fuzz numbers (cannot open a UDP socket: %s)",
			 strerror(-r->statsd));
		port = 0;
	}
	r->last_tuples = r->tuples0 = tuples_now(r);
	ret = start_afl(r, afl_fuzz, port);
	if (ret) {
		log_err("cannot start %s: %s", afl_fuzz, strerror(-ret));
		return ret;
	}
	r->t0 = mono_ms();
	next_sample = r->t0;
	next_progress = r->t0 + (tty ? PROGRESS_TTY_MS : PROGRESS_PIPE_MS);
	next_checkpoint = r->t0 + CHECKPOINT_MS;
	while (!*fs->stop) {
		pid_t w;

		rt__poll(fs->rt, 100);
		drain_statsd(r->statsd, &r->st);
		now = mono_ms();
		rel = now - r->t0;
		w = waitpid(r->afl, &status, WNOHANG);
		if (w == r->afl) {
			r->afl = -1;
			if (!r->o->quiet && tty)
				fputc('\n', stderr);
			log_err("afl-fuzz stopped by itself after %.1f s (%s %d)", (double)rel / 1000.0,
				WIFEXITED(status) ? "exit status" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			show_afl_log(r, 12);
			return -ECHILD;
		}
		if (now >= next_sample) {
			add_sample(r, rel);
			next_sample += SAMPLE_MS;
		}
		if (rel >= r->o->duration_ms)
			break;
		if (now >= next_progress) {
			progress(r, rel, tty, 0);
			next_progress = now + (tty ? PROGRESS_TTY_MS : PROGRESS_PIPE_MS);
		}
		if (now >= next_checkpoint) {
			fs->checkpoint(fs->ctx);
			next_checkpoint = now + CHECKPOINT_MS;
		}
	}
	if (*fs->stop)
		log_info("stopping afl-fuzz on signal %d; replaying next (Ctrl-C again skips it)",
			 (int)*fs->stop);
	r->fuzz_ms = mono_ms() - r->t0;
	stop_afl(r, &status);
	/* Signals that arrived while afl-fuzz was stopping belong to the
	 * same Ctrl-C; only a later one interrupts the replay. */
	*fs->stop = 0;
	/* Leftover packets, then afl-fuzz's final word. */
	drain_statsd(r->statsd, &r->st);
	findings_path(r, "fuzzer_stats", stats, sizeof(stats));
	read_fuzzer_stats(stats, &r->st);
	rt__poll(fs->rt, 0);
	add_sample(r, r->fuzz_ms);
	progress(r, r->fuzz_ms, tty, 1);
	return 0;
}

/* Summary of the saturation test; returns 1 when saturated. */
static int saturated(const struct run *r)
{
	if (!r->fuzz_ms)
		return 0;
	return (r->fuzz_ms - r->last_new_ms) * 100 >= (uint64_t)FUZZ_SATURATION_PCT * r->fuzz_ms;
}

int fuzzlearn__run(const struct fuzz_opts *o, struct fuzz_session *fs)
{
	struct fuzz_opts opts = *o;
	struct run r = { .o = &opts, .fs = fs, .afl = -1, .statsd = -1 };
	struct replay_stats qrs = {}, crs = {};
	struct trace *tF = NULL, *tQ = NULL, *tC = NULL, *final = NULL, *crash_only = NULL;
	struct crashsplit split = { 0 };
	char **queue = NULL, **crashes = NULL;
	size_t nqueue = 0, nqueue_all = 0, ncrashes = 0;
	char afl_fuzz[PATH_MAX], dir[PATH_MAX + 32], err[TRACE_ERRLEN] = "";
	char *curve = NULL, *crash_path = NULL;
	int ret;

	if (!opts.duration_ms)
		opts.duration_ms = FUZZ_DEFAULT_DURATION_MS;
	if (!opts.max_replay)
		opts.max_replay = FUZZ_DEFAULT_MAX_REPLAY;

	/* Preconditions, before anything is started. */
	{
		const char *env_afl = getenv("AFL_FUZZ");

		ret = launch__resolve(env_afl && *env_afl ? env_afl : "afl-fuzz", afl_fuzz,
				      sizeof(afl_fuzz));
		if (ret) {
			log_err("afl-fuzz not found (install AFL++: apt-get install afl++, or set "
				"AFL_FUZZ=/path/to/afl-fuzz)");
			return ret;
		}
	}
	ret = dir_has_file(opts.corpus);
	if (ret <= 0) {
		log_err("--fuzz %s: %s", opts.corpus,
			ret < 0 ? strerror(-ret) : "no seed inputs (needs at least one non-empty file)");
		return ret < 0 ? ret : -ENOENT;
	}
	r.stdin_mode = 1;
	for (int i = 1; i < fs->argc; i++)
		if (strstr(fs->argv[i], "@@"))
			r.stdin_mode = 0;
	r.instrumented = is_instrumented(fs->binary);
	if (!r.instrumented)
		log_warn("%s is not instrumented for AFL++ (build it with afl-clang-fast or "
			 "afl-cc): fuzzing in non-instrumented mode (-n), coverage guidance is off",
			 fs->binary);
	ret = setup_workdir(&r);
	if (ret)
		return ret;
	curve = fuzzlearn__curve_path(fs->trace_path, ".saturation.tsv");
	crash_path = fuzzlearn__curve_path(fs->trace_path, ".crashes.trace.zst");
	if (!curve || !crash_path) {
		ret = -ENOMEM;
		goto out;
	}
	ret = rt__watch_exec(fs->rt, fs->binary);
	if (ret) {
		log_err("cannot watch %s: %s", fs->binary, strerror(-ret));
		goto out;
	}
	if (!opts.quiet)
		fprintf(stderr, "sysfence: fuzzing %s for %llus with %s (%s, input %s), work dir %s\n",
			fs->binary, (unsigned long long)(opts.duration_ms / 1000), afl_fuzz,
			r.instrumented ? "fork server" : "non-instrumented",
			r.stdin_mode ? "on stdin" : "as @@", r.workdir);

	/* Phase 1. */
	ret = fuzz_phase(&r, afl_fuzz);
	if (ret)
		goto out;
	ret = fs->build_trace(fs->ctx, 0, &tF);
	if (ret)
		goto out;

	/* Phase 2: queue, then crashes (last, so that they can be told apart). */
	findings_path(&r, "queue", dir, sizeof(dir));
	ret = list_inputs(dir, &queue, &nqueue_all);
	nqueue = nqueue_all;
	if (!ret) {
		findings_path(&r, "crashes", dir, sizeof(dir));
		ret = list_inputs(dir, &crashes, &ncrashes);
	}
	if (ret) {
		log_err("cannot list afl-fuzz's findings in %s: %s", r.afl_out, strerror(-ret));
		goto out;
	}
	if (nqueue > opts.max_replay) {
		log_warn("replaying %llu of %zu queue entries (--max-replay)",
			 (unsigned long long)opts.max_replay, nqueue);
		nqueue = (size_t)opts.max_replay;
	}
	if (!opts.quiet)
		fprintf(stderr, "sysfence: replaying %zu queue entries and %zu crash inputs\n", nqueue,
			ncrashes);
	replay_all(&r, queue, nqueue, &qrs, "queue");
	ret = fs->build_trace(fs->ctx, 0, &tQ);
	if (ret)
		goto out;
	replay_all(&r, crashes, ncrashes, &crs, "crash inputs");
	rt__set_mode(fs->rt, SF_MODE_OFF);
	ret = fs->build_trace(fs->ctx, 1, &tC);
	if (ret)
		goto out;

	/* Separate. */
	ret = crashsplit__compute(tF, tQ, tC, opts.include_crashes, &split);
	if (ret)
		goto out;
	ret = crashsplit__select(tC, split.keep, &final);
	if (ret)
		goto out;
	ret = trace__write(final, fs->trace_path, err, sizeof(err));
	if (ret) {
		log_err("%s", err[0] ? err : strerror(-ret));
		goto out;
	}
	if (split.ncrash_only && !opts.include_crashes) {
		ret = crashsplit__select(tC, split.only, &crash_only);
		if (!ret)
			ret = trace__write(crash_only, crash_path, err, sizeof(err));
		if (ret) {
			log_err("%s", err[0] ? err : strerror(-ret));
			goto out;
		}
	}
	ret = write_curve(&r, curve, tuples_now(&r));
	if (ret)
		log_warn("cannot write the saturation curve %s: %s", curve, strerror(-ret));

	/* Summary. */
	if (!opts.quiet) {
		double secs = (double)r.fuzz_ms / 1000.0;

		fprintf(stderr,
			"sysfence: fuzzed %.0fs: %llu execs (%.0f/s), corpus %llu, %llu crashes, "
			"%llu hangs saved%s\n",
			secs, (unsigned long long)r.st.execs, secs > 0 ? (double)r.st.execs / secs : 0.0,
			(unsigned long long)r.st.corpus, (unsigned long long)r.st.crashes,
			(unsigned long long)r.st.hangs,
			r.instrumented ? "" : " (non-instrumented: no coverage guidance)");
		fprintf(stderr,
			"sysfence: tuples: %llu before fuzzing, %zu after fuzzing, +%zu from replaying "
			"%zu queue entries",
			(unsigned long long)r.tuples0, tF->ntuples, split.nreplay_new, qrs.run);
		if (qrs.timeouts || qrs.failed)
			fprintf(stderr, " (%zu timed out, %zu failed)", qrs.timeouts, qrs.failed);
		fprintf(stderr, "; %zu seen while fuzzing only (no replay reproduced them)\n",
			split.nunreproduced);
		if (qrs.crashed) {
			fprintf(stderr, "sysfence: %zu queue entries crashed on replay:\n", qrs.crashed);
			for (size_t i = 0; i < qrs.ncrash_lines; i++)
				fprintf(stderr, "    %s\n", qrs.crash_lines[i]);
		}
		if (ncrashes) {
			findings_path(&r, "crashes", dir, sizeof(dir));
			fprintf(stderr, "sysfence: crash inputs (%zu, in %s):\n", ncrashes, dir);
			for (size_t i = 0; i < crs.ncrash_lines; i++)
				fprintf(stderr, "    %s\n", crs.crash_lines[i]);
			if (crs.run - crs.crashed)
				fprintf(stderr, "    (%zu did not crash on replay)\n",
					crs.run - crs.crashed);
			fprintf(stderr, "sysfence: %zu tuples only crash inputs reach: %s\n",
				split.ncrash_only,
				opts.include_crashes ? "kept (--include-crashes)" :
				split.ncrash_only ? "kept out of the policy (--include-crashes keeps them):" :
				"none");
			for (size_t i = 0; i < tC->ntuples; i++)
				if (split.only[i])
					print_tuple(tC, i);
			if (split.ncrash_only && !opts.include_crashes)
				fprintf(stderr, "sysfence: crash-only tuples written to %s\n",
					crash_path);
		}
		fprintf(stderr, "sysfence: saturation: last new tuple at %.0fs of %.0fs: %s\n",
			(double)r.last_new_ms / 1000.0, secs,
			saturated(&r) ? "looks saturated (no new tuple in the last 25% of the run)"
				      : "NOT saturated: still finding new tuples, fuzz longer");
		fprintf(stderr, "sysfence: saturation curve %s (PNG: sysfence plot saturation %s)\n",
			curve, fs->trace_path);
		fprintf(stderr, "sysfence: trace written to %s\n", fs->trace_path);
	}
	ret = fs->write_policy(fs->ctx, final);
out:
	if (r.afl > 0) {
		int status;

		stop_afl(&r, &status);
	}
	if (r.statsd >= 0)
		close(r.statsd);
	if (r.workdir[0]) {
		if (r.keep_workdir) {
			if (!opts.quiet)
				fprintf(stderr, "sysfence: afl-fuzz work dir kept: %s\n", r.workdir);
		} else if (ret == -ECHILD) {
			fprintf(stderr, "sysfence: afl-fuzz work dir kept for inspection: %s\n",
				r.workdir);
		} else {
			nftw(r.workdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		}
	}
	free_list(queue, nqueue_all);
	free_list(crashes, ncrashes);
	free_replay_stats(&qrs);
	free_replay_stats(&crs);
	crashsplit__free(&split);
	trace__free(tF);
	trace__free(tQ);
	trace__free(tC);
	trace__free(final);
	trace__free(crash_only);
	free(r.samples);
	free(curve);
	free(crash_path);
	return ret;
}
