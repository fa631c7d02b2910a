/* policy_write.c - the deterministic JSON writer of policies (stable
 * order, 2-space indent) in the OCI runtime-spec seccomp shape.  File
 * format: docs/policy-format.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capability.h"
#include "fileio.h"
#include "generalize.h"
#include "objects.h"
#include "policy.h"
#include "policy_internal.h"
#include "policy_write.h"
#include "syscalls.h"
#include "util.h"

/* ---- JSON writer -------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		b->err = EINVAL;
		return;
	}
	sb_put(b, buf, (size_t)n);
}

static void sb_indent(struct sbuf *b, int level)
{
	static const char spaces[] = "                                ";

	sb_put(b, spaces, (size_t)(2 * level) < sizeof(spaces) - 1 ?
	       (size_t)(2 * level) : sizeof(spaces) - 1);
}

/* JSON string; bytes >= 0x80 pass through unchanged (UTF-8 expected). */
static void sb_json_str(struct sbuf *b, const char *s)
{
	if (!s) {
		sb_puts(b, "null");
		return;
	}
	sb_put(b, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\b': sb_puts(b, "\\b"); break;
		case '\f': sb_puts(b, "\\f"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\t': sb_puts(b, "\\t"); break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				sb_printf(b, "\\u%04x", *c);
			else
				sb_put(b, (const char *)c, 1);
		}
	}
	sb_put(b, "\"", 1);
}

/* "key": (after indentation) */
static void sb_key(struct sbuf *b, int level, const char *key)
{
	sb_indent(b, level);
	sb_json_str(b, key);
	sb_puts(b, ": ");
}

/* Array of strings, one per line; "[]" when empty.  No trailing newline. */
static void sb_str_array(struct sbuf *b, int level, const char *const *v,
			 size_t n)
{
	if (!n) {
		sb_puts(b, "[]");
		return;
	}
	sb_puts(b, "[\n");
	for (size_t i = 0; i < n; i++) {
		sb_indent(b, level + 1);
		sb_json_str(b, v[i]);
		sb_puts(b, i + 1 < n ? ",\n" : "\n");
	}
	sb_indent(b, level);
	sb_puts(b, "]");
}

static int cstr_qcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct named_sc {
	const char *name;
	const struct policy_syscall *sc;
	/* library sections: sc is the observed or (inferred = true) the
	 * inferred part of a rule (capability.c); from = its sources */
	bool inferred;
	const char **from;
	size_t nfrom;
	char *fromkey;      /* the sources joined by ',': groups and order */
};

static int named_qcmp(const void *a, const void *b)
{
	return strcmp(((const struct named_sc *)a)->name,
		      ((const struct named_sc *)b)->name);
}

static void sb_entry_open(struct sbuf *b, int level, const char **names,
			  size_t n)
{
	sb_indent(b, level);
	sb_puts(b, "{\n");
	sb_key(b, level + 1, "names");
	sb_str_array(b, level + 1, names, n);
	sb_puts(b, ",\n");
	sb_key(b, level + 1, "action");
	sb_json_str(b, ALLOW_ACTION);
}

/* One entry per alternative of a syscall with argument conditions
 * (docs/arguments.md); widened (library sections only) lists the argument
 * indexes whose rule was widened to any value. */
static void sb_inferred_from(struct sbuf *b, int level, const struct named_sc *e)
{
	if (!e || !e->inferred)
		return;
	sb_puts(b, ",\n");
	sb_key(b, level + 1, "inferred_from");
	sb_str_array(b, level + 1, e->from, e->nfrom);
}

