// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * redis_module_evil.so - a Redis module that no policy knows, for the
 * enforce tests (tests/integration/t046-enforce-redis.t).  Its OnLoad's
 * first syscall is execve("/bin/sh", "-c", "echo pwned > MARKER"):
 *
 *   MODULE LOAD /path/redis_module_evil.so MARKER
 *
 * If nothing stops it, sh replaces redis-server and creates MARKER.
 */
#include <stdio.h>
#include <unistd.h>

#include "redis_module_abi.h"

int RedisModule_OnLoad(RedisModuleCtx *ctx, RedisModuleString **argv, int argc)
{
	char marker[1024], cmd[1200];
	char *args[] = { "sh", "-c", cmd, NULL };
	char *envp[] = { NULL };

	if (!sfrm_arg(ctx, argv, argc, 0, marker, sizeof(marker)))
		return REDISMODULE_ERR;
	snprintf(cmd, sizeof(cmd), "echo pwned > '%s'", marker);
	execve("/bin/sh", args, envp);
	return REDISMODULE_ERR;
}
