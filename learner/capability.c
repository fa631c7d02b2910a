/* capability.c - generalisation by capability (see capability.h and
 * docs/generalize.md, which holds the same table: test_capability.c
 * compares it with capability__doc_table()).
 *
 * Why: one learning run is a sample.  A unit seen writing with write()
 * will write with writev() when a reply grows; a unit that installs a
 * signal handler returns from it with rt_sigreturn; a unit that reads a
 * file may be asked to stat it.  These calls use a capability the unit
 * was seen using, on the same kind of object, so allowing them costs
 * little privilege and removes most false kills.  What changes what a
 * unit can reach (new programs, other processes, executable memory, new
 * network endpoints, writing where it only read, credentials, the
 * kernel) is in the never-list and stays exactly as observed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "argnames.h"
#include "capability.h"
#include "generalize.h"
#include "syscalls.h"
#include "util.h"

_Static_assert(POLICY_FROM_WORDS * 64 == SYSCALL_NR_MAX,
	       "from bitmap covers every syscall number");

/* ---- THE table ------------------------------------------------------------
 * Keep rows grouped by level.  Every name is resolved through libseccomp;
 * conditions use the symbolic names of learner/argnames.c. */

/* glibc 2.36's create_thread (nptl/pthread_create.c): the flags of every
 * thread it starts, passed to clone3 as they are */
#define GLIBC_THREAD_FLAGS "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|" \
			   "CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|" \
			   "CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID"
#define MEM_RW "brk mmap(PROT_READ|PROT_WRITE) munmap mremap(MREMAP_MAYMOVE) " \
	       "madvise(MADV_DONTNEED,MADV_FREE) mprotect(PROT_READ|PROT_WRITE)"
#define SELF_INFO "getpid gettid getppid getuid geteuid getgid getegid " \
		  "getrusage getrlimit sysinfo uname clock_gettime " \
		  "gettimeofday getcwd"
#define SOCKET_USE "socket connect accept accept4 bind listen sendto " \
		   "recvfrom sendmsg recvmsg sendmmsg recvmmsg"
#define FD_MAKERS "open openat openat2 creat socket socketpair accept " \
		  "accept4 pipe pipe2 dup dup2 dup3 epoll_create " \
		  "epoll_create1 eventfd eventfd2 timerfd_create signalfd " \
		  "signalfd4 inotify_init inotify_init1 memfd_create"

