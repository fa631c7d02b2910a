// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * matrix-static - statically linked (no libc.so, no ld.so): the sysinfo()
 * marker is made by libc code linked into this executable, so the whole
 * binary is "the caller" and the marker must be charged to it.
 */
#include <sys/sysinfo.h>

#include "hammer.h"

int main(void)
{
	struct sysinfo si;
	int rc;

	hammer__start();
	rc = sysinfo(&si);
	hammer__stop();
	return rc != 0;
}
