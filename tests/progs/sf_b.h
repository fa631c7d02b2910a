/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* libsf_b.so - second library of the attribution matrix. */
#ifndef SF_B_H
#define SF_B_H

/* "nested": libA calls this, it calls umask() -> charged to libsf_b.so. */
int sf_b_umask(void);

/* "inline": sched_yield made by a `syscall` instruction inside libB. */
long sf_b_inline_sched_yield(void);

#endif /* SF_B_H */
