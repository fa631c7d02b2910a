// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bench-getppid [N] - cost of one system call: N getppid() calls (default
 * 2,000,000) through the libc wrapper, best of 5 rounds, printed as
 * "getppid: X ns/call".  Run it plainly and under `sysfence learn` to see
 * what learning adds per syscall (DESIGN.md "Cost on this machine").
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
	volatile long sink = 0;
	double best = 0;
	int round;

	if (n <= 0 || n > 1000000000L) {
		fprintf(stderr, "usage: bench-getppid [N]\n");
		return 2;
	}
	for (round = 0; round < 5; round++) {
		double t0 = now_ns(), per;
		long i;

		for (i = 0; i < n; i++)
			sink += getppid();
		per = (now_ns() - t0) / (double)n;
		if (round == 0 || per < best)
			best = per;
	}
	printf("getppid: %.0f ns/call (best of 5 x %ld)\n", best, n);
	return sink == 0; /* never 0: keeps the loop */
}
