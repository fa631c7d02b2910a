/* diff.c - policy diff: libraries, syscalls, build-ids, compartments, each
 * change rated with the dangerous-syscall list (score.c).
 *
 * Ratings: a syscall added is rated by its weight (score__risk); a new
 * library by its riskiest syscall; a build-id change or a library moving
 * into a compartment is medium (rules learned on another build / shared
 * with other libraries); removals and narrowing are low.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "capability.h"
#include "diff.h"
#include "show.h"
#include "generalize.h"
#include "syscalls.h"
#include "util.h"

static const char *const kind_names[] = {
	[DIFF_LIB_ADDED] = "library-added",
	[DIFF_SC_ADDED] = "syscall-added",
	[DIFF_ARGS_WIDENED] = "arguments-widened",
	[DIFF_ARGS_CHANGED] = "arguments-changed",
	[DIFF_COMPARTMENT] = "compartment-changed",
	[DIFF_BUILD_ID] = "build-id-changed",
	[DIFF_ARGS_NARROWED] = "arguments-narrowed",
	[DIFF_SC_REMOVED] = "syscall-removed",
	[DIFF_LIB_REMOVED] = "library-removed",
	[DIFF_PATH_ADDED] = "path-added",
	[DIFF_PORT_ADDED] = "port-added",
	[DIFF_PATH_REMOVED] = "path-removed",
	[DIFF_PORT_REMOVED] = "port-removed",
};

struct dbuild {
	struct diff *d;
	size_t cap;
	int err;
};

static struct diff_change *push(struct dbuild *b, enum diff_kind kind,
				enum risk risk, const struct policy_lib *l)
{
	struct diff_change *c;

	if (b->err)
		return NULL;
	if (b->d->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 32;
		struct diff_change *nc = realloc(b->d->changes, cap * sizeof(*nc));

		if (!nc) {
			b->err = -ENOMEM;
			return NULL;
		}
		b->d->changes = nc;
		b->cap = cap;
	}
	c = &b->d->changes[b->d->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->risk = risk;
	c->lib = l->path;
	c->lib_kind = l->kind;
	return c;
}

static enum risk lib_risk(const struct policy_lib *l)
{
	enum risk r = RISK_LOW;

	for (size_t k = 0; k < l->nsyscalls; k++)
		if (score__risk(l->syscalls[k].nr) > r)
			r = score__risk(l->syscalls[k].nr);
	return r;
}

/* How b's argument conditions for one syscall relate to a's: 0 same,
 * otherwise DIFF_ARGS_*.  The join (least rule allowing both) decides:
 * join(a, b) == b means b allows everything a did and more (widened);
 * == a means b allows less (narrowed); else both gained and lost. */
static int args_compare(const struct policy_syscall *a,
			const struct policy_syscall *b)
{
	struct policy_syscall j;
	unsigned maxv = gen__max_values(NULL);

	if (gen__args_equal(a, b))
		return 0;
	j = *a;
	j.site = NULL;
	gen__join_args(&j, b, maxv);
	if (gen__args_equal(&j, b))
		return DIFF_ARGS_WIDENED;
	if (gen__args_equal(&j, a))
		return DIFF_ARGS_NARROWED;
	return DIFF_ARGS_CHANGED;
}

static void diff_lib_syscalls(struct dbuild *b, const struct policy_lib *la,
			      const struct policy_lib *lb)
{
	size_t i = 0, j = 0;

	while (i < la->nsyscalls || j < lb->nsyscalls) {
		const struct policy_syscall *sa = i < la->nsyscalls ?
						  &la->syscalls[i] : NULL;
		const struct policy_syscall *sb = j < lb->nsyscalls ?
						  &lb->syscalls[j] : NULL;
		struct diff_change *c;

		if (sa && (!sb || sa->nr < sb->nr)) {
			c = push(b, DIFF_SC_REMOVED, RISK_LOW, lb);
			if (c) {
				c->nr = sa->nr;
				c->sc_from = sa;
			}
			i++;
		} else if (sb && (!sa || sb->nr < sa->nr)) {
			c = push(b, DIFF_SC_ADDED, score__risk(sb->nr), lb);
			if (c) {
				c->nr = sb->nr;
				c->sc = sb;
				c->sc_to = sb;
			}
			j++;
		} else {
			int k = args_compare(sa, sb);

			if (k) {
				c = push(b, (enum diff_kind)k,
					 k == DIFF_ARGS_NARROWED ? RISK_LOW :
					 score__risk(sb->nr), lb);
				if (c) {
					c->nr = sb->nr;
					c->sc = sb;
					c->sc_from = sa;
					c->sc_to = sb;
				}
			}
			i++;
			j++;
		}
	}
}

