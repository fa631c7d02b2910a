/* groups.c - syscall groups: the data, lookup and expansion.
 *
 * The idea (named sets of related syscalls with help text) follows
 * systemd's SystemCallFilter= sets; the lists here are our own, written
 * for x86_64 and current kernels.  Groups may overlap (@privileged shares
 * members with @mount and @module).  Keep every list sorted bytewise; the
 * unit test checks order, uniqueness and that libseccomp knows each name.
 * docs/review.md lists the groups for users.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "groups.h"
#include "policy.h"
#include "syscalls.h"

#define M(...) (const char *const[]){ __VA_ARGS__, NULL }

static const struct sc_group groups[] = {
	{ "@aio", "asynchronous I/O: POSIX AIO and io_uring",
	  M("io_cancel", "io_destroy", "io_getevents", "io_pgetevents",
	    "io_setup", "io_submit", "io_uring_enter", "io_uring_register",
	    "io_uring_setup") },
	{ "@basic-io", "read and write open descriptors, duplicate and close them",
	  M("close", "close_range", "dup", "dup2", "dup3", "lseek", "pread64",
	    "preadv", "preadv2", "pwrite64", "pwritev", "pwritev2", "read",
	    "readv", "sendfile", "splice", "tee", "vmsplice", "write", "writev") },
	{ "@bpf", "load and manage eBPF programs and maps",
	  M("bpf") },
	{ "@clock", "set the system clock",
	  M("adjtimex", "clock_adjtime", "clock_settime", "settimeofday") },
	{ "@debug", "inspect or modify other processes, performance counters",
	  M("kcmp", "lookup_dcookie", "perf_event_open", "pidfd_getfd",
	    "process_madvise", "process_vm_readv", "process_vm_writev",
	    "ptrace") },
	{ "@default", "what nearly every program needs: runtime start-up, "
		      "threads, time, identity",
	  M("arch_prctl", "brk", "clock_getres", "clock_gettime",
	    "clock_nanosleep", "exit", "exit_group", "futex", "get_robust_list",
	    "getegid", "geteuid", "getgid", "getgroups", "getpid", "getrandom",
	    "getresgid", "getresuid", "gettid", "gettimeofday", "getuid",
	    "madvise", "membarrier", "mmap", "mprotect", "munmap", "nanosleep",
	    "restart_syscall", "rseq", "rt_sigreturn", "sched_getaffinity",
	    "sched_yield", "set_robust_list", "set_tid_address", "time") },
	{ "@file-system", "open, create, inspect and change files and directories",
	  M("access", "chdir", "chmod", "chown", "copy_file_range", "creat",
	    "faccessat", "faccessat2", "fadvise64", "fallocate", "fchdir",
	    "fchmod", "fchmodat", "fchown", "fchownat", "fcntl",
	    "fgetxattr", "flistxattr", "flock", "fremovexattr", "fsetxattr",
	    "fstat", "fstatfs", "ftruncate", "futimesat", "getcwd", "getdents",
	    "getdents64", "getxattr", "inotify_add_watch", "inotify_init",
	    "inotify_init1", "inotify_rm_watch", "lchown", "lgetxattr", "link",
	    "linkat", "listxattr", "llistxattr", "lremovexattr", "lsetxattr",
	    "lstat", "mkdir", "mkdirat", "mknod", "mknodat", "newfstatat", "open",
	    "openat", "openat2", "readahead", "readlink", "readlinkat",
	    "removexattr", "rename", "renameat", "renameat2", "rmdir",
	    "setxattr", "stat", "statfs", "statx", "symlink", "symlinkat",
	    "truncate", "umask", "unlink", "unlinkat", "utime", "utimensat",
	    "utimes") },
	{ "@io-event", "wait for events on many descriptors: poll, select, epoll, "
		       "eventfd",
	  M("epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait",
	    "epoll_pwait2", "epoll_wait", "eventfd", "eventfd2", "poll", "ppoll",
	    "pselect6", "select") },
	{ "@ipc", "pipes, System V and POSIX message queues, semaphores, shared "
		  "memory",
	  M("memfd_create", "mq_getsetattr", "mq_notify", "mq_open",
	    "mq_timedreceive", "mq_timedsend", "mq_unlink", "msgctl", "msgget",
	    "msgrcv", "msgsnd", "pipe", "pipe2", "semctl", "semget", "semop",
	    "semtimedop", "shmat", "shmctl", "shmdt", "shmget") },
	{ "@keyring", "kernel key management",
	  M("add_key", "keyctl", "request_key") },
	{ "@memory", "map, protect, lock and advise memory",
	  M("brk", "get_mempolicy", "madvise", "mbind", "membarrier",
	    "memfd_secret", "migrate_pages", "mincore", "mlock", "mlock2",
	    "mlockall", "mmap", "move_pages", "mprotect", "mremap", "msync",
	    "munlock", "munlockall", "munmap", "pkey_alloc", "pkey_free",
	    "pkey_mprotect", "remap_file_pages", "set_mempolicy",
	    "userfaultfd") },
	{ "@module", "load and unload kernel modules",
	  M("delete_module", "finit_module", "init_module") },
	{ "@mount", "mount and unmount file systems, change the root",
	  M("chroot", "fsconfig", "fsmount", "fsopen", "fspick", "mount",
	    "mount_setattr", "move_mount", "open_tree", "pivot_root",
	    "umount2") },
	{ "@namespace", "create and join namespaces",
	  M("setns", "unshare") },
	{ "@network-io", "sockets: create, connect, listen, send and receive",
	  M("accept", "accept4", "bind", "connect", "getpeername", "getsockname",
	    "getsockopt", "listen", "recvfrom", "recvmmsg", "recvmsg", "sendmmsg",
	    "sendmsg", "sendto", "setsockopt", "shutdown", "socket",
	    "socketpair") },
	{ "@obsolete", "removed or never-implemented calls that still have numbers",
	  M("_sysctl", "afs_syscall", "create_module", "epoll_ctl_old",
	    "epoll_wait_old", "get_kernel_syms", "getpmsg", "nfsservctl",
	    "putpmsg", "query_module", "security", "sysfs", "tuxcall", "uselib",
	    "ustat", "vserver") },
	{ "@privileged", "need a capability such as CAP_SYS_ADMIN, "
			 "CAP_SYS_MODULE or CAP_SYS_BOOT",
	  M("acct", "bpf", "chroot", "clock_adjtime", "clock_settime",
	    "delete_module", "fanotify_init", "finit_module", "init_module",
	    "ioperm", "iopl", "kexec_file_load", "kexec_load", "mount",
	    "name_to_handle_at", "open_by_handle_at", "pivot_root", "quotactl",
	    "reboot", "setdomainname", "sethostname", "settimeofday", "swapoff",
	    "swapon", "syslog", "umount2", "vhangup") },
	{ "@process", "create, run, wait for and end processes and threads",
	  M("clone", "clone3", "execve", "execveat", "exit", "exit_group", "fork",
	    "getpgid", "getpgrp", "getpid", "getppid", "getsid", "gettid",
	    "pidfd_open", "prctl", "set_tid_address", "setpgid", "setsid",
	    "vfork", "wait4", "waitid") },
	{ "@reboot", "reboot or replace the running kernel",
	  M("kexec_file_load", "kexec_load", "reboot") },
	{ "@resources", "scheduling, priorities and resource limits",
	  M("getpriority", "getrlimit", "getrusage", "ioprio_get", "ioprio_set",
	    "prlimit64", "sched_get_priority_max", "sched_get_priority_min",
	    "sched_getaffinity", "sched_getattr", "sched_getparam",
	    "sched_getscheduler", "sched_rr_get_interval", "sched_setaffinity",
	    "sched_setattr", "sched_setparam", "sched_setscheduler",
	    "setpriority", "setrlimit", "times") },
	{ "@sandbox", "confine the calling process: seccomp, Landlock, "
		      "no_new_privs via prctl",
	  M("landlock_add_rule", "landlock_create_ruleset",
	    "landlock_restrict_self", "prctl", "seccomp") },
	{ "@setuid", "change user and group identity and capabilities",
	  M("capget", "capset", "setfsgid", "setfsuid", "setgid", "setgroups",
	    "setregid", "setresgid", "setresuid", "setreuid", "setuid") },
	{ "@signal", "send, catch, block and wait for signals",
	  M("kill", "pause", "pidfd_send_signal", "rt_sigaction",
	    "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
	    "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
	    "rt_tgsigqueueinfo", "sigaltstack", "signalfd", "signalfd4",
	    "tgkill", "tkill") },
	{ "@swap", "enable and disable swap devices",
	  M("swapoff", "swapon") },
	{ "@sync", "flush file data and metadata to storage",
	  M("fdatasync", "fsync", "msync", "sync", "sync_file_range",
	    "syncfs") },
	{ "@system-info", "host name, kernel version, system statistics",
	  M("getcpu", "sysinfo", "uname") },
	{ "@time", "read time, sleep, timers and alarms",
	  M("alarm", "clock_getres", "clock_gettime", "clock_nanosleep",
	    "getitimer", "gettimeofday", "nanosleep", "setitimer", "time",
	    "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
	    "timer_settime", "timerfd_create", "timerfd_gettime",
	    "timerfd_settime") },
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

/* show files a syscall under the first of these groups that has it: the
 * most specific (and most alarming) first, the catch-alls last. */