static const struct cap_row rows[] = {
	/* ---- standard: the same capability under another spelling ---- */
	{ "write", GEN_LEVEL_STANDARD, NULL,
	  "write writev pwrite64 pwritev pwritev2",
	  "write writev pwrite64 pwritev pwritev2",
	  "writing to a descriptor the unit already holds: gather and "
	  "positioned variants reach the same files and sockets (redis "
	  "answers large replies with writev where write was learned)" },
	{ "read", GEN_LEVEL_STANDARD, NULL,
	  "read readv pread64 preadv preadv2",
	  "read readv pread64 preadv preadv2",
	  "reading from a descriptor the unit already holds, scattered or "
	  "at an offset" },
	{ "send", GEN_LEVEL_STANDARD, NULL,
	  "sendto sendmsg sendmmsg",
	  "sendto sendmsg sendmmsg write writev",
	  "sending on sockets the unit already uses; write/writev on a "
	  "socket is a send without flags (no new socket, no new peer "
	  "beyond what sendto already reaches)" },
	{ "receive", GEN_LEVEL_STANDARD, NULL,
	  "recvfrom recvmsg recvmmsg",
	  "recvfrom recvmsg recvmmsg read readv",
	  "receiving on sockets the unit already uses; read/readv on a "
	  "socket is a receive without flags" },
	{ "stat", GEN_LEVEL_STANDARD, NULL,
	  "stat fstat lstat newfstatat statx",
	  "stat fstat lstat newfstatat statx",
	  "file metadata: glibc picks fstat, newfstatat or statx by version "
	  "and by call (fstat is newfstatat(fd, \"\", AT_EMPTY_PATH) since "
	  "glibc 2.33)" },
	{ "memory", GEN_LEVEL_STANDARD, NULL,
	  "brk mmap munmap mremap madvise mprotect",
	  MEM_RW,
	  "managing the unit's own memory; grows with the input (mremap, "
	  "more mmap). Inferred mmap/mprotect never allow PROT_EXEC (W^X: "
	  "executable memory stays as observed), mremap only MREMAP_MAYMOVE, "
	  "madvise only the advice allocators use to give memory back" },
	{ "sigreturn", GEN_LEVEL_STANDARD, NULL,
	  "rt_sigaction",
	  "rt_sigreturn",
	  "a unit that installs a signal handler returns from it: libc's "
	  "restorer calls rt_sigreturn after every handled signal (redis was "
	  "killed on every SIGTERM stop)" },
	{ "exit", GEN_LEVEL_STANDARD, NULL,
	  "*",
	  "exit exit_group",
	  "every unit may end its thread or process (exit() from any "
	  "library; the shutdown path is rarely learned)" },
	{ "self-info", GEN_LEVEL_STANDARD, NULL,
	  SELF_INFO " prlimit64",
	  SELF_INFO,
	  "reading the process's own identity, resource usage, limits and "
	  "clocks changes nothing (memcached 'stats': getpid, getrusage). "
	  "prlimit64 can also set limits and its new-limit pointer is not "
	  "checkable, so it is a trigger only" },
	{ "stdio-probe", GEN_LEVEL_STANDARD, NULL,
	  "read readv write writev",
	  "fstat newfstatat ioctl(TCGETS,TIOCGWINSZ)",
	  "stdio probes the descriptors a unit reads or writes: fstat for "
	  "the buffer size, ioctl(TCGETS) to ask whether it is a terminal "
	  "(make demo was killed when stdout became /dev/null), "
	  "ioctl(TIOCGWINSZ) for its width, asked without TCGETS first "
	  "(Python's argparse asks on every run: python3 -m json.tool); "
	  "both only read, and fail on anything but a terminal" },
	{ "terminal", GEN_LEVEL_STANDARD, NULL,
	  "ioctl(TCGETS)",
	  "ioctl(TIOCGWINSZ,TIOCGPTN)",
	  "a unit that asks whether a descriptor is a terminal reads its "
	  "window size and pty number when it is one (stdout on a terminal "
	  "instead of the pipe it was learned with); both only read" },
	{ "socket-names", GEN_LEVEL_STANDARD, NULL,
	  SOCKET_USE,
	  "getsockname getpeername",
	  "reading the local and peer address of sockets the unit already "
	  "uses (memcached 'stats': getsockname)" },
	{ "close", GEN_LEVEL_STANDARD, NULL,
	  FD_MAKERS,
	  "close",
	  "a unit that creates descriptors closes them" },
	{ "poll", GEN_LEVEL_STANDARD, NULL,
	  "select pselect6 poll ppoll",
	  "select pselect6 poll ppoll",
	  "waiting for descriptors the unit already holds; code switches "
	  "between these by timeout precision and signal mask" },
	{ "epoll-wait", GEN_LEVEL_STANDARD, NULL,
	  "epoll_wait epoll_pwait epoll_pwait2",
	  "epoll_wait epoll_pwait epoll_pwait2",
	  "waiting on an epoll set the unit already has; the variants add a "
	  "signal mask or a finer timeout" },
	{ "wait", GEN_LEVEL_STANDARD, NULL,
	  "read readv write writev recvfrom recvmsg sendto sendmsg "
	  "epoll_wait epoll_pwait epoll_pwait2",
	  "poll ppoll",
	  "a unit that reads, writes or waits on descriptors may wait for "
	  "one of them to be ready: waiting reaches nothing beyond the "
	  "descriptors it holds (memcached's LRU crawler polls the client "
	  "of 'lru_crawler metadump'; git polls its children's pipes). "
	  "select/pselect6 (row 'poll') only after one of the family was "
	  "seen: both found cases poll, and each inferred call is a rule "
	  "in every unit that does I/O" },
	{ "readable", GEN_LEVEL_STANDARD, NULL,
	  "read readv recvfrom recvmsg recvmmsg",
	  "ioctl(FIONREAD)",
	  "a unit that reads descriptors may ask how many bytes are waiting "
	  "on one: a count, nothing read (nginx asks before discarding a "
	  "request body: any client's POST to a static page)" },
	{ "sleep", GEN_LEVEL_STANDARD, NULL,
	  "*",
	  "nanosleep clock_nanosleep sched_yield",
	  "sleeping and yielding reach nothing; whether a run sleeps depends "
	  "on timing (nginx's master sleeps between signals during a reload "
	  "it never made while learning); glibc's sleep/usleep/nanosleep all "
	  "become clock_nanosleep, older code calls nanosleep" },
	{ "file-sync", GEN_LEVEL_STANDARD, NULL,
	  "open(O_WRONLY,O_RDWR,O_CREAT) openat(O_WRONLY,O_RDWR,O_CREAT)",
	  "fsync fdatasync sync_file_range ftruncate fallocate",
	  "a unit that opens files for writing may flush and size the "
	  "descriptors it holds: the same write capability, asked for by "
	  "background work and input size (PostgreSQL: sync_file_range in "
	  "pg_flush_data; sqlite3: ftruncate in VACUUM; redis: fsync in "
	  "BGSAVE)" },
	{ "truncate-path", GEN_LEVEL_STANDARD, NULL,
	  "open(O_WRONLY,O_RDWR) openat(O_WRONLY,O_RDWR)",
	  "truncate",
	  "truncate(path) is open for writing + ftruncate, which the unit "
	  "already may do on any path it can name (PostgreSQL truncates a "
	  "dropped relation's files by name before unlinking them)" },
	{ "fd-flags", GEN_LEVEL_STANDARD, NULL,
	  "fcntl ioctl(FIONBIO,FIOCLEX,FIONCLEX)",
	  "fcntl(F_GETFD,F_SETFD,F_GETFL,F_SETFL) ioctl(FIONBIO,FIOCLEX,FIONCLEX)",
	  "the non-blocking and close-on-exec flags of descriptors the unit "
	  "holds, set with fcntl or with the equivalent ioctl (libuv in node "
	  "uses ioctl(FIONBIO) on pipes, fcntl on files); not F_SETOWN/F_SETSIG "
	  "(signals to other processes) nor locks" },
	{ "record-locks", GEN_LEVEL_STANDARD, NULL,
	  "fcntl(F_SETLK,F_SETLKW,F_OFD_SETLK,F_OFD_SETLKW)",
	  "fcntl(F_GETLK,F_OFD_GETLK)",
	  "a unit that takes POSIX record locks may test them: F_GETLK only "
	  "reads who holds a lock (sqlite3 in WAL mode tests its -shm locks). "
	  "Taking other locks (F_SETLKW, leases) stays as observed" },
	{ "file-map", GEN_LEVEL_STANDARD, NULL,
	  "open openat openat2 creat",
	  "mmap(PROT_READ|PROT_WRITE) munmap",
	  "a unit that opens files may map and unmap them (sqlite3 in WAL "
	  "mode maps its -shm file shared): a mapping reaches only what the "
	  "descriptor's open mode allows (the kernel refuses a writable "
	  "shared mapping of a read-only descriptor); never PROT_EXEC" },
	{ "locks", GEN_LEVEL_STANDARD, NULL,
	  "*",
	  "futex(FUTEX_WAIT)",
	  "any unit that takes a libc lock, semaphore or condition variable "
	  "calls futex only when it is contended: timing, not the program "
	  "(PostgreSQL's PGSemaphoreLock waited under a larger load).  The "
	  "priority-inheritance ops (their own CVE history) stay as observed" },
	{ "mkdir", GEN_LEVEL_STANDARD, NULL,
	  "open(O_CREAT) openat(O_CREAT) creat",
	  "mkdir mkdirat",
	  "a unit that creates files may create the directories to hold "
	  "them (PostgreSQL makes pgsql_tmp when a larger sort first spills); "
	  "a new empty directory replaces nothing.  Removing and renaming "
	  "stay as observed (broad).  Where: the path rules' directory rule "
	  "(docs/paths.md) grants make-dir beneath the directories it makes "
	  "files in" },
	{ "io-hints", GEN_LEVEL_STANDARD, NULL,
	  "read readv pread64 preadv preadv2",
	  "fadvise64 readahead",
	  "hints about how the unit will read descriptors it holds (prefetch, "
	  "sequential, drop from cache) change timing, not access "
	  "(PostgreSQL prefetches with posix_fadvise on larger scans)" },
	{ "random", GEN_LEVEL_STANDARD, NULL,
	  "getrandom",
	  "getrandom(GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE)",
	  "asking for random bytes without blocking, from the other pool or "
	  "insecurely changes nothing but latency (git asks with "
	  "GRND_NONBLOCK on larger inputs)" },
	{ "tempname", GEN_LEVEL_STANDARD, NULL,
	  "open(O_CREAT) openat(O_CREAT) creat mkdir mkdirat",
	  "getrandom(GRND_NONBLOCK)",
	  "glibc 2.36's temporary-name generator (mkstemp, mkdtemp, tmpfile, "
	  "tempnam; git's own temp files too) draws from getrandom without "
	  "blocking only when its rejection sampling needs a fresh draw, so "
	  "whether a unit that creates files asks depends on luck (git on "
	  "1,000 files was killed in some runs); random bytes reach nothing" },
	{ "timers", GEN_LEVEL_STANDARD, NULL,
	  "rt_sigaction",
	  "setitimer getitimer alarm timer_create timer_settime "
	  "timer_gettime timer_getoverrun timer_delete",
	  "a unit that handles signals may arm the timers that raise them: "
	  "a timer signals only its own process (git gc's progress timer)" },
	{ "dup", GEN_LEVEL_STANDARD, NULL,
	  FD_MAKERS " fcntl(F_DUPFD,F_DUPFD_CLOEXEC)",
	  "dup dup2 dup3 fcntl(F_DUPFD,F_DUPFD_CLOEXEC)",
	  "a unit that makes descriptors may duplicate the ones it holds: "
	  "a copy reaches only the object the original reaches (git gc "
	  "wires a pipe onto a child's stdin with dup2); dup2 and dup3 "
	  "close the target number first, as close() may.  dup3 accepts "
	  "only O_CLOEXEC, anything else fails" },
	{ "rmdir", GEN_LEVEL_STANDARD, NULL,
	  "unlink unlinkat",
	  "rmdir",
	  "a unit that removes files may remove the empty directories that "
	  "held them (git gc prunes emptied object directories): rmdir "
	  "removes only an empty directory, so no content is lost beyond "
	  "what unlink already may.  unlinkat is not inferred (its flags are "
	  "not checked: it would remove files too), nor rename (broad). "
	  "Where: the path rules' directory rule grants remove-dir where the "
	  "unit makes and removes files (docs/paths.md)" },
	{ "fd-limit", GEN_LEVEL_STANDARD, NULL,
	  FD_MAKERS " getrlimit prlimit64",
	  "prlimit64(RLIMIT_NOFILE) setrlimit(RLIMIT_NOFILE)",
	  "a unit that makes descriptors or reads its limits may read and "
	  "raise the limit on how many descriptors it holds (git gc asks "
	  "for RLIMIT_NOFILE: glibc 2.36 reads a limit with prlimit64 too, "
	  "with a NULL new limit). Only "
	  "RLIMIT_NOFILE: raising the soft limit up to the hard one needs "
	  "no privilege; raising the hard limit needs CAP_SYS_RESOURCE, "
	  "which the kernel checks. The new limit is behind a pointer and "
	  "prlimit64's pid is not checked: a process with that privilege, or "
	  "another process of the same user, may have its descriptor count "
	  "changed, which reaches no file, memory or code (the cost, "
	  "accepted)" },
	{ "threads", GEN_LEVEL_STANDARD, NULL,
	  "clone3 clone(CLONE_THREAD)",
	  "futex(FUTEX_WAIT) sched_yield munmap",
	  "a unit that starts threads synchronises with them, yields and "
	  "frees their stacks: which of these a run makes depends on timing "
	  "(a few percent of identical runs were killed)" },
	{ "children", GEN_LEVEL_STANDARD, NULL,
	  "clone fork vfork",
	  "wait4 waitid",
	  "a unit that creates processes reaps them; wait4/waitid only act "
	  "on the caller's own children (nginx reload: wait4 in the master). "
	  "clone3 is not a trigger: glibc starts threads with it" },
	/* runtime buckets: fixed baselines, whatever the sample saw */
	{ "libc-alloc", GEN_LEVEL_STANDARD, "[libc-alloc]",
	  "*",
	  MEM_RW " futex(FUTEX_WAIT) openat(O_RDONLY) read close",
	  "malloc's own work (arenas, trimming, large blocks) depends on "
	  "the input, not on the caller; no PROT_EXEC. A new arena counts "
	  "the CPUs: a read-only open of /sys/devices/system/cpu/online, "
	  "the one path the bucket needs (the path rules' baseline, "
	  "learner/objects.c; git gc's threads). Bucket rows also add "
	  "their bucket to a policy learned with runtime buckets that never "
	  "saw it" },
	{ "libc-stdio", GEN_LEVEL_STANDARD, "[libc-stdio]",
	  "*",
	  "fstat newfstatat statx ioctl(TCGETS) futex(FUTEX_WAIT)",
	  "stdio's buffer set-up depends on what the descriptor is "
	  "(terminal, pipe, file, /dev/null), not on the caller; its stream "
	  "locks wait on a futex when contended" },
	{ "libc-locale", GEN_LEVEL_STANDARD, "[libc-locale]",
	  "*",
	  "openat(O_RDONLY) fstat newfstatat mmap(PROT_READ) munmap close "
	  "read lseek futex(FUTEX_WAIT)",
	  "locale and time-zone loading depend on LANG/TZ: read-only opens, "
	  "read-only mappings; libc's locale lock waits on a futex when "
	  "contended (git under another LANG)" },
	{ "libc-runtime", GEN_LEVEL_STANDARD, "[libc-runtime]",
	  "*",
	  "futex(FUTEX_WAIT) munmap madvise(MADV_DONTNEED) exit "
	  "set_robust_list rseq rt_sigprocmask(SIG_SETMASK) sched_yield",
	  "thread start and exit inside libc: which calls a run makes "
	  "depends on timing" },

	{ "libc-thread", GEN_LEVEL_STANDARD, "[libc-thread]",
	  "*",
	  "clone3(" GLIBC_THREAD_FLAGS ") mmap(PROT_READ|PROT_WRITE) "
	  "mprotect(PROT_READ|PROT_WRITE) "
	  "munmap madvise(MADV_DONTNEED) rt_sigprocmask(SIG_BLOCK,SIG_SETMASK) "
	  "rt_sigaction(33) futex(FUTEX_WAIT)",
	  "pthread_create and pthread_join inside libc: the new stack (mapped "
	  "PROT_NONE, then PROT_READ|PROT_WRITE; never PROT_EXEC), every "
	  "signal blocked around clone3, clone3 with libc's fixed thread flags "
	  "(exactly that value: never a new process), the join's futex "
	  "wait, cached stacks freed; the first thread installs libc's own "
	  "handler for its set-id signal (SIGSETXID, 33) and unblocks it "
	  "(sort and git start threads on larger inputs only). Added to a "
	  "policy that never saw it only when the process imports "
	  "pthread_create. clone3's flags are in memory: BPF reads and judges "
	  "them, the seccomp floor cannot (it allows clone3 with any flags)",
	  false, "pthread_create" },

	{ "libc-sigreturn", GEN_LEVEL_STANDARD, "[libc-runtime]",
	  "rt_sigaction",
	  "rt_sigreturn",
	  "signal return runs in libc's restorer and is charged to "
	  "[libc-runtime]: when any unit of the policy installs a handler, "
	  "a signal it was not sent while learning returns there (SIGTERM "
	  "stop, SIGWINCH, SIGCHLD)", true },

	/* ---- broad: neighbouring capabilities on the same objects ---- */
	{ "self-info-all", GEN_LEVEL_BROAD, NULL,
	  "*",
	  SELF_INFO,
	  "broad: every unit may read the process's own identity, usage and "
	  "clocks, whether or not it was seen doing so" },
	{ "file-rename", GEN_LEVEL_BROAD, NULL,
	  "open(O_CREAT) openat(O_CREAT)",
	  "rename renameat renameat2 unlink unlinkat",
	  "broad: a unit that creates files may replace and remove them "
	  "(log rotation, atomic rewrites); opens any path it can name" },
	{ "file-lookup", GEN_LEVEL_BROAD, NULL,
	  "open openat openat2",
	  "lseek getdents64 readlink readlinkat access faccessat faccessat2 "
	  "statfs fstatfs fadvise64",
	  "broad: a unit that opens files may look them up, list "
	  "directories and position itself" },
	{ "socket-more", GEN_LEVEL_BROAD, NULL,
	  SOCKET_USE,
	  "shutdown getsockopt",
	  "broad: shutting down and reading options of sockets the unit "
	  "uses" },
	{ "terminal-modes", GEN_LEVEL_BROAD, NULL,
	  "ioctl(TCGETS)",
	  "ioctl(TCSETS,TCSETSW,TCSETSF)",
	  "broad: a unit that reads terminal attributes may set them on "
	  "the terminals it holds (node restores the tty mode at exit); "
	  "never TIOCSTI (input injection)" },
	{ "accept", GEN_LEVEL_BROAD, NULL,
	  "accept accept4",
	  "accept accept4",
	  "broad (opens a never-listed call): accept4 is accept with flags, "
	  "on the listening sockets the unit already has" },
};