static void diff_lib_added(struct dbuild *b, const struct policy_lib *l)
{
	struct diff_change *c = push(b, DIFF_LIB_ADDED, lib_risk(l), l);

	if (c)
		c->count = l->nsyscalls;
	for (size_t k = 0; k < l->nsyscalls; k++) {
		c = push(b, DIFF_SC_ADDED, score__risk(l->syscalls[k].nr), l);
		if (c) {
			c->nr = l->syscalls[k].nr;
			c->sc = &l->syscalls[k];
		}
	}
}

/* Paths and ports (issue 17).  Risk of new access on a path: a new
 * writable directory (DIR/ "**", a pattern, or the right to make or remove
 * entries) or a new executable is high; writing files medium; reading
 * low.  A new port is medium. */
static enum risk path_risk(const char *path, uint32_t access)
{
	if (objects__writable_dir(path, access) || (access & OBJ_EXEC))
		return RISK_HIGH;
	if (access & OBJ_WRITES)
		return RISK_MEDIUM;
	return RISK_LOW;
}

/* access of `path` that the rules of o do not already grant */
static uint32_t uncovered(const struct policy_objs *o, const char *path, uint32_t access)
{
	for (size_t i = 0; o && i < o->npaths && access; i++)
		if (objects__covers(o->paths[i].path, path))
			access &= ~o->paths[i].access;
	return access;
}

static void diff_lib_objects(struct dbuild *b, const struct policy_objs *oa,
			     const struct policy_lib *lb, const struct policy_lib *la)
{
	const struct policy_objs *ob = &lb->objs;
	struct diff_change *c;

	for (size_t i = 0; i < ob->npaths; i++) {
		uint32_t add = uncovered(oa, ob->paths[i].path, ob->paths[i].access);

		if (!add)
			continue;
		c = push(b, DIFF_PATH_ADDED, path_risk(ob->paths[i].path, add), lb);
		if (c) {
			c->path = ob->paths[i].path;
			c->access = add;
		}
	}
	for (size_t i = 0; oa && i < oa->npaths; i++) {
		uint32_t gone = uncovered(ob, oa->paths[i].path, oa->paths[i].access);

		if (!gone)
			continue;
		c = push(b, DIFF_PATH_REMOVED, RISK_LOW, la);
		if (c) {
			c->path = oa->paths[i].path;
			c->access = gone;
		}
	}
	for (size_t i = 0; i < ob->nports; i++) {
		uint8_t add = ob->ports[i].access;

		for (size_t k = 0; oa && k < oa->nports; k++)
			if (oa->ports[k].port == ob->ports[i].port &&
			    oa->ports[k].last == ob->ports[i].last)
				add &= (uint8_t)~oa->ports[k].access;
		if (!add)
			continue;
		c = push(b, DIFF_PORT_ADDED, RISK_MEDIUM, lb);
		if (c) {
			c->port = ob->ports[i].port;
			c->last = ob->ports[i].last;
			c->access = add;
		}
	}
	for (size_t k = 0; oa && k < oa->nports; k++) {
		uint8_t gone = oa->ports[k].access;

		for (size_t i = 0; i < ob->nports; i++)
			if (oa->ports[k].port == ob->ports[i].port &&
			    oa->ports[k].last == ob->ports[i].last)
				gone &= (uint8_t)~ob->ports[i].access;
		if (!gone)
			continue;
		c = push(b, DIFF_PORT_REMOVED, RISK_LOW, la);
		if (c) {
			c->port = oa->ports[k].port;
			c->last = oa->ports[k].last;
			c->access = gone;
		}
	}
}

