// SPDX-License-Identifier: GPL-2.0
/* learn.c - `sysfence learn`: run or attach to a target, record, write the
 * trace (checkpointed) and the policy. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cliparse.h"
#include "cmd.h"
#include "diff.h"
#include "elfinfo.h"
#include "enforce.h"
#include "capability.h"
#include "reach.h"
#include "fuzzlearn.h"
#include "launch.h"
#include "log.h"
#include "policy_read.h"
#include "policy_write.h"
#include "rt.h"
#include "trace_file.h"

#define CHECKPOINT_MS 10000
#define PROGRESS_TTY_MS 1000
#define PROGRESS_PIPE_MS 10000
#define MAX_EXTRA_TRANSPARENT 16

struct env {
	uint64_t duration_ms;   /* 0 = until the target exits or Ctrl-C */
	const char *trace_path;
	const char *policy_path;
	const char *transparent[MAX_EXTRA_TRANSPARENT];
	int ntransparent;
	int quiet;
	int then_enforce;       /* --then-enforce */
	const char *summary_path; /* --summary FILE (default: stderr) */
	uint32_t max_tuples;    /* --max-tuples (counts map size) */
	uint32_t max_procs;     /* --max-procs (tracked map size) */
	int verbose;
	pid_t pid;              /* --pid */
	int stop_sig;           /* --stop-signal (default SIGTERM) */
	uint64_t stop_timeout_ms; /* --stop-timeout (default 10 s) */
	struct fuzz_opts fuzz;  /* --fuzz DIR and its options (fuzzlearn.c) */
	struct gen_opts gen;    /* --max-values, --generalize */
	char **argv;            /* target command */
	int argc;
};

static volatile sig_atomic_t stop_signal, stop_count;

static void on_signal(int sig)
{
	stop_signal = sig;
	stop_count++;
}

#define STOP_TIMEOUT_DEFAULT_MS 10000

static const char usage_text[] =
	"Usage: sysfence learn [OPTIONS] -- COMMAND [ARGS...]\n"
	"       sysfence learn [OPTIONS] --pid PID\n"
	"       sysfence learn [OPTIONS] --fuzz DIR -- COMMAND [ARGS...]  (@@ = input file)\n"
	"\n"
	"Runs COMMAND (or attaches to PID, its existing descendants and the children\n"
	"they create later) and\n"
	"records which library makes each system call, until the target exits,\n"
	"--duration passes, or Ctrl-C.  Writes a trace and writes or updates a policy.\n"
	"\n"
	"Options:\n"
	"  -d, --duration DUR     stop after DUR (90, 90s, 1500ms, 10m, 1h, 1h30m)\n"
	"  -t, --trace FILE       trace file (default traces/<program>-<UTC time>.trace.zst)\n"
	"  -o, --policy FILE      policy to write or update (default policies/<program>.json)\n"
	"      --summary FILE     write the policy summary to FILE (default: stderr,\n"
	"                         never stdout, which is the target's)\n"
	"  -p, --pid PID          attach to a running process (its threads and existing\n"
	"                         descendants too) instead of launching\n"
	"      --transparent LIB  also unwind through LIB (libc and ld.so always are)\n"
	"      --max-values N     an argument seen with more than N values (1..16,\n"
	"                         default 16) is allowed with any value (widened);\n"
	"                         setsockopt: more than N (level, option) pairs\n"
	"                         allow any option at their levels\n"
	CAPABILITY_HELP
	"      --fuzz DIR         fuzz COMMAND with afl-fuzz (AFL++), seeds in DIR; only\n"
	"                         processes that exec COMMAND are recorded; then replay\n"
	"                         afl-fuzz's queue and crashes (default --duration 10m)\n"
	"      --fuzz-out DIR     keep afl-fuzz's work dir (queue, crashes) in DIR\n"
	"      --include-crashes  keep tuples only crashing inputs reach in the policy\n"
	"      --max-replay N     replay at most N queue entries (default 10000)\n"
	"      --max-tuples N     room for N distinct (library, syscall, args) tuples\n"
	"                         (default 65536; a full map is counted and reported)\n"
	"      --max-procs N      room for N tracked processes at once (default 16384)\n"
	"      --then-enforce     when --duration ends, switch the live BPF object to\n"
	"                         enforcing the policy just written (kill on violation)\n"
	"      --stop-signal SIG  when --duration or Ctrl-C ends a launched target's\n"
	"                         run, send it SIG (TERM, QUIT, INT, HUP, USR1, ... or\n"
	"                         a number; default TERM) and keep learning its\n"
	"                         shutdown until it and its descendants exit\n"
	"      --stop-timeout DUR after DUR (default 10s) of shutdown, SIGKILL what is\n"
	"                         left; a second Ctrl-C does it at once\n"
	"  -q, --quiet            no progress line\n"
	"  -v, --verbose          more output (-vv: debug and libbpf messages)\n"
	"  -h, --help             this help\n"
	"\n"
	"Examples:\n"
	"  sysfence learn --duration 1h -- ./redis-server --port 7777\n"
	"  sysfence learn --pid 4242 --duration 10m --policy policies/app.json\n"
	"  sysfence learn --fuzz corpus/ --duration 10m -- ./parser @@\n"
	"  sysfence learn --fuzz corpus/ -- ./parser        # input on stdin\n"
	"\n"
	"The shutdown is part of the program: a launched target is stopped with\n"
	"--stop-signal and recorded until it has exited (--pid targets are not\n"
	"signalled: learning just detaches).\n"
	"\n"
	"Exit status: 0 when sysfence succeeded (the target's own status is printed),\n"
	"1 on a runtime error (also when nothing was recorded: no policy is written),\n"
	"2 on a usage error.  The trace is checkpointed every\n"
	"10 s, so killing sysfence loses at most 10 s of recording.\n";