/* The never-list: below opened_at these are never inferred. */
static const struct cap_never never[] = {
	{ "execve execveat", GEN_LEVEL_NEVER,
	  "runs a new program: the goal of most code-execution exploits" },
	{ "ptrace process_vm_readv process_vm_writev pidfd_getfd "
	  "process_madvise kcmp", GEN_LEVEL_NEVER,
	  "reads, writes or controls other processes" },
	{ "mmap(PROT_EXEC) mprotect(PROT_EXEC) pkey_mprotect memfd_create "
	  "remap_file_pages", GEN_LEVEL_NEVER,
	  "executable memory (W^X): shellcode, fileless code" },
	{ "socket socketpair connect bind listen", GEN_LEVEL_NEVER,
	  "new sockets, new peers, new services: network reach stays as "
	  "observed" },
	{ "accept accept4", GEN_LEVEL_BROAD,
	  "accepting peers stays as observed; broad lets accept and accept4 "
	  "stand for each other (row 'accept')" },
	{ "open(O_WRONLY,O_RDWR,O_CREAT,O_TRUNC,O_APPEND,O_TMPFILE) "
	  "openat(O_WRONLY,O_RDWR,O_CREAT,O_TRUNC,O_APPEND,O_TMPFILE) "
	  "openat2 creat", GEN_LEVEL_NEVER,
	  "opening for write or create where only reads were seen" },
	{ "kill tkill tgkill pidfd_send_signal rt_sigqueueinfo "
	  "rt_tgsigqueueinfo", GEN_LEVEL_NEVER,
	  "signals to other processes" },
	{ "setuid setgid setreuid setregid setresuid setresgid setfsuid "
	  "setfsgid setgroups capset", GEN_LEVEL_NEVER,
	  "credentials" },
	{ "init_module finit_module delete_module kexec_load "
	  "kexec_file_load reboot iopl ioperm", GEN_LEVEL_NEVER,
	  "kernel code and the machine" },
	{ "bpf perf_event_open userfaultfd io_uring_setup io_uring_enter "
	  "io_uring_register", GEN_LEVEL_NEVER,
	  "kernel attack surface with a local-root history" },
	{ "mount umount2 fsopen fsmount fsconfig fspick move_mount open_tree "
	  "mount_setattr pivot_root chroot unshare setns", GEN_LEVEL_NEVER,
	  "mounts and namespaces" },
	{ "keyctl add_key request_key", GEN_LEVEL_NEVER,
	  "kernel keyrings" },
	{ "prctl seccomp personality arch_prctl modify_ldt", GEN_LEVEL_NEVER,
	  "process security state (dumpable, no_new_privs, filters, "
	  "personality)" },
	{ "chmod fchmod fchmodat chown fchown lchown fchownat", GEN_LEVEL_NEVER,
	  "permissions and ownership (setuid bits)" },
	{ "ioctl(TIOCSTI,TIOCSCTTY)", GEN_LEVEL_NEVER,
	  "terminal input injection, taking a controlling terminal" },
};

