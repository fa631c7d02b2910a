/* check.c - policy validation with file:line diagnostics (see check.h).
 *
 * Two passes.  First our own walk over the cJSON tree, which keeps going
 * after a problem so one run reports all of them: unknown syscall names
 * (with a suggestion), unknown groups, duplicate names within a library,
 * duplicate libraries, compartment members the policy does not have, and
 * libraries missing on this machine (warnings).  Then, if the walk found
 * no error, policy__parse() as the final word: its first error (types,
 * keys, evidence, argument conditions...) is reported with the line of
 * the value it names.  Positions come from jsonpos.c, the JSON layer the
 * reader uses too: the reader's error arrives structured ({path, line,
 * column, message}), nothing is parsed back from its text.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "groups.h"
#include "jsonpos.h"
#include "policy.h"
#include "policy_read.h"
#include "syscalls.h"

/* ---- locator ------------------------------------------------------------ */

/* Line of the value at path in doc, or 0. */
static unsigned line_at(const struct jsonpos *doc, const char *path)
{
	unsigned line = 0;

	if (path)
		jsonpos__where(doc, jsonpos__at(doc, path), &line, NULL);
	return line;
}

unsigned check__locate(const char *buf, size_t len, const char *path)
{
	struct jsonpos *doc = NULL;
	unsigned line;

	if (!buf || !path || jsonpos__parse(buf, len, &doc, NULL))
		return 0;
	line = line_at(doc, path);
	jsonpos__free(doc);
	return line;
}

/* ---- diagnostics -------------------------------------------------------- */

struct ctx {
	const struct jsonpos *doc;
	struct check_result *r;
	int err;
};

__attribute__((format(printf, 4, 5)))
static void diag(struct ctx *c, enum check_severity sev, const char *path,
		 const char *fmt, ...)
{
	struct check_diag *nd;
	char msg[512];
	va_list ap;

	if (c->err)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nd = realloc(c->r->diags, (c->r->n + 1) * sizeof(*nd));
	if (!nd) {
		c->err = -ENOMEM;
		return;
	}
	c->r->diags = nd;
	nd[c->r->n].severity = sev;
	nd[c->r->n].line = line_at(c->doc, path);
	nd[c->r->n].msg = strdup(msg);
	if (!nd[c->r->n].msg) {
		c->err = -ENOMEM;
		return;
	}
	c->r->n++;
	if (sev == CHECK_ERROR)
		c->r->nerrors++;
	else
		c->r->nwarnings++;
}

/* Names of one rule list; seen (per library) catches duplicates. */
static void check_rules(struct ctx *c, const cJSON *rules, const char *base,
			const char **seen)
{
	char rp[256], np[320];
	size_t i = 0;

	if (!cJSON_IsArray(rules))
		return; /* policy__parse reports the type */
	for (const cJSON *rule = rules->child; rule; rule = rule->next, i++) {
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(rule, "names");
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(rule, "args");
		const cJSON *wid = cJSON_GetObjectItemCaseSensitive(rule, "widened");
		/* entries with argument conditions repeat names: one entry
		 * per alternative (as policy__parse allows) */
		bool cond = (cJSON_IsArray(args) && args->child) ||
			    (cJSON_IsArray(wid) && wid->child);
		size_t j = 0;

		snprintf(rp, sizeof(rp), "%s[%zu]", base, i);
		if (!cJSON_IsArray(names))
			continue;
		for (const cJSON *nm = names->child; nm; nm = nm->next, j++) {
			const char *s = cJSON_IsString(nm) ? nm->valuestring : NULL;
			int nr;

			snprintf(np, sizeof(np), "%s.names[%zu]", rp, j);
			if (!s)
				continue;
			if (s[0] == '@') {
				const char *hint;

				if (groups__find(s))
					continue;
				hint = groups__suggest(s);
				if (hint)
					diag(c, CHECK_ERROR, np, "unknown group '%s'; "
					     "did you mean '%s'? (%s)", s, hint, np);
				else
					diag(c, CHECK_ERROR, np, "unknown group '%s' "
					     "(%s; see 'sysfence groups')", s, np);
				continue;
			}
			nr = syscall__nr(s);
			if (nr < 0) {
				const char *hint = syscall__suggest(s);

				if (hint)
					diag(c, CHECK_ERROR, np, "unknown syscall "
					     "name '%s'; did you mean '%s'? (%s)",
					     s, hint, np);
				else
					diag(c, CHECK_ERROR, np, "unknown syscall "
					     "name '%s' (%s)", s, np);
				continue;
			}
			if (cond)
				continue;
			if (seen && seen[nr]) {
				diag(c, CHECK_ERROR, np, "duplicate syscall name "
				     "'%s' (%s; first at %s)", s, np, seen[nr]);
				continue;
			}
			if (seen) {
				seen[nr] = strdup(np);
				if (!seen[nr])
					c->err = -ENOMEM;
			}
		}
	}
}

