/* argnames.c - symbolic names of argument values (see argnames.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <asm/prctl.h>
#include <linux/bpf.h>
#include <linux/futex.h>
#include <linux/keyctl.h>
#include <linux/membarrier.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>

#include "argnames.h"
#include "sf_args.h"

struct nv {
	uint64_t v;
	const char *n;
};

#define E(x) { (uint64_t)(x), #x }

/* Flag tables: entries with several bits (O_TMPFILE, O_SYNC) come before
 * their parts; a name is used when all its bits are set. */
static const struct nv open_flags[] = {
	E(O_TMPFILE), E(O_SYNC), E(O_CREAT), E(O_EXCL), E(O_NOCTTY), E(O_TRUNC),
	E(O_APPEND), E(O_NONBLOCK), E(O_DSYNC), E(O_ASYNC), E(O_DIRECT),
	E(O_LARGEFILE), E(O_DIRECTORY), E(O_NOFOLLOW), E(O_NOATIME),
	E(O_CLOEXEC), E(O_PATH),
};

static const struct nv prot_flags[] = {
	E(PROT_READ), E(PROT_WRITE), E(PROT_EXEC),
	E(PROT_GROWSDOWN), E(PROT_GROWSUP),
};

static const struct nv clone_flags[] = {
	E(CLONE_VM), E(CLONE_FS), E(CLONE_FILES), E(CLONE_SIGHAND),
	E(CLONE_PIDFD), E(CLONE_PTRACE), E(CLONE_VFORK), E(CLONE_PARENT),
	E(CLONE_THREAD), E(CLONE_NEWNS), E(CLONE_SYSVSEM), E(CLONE_SETTLS),
	E(CLONE_PARENT_SETTID), E(CLONE_CHILD_CLEARTID), E(CLONE_DETACHED),
	E(CLONE_UNTRACED), E(CLONE_CHILD_SETTID), E(CLONE_NEWCGROUP),
	E(CLONE_NEWUTS), E(CLONE_NEWIPC), E(CLONE_NEWUSER), E(CLONE_NEWPID),
	E(CLONE_NEWNET), E(CLONE_IO),
#ifdef CLONE_NEWTIME
	E(CLONE_NEWTIME),
#endif
};

static const struct nv ns_types[] = {
	E(CLONE_NEWNS), E(CLONE_NEWCGROUP), E(CLONE_NEWUTS), E(CLONE_NEWIPC),
	E(CLONE_NEWUSER), E(CLONE_NEWPID), E(CLONE_NEWNET),
#ifdef CLONE_NEWTIME
	E(CLONE_NEWTIME),
#endif
};

static const struct nv map_flags[] = {
	E(MAP_SHARED_VALIDATE), E(MAP_SHARED), E(MAP_PRIVATE), E(MAP_FIXED),
	E(MAP_ANONYMOUS), E(MAP_32BIT), E(MAP_GROWSDOWN), E(MAP_DENYWRITE),
	E(MAP_EXECUTABLE), E(MAP_LOCKED), E(MAP_NORESERVE), E(MAP_POPULATE),
	E(MAP_NONBLOCK), E(MAP_STACK), E(MAP_HUGETLB), E(MAP_SYNC),
	E(MAP_FIXED_NOREPLACE),
};

/* accept4, pipe2, dup3, eventfd2, epoll_create1, inotify_init1,
 * signalfd4, timerfd_create: all take O_NONBLOCK/O_CLOEXEC-valued flags */
static const struct nv fd_flags[] = {
	E(O_NONBLOCK), E(O_CLOEXEC), E(O_DIRECT),
};

static const struct nv ms_flags[] = {
	E(MS_RDONLY), E(MS_NOSUID), E(MS_NODEV), E(MS_NOEXEC), E(MS_SYNCHRONOUS),
	E(MS_REMOUNT), E(MS_MANDLOCK), E(MS_DIRSYNC), E(MS_NOSYMFOLLOW),
	E(MS_NOATIME), E(MS_NODIRATIME), E(MS_BIND), E(MS_MOVE), E(MS_REC),
	E(MS_SILENT), E(MS_POSIXACL), E(MS_UNBINDABLE), E(MS_PRIVATE),
	E(MS_SLAVE), E(MS_SHARED), E(MS_RELATIME), E(MS_KERNMOUNT),
	E(MS_I_VERSION), E(MS_STRICTATIME), E(MS_LAZYTIME), E(MS_ACTIVE),
	E(MS_NOUSER),
};

static const struct nv umount_flags[] = {
	E(MNT_FORCE), E(MNT_DETACH), E(MNT_EXPIRE), E(UMOUNT_NOFOLLOW),
};

static const struct nv grnd_flags[] = {
	E(GRND_NONBLOCK), E(GRND_RANDOM), E(GRND_INSECURE),
};

static const struct nv mfd_flags[] = {
	E(MFD_CLOEXEC), E(MFD_ALLOW_SEALING), E(MFD_HUGETLB),
#ifdef MFD_NOEXEC_SEAL
	E(MFD_NOEXEC_SEAL), E(MFD_EXEC),
#endif
};