/* The reach table: syscalls that glibc 2.36 (Debian 12's libc6) makes
 * only from these functions, so a process that imports none of them can
 * only make the call through syscall(2) or its own system-call
 * instruction (which is then its own, observed, call).  Decision: only
 * calls whose every issuer in glibc 2.36 is listed; calls that libc's
 * internals also make (readv: nscd's client; sendto: syslog and the
 * resolver; dup2/dup3: popen, posix_spawn, freopen; getsockname:
 * getaddrinfo; the poll family; sysinfo: qsort) are not in the table and
 * stay inferred.  Conservative on purpose: a missing issuer costs a false
 * kill, not an attack. */
#define RESOLVER "getaddrinfo getaddrinfo_a gethostbyname gethostbyname2 " \
		 "gethostbyname_r gethostbyname2_r gethostbyaddr " \
		 "gethostbyaddr_r getnameinfo getnetbyname getnetbyname_r " \
		 "getnetbyaddr getnetbyaddr_r rcmd rcmd_af rexec rexec_af " \
		 "ruserok ruserok_af iruserok iruserok_af res_query " \
		 "res_search res_querydomain res_send res_nquery res_nsearch " \
		 "res_nquerydomain res_nsend __res_query __res_search " \
		 "__res_querydomain __res_send __res_nquery __res_nsearch " \
		 "__res_nquerydomain __res_nsend"
static const struct cap_reach reach[] = {
	{ "writev", "writev backtrace_symbols_fd",
	  "also libc's fatal-error message (malloc's consistency checks, "
	  "_FORTIFY_SOURCE, stack protector) just before abort()" },
	{ "pwritev", "pwritev pwritev64", NULL },
	{ "pwritev2", "pwritev2 pwritev64v2", NULL },
	{ "preadv", "preadv preadv64", NULL },
	{ "preadv2", "preadv2 preadv64v2", NULL },
	{ "sendmmsg", "sendmmsg " RESOLVER,
	  "the DNS stub resolver sends the A and AAAA queries with one "
	  "sendmmsg (in libc since 2.34)" },
	{ "recvmmsg", "recvmmsg", NULL },
	{ "fsync", "fsync", NULL },
	{ "fdatasync", "fdatasync", NULL },
	{ "sync_file_range", "sync_file_range", NULL },
	{ "fallocate", "fallocate fallocate64 posix_fallocate posix_fallocate64",
	  NULL },
	{ "ftruncate", "ftruncate ftruncate64 posix_fallocate posix_fallocate64",
	  "posix_fallocate's emulation is listed though it writes zeroes "
	  "rather than truncating: when in doubt, an issuer" },
	{ "truncate", "truncate truncate64", NULL },
	{ "fadvise64", "posix_fadvise posix_fadvise64", NULL },
	{ "readahead", "readahead", NULL },
	{ "mkdir", "mkdir mkdtemp", "mkdtemp creates its directory with mkdir" },
	{ "mkdirat", "mkdirat", NULL },
	{ "setitimer", "setitimer alarm ualarm",
	  "alarm and ualarm are listed: either may be built on setitimer" },
	{ "getitimer", "getitimer", NULL },
	{ "alarm", "alarm", NULL },
	{ "timer_create", "timer_create", NULL },
	{ "timer_settime", "timer_settime", NULL },
	{ "timer_gettime", "timer_gettime", NULL },
	{ "timer_getoverrun", "timer_getoverrun", NULL },
	{ "timer_delete", "timer_delete", NULL },
	{ "epoll_pwait", "epoll_pwait", NULL },
	{ "epoll_pwait2", "epoll_pwait2", NULL },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))
#define NREACH (sizeof(reach) / sizeof(reach[0]))
#define NNEVER (sizeof(never) / sizeof(never[0]))

const struct cap_row *capability__rows(size_t *n)
{
	if (n)
		*n = NROWS;
	return rows;
}

const struct cap_reach *capability__reach(size_t *n)
{
	if (n)
		*n = NREACH;
	return reach;
}

static int cstr_cmp(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(char *const *)elem);
}

bool capability__imports_has(const struct cap_imports *imp, const char *name)
{
	return imp && imp->n && bsearch(name, imp->names, imp->n, sizeof(*imp->names), cstr_cmp);
}

/* Imports that call any function by name at run time: libffi's call
 * (ctypes, cffi, interpreters' FFIs).  A process that imports one can
 * reach every libc function whatever else it imports.  (dlsym alone does
 * not count: code that looks a libc wrapper up by name does so on the
 * paths its learning run took; syscall(2) neither: its numbers are the
 * unit's own, observed calls.) */