static const char *const primary_order[] = {
	"@module", "@reboot", "@bpf", "@debug", "@mount", "@namespace",
	"@keyring", "@swap", "@clock", "@obsolete", "@privileged", "@setuid",
	"@aio", "@network-io", "@ipc", "@signal", "@io-event", "@sync",
	"@file-system", "@basic-io", "@process", "@sandbox", "@memory", "@time",
	"@resources", "@system-info", "@default",
};

const struct sc_group *groups__all(size_t *n)
{
	if (n)
		*n = NGROUPS;
	return groups;
}

const struct sc_group *groups__find(const char *name)
{
	size_t lo = 0, hi = NGROUPS;

	if (!name)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, groups[mid].name);

		if (!c)
			return &groups[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Levenshtein distance, capped inputs (group names are short). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[40], diag, up;

	if (la >= 40 || lb >= 40)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t v = diag + (a[i - 1] != b[j - 1]);

			up = row[j];
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
		}
	}
	return row[lb];
}

const char *groups__suggest(const char *name)
{
	const char *best = NULL;
	size_t best_d = 3; /* suggest only within two edits */

	if (!name)
		return NULL;
	for (size_t i = 0; i < NGROUPS; i++) {
		size_t d = distance(name, groups[i].name);

		if (d < best_d) {
			best_d = d;
			best = groups[i].name;
		}
	}
	return best;
}

