/* landlock.h - the Landlock floor of paths and ports (issue 17).
 *
 * Built in sysfence from the policy's process-wide union of paths and
 * ports (objects__union), installed by the launched target just before
 * exec (launch.c), next to the seccomp floor.  Landlock is enforced by the
 * kernel before the operation, race-free, inherited by every descendant:
 * a path or port outside the union fails with EACCES and has no effect.
 */
#ifndef SF_LANDLOCK_H
#define SF_LANDLOCK_H

#include <stdint.h>

struct policy_objs;

enum landlock_mode {
	LANDLOCK_AUTO = 0, /* default: what the kernel's ABI allows, said once */
	LANDLOCK_ON = 1,   /* required: an error when the policy's paths or ports
			    * cannot be enforced */
	LANDLOCK_OFF = 2,
};

struct landlock_floor {
	int fd;            /* ruleset, -1 = none */
	int abi;
	uint64_t fs;       /* handled file-system accesses */
	uint64_t net;      /* handled network accesses */
	uint32_t restrict_flags; /* landlock_restrict_self() flags (ABI 7: log) */
	int npaths, nports;      /* rules added */
	int nskipped;            /* paths that do not exist (no rule needed) */
	int nwidened;            /* paths missing: rule on an existing ancestor */
};

/* Landlock ABI version of the running kernel; 0 when unavailable. */
int landlock__abi(void);
/* Build the floor for the union u (paths when it has some, ports when it
 * has some), plus execute on exe (the target) and its interpreter.
 * 0 with out->fd = -1 when there is nothing to enforce (or the kernel has
 * no Landlock and mode is AUTO: a message says what is not enforced);
 * -errno on error (logged). */
int landlock__build(const struct policy_objs *u, const char *exe, int mode,
		    struct landlock_floor *out);
void landlock__close(struct landlock_floor *f);
/* In the target before exec: enforce the ruleset.  0 or -errno. */
int landlock__restrict(int fd, uint32_t flags);

#endif