#define REACH_ANY "ffi_call"

/* Does the process import one of the space-separated names? */
static bool imports_any(const struct cap_imports *imp, const char *names)
{
	const char *s = names;

	if (capability__imports_has(imp, REACH_ANY))
		return true;

	while (imp && *s) {
		char name[64];
		size_t len = strcspn(s, " ");

		if (len && len < sizeof(name)) {
			memcpy(name, s, len);
			name[len] = '\0';
			if (capability__imports_has(imp, name))
				return true;
		}
		s += len;
		s += strspn(s, " ");
	}
	return false;
}

/* Can an inferred rule for nr be reached through the process's imports?
 * Unknown imports, and calls outside the reach table: yes. */
static bool reachable(const struct cap_imports *imp, int nr)
{
	if (!imp)
		return true;
	for (size_t i = 0; i < NREACH; i++)
		if (syscall__nr(reach[i].syscall) == nr)
			return imports_any(imp, reach[i].issuers);
	return true;
}

const struct cap_never *capability__never(size_t *n)
{
	if (n)
		*n = NNEVER;
	return never;
}

static const char *const level_names[] = {
	[GEN_LEVEL_DEFAULT] = "standard",
	[GEN_LEVEL_NONE] = "none",
	[GEN_LEVEL_STANDARD] = "standard",
	[GEN_LEVEL_BROAD] = "broad",
};

int capability__parse_level(const char *s, enum gen_level *out)
{
	for (int l = GEN_LEVEL_NONE; l <= GEN_LEVEL_BROAD; l++)
		if (s && !strcmp(s, level_names[l])) {
			*out = (enum gen_level)l;
			return 0;
		}
	return -EINVAL;
}

const char *capability__level_name(enum gen_level level)
{
	return (unsigned)level <= GEN_LEVEL_BROAD ? level_names[level] : "?";
}

/* ---- specs ------------------------------------------------------------- */

struct spec_item {
	int nr;             /* -1 = "*" */
	bool cond;          /* values given */
	uint64_t v[SF_RULE_MAX_VALUES]; /* enum values, or one flags value */
	unsigned nv;
};

#define SPEC_MAX 48

