// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libsf_b.so - second library of the attribution matrix.
 *
 * Every libc call here stores its result in a volatile sink so the compiler
 * cannot turn it into a tail jump: a tail-jumping wrapper call would be
 * charged to our caller (documented limit of stack-based attribution), and
 * this library exists to prove the opposite case.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include "sf_b.h"

volatile long sf_b_sink;

int sf_b_umask(void)
{
	mode_t old = umask(022);

	sf_b_sink = umask(old);
	return (int)old;
}

long sf_b_inline_sched_yield(void)
{
	long ret;

	/* The syscall instruction lives in libB itself: no unwinding needed. */
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_sched_yield)
			 : "rcx", "r11", "memory");
	sf_b_sink = ret;
	return ret;
}
