/* show.c - per-unit tables of a policy (see show.h).
 *
 * A unit is what gets one rule set under enforcement: a library or the
 * executable outside any compartment, a compartment (the union of its
 * members, evidence summed), or an unattributed bucket.  Rows are filed
 * under the syscall's primary group (groups__primary), the most alarming
 * groups first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "argnames.h"
#include "capability.h"
#include "generalize.h"
#include "groups.h"
#include "rules.h"
#include "score.h"
#include "show.h"
#include "syscalls.h"

#define SITE_WIDTH 40

struct row {
	uint32_t nr;
	const char *name;
	const struct sc_group *group;
	uint64_t count;
	const char *site;
	struct policy_syscall args; /* argument rules (joined over members) */
};

/* One value in symbolic form ("O_RDONLY|O_CLOEXEC", "AF_INET"), the
 * number when the slot has no display class. */
static void fmt_value(unsigned sym, uint64_t v, char *buf, size_t len)
{
	if (sym == SF_SYM_NONE || argname__format(sym, v, buf, len) < 0)
		snprintf(buf, len, v < 10 ? "%llu" : "0x%llx",
			 (unsigned long long)v);
}

size_t show__pairs(const struct policy_syscall *sc, const uint64_t **keys)
{
	if (!gen__is_pair(sc->nr) || sc->nargs < 2 ||
	    sc->arg[1].kind != SF_ARGK_PAIR || sc->arg[1].any ||
	    sc->arg[0].kind == SF_ARGK_NONE || sc->arg[0].any)
		return 0;
	*keys = sc->arg[1].values;
	return sc->arg[1].nvalues;
}

void show__pair_names(uint64_t key, char *level, size_t llen, char *opt,
		      size_t olen)
{
	fmt_value(SF_SYM_SOL, SF_PAIR_FIRST(key), level, llen);
	argname__format_sockopt(SF_PAIR_FIRST(key), SF_PAIR_SECOND(key), opt, olen);
}

bool show__pairs_json(cJSON *o, const char *key, const uint64_t *k, size_t n)
{
	cJSON *arr;
	char lv[64], opt[64];

	if (!n)
		return true;
	arr = cJSON_AddArrayToObject(o, key);
	if (!arr)
		return false;
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject(), *v;

		show__pair_names(k[i], lv, sizeof(lv), opt, sizeof(opt));
		if (!e || !cJSON_AddItemToArray(arr, e) ||
		    !cJSON_AddStringToObject(e, "level", lv) ||
		    !cJSON_AddStringToObject(e, "option", opt) ||
		    !(v = cJSON_AddArrayToObject(e, "values")) ||
		    !cJSON_AddItemToArray(v, cJSON_CreateNumber((double)SF_PAIR_FIRST(k[i]))) ||
		    !cJSON_AddItemToArray(v, cJSON_CreateNumber((double)SF_PAIR_SECOND(k[i]))))
			return false;
	}
	return true;
}

/* A pair rule (gen__is_pair) whose levels have conditions: "(arg1, arg2)
 * in {SOL_SOCKET: SO_REUSEADDR, SO_KEEPALIVE; IPPROTO_TCP: TCP_NODELAY}",
 * options named by their level; "{SOL_SOCKET: any}" when the options
 * are not checked. */
static size_t pair_text(const struct policy_syscall *sc, char *buf, size_t len)
{
	const struct policy_argrule *a0 = &sc->arg[0], *a1 = &sc->arg[1];
	bool pairs = a1->kind != SF_ARGK_NONE && !a1->any;
	size_t o = (size_t)snprintf(buf, len, "(arg%u, arg%u) in {", a0->idx, a1->idx);
	char lv[64], opt[64];

	for (uint8_t k = 0; k < a0->nvalues && o < len; k++) {
		bool first = true;

		fmt_value(SF_SYM_SOL, a0->values[k], lv, sizeof(lv));
		o += (size_t)snprintf(buf + o, len - o, "%s%s: ", k ? "; " : "", lv);
		if (!pairs && o < len)
			o += (size_t)snprintf(buf + o, len - o, "any");
		for (uint8_t j = 0; pairs && j < a1->nvalues && o < len; j++) {
			if (SF_PAIR_FIRST(a1->values[j]) != a0->values[k])
				continue;
			argname__format_sockopt(a0->values[k],
						SF_PAIR_SECOND(a1->values[j]), opt,
						sizeof(opt));
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      first ? "" : ", ", opt);
			first = false;
		}
	}
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, "}%s",
				      a1->any ? " (options widened)" : "");
	return o;
}

