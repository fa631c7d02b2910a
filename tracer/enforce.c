// SPDX-License-Identifier: GPL-2.0
/* enforce.c - `sysfence enforce`: load policies into the BPF object's rule
 * maps, switch it to enforce mode, report (and kill) violations. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cliparse.h"
#include "cmd.h"
#include "elfinfo.h"
#include "enforce.h"
#include "gate.h"
#include "gate_set.h"
#include "launch.h"
#include "policyedit.h"
#include "log.h"
#include "rt.h"
#include "rules.h"
#include "landlock.h"
#include "objects.h"
#include "seccomp_build.h"
#include "syscalls.h"

#define MAX_POLICIES 16
#define MAX_LIB_ACTIONS 32
#define FLUSH_MS 10000 /* JSON log: totals of repeated violations */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static const char usage_text[] =
	"Usage: sysfence enforce [OPTIONS] POLICY -- COMMAND [ARGS...]\n"
	"       sysfence enforce [OPTIONS] POLICY --pid PID\n"
	"       sysfence enforce [OPTIONS] POLICY...\n"
	"\n"
	"Enforces per-library policies: a system call that its calling library's\n"
	"rules do not allow is reported and, by default, its process is killed.\n"
	"With a COMMAND, launches it under the policy (and, before exec, a seccomp\n"
	"filter of the policy's process-wide union).  With --pid, protects a\n"
	"running process and the children it creates later.  With policies only,\n"
	"protects every process that execs one of the policies' binaries, until\n"
	"Ctrl-C.\n"
	"\n"
	"Options:\n"
	"  -a, --action ACTION     kill (default), kill-all (every process of this\n"
	"                          session), or log (report only)\n"
	"      --kill-on LIST      syscalls (comma-separated) whose violations kill\n"
	"      --log-on LIST       syscalls whose violations are only logged\n"
	"      --lib-action PATH=ACTION  action for violations by one library\n"
	"      --allow LIB:NAMES   also allow syscalls/@groups for LIB (full path,\n"
	"                          [bucket] or '*'), with any arguments\n"
	"      --deny LIB:NAMES    remove syscalls/@groups from LIB's rules\n"
	"      --strict            deny calls whose caller could not be unwound\n"
	"                          (default: judge them against the process-wide union)\n"
	"      --allow-rebuilt     a library whose build-id differs is a warning, not an error\n"
	"      --no-seccomp        launch without the seccomp floor\n"
	"      --seccomp-action A  kill (SIGSYS before the call runs; the default),\n"
	"                          errno (EPERM), or log (the kernel logs it, the call\n"
	"                          runs; the default with --action log)\n"
	"      --gate off|default|LIST  pause the dangerous calls that some libraries may\n"
	"                          make and others may not, and decide them before they\n"
	"                          run (launch mode; default: default).  LIST: classes\n"
	"                          exec, open-write, delete, rename, mkdir, link, chmod,\n"
	"                          chown, net, signal, ptrace, exec-mem, cred, net-msg,\n"
	"                          or syscalls of them (comma-separated)\n"
	"      --landlock MODE     Landlock floor of the policy's paths and ports: auto\n"
	"                          (default: what the kernel supports), on (required), off\n"	"      --path-check on|off report a library's writes outside its own learned\n"
	"                          paths (default on when the policy has paths;\n"
	"                          detection, after the call: the floor is the guarantee)\n"
	"      --floor-reports on|off  report the Landlock floor's denials with their\n"
	"                          library (default on).  off: the floor still denies\n"
	"                          (EACCES), unreported; with --path-check off too, no\n"
	"                          BPF program runs at any system call's exit (faster\n"
	"                          for every process on the machine: docs/paths.md)\n"
	"  -l, --log FILE          also write violations as JSON lines to FILE: every\n"
	"                          distinct one, with its count (input of 'merge')\n"
	"      --report-limit N    violation lines on stderr per process (default 16;\n"
	"                          all are counted and logged with -l)\n"
	"  -p, --pid PID           protect a running process\n"
	"  -d, --duration DUR      stop after DUR\n"
	"  -q, --quiet             only violations and errors\n"
	"  -v, --verbose           more output (-vv: debug and libbpf messages)\n"
	"  -h, --help              this help\n"
	"\n"
	"Examples:\n"
	"  sysfence enforce policies/redis.json -- redis-server --port 7777\n"
	"  sysfence enforce --action log --kill-on execve,ptrace policies/redis.json -- redis-server\n"
	"  sysfence enforce policies/redis.json --pid 4242\n"
	"  sysfence enforce policies/redis.json policies/nginx.json\n"
	"\n"
	"With --action log nothing is killed: the seccomp floor logs instead of\n"
	"killing (calls outside it are reported by the per-library layer), except\n"
	"for the syscalls of --kill-on, which the floor still stops; the gate lets\n"
	"the calls it pauses run and reports them.\n"
	"\n"
	"Exit status: 0 no violation, 3 violations were seen (a kill by the seccomp\n"
	"floor counts, and so do violations while sysfence stops the target),\n"
	"1 error, 2 usage error.\n"
	"A launched target is killed when sysfence exits or dies (it never keeps\n"
	"running unprotected).\n";

enum { FLOOR_KILL = 1, FLOOR_ERRNO, FLOOR_LOG };

struct lib_action {
	const char *path;
	uint32_t action;
};

struct env {
	const char *policies[MAX_POLICIES];
	int npolicies;
	uint32_t action;
	uint32_t nr_action[SF_NR_ACTIONS];
	struct lib_action lib_actions[MAX_LIB_ACTIONS];
	int nlib_actions;
	int strict;
	struct policy_edits edits; /* --allow / --deny */
	int allow_rebuilt;
	int no_seccomp;
	int seccomp_action;  /* 0 = by --action (log -> log, else kill) */
	const char *gate;  /* --gate spec (NULL = default) */
	int landlock;       /* enum landlock_mode */
	int no_path_check;  /* --path-check off */
	int no_floor_reports; /* --floor-reports off */
	const char *log_path;
	uint64_t report_limit;
	pid_t pid;
	uint64_t duration_ms;
	int quiet;
	int verbose;
	char **argv;
	int argc;
};


int parse_action(const char *s, uint32_t *out)
{
	if (!strcmp(s, "kill"))
		*out = SF_ACT_KILL;
	else if (!strcmp(s, "kill-all"))
		*out = SF_ACT_KILL_ALL;
	else if (!strcmp(s, "log"))
		*out = SF_ACT_LOG;
	else
		return -EINVAL;
	return 0;
}

static const char *action_name(uint32_t a, uint32_t reason)
{
	if (reason == SF_VIOL_FLOOR)
		return "killed by the seccomp floor";
	switch (a) {
	case SF_ACT_KILL:
		return "killed";
	case SF_ACT_KILL_ALL:
		return "killed all";
	case SF_ACT_LOG:
		return "logged";
	default:
		return "?";
	}
}

static const char *reason_name(uint32_t r)
{
	switch (r) {
	case SF_VIOL_UNKNOWN_LIB:
		return "library not in the policy";
	case SF_VIOL_SYSCALL:
		return "syscall not allowed for this library";
	case SF_VIOL_ARG:
		return "argument outside the rule";
	case SF_VIOL_UNATTRIBUTED:
		return "caller could not be unwound (--strict)";
	case SF_VIOL_FLOOR:
		return "no library of the policy may make this call (seccomp floor)";
	default:
		return "?";
	}
}