static const struct nv mremap_flags[] = {
	E(MREMAP_MAYMOVE), E(MREMAP_FIXED), E(MREMAP_DONTUNMAP),
};

/* ---- value tables ------------------------------------------------------- */

static const struct nv af_values[] = {
	E(AF_UNSPEC), E(AF_UNIX), E(AF_INET), E(AF_AX25), E(AF_IPX),
	E(AF_APPLETALK), E(AF_NETROM), E(AF_BRIDGE), E(AF_ATMPVC), E(AF_X25),
	E(AF_INET6), E(AF_ROSE), E(AF_DECnet), E(AF_NETBEUI), E(AF_SECURITY),
	E(AF_KEY), E(AF_NETLINK), E(AF_PACKET), E(AF_ASH), E(AF_ECONET),
	E(AF_ATMSVC), E(AF_RDS), E(AF_SNA), E(AF_IRDA), E(AF_PPPOX),
	E(AF_WANPIPE), E(AF_LLC), E(AF_IB), E(AF_MPLS), E(AF_CAN), E(AF_TIPC),
	E(AF_BLUETOOTH), E(AF_IUCV), E(AF_RXRPC), E(AF_ISDN), E(AF_PHONET),
	E(AF_IEEE802154), E(AF_CAIF), E(AF_ALG), E(AF_NFC), E(AF_VSOCK),
	E(AF_KCM), E(AF_QIPCRTR), E(AF_SMC), E(AF_XDP),
#ifdef AF_MCTP
	E(AF_MCTP),
#endif
};

static const struct nv sock_types[] = {
	E(SOCK_STREAM), E(SOCK_DGRAM), E(SOCK_RAW), E(SOCK_RDM),
	E(SOCK_SEQPACKET), E(SOCK_DCCP), E(SOCK_PACKET),
};

static const struct nv sock_type_flags[] = {
	E(SOCK_NONBLOCK), E(SOCK_CLOEXEC),
};

static const struct nv ioctl_values[] = {
	E(TCGETS), E(TCSETS), E(TCSETSW), E(TCSETSF), E(TCGETA), E(TCSETA),
	E(TCSETAW), E(TCSETAF), E(TCSBRK), E(TCXONC), E(TCFLSH), E(TIOCEXCL),
	E(TIOCNXCL), E(TIOCSCTTY), E(TIOCGPGRP), E(TIOCSPGRP), E(TIOCOUTQ),
	E(TIOCSTI), E(TIOCGWINSZ), E(TIOCSWINSZ), E(TIOCMGET), E(TIOCMSET),
	E(FIONREAD), E(TIOCCONS), E(FIONBIO), E(TIOCNOTTY), E(TIOCGSID),
	E(TIOCGPTN), E(TIOCSPTLCK), E(TIOCGPTPEER), E(FIONCLEX), E(FIOCLEX),
	E(FIOASYNC), E(TIOCGDEV), E(TIOCSIG),
	E(TIOCVHANGUP), E(TIOCGPKT), E(TIOCGPTLCK), E(TIOCGEXCL), E(FIOQSIZE),
	E(SIOCGIFNAME), E(SIOCGIFCONF), E(SIOCGIFFLAGS), E(SIOCSIFFLAGS),
	E(SIOCGIFADDR), E(SIOCGIFNETMASK), E(SIOCGIFMTU), E(SIOCGIFHWADDR),
	E(SIOCGIFINDEX), E(SIOCGSTAMP_OLD), E(SIOCOUTQ), E(SIOCINQ),
	E(SIOCATMARK), E(SIOCGIFBRDADDR), E(SIOCGIFMETRIC), E(SIOCGIFTXQLEN),
	E(SIOCETHTOOL), E(SIOCGIFCOUNT),
};

static const struct nv fcntl_values[] = {
	E(F_DUPFD), E(F_GETFD), E(F_SETFD), E(F_GETFL), E(F_SETFL), E(F_GETLK),
	E(F_SETLK), E(F_SETLKW), E(F_SETOWN), E(F_GETOWN), E(F_SETSIG),
	E(F_GETSIG), E(F_SETOWN_EX), E(F_GETOWN_EX), E(F_OFD_GETLK),
	E(F_OFD_SETLK), E(F_OFD_SETLKW), E(F_SETLEASE), E(F_GETLEASE),
	E(F_NOTIFY), E(F_DUPFD_CLOEXEC), E(F_SETPIPE_SZ), E(F_GETPIPE_SZ),
	E(F_ADD_SEALS), E(F_GET_SEALS), E(F_GET_RW_HINT), E(F_SET_RW_HINT),
	E(F_GET_FILE_RW_HINT), E(F_SET_FILE_RW_HINT),
};