/* "arg1 in {0x0, 0x2}; arg2 flags within 0x3" or "" when unconditional. */
void show__args_text(const struct policy_syscall *sc, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (!gen__has_conditions(sc))
		return;
	if (gen__is_pair(sc->nr) && sc->nargs >= 2 &&
	    sc->arg[0].kind != SF_ARGK_NONE && !sc->arg[0].any) {
		o = pair_text(sc, buf, len);
		if (o >= len && len > 4)
			strcpy(buf + len - 4, "...");
		return;
	}
	for (unsigned i = 0; i < sc->nargs && i < SF_ARG_SLOTS; i++) {
		const struct policy_argrule *r = &sc->arg[i];
		const struct sf_argslot *slot = gen__slot(sc->nr, i);
		unsigned sym = slot ? slot->sym : 0;
		char v[192];

		if (r->kind == SF_ARGK_NONE || o + 1 >= len)
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%sarg%u ", o ? "; " : "",
				      r->idx);
		if (o >= len)
			break;
		if (r->any) {
			o += (size_t)snprintf(buf + o, len - o, "any (widened)");
		} else if (r->kind == SF_ARGK_FLAGS) {
			fmt_value(sym, r->allowed, v, sizeof(v));
			o += (size_t)snprintf(buf + o, len - o, "flags within %s", v);
			if (o < len && r->deny_all_of) {
				fmt_value(sym, r->deny_all_of, v, sizeof(v));
				o += (size_t)snprintf(buf + o, len - o,
						      ", never all of %s", v);
			}
		} else {
			o += (size_t)snprintf(buf + o, len - o, "in {");
			for (unsigned k = 0; k < r->nvalues && o < len; k++) {
				fmt_value(sym, r->values[k], v, sizeof(v));
				o += (size_t)snprintf(buf + o, len - o, "%s%s",
						      k ? ", " : "", v);
			}
			if (o < len)
				o += (size_t)snprintf(buf + o, len - o, "}");
		}
		if (o >= len)
			break;
	}
	if (o >= len && len > 4)
		strcpy(buf + len - 4, "...");
}

static int row_cmp(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	int ra = groups__rank(a->group), rb = groups__rank(b->group);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Rows of one unit into rows[SYSCALL_NR_MAX]; returns how many.  comp >= 0:
 * the members of that compartment; else the library lib.  The rule set is
 * the one enforce loads (rules.h); set is scratch space. */
static size_t unit_rows(const struct policy *p, long comp, size_t lib,
			struct rules_set *set, struct row *rows)
{
	size_t n = 0;

	if ((comp >= 0 ? rules__compartment(p, (size_t)comp, set) :
			 rules__lib(p, lib, set)) < 0)
		return 0;
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++) {
		const struct policy_syscall *s = &set->sc[nr];
		struct row *r;

		if (!set->allowed[nr] || !syscall__name(nr))
			continue;
		r = &rows[n++];
		r->nr = nr;
		r->name = syscall__name(nr);
		r->group = groups__primary(nr);
		r->count = s->count;
		r->site = s->site;
		r->args = *s;
		r->args.site = NULL;
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), row_cmp);
	return n;
}

static const char *risk_mark(uint32_t nr)
{
	switch (score__risk(nr)) {
	case RISK_HIGH:
		return "HIGH";
	case RISK_MEDIUM:
		return "med";
	default:
		return "";
	}
}

/* "inferred from read,write" (sources of an inferred part), or "". */
static void from_text(const struct policy_syscall *sc, char *buf, size_t len)
{
	const char *v[SYSCALL_NR_MAX + 1];
	size_t n = capability__from_names(sc, v, SYSCALL_NR_MAX + 1), o = 0;

	buf[0] = '\0';
	if (!sc->inferred)
		return;
	o = (size_t)snprintf(buf, len, "inferred from ");
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "",
				      strcmp(v[i], "*") ? v[i] : "any call");
}

#define ARGS_INDENT 19
#define ARGS_WIDTH (100 - ARGS_INDENT)

/* An argument line under a row, wrapped after "; " or ", " to the table's
 * 100 columns (continuations indented two more), never cut. */
