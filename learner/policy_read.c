/* policy_read.c - the validating JSON reader of policies: every error
 * names the JSON path (and the line when known).  File format:
 * docs/policy-format.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "capability.h"
#include "fileio.h"
#include "generalize.h"
#include "objects.h"
#include "groups.h"
#include "jsonpos.h"
#include "policy.h"
#include "policy_internal.h"
#include "policy_read.h"
#include "syscalls.h"
#include "util.h"

/* ---- JSON reader -------------------------------------------------------- */

struct pctx {
	const char *name;
	char *err;
	size_t errlen;
	const struct jsonpos *doc; /* positions of the values */
	struct json_error *e;      /* the first error, structured */
};

/* Record the error (structured, at node when given) and its one-line form:
 * "NAME:LINE: msg" when line_in_text and the line is known, else
 * "NAME: msg". */
static int perr_msg(struct pctx *c, const cJSON *node, bool line_in_text,
		    const char *msg)
{
	json_error__at(c->e, c->doc, node, "%s", msg);
	if (line_in_text && c->e->line)
		util__errf(c->err, c->errlen, "%s:%u: %s", c->name, c->e->line, msg);
	else
		util__errf(c->err, c->errlen, "%s: %s", c->name, msg);
	return -EINVAL;
}

/* An error at node, its line in the text: "p.json:42: path: msg". */
__attribute__((format(printf, 3, 4)))
static int perr_at(struct pctx *c, const cJSON *node, const char *fmt, ...)
{
	char msg[JSON_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return perr_msg(c, node, true, msg);
}

/* An error at node whose one-line form names only the JSON path (as the
 * message always has): "p.json: path: msg"; the structured error still
 * has the node's line and column. */
__attribute__((format(printf, 3, 4)))
static int perr_on(struct pctx *c, const cJSON *node, const char *fmt, ...)
{
	char msg[JSON_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return perr_msg(c, node, false, msg);
}

/* JSON paths: silently truncated (messages stay one line, bounded). */
__attribute__((format(printf, 3, 4)))
static void pathf(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

static const char *const known_actions[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
	"SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",
	"SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};

/* Architecture names of the OCI runtime spec. */
static const char *const known_archs[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
	"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
	"SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH",
	"SCMP_ARCH_SHEB", NULL,
};

/* x86_64 and the sub-architectures an x86_64 kernel also runs */
static const char *const native_archs[] = {
	"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* Reject duplicate keys and, when allowed is non-NULL, unknown keys. */
static int check_keys(struct pctx *c, const cJSON *obj, const char *path,
		      const char *const *allowed)
{
	for (const cJSON *it = obj->child; it; it = it->next) {
		if (cJSON_GetObjectItemCaseSensitive(obj, it->string) != it)
			return perr_on(c, obj, "%s: duplicate key '%s'",
				    *path ? path : "(root)", it->string);
		if (allowed && !in_list(allowed, it->string))
			return perr_on(c, it, "%s%s%s: unknown key", path,
				    *path ? "." : "", it->string);
	}
	return 0;
}

/* Optional string member: NULL when absent (or null, if nullable). */
static int get_str(struct pctx *c, const cJSON *obj, const char *path,
		   const char *key, bool required, bool nullable,
		   const char **out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *dot = *path ? "." : "";

	*out = NULL;
	if (!it) {
		if (required)
			return perr_on(c, obj, "%s%s%s: missing", path, dot, key);
		return 0;
	}
	if (cJSON_IsNull(it) && nullable)
		return 0;
	if (!cJSON_IsString(it))
		return perr_on(c, it, "%s%s%s: expected a string%s", path, dot, key,
			    nullable ? " or null" : "");
	*out = it->valuestring;
	return 0;
}

static int get_uint(struct pctx *c, const cJSON *it, const char *path,
		    uint64_t *out)
{
	double v;

	if (!cJSON_IsNumber(it))
		return perr_on(c, it, "%s: expected a non-negative integer", path);
	v = it->valuedouble;
	if (!(v >= 0 && v <= MAX_EXACT_COUNT) || (double)(uint64_t)v != v)
		return perr_on(c, it, "%s: expected a non-negative integer (at most "
			    "2^53)", path);
	*out = (uint64_t)v;
	return 0;
}

/* Resolve one name at path, with the error contract of policy files. */
static int resolve_at(struct pctx *c, const cJSON *it, const char *path,
		      uint32_t *nrs, size_t cap)
{
	char msg[192];
	int n;

	if (!cJSON_IsString(it))
		return perr_on(c, it, "%s: expected a string", path);
	n = policy__resolve_name(it->valuestring, nrs, cap, msg, sizeof(msg));
	if (n >= 0)
		return n;
	if (it->valuestring[0] == '@') {
		const char *hint = groups__suggest(it->valuestring);

		if (hint)
			return perr_on(c, it, "unknown group '%s' at %s; did you mean "
				    "'%s'?", it->valuestring, path, hint);
		return perr_on(c, it, "unknown group '%s' at %s", it->valuestring, path);
	}
	{
		const char *hint = syscall__suggest(it->valuestring);

		if (hint)
			return perr_on(c, it, "unknown syscall name '%s' at %s; did you "
				    "mean '%s'?", it->valuestring, path, hint);
	}
	return perr_on(c, it, "unknown syscall name '%s' at %s", it->valuestring,
		    path);
}

/* A non-negative integer up to 2^64-1, exactly (from the text). */
static int get_u64(struct pctx *c, const cJSON *it, const char *path,
		   uint64_t *out)
{
	const char *d = jsonpos__text(c->doc, it);
	uint64_t x = 0;

	if (!cJSON_IsNumber(it))
		return perr_at(c, it, "%s: expected a non-negative integer", path);
	if (!d) { /* no positions: doubles are exact up to 2^53 */
		uint64_t u;
		int rc = get_uint(c, it, path, &u);

		*out = u;
		return rc;
	}
	if (*d < '0' || *d > '9')
		return perr_at(c, it, "%s: expected a non-negative integer", path);
	for (; *d >= '0' && *d <= '9'; d++) {
		if (x > (UINT64_MAX - (uint64_t)(*d - '0')) / 10)
			return perr_at(c, it, "%s: integer larger than 2^64-1",
				       path);
		x = x * 10 + (uint64_t)(*d - '0');
	}
	if (*d == '.' || *d == 'e' || *d == 'E')
		return perr_at(c, it, "%s: expected a non-negative integer", path);
	*out = x;
	return 0;
}

/* Argument conditions collected per syscall of one library. */
struct sc_alts {
	struct arg_alt *v;
	size_t n, cap;
	unsigned widened;   /* argument indexes marked widened */
	bool uncond;        /* also in an entry without conditions */
	const cJSON *where; /* first conditional entry (for messages) */
	/* inferred parts (the entries with "inferred_from"): their sources */
	uint64_t from[POLICY_FROM_WORDS];
	bool from_any;
};

static const char *const known_ops[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

/* "args" and (library rules) "widened" of one rule.  *alt gets the
 * conditions (strict only), *widened the widened argument mask;
 * *cond = the rule has conditions or widened arguments. */
static int parse_args(struct pctx *c, const cJSON *rule, const char *p,
		      bool strict, struct arg_alt *alt, unsigned *widened,
		      bool *cond)
{
	static const char *const arg_keys[] = {
		"index", "value", "valueTwo", "op", NULL,
	};
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(rule, "args");
	const cJSON *wid = strict ? cJSON_GetObjectItemCaseSensitive(rule, "widened")
				  : NULL;
	char ap[320], fp[340];
	size_t i = 0;
	int rc;

	alt->n = 0;
	*widened = 0;
	*cond = false;
	if (args && !cJSON_IsNull(args)) {
		if (!cJSON_IsArray(args))
			return perr_at(c, args, "%s.args: expected an array", p);
		for (const cJSON *a = args->child; a; a = a->next, i++) {
			const cJSON *f;
			const char *op;
			uint64_t idx, v1, v2 = 0;

			pathf(ap, sizeof(ap), "%s.args[%zu]", p, i);
			if (!cJSON_IsObject(a))
				return perr_at(c, a, "%s: expected an object", ap);
			if ((rc = check_keys(c, a, ap, arg_keys)))
				return rc;
			f = cJSON_GetObjectItemCaseSensitive(a, "index");
			pathf(fp, sizeof(fp), "%s.index", ap);
			if (!f)
				return perr_at(c, a, "%s: missing", fp);
			if ((rc = get_u64(c, f, fp, &idx)))
				return rc;
			if (idx > 5)
				return perr_at(c, f, "%s: argument index %llu is out "
					       "of range (0..5)", fp,
					       (unsigned long long)idx);
			f = cJSON_GetObjectItemCaseSensitive(a, "value");
			pathf(fp, sizeof(fp), "%s.value", ap);
			if (!f)
				return perr_at(c, a, "%s: missing", fp);
			if ((rc = get_u64(c, f, fp, &v1)))
				return rc;
			f = cJSON_GetObjectItemCaseSensitive(a, "valueTwo");
			pathf(fp, sizeof(fp), "%s.valueTwo", ap);
			if (f && (rc = get_u64(c, f, fp, &v2)))
				return rc;
			f = cJSON_GetObjectItemCaseSensitive(a, "op");
			pathf(fp, sizeof(fp), "%s.op", ap);
			if (!f)
				return perr_at(c, a, "%s: missing", fp);
			if (!cJSON_IsString(f))
				return perr_at(c, f, "%s: expected a string", fp);
			op = f->valuestring;
			if (!in_list(known_ops, op))
				return perr_at(c, f, "%s: unknown op '%s' (expected "
					       "SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ, "
					       "SCMP_CMP_NE, _LT, _LE, _GE or _GT)",
					       fp, op);
			if (!strcmp(op, "SCMP_CMP_MASKED_EQ") && (v2 & ~v1))
				return perr_at(c, a, "%s: impossible condition: "
					       "valueTwo 0x%llx has bits outside "
					       "the mask (value) 0x%llx, it never "
					       "matches", ap, (unsigned long long)v2,
					       (unsigned long long)v1);
			if (!strict)
				continue;
			if (strcmp(op, "SCMP_CMP_MASKED_EQ") &&
			    strcmp(op, "SCMP_CMP_EQ"))
				return perr_at(c, f, "%s: library rules use "
					       "SCMP_CMP_EQ or SCMP_CMP_MASKED_EQ, "
					       "not %s", fp, op);
			if (alt->n == SF_ARG_SLOTS)
				return perr_at(c, a, "%s: at most %d conditions "
					       "per entry (sysfence records at "
					       "most %d arguments of a syscall)",
					       ap, SF_ARG_SLOTS, SF_ARG_SLOTS);
			alt->c[alt->n++] = (struct arg_cond){
				(uint8_t)idx,
				!strcmp(op, "SCMP_CMP_EQ") ? ARGC_EQ : ARGC_MASKED_EQ,
				v1, !strcmp(op, "SCMP_CMP_EQ") ? 0 : v2,
			};
		}
	}
	/* conditions sorted by argument index */
	if (alt->n == 2 && alt->c[0].idx > alt->c[1].idx) {
		struct arg_cond t = alt->c[0];

		alt->c[0] = alt->c[1];
		alt->c[1] = t;
	}
	if (wid) {
		i = 0;
		if (!cJSON_IsArray(wid))
			return perr_at(c, wid, "%s.widened: expected an array of "
				       "argument indexes", p);
		for (const cJSON *w = wid->child; w; w = w->next, i++) {
			uint64_t idx;

			pathf(ap, sizeof(ap), "%s.widened[%zu]", p, i);
			if ((rc = get_u64(c, w, ap, &idx)))
				return rc;
			if (idx > 5)
				return perr_at(c, w, "%s: argument index %llu is out "
					       "of range (0..5)", ap,
					       (unsigned long long)idx);
			*widened |= 1u << idx;
		}
	}
	*cond = alt->n || *widened;
	return 0;
}

static int alts_push(struct sc_alts *a, const struct arg_alt *alt,
		     const cJSON *where)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 4;
		struct arg_alt *nv;

		if (a->n >= GEN_MAX_ALTS)
			return -E2BIG;
		nv = realloc(a->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		a->v = nv;
		a->cap = cap;
	}
	a->v[a->n++] = *alt;
	if (!a->where)
		a->where = where;
	return 0;
}

/* A seccomp rule list: [ { "names": [...], "action": "..." } ].
 * seen (SYSCALL_NR_MAX entries) collects the numbers; when strict
 * (library rules) names may appear once, action must be SCMP_ACT_ALLOW
 * and no other keys are allowed. */
/* "inferred_from": ["*" | syscall name, ...] of a library rule (capability.c):
 * the sources, as a bitmap and "*".  0 or a parse error. */
static int parse_inferred_from(struct pctx *c, const cJSON *it, const char *p,
			       uint64_t *from, bool *any)
{
	char fp[320];
	size_t i = 0;

	memset(from, 0, POLICY_FROM_WORDS * sizeof(*from));
	*any = false;
	if (!cJSON_IsArray(it))
		return perr_at(c, it, "%s.inferred_from: expected an array of "
			       "syscall names", p);
	if (!it->child)
		return perr_at(c, it, "%s.inferred_from: expected at least one "
			       "syscall name (or \"*\")", p);
	for (const cJSON *s = it->child; s; s = s->next, i++) {
		int nr;

		pathf(fp, sizeof(fp), "%s.inferred_from[%zu]", p, i);
		if (!cJSON_IsString(s))
			return perr_at(c, s, "%s: expected a string", fp);
		if (!strcmp(s->valuestring, "*")) {
			*any = true;
			continue;
		}
		nr = syscall__nr(s->valuestring);
		if (nr < 0 || nr >= SYSCALL_NR_MAX) {
			const char *hint = syscall__suggest(s->valuestring);

			if (hint)
				return perr_at(c, s, "%s: unknown syscall name '%s'; "
					       "did you mean '%s'?", fp,
					       s->valuestring, hint);
			return perr_at(c, s, "%s: unknown syscall name '%s'", fp,
				       s->valuestring);
		}
		from[nr / 64] |= 1ULL << (nr % 64);
	}
	return 0;
}

/* acc (library rules): SYSCALL_NR_MAX entries for the observed parts,
 * then SYSCALL_NR_MAX for the inferred parts (entries with
 * "inferred_from"). */
static int parse_rules(struct pctx *c, const cJSON *arr, const char *path,
		       bool strict, bool *seen, struct sc_alts *acc)
{
	static const char *const rule_keys[] = {
		"names", "action", "args", "widened", "inferred_from", NULL,
	};
	/* names written out (not via a group): a name twice is an error, a
	 * name that a group also covers is not */
	bool named[SYSCALL_NR_MAX] = { false };
	char p[256];
	size_t i = 0;

	if (!cJSON_IsArray(arr))
		return perr_on(c, arr, "%s: expected an array", path);
	for (const cJSON *rule = arr->child; rule; rule = rule->next, i++) {
		const cJSON *names;
		const char *action;
		struct arg_alt alt;
		unsigned widened;
		bool cond, inferred = false, from_any = false;
		uint64_t from[POLICY_FROM_WORDS];
		size_t j = 0;
		int rc;

		pathf(p, sizeof(p), "%s[%zu]", path, i);
		if (!cJSON_IsObject(rule))
			return perr_on(c, rule, "%s: expected an object", p);
		if ((rc = check_keys(c, rule, p, strict ? rule_keys : NULL)))
			return rc;
		if ((rc = get_str(c, rule, p, "action", true, false, &action)))
			return rc;
		if (!in_list(known_actions, action))
			return perr_on(c, cJSON_GetObjectItemCaseSensitive(rule, "action"), "%s.action: unknown action '%s'", p, action);
		if (strict && strcmp(action, ALLOW_ACTION) != 0)
			return perr_on(c, cJSON_GetObjectItemCaseSensitive(rule, "action"), "%s.action: expected %s (library rules only "
				    "allow)", p, ALLOW_ACTION);
		if ((rc = parse_args(c, rule, p, strict, &alt, &widened, &cond)))
			return rc;
		{
			const cJSON *inf = strict ? cJSON_GetObjectItemCaseSensitive(
					rule, "inferred_from") : NULL;

			inferred = inf != NULL;
			if (inf && (rc = parse_inferred_from(c, inf, p, from,
							     &from_any)))
				return rc;
		}
		names = cJSON_GetObjectItemCaseSensitive(rule, "names");
		if (!names)
			return perr_on(c, rule, "%s.names: missing", p);
		if (!cJSON_IsArray(names))
			return perr_on(c, names, "%s.names: expected an array", p);
		for (const cJSON *nm = names->child; nm; nm = nm->next, j++) {
			uint32_t nrs[SYSCALL_NR_MAX];
			char np[300];
			int n;

			pathf(np, sizeof(np), "%s.names[%zu]", p, j);
			n = resolve_at(c, nm, np, nrs, SYSCALL_NR_MAX);
			if (n < 0)
				return n;
			for (int k = 0; k < n && k < SYSCALL_NR_MAX; k++) {
				bool group = nm->valuestring[0] == '@';
				struct sc_alts *a;

				/* entries with conditions repeat names:
				 * one entry per alternative */
				if (strict && !group && !cond && named[nrs[k]])
					return perr_on(c, nm, "duplicate syscall name "
						    "'%s' at %s", nm->valuestring,
						    np);
				if (!group && !cond)
					named[nrs[k]] = true;
				seen[nrs[k]] = true;
				if (!acc)
					continue;
				a = &acc[nrs[k] + (inferred ? SYSCALL_NR_MAX : 0)];
				if (inferred) {
					for (unsigned w = 0; w < POLICY_FROM_WORDS; w++)
						a->from[w] |= from[w];
					a->from_any |= from_any;
				}
				if (!cond) {
					a->uncond = true;
					continue;
				}
				a->widened |= widened;
				rc = alts_push(a, &alt, rule);
				if (rc == -E2BIG)
					return perr_at(c, rule, "%s: more than %d "
						       "entries for '%s'", p,
						       GEN_MAX_ALTS,
						       nm->valuestring);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

static int parse_evidence(struct pctx *c, const cJSON *ev, const char *path,
			  struct policy *p, size_t li, const bool *seen,
			  const bool *inferred_only)
{
	static const char *const ev_keys[] = { "count", "site", "source", NULL };
	int rc;

	if (!cJSON_IsObject(ev))
		return perr_on(c, ev, "%s: expected an object", path);
	if ((rc = check_keys(c, ev, path, NULL)))
		return rc;
	for (const cJSON *it = ev->child; it; it = it->next) {
		const cJSON *cnt, *src;
		const char *site;
		uint64_t count = 0;
		char ep[300], cp[320];
		int nr = syscall__nr(it->string);

		pathf(ep, sizeof(ep), "%s.%s", path, it->string);
		if (nr < 0)
			return perr_on(c, it, "%s: unknown syscall name '%s'", ep,
				    it->string);
		if (!seen[nr])
			return perr_on(c, it, "%s: '%s' is not in this library's syscalls",
				    ep, it->string);
		if (!cJSON_IsObject(it))
			return perr_on(c, it, "%s: expected an object", ep);
		if ((rc = check_keys(c, it, ep, ev_keys)))
			return rc;
		cnt = cJSON_GetObjectItemCaseSensitive(it, "count");
		pathf(cp, sizeof(cp), "%s.count", ep);
		if (cnt && (rc = get_uint(c, cnt, cp, &count)))
			return rc;
		if ((rc = get_str(c, it, ep, "site", false, true, &site)))
			return rc;
		if (inferred_only[nr] && (count || site))
			return perr_on(c, it, "%s: '%s' has only inferred rules "
				    "(inferred_from); evidence is for observed "
				    "calls", ep, it->string);
		src = cJSON_GetObjectItemCaseSensitive(it, "source");
		if (src && (!cJSON_IsString(src) || strcmp(src->valuestring, "log")))
			return perr_on(c, src, "%s.source: expected \"log\" (a rule folded back from "
				    "a violation log)", ep);
		rc = policy__add_syscall(p, li, (uint32_t)nr, count, site);
		if (rc)
			return rc;
		if (src) {
			struct policy_lib *l = &p->libs[li];

			for (size_t k = 0; k < l->nsyscalls; k++)
				if (l->syscalls[k].nr == (uint32_t)nr)
					l->syscalls[k].from_log = 1;
		}
	}
	return 0;
}

/* "paths": [{"path", "access": [...], "inferred"?}], "ports": [{"port",
 * "access": ["bind"|"connect"], "addresses": [...]}] (issue 17). */
static const char *const inferred_marks[] = { "system", "directory", "per-run-name", NULL };

/* "inferred_from": ["rule"] of a path or port: the one rule's name, or
 * NULL when absent. */
static int get_mark(struct pctx *c, const cJSON *e, const char *sub, const char **out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(e, "inferred_from");

	*out = NULL;
	if (!it)
		return 0;
	if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 1 || !cJSON_IsString(it->child))
		return perr_on(c, it, "%s.inferred_from: expected an array of one name", sub);
	*out = it->child->valuestring;
	return 0;
}

/* "source": "log" (a rule folded back from a violation log), optional */
static int get_source(struct pctx *c, const cJSON *e, const char *sub, bool *from_log)
{
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(e, "source");

	*from_log = false;
	if (!src)
		return 0;
	if (!cJSON_IsString(src) || strcmp(src->valuestring, "log"))
		return perr_on(c, src, "%s.source: expected \"log\"", sub);
	*from_log = true;
	return 0;
}

static int parse_objects(struct pctx *c, const cJSON *obj, const char *path,
			 struct policy_objs *o)
{
	static const char *const path_keys[] = { "path", "access", "inferred_from", "source",
						  NULL };
	static const char *const port_keys[] = { "port", "last", "access", "addresses",
						  "inferred_from", "source", NULL };
	const cJSON *arr;
	char sub[340];
	size_t i;
	int rc;

	arr = cJSON_GetObjectItemCaseSensitive(obj, "paths");
	if (arr && !cJSON_IsArray(arr))
		return perr_on(c, arr, "%s.paths: expected an array", path);
	i = 0;
	for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next, i++) {
		const char *pp, *inf = NULL, *mark = NULL;
		const cJSON *acc;
		uint32_t access = 0;
		bool from_log = false;

		pathf(sub, sizeof(sub), "%s.paths[%zu]", path, i);
		if (!cJSON_IsObject(e))
			return perr_on(c, e, "%s: expected an object", sub);
		if ((rc = check_keys(c, e, sub, path_keys)) ||
		    (rc = get_str(c, e, sub, "path", true, false, &pp)) ||
		    (rc = get_mark(c, e, sub, &inf)))
			return rc;
		if (pp[0] != '/')
			return perr_on(c, e, "%s.path: expected an absolute path", sub);
		for (size_t k = 0; inf && inferred_marks[k]; k++)
			if (!strcmp(inf, inferred_marks[k]))
				mark = inferred_marks[k];
		if (inf && !mark)
			return perr_on(c, e, "%s.inferred_from: expected one of system, directory, "
				    "per-run-name", sub);
		acc = cJSON_GetObjectItemCaseSensitive(e, "access");
		if (!cJSON_IsArray(acc) || !acc->child)
			return perr_on(c, e, "%s.access: expected a non-empty array", sub);
		for (const cJSON *a = acc->child; a; a = a->next) {
			uint32_t bit = cJSON_IsString(a) ? objects__access_parse(a->valuestring) : 0;

			if (!bit)
				return perr_on(c, a, "%s.access: unknown access '%s'", sub,
					    cJSON_IsString(a) ? a->valuestring : "?");
			access |= bit;
		}
		if ((rc = get_source(c, e, sub, &from_log)))
			return rc;
		if ((rc = objects__add_path(o, pp, access, mark)))
			return rc;
		if (from_log)
			objects__mark_path_log(o, pp);
	}
	arr = cJSON_GetObjectItemCaseSensitive(obj, "ports");
	if (arr && !cJSON_IsArray(arr))
		return perr_on(c, arr, "%s.ports: expected an array", path);
	i = 0;
	for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next, i++) {
		const cJSON *it;
		const char *inf = NULL;
		uint64_t port, last = 0;
		uint8_t access = 0, addrs = 0;
		bool from_log = false;

		pathf(sub, sizeof(sub), "%s.ports[%zu]", path, i);
		if (!cJSON_IsObject(e))
			return perr_on(c, e, "%s: expected an object", sub);
		if ((rc = check_keys(c, e, sub, port_keys)))
			return rc;
		it = cJSON_GetObjectItemCaseSensitive(e, "port");
		if (!it)
			return perr_on(c, e, "%s.port: missing", sub);
		pathf(sub, sizeof(sub), "%s.ports[%zu].port", path, i);
		if ((rc = get_uint(c, it, sub, &port)))
			return rc;
		if (port > 65535)
			return perr_on(c, e, "%s: expected a port number (0-65535)", sub);
		pathf(sub, sizeof(sub), "%s.ports[%zu]", path, i);
		it = cJSON_GetObjectItemCaseSensitive(e, "last");
		if (it) {
			char lsub[360];

			pathf(lsub, sizeof(lsub), "%s.last", sub);
			if ((rc = get_uint(c, it, lsub, &last)))
				return rc;
			if (last > 65535 || last <= port)
				return perr_on(c, it, "%s: expected a port above port (at most 65535)",
					    lsub);
		}
		if ((rc = get_mark(c, e, sub, &inf)))
			return rc;
		if (inf && strcmp(inf, "ephemeral"))
			return perr_on(c, e, "%s.inferred_from: expected [\"ephemeral\"]", sub);
		it = cJSON_GetObjectItemCaseSensitive(e, "access");
		if (!cJSON_IsArray(it) || !it->child)
			return perr_on(c, it, "%s.access: expected a non-empty array", sub);
		for (const cJSON *a = it->child; a; a = a->next) {
			if (cJSON_IsString(a) && !strcmp(a->valuestring, "bind"))
				access |= PORT_BIND;
			else if (cJSON_IsString(a) && !strcmp(a->valuestring, "connect"))
				access |= PORT_CONNECT;
			else
				return perr_on(c, a, "%s.access: expected bind or connect", sub);
		}
		it = cJSON_GetObjectItemCaseSensitive(e, "addresses");
		if (it && !cJSON_IsArray(it))
			return perr_on(c, it, "%s.addresses: expected an array", sub);
		for (const cJSON *a = it ? it->child : NULL; a; a = a->next) {
			const char *v = cJSON_IsString(a) ? a->valuestring : "";

			if (!strcmp(v, "any"))
				addrs |= ADDR_ANY;
			else if (!strcmp(v, "loopback"))
				addrs |= ADDR_LOOPBACK;
			else if (!strcmp(v, "other"))
				addrs |= ADDR_OTHER;
			else
				return perr_on(c, a, "%s.addresses: expected any, loopback or other",
					    sub);
		}
		if ((rc = get_source(c, e, sub, &from_log)))
			return rc;
		if ((rc = from_log ? objects__add_port_log(o, (uint16_t)port, (uint16_t)last,
							   access, addrs)
				   : objects__add_port(o, (uint16_t)port, (uint16_t)last, access,
						       addrs)))
			return rc;
	}
	return objects__canonicalize(o);
}

static int parse_library(struct pctx *c, const cJSON *lib, const char *path,
			 struct policy *p)
{
	static const char *const lib_keys[] = {
		"path", "buildId", "kind", "syscalls", "evidence", "paths", "ports", NULL,
	};
	bool seen[SYSCALL_NR_MAX] = { false };
	bool inferred_only[SYSCALL_NR_MAX] = { false };
	struct sc_alts *acc = NULL;
	const char *lpath, *bid, *kind;
	const cJSON *rules, *ev, *it;
	char sub[300];
	uint32_t k;
	int rc, li;

	if (!cJSON_IsObject(lib))
		return perr_on(c, lib, "%s: expected an object", path);
	if ((rc = check_keys(c, lib, path, lib_keys)) ||
	    (rc = get_str(c, lib, path, "path", true, false, &lpath)) ||
	    (rc = get_str(c, lib, path, "buildId", false, true, &bid)))
		return rc;
	if (!*lpath)
		return perr_on(c, cJSON_GetObjectItemCaseSensitive(lib, "path"), "%s.path: expected a non-empty string", path);
	it = cJSON_GetObjectItemCaseSensitive(lib, "kind");
	if (!it)
		return perr_on(c, lib, "%s.kind: missing", path);
	kind = cJSON_IsString(it) ? it->valuestring : "";
	k = (uint32_t)lib_kind__parse(kind);
	if (k >= LIB_KIND_COUNT)
		return perr_on(c, it, "%s.kind: expected one of executable, library, "
			    "bucket", path);
	li = lib_find(p, lpath, bid, k);
	if (li >= 0)
		return perr_on(c, lib, "%s: duplicate library (same path, buildId and "
			    "kind as sysfence.libraries[%d])", path, li);
	li = policy__add_lib(p, lpath, bid, k);
	if (li < 0)
		return li;

	rules = cJSON_GetObjectItemCaseSensitive(lib, "syscalls");
	pathf(sub, sizeof(sub), "%s.syscalls", path);
	if (!rules)
		return perr_on(c, lib, "%s: missing", sub);
	acc = calloc(2 * SYSCALL_NR_MAX, sizeof(*acc));
	if (!acc)
		return -ENOMEM;
	rc = parse_rules(c, rules, sub, true, seen, acc);
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX && !rc; nr++) {
		struct policy_syscall part[2], sc = { .nr = nr };
		bool has[2];
		char msg[256];

		if (!seen[nr])
			continue;
		/* [0] observed, [1] inferred part; an entry without conditions
		 * allows any arguments (seccomp: the first matching entry
		 * allows) */
		for (int pk = 0; pk < 2 && !rc; pk++) {
			const struct sc_alts *a = &acc[nr + (pk ? SYSCALL_NR_MAX : 0)];

			memset(&part[pk], 0, sizeof(part[pk]));
			part[pk].nr = nr;
			has[pk] = a->n || a->uncond;
			if (a->n && !a->uncond &&
			    gen__rules_from_alternatives(&part[pk], a->v, a->n,
							 a->widened, msg,
							 sizeof(msg)))
				rc = perr_at(c, a->where, "%s: %s", sub, msg);
		}
		if (rc)
			break;
		inferred_only[nr] = !has[0];
		capability__set_parts(&sc, has[0] ? &part[0] : NULL,
				      has[1] ? &part[1] : NULL,
				      acc[nr + SYSCALL_NR_MAX].from,
				      acc[nr + SYSCALL_NR_MAX].from_any);
		rc = add_syscall_full(p, (size_t)li, nr, 0, NULL, &sc,
				      GEN_MAX_VALUES_DEFAULT);
	}
	for (uint32_t nr = 0; nr < 2 * SYSCALL_NR_MAX; nr++)
		free(acc[nr].v);
	free(acc);
	if (rc)
		return rc;
	ev = cJSON_GetObjectItemCaseSensitive(lib, "evidence");
	pathf(sub, sizeof(sub), "%s.evidence", path);
	if (ev && (rc = parse_evidence(c, ev, sub, p, (size_t)li, seen,
				       inferred_only)))
		return rc;
	return parse_objects(c, lib, path, &p->libs[li].objs);
}

/* "compartments": [ { "name": "tls", "libraries": ["/abs/path", ...] } ] */
static int parse_compartments(struct pctx *c, const cJSON *arr,
			      struct policy *p)
{
	static const char *const keys[] = { "name", "libraries", NULL };
	char path[64], lp[96];
	size_t i = 0;
	int rc;

	if (!cJSON_IsArray(arr))
		return perr_on(c, arr, "sysfence.compartments: expected an array");
	for (const cJSON *it = arr->child; it; it = it->next, i++) {
		const cJSON *libs, *l;
		const char *name;
		size_t j = 0;

		pathf(path, sizeof(path), "sysfence.compartments[%zu]", i);
		if (!cJSON_IsObject(it))
			return perr_on(c, it, "%s: expected an object", path);
		if ((rc = check_keys(c, it, path, keys)) ||
		    (rc = get_str(c, it, path, "name", true, false, &name)))
			return rc;
		if (!compartment_name_ok(name))
			return perr_on(c, cJSON_GetObjectItemCaseSensitive(it, "name"), "%s.name: expected 1-64 characters of "
				    "A-Z a-z 0-9 _ . -", path);
		for (size_t k = 0; k < p->ncompartments; k++)
			if (!strcmp(p->compartments[k].name, name))
				return perr_on(c, cJSON_GetObjectItemCaseSensitive(it, "name"), "%s.name: duplicate compartment "
					    "'%s'", path, name);
		libs = cJSON_GetObjectItemCaseSensitive(it, "libraries");
		if (!libs)
			return perr_on(c, it, "%s.libraries: missing", path);
		if (!cJSON_IsArray(libs))
			return perr_on(c, libs, "%s.libraries: expected an array", path);
		if ((rc = policy__add_compartment(p, name, NULL, 0)))
			return rc == -EINVAL ? perr_on(c, it, "%s: invalid", path) : rc;
		for (l = libs->child; l; l = l->next, j++) {
			const char *lpath = cJSON_IsString(l) ? l->valuestring
							       : NULL;
			int o;

			pathf(lp, sizeof(lp), "%s.libraries[%zu]", path, j);
			if (!lpath || lpath[0] != '/')
				return perr_on(c, l, "%s: expected an absolute path (a "
					    "library is named by its full path, "
					    "never its basename)", lp);
			o = policy__compartment_of(p, lpath);
			if (o >= 0 && !strcmp(p->compartments[o].name, name))
				return perr_on(c, l, "%s: duplicate library '%s'", lp,
					    lpath);
			if (o >= 0)
				return perr_on(c, l, "%s: '%s' is already in compartment "
					    "'%s'", lp, lpath,
					    p->compartments[o].name);
			rc = policy__add_compartment(p, name, &lpath, 1);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int parse_sysfence(struct pctx *c, const cJSON *sf, struct policy *p)
{
	static const char *const sf_keys[] = {
		"version", "binary", "transparent", "runtimeBuckets",
		"libraries", "compartments", "floor", NULL,
	};
	static const char *const bin_keys[] = { "path", "buildId", NULL };
	const cJSON *it;
	uint64_t version;
	char path[64];
	size_t i;
	int rc;

	if (!cJSON_IsObject(sf))
		return perr_on(c, sf, "sysfence: expected an object");
	if ((rc = check_keys(c, sf, "sysfence", sf_keys)))
		return rc;
	it = cJSON_GetObjectItemCaseSensitive(sf, "version");
	if (!it)
		return perr_on(c, sf, "sysfence.version: missing");
	if ((rc = get_uint(c, it, "sysfence.version", &version)))
		return rc;
	if (version > POLICY_VERSION)
		return perr_on(c, it, "sysfence.version: policy version %llu is newer "
			    "than this sysfence supports (%u)",
			    (unsigned long long)version, POLICY_VERSION);
	if (version == 0)
		return perr_on(c, it, "sysfence.version: invalid version 0");
	p->version = (uint32_t)version;

	it = cJSON_GetObjectItemCaseSensitive(sf, "binary");
	if (it && !cJSON_IsNull(it)) {
		const char *bpath, *bid;

		if (!cJSON_IsObject(it))
			return perr_on(c, it, "sysfence.binary: expected an object or null");
		if ((rc = check_keys(c, it, "sysfence.binary", bin_keys)) ||
		    (rc = get_str(c, it, "sysfence.binary", "path", false, true,
				  &bpath)) ||
		    (rc = get_str(c, it, "sysfence.binary", "buildId", false,
				  true, &bid)))
			return rc;
		if (util__dup(&p->binary, bpath) ||
		    util__dup(&p->binary_build_id, bid))
			return -ENOMEM;
	}

	it = cJSON_GetObjectItemCaseSensitive(sf, "runtimeBuckets");
	if (it) {
		if (!cJSON_IsBool(it))
			return perr_on(c, it, "sysfence.runtimeBuckets: expected true or false");
		p->runtime_buckets = cJSON_IsTrue(it);
	}

	it = cJSON_GetObjectItemCaseSensitive(sf, "transparent");
	if (it) {
		const cJSON *s;

		if (!cJSON_IsArray(it))
			return perr_on(c, it, "sysfence.transparent: expected an array");
		i = 0;
		for (s = it->child; s; s = s->next, i++) {
			pathf(path, sizeof(path), "sysfence.transparent[%zu]", i);
			if (!cJSON_IsString(s) || !*s->valuestring)
				return perr_on(c, s, "%s: expected a non-empty string",
					    path);
			if (strv_has(p->transparent, p->ntransparent,
				     s->valuestring))
				return perr_on(c, s, "%s: duplicate path '%s'", path,
					    s->valuestring);
			if (strv_push(&p->transparent, &p->ntransparent,
				      s->valuestring))
				return -ENOMEM;
		}
	}

	it = cJSON_GetObjectItemCaseSensitive(sf, "libraries");
	if (!it)
		return perr_on(c, sf, "sysfence.libraries: missing");
	if (!cJSON_IsArray(it))
		return perr_on(c, it, "sysfence.libraries: expected an array");
	i = 0;
	for (const cJSON *lib = it->child; lib; lib = lib->next, i++) {
		pathf(path, sizeof(path), "sysfence.libraries[%zu]", i);
		if ((rc = parse_library(c, lib, path, p)))
			return rc;
	}
	it = cJSON_GetObjectItemCaseSensitive(sf, "compartments");
	if (it && (rc = parse_compartments(c, it, p)))
		return rc;
	/* "floor" is derived from the libraries (recomputed on write), like
	 * the top-level "syscalls": validated, not kept */
	it = cJSON_GetObjectItemCaseSensitive(sf, "floor");
	if (it) {
		static const char *const floor_keys[] = { "paths", "ports", NULL };
		struct policy_objs tmp = {};

		if (!cJSON_IsObject(it))
			return perr_on(c, it, "sysfence.floor: expected an object");
		if ((rc = check_keys(c, it, "sysfence.floor", floor_keys)))
			return rc;
		rc = parse_objects(c, it, "sysfence.floor", &tmp);
		objects__free(&tmp);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_root(struct pctx *c, const cJSON *root, struct policy *p)
{
	bool seen[SYSCALL_NR_MAX] = { false };
	const char *action;
	const cJSON *it;
	size_t i;
	int rc;

	if (!cJSON_IsObject(root))
		return perr_on(c, root, "(root): expected an object");
	if ((rc = check_keys(c, root, "", NULL)))
		return rc;
	if ((rc = get_str(c, root, "", "defaultAction", true, false, &action)))
		return rc;
	if (!in_list(known_actions, action))
		return perr_on(c, cJSON_GetObjectItemCaseSensitive(root, "defaultAction"), "defaultAction: unknown action '%s'", action);
	free(p->default_action);
	p->default_action = strdup(action);
	if (!p->default_action)
		return -ENOMEM;

	it = cJSON_GetObjectItemCaseSensitive(root, "architectures");
	if (it) {
		const char *foreign = NULL;
		bool native = false;
		char path[64];

		if (!cJSON_IsArray(it))
			return perr_on(c, it, "architectures: expected an array");
		strv_free(p->architectures, p->narchitectures);
		p->architectures = NULL;
		p->narchitectures = 0;
		i = 0;
		for (const cJSON *a = it->child; a; a = a->next, i++) {
			pathf(path, sizeof(path), "architectures[%zu]", i);
			if (!cJSON_IsString(a))
				return perr_on(c, a, "%s: expected a string", path);
			if (!in_list(known_archs, a->valuestring))
				return perr_on(c, a, "%s: unknown architecture '%s'",
					    path, a->valuestring);
			if (strv_has(p->architectures, p->narchitectures,
				     a->valuestring))
				return perr_on(c, a, "%s: duplicate architecture '%s'",
					    path, a->valuestring);
			if (strcmp(a->valuestring, NATIVE_ARCH) == 0)
				native = true;
			else if (!in_list(native_archs, a->valuestring) &&
				 !foreign)
				foreign = a->valuestring;
			if (strv_push(&p->architectures, &p->narchitectures,
				      a->valuestring))
				return -ENOMEM;
		}
		if (foreign || !native) {
			if (!foreign)
				foreign = p->narchitectures ? p->architectures[0]
							    : "no architecture";
			return perr_on(c, it, "policy is for %s; this machine is x86_64",
				    foreign);
		}
	}

	it = cJSON_GetObjectItemCaseSensitive(root, "syscalls");
	if (it && (rc = parse_rules(c, it, "syscalls", false, seen, NULL)))
		return rc;

	it = cJSON_GetObjectItemCaseSensitive(root, "sysfence");
	if (it && (rc = parse_sysfence(c, it, p)))
		return rc;
	return 0;
}

int policy__parse_doc(const struct jsonpos *doc, const char *name,
		      struct policy **out, struct json_error *e, char *err,
		      size_t errlen)
{
	struct json_error scratch;
	struct pctx c = { name ? name : "<policy>", err, errlen, doc,
			  e ? e : &scratch };
	struct policy *p = NULL;
	int rc;

	memset(c.e, 0, sizeof(*c.e));
	if (!doc || !out) {
		util__errf(err, errlen, "%s: invalid argument", c.name);
		return -EINVAL;
	}
	p = policy__new();
	if (!p) {
		rc = -ENOMEM;
		goto nomem;
	}
	rc = parse_root(&c, jsonpos__root(doc), p);
	if (rc == -ENOMEM)
		goto nomem;
	if (rc)
		goto out;
	rc = policy__canonicalize(p);
	if (rc)
		goto nomem;
	*out = p;
	p = NULL;
	goto out;
nomem:
	util__errf(err, errlen, "%s: %s", c.name, strerror(ENOMEM));
out:
	policy__free(p);
	return rc;
}

int policy__parse(const char *json, size_t len, const char *name,
		  struct policy **out, char *err, size_t errlen)
{
	const char *nm = name ? name : "<policy>";
	struct jsonpos *doc = NULL;
	struct json_error e;
	int rc;

	if (!out || (!json && len)) {
		util__errf(err, errlen, "%s: invalid argument", nm);
		return -EINVAL;
	}
	rc = jsonpos__parse(json, len, &doc, &e);
	if (rc == -ENOMEM) {
		util__errf(err, errlen, "%s: %s", nm, strerror(ENOMEM));
		return rc;
	}
	if (rc == -ENODATA) {
		util__errf(err, errlen, "%s: %s", nm, e.message);
		return rc;
	}
	if (rc) {
		util__errf(err, errlen, "%s:%u:%u: %s", nm, e.line, e.column,
			   e.message);
		return rc;
	}
	rc = policy__parse_doc(doc, nm, out, NULL, err, errlen);
	jsonpos__free(doc);
	return rc;
}

int policy__load(const char *path, struct policy **out, char *err,
		 size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	if (!path || !out) {
		util__errf(err, errlen, "cannot load policy: invalid argument");
		return -EINVAL;
	}
	rc = fileio__read_all(path, POLICY_READ_CAP, &buf, &len, err, errlen);
	if (rc)
		return rc;
	rc = policy__parse(buf, len, path, out, err, errlen);
	free(buf);
	return rc;
}