static const struct nv prctl_values[] = {
	E(PR_SET_PDEATHSIG), E(PR_GET_PDEATHSIG), E(PR_GET_DUMPABLE),
	E(PR_SET_DUMPABLE), E(PR_GET_UNALIGN), E(PR_SET_UNALIGN),
	E(PR_GET_KEEPCAPS), E(PR_SET_KEEPCAPS), E(PR_GET_FPEMU), E(PR_SET_FPEMU),
	E(PR_GET_FPEXC), E(PR_SET_FPEXC), E(PR_GET_TIMING), E(PR_SET_TIMING),
	E(PR_SET_NAME), E(PR_GET_NAME), E(PR_GET_ENDIAN), E(PR_SET_ENDIAN),
	E(PR_GET_SECCOMP), E(PR_SET_SECCOMP), E(PR_CAPBSET_READ),
	E(PR_CAPBSET_DROP), E(PR_GET_TSC), E(PR_SET_TSC), E(PR_GET_SECUREBITS),
	E(PR_SET_SECUREBITS), E(PR_SET_TIMERSLACK), E(PR_GET_TIMERSLACK),
	E(PR_TASK_PERF_EVENTS_DISABLE), E(PR_TASK_PERF_EVENTS_ENABLE),
	E(PR_MCE_KILL), E(PR_MCE_KILL_GET), E(PR_SET_MM), E(PR_SET_PTRACER),
	E(PR_SET_CHILD_SUBREAPER), E(PR_GET_CHILD_SUBREAPER),
	E(PR_SET_NO_NEW_PRIVS), E(PR_GET_NO_NEW_PRIVS), E(PR_GET_TID_ADDRESS),
	E(PR_SET_THP_DISABLE), E(PR_GET_THP_DISABLE), E(PR_SET_FP_MODE),
	E(PR_GET_FP_MODE), E(PR_CAP_AMBIENT), E(PR_GET_SPECULATION_CTRL),
	E(PR_SET_SPECULATION_CTRL), E(PR_SET_TAGGED_ADDR_CTRL),
	E(PR_GET_TAGGED_ADDR_CTRL), E(PR_SET_IO_FLUSHER), E(PR_GET_IO_FLUSHER),
	E(PR_SET_SYSCALL_USER_DISPATCH), E(PR_SCHED_CORE),
#ifdef PR_SET_VMA
	E(PR_SET_VMA),
#endif
};

/* Levels are named as programs write them (IPPROTO_TCP, not SOL_TCP);
 * the SOL_ spellings of the same numbers are read back too (a name later
 * in a table is parsed, never printed). */
static const struct nv sol_values[] = {
	E(IPPROTO_IP), E(SOL_SOCKET), E(IPPROTO_TCP), E(IPPROTO_UDP),
	E(IPPROTO_IPV6), E(IPPROTO_ICMPV6), E(IPPROTO_SCTP), E(IPPROTO_UDPLITE),
	E(IPPROTO_MPTCP),
	{ IPPROTO_IP, "SOL_IP" }, { IPPROTO_TCP, "SOL_TCP" },
	{ IPPROTO_UDP, "SOL_UDP" }, { IPPROTO_IPV6, "SOL_IPV6" },
	{ IPPROTO_ICMPV6, "SOL_ICMPV6" }, { IPPROTO_SCTP, "SOL_SCTP" },
	{ IPPROTO_UDPLITE, "SOL_UDPLITE" }, { IPPROTO_MPTCP, "SOL_MPTCP" },
	E(SOL_RAW), E(SOL_DECNET), E(SOL_X25), E(SOL_PACKET), E(SOL_ATM),
	E(SOL_AAL), E(SOL_IRDA), E(SOL_NETBEUI), E(SOL_LLC), E(SOL_DCCP),
	E(SOL_NETLINK), E(SOL_TIPC), E(SOL_RXRPC), E(SOL_PPPOL2TP),
	E(SOL_BLUETOOTH), E(SOL_PNPIPE), E(SOL_RDS), E(SOL_IUCV), E(SOL_CAIF),
	E(SOL_ALG), E(SOL_NFC), E(SOL_KCM), E(SOL_TLS), E(SOL_XDP),
};

static const struct nv so_values[] = {
	E(SO_DEBUG), E(SO_REUSEADDR), E(SO_TYPE), E(SO_ERROR), E(SO_DONTROUTE),
	E(SO_BROADCAST), E(SO_SNDBUF), E(SO_RCVBUF), E(SO_SNDBUFFORCE),
	E(SO_RCVBUFFORCE), E(SO_KEEPALIVE), E(SO_OOBINLINE), E(SO_NO_CHECK),
	E(SO_PRIORITY), E(SO_LINGER), E(SO_BSDCOMPAT), E(SO_REUSEPORT),
	E(SO_PASSCRED), E(SO_PEERCRED), E(SO_RCVLOWAT), E(SO_SNDLOWAT),
	E(SO_RCVTIMEO), E(SO_SNDTIMEO), E(SO_BINDTODEVICE), E(SO_ATTACH_FILTER),
	E(SO_DETACH_FILTER), E(SO_PEERNAME), E(SO_TIMESTAMP), E(SO_ACCEPTCONN),
	E(SO_PEERSEC), E(SO_PASSSEC), E(SO_MARK), E(SO_PROTOCOL), E(SO_DOMAIN),
	E(SO_RXQ_OVFL), E(SO_ATTACH_BPF), E(SO_INCOMING_CPU), E(SO_ZEROCOPY),
	E(SO_PEERGROUPS), E(SO_BUSY_POLL), E(SO_COOKIE), E(SO_TIMESTAMPNS),
	E(SO_BINDTOIFINDEX),
};