static void print_args(FILE *f, const char *text)
{
	size_t n = strlen(text), width = ARGS_WIDTH;

	while (n > width) {
		size_t cut = 0;

		for (size_t i = 1; i + 1 < width; i++)
			if (text[i] == ' ' && (text[i - 1] == ';' || text[i - 1] == ','))
				cut = i + 1;
		if (!cut) /* one long token: print it whole */
			break;
		fprintf(f, "%*s%.*s\n", width == ARGS_WIDTH ? ARGS_INDENT : ARGS_INDENT + 2,
			"", (int)(cut - 1), text);
		text += cut;
		n -= cut;
		width = ARGS_WIDTH - 2;
	}
	fprintf(f, "%*s%s\n", width == ARGS_WIDTH ? ARGS_INDENT : ARGS_INDENT + 2, "",
		text);
}

static void print_rows(FILE *f, const struct row *rows, size_t n)
{
	const struct sc_group *prev = NULL;
	char args[4096], line[4096 + 300], from[256];

	fprintf(f, "  %-14s %-22s %-4s %12s  %s\n", "GROUP", "SYSCALL", "RISK",
		"COUNT", "FIRST CALL SITE");
	for (size_t k = 0; k < n; k++) {
		const struct row *r = &rows[k];
		const char *g = r->group ? r->group->name : "(no group)";
		const char *site = r->site ? r->site : "-";
		int slen;

		/* inferred-only: no call was seen; say where it comes from */
		from_text(&r->args, from, sizeof(from));
		if (r->args.inferred && !r->args.observed)
			site = from;
		slen = (int)strlen(site);
		if (k && r->group == prev)
			g = "";
		prev = r->group;
		fprintf(f, "  %-14s %-22s %-4s %12llu  ", g, r->name,
			risk_mark(r->nr), (unsigned long long)r->count);
		if (slen > SITE_WIDTH)
			fprintf(f, "%.*s...\n", SITE_WIDTH - 3, site);
		else
			fprintf(f, "%s\n", site);
		if (r->args.inferred && r->args.observed) {
			struct policy_syscall part;

			/* observed conditions, then what inference adds */
			capability__observed_part(&r->args, &part);
			show__args_text(&part, args, sizeof(args));
			if (args[0])
				print_args(f, args);
			capability__inferred_part(&r->args, &part);
			show__args_text(&part, args, sizeof(args));
			snprintf(line, sizeof(line), "+ %s (%s)",
				 args[0] ? args : "any arguments", from);
			print_args(f, line);
			continue;
		}
		show__args_text(&r->args, args, sizeof(args));
		if (args[0])
			print_args(f, args);
	}
}

static void print_unit_header(FILE *f, const struct policy *p,
			      const struct score_unit *u, long comp,
			      const struct policy_lib *l, size_t ninferred)
{
	fprintf(f, "%s: %s\n", score__unit_kind_name(u->kind), u->name);
	if (comp >= 0) {
		const struct policy_compartment *c = &p->compartments[comp];

		for (size_t i = 0; i < c->nlibs; i++)
			fprintf(f, "  member: %s\n", c->libs[i]);
	} else if (l && l->build_id) {
		fprintf(f, "  build-id: %s\n", l->build_id);
	}
	fprintf(f, "  %zu syscalls", u->nown);
	if (ninferred)
		fprintf(f, " (%zu inferred)", ninferred);
	fprintf(f, ", score %llu", (unsigned long long)u->own);
	if (u->kind != SCORE_UNIT_BUCKET && u->nsyscalls != u->nown)
		fprintf(f, " (%llu with the buckets' syscalls)",
			(unsigned long long)u->score);
	fputc('\n', f);
	if (ninferred)
		fprintf(f, "  observed rules only: score %llu%s\n",
			(unsigned long long)u->observed_score,
			u->kind != SCORE_UNIT_BUCKET ? " with the buckets' syscalls" : "");
}

/* The policy library a non-compartment unit stands for. */
static const struct policy_lib *unit_lib(const struct policy *p,
					 const struct score_unit *u, size_t *idx)
{
	for (size_t i = 0; i < p->nlibs; i++)
		if (p->libs[i].path == u->name) {
			*idx = i;
			return &p->libs[i];
		}
	return NULL;
}

