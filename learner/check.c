/* check.c - policy validation with file:line diagnostics (see check.h).
 *
 * Two passes.  First our own walk over the cJSON tree, which keeps going
 * after a problem so one run reports all of them: unknown syscall names
 * (with a suggestion), unknown groups, duplicate names within a library,
 * duplicate libraries, compartment members the policy does not have, and
 * libraries missing on this machine (warnings).  Then, if the walk found
 * no error, policy__parse() as the final word: its first error (types,
 * keys, evidence, argument conditions...) is reported with the line of
 * the JSON path it names.
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
#include "policy.h"
#include "policy_read.h"
#include "syscalls.h"

/* ---- locator ------------------------------------------------------------ */

#define LOC_DEPTH 16

struct comp {
	const char *key;  /* NULL for an index */
	size_t keylen;
	long idx;
};

struct loc {
	const char *s;
	size_t len, pos;
	unsigned line;
	struct comp target[LOC_DEPTH];
	size_t ntarget;
	struct comp stack[LOC_DEPTH];
	size_t depth;
	unsigned found;
	int budget;       /* recursion guard */
};

/* Split "a.b[2].c" into components; -1 when malformed or too deep. */
static int split_path(const char *path, struct comp *out, size_t cap)
{
	size_t n = 0;
	const char *p = path;

	while (*p) {
		if (n == cap)
			return -1;
		if (*p == '[') {
			char *end;
			long v = strtol(p + 1, &end, 10);

			if (end == p + 1 || *end != ']' || v < 0)
				return -1;
			out[n].key = NULL;
			out[n].idx = v;
			n++;
			p = end + 1;
		} else {
			size_t k;

			if (*p == '.')
				p++;
			k = strcspn(p, ".[");
			if (!k)
				return -1;
			out[n].key = p;
			out[n].keylen = k;
			out[n].idx = -1;
			n++;
			p += k;
		}
	}
	return (int)n;
}

static void loc_ws(struct loc *l)
{
	while (l->pos < l->len && strchr(" \t\r\n", l->s[l->pos])) {
		if (l->s[l->pos] == '\n')
			l->line++;
		l->pos++;
	}
}

static bool loc_match(const struct loc *l)
{
	if (l->depth != l->ntarget)
		return false;
	for (size_t i = 0; i < l->depth; i++) {
		const struct comp *a = &l->stack[i], *b = &l->target[i];

		if (!a->key != !b->key)
			return false;
		if (!a->key ? a->idx != b->idx :
		    (a->keylen != b->keylen || memcmp(a->key, b->key, a->keylen)))
			return false;
	}
	return true;
}

/* Skip a string starting at '"'; key and klen get its raw contents. */
static bool loc_string(struct loc *l, const char **key, size_t *klen)
{
	size_t start;

	if (l->pos >= l->len || l->s[l->pos] != '"')
		return false;
	start = ++l->pos;
	while (l->pos < l->len && l->s[l->pos] != '"') {
		if (l->s[l->pos] == '\n')
			return false;
		l->pos += l->s[l->pos] == '\\' ? 2 : 1;
	}
	if (l->pos >= l->len)
		return false;
	if (key) {
		*key = l->s + start;
		*klen = l->pos - start;
	}
	l->pos++;
	return true;
}

static bool loc_value(struct loc *l);

static bool loc_push(struct loc *l, const char *key, size_t klen, long idx)
{
	if (l->depth == LOC_DEPTH)
		return false;
	l->stack[l->depth].key = key;
	l->stack[l->depth].keylen = klen;
	l->stack[l->depth].idx = idx;
	l->depth++;
	return true;
}

static bool loc_container(struct loc *l, bool object)
{
	char close = object ? '}' : ']';
	long idx = 0;

	l->pos++;
	loc_ws(l);
	if (l->pos < l->len && l->s[l->pos] == close) {
		l->pos++;
		return true;
	}
	for (;;) {
		const char *key = NULL;
		size_t klen = 0;
		bool ok;

		loc_ws(l);
		if (object) {
			if (!loc_string(l, &key, &klen))
				return false;
			loc_ws(l);
			if (l->pos >= l->len || l->s[l->pos] != ':')
				return false;
			l->pos++;
		}
		if (!loc_push(l, key, klen, object ? -1 : idx++))
			return false;
		ok = loc_value(l);
		l->depth--;
		if (!ok || l->found)
			return ok;
		loc_ws(l);
		if (l->pos < l->len && l->s[l->pos] == ',') {
			l->pos++;
			continue;
		}
		if (l->pos < l->len && l->s[l->pos] == close) {
			l->pos++;
			return true;
		}
		return false;
	}
}