static const struct nv tcp_values[] = {
	E(TCP_NODELAY), E(TCP_MAXSEG), E(TCP_CORK), E(TCP_KEEPIDLE),
	E(TCP_KEEPINTVL), E(TCP_KEEPCNT), E(TCP_SYNCNT), E(TCP_LINGER2),
	E(TCP_DEFER_ACCEPT), E(TCP_WINDOW_CLAMP), E(TCP_INFO), E(TCP_QUICKACK),
	E(TCP_CONGESTION), E(TCP_MD5SIG), E(TCP_USER_TIMEOUT), E(TCP_FASTOPEN),
	E(TCP_NOTSENT_LOWAT), E(TCP_FASTOPEN_CONNECT), E(TCP_ULP),
	E(TCP_ZEROCOPY_RECEIVE), E(TCP_INQ), E(TCP_TX_DELAY),
};

static const struct nv ip_values[] = {
	E(IP_TOS), E(IP_TTL), E(IP_HDRINCL), E(IP_OPTIONS), E(IP_RECVOPTS),
	E(IP_PKTINFO), E(IP_RECVERR), E(IP_RECVTTL), E(IP_RECVTOS),
	E(IP_MTU_DISCOVER), E(IP_MTU), E(IP_FREEBIND), E(IP_TRANSPARENT),
	E(IP_MULTICAST_IF), E(IP_MULTICAST_TTL), E(IP_MULTICAST_LOOP),
	E(IP_ADD_MEMBERSHIP), E(IP_DROP_MEMBERSHIP), E(IP_BIND_ADDRESS_NO_PORT),
	E(IP_RECVORIGDSTADDR),
};

static const struct nv ipv6_values[] = {
	E(IPV6_V6ONLY), E(IPV6_UNICAST_HOPS), E(IPV6_MULTICAST_IF),
	E(IPV6_MULTICAST_HOPS), E(IPV6_MULTICAST_LOOP), E(IPV6_JOIN_GROUP),
	E(IPV6_LEAVE_GROUP), E(IPV6_RECVPKTINFO), E(IPV6_PKTINFO),
	E(IPV6_RECVERR), E(IPV6_MTU_DISCOVER), E(IPV6_MTU), E(IPV6_TCLASS),
	E(IPV6_RECVTCLASS), E(IPV6_FREEBIND), E(IPV6_TRANSPARENT),
};

static const struct nv signal_values[] = {
	E(SIGHUP), E(SIGINT), E(SIGQUIT), E(SIGILL), E(SIGTRAP), E(SIGABRT),
	E(SIGBUS), E(SIGFPE), E(SIGKILL), E(SIGUSR1), E(SIGSEGV), E(SIGUSR2),
	E(SIGPIPE), E(SIGALRM), E(SIGTERM), E(SIGSTKFLT), E(SIGCHLD),
	E(SIGCONT), E(SIGSTOP), E(SIGTSTP), E(SIGTTIN), E(SIGTTOU), E(SIGURG),
	E(SIGXCPU), E(SIGXFSZ), E(SIGVTALRM), E(SIGPROF), E(SIGWINCH),
	E(SIGIO), E(SIGPWR), E(SIGSYS), { 0, "0 (check only)" },
};

static const struct nv persona_values[] = {
	E(PER_LINUX), E(PER_LINUX_32BIT), E(PER_LINUX_FDPIC), E(PER_SVR4),
	E(PER_SVR3), E(PER_SCOSVR3), E(PER_OSR5), E(PER_WYSEV386), E(PER_ISCR4),
	E(PER_BSD), E(PER_SUNOS), E(PER_XENIX), E(PER_LINUX32),
	E(PER_LINUX32_3GB), E(PER_IRIX32), E(PER_IRIXN32), E(PER_IRIX64),
	E(PER_RISCOS), E(PER_SOLARIS), E(PER_UW7), E(PER_OSF4), E(PER_HPUX),
	{ 0xffffffffu, "0xffffffff (query)" },
	{ PER_LINUX | ADDR_NO_RANDOMIZE, "PER_LINUX|ADDR_NO_RANDOMIZE" },
	{ PER_LINUX | READ_IMPLIES_EXEC, "PER_LINUX|READ_IMPLIES_EXEC" },
};

static const struct nv madv_values[] = {
	E(MADV_NORMAL), E(MADV_RANDOM), E(MADV_SEQUENTIAL), E(MADV_WILLNEED),
	E(MADV_DONTNEED), E(MADV_FREE), E(MADV_REMOVE), E(MADV_DONTFORK),
	E(MADV_DOFORK), E(MADV_MERGEABLE), E(MADV_UNMERGEABLE),
	E(MADV_HUGEPAGE), E(MADV_NOHUGEPAGE), E(MADV_DONTDUMP), E(MADV_DODUMP),
	E(MADV_WIPEONFORK), E(MADV_KEEPONFORK), E(MADV_COLD), E(MADV_PAGEOUT),
	E(MADV_POPULATE_READ), E(MADV_POPULATE_WRITE), E(MADV_HWPOISON),
#ifdef MADV_DONTNEED_LOCKED
	E(MADV_DONTNEED_LOCKED),
#endif
#ifdef MADV_COLLAPSE
	E(MADV_COLLAPSE),
#endif
};