/* Parse "name name(V1,V2|V3) *" into items; -EINVAL with a message. */
static int parse_spec(const char *spec, struct spec_item *out, size_t cap,
		      size_t *n, char *err, size_t errlen)
{
	const char *s = spec;

	*n = 0;
	while (*s) {
		char name[64], vals[256] = "";
		size_t len = strcspn(s, " (");
		struct spec_item *it;

		if (!len) {
			s++;
			continue;
		}
		if (*n == cap || len >= sizeof(name)) {
			util__errf(err, errlen, "'%s': too long", spec);
			return -EINVAL;
		}
		memcpy(name, s, len);
		name[len] = '\0';
		s += len;
		if (*s == '(') {
			size_t vl = strcspn(s + 1, ")");

			if (s[1 + vl] != ')' || vl >= sizeof(vals)) {
				util__errf(err, errlen, "'%s': unclosed '('", spec);
				return -EINVAL;
			}
			memcpy(vals, s + 1, vl);
			vals[vl] = '\0';
			s += vl + 2;
		}
		it = &out[(*n)++];
		memset(it, 0, sizeof(*it));
		if (!strcmp(name, "*")) {
			it->nr = -1;
			continue;
		}
		it->nr = syscall__nr(name);
		if (it->nr < 0 || it->nr >= SYSCALL_NR_MAX) {
			util__errf(err, errlen, "unknown syscall name '%s' in '%s'",
				   name, spec);
			return -EINVAL;
		}
		if (!vals[0])
			continue;
		it->cond = true;
		if (gen__nslots((uint32_t)it->nr) != 1) {
			util__errf(err, errlen, "'%s': conditions need a syscall "
				   "with one recorded argument", name);
			return -EINVAL;
		}
		{
			const struct sf_argslot *sl = gen__slot((uint32_t)it->nr, 0);
			char *save = NULL, *tok;

			for (tok = strtok_r(vals, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				uint64_t v;

				if (it->nv == SF_RULE_MAX_VALUES ||
				    argname__parse(sl->sym, tok, &v)) {
					util__errf(err, errlen, "'%s': cannot read "
						   "value '%s'", name, tok);
					return -EINVAL;
				}
				it->v[it->nv++] = v & sl->mask;
			}
		}
	}
	return 0;
}

/* The rule an implied item stands for: unconditional, or the join of
 * one observation per listed value (enum values get their families;
 * flags values are the allowed bits). */
static void implied_rule(const struct spec_item *it, struct policy_syscall *out)
{
	memset(out, 0, sizeof(*out));
	out->nr = (uint32_t)it->nr;
	if (!it->cond)
		return;
	for (unsigned k = 0; k < it->nv; k++) {
		struct policy_syscall o = { .nr = out->nr };
		uint64_t a[SF_ARG_SLOTS] = { it->v[k], 0 };

		gen__observe(&o, out->nr, a);
		if (!k) {
			out->nargs = o.nargs;
			memcpy(out->arg, o.arg, sizeof(out->arg));
		} else {
			gen__join_args(out, &o, SF_RULE_MAX_VALUES);
		}
	}
}

/* Does rule r (one recorded slot) allow some value matching it's
 * condition: a flags value of it->v (all its bits) or one of its enum values?  Unconditional or
 * widened rules allow everything. */
static bool rule_allows_any_of(const struct policy_syscall *r,
			       const struct spec_item *it)
{
	const struct policy_argrule *a;

	if (!it->cond)
		return true;
	if (!r->nargs)
		return true;
	a = &r->arg[0];
	if (a->kind == SF_ARGK_NONE || a->any)
		return true;
	if (a->kind == SF_ARGK_FLAGS) {
		for (unsigned k = 0; k < it->nv; k++)
			if ((a->allowed & it->v[k]) == it->v[k])
				return true;
		return false;
	}
	for (unsigned k = 0; k < it->nv; k++)
		for (unsigned j = 0; j < a->nvalues; j++)
			if (a->values[j] == it->v[k])
				return true;
	return false;
}

/* ---- parts ------------------------------------------------------------- */

static void rule_copy(struct policy_syscall *out, uint32_t nr, uint32_t nargs,
		      const struct policy_argrule *arg)
{
	memset(out, 0, sizeof(*out));
	out->nr = nr;
	out->nargs = nargs;
	memcpy(out->arg, arg, sizeof(out->arg));
}

bool capability__observed_part(const struct policy_syscall *sc,
			       struct policy_syscall *out)
{
	if (!sc->inferred) {
		rule_copy(out, sc->nr, sc->nargs, sc->arg);
		return true;
	}
	if (!sc->observed)
		return false;
	rule_copy(out, sc->nr, sc->obs_nargs, sc->obs_arg);
	return true;
}

bool capability__inferred_part(const struct policy_syscall *sc,
			       struct policy_syscall *out)
{
	if (!sc->inferred)
		return false;
	rule_copy(out, sc->nr, sc->inf_nargs, sc->inf_arg);
	return true;
}

/* inf minus what obs allows, when that keeps join(obs, inf) the same;
 * returns false when obs covers inf entirely. */
static bool subtract(struct policy_syscall *inf, const struct policy_syscall *obs,
		     unsigned maxv)
{
	struct policy_syscall j = *inf, k;

	gen__join_args(&j, obs, maxv);
	if (gen__args_equal(&j, obs))
		return false; /* covered */
	if (inf->nargs != 1 || obs->nargs != 1)
		return true;
	k = *inf;
	{
		struct policy_argrule *i = &k.arg[0];
		const struct policy_argrule *o = &obs->arg[0];

		if (i->kind == SF_ARGK_NONE || i->any || o->kind == SF_ARGK_NONE ||
		    o->any)
			return true;
		if (i->kind == SF_ARGK_FLAGS) {
			i->allowed &= ~o->allowed;
		} else {
			uint8_t w = 0;

			for (uint8_t a = 0; a < i->nvalues; a++) {
				bool in_o = false;

				for (uint8_t b = 0; b < o->nvalues; b++)
					in_o |= o->values[b] == i->values[a];
				if (!in_o)
					i->values[w++] = i->values[a];
			}
			memset(&i->values[w], 0,
			       (SF_RULE_MAX_VALUES - w) * sizeof(i->values[0]));
			i->nvalues = w;
		}
		gen__canon_rule(i, gen__slot(k.nr, 0)->mask);
	}
	{
		struct policy_syscall j2 = k;

		gen__join_args(&j2, obs, maxv);
		if (gen__args_equal(&j2, &j))
			*inf = k;
	}
	return true;
}

static void clear_inferred(struct policy_syscall *sc)
{
	sc->inferred = sc->observed = sc->from_any = 0;
	sc->obs_nargs = sc->inf_nargs = 0;
	memset(sc->obs_arg, 0, sizeof(sc->obs_arg));
	memset(sc->inf_arg, 0, sizeof(sc->inf_arg));
	memset(sc->from, 0, sizeof(sc->from));
}

void capability__normalize(struct policy_syscall *sc, unsigned maxv)
{
	struct policy_syscall obs, inf;

	if (!sc->inferred)
		return;
	capability__inferred_part(sc, &inf);
	if (!sc->observed) {
		sc->nargs = inf.nargs;
		memcpy(sc->arg, inf.arg, sizeof(sc->arg));
		return;
	}
	capability__observed_part(sc, &obs);
	if (!subtract(&inf, &obs, maxv)) {
		clear_inferred(sc);
		sc->nargs = obs.nargs;
		memcpy(sc->arg, obs.arg, sizeof(sc->arg));
		return;
	}
	sc->inf_nargs = inf.nargs;
	memcpy(sc->inf_arg, inf.arg, sizeof(sc->inf_arg));
	sc->nargs = obs.nargs;
	memcpy(sc->arg, obs.arg, sizeof(sc->arg));
	gen__join_args(sc, &inf, maxv);
}

void capability__set_parts(struct policy_syscall *sc,
			   const struct policy_syscall *obs,
			   const struct policy_syscall *inf,
			   const uint64_t *from, bool from_any)
{
	clear_inferred(sc);
	if (!inf) {
		sc->nargs = obs ? obs->nargs : 0;
		memcpy(sc->arg, obs ? obs->arg : sc->arg, sizeof(sc->arg));
		return;
	}
	sc->inferred = 1;
	sc->inf_nargs = inf->nargs;
	memcpy(sc->inf_arg, inf->arg, sizeof(sc->inf_arg));
	if (obs) {
		sc->observed = 1;
		sc->obs_nargs = obs->nargs;
		memcpy(sc->obs_arg, obs->arg, sizeof(sc->obs_arg));
	}
	if (from)
		memcpy(sc->from, from, sizeof(sc->from));
	sc->from_any = from_any;
	capability__normalize(sc, GEN_MAX_VALUES_DEFAULT);
}

void capability__join(struct policy_syscall *dst,
		      const struct policy_syscall *src, unsigned maxv)
{
	struct policy_syscall od, os, id, is;
	bool hod, hos, hid, his;

	if (!dst->inferred && !src->inferred) {
		gen__join_args(dst, src, maxv);
		return;
	}
	hod = capability__observed_part(dst, &od);
	hos = capability__observed_part(src, &os);
	hid = capability__inferred_part(dst, &id);
	his = capability__inferred_part(src, &is);
	if (hod && hos)
		gen__join_args(&od, &os, maxv);
	else if (hos)
		od = os;
	if (hid && his)
		gen__join_args(&id, &is, maxv);
	else if (his)
		id = is;
	for (unsigned w = 0; w < POLICY_FROM_WORDS; w++)
		dst->from[w] |= src->from[w];
	dst->from_any |= src->from_any;
	dst->inferred = 1;
	dst->observed = hod || hos;
	dst->obs_nargs = dst->observed ? od.nargs : 0;
	memcpy(dst->obs_arg, od.arg, sizeof(dst->obs_arg));
	if (!dst->observed)
		memset(dst->obs_arg, 0, sizeof(dst->obs_arg));
	dst->inf_nargs = id.nargs;
	memcpy(dst->inf_arg, id.arg, sizeof(dst->inf_arg));
	capability__normalize(dst, maxv);
}

int capability__from_add(struct policy_syscall *sc, int nr)
{
	if (nr < 0) {
		sc->from_any = 1;
		return 0;
	}
	if (nr >= SYSCALL_NR_MAX)
		return -EINVAL;
	sc->from[nr / 64] |= 1ULL << (nr % 64);
	return 0;
}

static int cstr_qcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t capability__from_names(const struct policy_syscall *sc,
			      const char **out, size_t cap)
{
	size_t n = 0, first = 0;

	if (!sc->inferred)
		return 0;
	if (sc->from_any) {
		if (n < cap)
			out[n] = "*";
		n++;
		first = 1;
	}
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++) {
		const char *name;

		if (!(sc->from[nr / 64] & (1ULL << (nr % 64))))
			continue;
		name = syscall__name(nr);
		if (!name)
			continue;
		if (n < cap)
			out[n] = name;
		n++;
	}
	if ((n < cap ? n : cap) > first)
		qsort(out + first, (n < cap ? n : cap) - first, sizeof(*out),
		      cstr_qcmp);
	return n;
}

/* ---- the never-list ----------------------------------------------------- */

/* Would rule r (of syscall nr) allow something never-list entry it
 * forbids? */
static bool never_hit(const struct spec_item *nv, const struct policy_syscall *r)
{
	if (nv->nr != (int)r->nr)
		return false;
	return rule_allows_any_of(r, nv);
}

/* Is rule r forbidden at level by the never-list? */
static bool never_forbids(const struct policy_syscall *r, enum gen_level level,
			  char *why, size_t whylen)
{
	for (size_t i = 0; i < NNEVER; i++) {
		struct spec_item items[SPEC_MAX];
		size_t n;

		if ((int)level >= never[i].opened_at)
			continue;
		if (parse_spec(never[i].names, items, SPEC_MAX, &n, NULL, 0))
			return true; /* broken table: refuse (the unit test fails) */
		for (size_t k = 0; k < n; k++)
			if (never_hit(&items[k], r)) {
				util__errf(why, whylen, "%s", never[i].reason);
				return true;
			}
	}
	return false;
}

