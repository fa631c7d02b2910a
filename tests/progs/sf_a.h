/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * libsf_a.so - main library of the attribution matrix.  Each function makes
 * its case's marker syscall through a different libc path; see
 * matrix-cases.txt for the expected attribution.
 */
#ifndef SF_A_H
#define SF_A_H

int sf_a_wrapper(void);      /* getppid() wrapper           -> getppid */
int sf_a_printf(void);       /* printf + fflush(stdout)     -> write */
int sf_a_fopen(void);        /* fopen(.., "r")              -> openat */
int sf_a_readdir(void);      /* opendir/readdir             -> getdents64 */
int sf_a_gethostname(void);  /* gethostname                 -> uname */
int sf_a_malloc_mmap(void);  /* malloc(64 MB)               -> mmap */
int sf_a_malloc_brk(void);   /* many small mallocs          -> brk */
int sf_a_syscall(void);      /* syscall(SYS_getpgrp)        -> getpgrp */
int sf_a_nested(void);       /* libA -> libB -> umask       -> umask (libB) */
int sf_a_pthread(void);      /* thread fn in libA: times()  -> times */
int sf_a_fork(void);         /* child of fork: getrusage()  -> getrusage */
int sf_a_sleep_marker(void); /* sched_getscheduler()        -> sched_getscheduler */

#endif /* SF_A_H */