static const struct nv futex_values[] = {
	E(FUTEX_WAIT), E(FUTEX_WAKE), E(FUTEX_FD), E(FUTEX_REQUEUE),
	E(FUTEX_CMP_REQUEUE), E(FUTEX_WAKE_OP), E(FUTEX_LOCK_PI),
	E(FUTEX_UNLOCK_PI), E(FUTEX_TRYLOCK_PI), E(FUTEX_WAIT_BITSET),
	E(FUTEX_WAKE_BITSET), E(FUTEX_WAIT_REQUEUE_PI), E(FUTEX_CMP_REQUEUE_PI),
	E(FUTEX_LOCK_PI2),
};

static const struct nv futex_flags[] = {
	E(FUTEX_PRIVATE_FLAG), E(FUTEX_CLOCK_REALTIME),
};

static const struct nv bpf_values[] = {
	E(BPF_MAP_CREATE), E(BPF_MAP_LOOKUP_ELEM), E(BPF_MAP_UPDATE_ELEM),
	E(BPF_MAP_DELETE_ELEM), E(BPF_MAP_GET_NEXT_KEY), E(BPF_PROG_LOAD),
	E(BPF_OBJ_PIN), E(BPF_OBJ_GET), E(BPF_PROG_ATTACH), E(BPF_PROG_DETACH),
	E(BPF_PROG_TEST_RUN), E(BPF_PROG_GET_NEXT_ID), E(BPF_MAP_GET_NEXT_ID),
	E(BPF_PROG_GET_FD_BY_ID), E(BPF_MAP_GET_FD_BY_ID),
	E(BPF_OBJ_GET_INFO_BY_FD), E(BPF_PROG_QUERY), E(BPF_RAW_TRACEPOINT_OPEN),
	E(BPF_BTF_LOAD), E(BPF_BTF_GET_FD_BY_ID), E(BPF_TASK_FD_QUERY),
	E(BPF_MAP_LOOKUP_AND_DELETE_ELEM), E(BPF_MAP_FREEZE),
	E(BPF_BTF_GET_NEXT_ID), E(BPF_MAP_LOOKUP_BATCH),
	E(BPF_MAP_LOOKUP_AND_DELETE_BATCH), E(BPF_MAP_UPDATE_BATCH),
	E(BPF_MAP_DELETE_BATCH), E(BPF_LINK_CREATE), E(BPF_LINK_UPDATE),
	E(BPF_LINK_GET_FD_BY_ID), E(BPF_LINK_GET_NEXT_ID), E(BPF_ENABLE_STATS),
	E(BPF_ITER_CREATE), E(BPF_LINK_DETACH), E(BPF_PROG_BIND_MAP),
};

static const struct nv ptrace_values[] = {
	E(PTRACE_TRACEME), E(PTRACE_PEEKTEXT), E(PTRACE_PEEKDATA),
	E(PTRACE_PEEKUSER), E(PTRACE_POKETEXT), E(PTRACE_POKEDATA),
	E(PTRACE_POKEUSER), E(PTRACE_CONT), E(PTRACE_KILL), E(PTRACE_SINGLESTEP),
	E(PTRACE_GETREGS), E(PTRACE_SETREGS), E(PTRACE_GETFPREGS),
	E(PTRACE_SETFPREGS), E(PTRACE_ATTACH), E(PTRACE_DETACH),
	E(PTRACE_GETFPXREGS), E(PTRACE_SETFPXREGS), E(PTRACE_SYSCALL),
	E(PTRACE_SETOPTIONS), E(PTRACE_GETEVENTMSG), E(PTRACE_GETSIGINFO),
	E(PTRACE_SETSIGINFO), E(PTRACE_GETREGSET), E(PTRACE_SETREGSET),
	E(PTRACE_SEIZE), E(PTRACE_INTERRUPT), E(PTRACE_LISTEN),
	E(PTRACE_PEEKSIGINFO), E(PTRACE_GETSIGMASK), E(PTRACE_SETSIGMASK),
	E(PTRACE_SECCOMP_GET_FILTER), E(PTRACE_SECCOMP_GET_METADATA),
	E(PTRACE_GET_SYSCALL_INFO), E(PTRACE_ARCH_PRCTL),
	E(PTRACE_SYSEMU), E(PTRACE_SYSEMU_SINGLESTEP), E(PTRACE_SINGLEBLOCK),
};