/* The value a condition on a recorded enum argument compares with
 * (SCMP_CMP_EQ value, SCMP_CMP_MASKED_EQ valueTwo); false otherwise. */
static bool cond_value(const cJSON *a, unsigned *idx, double *v)
{
	const cJSON *i = cJSON_GetObjectItemCaseSensitive(a, "index");
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(a, "op");
	const cJSON *val = NULL;

	if (!cJSON_IsNumber(i) || !cJSON_IsString(op))
		return false;
	if (!strcmp(op->valuestring, "SCMP_CMP_EQ"))
		val = cJSON_GetObjectItemCaseSensitive(a, "value");
	else if (!strcmp(op->valuestring, "SCMP_CMP_MASKED_EQ"))
		val = cJSON_GetObjectItemCaseSensitive(a, "valueTwo");
	if (!cJSON_IsNumber(val))
		return false;
	*idx = (unsigned)i->valueint;
	*v = val->valuedouble;
	return true;
}

/*
 * setsockopt/getsockopt entries are (level, option) pairs (docs/
 * arguments.md).  A policy written before sysfence kept pairs stored the
 * levels and the options as two sets and listed every combination: it
 * loads as that cross product, which may allow pairs never seen.  Warn
 * when the entries are every combination of two or more levels and two
 * or more options, and when they name more pairs than a rule holds (the
 * options of those levels are then not checked).
 */
