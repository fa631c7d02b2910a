// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * reach.c - what a policy's process can reach through its dynamic imports
 * (DESIGN, "reachable imports"): the undefined .dynsym symbols of the
 * policy's executables and libraries and of every library they need
 * (DT_NEEDED, transitively), as learner/capability.c's struct
 * cap_imports.  Generalisation uses it to add the [libc-thread] baseline
 * only to processes that import pthread_create, and to infer no call
 * that no imported function can make.
 *
 * Why the whole process and not each unit: a library function that
 * tail-jumps into a libc wrapper is charged to ITS caller (DESIGN,
 * attribution), which may be any unit that calls it, directly or
 * through a callback; the process-wide set is what such a call can
 * reach.  The needed libraries count because a library that only
 * tail-calls never makes a call of its own, so it is not in the policy.
 *
 * Unknown (an error; the caller generalises without imports, as before)
 * when a unit's file is missing, is not ELF or has another build-id than
 * the policy names, a needed library cannot be found, or an object makes
 * system calls with its own instructions (statically linked, or Go): its
 * calls are not spelled by libc, so libc's imports do not bound them.  Bounded:
 * REACH_MAX_OBJECTS files, each read once.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfinfo.h"
#include "log.h"
#include "util.h"
#include "reach.h"

#define REACH_MAX_OBJECTS 512

/* the dynamic loader's default directories on Debian x86_64 */
static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
	"/lib", "/usr/lib",
};

/* libc and the loader define the wrappers: their own imports are
 * internal (libc's from ld.so) and say nothing about the program */
static bool is_libc(const char *soname)
{
	return !strncmp(soname, "libc.so", 7) || !strncmp(soname, "ld-linux", 8);
}

static int try_dir(const char *dir, size_t dlen, const char *soname, char *out)
{
	char cand[PATH_MAX];

	if (snprintf(cand, sizeof(cand), "%.*s/%s", (int)dlen, dir, soname) >=
	    (int)sizeof(cand))
		return -ENAMETOOLONG;
	if (access(cand, R_OK) || !realpath(cand, out))
		return -ENOENT;
	return 0;
}

/* The file the loader would use for soname needed by the object at path:
 * its RUNPATH/RPATH ($ORIGIN expanded), then the default directories. */
static int resolve(const char *path, const char *runpath, const char *soname, char *out)
{
	char origin[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (strchr(soname, '/'))
		return realpath(soname, out) ? 0 : -ENOENT;
	snprintf(origin, sizeof(origin), "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? path : ".");
	for (const char *s = runpath; s && *s;) {
		size_t len = strcspn(s, ":");
		char dir[PATH_MAX];
		int dl;

		if (len >= 7 && !strncmp(s, "$ORIGIN", 7))
			dl = snprintf(dir, sizeof(dir), "%s%.*s", origin, (int)(len - 7), s + 7);
		else
			dl = snprintf(dir, sizeof(dir), "%.*s", (int)len, s);
		if (dl > 0 && dl < (int)sizeof(dir) && !try_dir(dir, (size_t)dl, soname, out))
			return 0;
		s += len;
		s += *s == ':';
	}
	for (size_t i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++)
		if (!try_dir(default_dirs[i], strlen(default_dirs[i]), soname, out))
			return 0;
	return -ENOENT;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void reach__free(struct cap_imports *imp)
{
	if (!imp)
		return;
	for (size_t i = 0; i < imp->n; i++)
		free(imp->names[i]);
	free(imp->names);
	memset(imp, 0, sizeof(*imp));
}

int reach__of_policy(const struct policy *p, struct cap_imports *out)
{
	char **todo = NULL, **names = NULL;
	size_t ntodo = 0, nnames = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; !rc && i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];
		char real[PATH_MAX], id[128];

		if (l->kind == LIB_KIND_BUCKET)
			continue;
		if (!realpath(l->path, real)) {
			rc = -errno;
			log_debug("imports: %s: %s", l->path, strerror(errno));
			break;
		}
		if (l->build_id && (elf__build_id(real, id, sizeof(id)) || strcmp(id, l->build_id))) {
			log_debug("imports: %s is not the build the policy names", l->path);
			rc = -ESTALE;
			break;
		}
		if (!strv_has(todo, ntodo, real))
			rc = strv_push(&todo, &ntodo, real);
	}
	/* todo grows while it is walked: every needed library once */
	for (size_t k = 0; !rc && k < ntodo; k++) {
		struct elf_dyn d;

		rc = elf__dynamic(todo[k], &d);
		if (rc) {
			log_debug("imports: %s: %s", todo[k], strerror(-rc));
			break;
		}
		if (d.own_syscalls) {
			/* a static or Go program spells its calls itself:
			 * libc's imports do not bound what it can make */
			log_debug("imports: %s makes system calls itself (static or Go)",
				  todo[k]);
			elf_dyn__free(&d);
			rc = -ENOTSUP;
			break;
		}
		for (size_t i = 0; !rc && i < d.nundef; i++)
			rc = strv_push(&names, &nnames, d.undef[i]);
		/* libffi itself (ctypes' calls are charged to it, and the
		 * module that imports ffi_call may make no call of its own):
		 * the process can call any function by name */
		if (!rc && !strncmp(strrchr(todo[k], '/') ? strrchr(todo[k], '/') + 1
							 : todo[k], "libffi.so", 9))
			rc = strv_push(&names, &nnames, "ffi_call");
		for (size_t i = 0; !rc && i < d.nneeded; i++) {
			char real[PATH_MAX];

			if (is_libc(d.needed[i]))
				continue;
			rc = resolve(todo[k], d.runpath, d.needed[i], real);
			if (rc) {
				log_debug("imports: %s needs %s: not found", todo[k],
					  d.needed[i]);
				break;
			}
			if (strv_has(todo, ntodo, real))
				continue;
			if (ntodo == REACH_MAX_OBJECTS)
				rc = -E2BIG;
			else
				rc = strv_push(&todo, &ntodo, real);
		}
		elf_dyn__free(&d);
	}
	strv_free(todo, ntodo);
	if (rc) {
		strv_free(names, nnames);
		return rc;
	}
	if (nnames) {
		size_t w = 0;

		qsort(names, nnames, sizeof(*names), cmp_str);
		for (size_t i = 0; i < nnames; i++) {
			if (w && !strcmp(names[w - 1], names[i]))
				free(names[i]);
			else
				names[w++] = names[i];
		}
		nnames = w;
	}
	out->names = names;
	out->n = nnames;
	return 0;
}

int reach__generalize(struct policy *p, int level)
{
	struct cap_imports imp;
	int rc;

	if (level == GEN_LEVEL_NONE)
		return 0;
	rc = reach__of_policy(p, &imp);
	if (rc) {
		log_info("generalising without the process's imports (%s): every "
			 "implied call is inferred, [libc-thread] only where it was seen",
			 strerror(-rc));
		return capability__generalize(p, (enum gen_level)level);
	}
	log_debug("imports: %zu names", imp.n);
	rc = capability__generalize_with(p, (enum gen_level)level, &imp);
	reach__free(&imp);
	return rc;
}
