/* syscalls.h - x86_64 syscall names <-> numbers (libseccomp). */
#ifndef SF_SYSCALLS_H
#define SF_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

#include "sysfence.h" /* SF_NR_MAX */

/* syscall__name() knows numbers below this bound. */
#define SYSCALL_NR_MAX SF_NR_MAX

/* Names via libseccomp for SCMP_ARCH_X86_64: NULL / -1 when unknown. */
const char *syscall__name(uint32_t nr);
int syscall__nr(const char *name);

/* The known name closest to name by edit distance (typo suggestion), or
 * NULL when nothing is reasonably close.  Stable pointer. */
const char *syscall__suggest(const char *name);

#endif /* SF_SYSCALLS_H */