static void check_pairs(struct ctx *c, const cJSON *rules, const char *base)
{
	static const char *const names[] = { "setsockopt", "getsockopt" };

	if (!cJSON_IsArray(rules))
		return;
	for (size_t w = 0; w < 2; w++) {
		double lv[64], op[64], pr[256][2];
		size_t nl = 0, no = 0, np = 0, i = 0, first = 0, opt_only = 0;
		bool found = false, has_opt_only = false;

		for (const cJSON *rule = rules->child; rule; rule = rule->next, i++) {
			const cJSON *nm = cJSON_GetObjectItemCaseSensitive(rule, "names");
			const cJSON *args = cJSON_GetObjectItemCaseSensitive(rule, "args");
			bool mine = false, hl = false, ho = false;
			double l = 0, o = 0;

			if (!cJSON_IsArray(nm) || !cJSON_IsArray(args))
				continue;
			for (const cJSON *n = nm->child; n; n = n->next)
				mine |= cJSON_IsString(n) && !strcmp(n->valuestring, names[w]);
			if (!mine)
				continue;
			for (const cJSON *a = args->child; a; a = a->next) {
				unsigned idx;
				double v;

				if (!cond_value(a, &idx, &v))
					continue;
				if (idx == 1) {
					hl = true;
					l = v;
				} else if (idx == 2) {
					ho = true;
					o = v;
				}
			}
			if (ho && !hl && !has_opt_only) {
				/* an option without its level: a pair cannot
				 * say "any level, this option" */
				has_opt_only = true;
				opt_only = i;
			}
			if (!hl || !ho)
				continue;
			if (!found)
				first = i;
			found = true;
			{
				size_t k;

				for (k = 0; k < nl && lv[k] != l; k++)
					;
				if (k == nl && nl < 64)
					lv[nl++] = l;
				for (k = 0; k < no && op[k] != o; k++)
					;
				if (k == no && no < 64)
					op[no++] = o;
				for (k = 0; k < np && (pr[k][0] != l || pr[k][1] != o); k++)
					;
				if (k == np && np < 256) {
					pr[np][0] = l;
					pr[np++][1] = o;
				}
			}
		}
		if (has_opt_only) {
			char rp[300];

			snprintf(rp, sizeof(rp), "%s[%zu]", base, opt_only);
			diag(c, CHECK_WARNING, rp, "'%s': options without a level "
			     "condition (the level was widened): a (level, option) "
			     "pair names its level, so this loads as any level and "
			     "any option (%s)", names[w], rp);
		}
		if (!found)
			continue;
		{
			char rp[300];

			snprintf(rp, sizeof(rp), "%s[%zu]", base, first);
			char what[128];

			if (np > SF_RULE_MAX_VALUES)
				snprintf(what, sizeof(what), "any option at these %zu "
					 "levels (a rule holds %d pairs)", nl,
					 SF_RULE_MAX_VALUES);
			else
				snprintf(what, sizeof(what), "these %zu pairs, some "
					 "maybe never seen", np);
			if (nl >= 2 && no >= 2 && np == nl * no)
				diag(c, CHECK_WARNING, rp, "'%s': the (level, option) "
				     "pairs are every combination of %zu levels and %zu "
				     "options, as a policy written before sysfence kept "
				     "pairs lists them; it loads as %s: re-learn into a "
				     "new file, or merge the traces alone, to keep only "
				     "the pairs seen (learning or merging into this "
				     "file keeps them: a union only widens) (%s)",
				     names[w], nl, no, what, rp);
			else if (np > SF_RULE_MAX_VALUES)
				diag(c, CHECK_WARNING, rp, "'%s': %zu (level, option) "
				     "pairs; it loads as %s (%s)", names[w], np, what, rp);
		}
	}
}