static long unit_comp(const struct policy *p, const struct score_unit *u)
{
	for (size_t c = 0; c < p->ncompartments; c++)
		if (p->compartments[c].name == u->name)
			return (long)c;
	return -1;
}

/* A library's paths and ports (issue 17), or the floor's. */
static void print_objects(FILE *f, const char *indent, const struct policy_objs *o)
{
	char acc[256];

	for (size_t i = 0; i < o->npaths; i++) {
		objects__access_str(o->paths[i].access, acc, sizeof(acc));
		fprintf(f, "%spath %-44s %s%s%s%s%s\n", indent, o->paths[i].path, acc,
			o->paths[i].inferred ? " (inferred: " : "",
			o->paths[i].inferred ? o->paths[i].inferred : "",
			o->paths[i].inferred ? ")" : "",
			o->paths[i].log_access ? " (from a violation log)" : "");
	}
	for (size_t i = 0; i < o->nports; i++) {
		const struct policy_port *pt = &o->ports[i];
		char port[24];

		if (pt->last)
			snprintf(port, sizeof(port), "%u-%u", pt->port, pt->last);
		else
			snprintf(port, sizeof(port), "%u", pt->port);
		fprintf(f, "%sport %-44s %s%s%s (%s%s%s%s%s)%s\n", indent, port,
			pt->access & PORT_BIND ? "bind" : "",
			pt->access == (PORT_BIND | PORT_CONNECT) ? "," : "",
			pt->access & PORT_CONNECT ? "connect" : "",
			pt->addrs & ADDR_ANY ? "any " : "", pt->addrs & ADDR_LOOPBACK ? "loopback " : "",
			pt->addrs & ADDR_OTHER ? "other " : "", "addresses", "",
			pt->last ? " (inferred: ephemeral)" : pt->log_access ?
			" (from a violation log)" : "");
	}
}

int show__print(FILE *f, const struct policy *p)
{
	struct score_report *r = NULL;
	struct row *rows;
	struct rules_set *set;
	int rc;

	if (!f || !p)
		return -EINVAL;
	rows = malloc(SYSCALL_NR_MAX * sizeof(*rows));
	set = malloc(sizeof(*set));
	rc = rows && set ? score__policy(p, &r) : -ENOMEM;
	if (rc) {
		free(rows);
		free(set);
		return rc;
	}
	if (p->binary)
		fprintf(f, "binary: %s\n", p->binary);
	fprintf(f, "%zu units, %zu syscalls in the union, score %llu of %llu "
		"(no filter)\n", r->nunits, r->nunion,
		(unsigned long long)r->union_score, (unsigned long long)r->none);
	for (size_t i = 0; i < r->nunits; i++) {
		const struct score_unit *u = &r->units[i];
		long comp = u->kind == SCORE_UNIT_COMPARTMENT ? unit_comp(p, u) : -1;
		size_t lib = 0;
		const struct policy_lib *l = comp < 0 ? unit_lib(p, u, &lib) : NULL;
		size_t n;

		if (comp < 0 && !l)
			continue;
		size_t ninf = 0;

		fputc('\n', f);
		n = unit_rows(p, comp, lib, set, rows);
		for (size_t k = 0; k < n; k++)
			ninf += rows[k].args.inferred && !rows[k].args.observed;
		print_unit_header(f, p, u, comp, l, ninf);
		if (n)
			print_rows(f, rows, n);
		if (comp < 0 && l)
			print_objects(f, "  ", &l->objs);
		else if (comp >= 0)
			for (size_t k = 0; k < p->nlibs; k++)
				if (policy__compartment_of(p, p->libs[k].path) == comp)
					print_objects(f, "  ", &p->libs[k].objs);
	}
	{
		struct policy_objs u;

		if (!objects__union(p, &u) && (u.npaths || u.nports)) {
			fprintf(f, "\nLandlock floor (the union of paths and ports):\n");
			print_objects(f, "  ", &u);
		}
		objects__free(&u);
	}
	free(rows);
	free(set);
	score__free(r);
	return 0;
}

/* "paths" and "ports" of o into obj (issue 17): the policy's own fields,
 * "inferred" the rule that wrote a path (or null), "fromLog" whether a
 * violation log gave some of its access.  0 or -ENOMEM. */
