/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * redis_module_abi.h - the few pieces of the Redis module ABI that the test
 * modules (redis_module_*.c) need, written from the documented interface
 * (Debian ships no redismodule.h):
 *
 *  - the server calls `int RedisModule_OnLoad(ctx, argv, argc)` after
 *    dlopen(); it returns REDISMODULE_OK (0) or REDISMODULE_ERR (1);
 *  - the first member of the context is the server's API lookup function,
 *    `int GetApi(const char *name, void *funcptr_out)` (0 = found); every
 *    API function is fetched by its name ("RedisModule_...") through it;
 *  - OnLoad must register the module with
 *    RedisModule_SetModuleAttribs(ctx, name, version, apiver) (API v1).
 */
#ifndef SF_REDIS_MODULE_ABI_H
#define SF_REDIS_MODULE_ABI_H

#include <stddef.h>

#define REDISMODULE_OK 0
#define REDISMODULE_ERR 1
#define REDISMODULE_APIVER_1 1

typedef struct RedisModuleCtx RedisModuleCtx;
typedef struct RedisModuleString RedisModuleString;

typedef int (*sfrm_getapi_fn)(const char *name, void *out);
typedef void (*sfrm_set_attribs_fn)(RedisModuleCtx *ctx, const char *name, int ver,
				    int apiver);
typedef const char *(*sfrm_string_ptr_len_fn)(const RedisModuleString *s, size_t *len);

int RedisModule_OnLoad(RedisModuleCtx *ctx, RedisModuleString **argv, int argc);

/* Register the module under NAME; 0 on success. */
static inline int sfrm_init(RedisModuleCtx *ctx, const char *name)
{
	sfrm_getapi_fn getapi = *(sfrm_getapi_fn *)(void *)ctx;
	sfrm_set_attribs_fn set_attribs;

	if (!getapi || getapi("RedisModule_SetModuleAttribs", (void *)&set_attribs))
		return -1;
	set_attribs(ctx, name, 1, REDISMODULE_APIVER_1);
	return 0;
}

/* Argument I as a C string (NULL if absent).  Module strings are
 * NUL-terminated (sds), but copy to be safe. */
static inline const char *sfrm_arg(RedisModuleCtx *ctx, RedisModuleString **argv, int argc,
				   int i, char *buf, size_t size)
{
	sfrm_getapi_fn getapi = *(sfrm_getapi_fn *)(void *)ctx;
	sfrm_string_ptr_len_fn ptr_len;
	const char *p;
	size_t len;

	if (i >= argc || getapi("RedisModule_StringPtrLen", (void *)&ptr_len))
		return NULL;
	p = ptr_len(argv[i], &len);
	if (!p || len >= size)
		return NULL;
	for (size_t k = 0; k < len; k++)
		buf[k] = p[k];
	buf[len] = 0;
	return buf;
}

#endif /* SF_REDIS_MODULE_ABI_H */
