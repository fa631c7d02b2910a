// SPDX-License-Identifier: GPL-2.0
/* violog.c - violation logs (enforce -l) as recordings; see violog.h and
 * docs/rollout.md.  One line = one distinct violation with its running
 * totals:
 *   {"first": T, "count": N, "binary": P, "library": P, "buildId": H|null,
 *    "syscall": NAME, "argValues": [{"index": I, "value": V}], ...}
 * Only these fields are read; the others (time, pid, comm, site, reason,
 * registers...) are for people. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "policy.h"
#include "sf_args.h"
#include "syscalls.h"
#include "util.h"
#include "violog.h"

/* largest integer a JSON number (double) holds exactly */
#define MAX_EXACT 9007199254740992.0

struct vl_key {
	uint32_t lib, nr;
	uint64_t arg[TRACE_NARGS];
	char *first;       /* the run's first-occurrence time of this key */
	char *sym;         /* its call site, when the line names one */
	uint64_t off;
	int has_site;
	uint64_t count;    /* largest count of its lines */
};

static const char *skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

int violog__detect(const char *buf, size_t len)
{
	const char *end = buf + len, *p = skip_blank(buf, end), *nl;
	cJSON *o;
	int is_log = 0;

	if (p >= end || *p != '{')
		return 0;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		nl = end;
	o = cJSON_ParseWithLength(p, (size_t)(nl - p));
	if (o && cJSON_IsObject(o)) {
		if (cJSON_GetObjectItemCaseSensitive(o, "syscall"))
			is_log = 1;
		else if (skip_blank(nl, end) < end)
			is_log = 1; /* JSON lines of another kind: say which line */
	}
	cJSON_Delete(o);
	return is_log;
}

static int line_err(char *err, size_t errlen, const char *name, size_t line, const char *fmt,
		    const char *a)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, a ? a : "");
	util__errf(err, errlen, "%s:%zu: %s", name, line, msg);
	return -EINVAL;
}

