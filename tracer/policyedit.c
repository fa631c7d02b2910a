// SPDX-License-Identifier: GPL-2.0
/* policyedit.c - the --allow/--deny options collected from the command
 * line and applied in order (policyedit.h); each edit is
 * learner/policy_edit.c, this file only logs. */
#include <errno.h>

#include "log.h"
#include "policy_edit.h"
#include "policyedit.h"

int policy_edits__add(struct policy_edits *ed, const char *spec, int allow)
{
	char err[512];

	if (policy_edit__check(spec, allow, err, sizeof(err))) {
		log_err("%s", err);
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

int policy_edits__apply(const struct policy_edits *ed, struct policy *p)
{
	char err[512];
	int ret = 0;

	for (int i = 0; i < ed->n && !ret; i++) {
		err[0] = '\0';
		ret = policy_edit__apply(p, ed->e[i].spec, ed->e[i].allow, err, sizeof(err));
		if (ret > 0) {
			log_warn("%s", err);
			ret = 0;
		} else if (ret < 0) {
			log_err("%s", err[0] ? err : "cannot apply the edit");
		}
	}
	if (!ret && ed->n) {
		ret = policy__canonicalize(p);
		if (ret == -ENOMEM)
			log_err("out of memory");
	}
	return ret;
}