static void sb_arg_entries(struct sbuf *b, int level, const char *name,
			   const struct policy_syscall *sc, bool lib_section,
			   struct arg_alt *alts, bool *first,
			   const struct named_sc *e)
{
	unsigned widened = lib_section ? gen__widened_mask(sc) : 0;
	int n = lib_section ? gen__alternatives(sc, alts, GEN_MAX_ALTS)
			    : gen__alternatives_floor(sc, alts, GEN_MAX_ALTS);

	if (n < 0) {
		b->err = -n;
		return;
	}
	for (int k = 0; k < n; k++) {
		const struct arg_alt *a = &alts[k];

		sb_puts(b, *first ? "" : ",\n");
		*first = false;
		sb_entry_open(b, level, &name, 1);
		if (a->n) {
			sb_puts(b, ",\n");
			sb_key(b, level + 1, "args");
			sb_puts(b, "[\n");
			for (unsigned c = 0; c < a->n; c++) {
				const struct arg_cond *cd = &a->c[c];

				sb_indent(b, level + 2);
				sb_puts(b, "{\n");
				sb_key(b, level + 3, "index");
				sb_printf(b, "%u,\n", cd->idx);
				sb_key(b, level + 3, "value");
				sb_printf(b, "%llu,\n", (unsigned long long)cd->a);
				sb_key(b, level + 3, "valueTwo");
				sb_printf(b, "%llu,\n", (unsigned long long)cd->b);
				sb_key(b, level + 3, "op");
				sb_json_str(b, cd->op == ARGC_EQ ? "SCMP_CMP_EQ"
								 : "SCMP_CMP_MASKED_EQ");
				sb_puts(b, "\n");
				sb_indent(b, level + 2);
				sb_puts(b, c + 1 < a->n ? "},\n" : "}\n");
			}
			sb_indent(b, level + 1);
			sb_puts(b, "]");
		}
		if (widened) {
			bool wfirst = true;

			sb_puts(b, ",\n");
			sb_key(b, level + 1, "widened");
			sb_puts(b, "[\n");
			for (unsigned i = 0; i < 6; i++) {
				if (!(widened & (1u << i)))
					continue;
				sb_puts(b, wfirst ? "" : ",\n");
				wfirst = false;
				sb_indent(b, level + 2);
				sb_printf(b, "%u", i);
			}
			sb_puts(b, "\n");
			sb_indent(b, level + 1);
			sb_puts(b, "]");
		}
		sb_inferred_from(b, level, e);
		sb_puts(b, "\n");
		sb_indent(b, level);
		sb_puts(b, "}");
	}
}

/* "syscalls": [...] or [].  ev: the syscalls sorted by name; names:
 * scratch for n names.  Syscalls without conditions share one entry
 * (first); each syscall with conditions (or, in library sections, a
 * widened argument) gets its own entries, in name order. */
static void sb_rules(struct sbuf *b, int level, const struct named_sc *ev,
		     size_t n, const char **names, bool lib_section)
{
	struct arg_alt *alts = NULL;
	size_t nplain = 0;
	bool first = true;

	for (size_t k = 0; k < n; k++)
		if (!gen__has_conditions(ev[k].sc) &&
		    !(lib_section && gen__widened_mask(ev[k].sc)))
			names[nplain++] = ev[k].name;
	sb_key(b, level, "syscalls");
	if (!n) {
		sb_puts(b, "[]");
		return;
	}
	sb_puts(b, "[\n");
	if (nplain) {
		sb_entry_open(b, level + 1, names, nplain);
		sb_puts(b, "\n");
		sb_indent(b, level + 1);
		sb_puts(b, "}");
		first = false;
	}
	if (nplain < n) {
		alts = malloc(GEN_MAX_ALTS * sizeof(*alts));
		if (!alts) {
			b->err = ENOMEM;
			return;
		}
	}
	for (size_t k = 0; k < n && nplain < n; k++)
		if (gen__has_conditions(ev[k].sc) ||
		    (lib_section && gen__widened_mask(ev[k].sc)))
			sb_arg_entries(b, level + 1, ev[k].name, ev[k].sc,
				       lib_section, alts, &first, NULL);
	free(alts);
	sb_puts(b, "\n");
	sb_indent(b, level);
	sb_puts(b, "]");
}

/* Library rules with inferred parts (capability.c, docs/policy-format.md):
 * the observed entries as sb_rules writes them; then the inferred parts
 * without conditions, one entry per set of sources ("inferred_from"),
 * in the order of those sets; then every part with conditions in name
 * order, a syscall's observed entries before its inferred ones. */
static int item_qcmp(const void *a, const void *b)
{
	const struct named_sc *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (int)x->inferred - (int)y->inferred;
}

static int group_qcmp(const void *a, const void *b)
{
	const struct named_sc *x = *(const struct named_sc *const *)a;
	const struct named_sc *y = *(const struct named_sc *const *)b;
	int c = strcmp(x->fromkey, y->fromkey);

	return c ? c : strcmp(x->name, y->name);
}

static bool item_plain(const struct named_sc *e)
{
	return !gen__has_conditions(e->sc) && !gen__widened_mask(e->sc);
}