int groups__has(const struct sc_group *g, uint32_t nr)
{
	const char *name = syscall__name(nr);

	if (!g || !name)
		return 0;
	for (const char *const *m = g->members; *m; m++)
		if (!strcmp(*m, name))
			return 1;
	return 0;
}

int groups__expand(const char *name, uint32_t *nrs, size_t cap)
{
	const struct sc_group *g = groups__find(name);
	uint8_t in[SYSCALL_NR_MAX] = { 0 };
	size_t n = 0;

	if (!g)
		return -ENOENT;
	for (const char *const *m = g->members; *m; m++) {
		int nr = syscall__nr(*m);

		if (nr >= 0)
			in[nr] = 1;
	}
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++) {
		if (!in[nr])
			continue;
		if (nrs && n < cap)
			nrs[n] = nr;
		n++;
	}
	return (int)n;
}

static const struct sc_group *primary[SYSCALL_NR_MAX];
static pthread_once_t primary_once = PTHREAD_ONCE_INIT;

static void primary_init(void)
{
	for (size_t i = sizeof(primary_order) / sizeof(primary_order[0]); i--;) {
		const struct sc_group *g = groups__find(primary_order[i]);

		for (const char *const *m = g ? g->members : NULL; m && *m; m++) {
			int nr = syscall__nr(*m);

			if (nr >= 0)
				primary[nr] = g; /* earlier entries win */
		}
	}
}

const struct sc_group *groups__primary(uint32_t nr)
{
	if (nr >= SYSCALL_NR_MAX)
		return NULL;
	pthread_once(&primary_once, primary_init);
	return primary[nr];
}

int groups__rank(const struct sc_group *g)
{
	size_t n = sizeof(primary_order) / sizeof(primary_order[0]);

	for (size_t i = 0; g && i < n; i++)
		if (!strcmp(primary_order[i], g->name))
			return (int)i;
	return (int)n;
}
