// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * redis_module_hello.so - a harmless Redis module for the enforce tests
 * (tests/integration/t046-enforce-redis.t): MODULE LOAD it while learning,
 * so that loading a module (dlopen, openat, mmap ... made by redis-server)
 * is part of the policy.  Its OnLoad makes one syscall of its own
 * (getppid), so the module's library shows up in the policy.
 *
 *   MODULE LOAD /path/redis_module_hello.so
 *   MODULE LOAD /path/redis_module_hello.so exec MARKER
 *       ... and then, like a compromised build, execve("/bin/sh") to create
 *       MARKER: a syscall the module's rules do not have.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "redis_module_abi.h"

int RedisModule_OnLoad(RedisModuleCtx *ctx, RedisModuleString **argv, int argc)
{
	char what[16], marker[1024], cmd[1200];

	if (sfrm_init(ctx, "sfhello"))
		return REDISMODULE_ERR;
	(void)getppid();
	if (sfrm_arg(ctx, argv, argc, 0, what, sizeof(what)) && !strcmp(what, "exec") &&
	    sfrm_arg(ctx, argv, argc, 1, marker, sizeof(marker))) {
		char *args[] = { "sh", "-c", cmd, NULL };
		char *envp[] = { NULL };

		snprintf(cmd, sizeof(cmd), "echo pwned > '%s'", marker);
		execve("/bin/sh", args, envp);
		return REDISMODULE_ERR;
	}
	return REDISMODULE_OK;
}