static void sb_lib_rules(struct sbuf *b, int level, struct named_sc *it,
			 size_t n, const char **names)
{
	const struct named_sc **grp = NULL;
	struct arg_alt *alts = NULL;
	size_t nplain = 0, ng = 0;
	bool first = true;

	sort_n(it, n, sizeof(*it), item_qcmp);
	sb_key(b, level, "syscalls");
	if (!n) {
		sb_puts(b, "[]");
		return;
	}
	grp = malloc(n * sizeof(*grp));
	alts = malloc(GEN_MAX_ALTS * sizeof(*alts));
	if (!grp || !alts) {
		b->err = ENOMEM;
		goto out;
	}
	sb_puts(b, "[\n");
	for (size_t k = 0; k < n; k++) {
		if (item_plain(&it[k]) && !it[k].inferred)
			names[nplain++] = it[k].name;
		else if (item_plain(&it[k]))
			grp[ng++] = &it[k];
	}
	if (nplain) {
		sb_entry_open(b, level + 1, names, nplain);
		sb_puts(b, "\n");
		sb_indent(b, level + 1);
		sb_puts(b, "}");
		first = false;
	}
	sort_n(grp, ng, sizeof(*grp), group_qcmp);
	for (size_t g = 0; g < ng;) {
		size_t e = g, nn = 0;

		while (e < ng && !strcmp(grp[e]->fromkey, grp[g]->fromkey))
			names[nn++] = grp[e++]->name;
		sb_puts(b, first ? "" : ",\n");
		first = false;
		sb_entry_open(b, level + 1, names, nn);
		sb_inferred_from(b, level + 1, grp[g]);
		sb_puts(b, "\n");
		sb_indent(b, level + 1);
		sb_puts(b, "}");
		g = e;
	}
	for (size_t k = 0; k < n; k++)
		if (!item_plain(&it[k]))
			sb_arg_entries(b, level + 1, it[k].name, it[k].sc, true,
				       alts, &first, &it[k]);
	sb_puts(b, "\n");
	sb_indent(b, level);
	sb_puts(b, "]");
out:
	free(grp);
	free(alts);
}

/* Items of library l: one per rule part.  parts: 2 * nsyscalls scratch
 * rules.  Returns the number of items, or -errno. */
static long lib_items(const struct policy_lib *l, struct named_sc *it,
		      struct policy_syscall *parts)
{
	size_t n = 0;

	for (size_t k = 0; k < l->nsyscalls; k++) {
		const struct policy_syscall *sc = &l->syscalls[k];
		const char *name = syscall__name(sc->nr);
		size_t nf, klen = 1;

		if (!name)
			return -EINVAL;
		if (!sc->inferred) {
			it[n++] = (struct named_sc){ .name = name, .sc = sc };
			continue;
		}
		if (capability__observed_part(sc, &parts[n]))
			it[n] = (struct named_sc){ .name = name, .sc = &parts[n] },
			n++;
		capability__inferred_part(sc, &parts[n]);
		it[n] = (struct named_sc){ .name = name, .sc = &parts[n],
					   .inferred = true };
		nf = capability__from_names(sc, NULL, 0);
		it[n].from = malloc((nf + 1) * sizeof(*it[n].from));
		if (!it[n].from)
			return -ENOMEM;
		it[n].nfrom = capability__from_names(sc, it[n].from, nf);
		for (size_t f = 0; f < it[n].nfrom; f++)
			klen += strlen(it[n].from[f]) + 1;
		it[n].fromkey = calloc(1, klen);
		if (!it[n].fromkey) {
			free(it[n].from);
			return -ENOMEM;
		}
		for (size_t f = 0; f < it[n].nfrom; f++) {
			if (f)
				strcat(it[n].fromkey, ",");
			strcat(it[n].fromkey, it[n].from[f]);
		}
		n++;
	}
	return (long)n;
}

static int lib_pqcmp(const void *a, const void *b)
{
	return lib_cmp(*(const struct policy_lib *const *)a,
		       *(const struct policy_lib *const *)b);
}

/* "paths" and "ports" of a library or of the floor (issue 17), each
 * written only when non-empty; every line but the last ends with ",\n",
 * the last with "\n".  Nothing when both are empty. */
