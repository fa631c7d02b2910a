/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * reach.h - the dynamic imports of a policy's process (reach.c), and
 * generalisation with them.
 */
#ifndef SYSFENCE_REACH_H
#define SYSFENCE_REACH_H

#include "capability.h"
#include "policy.h"

/* The imports of p's executables and libraries and of the libraries they
 * need, into out (free with reach__free).  0, or -errno when they cannot
 * all be read (a file missing or of another build, a needed library not
 * found): the imports are then unknown. */
int reach__of_policy(const struct policy *p, struct cap_imports *out);
void reach__free(struct cap_imports *imp);
/* capability__generalize_with() with p's imports, or without them (as
 * capability__generalize) when they are unknown.  0 or -errno. */
int reach__generalize(struct policy *p, int level);

#endif /* SYSFENCE_REACH_H */