static const char *compartment_name(const struct policy *p,
				    const struct policy_lib *l)
{
	int c = l->kind == LIB_KIND_BUCKET ? -1 :
		policy__compartment_of(p, l->path);

	return c < 0 ? NULL : p->compartments[c].name;
}

static int change_cmp(const void *x, const void *y)
{
	const struct diff_change *a = x, *b = y;
	int c;

	if (a->risk != b->risk)
		return a->risk > b->risk ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->lib_kind != b->lib_kind)
		return a->lib_kind < b->lib_kind ? -1 : 1;
	c = strcmp(a->lib, b->lib);
	if (c)
		return c;
	c = util__strcmp_null(syscall__name(a->nr), syscall__name(b->nr));
	if (c)
		return c;
	c = util__strcmp_null(a->path, b->path);
	if (c)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return util__strcmp_null(a->from, b->from);
}

int diff__policies(const struct policy *a, const struct policy *b,
		   struct diff **out)
{
	struct dbuild bld = { 0 };
	long *match = NULL;   /* b lib -> a lib, -1 none */
	bool *used = NULL;    /* a lib matched */

	if (!a || !b || !out)
		return -EINVAL;
	bld.d = calloc(1, sizeof(*bld.d));
	match = malloc((b->nlibs + 1) * sizeof(*match));
	used = calloc(a->nlibs + 1, sizeof(*used));
	if (!bld.d || !match || !used) {
		bld.err = -ENOMEM;
		goto out;
	}
	/* exact identity first, then same (kind, path) = build-id change */
	for (size_t j = 0; j < b->nlibs; j++) {
		match[j] = -1;
		for (size_t i = 0; i < a->nlibs; i++)
			if (!used[i] && a->libs[i].kind == b->libs[j].kind &&
			    !strcmp(a->libs[i].path, b->libs[j].path) &&
			    !util__strcmp_null(a->libs[i].build_id,
					       b->libs[j].build_id)) {
				match[j] = (long)i;
				used[i] = true;
				break;
			}
	}
	for (size_t j = 0; j < b->nlibs; j++) {
		if (match[j] >= 0)
			continue;
		for (size_t i = 0; i < a->nlibs; i++)
			if (!used[i] && a->libs[i].kind == b->libs[j].kind &&
			    !strcmp(a->libs[i].path, b->libs[j].path)) {
				match[j] = (long)i;
				used[i] = true;
				break;
			}
	}
	for (size_t j = 0; j < b->nlibs; j++) {
		const struct policy_lib *lb = &b->libs[j], *la;
		const char *ca, *cb;
		struct diff_change *c;

		if (match[j] < 0) {
			diff_lib_added(&bld, lb);
			diff_lib_objects(&bld, NULL, lb, NULL);
			continue;
		}
		la = &a->libs[match[j]];
		if (util__strcmp_null(la->build_id, lb->build_id)) {
			c = push(&bld, DIFF_BUILD_ID, RISK_MEDIUM, lb);
			if (c) {
				c->from = la->build_id;
				c->to = lb->build_id;
			}
		}
		ca = compartment_name(a, la);
		cb = compartment_name(b, lb);
		if (util__strcmp_null(ca, cb)) {
			c = push(&bld, DIFF_COMPARTMENT,
				 cb ? RISK_MEDIUM : RISK_LOW, lb);
			if (c) {
				c->from = ca;
				c->to = cb;
			}
		}
		diff_lib_syscalls(&bld, la, lb);
		diff_lib_objects(&bld, &la->objs, lb, la);
	}
	for (size_t i = 0; i < a->nlibs; i++) {
		struct diff_change *c;

		if (used[i])
			continue;
		c = push(&bld, DIFF_LIB_REMOVED, RISK_LOW, &a->libs[i]);
		if (c)
			c->count = a->libs[i].nsyscalls;
	}
out:
	free(match);
	free(used);
	if (bld.err) {
		diff__free(bld.d);
		return bld.err;
	}
	if (bld.d->n > 1)
		qsort(bld.d->changes, bld.d->n, sizeof(*bld.d->changes),
		      change_cmp);
	for (size_t k = 0; k < bld.d->n; k++)
		bld.d->by_risk[bld.d->changes[k].risk]++;
	*out = bld.d;
	return 0;
}