static void sb_objects(struct sbuf *b, int level, const struct policy_objs *o)
{
	if (o->npaths) {
		sb_key(b, level, "paths");
		sb_puts(b, "[\n");
		for (size_t i = 0; i < o->npaths; i++) {
			const struct policy_path *pp = &o->paths[i];
			const char *acc[32];
			size_t na = 0;

			for (unsigned k = 0; k < 32; k++)
				if ((pp->access & (1u << k)) && objects__access_name(k))
					acc[na++] = objects__access_name(k);
			sb_indent(b, level + 1);
			sb_puts(b, "{\n");
			sb_key(b, level + 2, "path");
			sb_json_str(b, pp->path);
			sb_puts(b, ",\n");
			sb_key(b, level + 2, "access");
			sb_str_array(b, level + 2, acc, na);
			if (pp->inferred) {
				/* the capability generalisation's mark; for a
				 * path it names the rule that wrote it */
				sb_puts(b, ",\n");
				sb_key(b, level + 2, "inferred_from");
				sb_str_array(b, level + 2, &pp->inferred, 1);
			}
			if (pp->log_access) {
				/* some of its access only a violation log gave */
				sb_puts(b, ",\n");
				sb_key(b, level + 2, "source");
				sb_json_str(b, "log");
			}
			sb_puts(b, "\n");
			sb_indent(b, level + 1);
			sb_puts(b, i + 1 < o->npaths ? "},\n" : "}\n");
		}
		sb_indent(b, level);
		sb_puts(b, o->nports ? "],\n" : "]\n");
	}
	if (o->nports) {
		sb_key(b, level, "ports");
		sb_puts(b, "[\n");
		for (size_t i = 0; i < o->nports; i++) {
			const struct policy_port *pt = &o->ports[i];
			const char *acc[2], *addr[3];
			size_t na, nd;

			objects__port_names(pt, acc, &na, addr, &nd);
			sb_indent(b, level + 1);
			sb_puts(b, "{\n");
			sb_key(b, level + 2, "port");
			sb_printf(b, "%u,\n", pt->port);
			if (pt->last) {
				sb_key(b, level + 2, "last");
				sb_printf(b, "%u,\n", pt->last);
			}
			sb_key(b, level + 2, "access");
			sb_str_array(b, level + 2, acc, na);
			sb_puts(b, ",\n");
			sb_key(b, level + 2, "addresses");
			sb_str_array(b, level + 2, addr, nd);
			if (pt->last) {
				static const char *const eph = "ephemeral";

				sb_puts(b, ",\n");
				sb_key(b, level + 2, "inferred_from");
				sb_str_array(b, level + 2, &eph, 1);
			}
			if (pt->log_access) {
				sb_puts(b, ",\n");
				sb_key(b, level + 2, "source");
				sb_json_str(b, "log");
			}
			sb_puts(b, "\n");
			sb_indent(b, level + 1);
			sb_puts(b, i + 1 < o->nports ? "},\n" : "}\n");
		}
		sb_indent(b, level);
		sb_puts(b, "]\n");
	}
}

/* Replace the "\n" just written by ",\n" when more keys follow. */
static void sb_comma(struct sbuf *b)
{
	if (!b->err && b->len && b->p[b->len - 1] == '\n') {
		b->len--;
		sb_puts(b, ",\n");
	}
}

