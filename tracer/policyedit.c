// SPDX-License-Identifier: GPL-2.0
/* policyedit.c - see policyedit.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capability.h"
#include "log.h"
#include "policyedit.h"
#include "syscalls.h"

int policy_edits__add(struct policy_edits *ed, const char *spec, int allow)
{
	const char *colon = strrchr(spec, ':');

	if (!colon || colon == spec || !colon[1]) {
		log_err("invalid --%s '%s': expected LIB:NAME[,NAME...] (LIB a full path, "
			"a [bucket] or '*'; NAME a syscall or @group)", allow ? "allow" : "deny",
			spec);
		return -EINVAL;
	}
	if (spec[0] != '/' && spec[0] != '[' && !(spec[0] == '*' && colon == spec + 1)) {
		log_err("invalid --%s '%s': the library must be a full path, a [bucket] or '*'",
			allow ? "allow" : "deny", spec);
		return -EINVAL;
	}
	if (ed->n == POLICY_EDIT_MAX) {
		log_err("too many --allow/--deny options (max %d)", POLICY_EDIT_MAX);
		return -E2BIG;
	}
	ed->e[ed->n].spec = spec;
	ed->e[ed->n].allow = allow;
	ed->n++;
	return 0;
}

static void remove_syscall(struct policy_lib *l, uint32_t nr)
{
	for (size_t k = 0; k < l->nsyscalls; k++) {
		if (l->syscalls[k].nr != nr)
			continue;
		free(l->syscalls[k].site);
		memmove(&l->syscalls[k], &l->syscalls[k + 1],
			(l->nsyscalls - k - 1) * sizeof(l->syscalls[0]));
		l->nsyscalls--;
		return;
	}
}

static int allow_syscall(struct policy *p, size_t lib, uint32_t nr)
{
	struct policy_lib *l;
	int ret = policy__add_syscall(p, lib, nr, 0, NULL);

	if (ret < 0)
		return ret;
	l = &p->libs[lib];
	for (size_t k = 0; k < l->nsyscalls; k++)
		if (l->syscalls[k].nr == nr) {
			struct policy_syscall any = { .nr = nr };

			/* allowed with any arguments, by hand: not inferred */
			capability__set_parts(&l->syscalls[k], &any, NULL, NULL, false);
		}
	return 0;
}

static int apply_one(struct policy *p, const char *spec, int allow)
{
	const char *colon = strrchr(spec, ':');
	size_t liblen = (size_t)(colon - spec);
	char *lib = strndup(spec, liblen), *names = strdup(colon + 1), *save = NULL, *tok;
	int ret = 0, idx = -1;

	if (!lib || !names) {
		ret = -ENOMEM;
		goto out;
	}
	if (strcmp(lib, "*")) {
		for (size_t i = 0; i < p->nlibs; i++)
			if (!strcmp(p->libs[i].path, lib))
				idx = (int)i;
		if (idx < 0 && allow) {
			uint32_t kind = lib[0] == '[' ? LIB_KIND_BUCKET
				      : p->binary && !strcmp(p->binary, lib) ? LIB_KIND_EXECUTABLE
				      : LIB_KIND_LIBRARY;

			idx = policy__add_lib(p, lib, NULL, kind);
			if (idx < 0) {
				ret = idx;
				goto out;
			}
		}
		if (idx < 0) {
			log_warn("--deny %s: the policy has no library %s", spec, lib);
			goto out;
		}
	}
	for (tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint32_t nrs[SYSCALL_NR_MAX];
		char err[256] = "";
		int n = policy__resolve_name(tok, nrs, SYSCALL_NR_MAX, err, sizeof(err));

		if (n < 0) {
			log_err("--%s %s: %s", allow ? "allow" : "deny", spec, err);
			ret = n;
			goto out;
		}
		for (size_t i = 0; i < p->nlibs; i++) {
			if (idx >= 0 && (size_t)idx != i)
				continue;
			for (int k = 0; k < n && k < SYSCALL_NR_MAX; k++) {
				if (allow)
					ret = allow_syscall(p, i, nrs[k]);
				else
					remove_syscall(&p->libs[i], nrs[k]);
				if (ret)
					goto out;
			}
		}
	}
out:
	free(lib);
	free(names);
	return ret;
}

int policy_edits__apply(const struct policy_edits *ed, struct policy *p)
{
	int ret = 0;

	for (int i = 0; i < ed->n && !ret; i++)
		ret = apply_one(p, ed->e[i].spec, ed->e[i].allow);
	if (!ret && ed->n)
		ret = policy__canonicalize(p);
	if (ret == -ENOMEM)
		log_err("out of memory");
	return ret;
}
