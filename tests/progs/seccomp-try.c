/* seccomp-try.c - load a classic-BPF filter written by `sysfence export
 * --format bpf` in a forked child, make one system call there and report
 * what the filter did.
 *
 *   seccomp-try FILTER CALL [PATH]
 *   CALL: openat-rdonly PATH | openat-creat PATH | socket-unix | socket-inet
 *         | socket-packet | exit
 * Prints "allowed" (the call ran), "killed" (SIGSYS) or "error: ...";
 * for "exit" (load the filter, then exit_group, which the policy may not
 * allow) "loaded" when the kernel accepted the filter.  Exit
 * status 0 when the outcome is known, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_filter *insns;
	struct sock_fprog prog;
	const char *call, *path;
	struct stat st;
	int fd, status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: seccomp-try FILTER CALL [PATH]\n");
		return 1;
	}
	call = argv[2];
	path = argc > 3 ? argv[3] : "/nonexistent";
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || st.st_size <= 0 ||
	    st.st_size % sizeof(*insns) || st.st_size / sizeof(*insns) > BPF_MAXINSNS) {
		printf("error: %s is not a BPF filter file\n", argv[1]);
		return 1;
	}
	insns = malloc(st.st_size);
	if (!insns || read(fd, insns, st.st_size) != st.st_size) {
		printf("error: cannot read %s\n", argv[1]);
		return 1;
	}
	close(fd);
	prog.len = (unsigned short)(st.st_size / sizeof(*insns));
	prog.filter = insns;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("error: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(99);
		/* raw syscalls only: nothing else may run under the filter */
		if (!strcmp(call, "openat-rdonly"))
			syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
		else if (!strcmp(call, "openat-creat"))
			syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		else if (!strcmp(call, "socket-unix"))
			syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		else if (!strcmp(call, "socket-inet"))
			syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
		else if (!strcmp(call, "socket-packet"))
			syscall(SYS_socket, AF_PACKET, SOCK_RAW, 0);
		else if (strcmp(call, "exit"))
			syscall(SYS_exit_group, 98);
		syscall(SYS_exit_group, 0);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("error: waitpid: %s\n", strerror(errno));
		return 1;
	}
	if (!strcmp(call, "exit") && ((WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) ||
				      (WIFEXITED(status) && WEXITSTATUS(status) == 0))) {
		printf("loaded\n");
		return 0;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
		printf("killed\n");
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("allowed\n");
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 99)
		printf("error: the kernel refused the filter\n");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 98)
		printf("error: unknown call '%s'\n", call);
	else
		printf("error: child status 0x%x\n", status);
	return 1;
}