static const struct nv keyctl_values[] = {
	E(KEYCTL_GET_KEYRING_ID), E(KEYCTL_JOIN_SESSION_KEYRING),
	E(KEYCTL_UPDATE), E(KEYCTL_REVOKE), E(KEYCTL_CHOWN), E(KEYCTL_SETPERM),
	E(KEYCTL_DESCRIBE), E(KEYCTL_CLEAR), E(KEYCTL_LINK), E(KEYCTL_UNLINK),
	E(KEYCTL_SEARCH), E(KEYCTL_READ), E(KEYCTL_INSTANTIATE),
	E(KEYCTL_NEGATE), E(KEYCTL_SET_REQKEY_KEYRING), E(KEYCTL_SET_TIMEOUT),
	E(KEYCTL_ASSUME_AUTHORITY), E(KEYCTL_GET_SECURITY),
	E(KEYCTL_SESSION_TO_PARENT), E(KEYCTL_REJECT), E(KEYCTL_INSTANTIATE_IOV),
	E(KEYCTL_INVALIDATE), E(KEYCTL_GET_PERSISTENT), E(KEYCTL_DH_COMPUTE),
	E(KEYCTL_PKEY_QUERY), E(KEYCTL_PKEY_ENCRYPT), E(KEYCTL_PKEY_DECRYPT),
	E(KEYCTL_PKEY_SIGN), E(KEYCTL_PKEY_VERIFY), E(KEYCTL_RESTRICT_KEYRING),
	E(KEYCTL_MOVE), E(KEYCTL_CAPABILITIES), E(KEYCTL_WATCH_KEY),
};

static const struct nv rlimit_values[] = {
	E(RLIMIT_CPU), E(RLIMIT_FSIZE), E(RLIMIT_DATA), E(RLIMIT_STACK),
	E(RLIMIT_CORE), E(RLIMIT_RSS), E(RLIMIT_NPROC), E(RLIMIT_NOFILE),
	E(RLIMIT_MEMLOCK), E(RLIMIT_AS), E(RLIMIT_LOCKS), E(RLIMIT_SIGPENDING),
	E(RLIMIT_MSGQUEUE), E(RLIMIT_NICE), E(RLIMIT_RTPRIO), E(RLIMIT_RTTIME),
};

static const struct nv membarrier_values[] = {
	E(MEMBARRIER_CMD_QUERY), E(MEMBARRIER_CMD_GLOBAL),
	E(MEMBARRIER_CMD_GLOBAL_EXPEDITED),
	E(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED),
	E(MEMBARRIER_CMD_PRIVATE_EXPEDITED),
	E(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED),
	E(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE),
	E(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE),
	E(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ),
	E(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ),
};

static const struct nv clock_values[] = {
	E(CLOCK_REALTIME), E(CLOCK_MONOTONIC), E(CLOCK_PROCESS_CPUTIME_ID),
	E(CLOCK_THREAD_CPUTIME_ID), E(CLOCK_MONOTONIC_RAW),
	E(CLOCK_REALTIME_COARSE), E(CLOCK_MONOTONIC_COARSE), E(CLOCK_BOOTTIME),
	E(CLOCK_REALTIME_ALARM), E(CLOCK_BOOTTIME_ALARM), E(CLOCK_TAI),
};

static const struct nv arch_prctl_values[] = {
	E(ARCH_SET_GS), E(ARCH_SET_FS), E(ARCH_GET_FS), E(ARCH_GET_GS),
	E(ARCH_GET_CPUID), E(ARCH_SET_CPUID), E(ARCH_GET_XCOMP_SUPP),
	E(ARCH_GET_XCOMP_PERM), E(ARCH_REQ_XCOMP_PERM),
	E(ARCH_GET_XCOMP_GUEST_PERM), E(ARCH_REQ_XCOMP_GUEST_PERM),
	E(ARCH_MAP_VDSO_X32), E(ARCH_MAP_VDSO_32), E(ARCH_MAP_VDSO_64),
#ifdef ARCH_SHSTK_ENABLE
	E(ARCH_SHSTK_ENABLE), E(ARCH_SHSTK_DISABLE), E(ARCH_SHSTK_LOCK),
#endif
};

static const struct nv sighow_values[] = {
	E(SIG_BLOCK), E(SIG_UNBLOCK), E(SIG_SETMASK),
};

static const struct nv seccomp_values[] = {
	E(SECCOMP_SET_MODE_STRICT), E(SECCOMP_SET_MODE_FILTER),
	E(SECCOMP_GET_ACTION_AVAIL), E(SECCOMP_GET_NOTIF_SIZES),
};

/* ---- classes -------------------------------------------------------------- */

enum style {
	STYLE_VALUE,  /* one name from the table */
	STYLE_FLAGS,  /* bits joined with '|' */
	STYLE_OPEN,   /* access mode value + flag bits */
	STYLE_SOCK,   /* type value + SOCK_NONBLOCK|SOCK_CLOEXEC bits */
	STYLE_FUTEX,  /* op value + FUTEX_PRIVATE_FLAG|FUTEX_CLOCK_REALTIME */
};

struct symclass {
	const char *name;
	enum style style;
	const struct nv *t;
	size_t n;
	const char *zero;  /* flags: the text for 0 */
	bool hex;          /* unknown values in hex */
};

#define T(x) x, sizeof(x) / sizeof(x[0])

