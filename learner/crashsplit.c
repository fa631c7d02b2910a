// SPDX-License-Identifier: GPL-2.0
/* crashsplit.c - crash-only tuples of a fuzzing session (crashsplit.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crashsplit.h"
#include "util.h"

/* A tuple's identity across snapshots: library, syscall, argument slots. */
struct tkey {
	const struct trace_lib *lib;
	uint32_t nr;
	uint64_t arg[TRACE_NARGS];
	uint64_t count;
	size_t idx; /* tuple index in its trace */
};

static int tkey_cmp(const void *pa, const void *pb)
{
	const struct tkey *a = pa, *b = pb;
	int c = trace_lib__cmp(a->lib, b->lib);

	if (c)
		return c;
	if (a->nr != b->nr)
		return a->nr < b->nr ? -1 : 1;
	for (int i = 0; i < TRACE_NARGS; i++)
		if (a->arg[i] != b->arg[i])
			return a->arg[i] < b->arg[i] ? -1 : 1;
	return 0;
}

static struct tkey *tkeys_of(const struct trace *t)
{
	struct tkey *k = calloc(t->ntuples ? t->ntuples : 1, sizeof(*k));

	if (!k)
		return NULL;
	for (size_t i = 0; i < t->ntuples; i++) {
		const struct trace_tuple *tu = &t->tuples[i];

		k[i] = (struct tkey){ &t->libs[tu->lib], tu->nr, { 0 }, tu->count, i };
		memcpy(k[i].arg, tu->arg, sizeof(k[i].arg));
	}
	qsort(k, t->ntuples, sizeof(*k), tkey_cmp);
	return k;
}

static uint64_t count_in(const struct tkey *set, size_t n, const struct tkey *k)
{
	const struct tkey *hit = bsearch(k, set, n, sizeof(*set), tkey_cmp);

	return hit ? hit->count : 0;
}

int crashsplit__compute(const struct trace *f, const struct trace *q,
			const struct trace *c, bool include_crashes,
			struct crashsplit *out)
{
	struct tkey *kf, *kq;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	kf = tkeys_of(f);
	kq = tkeys_of(q);
	out->keep = calloc(c->ntuples + 1, 1);
	out->only = calloc(c->ntuples + 1, 1);
	if (!kf || !kq || !out->keep || !out->only) {
		crashsplit__free(out);
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->ntuples; i++) {
		const struct trace_tuple *tu = &c->tuples[i];
		struct tkey k = { &c->libs[tu->lib], tu->nr, { 0 }, 0, i };
		uint64_t nf, nq;

		memcpy(k.arg, tu->arg, sizeof(k.arg));
		nf = count_in(kf, f->ntuples, &k);
		nq = count_in(kq, q->ntuples, &k);
		if (!nf && nq)
			out->nreplay_new++;
		if (nf && nf == nq && tu->count == nq)
			out->nunreproduced++;
		out->only[i] = tu->count > nq && nq == nf;
		out->keep[i] = include_crashes || !out->only[i];
		out->ncrash_only += out->only[i];
	}
out:
	free(kf);
	free(kq);
	return ret;
}

void crashsplit__free(struct crashsplit *s)
{
	free(s->keep);
	free(s->only);
	memset(s, 0, sizeof(*s));
}

/* Library lib of src in t: its index in t, or -errno. */
static int add_lib_of(struct trace *t, const struct trace *src, uint32_t lib)
{
	const struct trace_lib *l = &src->libs[lib];

	return trace__add_lib(t, l->path, l->build_id, l->kind, l->dev, l->ino);
}

int crashsplit__select(const struct trace *src, const unsigned char *keep,
		       struct trace **out)
{
	struct trace *t = trace__new();
	int ret = -ENOMEM;

	if (!t)
		return -ENOMEM;
	if (util__dup(&t->arch, src->arch) || util__dup(&t->kernel, src->kernel) ||
	    util__dup(&t->cmdline, src->cmdline) || util__dup(&t->binary, src->binary) ||
	    util__dup(&t->binary_build_id, src->binary_build_id))
		goto fail;
	t->start_ns = src->start_ns;
	t->end_ns = src->end_ns;
	t->complete = src->complete;
	t->flags = src->flags; /* runtime buckets: enforce attributes the same way */
	t->nstats = src->nstats;
	memcpy(t->stats, src->stats, sizeof(t->stats));
	ret = 0;
	for (size_t i = 0; i < src->ntuples; i++) {
		const struct trace_tuple *tu = &src->tuples[i];
		int li;

		if (!keep[i])
			continue;
		li = add_lib_of(t, src, tu->lib);
		ret = li < 0 ? li : trace__add_tuple(t, (uint32_t)li, tu->nr, tu->arg,
						      tu->count);
		if (ret)
			goto fail;
	}
	for (size_t i = 0; i < src->nsites; i++) {
		const struct trace_site *s = &src->sites[i];
		int kept = 0, li;

		for (size_t j = 0; j < src->ntuples && !kept; j++)
			kept = keep[j] && src->tuples[j].lib == s->lib && src->tuples[j].nr == s->nr;
		if (!kept)
			continue;
		li = add_lib_of(t, src, s->lib);
		ret = li < 0 ? li : trace__add_site(t, (uint32_t)li, s->nr, s->off, s->sym);
		if (ret)
			goto fail;
	}
	/* paths and ports of the libraries kept (objects are not split by
	 * phase: a crash input's file stays with its library) */
	for (size_t i = 0; i < src->nobjs; i++) {
		const struct trace_obj *o = &src->objs[i];
		int kept = 0, li;

		for (size_t j = 0; j < src->ntuples && !kept; j++)
			kept = keep[j] && src->tuples[j].lib == o->lib;
		if (!kept)
			continue;
		li = add_lib_of(t, src, o->lib);
		ret = li < 0 ? li : trace__add_obj(t, (uint32_t)li, o->nr, o->kind, o->slot,
						    o->aux, o->path, o->raw, o->count);
		if (ret)
			goto fail;
	}
	t->objs_over = src->objs_over;
	for (size_t i = 0; i < src->ntransparent && !ret; i++)
		ret = trace__add_transparent(t, src->transparent[i]);
	if (!ret)
		ret = trace__canonicalize(t);
fail:
	if (ret)
		trace__free(t);
	else
		*out = t;
	return ret;
}
