// SPDX-License-Identifier: GPL-2.0
/* landlock.c - the Landlock floor of paths and ports (see landlock.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "log.h"
#include "objects.h"

/* The kernel ABI, defined here: Debian 12's headers stop at ABI 2. */
#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_RESTRICT_SELF_LOG_NEW_EXEC_ON (1u << 1) /* ABI 7 */
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REFER (1ULL << 13)
#define LL_FS_TRUNCATE (1ULL << 14)
/* rights that apply to a file (the others only to directories) */
#define LL_FS_FILE (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
};

struct __attribute__((packed)) ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
};

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

int landlock__abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);

	return v > 0 ? (int)v : 0;
}

/* File-system rights handled at each ABI: 1 = execute .. make-sym,
 * 2 + refer, 3 + truncate.  ioctl on devices (ABI 5) is not handled: the
 * policy does not learn ioctl targets (the per-library layer judges ioctl
 * commands). */
static uint64_t fs_handled(int abi)
{
	uint64_t fs = (1ULL << 13) - 1;

	if (abi >= 2)
		fs |= LL_FS_REFER;
	if (abi >= 3)
		fs |= LL_FS_TRUNCATE;
	return fs;
}

/* Where a rule goes: "D/" "**" -> D; a pattern whose last component has
 * a '*' (a per-run file name) -> its directory; a '*' in a directory
 * component (a per-run directory: mkdtemp, a pid) -> the directory above
 * it, where the program will make the next one; /proc paths -> /proc (a
 * rule on /proc/self would name the launching process's directory, not a
 * forked child's). */
static void rule_target(const char *pat, char *out, size_t len)
{
	const char *star = strchr(pat, '*');
	size_t n = strlen(pat);

	if (!strncmp(pat, "/proc/", 6) || !strcmp(pat, "/proc")) {
		snprintf(out, len, "/proc");
		return;
	}
	if (star) {
		n = (size_t)(star - pat);
		while (n > 0 && pat[n - 1] != '/')
			n--;
		if (n > 0)
			n--; /* the '/' before the component */
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, pat, n);
	out[n] = '\0';
	if (!out[0])
		snprintf(out, len, "/");
}

static int add_path_rule(struct landlock_floor *f, const char *path, uint64_t access)
{
	char cur[PATH_MAX];
	struct ll_path_beneath_attr pb;
	struct stat st;
	int fd, widened = 0;

	access &= f->fs;
	if (!access)
		return 0;
	snprintf(cur, sizeof(cur), "%s", path);
	for (;;) {
		fd = open(cur, O_PATH | O_CLOEXEC);
		if (fd >= 0)
			break;
		/* a missing path needs no rule unless the program may create
		 * it: then its nearest existing ancestor gets the rights */
		if (errno != ENOENT || !(access & ~(LL_FS_READ_FILE | LL_FS_READ_DIR | LL_FS_EXECUTE)) ||
		    !strcmp(cur, "/")) {
			f->nskipped++;
			log_debug("landlock: no rule for %s: %s", path, strerror(errno));
			return 0;
		}
		*strrchr(cur, '/') = '\0';
		if (!cur[0])
			snprintf(cur, sizeof(cur), "/");
		widened = 1;
	}
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	if (!S_ISDIR(st.st_mode))
		access &= LL_FS_FILE;
	else if (access & LL_FS_READ_FILE)
		access |= LL_FS_READ_DIR & f->fs; /* reading a directory lists it */
	if (!access) {
		close(fd);
		return 0;
	}
	pb.allowed_access = access;
	pb.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, f->fd, LL_RULE_PATH_BENEATH, &pb, 0)) {
		int err = -errno;

		log_err("landlock: cannot add a rule for %s: %s", cur, strerror(errno));
		close(fd);
		return err;
	}
	close(fd);
	f->npaths++;
	if (widened) {
		f->nwidened++;
		log_info("landlock: %s does not exist yet: its rights go to %s", path, cur);
	}
	return 0;
}

/* The interpreter of a script ("#!/path args") or of an ELF executable
 * (PT_INTERP), or "" */
static void interpreter_of(const char *exe, char *out, size_t len)
{
	char buf[256];
	ssize_t n;
	int fd = open(exe, O_RDONLY | O_CLOEXEC);

	out[0] = '\0';
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 4)
		return;
	buf[n] = '\0';
	if (buf[0] == '#' && buf[1] == '!') {
		char *p = buf + 2, *e;

		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strcspn(p, " \t\n");
		*e = '\0';
		snprintf(out, len, "%s", p);
	} else if (!memcmp(buf, "\177ELF", 4)) {
		/* the x86_64 loader; PT_INTERP of every dynamic executable here */
		if (!access("/lib64/ld-linux-x86-64.so.2", F_OK))
			snprintf(out, len, "/lib64/ld-linux-x86-64.so.2");
	}
}

