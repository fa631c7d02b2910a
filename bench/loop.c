// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sf-bench-loop - cost of one system call, for `make bench` (bench/run.sh).
 *
 *   sf-bench-loop [--seccomp] [--rounds R] getppid|mixed N
 *
 * getppid: N getppid() calls through the libc wrapper.
 * mixed:   N iterations of write(/dev/null, 64 B), openat+close(/dev/null),
 *          mmap+munmap(4 KiB anonymous): 5 system calls per iteration.
 * One untimed warm-up round, then R timed rounds (default 5); prints
 *   loop=NAME n=N rounds=R ns_per_syscall=X
 * with X the median round, in ns per system call.
 *
 * --seccomp installs, just before the rounds, a libseccomp allow-list of
 * the calls this program makes from there on (default action: kill the
 * process), the same shape as a policy's union layer: no argument checks,
 * so the kernel's per-syscall action cache applies.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 99

/* Everything from the first round to exit, including stdio's first write
 * and glibc's exit path. */
static const char *const allowed[] = {
	"getppid", "write", "openat", "close", "mmap", "munmap",
	"clock_gettime", "newfstatat", "fstat", "brk", "exit_group", "exit",
	"rt_sigreturn",
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int install_seccomp(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int ret = -ENOMEM;

	if (!ctx)
		return ret;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);

		if (nr == __NR_SCMP_ERROR) {
			ret = -EINVAL;
			goto cleanup;
		}
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (ret)
			goto cleanup;
	}
	ret = seccomp_load(ctx);
cleanup:
	seccomp_release(ctx);
	return ret;
}

static long loop_getppid(long n)
{
	long sink = 0;

	for (long i = 0; i < n; i++)
		sink += getppid();
	return sink;
}

static long loop_mixed(long n, int devnull)
{
	static const char buf[64];
	long sink = 0;

	for (long i = 0; i < n; i++) {
		void *p;
		int fd;

		sink += write(devnull, buf, sizeof(buf));
		fd = openat(AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
		sink += fd;
		close(fd);
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			munmap(p, 4096);
		else
			sink--;
	}
	return sink;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void usage(FILE *f)
{
	fputs("Usage: sf-bench-loop [--seccomp] [--rounds R] getppid|mixed N\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seccomp", no_argument, NULL, 's' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	double per[MAX_ROUNDS];
	volatile long sink = 0;
	int use_seccomp = 0, rounds = 5, mixed, devnull, c;
	long n;
	char *end;

	while ((c = getopt_long(argc, argv, "sr:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			use_seccomp = 1;
			break;
		case 'r':
			errno = 0;
			rounds = (int)strtol(optarg, &end, 10);
			if (errno || *end || rounds < 1 || rounds > MAX_ROUNDS) {
				fprintf(stderr, "sf-bench-loop: error: invalid --rounds '%s' (1-%d)\n",
					optarg, MAX_ROUNDS);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[optind], "getppid")) {
		mixed = 0;
	} else if (!strcmp(argv[optind], "mixed")) {
		mixed = 1;
	} else {
		fprintf(stderr, "sf-bench-loop: error: unknown loop '%s' (getppid, mixed)\n",
			argv[optind]);
		return 2;
	}
	errno = 0;
	n = strtol(argv[optind + 1], &end, 10);
	if (errno || *end || n < 1 || n > 1000000000L) {
		fprintf(stderr, "sf-bench-loop: error: invalid N '%s'\n", argv[optind + 1]);
		return 2;
	}

	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0) {
		perror("sf-bench-loop: error: /dev/null");
		return 1;
	}
	/* Touch stdout's buffer before the filter: the first printf may
	 * allocate and stat the stream. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (use_seccomp) {
		int err = install_seccomp();

		if (err) {
			fprintf(stderr, "sf-bench-loop: error: seccomp: %s\n", strerror(-err));
			return 1;
		}
	}

	/* Warm-up: page faults, caches, sysfence's mapping cache. */
	sink += mixed ? loop_mixed(n / 10 + 1, devnull) : loop_getppid(n / 10 + 1);
	for (int r = 0; r < rounds; r++) {
		double t0 = now_ns();

		sink += mixed ? loop_mixed(n, devnull) : loop_getppid(n);
		per[r] = (now_ns() - t0) / (double)n / (mixed ? 5.0 : 1.0);
	}
	qsort(per, (size_t)rounds, sizeof(per[0]), cmp_double);
	printf("loop=%s n=%ld rounds=%d ns_per_syscall=%.1f\n", mixed ? "mixed" : "getppid",
	       n, rounds, rounds % 2 ? per[rounds / 2] : (per[rounds / 2 - 1] + per[rounds / 2]) / 2);
	return 0; /* sink is volatile: the loops stay */
}