/* "TERM", "SIGTERM", "term" or "15" -> 15; 0 when unknown. */
static int parse_signal(const char *s)
{
	uint64_t v;

	if (!parse_u64(s, 1, SIGRTMAX, &v))
		return (int)v;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *name = sigabbrev_np(sig);

		if (name && !strcasecmp(name, s))
			return sig;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct env *env)
{
	static const struct option opts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "trace", required_argument, NULL, 't' },
		{ "policy", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "transparent", required_argument, NULL, 'T' },
		{ "then-enforce", no_argument, NULL, 'E' },
		{ "max-tuples", required_argument, NULL, 'U' },
		{ "max-procs", required_argument, NULL, 'P' },
		{ "fuzz", required_argument, NULL, 'F' },
		{ "fuzz-out", required_argument, NULL, 'O' },
		{ "include-crashes", no_argument, NULL, 'C' },
		{ "max-replay", required_argument, NULL, 'R' },
		{ "max-values", required_argument, NULL, 'M' },
		{ "stop-signal", required_argument, NULL, 'S' },
		{ "summary", required_argument, NULL, 'Y' },
		{ "stop-timeout", required_argument, NULL, 'W' },
		{ "generalize", required_argument, NULL, 'G' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+d:t:o:p:qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (opt_duration(optarg, &env->duration_ms))
				return EXIT_USAGE;
			break;
		case 't':
			env->trace_path = optarg;
			break;
		case 'o':
			env->policy_path = optarg;
			break;
		case 'p':
			if (opt_pid(optarg, &env->pid))
				return EXIT_USAGE;
			break;
		case 'T':
			if (env->ntransparent == MAX_EXTRA_TRANSPARENT) {
				log_err("too many --transparent libraries (max %d)",
					MAX_EXTRA_TRANSPARENT);
				return EXIT_USAGE;
			}
			env->transparent[env->ntransparent++] = optarg;
			break;
		case 'E':
			env->then_enforce = 1;
			break;
		case 'U':
			if (parse_u64(optarg, 16, 1u << 24, &v)) {
				log_err("invalid --max-tuples '%s': expected 16..16777216", optarg);
				return EXIT_USAGE;
			}
			env->max_tuples = (uint32_t)v;
			break;
		case 'P':
			if (parse_u64(optarg, 16, 1u << 22, &v)) {
				log_err("invalid --max-procs '%s': expected 16..4194304", optarg);
				return EXIT_USAGE;
			}
			env->max_procs = (uint32_t)v;
			break;
		case 'F':
			env->fuzz.corpus = optarg;
			break;
		case 'O':
			env->fuzz.out_dir = optarg;
			break;
		case 'C':
			env->fuzz.include_crashes = 1;
			break;
		case 'R':
			if (parse_u64(optarg, 1, UINT32_MAX, &env->fuzz.max_replay)) {
				log_err("invalid --max-replay '%s': expected a count", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'M':
			if (parse_u64(optarg, 1, SF_RULE_MAX_VALUES, &v)) {
				log_err("invalid --max-values '%s': expected 1..%d", optarg,
					SF_RULE_MAX_VALUES);
				return EXIT_USAGE;
			}
			env->gen.max_values = (unsigned)v;
			break;
		case 'Y':
			env->summary_path = optarg;
			break;
		case 'S':
			env->stop_sig = parse_signal(optarg);
			if (env->stop_sig <= 0) {
				log_err("invalid --stop-signal '%s': expected a signal name "
					"(TERM, QUIT, INT, HUP, USR1...) or number", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'W':
			if (parse_duration_ms(optarg, &env->stop_timeout_ms)) {
				log_err("invalid --stop-timeout '%s': expected e.g. 5s, 1500ms, 1m",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'G':
			if (opt_generalize(optarg, &env->gen))
				return EXIT_USAGE;
			break;
		case 'q':
			env->quiet = 1;
			break;
		case 'v':
			env->verbose++;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(EXIT_OK);
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	env->argv = argv + optind;
	env->argc = argc - optind;
	if (env->pid && env->argc) {
		log_err("give either --pid or a command, not both");
		return EXIT_USAGE;
	}
	if (!env->pid && !env->argc) {
		log_err("no target: give a command after '--' or --pid PID");
		return EXIT_USAGE;
	}
	if (env->then_enforce && (!env->duration_ms || env->fuzz.corpus)) {
		log_err("--then-enforce needs --duration (the learning phase) and no --fuzz");
		return EXIT_USAGE;
	}
	if ((env->stop_sig || env->stop_timeout_ms) && (env->pid || env->fuzz.corpus)) {
		log_err("--stop-signal and --stop-timeout apply to a launched target "
			"(not --pid, not --fuzz)");
		return EXIT_USAGE;
	}
	if (!env->stop_sig)
		env->stop_sig = SIGTERM;
	if (!env->stop_timeout_ms)
		env->stop_timeout_ms = STOP_TIMEOUT_DEFAULT_MS;
	if (env->fuzz.corpus && env->pid) {
		log_err("--fuzz needs a command, not --pid");
		return EXIT_USAGE;
	}
	if (!env->fuzz.corpus &&
	    (env->fuzz.out_dir || env->fuzz.include_crashes || env->fuzz.max_replay)) {
		log_err("--fuzz-out, --include-crashes and --max-replay need --fuzz DIR");
		return EXIT_USAGE;
	}
	return 0;
}


static int mkdir_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = 0;
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

struct session {
	struct env *env;
	struct rt *rt;
	char *binary;           /* absolute path of the target executable */
	char *binary_build_id;
	char *cmdline;
	char *trace_path;
	char *policy_path;
	uint64_t start_ns;
	uint64_t started_ms;
	uint64_t last_new_ms;
	uint64_t last_tuples;
};

static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static int build_trace(struct session *s, int complete, struct trace **out)
{
	struct trace *t = trace__new();
	struct utsname u;
	int ret;

	if (!t)
		return -ENOMEM;
	uname(&u);
	t->arch = strdup("x86_64");
	t->kernel = strdup(u.release);
	t->cmdline = strdup(s->cmdline ? s->cmdline : "");
	t->binary = strdup(s->binary ? s->binary : "");
	t->binary_build_id = s->binary_build_id ? strdup(s->binary_build_id) : NULL;
	t->start_ns = s->start_ns;
	t->end_ns = clock_ns(CLOCK_REALTIME);
	t->complete = (uint32_t)complete;
	if (!t->arch || !t->kernel || !t->cmdline || !t->binary) {
		trace__free(t);
		return -ENOMEM;
	}
	ret = rt__snapshot(s->rt, t);
	if (!ret)
		ret = trace__canonicalize(t);
	if (ret) {
		trace__free(t);
		return ret;
	}
	*out = t;
	return 0;
}

static int write_checkpoint(struct session *s, int complete, struct trace **keep)
{
	char err[TRACE_ERRLEN] = "";
	struct trace *t = NULL;
	int ret;

	ret = build_trace(s, complete, &t);
	if (ret) {
		log_err("cannot collect the recorded data: %s", strerror(-ret));
		return ret;
	}
	ret = trace__write(t, s->trace_path, err, sizeof(err));
	if (ret)
		log_err("%s", err[0] ? err : strerror(-ret));
	if (keep && !ret)
		*keep = t;
	else
		trace__free(t);
	return ret;
}

static void progress(struct session *s, int final, int tty)
{
	uint64_t st[SF_STAT__COUNT], now = mono_ms();
	uint64_t el = (now - s->started_ms) / 1000;
	char rem[32] = "";

	if (rt__stats(s->rt, st))
		return;
	if (st[SF_STAT_NEW_TUPLES] != s->last_tuples) {
		s->last_tuples = st[SF_STAT_NEW_TUPLES];
		s->last_new_ms = now;
	}
	if (s->env->quiet)
		return;
	if (s->env->duration_ms) {
		uint64_t left = s->env->duration_ms / 1000 > el ? s->env->duration_ms / 1000 - el : 0;

		snprintf(rem, sizeof(rem), " (%llus left)", (unsigned long long)left);
	}
	fprintf(stderr, "%s[%llus%s] syscalls %llu  tuples %llu  libraries %zu  last new %llus ago%s",
		tty ? "\r\033[K" : "", (unsigned long long)el, rem,
		(unsigned long long)st[SF_STAT_SYSCALLS], (unsigned long long)st[SF_STAT_NEW_TUPLES],
		rt__nlibs(s->rt), (unsigned long long)((now - s->last_new_ms) / 1000),
		tty && !final ? "" : "\n");
}

static void default_paths(struct session *s, const char *prog)
{
	const char *base = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;

	if (s->env->trace_path) {
		s->trace_path = strdup(s->env->trace_path);
	} else {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		if (asprintf(&s->trace_path, "traces/%s-%s.trace.zst", base, stamp) < 0)
			s->trace_path = NULL;
	}
	if (s->env->policy_path) {
		s->policy_path = strdup(s->env->policy_path);
	} else {
		if (asprintf(&s->policy_path, "policies/%s.json", base) < 0)
			s->policy_path = NULL;
	}
}

static void report_exit(pid_t pid, int status)
{
	if (WIFEXITED(status))
		fprintf(stderr, "sysfence: target %d exited with status %d\n", pid,
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "sysfence: target %d was killed by signal %d (%s)\n", pid,
			WTERMSIG(status), strsignal(WTERMSIG(status)));
}

/* Stop a launched target and learn its shutdown: send --stop-signal to the
 * roots of the tracked trees (the target, or what a daemon left running),
 * keep recording until every tracked process has exited, SIGKILL what is
 * left after --stop-timeout or on a second Ctrl-C. */
static void stop_target(struct session *s, struct launch *child, int *status,
			int *main_done, int *target_done)
{
	const struct env *env = s->env;
	uint64_t deadline = mono_ms() + env->stop_timeout_ms;
	int count0 = stop_count, killed = 0, n;

	n = rt__signal_roots(s->rt, env->stop_sig);
	if (!env->quiet)
		fprintf(stderr, "sysfence: stopping the target with SIG%s (%d process%s); "
			"learning its shutdown (up to %llu ms, Ctrl-C to kill)\n",
			sigabbrev_np(env->stop_sig) ? sigabbrev_np(env->stop_sig) : "?", n,
			n == 1 ? "" : "es", (unsigned long long)env->stop_timeout_ms);
	for (;;) {
		rt__poll(s->rt, 50);
		if (!*main_done && child->pid > 0 && launch__reap(child, status, 1) > 0) {
			*main_done = 1;
			report_exit(child->pid, *status);
		}
		if (*main_done && rt__ntracked(s->rt) <= 0) {
			*target_done = 1;
			break;
		}
		if (killed) {
			if (mono_ms() > deadline + 5000)
				break;
			continue;
		}
		if (mono_ms() >= deadline || stop_count != count0) {
			log_warn("the target did not exit %s: killing what is left",
				 stop_count != count0 ? "before the second interrupt"
						      : "within --stop-timeout");
			rt__kill_all(s->rt);
			if (child->pid > 0 && !*main_done)
				kill(child->pid, SIGKILL);
			killed = 1;
		}
	}
	rt__poll(s->rt, 0);
}

/* Write or update the policy; prints the summary.  0 or -errno. */
static int write_policy(struct session *s, const struct trace *t)
{
	char err[TRACE_ERRLEN] = "";
	struct policy *p = NULL, *old = NULL;
	struct stat st;
	int ret;

	ret = policy__from_trace_opts(t, &s->env->gen, &p, err, sizeof(err));
	if (ret) {
		log_err("cannot build the policy: %s", err[0] ? err : strerror(-ret));
		return ret;
	}
	if (!stat(s->policy_path, &st)) {
		ret = policy__load(s->policy_path, &old, err, sizeof(err));
		if (ret) {
			log_err("existing policy %s is not valid, not overwriting it: %s "
				"(the trace %s holds this recording)", s->policy_path, err,
				s->trace_path);
			policy__free(p);
			return ret;
		}
		/* Update = union of what the file allowed (its compartments
		 * included) and what we saw; old stays as it was, for the diff. */
		ret = policy__merge_opts(p, old, &s->env->gen);
		if (ret) {
			log_err("cannot merge into %s: %s", s->policy_path, strerror(-ret));
			goto out;
		}
	}
	/* after the union: inferred rules follow from everything observed,
	 * this run's calls and the previous policy's */
	ret = reach__generalize(p, s->env->gen.level);
	if (ret) {
		log_err("cannot generalise the policy: %s", strerror(-ret));
		goto out;
	}
	ret = mkdir_parent(s->policy_path);
	if (ret) {
		log_err("cannot create the directory of %s: %s", s->policy_path, strerror(-ret));
		goto out;
	}
	ret = policy__write(p, s->policy_path, err, sizeof(err));
	if (ret) {
		log_err("%s", err[0] ? err : strerror(-ret));
		goto out;
	}
	/* Never on stdout: that is the target's (often redirected) output. */
	if (!s->env->quiet || s->env->summary_path) {
		FILE *f = stderr;

		if (s->env->summary_path) {
			f = fopen(s->env->summary_path, "we");
			if (!f)
				log_warn("cannot write --summary %s: %s", s->env->summary_path,
					 strerror(errno));
		}
		if (f) {
			print_policy_summary(f, p, old);
			if (old) {
				fprintf(f, "changes versus the previous %s:\n", s->policy_path);
				diff__print_policies(f, old, p, f == stderr && isatty(STDERR_FILENO));
			}
			if (f != stderr)
				fclose(f);
		}
	}
out:
	policy__free(p);
	policy__free(old);
	return ret;
}

static void report_stats(const struct trace *t)
{
	static const struct { int idx; const char *what; } warn[] = {
		{ SF_STAT_COUNTS_FULL, "calls were not counted: the counts map is full "
				       "(raise it with --max-tuples N)" },
		{ SF_STAT_SITES_FULL, "call sites were lost: the sites map is full" },
		{ SF_STAT_TRACKED_FULL, "child processes were not tracked: the tracked map "
					"is full (raise it with --max-procs N)" },
		{ SF_STAT_EVENTS_DROPPED, "events were dropped: the ring buffer was full" },
	};

	for (size_t i = 0; i < sizeof(warn) / sizeof(warn[0]); i++)
		if ((uint32_t)warn[i].idx < t->nstats && t->stats[warn[i].idx])
			log_warn("%llu %s", (unsigned long long)t->stats[warn[i].idx], warn[i].what);
	static const char *const names[SF_STAT__COUNT] = {
		"syscalls", "counts-full", "sites-full", "tracked-full", "find-vma-busy",
		"find-vma-fail", "vma-cache-hit", "vma-cache-miss", "unwind-failed",
		"depth-limit", "events-dropped", "new-tuples", "violations",
		"violations-unreported", "kills", "prof-filter-ns", "prof-unwind-ns",
		"prof-record-ns", "prof-samples", "unwind-miss", "floor-kills",
		"violation-keys-full",
	};

	for (uint32_t i = 0; i < t->nstats && i < SF_STAT__COUNT; i++)
		log_info("stat %s: %llu", names[i] ? names[i] : "?",
			 (unsigned long long)t->stats[i]);
	if (SF_STAT_UNWIND_MISS < t->nstats && t->stats[SF_STAT_SYSCALLS])
		log_info("%.1f%% of the tracked calls answered by the unwind cache",
			 100.0 * (double)(t->stats[SF_STAT_SYSCALLS] - t->stats[SF_STAT_UNWIND_MISS]) /
				 (double)t->stats[SF_STAT_SYSCALLS]);
	if (SF_STAT_UNWIND_FAILED < t->nstats && t->stats[SF_STAT_UNWIND_FAILED])
		log_info("%llu calls could not be unwound (bucket [unwind-failed])",
			 (unsigned long long)t->stats[SF_STAT_UNWIND_FAILED]);
}

/* The session as lent to the fuzz driver (fuzzlearn.h). */
static int fuzz_build_trace(void *ctx, int complete, struct trace **out)
{
	int ret = build_trace(ctx, complete, out);

	if (ret)
		log_err("cannot collect the recorded data: %s", strerror(-ret));
	return ret;
}

static int fuzz_checkpoint(void *ctx)
{
	return write_checkpoint(ctx, 0, NULL);
}

static int fuzz_write_policy(void *ctx, const struct trace *t)
{
	struct session *s = ctx;
	int ret;

	report_stats(t);
	ret = write_policy(s, t);
	if (!ret && !s->env->quiet)
		fprintf(stderr, "sysfence: policy written to %s\n", s->policy_path);
	return ret;
}

static int learn_fuzz(struct session *s)
{
	struct fuzz_session fs = {
		.rt = s->rt,
		.binary = s->binary,
		.argv = s->env->argv,
		.argc = s->env->argc,
		.trace_path = s->trace_path,
		.stop = &stop_signal,
		.ctx = s,
		.build_trace = fuzz_build_trace,
		.checkpoint = fuzz_checkpoint,
		.write_policy = fuzz_write_policy,
	};

	s->env->fuzz.duration_ms = s->env->duration_ms;
	s->env->fuzz.quiet = s->env->quiet;
	return fuzzlearn__run(&s->env->fuzz, &fs) ? EXIT_FAIL : EXIT_OK;
}

/* Has the target (launched child or --pid process) ended?  A --pid
 * process is watched through a pidfd, which also sees a zombie that its
 * parent never reaps; without one, kill(pid, 0). */
static int target_ended(const struct env *env, struct launch *child, int *status,
			int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (!env->pid)
		return launch__reap(child, status, 1) > 0;
	if (pidfd >= 0)
		return poll(&p, 1, 0) > 0;
	return kill(env->pid, 0) && errno == ESRCH;
}

/* The final trace could not be written where asked (disk full, read-only
 * directory): keep the recording in $TMPDIR (or /tmp) and say where; the
 * policy is still written.  0 when saved, else -errno. */
static int save_elsewhere(struct session *s, struct trace **keep)
{
	const char *dir = getenv("TMPDIR");
	char *path = NULL, err[TRACE_ERRLEN] = "";
	struct trace *t = NULL;
	int ret;

	if (asprintf(&path, "%s/sysfence-%d.trace.zst", dir && *dir ? dir : "/tmp",
		     (int)getpid()) < 0)
		return -ENOMEM;
	ret = build_trace(s, 1, &t);
	if (!ret)
		ret = trace__write(t, path, err, sizeof(err));
	if (ret) {
		log_err("the recording could not be saved in %s either: %s", path,
			err[0] ? err : strerror(-ret));
		trace__free(t);
	} else {
		log_warn("the trace was saved to %s instead", path);
		*keep = t;
	}
	free(path);
	return ret;
}

/* --then-enforce: load the policy just written into the live object and
 * switch it from learning to enforcing; run until the target ends or
 * Ctrl-C.  Returns the exit code (0, or 3 when violations were seen). */
static int then_enforce(struct session *s, int *done)
{
	struct enforce_opts eo = {};
	struct enforce_report rep;
	struct policy *p = NULL;
	char err[TRACE_ERRLEN] = "";
	uint64_t st[SF_STAT__COUNT];
	int ret;

	ret = policy__load(s->policy_path, &p, err, sizeof(err));
	if (ret) {
		log_err("%s", err[0] ? err : strerror(-ret));
		return EXIT_FAIL;
	}
	enforce__report_init(&rep, s->rt, NULL);
	ret = enforce__configure(s->rt, SF_ACT_KILL, 0, 16, NULL);
	if (!ret)
		ret = enforce__load_policy(s->rt, p, 1, &eo);
	if (!ret)
		ret = rt__set_mode(s->rt, SF_MODE_ENFORCE);
	policy__free(p);
	if (ret) {
		log_err("cannot switch to enforce mode: %s", strerror(-ret));
		return EXIT_FAIL;
	}
	if (!s->env->quiet)
		fprintf(stderr, "sysfence: now enforcing %s (Ctrl-C stops)\n", s->policy_path);
	while (!stop_signal) {
		rt__poll(s->rt, 100);
		if (rt__ntracked(s->rt) <= 0) {
			*done = 1; /* the target and all its descendants ended */
			break;
		}
	}
	rt__poll(s->rt, 0);
	enforce__report_free(&rep);
	if (rt__stats(s->rt, st))
		return EXIT_FAIL;
	if (!s->env->quiet || st[SF_STAT_VIOLATIONS])
		fprintf(stderr, "sysfence: %llu violations, %llu kills\n",
			(unsigned long long)st[SF_STAT_VIOLATIONS],
			(unsigned long long)st[SF_STAT_KILLS]);
	return st[SF_STAT_VIOLATIONS] ? 3 : EXIT_OK;
}

int cmd_learn(int argc, char **argv)
{
	struct env env = {};
	struct session s = { .env = &env };
	struct rt_opts ro = { .mode = SF_MODE_LEARN };
	struct launch child = { .pid = -1 };
	struct trace *final_trace = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t next_checkpoint, next_progress;
	int tty = isatty(STDERR_FILENO);
	int ret, status = 0, target_done = 0, exit_code = EXIT_FAIL;
	int main_done = 0, told_left = 0, pidfd = -1;
	char exe[PATH_MAX];

	ret = parse_args(argc, argv, &env);
	if (ret)
		return ret;
	log__init(env.quiet && !env.verbose ? LOG_QUIET : env.verbose);

	if (geteuid() != 0) {
		log_err("learn needs root (CAP_BPF and CAP_PERFMON to load BPF programs)");
		return EXIT_FAIL;
	}

	/* Resolve the target before loading anything. */
	if (env.pid) {
		char fn[64];
		ssize_t r;

		snprintf(fn, sizeof(fn), "/proc/%d/exe", env.pid);
		r = readlink(fn, exe, sizeof(exe) - 1);
		if (r < 0) {
			if (errno == ENOENT)
				log_err("no process with pid %d", env.pid);
			else
				log_err("cannot inspect pid %d: %s", env.pid, strerror(errno));
			return EXIT_FAIL;
		}
		exe[r] = 0;
		s.cmdline = launch__read_cmdline(env.pid);
	} else {
		ret = launch__resolve(env.argv[0], exe, sizeof(exe));
		if (ret) {
			log_err("cannot run '%s': %s", env.argv[0],
				ret == -ENOENT && !strchr(env.argv[0], '/') ? "command not found"
									    : strerror(-ret));
			return EXIT_FAIL;
		}
		s.cmdline = join_args(env.argc, env.argv);
	}
	s.binary = strdup(exe);
	{
		char hex[128];

		if (!elf__build_id(exe, hex, sizeof(hex)))
			s.binary_build_id = strdup(hex);
	}
	default_paths(&s, exe);
	if (!s.binary || !s.trace_path || !s.policy_path || !s.cmdline) {
		log_err("out of memory");
		goto out;
	}
	ret = mkdir_parent(s.trace_path);
	if (ret) {
		log_err("cannot create the directory of %s: %s", s.trace_path, strerror(-ret));
		goto out;
	}

	ro.max_tuples = env.max_tuples;
	ro.max_procs = env.max_procs;
	ro.transparent = env.transparent;
	ro.ntransparent = env.ntransparent;
	/* Handlers before the (slow) BPF load: a background job of a
	 * non-interactive shell starts with SIGINT ignored, so a Ctrl-C or
	 * kill -INT during the load would otherwise be lost for good. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	s.rt = rt__open(&ro);
	if (!s.rt)
		goto out;
	if (stop_signal) {
		log_err("interrupted (signal %d) while loading: nothing was recorded",
			(int)stop_signal);
		goto out;
	}

	s.start_ns = clock_ns(CLOCK_REALTIME);
	s.started_ms = s.last_new_ms = mono_ms();
	if (env.fuzz.corpus) {
		exit_code = learn_fuzz(&s);
		goto out;
	}
	if (env.pid) {
		ret = rt__track(s.rt, env.pid, 0);
		if (ret) {
			log_err("cannot track pid %d: %s", env.pid, strerror(-ret));
			goto out;
		}
		pidfd = (int)syscall(SYS_pidfd_open, env.pid, 0);
		if (kill(env.pid, 0) && errno == ESRCH) {
			log_err("process %d exited while attaching", env.pid);
			goto out;
		}
		/* The process's own binary is an executable, and what it
		 * already runs (a master's workers) is learned too: threads
		 * share its tgid, later children the fork tracepoint tracks. */
		rt__note_exe(s.rt, env.pid);
		ret = rt__track_descendants(s.rt, env.pid, 1);
		if (ret < 0)
			log_warn("cannot list the children of pid %d: %s", env.pid,
				 strerror(-ret));
		if (!env.quiet)
			fprintf(stderr, "sysfence: learning pid %d (%s) and its %d existing "
				"descendant(s)\n", env.pid, exe, ret > 0 ? ret : 0);
	} else {
		ret = launch__start(&child, env.argv, s.rt);
		if (ret) {
			log_err("cannot run '%s': %s", env.argv[0], strerror(-ret));
			goto out;
		}
		log_info("launched %s as pid %d", exe, child.pid);
	}

	next_checkpoint = s.started_ms + CHECKPOINT_MS;
	next_progress = s.started_ms + (tty ? PROGRESS_TTY_MS : PROGRESS_PIPE_MS);
	while (!stop_signal) {
		uint64_t now;

		rt__poll(s.rt, 100);
		now = mono_ms();
		if (!main_done && target_ended(&env, &child, &status, pidfd)) {
			main_done = 1;
			if (!env.pid)
				report_exit(child.pid, status);
			else if (!env.quiet)
				fprintf(stderr, "sysfence: process %d exited\n", env.pid);
			/* A --pid process that had already exited (a zombie) when
			 * it was tracked never passes the exit tracepoint: it
			 * must not keep the run going as a "descendant". */
			if (env.pid)
				rt__untrack(s.rt, env.pid);
		}
		/* Learning goes on while descendants of the target live (a
		 * daemon's child outlives its parent). */
		if (main_done) {
			int left = rt__ntracked(s.rt);

			if (left <= 0) {
				target_done = 1;
				break;
			}
			if (!told_left && !env.quiet) {
				fprintf(stderr, "sysfence: still learning %d descendant process(es) "
					"(Ctrl-C or --duration ends)\n", left);
				told_left = 1;
			}
		}
		if (env.duration_ms && now - s.started_ms >= env.duration_ms)
			break;
		if (now >= next_progress) {
			progress(&s, 0, tty);
			next_progress = now + (tty ? PROGRESS_TTY_MS : PROGRESS_PIPE_MS);
		}
		if (now >= next_checkpoint) {
			/* A failed checkpoint is reported; recording goes on. */
			write_checkpoint(&s, 0, NULL);
			next_checkpoint = now + CHECKPOINT_MS;
		}
	}
	if (stop_signal)
		log_info("stopping on signal %d", (int)stop_signal);
	/* The shutdown is learned too: a launched target still running is
	 * sent the stop signal and recorded until it and its descendants have
	 * exited.  (--then-enforce keeps it running under enforcement.) */
	if (!env.pid && !target_done && (!env.then_enforce || stop_signal))
		stop_target(&s, &child, &status, &main_done, &target_done);
	/* With --then-enforce the object keeps learning until it switches:
	 * the target is never unobserved. */
	if (!env.then_enforce || target_done || stop_signal)
		rt__set_mode(s.rt, SF_MODE_OFF);
	progress(&s, 1, tty);

	ret = write_checkpoint(&s, 1, &final_trace);
	if (ret && save_elsewhere(&s, &final_trace))
		goto out;
	if (!ret && !env.quiet)
		fprintf(stderr, "sysfence: trace written to %s\n", s.trace_path);
	report_stats(final_trace);
	if (!final_trace->ntuples) {
		/* An empty policy would deny everything and look valid. */
		log_err("nothing was recorded (the process made no system call while "
			"observed): no policy written");
		goto out;
	}
	if (write_policy(&s, final_trace) || ret)
		goto out;
	if (!env.quiet)
		fprintf(stderr, "sysfence: policy written to %s\n", s.policy_path);
	exit_code = EXIT_OK;
	if (env.then_enforce && !target_done && !stop_signal)
		exit_code = then_enforce(&s, &target_done);
out:
	if (child.pid > 0 && !main_done) {
		/* We end the run: the target's descendants go with it. */
		if (launch__stop(&child, &status))
			report_exit(child.pid, status);
	}
	if (child.pid > 0 && !target_done && s.rt)
		rt__kill_all(s.rt);
	if (pidfd >= 0)
		close(pidfd);
	trace__free(final_trace);
	rt__close(s.rt);
	free(s.binary);
	free(s.binary_build_id);
	free(s.cmdline);
	free(s.trace_path);
	free(s.policy_path);
	return exit_code;
}