static void sb_lib(struct sbuf *b, const struct policy_lib *l, int level,
		   const char **names, struct named_sc *ev)
{
	size_t n = 0;

	for (size_t k = 0; k < l->nsyscalls; k++) {
		const char *name = syscall__name(l->syscalls[k].nr);

		if (!name) {
			b->err = EINVAL;
			return;
		}
		ev[n].name = name;
		ev[n].sc = &l->syscalls[k];
		n++;
	}
	sort_n(ev, n, sizeof(*ev), named_qcmp);

	sb_indent(b, level);
	sb_puts(b, "{\n");
	sb_key(b, level + 1, "path");
	sb_json_str(b, l->path);
	sb_puts(b, ",\n");
	sb_key(b, level + 1, "buildId");
	sb_json_str(b, l->build_id);
	sb_puts(b, ",\n");
	sb_key(b, level + 1, "kind");
	sb_json_str(b, lib_kind__name(l->kind));
	sb_puts(b, ",\n");
	{
		struct named_sc *it = calloc(2 * l->nsyscalls + 1, sizeof(*it));
		struct policy_syscall *parts = calloc(2 * l->nsyscalls + 1,
						      sizeof(*parts));
		long ni = it && parts ? lib_items(l, it, parts) : -ENOMEM;

		if (ni < 0)
			b->err = (int)-ni;
		else
			sb_lib_rules(b, level + 1, it, (size_t)ni, names);
		for (size_t k = 0; it && k < 2 * l->nsyscalls + 1; k++) {
			free(it[k].from);
			free(it[k].fromkey);
		}
		free(it);
		free(parts);
	}
	sb_puts(b, ",\n");
	sb_key(b, level + 1, "evidence");
	{
		size_t nev = 0;

		for (size_t k = 0; k < n; k++)
			nev += ev[k].sc->count || ev[k].sc->site || ev[k].sc->from_log;
		if (!nev) {
			sb_puts(b, "{}\n");
		} else {
			sb_puts(b, "{\n");
			for (size_t k = 0; k < n; k++) {
				const struct policy_syscall *s = ev[k].sc;

				if (!s->count && !s->site && !s->from_log)
					continue;
				sb_key(b, level + 2, ev[k].name);
				sb_puts(b, "{\n");
				sb_key(b, level + 3, "count");
				/* JSON numbers are doubles: saturate where they
				 * stop being exact, so the file stays loadable */
				sb_printf(b, "%llu,\n", (unsigned long long)
					  (s->count > MAX_EXACT_COUNT_U ?
					   MAX_EXACT_COUNT_U : s->count));
				sb_key(b, level + 3, "site");
				sb_json_str(b, s->site);
				if (s->from_log) {
					sb_puts(b, ",\n");
					sb_key(b, level + 3, "source");
					sb_json_str(b, "log");
				}
				sb_puts(b, "\n");
				sb_indent(b, level + 2);
				sb_puts(b, --nev ? "},\n" : "}\n");
			}
			sb_indent(b, level + 1);
			sb_puts(b, "}\n");
		}
	}
	if (l->objs.npaths || l->objs.nports) {
		sb_comma(b);
		sb_objects(b, level + 1, &l->objs);
	}
	sb_indent(b, level);
	sb_puts(b, "}");
}

