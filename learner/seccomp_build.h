/* seccomp_build.h - a policy's process-wide union as a libseccomp filter. */
#ifndef SF_SECCOMP_BUILD_H
#define SF_SECCOMP_BUILD_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* Build a filter for SCMP_ARCH_X86_64 whose default is default_action and
 * which allows the union of every library's syscalls with their argument
 * conditions (the policy's OCI part, as `export` gives it).  0 or -errno;
 * *out to seccomp_release(). */
int seccomp__build(const struct policy *p, uint32_t default_action, scmp_filter_ctx *out,
		   char *err, size_t errlen);

/* enforce's seccomp floor: the same union, but argument conditions are kept
 * only for the syscalls whose arguments decide whether a call is dangerous
 * before it runs (seccomp__floor_keeps_args: open flags, PROT_EXEC, socket
 * families, clone/namespace flags, ptrace/prctl/...); every other allowed
 * syscall is unconditional, so the kernel answers it from its per-syscall
 * action cache (~20 ns instead of running the filter).  The per-library
 * BPF layer still checks every argument rule. */
int seccomp__build_floor(const struct policy *p, uint32_t default_action,
			 scmp_filter_ctx *out, char *err, size_t errlen);
/* Does the floor keep nr's argument conditions? */
bool seccomp__floor_keeps_args(uint32_t nr);

#endif