int capability__check_table(char *err, size_t errlen)
{
	struct spec_item items[SPEC_MAX];
	size_t n;

	for (size_t i = 0; i < NNEVER; i++)
		if (parse_spec(never[i].names, items, SPEC_MAX, &n, err, errlen))
			return -EINVAL;
	for (size_t i = 0; i < NROWS; i++) {
		const struct cap_row *r = &rows[i];
		char why[256];

		if (r->level != GEN_LEVEL_STANDARD && r->level != GEN_LEVEL_BROAD) {
			util__errf(err, errlen, "row '%s': level must be standard "
				   "or broad", r->name);
			return -EINVAL;
		}
		if (parse_spec(r->trigger, items, SPEC_MAX, &n, err, errlen))
			return -EINVAL;
		if (parse_spec(r->implies, items, SPEC_MAX, &n, err, errlen))
			return -EINVAL;
		for (size_t k = 0; k < n; k++) {
			struct policy_syscall rule;

			if (items[k].nr < 0) {
				util__errf(err, errlen, "row '%s': '*' is a trigger "
					   "only", r->name);
				return -EINVAL;
			}
			implied_rule(&items[k], &rule);
			if (never_forbids(&rule, r->level, why, sizeof(why))) {
				util__errf(err, errlen, "row '%s' (%s) implies %s, "
					   "which the never-list keeps as observed "
					   "(%s)", r->name,
					   capability__level_name(r->level),
					   syscall__name(rule.nr), why);
				return -EINVAL;
			}
		}
		if (r->imports && (!r->unit || strcmp(r->trigger, "*"))) {
			util__errf(err, errlen, "row '%s': an import condition is "
				   "for a bucket's baseline (unit, trigger '*')", r->name);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < NREACH; i++) {
		int nr = syscall__nr(reach[i].syscall);

		if (nr < 0 || !reach[i].issuers[0]) {
			util__errf(err, errlen, "reach row '%s': unknown syscall or "
				   "no issuer", reach[i].syscall);
			return -EINVAL;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(reach[j].syscall, reach[i].syscall)) {
				util__errf(err, errlen, "reach row '%s' twice",
					   reach[i].syscall);
				return -EINVAL;
			}
	}
	return 0;
}

/* ---- generalisation ------------------------------------------------------ */

static const struct policy_syscall *find_sc(const struct policy_lib *l,
					    uint32_t nr)
{
	for (size_t k = 0; k < l->nsyscalls; k++)
		if (l->syscalls[k].nr == nr)
			return &l->syscalls[k];
	return NULL;
}

/* Does row r fire for library l?  Sets the sources in src (a rule's
 * from/from_any). */
static int row_fires(const struct cap_row *r, const struct policy_lib *l,
		     bool runtime_buckets, const struct cap_imports *imp,
		     struct policy_syscall *src)
{
	struct spec_item items[SPEC_MAX];
	size_t n;
	bool fired = false;

	/* rows for every unit: executables and libraries; buckets get only
	 * the rows that name them (fixed baselines): [ld.so-startup] is a
	 * fixed path, [anon-exec] and [unwind-failed] must not grow */
	if (r->unit ? l->kind != LIB_KIND_BUCKET || strcmp(r->unit, l->path)
		    : l->kind == LIB_KIND_BUCKET)
		return 0;
	if (parse_spec(r->trigger, items, SPEC_MAX, &n, NULL, 0))
		return -EINVAL;
	/* a runtime bucket's baseline holds whatever the bucket was seen
	 * doing, even nothing in a policy learned with runtime buckets
	 * (capability__generalize adds the bucket) */
	if (r->unit && n == 1 && items[0].nr < 0 && runtime_buckets &&
	    (!r->imports || imports_any(imp, r->imports))) {
		src->from_any = 1;
		return 1;
	}
	for (size_t k = 0; k < n; k++) {
		if (items[k].nr < 0) {
			for (size_t j = 0; j < l->nsyscalls && !fired; j++) {
				struct policy_syscall o;

				if (capability__observed_part(&l->syscalls[j], &o)) {
					src->from_any = 1;
					fired = true;
				}
			}
			continue;
		}
		{
			const struct policy_syscall *sc = find_sc(l, (uint32_t)items[k].nr);
			struct policy_syscall o;

			if (!sc || !capability__observed_part(sc, &o) ||
			    !rule_allows_any_of(&o, &items[k]))
				continue;
			capability__from_add(src, items[k].nr);
			fired = true;
		}
	}
	return fired;
}

/* The inferred rule an implies item gives at level, its sources those of
 * src: false when the item names no syscall or the never-list forbids
 * the rule at this level (defence in depth: test_capability keeps the
 * table from ever reaching that). */
static bool inferred_of(const struct spec_item *it, enum gen_level level,
			const struct policy_syscall *src, struct policy_syscall *add)
{
	struct policy_syscall rule;

	if (it->nr < 0)
		return false;
	implied_rule(it, &rule);
	if (never_forbids(&rule, level, NULL, 0))
		return false;
	memset(add, 0, sizeof(*add));
	add->nr = rule.nr;
	add->inferred = 1;
	add->inf_nargs = add->nargs = rule.nargs;
	memcpy(add->inf_arg, rule.arg, sizeof(add->inf_arg));
	memcpy(add->arg, rule.arg, sizeof(add->arg));
	memcpy(add->from, src->from, sizeof(add->from));
	add->from_any = src->from_any;
	return true;
}

int capability__generalize(struct policy *p, enum gen_level level)
{
	return capability__generalize_with(p, level, NULL);
}

/* Units with the same build-id under different paths are one program
 * installed twice (git: /usr/bin/git and /usr/lib/git-core/git, two
 * identical files; `git gc` runs the second): what the code may do does
 * not depend on the name it was started by, so they share one rule set,
 * a compartment named "build-id-ID" (enforce joins a compartment's rules
 * and refuses a file whose build-id is not the policy's).  A path that is
 * already in another compartment keeps it: the group is left alone. */
static int share_build_ids(struct policy *p)
{
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];
		const char *paths[16];
		char name[80];
		size_t n = 0;
		bool other = false;
		int rc;

		if (l->kind == LIB_KIND_BUCKET || !l->build_id || !l->build_id[0])
			continue;
		if (snprintf(name, sizeof(name), "build-id-%s", l->build_id) >= 65)
			continue; /* not a compartment name (64 characters at most) */
		for (size_t j = 0; j < p->nlibs && n < sizeof(paths) / sizeof(paths[0]); j++) {
			const struct policy_lib *m = &p->libs[j];
			bool seen = false;
			int c;

			if (m->kind == LIB_KIND_BUCKET || !m->build_id ||
			    strcmp(m->build_id, l->build_id))
				continue;
			for (size_t k = 0; k < n; k++)
				seen |= !strcmp(paths[k], m->path);
			if (seen)
				continue;
			c = policy__compartment_of(p, m->path);
			if (c >= 0 && strcmp(p->compartments[c].name, name))
				other = true;
			paths[n++] = m->path;
		}
		if (n < 2 || other)
			continue;
		rc = policy__add_compartment(p, name, paths, n);
		if (rc && rc != -EINVAL && rc != -EEXIST)
			return rc;
	}
	return 0;
}

