/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * hammer.h - optional mmap/munmap contention for the attribution matrix.
 *
 * With SF_HAMMER=1 in the environment, hammer__start() starts a thread that
 * maps and unmaps anonymous, non-executable memory in a tight loop, so the
 * process's mmap_lock is held most of the time while the test case runs.
 * bpf_find_vma() only try-locks mmap_lock (DESIGN.md: -EBUSY for ~47% of
 * lookups under this load), so this is what exposes a missing VMA cache.
 *
 * The thread stops when hammer__stop() is called or after HAMMER_MAX_SEC,
 * whichever comes first, so a forgotten stop never leaves a busy process.
 * It makes only mmap, munmap and (via the vDSO) clock_gettime: none of the
 * matrix marker syscalls.
 *
 * Header-only (static functions) so each test executable, including the
 * statically linked one, carries its own copy.
 */
#ifndef SF_HAMMER_H
#define SF_HAMMER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define HAMMER_MAX_SEC 10
#define HAMMER_MAP_BYTES (64 * 1024)
#define HAMMER_WARMUP_ITERS 2000 /* iterations before the case may start */

static atomic_int hammer_stop_flag;
static atomic_long hammer_iters;
static pthread_t hammer_thread;
static int hammer_running;

static double hammer__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *hammer__loop(void *arg)
{
	double deadline = hammer__now() + HAMMER_MAX_SEC;
	long i;

	(void)arg;
	for (i = 0; !atomic_load(&hammer_stop_flag); i++) {
		void *p = mmap(NULL, HAMMER_MAP_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED) {
			((volatile char *)p)[0] = 1;
			munmap(p, HAMMER_MAP_BYTES);
		}
		atomic_fetch_add(&hammer_iters, 1);
		if ((i & 1023) == 0 && hammer__now() > deadline)
			break;
	}
	return NULL;
}

/* Start the hammer thread if SF_HAMMER=1; returns once it is really busy. */
static void hammer__start(void)
{
	const char *env = getenv("SF_HAMMER");
	double deadline;

	if (!env || strcmp(env, "1") != 0)
		return;
	if (pthread_create(&hammer_thread, NULL, hammer__loop, NULL) != 0)
		return;
	hammer_running = 1;
	/* Busy-wait (no sleeping syscall) until the loop is in full swing. */
	deadline = hammer__now() + 1.0;
	while (atomic_load(&hammer_iters) < HAMMER_WARMUP_ITERS &&
	       hammer__now() < deadline)
		__builtin_ia32_pause();
}

static void hammer__stop(void)
{
	if (!hammer_running)
		return;
	atomic_store(&hammer_stop_flag, 1);
	pthread_join(hammer_thread, NULL);
	hammer_running = 0;
}

#endif /* SF_HAMMER_H */