void diff__free(struct diff *d)
{
	if (!d)
		return;
	free(d->changes);
	free(d);
}

static char sign(enum diff_kind k)
{
	switch (k) {
	case DIFF_LIB_ADDED:
	case DIFF_SC_ADDED:
		return '+';
	case DIFF_SC_REMOVED:
	case DIFF_LIB_REMOVED:
	case DIFF_PATH_REMOVED:
	case DIFF_PORT_REMOVED:
		return '-';
	case DIFF_PATH_ADDED:
	case DIFF_PORT_ADDED:
		return '+';
	default:
		return '~';
	}
}

static const char *or_none(const char *s)
{
	return s ? s : "none";
}

/* setsockopt/getsockopt (level, option) pairs of x not in y (y NULL: all
 * of x's); both must list pairs (show__pairs), else 0. */
static size_t pairs_minus(const struct policy_syscall *x,
			  const struct policy_syscall *y, uint64_t *out)
{
	const uint64_t *kx = NULL, *ky = NULL;
	size_t nx = x ? show__pairs(x, &kx) : 0, ny = 0, n = 0;

	if (!nx || (y && !(ny = show__pairs(y, &ky))))
		return 0;
	for (size_t i = 0; i < nx; i++) {
		bool in = false;

		for (size_t j = 0; j < ny && !in; j++)
			in = ky[j] == kx[i];
		if (!in)
			out[n++] = kx[i];
	}
	return n;
}

static void print_pairs(FILE *f, const char *what, const uint64_t *k, size_t n)
{
	char lv[64], opt[64];

	for (size_t i = 0; i < n; i++) {
		show__pair_names(k[i], lv, sizeof(lv), opt, sizeof(opt));
		fprintf(f, "%s(%s, %s)", i ? ", " : what, lv, opt);
	}
}

/* A rule's conditions for the diff: "any arguments" when it has none. */
static void args_of(const struct policy_syscall *sc, char *buf, size_t len)
{
	buf[0] = 0;
	if (!sc)
		return;
	show__args_text(sc, buf, len);
	if (!buf[0])
		snprintf(buf, len, "any arguments");
}

