// SPDX-License-Identifier: GPL-2.0
/* exportcmd.c - `sysfence export`: the process-wide union of a policy as a
 * plain OCI seccomp profile or as a compiled classic-BPF filter (for
 * bubblewrap's --seccomp FD, systemd's SystemCallFilter= is not needed). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "fileio.h"
#include "log.h"
#include "policy_read.h"
#include "policy_write.h"
#include "seccomp_build.h"

static const char export_usage[] =
	"Usage: sysfence export --format oci|bpf POLICY [-o FILE]\n"
	"\n"
	"Writes the process-wide union of POLICY (a policy or a trace): every\n"
	"library's and bucket's syscalls, argument conditions merged across\n"
	"libraries (docs/arguments.md).  Default action: the policy's\n"
	"defaultAction (kill the process).\n"
	"\n"
	"  oci   a plain OCI runtime-spec seccomp profile (no sysfence section),\n"
	"        for runc/crun/podman --security-opt seccomp=FILE\n"
	"  bpf   a classic-BPF filter compiled by libseccomp (struct sock_filter\n"
	"        array), for bwrap --seccomp FD\n"
	"\n"
	"The export is verified before it is written: the filter is loaded with\n"
	"libseccomp in a forked child (no_new_privs + seccomp_load); the OCI file\n"
	"is read back by the policy parser.\n"
	"\n"
	"Options:\n"
	"  -f, --format FMT   oci or bpf (required)\n"
	"  -o, --output FILE  file to write (default: standard output for oci;\n"
	"                     required for bpf)\n"
	"  -h, --help         this help\n"
	"\n"
	"Examples:\n"
	"  sysfence export --format oci policies/redis.json -o redis-seccomp.json\n"
	"  sysfence export --format bpf policies/app.json -o app.bpf\n"
	"  bwrap --seccomp 3 3<app.bpf --ro-bind / / -- /usr/bin/app\n"
	"\n"
	"Exit status: 0 written and verified, 1 runtime error, 2 usage error.\n";

static uint32_t default_action(const struct policy *p)
{
	static const struct { const char *name; uint32_t act; } acts[] = {
		{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
		{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD },
		{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
		{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
		{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(EPERM) },
		{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
		{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
	};

	for (size_t i = 0; p->default_action && i < sizeof(acts) / sizeof(acts[0]); i++)
		if (!strcmp(p->default_action, acts[i].name))
			return acts[i].act;
	return SCMP_ACT_KILL_PROCESS;
}

/* Load the filter in a forked child: proves the kernel accepts it. */
static int verify_load(scmp_filter_ctx ctx, char *err, size_t errlen)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		int ret;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(10);
		ret = seccomp_load(ctx);
		/* exit_group may be outside the policy: the status is what
		 * tells, so report it whichever way the child ends */
		_exit(ret ? 11 : 0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		snprintf(err, errlen, "waitpid: %s", strerror(errno));
		return -errno;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		return 0; /* loaded; exit_group is not in the union */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 11)
		snprintf(err, errlen, "the kernel refused the filter (seccomp_load failed)");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 10)
		snprintf(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS) failed in the child");
	else
		snprintf(err, errlen, "the verification child ended with status 0x%x", status);
	return -EINVAL;
}

static int write_bpf(scmp_filter_ctx ctx, const char *out, char *err, size_t errlen)
{
	char tmp[4096];
	int fd, ret;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", out, (int)getpid()) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", out);
		return -ENAMETOOLONG;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot write %s: %s", out, strerror(errno));
		return ret;
	}
	ret = seccomp_export_bpf(ctx, fd);
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	if (!ret && rename(tmp, out))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		snprintf(err, errlen, "cannot write %s: %s", out, strerror(-ret));
	}
	return ret;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *format = NULL, *out = NULL;
	char err[TRACE_ERRLEN] = "";
	struct policy *p = NULL, *back = NULL;
	scmp_filter_ctx ctx = NULL;
	char *json = NULL;
	int c, ret, code = EXIT_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(export_usage, stdout);
			return EXIT_OK;
		default:
			fputs(export_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (!format || (strcmp(format, "oci") && strcmp(format, "bpf"))) {
		log_err("export needs --format oci or --format bpf");
		fputs(export_usage, stderr);
		return EXIT_USAGE;
	}
	if (optind + 1 != argc) {
		log_err("export needs exactly one POLICY file");
		fputs(export_usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(format, "bpf") && !out) {
		log_err("--format bpf writes binary: give -o FILE");
		return EXIT_USAGE;
	}
	if (load_policy_or_trace(argv[optind], &p))
		return EXIT_FAIL;

	ret = seccomp__build(p, default_action(p), &ctx, err, sizeof(err));
	if (ret) {
		log_err("%s: %s", argv[optind], err);
		goto out;
	}
	ret = verify_load(ctx, err, sizeof(err));
	if (ret) {
		log_err("%s: export not verified: %s", argv[optind], err);
		goto out;
	}
	if (!strcmp(format, "bpf")) {
		ret = write_bpf(ctx, out, err, sizeof(err));
		if (ret) {
			log_err("%s", err);
			goto out;
		}
		code = EXIT_OK;
		goto out;
	}
	json = policy__to_oci_json(p);
	if (!json) {
		log_err("cannot format %s: %s", argv[optind], strerror(errno));
		goto out;
	}
	/* the plain profile must read back (a profile without libraries) */
	ret = policy__parse(json, strlen(json), out ? out : "<stdout>", &back, err, sizeof(err));
	if (ret) {
		log_err("export not verified: %s", err);
		goto out;
	}
	if (out) {
		ret = fileio__write_atomic(out, json, strlen(json), err, sizeof(err));
		if (ret) {
			log_err("%s", err[0] ? err : strerror(-ret));
			goto out;
		}
	} else if (fputs(json, stdout) == EOF || fflush(stdout)) {
		log_err("cannot write to standard output: %s", strerror(errno));
		goto out;
	}
	code = EXIT_OK;
out:
	if (ctx)
		seccomp_release(ctx);
	free(json);
	policy__free(back);
	policy__free(p);
	return code;
}