static const struct symclass classes[SF_SYM__COUNT] = {
	[SF_SYM_NONE] = { "number", STYLE_VALUE, NULL, 0, NULL, false },
	[SF_SYM_OPEN_FLAGS] = { "open-flags", STYLE_OPEN, T(open_flags), NULL, true },
	[SF_SYM_AF] = { "address-family", STYLE_VALUE, T(af_values), NULL, false },
	[SF_SYM_SOCK_TYPE] = { "socket-type", STYLE_SOCK, T(sock_types), NULL, false },
	[SF_SYM_PROT] = { "prot", STYLE_FLAGS, T(prot_flags), "PROT_NONE", true },
	[SF_SYM_CLONE_FLAGS] = { "clone-flags", STYLE_FLAGS, T(clone_flags), "0", true },
	[SF_SYM_NS_TYPE] = { "namespace-type", STYLE_FLAGS, T(ns_types), "0 (any)", true },
	[SF_SYM_IOCTL] = { "ioctl-request", STYLE_VALUE, T(ioctl_values), NULL, true },
	[SF_SYM_FCNTL] = { "fcntl-command", STYLE_VALUE, T(fcntl_values), NULL, false },
	[SF_SYM_PRCTL] = { "prctl-option", STYLE_VALUE, T(prctl_values), NULL, false },
	[SF_SYM_SOL] = { "socket-level", STYLE_VALUE, T(sol_values), NULL, false },
	[SF_SYM_SOCKOPT] = { "socket-option", STYLE_VALUE, T(so_values), NULL, false },
	[SF_SYM_SIGNAL] = { "signal", STYLE_VALUE, T(signal_values), NULL, false },
	[SF_SYM_PERSONA] = { "personality", STYLE_VALUE, T(persona_values), NULL, true },
	[SF_SYM_MADV] = { "madvise-advice", STYLE_VALUE, T(madv_values), NULL, false },
	[SF_SYM_FUTEX] = { "futex-op", STYLE_FUTEX, T(futex_values), NULL, false },
	[SF_SYM_BPF_CMD] = { "bpf-command", STYLE_VALUE, T(bpf_values), NULL, false },
	[SF_SYM_PTRACE] = { "ptrace-request", STYLE_VALUE, T(ptrace_values), NULL, true },
	[SF_SYM_KEYCTL] = { "keyctl-operation", STYLE_VALUE, T(keyctl_values), NULL, false },
	[SF_SYM_FD_FLAGS] = { "fd-flags", STYLE_FLAGS, T(fd_flags), "0", true },
	[SF_SYM_MS_FLAGS] = { "mount-flags", STYLE_FLAGS, T(ms_flags), "0", true },
	[SF_SYM_RLIMIT] = { "resource", STYLE_VALUE, T(rlimit_values), NULL, false },
	[SF_SYM_MEMBARRIER] = { "membarrier-command", STYLE_VALUE, T(membarrier_values), NULL, false },
	[SF_SYM_CLOCK] = { "clock", STYLE_VALUE, T(clock_values), NULL, false },
	[SF_SYM_MAP_FLAGS] = { "mmap-flags", STYLE_FLAGS, T(map_flags), "0", true },
	[SF_SYM_ARCH_PRCTL] = { "arch-prctl-code", STYLE_VALUE, T(arch_prctl_values), NULL, true },
	[SF_SYM_SIGHOW] = { "sigprocmask-how", STYLE_VALUE, T(sighow_values), NULL, false },
	[SF_SYM_SECCOMP_OP] = { "seccomp-operation", STYLE_VALUE, T(seccomp_values), NULL, false },
	[SF_SYM_GRND] = { "getrandom-flags", STYLE_FLAGS, T(grnd_flags), "0", true },
	[SF_SYM_MFD] = { "memfd-flags", STYLE_FLAGS, T(mfd_flags), "0", true },
	[SF_SYM_UMOUNT] = { "umount-flags", STYLE_FLAGS, T(umount_flags), "0", true },
	[SF_SYM_MREMAP] = { "mremap-flags", STYLE_FLAGS, T(mremap_flags), "0", true },
};

/* ---- formatting ----------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, pos; /* pos: characters the full text needs so far */
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len && o->pos < o->len - 1) {
		size_t room = o->len - 1 - o->pos;

		memcpy(o->buf + o->pos, s, n < room ? n : room);
	}
	o->pos += n;
	if (o->len)
		o->buf[o->pos < o->len - 1 ? o->pos : o->len - 1] = '\0';
}

static void put_num(struct out *o, uint64_t v, bool hex)
{
	char num[32];

	snprintf(num, sizeof(num), hex || v >= 0x10000 ? "0x%llx" : "%llu",
		 (unsigned long long)v);
	put(o, num);
}

static const char *lookup(const struct nv *t, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].n;
	return NULL;
}

/* Known bits of v named, the rest as one hex number; sep before each. */
static void put_bits(struct out *o, const struct nv *t, size_t n, uint64_t v,
		     bool first)
{
	for (size_t i = 0; i < n && v; i++) {
		if (!t[i].v || (v & t[i].v) != t[i].v)
			continue;
		if (!first)
			put(o, "|");
		put(o, t[i].n);
		first = false;
		v &= ~t[i].v;
	}
	if (v) {
		if (!first)
			put(o, "|");
		put_num(o, v, true);
	}
}