static int objects_json(cJSON *obj, const struct policy_objs *o)
{
	cJSON *paths = cJSON_AddArrayToObject(obj, "paths");
	cJSON *ports = cJSON_AddArrayToObject(obj, "ports");

	if (!paths || !ports)
		return -ENOMEM;
	for (size_t i = 0; i < o->npaths; i++) {
		const struct policy_path *pp = &o->paths[i];
		const char *acc[32];
		int na = 0;
		cJSON *e = cJSON_CreateObject(), *a;

		for (unsigned k = 0; k < 32; k++)
			if ((pp->access & (1u << k)) && objects__access_name(k))
				acc[na++] = objects__access_name(k);
		a = cJSON_CreateStringArray(acc, na);
		if (!e || !cJSON_AddItemToArray(paths, e) || !a ||
		    !cJSON_AddStringToObject(e, "path", pp->path) ||
		    !cJSON_AddItemToObject(e, "access", a) ||
		    !(pp->inferred ? cJSON_AddStringToObject(e, "inferred", pp->inferred)
				   : cJSON_AddNullToObject(e, "inferred")) ||
		    !cJSON_AddBoolToObject(e, "writableDirectory",
					   objects__writable_dir(pp->path, pp->access)) ||
		    !cJSON_AddBoolToObject(e, "fromLog", pp->log_access != 0))
			return -ENOMEM;
	}
	for (size_t i = 0; i < o->nports; i++) {
		const struct policy_port *pt = &o->ports[i];
		const char *acc[2], *addr[3];
		size_t na, nd;
		cJSON *e = cJSON_CreateObject(), *a, *d;

		objects__port_names(pt, acc, &na, addr, &nd);
		a = cJSON_CreateStringArray(acc, (int)na);
		d = cJSON_CreateStringArray(addr, (int)nd);
		if (!e || !cJSON_AddItemToArray(ports, e) || !a || !d ||
		    !cJSON_AddNumberToObject(e, "port", pt->port) ||
		    !(pt->last ? cJSON_AddNumberToObject(e, "last", pt->last)
			       : cJSON_AddNullToObject(e, "last")) ||
		    !cJSON_AddItemToObject(e, "access", a) ||
		    !cJSON_AddItemToObject(e, "addresses", d) ||
		    !cJSON_AddBoolToObject(e, "fromLog", pt->log_access != 0))
			return -ENOMEM;
	}
	return 0;
}