/* with_sysfence false: the plain OCI profile (union only). */
static char *to_json(const struct policy *p, bool with_sysfence)
{
	const struct policy_lib **libs = NULL;
	const char **names = NULL, **trans = NULL;
	struct named_sc *ev = NULL, *uev = NULL;
	struct policy_syscall *uni = NULL;
	struct sbuf b = { 0 };
	size_t maxsc = 0, n = 0;

	if (!p || !p->default_action) {
		errno = EINVAL;
		return NULL;
	}
	for (size_t i = 0; i < p->nlibs; i++) {
		const struct policy_lib *l = &p->libs[i];

		if (!l->path || l->kind > LIB_KIND_BUCKET) {
			errno = EINVAL;
			return NULL;
		}
		if (l->nsyscalls > maxsc)
			maxsc = l->nsyscalls;
		for (size_t k = 0; k < l->nsyscalls; k++) {
			if (!syscall__name(l->syscalls[k].nr)) {
				errno = EINVAL;
				return NULL;
			}
		}
	}
	libs = malloc((p->nlibs + 1) * sizeof(*libs));
	names = malloc((maxsc > SYSCALL_NR_MAX ? maxsc : SYSCALL_NR_MAX) *
		       sizeof(*names));
	ev = malloc((maxsc + 1) * sizeof(*ev));
	trans = malloc((p->ntransparent + 1) * sizeof(*trans));
	uni = malloc(SYSCALL_NR_MAX * sizeof(*uni));
	uev = malloc(SYSCALL_NR_MAX * sizeof(*uev));
	if (!libs || !names || !ev || !trans || !uni || !uev ||
	    policy__union(p, uni, SYSCALL_NR_MAX)) {
		b.err = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < p->nlibs; i++)
		libs[i] = &p->libs[i];
	sort_n(libs, p->nlibs, sizeof(*libs), lib_pqcmp);
	for (size_t i = 0; i < p->ntransparent; i++)
		trans[i] = p->transparent[i];
	sort_n(trans, p->ntransparent, sizeof(*trans), cstr_qcmp);

	sb_puts(&b, "{\n");
	sb_key(&b, 1, "defaultAction");
	sb_json_str(&b, p->default_action);
	sb_puts(&b, ",\n");
	sb_key(&b, 1, "architectures");
	sb_str_array(&b, 1, (const char *const *)p->architectures,
		     p->narchitectures);
	sb_puts(&b, ",\n");
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++)
		if (uni[nr].count) {
			uev[n].name = syscall__name(nr);
			uev[n++].sc = &uni[nr];
		}
	sort_n(uev, n, sizeof(*uev), named_qcmp);
	sb_rules(&b, 1, uev, n, names, false);
	if (!with_sysfence) {
		sb_puts(&b, "\n}\n");
		goto out;
	}
	sb_puts(&b, ",\n");

	sb_key(&b, 1, "sysfence");
	sb_puts(&b, "{\n");
	sb_key(&b, 2, "version");
	sb_printf(&b, "%u,\n", POLICY_VERSION);
	sb_key(&b, 2, "binary");
	if (!p->binary && !p->binary_build_id) {
		sb_puts(&b, "null,\n");
	} else {
		sb_puts(&b, "{\n");
		sb_key(&b, 3, "path");
		sb_json_str(&b, p->binary);
		sb_puts(&b, ",\n");
		sb_key(&b, 3, "buildId");
		sb_json_str(&b, p->binary_build_id);
		sb_puts(&b, "\n");
		sb_indent(&b, 2);
		sb_puts(&b, "},\n");
	}
	sb_key(&b, 2, "transparent");
	sb_str_array(&b, 2, trans, p->ntransparent);
	sb_puts(&b, ",\n");
	if (p->runtime_buckets) {
		/* written only when set: policies learned before the runtime
		 * buckets read back (and write) unchanged */
		sb_key(&b, 2, "runtimeBuckets");
		sb_puts(&b, "true,\n");
	}
	sb_key(&b, 2, "libraries");
	if (!p->nlibs) {
		sb_puts(&b, "[]\n");
	} else {
		sb_puts(&b, "[\n");
		for (size_t i = 0; i < p->nlibs; i++) {
			sb_lib(&b, libs[i], 3, names, ev);
			sb_puts(&b, i + 1 < p->nlibs ? ",\n" : "\n");
		}
		sb_indent(&b, 2);
		sb_puts(&b, p->ncompartments ? "],\n" : "]\n");
	}
	if (p->ncompartments) { /* only when present: older files unchanged */
		sb_key(&b, 2, "compartments");
		sb_puts(&b, "[\n");
		for (size_t i = 0; i < p->ncompartments; i++) {
			const struct policy_compartment *c = &p->compartments[i];

			sb_indent(&b, 3);
			sb_puts(&b, "{\n");
			sb_key(&b, 4, "name");
			sb_json_str(&b, c->name);
			sb_puts(&b, ",\n");
			sb_key(&b, 4, "libraries");
			sb_str_array(&b, 4, (const char *const *)c->libs,
				     c->nlibs);
			sb_puts(&b, "\n");
			sb_indent(&b, 3);
			sb_puts(&b, i + 1 < p->ncompartments ? "},\n" : "}\n");
		}
		sb_indent(&b, 2);
		sb_puts(&b, "]\n");
	}
	{
		/* derived, like the top-level "syscalls": what the Landlock
		 * floor enforces; written only when there are objects */
		struct policy_objs u;

		if (objects__union(p, &u)) {
			b.err = ENOMEM;
		} else if (u.npaths || u.nports) {
			sb_comma(&b);
			sb_key(&b, 2, "floor");
			sb_puts(&b, "{\n");
			sb_objects(&b, 3, &u);
			sb_indent(&b, 2);
			sb_puts(&b, "}\n");
		}
		objects__free(&u);
	}
	sb_indent(&b, 1);
	sb_puts(&b, "}\n");
	sb_puts(&b, "}\n");
out:
	free(libs);
	free(names);
	free(ev);
	free(trans);
	free(uni);
	free(uev);
	if (b.err) {
		free(b.p);
		errno = b.err;
		return NULL;
	}
	return b.p;
}

char *policy__to_json(const struct policy *p)
{
	return to_json(p, true);
}

char *policy__to_oci_json(const struct policy *p)
{
	return to_json(p, false);
}

int policy__write(const struct policy *p, const char *path, char *err,
		  size_t errlen)
{
	char *json;
	int rc;

	if (!path) {
		util__errf(err, errlen, "cannot write policy: invalid argument");
		return -EINVAL;
	}
	json = policy__to_json(p);
	if (!json) {
		rc = -errno;
		util__errf(err, errlen, "cannot write %s: %s", path,
			   rc == -EINVAL ? "invalid policy (missing path, bad "
					   "kind or unnamed syscall)"
					 : strerror(-rc));
		return rc;
	}
	rc = fileio__write_atomic(path, json, strlen(json), err, errlen);
	free(json);
	return rc;
}