static int set_nr_actions(struct env *env, const char *list, uint32_t action)
{
	char *dup = strdup(list), *save = NULL, *tok;
	int ret = 0;

	if (!dup)
		return -ENOMEM;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int nr = syscall__nr(tok);

		if (nr < 0 || nr >= SF_NR_ACTIONS) {
			log_err("unknown syscall name '%s'", tok);
			ret = -EINVAL;
			break;
		}
		env->nr_action[nr] = action;
	}
	free(dup);
	return ret;
}

static int parse_args(int argc, char **argv, struct env *env)
{
	enum { O_KILL_ON = 256, O_LOG_ON, O_LIB_ACTION, O_STRICT, O_ALLOW_REBUILT,
	       O_NO_SECCOMP, O_SECCOMP_ACTION, O_REPORT_LIMIT, O_ALLOW, O_DENY, O_GATE, O_LANDLOCK,
	       O_PATH_CHECK, O_FLOOR_REPORTS };
	static const struct option opts[] = {
		{ "action", required_argument, NULL, 'a' },
		{ "kill-on", required_argument, NULL, O_KILL_ON },
		{ "log-on", required_argument, NULL, O_LOG_ON },
		{ "lib-action", required_argument, NULL, O_LIB_ACTION },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "allow-rebuilt", no_argument, NULL, O_ALLOW_REBUILT },
		{ "no-seccomp", no_argument, NULL, O_NO_SECCOMP },
		{ "seccomp-action", required_argument, NULL, O_SECCOMP_ACTION },
		{ "gate", required_argument, NULL, O_GATE },
		{ "landlock", required_argument, NULL, O_LANDLOCK },
		{ "path-check", required_argument, NULL, O_PATH_CHECK },
		{ "floor-reports", required_argument, NULL, O_FLOOR_REPORTS },
		{ "log", required_argument, NULL, 'l' },
		{ "report-limit", required_argument, NULL, O_REPORT_LIMIT },
		{ "allow", required_argument, NULL, O_ALLOW },
		{ "deny", required_argument, NULL, O_DENY },
		{ "pid", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	int dd = argc; /* index of "--": options and policies before, command after */

	env->action = SF_ACT_KILL;
	env->report_limit = 16;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			dd = i;
			break;
		}
	}
	/* Options may come before or after the policies (getopt permutes the
	 * part before "--"). */
	optind = 1;
	while ((c = getopt_long(dd, argv, "a:l:p:d:qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (parse_action(optarg, &env->action)) {
				log_err("invalid --action '%s': expected kill, kill-all or log", optarg);
				return EXIT_USAGE;
			}
			break;
		case O_KILL_ON:
			if (set_nr_actions(env, optarg, SF_ACT_KILL))
				return EXIT_USAGE;
			break;
		case O_LOG_ON:
			if (set_nr_actions(env, optarg, SF_ACT_LOG))
				return EXIT_USAGE;
			break;
		case O_LIB_ACTION: {
			char *eq = strrchr(optarg, '=');
			uint32_t a;

			if (!eq || eq == optarg || parse_action(eq + 1, &a)) {
				log_err("invalid --lib-action '%s': expected PATH=kill|kill-all|log",
					optarg);
				return EXIT_USAGE;
			}
			if (env->nlib_actions == MAX_LIB_ACTIONS) {
				log_err("too many --lib-action options (max %d)", MAX_LIB_ACTIONS);
				return EXIT_USAGE;
			}
			*eq = 0;
			env->lib_actions[env->nlib_actions].path = optarg;
			env->lib_actions[env->nlib_actions++].action = a;
			break;
		}
		case O_STRICT:
			env->strict = 1;
			break;
		case O_ALLOW:
		case O_DENY:
			if (policy_edits__add(&env->edits, optarg, c == O_ALLOW))
				return EXIT_USAGE;
			break;
		case O_ALLOW_REBUILT:
			env->allow_rebuilt = 1;
			break;
		case O_NO_SECCOMP:
			env->no_seccomp = 1;
			break;
		case O_SECCOMP_ACTION:
			if (!strcmp(optarg, "kill")) {
				env->seccomp_action = FLOOR_KILL;
			} else if (!strcmp(optarg, "errno")) {
				env->seccomp_action = FLOOR_ERRNO;
			} else if (!strcmp(optarg, "log")) {
				env->seccomp_action = FLOOR_LOG;
			} else {
				log_err("invalid --seccomp-action '%s': expected kill, errno or log",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case O_GATE: {
			uint32_t classes;
			uint64_t rows;
			char err[1024];

			if (gate__parse(optarg, &classes, &rows, err, sizeof(err))) {
				log_err("invalid --gate: %s", err);
				return EXIT_USAGE;
			}
			env->gate = optarg;
			break;
		}
		case O_LANDLOCK:
			if (!strcmp(optarg, "auto")) {
				env->landlock = LANDLOCK_AUTO;
			} else if (!strcmp(optarg, "on")) {
				env->landlock = LANDLOCK_ON;
			} else if (!strcmp(optarg, "off")) {
				env->landlock = LANDLOCK_OFF;
			} else {
				log_err("invalid --landlock '%s': expected auto, on or off", optarg);
				return EXIT_USAGE;
			}
			break;
		case O_PATH_CHECK:
			if (opt_on_off("path-check", optarg, &env->no_path_check))
				return EXIT_USAGE;
			break;
		case O_FLOOR_REPORTS:
			if (opt_on_off("floor-reports", optarg, &env->no_floor_reports))
				return EXIT_USAGE;
			break;
		case 'l':
			env->log_path = optarg;
			break;
		case O_REPORT_LIMIT:
			if (parse_u64(optarg, 0, 1000000, &env->report_limit)) {
				log_err("invalid --report-limit '%s': expected 0..1000000", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			if (opt_pid(optarg, &env->pid))
				return EXIT_USAGE;
			break;
		case 'd':
			if (opt_duration(optarg, &env->duration_ms))
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
	for (; optind < dd; optind++) {
		if (env->npolicies == MAX_POLICIES) {
			log_err("too many policies (max %d)", MAX_POLICIES);
			return EXIT_USAGE;
		}
		env->policies[env->npolicies++] = argv[optind];
	}
	if (dd < argc) {
		env->argv = argv + dd + 1;
		env->argc = argc - dd - 1;
		if (!env->argc) {
			log_err("no command after '--'");
			return EXIT_USAGE;
		}
	}
	if (!env->npolicies) {
		log_err("no policy given (see 'sysfence enforce --help')");
		return EXIT_USAGE;
	}
	if ((env->argc || env->pid) && env->npolicies != 1) {
		log_err("a command or --pid takes exactly one policy");
		return EXIT_USAGE;
	}
	if (env->argc && env->pid) {
		log_err("give either --pid or a command, not both");
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- rules -------------------------------------------------------------------------- */
static uint32_t lib_action_for(const struct enforce_opts *o, const char *path)
{
	for (int i = 0; i < o->nlib_actions; i++)
		if (!strcmp(o->lib_action_paths[i], path))
			return o->lib_action_values[i];
	return SF_ACT_DEFAULT;
}

/* Identity of a policy library on this machine.  0, 1 = skip (absent), or
 * -errno. */
static int lib_identity(const struct policy_lib *l, const struct enforce_opts *o,
			uint64_t *ino, uint32_t *dev)
{
	struct stat st;
	char hex[128];

	if (l->kind == LIB_KIND_BUCKET) {
		for (unsigned b = 1; b < trace_bucket_count; b++) {
			if (trace_bucket_names[b] && !strcmp(trace_bucket_names[b], l->path)) {
				*ino = b;
				*dev = 0;
				return 0;
			}
		}
		log_warn("unknown bucket '%s' in the policy: ignored", l->path);
		return 1;
	}
	if (stat(l->path, &st)) {
		log_warn("%s: %s; its rules are not loaded (calls from a library at "
			 "another path are denied)", l->path, strerror(errno));
		return 1;
	}
	*ino = st.st_ino;
	*dev = rt__kdev(st.st_dev);
	if (l->build_id && elf__build_id(l->path, hex, sizeof(hex)) == 0 &&
	    strcmp(hex, l->build_id)) {
		if (!o->allow_rebuilt) {
			log_err("%s was rebuilt: build-id %s, the policy has %s "
				"(re-learn, or --allow-rebuilt)", l->path, hex, l->build_id);
			return -ESTALE;
		}
		log_warn("%s was rebuilt (build-id %s, policy %s): enforcing its old rules",
			 l->path, hex, l->build_id);
	}
	return 0;
}

int enforce__load_policy(struct rt *rt, const struct policy *p, uint32_t policy_id,
			 const struct enforce_opts *o)
{
	struct rules_set *set = malloc(sizeof(*set));
	int ret = 0;

	if (!set) {
		log_err("cannot build the rules: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];
		uint64_t ino;
		uint32_t dev;

		ret = lib_identity(l, o, &ino, &dev);
		if (ret < 0)
			goto cleanup;
		if (ret > 0) {
			ret = 0;
			continue;
		}
		ret = rules__lib(p, i, set);
		if (!ret)
			ret = rt__add_policy_lib(rt, ino, dev, policy_id,
						 lib_action_for(o, l->path));
		for (uint32_t nr = 0; !ret && nr < SYSCALL_NR_MAX; nr++) {
			struct sf_rule r;

			if (!set->allowed[nr])
				continue;
			rules__kernel_rule(&set->sc[nr], &r);
			ret = rt__add_rule(rt, ino, dev, nr, policy_id, &r);
		}
		if (ret) {
			log_err("cannot load the rules of %s: %s (map full?)", l->path,
				strerror(-ret));
			goto cleanup;
		}
	}
	/* Unattributed calls are judged against the process-wide union. */
	ret = rules__union(p, set);
	if (ret) {
		log_err("cannot build the process-wide union: %s", strerror(-ret));
		goto cleanup;
	}
	ret = rt__add_policy_lib(rt, SF_UNION_INO, 0, policy_id, SF_ACT_DEFAULT);
	for (uint32_t nr = 0; !ret && nr < SYSCALL_NR_MAX; nr++) {
		struct sf_rule r;

		if (!set->allowed[nr])
			continue;
		rules__kernel_rule(&set->sc[nr], &r);
		ret = rt__add_rule(rt, SF_UNION_INO, 0, nr, policy_id, &r);
	}
	if (ret)
		log_err("cannot load the union rules: %s", strerror(-ret));
cleanup:
	free(set);
	return ret;
}

/* ---- reports ------------------------------------------------------------------------- */

/* A distinct violation (its viol_agg key) and what its first event said. */
struct viol_seen {
	struct sf_viol_key key;
	int used;
	uint64_t written;   /* count in the last JSON line written for it */
	uint32_t tgid, tid, reason, action, bucket;
	uint64_t off;
	__u64 regs[6];
	char comm[SF_COMM_LEN + 1];
};

static uint64_t viol_hash(const struct sf_viol_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* The entry of key k (created when create), or NULL. */
static struct viol_seen *seen_get(struct enforce_report *r, const struct sf_viol_key *k,
				  int create)
{
	size_t i;

	if (create && (r->nseen + 1) * 2 > r->capseen) {
		size_t cap = r->capseen ? r->capseen * 2 : 256;
		struct viol_seen *n = calloc(cap, sizeof(*n)), *old = r->seen;
		size_t oldcap = r->capseen;

		if (!n)
			return NULL;
		r->seen = n;
		r->capseen = cap;
		for (size_t j = 0; j < oldcap; j++) {
			if (!old[j].used)
				continue;
			for (i = viol_hash(&old[j].key) & (cap - 1); n[i].used; i = (i + 1) & (cap - 1))
				;
			n[i] = old[j];
		}
		free(old);
	}
	if (!r->capseen)
		return NULL;
	for (i = viol_hash(k) & (r->capseen - 1); r->seen[i].used; i = (i + 1) & (r->capseen - 1))
		if (!memcmp(&r->seen[i].key, k, sizeof(*k)))
			return &r->seen[i];
	if (!create)
		return NULL;
	memset(&r->seen[i], 0, sizeof(r->seen[i]));
	r->seen[i].used = 1;
	r->seen[i].key = *k;
	r->nseen++;
	return &r->seen[i];
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* s as a JSON string, or null when there is none. */
static void json_str_or_null(FILE *f, const char *s)
{
	if (s)
		json_str(f, s);
	else
		fputs("null", f);
}

/* The build-id of the file at path lib, or null (a bucket, an unreadable
 * or id-less file). */
static void json_build_id(FILE *f, const char *lib)
{
	char bid[128];

	json_str_or_null(f, lib && lib[0] == '/' && !elf__build_id(lib, bid, sizeof(bid))
			    ? bid : NULL);
}

/* Reports come from the event loop and from the gate's supervisor thread. */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

static void wall_time(const struct enforce_report *r, uint64_t ts, char *buf, size_t len)
{
	uint64_t wall = ts + r->mono_to_real_ns;
	time_t secs = (time_t)(wall / 1000000000ull);
	struct tm tm;
	char when[40];

	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09lluZ", when, (unsigned long long)(wall % 1000000000ull));
}

static const char *lib_name(struct enforce_report *r, uint32_t dev, uint64_t ino, char *buf,
			    size_t len)
{
	const char *lib = rt__lib_path(r->rt, dev, ino);

	if (lib)
		return lib;
	snprintf(buf, len, "[unresolved %u:%u/%llu]", dev >> 20, dev & 0xfffff,
		 (unsigned long long)ino);
	return buf;
}

/* The call's arguments for people: the recorded ones decoded, or (regs
 * given, for a syscall without recorded arguments) the six registers. */
static void format_call_args(uint32_t nr, const __u64 *recorded, const __u64 *regs, char *buf,
			     size_t len)
{
	uint64_t arg[SF_NARGS] = { recorded[0], recorded[1] };

	rules__format_args(nr, arg, buf, len);
	if (!buf[0] && regs)
		snprintf(buf, len, "0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx",
			 (unsigned long long)regs[0], (unsigned long long)regs[1],
			 (unsigned long long)regs[2], (unsigned long long)regs[3],
			 (unsigned long long)regs[4], (unsigned long long)regs[5]);
}

/*
 * One JSON line for a distinct violation.  count/first/last are its totals
 * so far (a later line of the same key supersedes an earlier one); pid,
 * tid, comm and site are those of its first occurrence.  "argValues" are
 * the recorded (normalised) argument values, by argument index, which
 * `merge` reads back.  gate_lib: a call the gate denied before it ran
 * (its caller's path, "" for a bucket); NULL otherwise.
 */
static void write_json(struct enforce_report *r, const struct viol_seen *v, uint64_t count,
		       uint64_t first_ts, uint64_t last_ts, const char *gate_lib,
		       const char *gate_sym)
{
	FILE *f = r->log;
	char lbuf[96], ebuf[96], t0[64], t1[64], args[256], sym[256] = "";
	const char *lib = gate_lib && gate_lib[0] ? gate_lib
			  : lib_name(r, v->key.dev, v->key.ino, lbuf, sizeof(lbuf));
	const char *exe = rt__exe_path(r->rt, v->key.exe_dev, v->key.exe_ino, v->tgid);
	const char *name = syscall__name(v->key.nr);
	const struct sf_argspec *spec = v->key.nr < SF_ARGSPEC_NR_MAX ? &sf_argspecs[v->key.nr]
								     : NULL;
	int first = 1;

	if (!exe)
		exe = lib_name(r, v->key.exe_dev, v->key.exe_ino, ebuf, sizeof(ebuf));
	if (v->key.dev && !gate_lib)
		rt__lib_symbol(r->rt, v->key.dev, v->key.ino, v->off, sym, sizeof(sym));
	else if (gate_sym)
		snprintf(sym, sizeof(sym), "%s", gate_sym);
	format_call_args(v->key.nr, v->key.arg, v->reason == SF_VIOL_FLOOR ? v->regs : NULL, args,
			 sizeof(args));
	wall_time(r, first_ts, t0, sizeof(t0));
	wall_time(r, last_ts, t1, sizeof(t1));
	fprintf(f, "{\"time\": \"%s\", \"first\": \"%s\", \"last\": \"%s\", \"count\": %llu, "
		"\"pid\": %u, \"tid\": %u, \"comm\": ", t1, t0, t1, (unsigned long long)count,
		v->tgid, v->tid);
	json_str(f, v->comm);
	fputs(", \"binary\": ", f);
	json_str(f, exe);
	fputs(", \"library\": ", f);
	json_str(f, lib);
	fputs(", \"buildId\": ", f);
	json_build_id(f, lib);
	fputs(", \"syscall\": ", f);
	json_str(f, name ? name : "?");
	fputs(", \"args\": ", f);
	json_str(f, args);
	fputs(", \"argValues\": [", f);
	for (int s = 0; spec && s < SF_ARG_SLOTS && s < SF_NARGS; s++) {
		if (spec->slot[s].kind == SF_ARGK_NONE)
			continue;
		fprintf(f, "%s{\"index\": %u, \"value\": %llu}", first ? "" : ", ",
			spec->slot[s].idx, (unsigned long long)v->key.arg[s]);
		first = 0;
	}
	fprintf(f, "], \"registers\": [\"0x%llx\", \"0x%llx\", \"0x%llx\", \"0x%llx\", "
		"\"0x%llx\", \"0x%llx\"], \"reason\": ",
		(unsigned long long)v->regs[0], (unsigned long long)v->regs[1],
		(unsigned long long)v->regs[2], (unsigned long long)v->regs[3],
		(unsigned long long)v->regs[4], (unsigned long long)v->regs[5]);
	json_str(f, reason_name(v->reason));
	fprintf(f, ", \"site\": {\"offset\": %llu, \"symbol\": ", (unsigned long long)v->off);
	json_str_or_null(f, sym[0] ? sym : NULL);
	fputs("}, \"action\": ", f);
	json_str(f, action_name(v->action, v->reason));
	if (gate_lib)
		fputs(", \"gate\": \"denied before it ran\"", f);
	fputs("}\n", f);
	fflush(f);
}

/* gate_lib: set (non-NULL, maybe "") for a call the gate denied before it
 * ran; the caller's path as the supervisor found it ("" = bucket). */
static void report_one(struct enforce_report *s, const struct sf_event_violation *ev,
		       const char *gate_lib)
{
	const char *name = syscall__name(ev->nr);
	char libbuf[96], sym[256] = "", args[256], when[64];
	const char *lib = gate_lib && gate_lib[0] ? gate_lib
			  : lib_name(s, ev->dev, ev->ino, libbuf, sizeof(libbuf));
	struct sf_viol_key key = {
		.exe_ino = ev->exe_ino, .exe_dev = ev->exe_dev, .nr = ev->nr,
		.ino = ev->ino, .dev = ev->dev, .arg = { ev->arg[0], ev->arg[1] },
	};

	s->violations++;
	if (ev->reason == SF_VIOL_FLOOR)
		s->floor_kills++;
	/* The executable's path, while the process still exists. */
	rt__exe_path(s->rt, ev->exe_dev, ev->exe_ino, ev->hdr.tgid);
	if (ev->dev && gate_lib && gate_lib[0]) {
		/* the gate's thread: rt's symbol cache is the event loop's */
		struct elf_syms *es = elf_syms__open(gate_lib);

		if (!es || elf_syms__lookup(es, ev->off, sym, sizeof(sym)))
			sym[0] = 0;
		elf_syms__close(es);
	}
	if (!(ev->flags & SF_VF_OVER_LIMIT)) {
		if (ev->dev && !gate_lib)
			rt__lib_symbol(s->rt, ev->dev, ev->ino, ev->off, sym, sizeof(sym));
		/* The registers only where nothing else names the call: a
		 * floor kill of a syscall without recorded arguments. */
		format_call_args(ev->nr, ev->arg, ev->reason == SF_VIOL_FLOOR ? ev->regs : NULL,
				 args, sizeof(args));
		wall_time(s, ev->hdr.ts, when, sizeof(when));
		when[19] = 0; /* seconds are enough on a terminal */
		fprintf(stderr, "sysfence: VIOLATION %sZ pid %u tid %u (%.16s) %s: %s(%s): %s; "
			"site %s%s0x%llx%s -> %s\n", when, ev->hdr.tgid, ev->hdr.pid, ev->comm, lib,
			name ? name : "?", args, reason_name(ev->reason), sym[0] ? sym : "",
			sym[0] ? " @ " : "", (unsigned long long)ev->off,
			gate_lib ? "; denied before it ran (gate)" : "",
			action_name(ev->action, ev->reason));
		s->printed++;
	}
	/* A first sighting gets its JSON line now; the gate's denials (not
	 * counted by the BPF side) one line each. */
	if ((ev->flags & SF_VF_FIRST) || gate_lib) {
		struct viol_seen gv = { .key = key }, *v = gate_lib ? &gv : seen_get(s, &key, 1);

		if (v && !v->written) {
			v->tgid = ev->hdr.tgid;
			v->tid = ev->hdr.pid;
			v->reason = ev->reason;
			v->action = ev->action;
			v->bucket = ev->bucket;
			v->off = ev->off;
			memcpy(v->regs, ev->regs, sizeof(v->regs));
			memcpy(v->comm, ev->comm, SF_COMM_LEN);
			v->comm[SF_COMM_LEN] = 0;
			if (s->log) {
				write_json(s, v, 1, ev->hdr.ts, ev->hdr.ts, gate_lib, sym);
				v->written = 1;
			}
		}
	}
	if (ev->action == SF_ACT_KILL_ALL)
		s->kill_all_pending = 1;
}

static void report_violation(void *ctx, const struct sf_event_violation *ev)
{
	pthread_mutex_lock(&report_lock);
	report_one(ctx, ev, NULL);
	pthread_mutex_unlock(&report_lock);
}

void enforce__report_gate(struct enforce_report *r, const struct sf_event_violation *ev,
			  const char *lib_path)
{
	pthread_mutex_lock(&report_lock);
	report_one(r, ev, lib_path ? lib_path : "");
	pthread_mutex_unlock(&report_lock);
}

void enforce__report_flush(struct enforce_report *r)
{
	struct sf_viol_key key, prev;
	struct sf_viol_val val;
	int have_prev = 0;

	if (!r->rt)
		return;
	rt__poll(r->rt, 0); /* first-sight events before totals */
	pthread_mutex_lock(&report_lock);
	while (!rt__viol_next(r->rt, have_prev ? &prev : NULL, &key, &val)) {
		struct viol_seen *v = seen_get(r, &key, 1);

		prev = key;
		have_prev = 1;
		if (!v || val.count <= v->written || !r->log)
			continue;
		/* No first-sight event (ring buffer full): what the key says. */
		write_json(r, v, val.count, val.first_ts, val.last_ts, NULL, NULL);
		v->written = val.count;
	}
	pthread_mutex_unlock(&report_lock);
}

void enforce__report_free(struct enforce_report *r)
{
	free(r->seen);
	r->seen = NULL;
	r->nseen = r->capseen = 0;
}

/* A path or port call that failed with EACCES under the Landlock floor
 * (issue 17): Landlock denied it before it had any effect (or, rarely for
 * root, file permissions did: the line says EACCES, not who).  The
 * library is the caller the BPF side kept at sys_enter (NULL when it
 * could not); with it, the JSON line is what `merge` folds back into that
 * library's paths and ports (learner/violog.c). */
static void report_floor_one(struct enforce_report *s, const struct sf_event_object *ev,
			     const char *path)
{
	const char *name = syscall__name(ev->key.nr);
	uint64_t wall = ev->hdr.ts + s->mono_to_real_ns;
	time_t secs = (time_t)(wall / 1000000000ull);
	char what[SF_OBJ_PATH_LEN + 512], when[64];
	const char *lib = ev->key.dev || ev->key.ino ? rt__lib_path(s->rt, ev->key.dev,
								    ev->key.ino) : NULL;
	const char *exe = rt__exe_path(s->rt, ev->exe_dev, ev->exe_ino, ev->hdr.tgid);
	int inet = ev->key.kind == SF_OBJ_INET;
	unsigned port = ev->key.aux & 0xffff, cls = (ev->key.aux >> 16) & 0xff;
	struct tm tm;

	s->violations++;
	s->floor_denied++;
	if (inet)
		snprintf(what, sizeof(what), "port %u", port);
	else if (path && strcmp(path, ev->key.path))
		snprintf(what, sizeof(what), "\"%.256s\" = %.400s", ev->key.path, path);
	else
		snprintf(what, sizeof(what), "\"%.256s\"", ev->key.path);
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "sysfence: VIOLATION %sZ pid %u tid %u (%.16s) %s%s%s(%s): %s outside the "
		"Landlock floor (EACCES) -> denied before effect\n", when, ev->hdr.tgid,
		ev->hdr.pid, ev->comm, lib ? lib : "", lib ? ": " : "", name ? name : "?", what,
		inet ? "port" : "path");
	if (s->log) {
		fprintf(s->log, "{\"time\": \"%s.%09lluZ\", \"count\": 1, \"pid\": %u, "
			"\"tid\": %u, \"comm\": ", when,
			(unsigned long long)(wall % 1000000000ull), ev->hdr.tgid, ev->hdr.pid);
		json_str(s->log, ev->comm);
		fprintf(s->log, ", \"binary\": ");
		json_str_or_null(s->log, exe);
		fprintf(s->log, ", \"library\": ");
		json_str_or_null(s->log, lib);
		fputs(", \"buildId\": ", s->log);
		json_build_id(s->log, lib);
		fprintf(s->log, ", \"syscall\": ");
		json_str(s->log, name ? name : "?");
		/* kind, slot and aux are the recorded key (as argValues are
		 * the recorded arguments): what merge needs for the access */
		fprintf(s->log, ", \"object\": {\"kind\": \"%s\", \"slot\": %u, \"aux\": %u",
			inet ? "port" : ev->key.kind == SF_OBJ_UNIX ? "unix" : "path",
			ev->key.slot, ev->key.aux);
		if (inet) {
			fprintf(s->log, ", \"port\": %u, \"address\": \"%s\"}", port,
				cls == SF_ADDR_LOOPBACK ? "loopback" : cls == SF_ADDR_ANY ? "any"
											 : "other");
		} else {
			fprintf(s->log, ", \"path\": ");
			json_str_or_null(s->log, path);
			fprintf(s->log, ", \"raw\": ");
			json_str(s->log, ev->key.path);
			fputs("}", s->log);
		}
		fprintf(s->log, ", \"reason\": \"outside the Landlock floor\", "
			"\"action\": \"denied\"}\n");
		fflush(s->log);
	}
}

/* Path checks (issue 17, detection): a library's call that changed the
 * file system (the first sight of each distinct one, after it returned
 * successfully) on a path its own rules do not grant, read as the floor
 * reads them, the floor's baseline included.  A library the policies do
 * not name is the per-library layer's business; a compartment's members
 * share their paths.  Reported, never killed: the path was read after the
 * call, and another thread may have changed it (docs/paths.md). */
static void report_path_check(void *ctx, const struct sf_event_object *ev, const char *path)
{
	struct enforce_report *s = ctx;
	const char *lib = ev->key.dev || ev->key.ino ? rt__lib_path(s->rt, ev->key.dev, ev->key.ino)
						     : NULL;
	const char *name = syscall__name(ev->key.nr);
	struct policy_objs o = {};
	uint32_t self, dir, miss;
	char acc[256], what[SF_OBJ_PATH_LEN + 512], when[64];
	uint64_t wall = ev->hdr.ts + s->mono_to_real_ns;
	time_t secs = (time_t)(wall / 1000000000ull);
	bool known = false;
	struct tm tm;
	int rc = 0;

	if (!lib || !path || ev->key.kind == SF_OBJ_INET)
		return;
	for (int i = 0; i < s->npols && !rc; i++) {
		const struct policy *p = s->pols[i];
		int comp = lib[0] == '[' ? -1 : policy__compartment_of(p, lib);

		for (size_t k = 0; k < p->nlibs && !rc; k++) {
			const struct policy_lib *l = &p->libs[k];

			if (strcmp(l->path, lib) &&
			    (comp < 0 || l->kind == LIB_KIND_BUCKET ||
			     policy__compartment_of(p, l->path) != comp))
				continue;
			known |= !strcmp(l->path, lib);
			rc = objects__merge(&o, &l->objs);
		}
	}
	if (!rc)
		rc = objects__add_baseline(&o);
	if (rc || !known) {
		objects__free(&o);
		return;
	}
	objects__call_access(ev->key.nr, ev->key.slot, ev->key.aux, path, &self, &dir);
	miss = objects__missing(&o, path, self & OBJ_WRITES, dir);
	objects__free(&o);
	if (!miss)
		return;
	objects__access_str(miss, acc, sizeof(acc));
	if (strcmp(path, ev->key.path))
		snprintf(what, sizeof(what), "\"%.256s\" = %.400s", ev->key.path, path);
	else
		snprintf(what, sizeof(what), "\"%.256s\"", ev->key.path);
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	pthread_mutex_lock(&report_lock);
	s->violations++;
	s->path_checks++;
	fprintf(stderr, "sysfence: VIOLATION %sZ pid %u tid %u (%.16s) %s: %s(%s): path outside "
		"this library's paths (%s; path check, after the call) -> reported\n", when,
		ev->hdr.tgid, ev->hdr.pid, ev->comm, lib, name ? name : "?", what, acc);
	if (s->log) {
		const char *exe = NULL;
		char exe_buf[PATH_MAX], fn[64];
		ssize_t r;

		/* the executable of the process, while it lives */
		snprintf(fn, sizeof(fn), "/proc/%u/exe", ev->hdr.tgid);
		r = readlink(fn, exe_buf, sizeof(exe_buf) - 1);
		if (r > 0) {
			exe_buf[r] = '\0';
			exe = exe_buf;
		}
		fprintf(s->log, "{\"time\": \"%s.%09lluZ\", \"count\": 1, \"pid\": %u, "
			"\"tid\": %u, \"comm\": ", when,
			(unsigned long long)(wall % 1000000000ull), ev->hdr.tgid, ev->hdr.pid);
		json_str(s->log, ev->comm);
		fputs(", \"binary\": ", s->log);
		json_str_or_null(s->log, exe);
		fputs(", \"library\": ", s->log);
		json_str(s->log, lib);
		fputs(", \"buildId\": ", s->log);
		json_build_id(s->log, lib);
		fputs(", \"syscall\": ", s->log);
		json_str(s->log, name ? name : "?");
		fprintf(s->log, ", \"object\": {\"kind\": \"%s\", \"slot\": %u, \"aux\": %u, "
			"\"path\": ", ev->key.kind == SF_OBJ_UNIX ? "unix" : "path", ev->key.slot,
			ev->key.aux);
		json_str(s->log, path);
		fputs(", \"raw\": ", s->log);
		json_str(s->log, ev->key.path);
		fputs(", \"missing\": ", s->log);
		json_str(s->log, acc);
		fputs("}, \"reason\": \"outside the library's paths\", \"action\": \"reported\"}\n",
		      s->log);
		fflush(s->log);
	}
	pthread_mutex_unlock(&report_lock);
}

static void report_floor_denied(void *ctx, const struct sf_event_object *ev, const char *path)
{
	pthread_mutex_lock(&report_lock);
	report_floor_one(ctx, ev, path);
	pthread_mutex_unlock(&report_lock);
}

void enforce__report_init(struct enforce_report *r, struct rt *rt, FILE *log)
{
	memset(r, 0, sizeof(*r));
	r->rt = rt;
	r->log = log;
	r->mono_to_real_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	rt__on_violation(rt, report_violation, r);
	rt__on_floor_denied(rt, report_floor_denied, r);
}

/* ---- the command ------------------------------------------------------------------------ */
/* Files and directories named on the target's command line are the
 * operator's choice, not the program's habit (a parser's input, a config
 * file): the floor lets the target read them (not write them) even when
 * the learning run named others.  "--opt=PATH" counts too. */
static int floor_add_arguments(struct policy_objs *u, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = a[0] == '-' ? strchr(a, '=') : NULL;
		char *real;
		struct stat st;
		int ret;

		if (eq)
			a = eq + 1;
		if (!a[0] || a[0] == '-' || stat(a, &st))
			continue;
		real = realpath(a, NULL);
		if (!real)
			continue;
		ret = objects__add_path(u, real, S_ISDIR(st.st_mode) ? OBJ_READ | OBJ_LIST : OBJ_READ,
					"argument");
		if (!ret)
			log_debug("landlock: %s named on the command line: readable", real);
		free(real);
		if (ret)
			return ret;
	}
	return 0;
}

static void fill_opts(const struct env *env, struct enforce_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->allow_rebuilt = env->allow_rebuilt;
	o->nlib_actions = env->nlib_actions;
	for (int i = 0; i < env->nlib_actions; i++) {
		o->lib_action_paths[i] = env->lib_actions[i].path;
		o->lib_action_values[i] = env->lib_actions[i].action;
	}
}

int enforce__configure(struct rt *rt, uint32_t action, int strict, uint32_t report_limit,
		       const uint32_t *nr_action)
{
	int ret = rt__configure(rt, action, strict ? SF_CFG_STRICT : 0, report_limit);

	for (uint32_t nr = 0; !ret && nr_action && nr < SF_NR_ACTIONS; nr++)
		if (nr_action[nr])
			ret = rt__set_nr_action(rt, nr, nr_action[nr]);
	return ret;
}

/* ---- the gate ----------------------------------------------------------------------------- */
/* The split dangerous calls of p under the --gate selection, every unit
 * with the rules enforce loads for it (compartments joined). */
static int gate_set_of(const struct policy *p, const char *spec, struct gate_set *g)
{
	const struct policy_lib **units = calloc(p->nlibs ? p->nlibs : 1, sizeof(*units));
	struct policy_lib **owned = calloc(p->nlibs ? p->nlibs : 1, sizeof(*owned));
	uint32_t classes;
	uint64_t rows;
	int ret = 0;

	memset(g, 0, sizeof(*g));
	if (!units || !owned) {
		ret = -ENOMEM;
		goto out;
	}
	ret = gate__parse(spec ? spec : "default", &classes, &rows, NULL, 0);
	{
		struct rules_set *set = ret ? NULL : malloc(sizeof(*set));

		if (!ret && !set)
			ret = -ENOMEM;
		for (size_t i = 0; !ret && i < p->nlibs; i++) {
			ret = rules__lib(p, i, set);
			if (!ret)
				ret = rules__to_lib(set, p->libs[i].path, &owned[i]);
			units[i] = owned[i];
		}
		free(set);
	}
	if (!ret)
		ret = gate__compute(units, p->nlibs, rows, g);
out:
	for (size_t i = 0; owned && i < p->nlibs; i++)
		policy_lib__free(owned[i]);
	free(owned);
	free(units);
	return ret;
}

struct gate_start {
	struct rt *rt;
	struct enforce_report *report;
	struct gate *gate;
};

static int gate_ready(void *ctx, int listener)
{
	struct gate_start *gs = ctx;

	gs->gate = gate__start(gs->rt, gs->report, listener);
	return gs->gate ? 0 : -errno;
}


static int floor_mode(const struct env *env)
{
	if (env->seccomp_action)
		return env->seccomp_action;
	return env->action == SF_ACT_LOG ? FLOOR_LOG : FLOOR_KILL;
}

/*
 * The seccomp floor: the policy's process-wide union, execve added so the
 * target can start.  Calls outside it are killed (SIGSYS, before they run),
 * fail with EPERM, or, in complain mode (--action log), are logged by the
 * kernel and run, so that nothing is killed and the per-library layer,
 * which sees every call that runs, reports them with their library.
 * Per-syscall overrides apply to calls outside the union as well: --kill-on
 * keeps stopping them at the floor in complain mode, --log-on lets them
 * run (reported) under a killing floor.
 */
static int build_floor(const struct env *env, const struct policy *p, scmp_filter_ctx *out,
		       char *err, size_t errlen)
{
	int mode = floor_mode(env);
	uint32_t def = mode == FLOOR_ERRNO ? SCMP_ACT_ERRNO(EPERM)
		       : mode == FLOOR_LOG ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS;
	struct policy_syscall *uni = NULL;
	int ret;

	ret = seccomp__build_floor(p, def, out, err, errlen);
	if (ret)
		return ret;
	ret = seccomp_rule_add(*out, SCMP_ACT_ALLOW, SCMP_SYS(execve), 0);
	uni = calloc(SYSCALL_NR_MAX, sizeof(*uni));
	if (!ret && !uni)
		ret = -ENOMEM;
	if (!ret)
		ret = policy__union(p, uni, SYSCALL_NR_MAX);
	for (uint32_t nr = 0; !ret && nr < SF_NR_ACTIONS && nr < SYSCALL_NR_MAX; nr++) {
		uint32_t a;

		if (!env->nr_action[nr] || uni[nr].count || nr == (uint32_t)SCMP_SYS(execve))
			continue;
		a = env->nr_action[nr] == SF_ACT_LOG ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS;
		if (a != def)
			ret = seccomp_rule_add(*out, a, (int)nr, 0);
	}
	if (uni) {
		for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++)
			free(uni[nr].site);
		free(uni);
	}
	if (ret) {
		seccomp_release(*out);
		*out = NULL;
	}
	return ret;
}

int cmd_enforce(int argc, char **argv)
{
	struct env env = {};
	struct enforce_report s = {};
	FILE *logf = NULL;
	struct rt_opts ro = { .mode = SF_MODE_OFF };
	struct enforce_opts eo;
	struct policy *pols[MAX_POLICIES] = {};
	struct launch child = { .pid = -1 };
	struct launch_opts lo = { .die_with_parent = 1, .contain = 1 };
	scmp_filter_ctx filter = NULL, gate_filter = NULL;
	struct gate_set gset = {};
	struct gate_start gstart = {};
	struct gate_stats gst = {};
	struct landlock_floor floor = { .fd = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	char err[256] = "";
	int ret, status = 0, target_done = 0, exit_code = EXIT_FAIL, floor_kill = 0;
	uint64_t start, next_flush;

	ret = parse_args(argc, argv, &env);
	if (ret)
		return ret;
	log__init(env.quiet && !env.verbose ? LOG_QUIET : env.verbose);
	fill_opts(&env, &eo);

	for (int i = 0; i < env.npolicies; i++)
		if (load_policy_or_trace(env.policies[i], &pols[i]) ||
		    policy_edits__apply(&env.edits, pols[i]))
			goto out;
	if (geteuid() != 0) {
		log_err("enforce needs root (CAP_BPF and CAP_PERFMON to load BPF programs)");
		goto out;
	}
	if (env.argc) {
		char exe[PATH_MAX];

		ret = launch__resolve(env.argv[0], exe, sizeof(exe));
		if (ret) {
			log_err("cannot run '%s': %s", env.argv[0],
				ret == -ENOENT && !strchr(env.argv[0], '/') ? "command not found"
									    : strerror(-ret));
			goto out;
		}
		if (!env.no_seccomp) {
			ret = build_floor(&env, pols[0], &filter, err, sizeof(err));
			if (ret) {
				log_err("cannot build the seccomp floor: %s",
					err[0] ? err : strerror(-ret));
				goto out;
			}
			lo.seccomp = filter;
			ret = gate_set_of(pols[0], env.gate, &gset);
			if (!ret && gset.n)
				ret = gate__build_filter(&gset, &gate_filter, err, sizeof(err));
			if (ret) {
				log_err("cannot build the gate: %s", err[0] ? err : strerror(-ret));
				goto out;
			}
			if (gate_filter) {
				lo.gate = gate_filter;
				lo.gate_ready = gate_ready;
				lo.gate_ctx = &gstart;
			}
		} else if (env.gate && strcmp(env.gate, "off")) {
			log_warn("--gate needs the seccomp floor: with --no-seccomp no call is "
				 "paused, dangerous calls are judged after they run");
		}
		{
			struct policy_objs u;

			if (objects__union(pols[0], &u)) {
				log_err("cannot compute the policy's paths and ports: %s",
					strerror(ENOMEM));
				goto out;
			}
			ret = floor_add_arguments(&u, env.argc, env.argv);
			if (!ret)
				ret = landlock__build(&u, exe, env.landlock, &floor);
			objects__free(&u);
			if (ret)
				goto out;
			if (floor.fd >= 0)
				lo.landlock = &floor;
		}
	} else if (env.pid) {
		if (kill(env.pid, 0) && errno == ESRCH) {
			log_err("no process with pid %d", env.pid);
			goto out;
		}
	}
	if (!env.argc && (!env.gate || strcmp(env.gate, "off")))
		log_warn("no gate: a running process (--pid) or one started elsewhere "
			 "(exec watch) cannot be given a seccomp filter, so dangerous calls "
			 "are judged when they enter the kernel and may take effect before "
			 "the kill (launch the target with 'enforce POLICY -- CMD' to gate "
			 "them)");
	if (env.log_path) {
		logf = fopen(env.log_path, "ae");
		if (!logf) {
			log_err("cannot open --log %s: %s", env.log_path, strerror(errno));
			goto out;
		}
	}

	/* Attribution must match the one the policies were learned with:
	 * without runtime buckets, libc's allocator/stdio/locale work is
	 * charged to the caller (policies from before them). */
	{
		int nrt = 0;

		for (int i = 0; i < env.npolicies; i++)
			nrt += pols[i]->runtime_buckets;
		ro.legacy_attribution = !nrt;
		/* thread start is charged to [libc-thread] only for policies
		 * that have that bucket (learned since it exists, in a
		 * process that can start threads): older ones learned it
		 * as their caller's clone3 */
		ro.thread_with_caller = 1;
		for (int i = 0; i < env.npolicies; i++)
			for (size_t l = 0; l < pols[i]->nlibs; l++)
				if (pols[i]->libs[l].kind == LIB_KIND_BUCKET &&
				    !strcmp(pols[i]->libs[l].path, "[libc-thread]"))
					ro.thread_with_caller = 0;
		if (nrt && nrt < env.npolicies)
			log_warn("some policies were learned without libc's runtime buckets: "
				 "learn them again (or merge them with a new run)");
		else if (!nrt)
			log_info("policy learned without libc's runtime buckets: "
				 "libc's allocator, stdio and locale work is charged to its callers");
	}
	/* Handlers before the (slow) BPF load: see learn.c. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	s.rt = rt__open(&ro);
	if (!s.rt)
		goto out;
	gstart.rt = s.rt;
	gstart.report = &s;
	if (log_level >= LOG_INFO) {
		char why[160];
		int lsm = gate__probe_lsm(why, sizeof(why));

		log_info("BPF-LSM: %s (%s); %s", lsm > 0 ? "available" : "refused", why,
			 lsm > 0 ? "not used yet: the gate below decides before effect"
				 : "dangerous calls are decided before effect by the seccomp gate");
		for (size_t i = 0; i < gset.n; i++) {
			char d[256];

			gate__describe(&gset.e[i], d, sizeof(d));
			log_info("gate: %s paused for a decision (%u of %u units may make it)", d,
				 gset.e[i].nallowed, gset.e[i].nunits);
		}
		if (env.argc && lo.gate == NULL)
			log_info("gate: no call paused (%s)", env.no_seccomp ? "--no-seccomp" :
				 "no dangerous call is split between the policy's units");
	}
	enforce__report_init(&s, s.rt, logf);
	if (enforce__configure(s.rt, env.action, env.strict, (uint32_t)env.report_limit,
			       env.nr_action))
		goto out;
	for (int i = 0; i < env.npolicies; i++)
		if (enforce__load_policy(s.rt, pols[i], (uint32_t)i + 1, &eo))
			goto out;
	if (rt__set_mode(s.rt, SF_MODE_ENFORCE)) {
		log_err("cannot switch to enforce mode");
		goto out;
	}
	{
		/* the floor's denials, and path checks when a policy has
		 * paths (issue 17).  Both need sf_sys_exit_objects, which then
		 * runs at the exit of every system call of every process on
		 * the machine (a tracepoint program cannot be attached for
		 * one process): --floor-reports off --path-check off leaves
		 * it detached. */
		uint32_t flags = floor.fd >= 0 && !env.no_floor_reports ? SF_CFG_FLOOR : 0;

		for (int i = 0; i < env.npolicies && !env.no_path_check; i++)
			for (size_t k = 0; k < pols[i]->nlibs; k++)
				if (pols[i]->libs[k].objs.npaths)
					flags |= SF_CFG_PATHCHECK;
		s.pols = pols;
		s.npols = env.npolicies;
		if (flags & SF_CFG_PATHCHECK)
			rt__on_object(s.rt, report_path_check, &s);
		if (flags && rt__attach_object_reports(s.rt, flags))
			goto out;
		if (floor.fd >= 0 && env.no_floor_reports && !env.quiet)
			fprintf(stderr, "sysfence: Landlock floor: denials are not reported "
				"(--floor-reports off)%s\n",
				flags ? "" : "; no program at system-call exit");
	}

	if (stop_signal) {
		log_err("interrupted (signal %d) while loading: nothing was started",
			(int)stop_signal);
		goto out;
	}
	if (env.argc) {
		ret = launch__start_opts(&child, env.argv, s.rt, &lo);
		if (ret) {
			log_err("cannot run '%s': %s", env.argv[0], strerror(-ret));
			goto out;
		}
		if (!env.quiet)
			fprintf(stderr, "sysfence: enforcing %s on pid %d%s\n", env.policies[0],
				child.target_pid, gstart.gate ? " (gate on)" : env.action == SF_ACT_LOG ?
				" (complain mode: violations are logged)" : "");
	} else if (env.pid) {
		int ndesc;

		ret = rt__track(s.rt, env.pid, 0);
		if (ret) {
			log_err("cannot track pid %d: %s", env.pid, strerror(-ret));
			goto out;
		}
		if (kill(env.pid, 0) && errno == ESRCH) {
			log_err("process %d exited while attaching", env.pid);
			goto out;
		}
		/* Its existing children (a master's workers) too: threads are
		 * covered by the tgid, later children by the fork tracepoint. */
		ndesc = rt__track_descendants(s.rt, env.pid, 1);
		if (ndesc < 0)
			log_warn("cannot list the children of pid %d: %s", env.pid,
				 strerror(-ndesc));
		if (!env.quiet)
			fprintf(stderr, "sysfence: enforcing %s on pid %d, its %d existing "
				"descendant(s) and its future children\n", env.policies[0], env.pid,
				ndesc > 0 ? ndesc : 0);
	} else {
		int watched = 0;

		for (int i = 0; i < env.npolicies; i++) {
			if (!pols[i]->binary || !pols[i]->binary[0]) {
				log_warn("%s names no binary: nothing to watch", env.policies[i]);
				continue;
			}
			ret = rt__watch_exec_policy(s.rt, pols[i]->binary, (uint32_t)i + 1);
			if (ret) {
				log_warn("cannot watch %s: %s", pols[i]->binary, strerror(-ret));
				continue;
			}
			watched++;
			if (!env.quiet)
				fprintf(stderr, "sysfence: enforcing %s on every exec of %s\n",
					env.policies[i], pols[i]->binary);
		}
		if (!watched) {
			log_err("no policy binary could be watched");
			goto out;
		}
	}

	start = mono_ms();
	next_flush = start + FLUSH_MS;
	while (!stop_signal) {
		uint64_t now;

		rt__poll(s.rt, 100);
		if (s.kill_all_pending) {
			int n = rt__kill_all(s.rt);

			log_info("kill-all: killed %d processes of this session", n);
			s.kill_all_pending = 0;
		}
		if (env.argc) {
			if (launch__reap(&child, &status, 1) > 0) {
				target_done = 1;
				break;
			}
		} else if (env.pid && kill(env.pid, 0) && errno == ESRCH) {
			target_done = 1;
			break;
		}
		now = mono_ms();
		if (now >= next_flush) {
			enforce__report_flush(&s);
			next_flush = now + FLUSH_MS;
		}
		if (env.duration_ms && now - start >= env.duration_ms)
			break;
	}
	rt__poll(s.rt, 0);
	exit_code = EXIT_OK;
out:
	if (child.pid > 0) {
		/* Fail closed: the target never outlives its enforcement. */
		if (!target_done)
			target_done = launch__stop(&child, &status);
		rt__poll(s.rt, 0);
		if (gstart.gate) {
			gate__stop(gstart.gate, &gst);
			gstart.gate = NULL;
			if (gst.denied && exit_code == EXIT_OK)
				exit_code = 3;
			if (!env.quiet || gst.denied)
				fprintf(stderr, "sysfence: gate: %llu calls paused, %llu denied before "
					"they ran, %llu allowed%s\n",
					(unsigned long long)gst.notifications,
					(unsigned long long)gst.denied,
					(unsigned long long)(gst.allowed + gst.logged),
					gst.failed ? " (some denied: state unreadable)" : "");
			if (gst.gone)
				log_info("gate: %llu paused calls abandoned: their thread was gone "
					 "before the answer", (unsigned long long)gst.gone);
			if (gst.notifications)
				log_info("gate: %.1f us per paused call in the supervisor (mean)",
					 (double)gst.ns_total / 1000.0 / (double)gst.notifications);
		}
		floor_kill = target_done && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS &&
			     filter && floor_mode(&env) != FLOOR_ERRNO;
		if (floor_kill && exit_code == EXIT_OK)
			exit_code = 3; /* a violation, stopped by the floor */
		if (target_done && (!env.quiet || floor_kill)) {
			if (WIFEXITED(status))
				fprintf(stderr, "sysfence: target %d exited with status %d\n",
					child.target_pid, WEXITSTATUS(status));
			else if (floor_kill)
				fprintf(stderr, "sysfence: target %d was killed by the seccomp floor "
					"(SIGSYS): it made a syscall that no library of the policy "
					"may make\n", child.target_pid);
			else if (WIFSIGNALED(status))
				fprintf(stderr, "sysfence: target %d was killed by signal %d (%s)\n",
					child.target_pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
		}
	}
	if (s.rt) {
		uint64_t st[SF_STAT__COUNT];

		enforce__report_flush(&s);
		/* Any violation, also one seen while sysfence stopped the
		 * target, makes the run a violating one (not over an error). */
		if (!rt__stats(s.rt, st)) {
			if ((st[SF_STAT_VIOLATIONS] || s.violations || gst.denied) &&
			    exit_code == EXIT_OK)
				exit_code = 3;
			if (!env.quiet || st[SF_STAT_VIOLATIONS] || gst.denied)
				fprintf(stderr, "sysfence: %llu violations (%zu distinct, %llu not "
					"printed: --report-limit), %llu processes killed by the "
					"per-library layer, %llu by the seccomp floor, %llu calls "
					"denied by the gate\n",
					(unsigned long long)(st[SF_STAT_VIOLATIONS] + gst.denied),
					/* each gate denial has its own line and log
					 * entry: it is its own distinct one */
					s.nseen + (size_t)gst.denied,
					(unsigned long long)(st[SF_STAT_VIOLATIONS] + gst.denied > s.printed ?
							     st[SF_STAT_VIOLATIONS] + gst.denied - s.printed : 0),
					(unsigned long long)st[SF_STAT_KILLS],
					(unsigned long long)st[SF_STAT_FLOOR_KILLS],
					(unsigned long long)gst.denied);
			if (st[SF_STAT_SYSCALLS])
				log_info("%llu tracked calls, %.1f%% answered by the unwind cache",
					 (unsigned long long)st[SF_STAT_SYSCALLS],
					 100.0 * (double)(st[SF_STAT_SYSCALLS] -
							  st[SF_STAT_UNWIND_MISS]) /
						 (double)st[SF_STAT_SYSCALLS]);
			if (s.floor_denied)
				fprintf(stderr, "sysfence: %llu calls denied by the Landlock floor\n",
					(unsigned long long)s.floor_denied);
			if (s.path_checks)
				fprintf(stderr, "sysfence: %llu paths outside the calling library's "
					"paths (path check, reported)\n",
					(unsigned long long)s.path_checks);
		}
	}
	enforce__report_free(&s);
	rt__close(s.rt);
	if (logf)
		fclose(logf);
	if (gstart.gate)
		gate__stop(gstart.gate, NULL);
	if (filter)
		seccomp_release(filter);
	if (gate_filter)
		seccomp_release(gate_filter);
	landlock__close(&floor);
	for (int i = 0; i < env.npolicies; i++)
		policy__free(pols[i]);
	return exit_code;
}