int landlock__build(const struct policy_objs *u, const char *exe, int mode,
		    struct landlock_floor *out)
{
	struct ll_ruleset_attr attr = {};
	int abi, ret = 0;
	int want_fs = u->npaths > 0, want_net = u->nports > 0;
	uint64_t net_ranges = 0;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (mode == LANDLOCK_OFF || (!want_fs && !want_net))
		return 0;
	abi = landlock__abi();
	out->abi = abi;
	if (!abi) {
		if (mode == LANDLOCK_ON) {
			log_err("--landlock on: this kernel has no Landlock (the policy has %zu "
				"paths, %zu ports to enforce)", u->npaths, u->nports);
			return -EOPNOTSUPP;
		}
		log_warn("this kernel has no Landlock: the policy's paths and ports are not "
			 "enforced (only the per-library layer reports them)");
		return 0;
	}
	if (want_net && abi < 4) {
		if (mode == LANDLOCK_ON) {
			log_err("--landlock on: Landlock ABI %d cannot restrict TCP ports "
				"(needs 4)", abi);
			return -EOPNOTSUPP;
		}
		log_warn("Landlock ABI %d cannot restrict TCP ports (needs 4): the "
			 "policy's ports are not enforced", abi);
		want_net = 0;
	}
	if (want_fs && abi < 3)
		log_warn("Landlock ABI %d: %s not restricted", abi,
			 abi < 2 ? "truncation, cross-directory rename/link are" : "truncation is");
	if (!want_fs && !want_net)
		return 0;
	if (want_fs)
		attr.handled_access_fs = out->fs = fs_handled(abi);
	/* a port range (kernel-picked ports) cannot be a Landlock rule:
	 * that access is then not restricted */
	for (size_t i = 0; want_net && i < u->nports; i++)
		if (u->ports[i].last)
			net_ranges |= (u->ports[i].access & PORT_BIND ? LL_NET_BIND_TCP : 0) |
				      (u->ports[i].access & PORT_CONNECT ? LL_NET_CONNECT_TCP : 0);
	if (net_ranges)
		log_info("Landlock floor: the policy allows ephemeral ports for %s%s%s: not "
			 "restricted (Landlock has no port ranges)",
			 net_ranges & LL_NET_BIND_TCP ? "bind" : "",
			 net_ranges == (LL_NET_BIND_TCP | LL_NET_CONNECT_TCP) ? " and " : "",
			 net_ranges & LL_NET_CONNECT_TCP ? "connect" : "");
	if (want_net && !(~net_ranges & (LL_NET_BIND_TCP | LL_NET_CONNECT_TCP)))
		want_net = 0;
	if (!want_fs && !want_net)
		return 0;
	if (want_net)
		attr.handled_access_net = out->net =
			(LL_NET_BIND_TCP | LL_NET_CONNECT_TCP) & ~net_ranges;
	out->fd = (int)syscall(SYS_landlock_create_ruleset, &attr,
			       want_net ? sizeof(attr) : sizeof(attr.handled_access_fs), 0);
	if (out->fd < 0) {
		ret = -errno;
		log_err("cannot create the Landlock ruleset: %s", strerror(errno));
		return ret;
	}
	if (abi >= 7)
		out->restrict_flags = LL_RESTRICT_SELF_LOG_NEW_EXEC_ON;
	if (want_fs) {
		char target[PATH_MAX], interp[PATH_MAX];

		for (size_t i = 0; i < u->npaths && !ret; i++) {
			uint64_t acc = u->paths[i].access & OBJ_LANDLOCK_MASK;

			/* writing a file implies truncating it (ftruncate is
			 * checked at open: the policy cannot see it) */
			if (acc & LL_FS_WRITE_FILE)
				acc |= LL_FS_TRUNCATE;
			rule_target(u->paths[i].path, target, sizeof(target));
			ret = add_path_rule(out, target, acc);
		}
		/* The baseline, whatever was learned: devices without state
		 * (a variation that sends output to /dev/null or reads
		 * /dev/urandom), and locale and time-zone data (a variation
		 * of LANG or TZ): reading them grants nothing.  One table
		 * (learner/objects.c), which the path checks also use. */
		struct policy_objs base = {};

		if (!ret)
			ret = objects__add_baseline(&base);
		for (size_t i = 0; !ret && i < base.npaths; i++)
			ret = add_path_rule(out, base.paths[i].path,
					    base.paths[i].access & OBJ_LANDLOCK_MASK);
		objects__free(&base);
		/* the target itself and its interpreter are executed by the
		 * execve that follows the floor */
		if (!ret && exe)
			ret = add_path_rule(out, exe, LL_FS_EXECUTE | LL_FS_READ_FILE);
		if (!ret && exe) {
			interpreter_of(exe, interp, sizeof(interp));
			if (interp[0])
				ret = add_path_rule(out, interp, LL_FS_EXECUTE | LL_FS_READ_FILE);
		}
	}
	for (size_t i = 0; want_net && !ret && i < u->nports; i++) {
		struct ll_net_port_attr np = { .port = u->ports[i].port };

		if (u->ports[i].access & PORT_BIND)
			np.allowed_access |= LL_NET_BIND_TCP;
		if (u->ports[i].access & PORT_CONNECT)
			np.allowed_access |= LL_NET_CONNECT_TCP;
		np.allowed_access &= out->net;
		if (u->ports[i].last || !np.allowed_access)
			continue;
		if (syscall(SYS_landlock_add_rule, out->fd, LL_RULE_NET_PORT, &np, 0)) {
			ret = -errno;
			log_err("landlock: cannot add a rule for port %u: %s", u->ports[i].port,
				strerror(errno));
		} else {
			out->nports++;
		}
	}
	if (ret) {
		landlock__close(out);
		return ret;
	}
	log_info("Landlock floor (ABI %d): %d path rules%s, %d port rules%s", abi, out->npaths,
		 want_fs ? "" : " (paths not handled)", out->nports,
		 want_net ? "" : " (ports not handled)");
	return 0;
}

void landlock__close(struct landlock_floor *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int landlock__restrict(int fd, uint32_t flags)
{
	if (syscall(SYS_landlock_restrict_self, fd, flags) == 0)
		return 0;
	/* an older kernel refuses the logging flag: enforce without it */
	if (errno == EINVAL && flags && syscall(SYS_landlock_restrict_self, fd, 0) == 0)
		return 0;
	return -errno;
}