void diff__print(FILE *f, const struct diff *d, bool color)
{
	if (!d->n) {
		fprintf(f, "no changes\n");
		return;
	}
	for (size_t k = 0; k < d->n; k++) {
		const struct diff_change *c = &d->changes[k];
		const char *name = syscall__name(c->nr);
		const char *on = "", *off = "";
		char from[512], to[512];

		if (color && c->risk == RISK_HIGH)
			on = "\033[1;31m";
		else if (color && c->risk == RISK_MEDIUM)
			on = "\033[33m";
		if (*on)
			off = "\033[0m";
		fprintf(f, "%s%-6s %c %s: ", on, score__risk_name(c->risk),
			sign(c->kind), c->lib);
		switch (c->kind) {
		case DIFF_LIB_ADDED:
			fprintf(f, "new %s (%zu syscalls)",
				lib_kind__name(c->lib_kind), c->count);
			break;
		case DIFF_LIB_REMOVED:
			fprintf(f, "%s removed (%zu syscalls)",
				lib_kind__name(c->lib_kind), c->count);
			break;
		case DIFF_BUILD_ID:
			fprintf(f, "build-id %s -> %s", or_none(c->from),
				or_none(c->to));
			break;
		case DIFF_COMPARTMENT:
			fprintf(f, "compartment %s -> %s", or_none(c->from),
				or_none(c->to));
			break;
		case DIFF_ARGS_WIDENED:
		case DIFF_ARGS_NARROWED:
		case DIFF_ARGS_CHANGED:
			args_of(c->sc_from, from, sizeof(from));
			args_of(c->sc_to, to, sizeof(to));
			fprintf(f, "%s arguments %s: %s -> %s", name ? name : "?",
				c->kind == DIFF_ARGS_WIDENED ? "widened" :
				c->kind == DIFF_ARGS_NARROWED ? "narrowed" : "changed", from, to);
			{
				uint64_t add[SF_RULE_MAX_VALUES], rm[SF_RULE_MAX_VALUES];
				size_t na = pairs_minus(c->sc_to, c->sc_from, add);
				size_t nr = pairs_minus(c->sc_from, c->sc_to, rm);

				if (na || nr) {
					fputs(" [", f);
					print_pairs(f, "pairs added: ", add, na);
					fputs(na && nr ? "; " : "", f);
					print_pairs(f, "pairs removed: ", rm, nr);
					fputs("]", f);
				}
			}
			break;
		case DIFF_PATH_ADDED:
		case DIFF_PATH_REMOVED: {
			char acc[256];

			objects__access_str(c->access, acc, sizeof(acc));
			fprintf(f, "path %s (%s)", c->path, acc);
			break;
		}
		case DIFF_PORT_ADDED:
		case DIFF_PORT_REMOVED:
			if (c->last)
				fprintf(f, "ports %u-%u", c->port, c->last);
			else
				fprintf(f, "port %u", c->port);
			fprintf(f, " (%s%s%s)", c->access & PORT_BIND ? "bind" : "",
				c->access == (PORT_BIND | PORT_CONNECT) ? "," : "",
				c->access & PORT_CONNECT ? "connect" : "");
			break;
		default:
			fputs(name ? name : "?", f);
			if (c->sc_to && gen__has_conditions(c->sc_to)) {
				args_of(c->sc_to, to, sizeof(to));
				fprintf(f, " (%s)", to);
			}
		}
		if (c->sc && c->sc->inferred) {
			const char *v[SYSCALL_NR_MAX + 1];
			size_t nv = capability__from_names(c->sc, v, SYSCALL_NR_MAX + 1);

			fputs(" (inferred from ", f);
			for (size_t i = 0; i < nv; i++)
				fprintf(f, "%s%s", i ? "," : "",
					strcmp(v[i], "*") ? v[i] : "any call");
			fputs(c->sc->observed ? "; partly observed)" : ")", f);
		}
		fprintf(f, "%s\n", off);
	}
	fprintf(f, "%zu change%s: %zu high, %zu medium, %zu low\n", d->n,
		d->n == 1 ? "" : "s", d->by_risk[RISK_HIGH],
		d->by_risk[RISK_MEDIUM], d->by_risk[RISK_LOW]);
}