static bool loc_value(struct loc *l)
{
	bool ok;

	if (--l->budget < 0)
		return false;
	loc_ws(l);
	if (l->pos >= l->len)
		return false;
	if (loc_match(l)) {
		l->found = l->line;
		return true;
	}
	switch (l->s[l->pos]) {
	case '{':
		ok = loc_container(l, true);
		break;
	case '[':
		ok = loc_container(l, false);
		break;
	case '"':
		ok = loc_string(l, NULL, NULL);
		break;
	default:
		while (l->pos < l->len && !strchr(",]} \t\r\n", l->s[l->pos]))
			l->pos++;
		ok = true;
	}
	l->budget++;
	return ok;
}

unsigned check__locate(const char *buf, size_t len, const char *path)
{
	struct loc l = { .s = buf, .len = len, .line = 1, .budget = 64 };
	int n;

	if (!buf || !path)
		return 0;
	n = split_path(path, l.target, LOC_DEPTH);
	if (n < 0)
		return 0;
	l.ntarget = (size_t)n;
	loc_value(&l);
	return l.found;
}

/* ---- diagnostics -------------------------------------------------------- */

struct ctx {
	const char *buf;
	size_t len;
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
	nd[c->r->n].line = path ? check__locate(c->buf, c->len, path) : 0;
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

/* First JSON path in msg that the text has: its line, or 0. */
static unsigned line_of_message(const char *buf, size_t len, const char *msg)
{
	for (const char *p = msg; *p; p++) {
		char tok[256];
		size_t n;
		unsigned line;

		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) ||
		    (p > msg && (p[-1] == '\'' || p[-1] == '_' ||
				 (p[-1] >= 'a' && p[-1] <= 'z'))))
			continue;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			      "0123456789_.[]");
		while (n && p[n - 1] == '.')
			n--;
		if (!n || n >= sizeof(tok) ||
		    (!memchr(p, '[', n) && !memchr(p, '.', n)))
			continue;
		memcpy(tok, p, n);
		tok[n] = '\0';
		line = check__locate(buf, len, tok);
		if (line)
			return line;
	}
	return 0;
}

int check__text(const char *buf, size_t len, check_exists_fn exists,
		struct check_result **out)
{
	struct ctx c = { buf, len, NULL, 0 };
	struct policy *p = NULL;
	char err[512] = "";
	cJSON *root = NULL;
	int rc;

	if (!out || (!buf && len))
		return -EINVAL;
	c.r = calloc(1, sizeof(*c.r));
	if (!c.r)
		return -ENOMEM;
	if (len && !memchr(buf, 0, len))
		root = cJSON_ParseWithLength(buf, len);
	if (root && cJSON_IsObject(root)) {
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
	cJSON_Delete(root);
	if (!c.err && !c.r->nerrors) {
		/* policy__parse has the full rules; "<>" stands for the file
		 * name and is cut off again */
		rc = policy__parse(buf, len, "<>", &p, err, sizeof(err));
		if (rc == -ENOMEM) {
			c.err = rc;
		} else if (rc) {
			const char *m = err;
			unsigned line = 0, col = 0;
			int used = 0;

			if (!strncmp(m, "<>:", 3) &&
			    sscanf(m + 3, "%u:%n", &line, &used) == 1 && used &&
			    !(m[3 + used] >= '0' && m[3 + used] <= '9')) {
				/* "<>:LINE: message" (policy_read.c knows the line) */
				m += 3 + used;
				while (*m == ' ')
					m++;
				diag(&c, CHECK_ERROR, NULL, "%s", m);
				if (!c.err)
					c.r->diags[c.r->n - 1].line = line;
			} else if (!strncmp(m, "<>:", 3) &&
			    sscanf(m + 3, "%u:%u:", &line, &col) == 2) {
				m = strchr(m + 3, ':');
				m = m ? strchr(m + 1, ':') : NULL;
				m = m ? m + 1 : err;
				while (*m == ' ')
					m++;
				diag(&c, CHECK_ERROR, NULL, "%s (column %u)", m, col);
				if (!c.err)
					c.r->diags[c.r->n - 1].line = line;
			} else {
				if (!strncmp(m, "<>: ", 4))
					m += 4;
				diag(&c, CHECK_ERROR, NULL, "%s", m);
				if (!c.err)
					c.r->diags[c.r->n - 1].line =
						line_of_message(buf, len, m);
			}
		}
		policy__free(p);
	}
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