static const char *str_member(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static void check_libraries(struct ctx *c, const cJSON *libs,
			    check_exists_fn exists)
{
	const char *seen[SYSCALL_NR_MAX];
	char lp[64], sp[96];
	size_t i = 0;

	if (!cJSON_IsArray(libs))
		return;
	for (const cJSON *lib = libs->child; lib; lib = lib->next, i++) {
		const char *path = str_member(lib, "path");
		const char *bid = str_member(lib, "buildId");
		const char *kind = str_member(lib, "kind");
		size_t k = 0;

		snprintf(lp, sizeof(lp), "sysfence.libraries[%zu]", i);
		if (!path)
			continue;
		for (const cJSON *o = libs->child; o != lib; o = o->next, k++) {
			const char *ob = str_member(o, "buildId");
			const char *ok = str_member(o, "kind");

			if (str_member(o, "path") &&
			    !strcmp(str_member(o, "path"), path) &&
			    (ob == bid || (ob && bid && !strcmp(ob, bid))) &&
			    (ok == kind || (ok && kind && !strcmp(ok, kind)))) {
				diag(c, CHECK_ERROR, lp, "duplicate library '%s' "
				     "(%s; same path, buildId and kind as "
				     "sysfence.libraries[%zu])", path, lp, k);
				break;
			}
		}
		if (exists && path[0] == '/' &&
		    lib_kind__parse(kind) != LIB_KIND_BUCKET && !exists(path))
			diag(c, CHECK_WARNING, lp, "library '%s' does not exist "
			     "on this machine (%s)", path, lp);
		memset(seen, 0, sizeof(seen));
		snprintf(sp, sizeof(sp), "%s.syscalls", lp);
		check_rules(c, cJSON_GetObjectItemCaseSensitive(lib, "syscalls"),
			    sp, seen);
		check_pairs(c, cJSON_GetObjectItemCaseSensitive(lib, "syscalls"), sp);
		for (size_t n = 0; n < SYSCALL_NR_MAX; n++)
			free((char *)seen[n]);
	}
}

static void check_compartments(struct ctx *c, const cJSON *comps,
			       const cJSON *libs)
{
	char cp[96];
	size_t i = 0;

	if (!cJSON_IsArray(comps))
		return;
	for (const cJSON *co = comps->child; co; co = co->next, i++) {
		const cJSON *members = cJSON_GetObjectItemCaseSensitive(co,
								"libraries");
		size_t j = 0;

		if (!cJSON_IsArray(members))
			continue;
		for (const cJSON *m = members->child; m; m = m->next, j++) {
			bool found = false;

			if (!cJSON_IsString(m))
				continue;
			snprintf(cp, sizeof(cp), "sysfence.compartments[%zu]."
				 "libraries[%zu]", i, j);
			for (const cJSON *l = cJSON_IsArray(libs) ? libs->child :
					      NULL; l; l = l->next) {
				const char *p = str_member(l, "path");

				found |= p && !strcmp(p, m->valuestring);
			}
			if (!found && m->valuestring[0] == '/')
				diag(c, CHECK_WARNING, cp, "compartment member '%s' "
				     "is not one of the policy's libraries (%s)",
				     m->valuestring, cp);
			else if (!found)
				diag(c, CHECK_ERROR, cp, "compartment member '%s' "
				     "must be a full path, not a basename (%s)",
				     m->valuestring, cp);
		}
	}
}

int check__text(const char *buf, size_t len, check_exists_fn exists,
		struct check_result **out)
{
	struct ctx c = { NULL, NULL, 0 };
	struct jsonpos *doc = NULL;
	struct policy *p = NULL;
	struct json_error e;
	char err[512] = "";
	int rc;

	if (!out || (!buf && len))
		return -EINVAL;
	c.r = calloc(1, sizeof(*c.r));
	if (!c.r)
		return -ENOMEM;
	rc = jsonpos__parse(buf, len, &doc, &e);
	if (rc == -ENOMEM) {
		c.err = rc;
	} else if (rc) {
		/* not JSON: where it stops being JSON */
		if (e.kind == JSON_ERR_SYNTAX && e.column)
			diag(&c, CHECK_ERROR, NULL, "%s (column %u)", e.message,
			     e.column);
		else
			diag(&c, CHECK_ERROR, NULL, "%s", e.message);
		if (!c.err)
			c.r->diags[c.r->n - 1].line = e.line;
	} else {
		const cJSON *root = jsonpos__root(doc);

		c.doc = doc;
		if (cJSON_IsObject(root)) {
			const cJSON *sf = cJSON_GetObjectItemCaseSensitive(root, "sysfence");

			check_rules(&c, cJSON_GetObjectItemCaseSensitive(root, "syscalls"),
				    "syscalls", NULL);
			if (cJSON_IsObject(sf)) {
				const cJSON *libs = cJSON_GetObjectItemCaseSensitive(sf,
									"libraries");

				check_libraries(&c, libs, exists);
				check_compartments(&c, cJSON_GetObjectItemCaseSensitive(sf,
						   "compartments"), libs);
			}
		}
		/* the reader has the full rules: its first error, with the
		 * line of the value it is about */
		if (!c.err && !c.r->nerrors) {
			rc = policy__parse_doc(doc, "", &p, &e, err, sizeof(err));
			if (rc == -ENOMEM) {
				c.err = rc;
			} else if (rc) {
				diag(&c, CHECK_ERROR, NULL, "%s",
				     e.message[0] ? e.message : err);
				if (!c.err)
					c.r->diags[c.r->n - 1].line = e.line;
			}
			policy__free(p);
		}
	}
	jsonpos__free(doc);
	if (c.err) {
		check__free(c.r);
		return c.err;
	}
	*out = c.r;
	return 0;
}

void check__free(struct check_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->diags[i].msg);
	free(r->diags);
	free(r);
}