static const char *str_member(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* One line -> tuple key (library added to t).  0 or -errno. */
static int parse_line(const cJSON *o, struct trace *t, struct vl_key *k, const char *name,
		      size_t line, char *err, size_t errlen)
{
	const char *lib, *bin, *sys, *bid = NULL, *first;
	const cJSON *bidv, *cnt, *av, *it;
	const struct sf_argspec *spec;
	uint32_t kind;
	int nr, li;

	if (!cJSON_IsObject(o))
		return line_err(err, errlen, name, line, "expected a JSON object (a line of "
				"'sysfence enforce -l')%s", NULL);
	sys = str_member(o, "syscall");
	lib = str_member(o, "library");
	bin = str_member(o, "binary");
	if (!sys || !lib)
		return line_err(err, errlen, name, line, "not a sysfence violation line (no "
				"\"syscall\" and \"library\" strings)%s", NULL);
	if (!bin)
		return line_err(err, errlen, name, line, "\"binary\": expected a string%s", NULL);
	nr = syscall__nr(sys);
	if (nr < 0 || nr >= SYSCALL_NR_MAX)
		return line_err(err, errlen, name, line, "unknown syscall name '%s'", sys);
	if (lib[0] != '/' && lib[0] != '[')
		return line_err(err, errlen, name, line, "\"library\": '%s' is not a full path "
				"or a [bucket]", lib);
	if (!strncmp(lib, "[unresolved", 11) || !strcmp(lib, "[process-wide union]"))
		return line_err(err, errlen, name, line, "\"library\": '%s' names no library "
				"a rule can be given to", lib);
	bidv = cJSON_GetObjectItemCaseSensitive(o, "buildId");
	if (bidv && !cJSON_IsNull(bidv)) {
		if (!cJSON_IsString(bidv))
			return line_err(err, errlen, name, line, "\"buildId\": expected a string "
					"or null%s", NULL);
		bid = bidv->valuestring;
	}
	kind = lib[0] == '[' ? LIB_KIND_BUCKET
	       : !strcmp(lib, bin) ? LIB_KIND_EXECUTABLE : LIB_KIND_LIBRARY;
	cnt = cJSON_GetObjectItemCaseSensitive(o, "count");
	if (cnt && (!cJSON_IsNumber(cnt) || cnt->valuedouble < 1 ||
		    cnt->valuedouble > MAX_EXACT || cnt->valuedouble != (double)(uint64_t)cnt->valuedouble))
		return line_err(err, errlen, name, line, "\"count\": expected a positive "
				"integer%s", NULL);
	first = str_member(o, "first");
	{
		const cJSON *site = cJSON_GetObjectItemCaseSensitive(o, "site");
		const cJSON *off = cJSON_GetObjectItemCaseSensitive(site, "offset");
		const char *sym = str_member(site, "symbol");

		if (cJSON_IsNumber(off) && off->valuedouble >= 0 && off->valuedouble < MAX_EXACT &&
		    lib[0] == '/') {
			k->has_site = 1;
			k->off = (uint64_t)off->valuedouble;
			if (sym && !(k->sym = strdup(sym)))
				return -ENOMEM;
		}
	}
	li = trace__add_lib(t, lib, kind == LIB_KIND_BUCKET ? NULL : bid, kind, 0, 0);
	if (li < 0)
		return li;
	k->lib = (uint32_t)li;
	k->nr = (uint32_t)nr;
	k->count = cnt ? (uint64_t)cnt->valuedouble : 1;
	if (first && !(k->first = strdup(first)))
		return -ENOMEM;
	av = cJSON_GetObjectItemCaseSensitive(o, "argValues");
	if (av && !cJSON_IsArray(av))
		return line_err(err, errlen, name, line, "\"argValues\": expected an array%s",
				NULL);
	spec = &sf_argspecs[nr < SF_ARGSPEC_NR_MAX ? nr : 0];
	cJSON_ArrayForEach(it, av) {
		const cJSON *iv = cJSON_GetObjectItemCaseSensitive(it, "index");
		const cJSON *vv = cJSON_GetObjectItemCaseSensitive(it, "value");
		int slot = -1;

		if (!cJSON_IsNumber(iv) || !cJSON_IsNumber(vv) || vv->valuedouble < 0 ||
		    vv->valuedouble > 18446744073709551615.0)
			return line_err(err, errlen, name, line, "\"argValues\": expected "
					"[{\"index\": N, \"value\": V}]%s", NULL);
		for (int s = 0; nr < SF_ARGSPEC_NR_MAX && s < SF_ARG_SLOTS && s < TRACE_NARGS; s++)
			if (spec->slot[s].kind != SF_ARGK_NONE && spec->slot[s].idx == iv->valueint)
				slot = s;
		if (slot < 0)
			return line_err(err, errlen, name, line, "\"argValues\": %s records no "
					"such argument index", sys);
		/* values are the recorded (masked) ones; mask again so a
		 * hand-edited line cannot widen the rule */
		k->arg[slot] = (uint64_t)vv->valuedouble & spec->slot[slot].mask;
	}
	return 0;
}

/* A Landlock floor denial (enforce's report_floor_one): the path or port
 * a library's call was denied, folded back as an object of that call (the
 * learner gives it the access the call needs, as for a learned one).
 * 1 when it names no library (a caller the BPF side did not keep): not
 * folded back.  0 or -errno. */
static int parse_floor_line(const cJSON *o, struct trace *t, const char *name, size_t line,
			    char *err, size_t errlen)
{
	const char *lib = str_member(o, "library"), *bin = str_member(o, "binary");
	const char *sys = str_member(o, "syscall"), *bid = str_member(o, "buildId");
	const cJSON *ob = cJSON_GetObjectItemCaseSensitive(o, "object");
	const char *kind = str_member(ob, "kind"), *path = str_member(ob, "path");
	const char *raw = str_member(ob, "raw");
	const cJSON *slot = cJSON_GetObjectItemCaseSensitive(ob, "slot");
	const cJSON *aux = cJSON_GetObjectItemCaseSensitive(ob, "aux");
	uint32_t k;
	int nr, li;

	if (!lib || !cJSON_IsObject(ob))
		return 1; /* no library, or a line of an older sysfence */
	if (!sys || (nr = syscall__nr(sys)) < 0 || nr >= SYSCALL_NR_MAX)
		return line_err(err, errlen, name, line, "unknown syscall name '%s'", sys);
	if (lib[0] != '/' && lib[0] != '[')
		return line_err(err, errlen, name, line, "\"library\": '%s' is not a full path "
				"or a [bucket]", lib);
	if (!strncmp(lib, "[unresolved", 11) || !strcmp(lib, "[process-wide union]"))
		return 1;
	if (!kind || !cJSON_IsNumber(slot) || slot->valuedouble < 0 || slot->valuedouble > 1 ||
	    !cJSON_IsNumber(aux) || aux->valuedouble < 0 || aux->valuedouble > 4294967295.0)
		return line_err(err, errlen, name, line, "\"object\": expected {\"kind\", "
				"\"slot\": 0|1, \"aux\": N, ...}%s", NULL);
	if (!strcmp(kind, "port"))
		k = TRACE_OBJ_INET;
	else if (!strcmp(kind, "path") || !strcmp(kind, "unix"))
		k = !strcmp(kind, "path") ? TRACE_OBJ_PATH : TRACE_OBJ_UNIX;
	else
		return line_err(err, errlen, name, line, "\"object.kind\": '%s' is not path, "
				"unix or port", kind);
	if (k != TRACE_OBJ_INET && (!path || path[0] != '/'))
		return 1; /* not resolved: nothing a rule can name */
	li = trace__add_lib(t, lib, lib[0] == '[' ? NULL : bid,
			    lib[0] == '[' ? LIB_KIND_BUCKET
			    : bin && !strcmp(lib, bin) ? LIB_KIND_EXECUTABLE : LIB_KIND_LIBRARY, 0, 0);
	if (li < 0)
		return li;
	return trace__add_obj(t, (uint32_t)li, (uint32_t)nr, k, (uint32_t)slot->valuedouble,
			      (uint32_t)aux->valuedouble, k == TRACE_OBJ_INET ? NULL : path,
			      k == TRACE_OBJ_INET ? NULL : raw ? raw : path, 1);
}

static int same_key(const struct vl_key *a, const struct vl_key *b)
{
	return a->lib == b->lib && a->nr == b->nr && !memcmp(a->arg, b->arg, sizeof(a->arg));
}

int violog__to_trace(const char *buf, size_t len, const char *name, struct trace **out,
		     char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len;
	struct vl_key *keys = NULL, k;
	size_t nkeys = 0, cap = 0, line = 0, nlines = 0, nfloor = 0, nfloor_skipped = 0;
	struct trace *t = trace__new();
	char *bin = NULL;
	int ret = 0;

	if (!t)
		return -ENOMEM;
	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		cJSON *o;
		size_t i;

		line++;
		if (skip_blank(p, le) == le) {
			p = le + 1;
			continue;
		}
		o = cJSON_ParseWithLength(p, (size_t)(le - p));
		if (!o) {
			ret = line_err(err, errlen, name, line, "invalid JSON (expected one "
				       "object per line)%s", NULL);
			break;
		}
		/* A Landlock floor denial or a path check (issue 17) names a
		 * path or a port of a library's call: folded back into its
		 * paths and ports */
		if (str_member(o, "reason") &&
		    (!strcmp(str_member(o, "reason"), "outside the Landlock floor") ||
		     !strcmp(str_member(o, "reason"), "outside the library's paths"))) {
			ret = parse_floor_line(o, t, name, line, err, errlen);
			if (!ret && !bin && str_member(o, "binary") &&
			    !(bin = strdup(str_member(o, "binary"))))
				ret = -ENOMEM;
			cJSON_Delete(o);
			if (ret == 1) {
				nfloor_skipped++;
				ret = 0;
			} else if (!ret) {
				nfloor++;
			}
			p = le + 1;
			continue;
		}
		memset(&k, 0, sizeof(k));
		ret = parse_line(o, t, &k, name, line, err, errlen);
		if (!ret && !bin && !(bin = strdup(str_member(o, "binary"))))
			ret = -ENOMEM;
		cJSON_Delete(o);
		if (ret) {
			free(k.first);
			free(k.sym);
			break;
		}
		nlines++;
		for (i = 0; i < nkeys; i++)
			if (same_key(&keys[i], &k) && !util__strcmp_null(keys[i].first, k.first))
				break;
		if (i < nkeys) {
			if (k.count > keys[i].count)
				keys[i].count = k.count;
			free(k.first);
			free(k.sym);
		} else {
			if (nkeys == cap) {
				size_t nc = cap ? cap * 2 : 64;
				struct vl_key *n = realloc(keys, nc * sizeof(*n));

				if (!n) {
					free(k.first);
					free(k.sym);
					ret = -ENOMEM;
					break;
				}
				keys = n;
				cap = nc;
			}
			keys[nkeys++] = k;
		}
		p = le + 1;
	}
	if (!ret && !nlines && !nfloor) {
		util__errf(err, errlen, nfloor_skipped ? "%s: only Landlock floor denials that "
			   "name no library or no resolved path (nothing a rule can be given "
			   "to)" : "%s: no violation lines", name);
		ret = -EINVAL;
	}
	for (size_t i = 0; !ret && i < nkeys; i++) {
		ret = trace__add_tuple(t, keys[i].lib, keys[i].nr, keys[i].arg, keys[i].count);
		if (!ret && keys[i].has_site)
			ret = trace__add_site(t, keys[i].lib, keys[i].nr, keys[i].off, keys[i].sym);
	}
	if (!ret) {
		t->binary = bin;
		bin = NULL;
		if (!(t->arch = strdup("x86_64")))
			ret = -ENOMEM;
	}
	if (!ret) {
		ret = trace__canonicalize(t);
	}
	for (size_t i = 0; i < nkeys; i++) {
		free(keys[i].first);
		free(keys[i].sym);
	}
	free(keys);
	free(bin);
	if (ret) {
		trace__free(t);
		return ret;
	}
	*out = t;
	return 0;
}