int capability__generalize_with(struct policy *p, enum gen_level level,
				 const struct cap_imports *imp)
{
	int shared;

	if (!p)
		return -EINVAL;
	if (level == GEN_LEVEL_DEFAULT)
		level = GEN_LEVEL_STANDARD;
	if (level == GEN_LEVEL_NONE)
		return 0;
	shared = share_build_ids(p);
	if (shared)
		return shared;
	/* Runtime buckets the sample never reached: a policy learned with
	 * libc's runtime buckets has them under enforcement as soon as libc
	 * does that work (another LANG loads locale files in [libc-locale]),
	 * so their fixed baselines are added, bucket included. */
	if (p->runtime_buckets)
		for (size_t i = 0; i < NROWS; i++) {
			int rc;

			if (!rows[i].unit || rows[i].level > level ||
			    strcmp(rows[i].trigger, "*") ||
			    (rows[i].imports && !imports_any(imp, rows[i].imports)))
				continue;
			rc = policy__add_lib(p, rows[i].unit, NULL, LIB_KIND_BUCKET);
			if (rc < 0)
				return rc;
		}
	for (size_t li = 0; li < p->nlibs; li++) {
		for (size_t i = 0; i < NROWS; i++) {
			struct policy_syscall src = { 0 };
			struct spec_item items[SPEC_MAX];
			size_t n;
			int rc;

			if (rows[i].level > level)
				continue;
			if (rows[i].policy_wide)
				continue; /* below */
			rc = row_fires(&rows[i], &p->libs[li], p->runtime_buckets, imp,
				       &src);
			if (rc < 0)
				return rc;
			if (!rc)
				continue;
			if (parse_spec(rows[i].implies, items, SPEC_MAX, &n, NULL, 0))
				return -EINVAL;
			for (size_t k = 0; k < n; k++) {
				struct policy_syscall add;

				/* a bucket's calls are libc's own work, not
				 * a wrapper the process imports */
				if (p->libs[li].kind != LIB_KIND_BUCKET &&
				    !reachable(imp, items[k].nr))
					continue;
				if (!inferred_of(&items[k], level, &src, &add))
					continue;
				rc = policy__add_rule(p, li, &add,
						      GEN_MAX_VALUES_DEFAULT);
				if (rc)
					return rc;
			}
		}
	}
	/* policy-wide rows: the trigger in any unit, the rules in the bucket */
	for (size_t i = 0; i < NROWS; i++) {
		struct policy_syscall src = { 0 };
		struct spec_item items[SPEC_MAX];
		size_t n;
		bool fired = false;
		int li;

		if (!rows[i].policy_wide || rows[i].level > level || !rows[i].unit)
			continue;
		if (parse_spec(rows[i].trigger, items, SPEC_MAX, &n, NULL, 0))
			return -EINVAL;
		for (size_t l = 0; l < p->nlibs; l++)
			for (size_t k = 0; k < n; k++) {
				const struct policy_syscall *sc;
				struct policy_syscall o;

				if (items[k].nr < 0)
					continue;
				sc = find_sc(&p->libs[l], (uint32_t)items[k].nr);
				if (!sc || !capability__observed_part(sc, &o) ||
				    !rule_allows_any_of(&o, &items[k]))
					continue;
				capability__from_add(&src, items[k].nr);
				fired = true;
			}
		if (!fired)
			continue;
		li = policy__add_lib(p, rows[i].unit, NULL, LIB_KIND_BUCKET);
		if (li < 0)
			return li;
		if (parse_spec(rows[i].implies, items, SPEC_MAX, &n, NULL, 0))
			return -EINVAL;
		for (size_t k = 0; k < n; k++) {
			struct policy_syscall add;
			int rc;

			if (!inferred_of(&items[k], level, &src, &add))
				continue;
			rc = policy__add_rule(p, (size_t)li, &add, GEN_MAX_VALUES_DEFAULT);
			if (rc)
				return rc;
		}
	}
	return policy__canonicalize(p); /* added buckets take their place */
}

/* ---- the docs table ------------------------------------------------------ */

struct mbuf {
	char *p;
	size_t len, cap;
	int err;
};

static void mb_puts(struct mbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->err)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->err = ENOMEM;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

/* s with '|' escaped (a Markdown table cell) */
static void mb_cell(struct mbuf *b, const char *s)
{
	char one[2] = { 0 };

	for (; *s; s++) {
		one[0] = *s;
		mb_puts(b, *s == '|' ? "\\|" : one);
	}
}

/* "`a`, `b(X)`" from a spec */
static void mb_spec(struct mbuf *b, const char *spec)
{
	const char *s = spec;
	bool first = true;

	while (*s) {
		size_t len;
		char tok[300];

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		len = strcspn(s, " (");
		if (s[len] == '(')
			len += strcspn(s + len, ")") + 1;
		if (len >= sizeof(tok))
			len = sizeof(tok) - 1;
		memcpy(tok, s, len);
		tok[len] = '\0';
		s += len;
		mb_puts(b, first ? "`" : ", `");
		mb_cell(b, strcmp(tok, "*") ? tok : "any call");
		mb_puts(b, "`");
		first = false;
	}
}

char *capability__doc_table(void)
{
	struct mbuf b = { 0 };

	mb_puts(&b, "| row | level | unit | when the unit was seen making | "
		"it may also make | why |\n|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < NROWS; i++) {
		const struct cap_row *r = &rows[i];

		mb_puts(&b, "| ");
		mb_puts(&b, r->name);
		mb_puts(&b, " | ");
		mb_puts(&b, capability__level_name(r->level));
		mb_puts(&b, " | ");
		mb_puts(&b, r->unit ? r->unit : "executables, libraries");
		if (r->policy_wide)
			mb_puts(&b, " (trigger: in any unit)");
		mb_puts(&b, " | ");
		mb_spec(&b, r->trigger);
		if (r->imports) {
			mb_puts(&b, " (added unseen when the process imports ");
			mb_spec(&b, r->imports);
			mb_puts(&b, ")");
		}
		mb_puts(&b, " | ");
		mb_spec(&b, r->implies);
		mb_puts(&b, " | ");
		mb_cell(&b, r->reason);
		mb_puts(&b, " |\n");
	}
	mb_puts(&b, "\nNever inferred (stay exactly as observed):\n\n"
		"| calls | below | why |\n|---|---|---|\n");
	for (size_t i = 0; i < NNEVER; i++) {
		mb_puts(&b, "| ");
		mb_spec(&b, never[i].names);
		mb_puts(&b, " | ");
		mb_puts(&b, never[i].opened_at == GEN_LEVEL_NEVER ? "every level"
								   : "broad");
		mb_puts(&b, " | ");
		mb_cell(&b, never[i].reason);
		mb_puts(&b, " |\n");
	}
	mb_puts(&b, "\nInferred for an executable or library only when the "
		"process imports a function that makes the call (glibc 2.36, "
		"Debian 12; with the imports unknown, or when the process "
		"imports `" REACH_ANY "`, always):\n\n"
		"| call | made by glibc only from | note |\n|---|---|---|\n");
	for (size_t i = 0; i < NREACH; i++) {
		mb_puts(&b, "| `");
		mb_puts(&b, reach[i].syscall);
		mb_puts(&b, "` | ");
		mb_spec(&b, reach[i].issuers);
		mb_puts(&b, " | ");
		mb_cell(&b, reach[i].note ? reach[i].note : "");
		mb_puts(&b, " |\n");
	}
	if (b.err) {
		free(b.p);
		errno = b.err;
		return NULL;
	}
	return b.p;
}