static int format_class(const struct symclass *c, uint64_t v, struct out *o)
{
	const char *name;

	switch (c->style) {
	case STYLE_FLAGS:
		if (!v)
			put(o, c->zero ? c->zero : "0");
		else
			put_bits(o, c->t, c->n, v, true);
		break;
	case STYLE_OPEN: {
		static const char *const acc[] = {
			"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE",
		};
		uint64_t rest = v & ~(uint64_t)O_ACCMODE;

		/* O_PATH ignores the access mode: show it alone when 0 */
		if ((rest & O_PATH) && !(v & O_ACCMODE)) {
			put_bits(o, c->t, c->n, rest, true);
			break;
		}
		put(o, acc[v & O_ACCMODE]);
		put_bits(o, c->t, c->n, rest, false);
		break;
	}
	case STYLE_SOCK:
	case STYLE_FUTEX: {
		const struct nv *ft = c->style == STYLE_SOCK ? sock_type_flags : futex_flags;
		size_t fn = c->style == STYLE_SOCK ?
			    sizeof(sock_type_flags) / sizeof(sock_type_flags[0]) :
			    sizeof(futex_flags) / sizeof(futex_flags[0]);
		uint64_t fl = 0, base;

		for (size_t i = 0; i < fn; i++)
			fl |= ft[i].v;
		base = v & ~fl;
		name = lookup(c->t, c->n, base);
		if (name)
			put(o, name);
		else
			put_num(o, base, c->hex);
		put_bits(o, ft, fn, v & fl, false);
		break;
	}
	case STYLE_VALUE:
		name = lookup(c->t, c->n, v);
		if (name)
			put(o, name);
		else
			put_num(o, v, c->hex);
		break;
	}
	return (int)o->pos;
}

int argname__format(unsigned sym, uint64_t value, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	if (sym >= SF_SYM__COUNT) {
		put_num(&o, value, true);
		return -EINVAL;
	}
	return format_class(&classes[sym], value, &o);
}

int argname__format_sockopt(uint64_t level, uint64_t opt, char *buf, size_t len)
{
	static const struct symclass tcp = { "tcp-option", STYLE_VALUE, T(tcp_values), NULL, false };
	static const struct symclass ip = { "ip-option", STYLE_VALUE, T(ip_values), NULL, false };
	static const struct symclass ip6 = { "ipv6-option", STYLE_VALUE, T(ipv6_values), NULL, false };
	static const struct symclass num = { "number", STYLE_VALUE, NULL, 0, NULL, false };
	const struct symclass *c = &num;
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	if (level == SOL_SOCKET)
		c = &classes[SF_SYM_SOCKOPT];
	else if (level == IPPROTO_TCP)
		c = &tcp;
	else if (level == IPPROTO_IP)
		c = &ip;
	else if (level == IPPROTO_IPV6)
		c = &ip6;
	return format_class(c, opt, &o);
}

const char *argname__class_name(unsigned sym)
{
	return sym < SF_SYM__COUNT ? classes[sym].name : NULL;
}

/* ---- parsing -------------------------------------------------------------- */

static bool parse_token(const struct symclass *c, const char *tok, size_t n,
			uint64_t *v)
{
	static const struct { const struct nv *t; size_t n; } extra[] = {
		{ T(sock_type_flags) }, { T(futex_flags) },
	};
	char num[32];
	char *end;

	if (n && n < sizeof(num) && tok[0] >= '0' && tok[0] <= '9') {
		memcpy(num, tok, n);
		num[n] = '\0';
		errno = 0;
		*v = strtoull(num, &end, 0);
		return !errno && *end == '\0';
	}
	if (c->style == STYLE_OPEN) {
		static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR" };

		for (uint64_t i = 0; i < 3; i++)
			if (strlen(acc[i]) == n && !strncmp(acc[i], tok, n)) {
				*v = i;
				return true;
			}
	}
	if (c->zero && strlen(c->zero) == n && !strncmp(c->zero, tok, n)) {
		*v = 0;
		return true;
	}
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->t[i].n) == n && !strncmp(c->t[i].n, tok, n)) {
			*v = c->t[i].v;
			return true;
		}
	if (c->style == STYLE_SOCK || c->style == STYLE_FUTEX) {
		const struct nv *t = extra[c->style == STYLE_FUTEX].t;
		size_t tn = extra[c->style == STYLE_FUTEX].n;

		for (size_t i = 0; i < tn; i++)
			if (strlen(t[i].n) == n && !strncmp(t[i].n, tok, n)) {
				*v = t[i].v;
				return true;
			}
	}
	return false;
}

int argname__parse(unsigned sym, const char *text, uint64_t *out)
{
	const struct symclass *c;
	uint64_t acc = 0;
	const char *p;

	if (sym >= SF_SYM__COUNT || !text || !out || !*text)
		return -EINVAL;
	c = &classes[sym];
	/* a whole-string name first ("PER_LINUX|ADDR_NO_RANDOMIZE") */
	if (parse_token(c, text, strlen(text), out))
		return 0;
	for (p = text;;) {
		size_t n = strcspn(p, "|");
		uint64_t v;

		while (n && p[n - 1] == ' ')
			n--;
		if (!n || !parse_token(c, p, n, &v))
			return -EINVAL;
		acc |= v;
		p += strcspn(p, "|");
		if (!*p)
			break;
		p++;
		while (*p == ' ')
			p++;
	}
	*out = acc;
	return 0;
}
