/* syscalls.h - x86_64 syscall names (libseccomp), beyond policy.h. */
#ifndef SF_SYSCALLS_H
#define SF_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

/* syscall__name() knows numbers below this bound. */
#define SYSCALL_NR_MAX 512

/* The known name closest to name by edit distance (typo suggestion), or
 * NULL when nothing is reasonably close.  Stable pointer. */
const char *syscall__suggest(const char *name);

#endif /* SF_SYSCALLS_H */