char *diff__to_json(const struct diff *d)
{
	cJSON *root = cJSON_CreateObject(), *arr, *sum;
	char *s = NULL, *out = NULL;

	if (!root)
		goto nomem;
	arr = cJSON_AddArrayToObject(root, "changes");
	if (!arr)
		goto nomem;
	for (size_t k = 0; k < d->n; k++) {
		const struct diff_change *c = &d->changes[k];
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(arr, o))
			goto nomem;
		if (!cJSON_AddStringToObject(o, "risk", score__risk_name(c->risk)) ||
		    !cJSON_AddStringToObject(o, "change", kind_names[c->kind]) ||
		    !cJSON_AddStringToObject(o, "library", c->lib) ||
		    !cJSON_AddStringToObject(o, "kind",
					     lib_kind__name(c->lib_kind)))
			goto nomem;
		switch (c->kind) {
		case DIFF_LIB_ADDED:
		case DIFF_LIB_REMOVED:
			if (!cJSON_AddNumberToObject(o, "syscalls",
						     (double)c->count))
				goto nomem;
			break;
		case DIFF_PATH_ADDED:
		case DIFF_PATH_REMOVED: {
			char acc[256];

			objects__access_str(c->access, acc, sizeof(acc));
			if (!cJSON_AddStringToObject(o, "path", c->path) ||
			    !cJSON_AddStringToObject(o, "access", acc))
				goto nomem;
			break;
		}
		case DIFF_PORT_ADDED:
		case DIFF_PORT_REMOVED:
			if (!cJSON_AddNumberToObject(o, "port", c->port) ||
			    (c->last && !cJSON_AddNumberToObject(o, "last", c->last)) ||
			    !cJSON_AddStringToObject(o, "access",
						     c->access == (PORT_BIND | PORT_CONNECT) ?
						     "bind,connect" : c->access & PORT_BIND ?
						     "bind" : "connect"))
				goto nomem;
			break;
		case DIFF_BUILD_ID:
		case DIFF_COMPARTMENT:
			if (!(c->from ? cJSON_AddStringToObject(o, "from", c->from)
				      : cJSON_AddNullToObject(o, "from")) ||
			    !(c->to ? cJSON_AddStringToObject(o, "to", c->to)
				    : cJSON_AddNullToObject(o, "to")))
				goto nomem;
			break;
		default: {
			char from[512], to[512];

			if (!cJSON_AddStringToObject(o, "syscall",
						     syscall__name(c->nr) ?
						     syscall__name(c->nr) : "?"))
				goto nomem;
			/* the argument conditions before and after (the
			 * rule's "args", when it has any, when added or
			 * removed) */
			args_of(c->sc_from, from, sizeof(from));
			args_of(c->sc_to, to, sizeof(to));
			if (c->sc_from && c->sc_to) {
				if (!cJSON_AddStringToObject(o, "from", from) ||
				    !cJSON_AddStringToObject(o, "to", to))
					goto nomem;
			} else if ((c->sc_to || c->sc_from) &&
				   gen__has_conditions(c->sc_to ? c->sc_to : c->sc_from) &&
				   !cJSON_AddStringToObject(o, "args", c->sc_to ? to : from)) {
				goto nomem;
			}
			{
				/* setsockopt/getsockopt: the (level, option)
				 * pairs the change adds and removes (added or
				 * removed rule: all of its pairs) */
				uint64_t add[SF_RULE_MAX_VALUES], rm[SF_RULE_MAX_VALUES];
				size_t na = pairs_minus(c->sc_to ? c->sc_to : c->sc,
							c->sc_from, add);
				size_t nr = pairs_minus(c->sc_from, c->sc_to, rm);

				if (!show__pairs_json(o, "pairs_added", add, na) ||
				    !show__pairs_json(o, "pairs_removed", rm, nr))
					goto nomem;
			}
		}
		}
		if (c->sc && c->sc->inferred) {
			const char *v[SYSCALL_NR_MAX + 1];
			size_t nv = capability__from_names(c->sc, v, SYSCALL_NR_MAX + 1);
			cJSON *fa = cJSON_CreateStringArray(v, (int)nv);

			if (!fa || !cJSON_AddItemToObject(o, "inferred_from", fa) ||
			    !cJSON_AddBoolToObject(o, "observed", c->sc->observed))
				goto nomem;
		}
	}
	sum = cJSON_AddObjectToObject(root, "summary");
	if (!sum || !cJSON_AddNumberToObject(sum, "changes", (double)d->n) ||
	    !cJSON_AddNumberToObject(sum, "high", (double)d->by_risk[RISK_HIGH]) ||
	    !cJSON_AddNumberToObject(sum, "medium",
				     (double)d->by_risk[RISK_MEDIUM]) ||
	    !cJSON_AddNumberToObject(sum, "low", (double)d->by_risk[RISK_LOW]))
		goto nomem;
	s = cJSON_Print(root);
	if (!s)
		goto nomem;
	out = malloc(strlen(s) + 2);
	if (!out)
		goto nomem;
	strcpy(out, s);
	strcat(out, "\n");
	cJSON_free(s);
	cJSON_Delete(root);
	return out;
nomem:
	cJSON_free(s);
	cJSON_Delete(root);
	errno = ENOMEM;
	return NULL;
}

int diff__print_policies(FILE *f, const struct policy *old,
			 const struct policy *new_policy, bool color)
{
	struct diff *d = NULL;
	int rc = diff__policies(old, new_policy, &d);

	if (rc)
		return rc;
	if (d->n)
		diff__print(f, d, color);
	rc = d->n > 0x7fffffff ? 0x7fffffff : (int)d->n;
	diff__free(d);
	return rc;
}