char *show__to_json(const struct policy *p)
{
	struct score_report *r = NULL;
	cJSON *root = NULL, *units, *sc;
	struct row *rows = NULL;
	struct rules_set *set = NULL;
	char *s = NULL, *out = NULL;
	int rc;

	if (!p) {
		errno = EINVAL;
		return NULL;
	}
	rows = malloc(SYSCALL_NR_MAX * sizeof(*rows));
	set = malloc(sizeof(*set));
	rc = rows && set ? score__policy(p, &r) : -ENOMEM;
	if (rc)
		goto fail;
	rc = -ENOMEM;
	root = cJSON_CreateObject();
	if (!root || !(units = cJSON_AddArrayToObject(root, "units")))
		goto fail;
	for (size_t i = 0; i < r->nunits; i++) {
		const struct score_unit *u = &r->units[i];
		long comp = u->kind == SCORE_UNIT_COMPARTMENT ? unit_comp(p, u) : -1;
		size_t lib = 0, n;
		const struct policy_lib *l = comp < 0 ? unit_lib(p, u, &lib) : NULL;
		cJSON *o, *arr;

		if (comp < 0 && !l)
			continue;
		o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(units, o) ||
		    !cJSON_AddStringToObject(o, "name", u->name) ||
		    !cJSON_AddStringToObject(o, "kind", score__unit_kind_name(u->kind)) ||
		    !cJSON_AddNumberToObject(o, "score", (double)u->own) ||
		    !cJSON_AddNumberToObject(o, "scoreWithBuckets",
					     (double)u->score))
			goto fail;
		if (l && !(l->build_id ? cJSON_AddStringToObject(o, "buildId",
								 l->build_id)
				       : cJSON_AddNullToObject(o, "buildId")))
			goto fail;
		if (comp >= 0) {
			const struct policy_compartment *c = &p->compartments[comp];
			cJSON *m = cJSON_CreateStringArray((const char *const *)c->libs,
							   (int)c->nlibs);

			if (!m || !cJSON_AddItemToObject(o, "members", m))
				goto fail;
		}
		if (l && objects_json(o, &l->objs))
			goto fail;
		if (comp >= 0) {
			struct policy_objs m = {};
			int orc = 0;

			for (size_t k = 0; k < p->nlibs && !orc; k++)
				if (p->libs[k].kind != LIB_KIND_BUCKET &&
				    policy__compartment_of(p, p->libs[k].path) == comp)
					orc = objects__merge(&m, &p->libs[k].objs);
			if (!orc)
				orc = objects_json(o, &m);
			objects__free(&m);
			if (orc)
				goto fail;
		}
		arr = cJSON_AddArrayToObject(o, "syscalls");
		if (!arr)
			goto fail;
		n = unit_rows(p, comp, lib, set, rows);
		for (size_t k = 0; k < n; k++) {
			cJSON *e = cJSON_CreateObject();

			if (!e || !cJSON_AddItemToArray(arr, e) ||
			    !cJSON_AddStringToObject(e, "name", rows[k].name) ||
			    !(rows[k].group ?
			      cJSON_AddStringToObject(e, "group", rows[k].group->name) :
			      cJSON_AddNullToObject(e, "group")) ||
			    !cJSON_AddStringToObject(e, "risk", score__risk_name(
						     score__risk(rows[k].nr))) ||
			    !cJSON_AddNumberToObject(e, "weight",
						     score__weight(rows[k].nr)) ||
			    !cJSON_AddNumberToObject(e, "count",
						     (double)rows[k].count) ||
			    !(rows[k].site ?
			      cJSON_AddStringToObject(e, "site", rows[k].site) :
			      cJSON_AddNullToObject(e, "site")))
				goto fail;
			{
				char text[1024];
				struct policy_syscall part;
				const struct policy_syscall *a = &rows[k].args;

				/* args: the observed conditions (all of them
				 * when nothing is inferred); inferred: what
				 * inference adds, or null */
				if (a->inferred && a->observed)
					capability__observed_part(a, &part);
				else
					part = *a;
				show__args_text(&part, text, sizeof(text));
				if (!(text[0] ?
				      cJSON_AddStringToObject(e, "args", text) :
				      cJSON_AddNullToObject(e, "args")))
					goto fail;
				if (!cJSON_AddBoolToObject(e, "observed",
							   !a->inferred || a->observed))
					goto fail;
				{
					/* setsockopt/getsockopt: the (level,
					 * option) pairs enforced */
					const uint64_t *keys = NULL;
					size_t np = show__pairs(a, &keys);

					if (!show__pairs_json(e, "pairs", keys, np))
						goto fail;
				}
				if (!a->inferred) {
					if (!cJSON_AddNullToObject(e, "inferred"))
						goto fail;
				} else {
					const char *v[SYSCALL_NR_MAX + 1];
					size_t nv = capability__from_names(
						a, v, SYSCALL_NR_MAX + 1);
					cJSON *io = cJSON_AddObjectToObject(e, "inferred");
					cJSON *fa = cJSON_CreateStringArray(v, (int)nv);

					capability__inferred_part(a, &part);
					show__args_text(&part, text, sizeof(text));
					if (!io || !fa ||
					    !cJSON_AddItemToObject(io, "from", fa) ||
					    !(text[0] ?
					      cJSON_AddStringToObject(io, "args", text) :
					      cJSON_AddNullToObject(io, "args")))
						goto fail;
				}
			}
		}
	}
	sc = cJSON_AddObjectToObject(root, "score");
	if (!sc || !cJSON_AddNumberToObject(sc, "union", (double)r->union_score) ||
	    !cJSON_AddNumberToObject(sc, "none", (double)r->none))
		goto fail;
	{
		/* the union of paths and ports: the Landlock floor */
		struct policy_objs u;
		cJSON *fl = cJSON_AddObjectToObject(root, "floor");

		if (!fl || objects__union(p, &u))
			goto fail;
		rc = objects_json(fl, &u);
		objects__free(&u);
		if (rc)
			goto fail;
		rc = -ENOMEM;
	}
	s = cJSON_Print(root);
	if (!s || !(out = malloc(strlen(s) + 2)))
		goto fail;
	strcpy(out, s);
	strcat(out, "\n");
	rc = 0;
fail:
	cJSON_free(s);
	cJSON_Delete(root);
	score__free(r);
	free(rows);
	free(set);
	if (rc) {
		free(out);
		errno = -rc;
		return NULL;
	}
	return out;
}
