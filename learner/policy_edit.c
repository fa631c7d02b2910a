// SPDX-License-Identifier: GPL-2.0
/* policy_edit.c - --allow/--deny edits of a policy (policy_edit.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capability.h"
#include "policy_edit.h"
#include "syscalls.h"
#include "util.h"

int policy_edit__check(const char *spec, int allow, char *err, size_t errlen)
{
	const char *colon = spec ? strrchr(spec, ':') : NULL;

	if (!colon || colon == spec || !colon[1]) {
		util__errf(err, errlen, "invalid --%s '%s': expected LIB:NAME[,NAME...] "
			   "(LIB a full path, a [bucket] or '*'; NAME a syscall or "
			   "@group)", allow ? "allow" : "deny", spec ? spec : "");
		return -EINVAL;
	}
	if (spec[0] != '/' && spec[0] != '[' && !(spec[0] == '*' && colon == spec + 1)) {
		util__errf(err, errlen, "invalid --%s '%s': the library must be a full "
			   "path, a [bucket] or '*'", allow ? "allow" : "deny", spec);
		return -EINVAL;
	}
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

int policy_edit__apply(struct policy *p, const char *spec, int allow, char *err,
		       size_t errlen)
{
	const char *colon;
	char *lib = NULL, *names = NULL, *save = NULL, *tok;
	int ret = 0, idx = -1;

	if (!p || policy_edit__check(spec, allow, err, errlen))
		return -EINVAL;
	colon = strrchr(spec, ':');
	lib = strndup(spec, (size_t)(colon - spec));
	names = strdup(colon + 1);
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
				util__errf(err, errlen, "--allow %s: cannot add library %s: %s",
					   spec, lib, strerror(-idx));
				goto out;
			}
		}
		if (idx < 0) {
			util__errf(err, errlen, "--deny %s: the policy has no library %s",
				   spec, lib);
			ret = 1;
			goto out;
		}
	}
	for (tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint32_t nrs[SYSCALL_NR_MAX];
		char rerr[256] = "";
		int n = policy__resolve_name(tok, nrs, SYSCALL_NR_MAX, rerr, sizeof(rerr));

		if (n < 0) {
			util__errf(err, errlen, "--%s %s: %s", allow ? "allow" : "deny",
				   spec, rerr);
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
	if (ret == -ENOMEM)
		util__errf(err, errlen, "out of memory");
	free(lib);
	free(names);
	return ret;
}
