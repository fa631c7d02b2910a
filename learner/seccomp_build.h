/* seccomp_build.h - a policy's process-wide union as a libseccomp filter. */
#ifndef SF_SECCOMP_BUILD_H
#define SF_SECCOMP_BUILD_H

#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* Build a filter for SCMP_ARCH_X86_64 whose default is default_action and
 * which allows the union of every library's syscalls (with their argument
 * conditions once they exist).  0 or -errno; *out to seccomp_release(). */
int seccomp__build(const struct policy *p, uint32_t default_action, scmp_filter_ctx *out,
		   char *err, size_t errlen);

#endif
