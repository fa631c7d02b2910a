// SPDX-License-Identifier: GPL-2.0
/* objtab.c - resolutions of the BPF side's object keys (see objtab.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "objtab.h"

struct objtab_ent {
	struct sf_obj_key key;
	char *path;
	int used;
};

struct objtab {
	struct objtab_ent *e;
	size_t n, cap; /* cap: power of two */
};

static uint64_t key_hash(const struct sf_obj_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

struct objtab *objtab__new(void)
{
	return calloc(1, sizeof(struct objtab));
}

void objtab__free(struct objtab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->cap; i++)
		free(t->e[i].path);
	free(t->e);
	free(t);
}

static struct objtab_ent *slot_of(const struct objtab *t, const struct sf_obj_key *k)
{
	size_t i = key_hash(k) & (t->cap - 1);

	while (t->e[i].used && memcmp(&t->e[i].key, k, sizeof(*k)))
		i = (i + 1) & (t->cap - 1);
	return &t->e[i];
}

static int grow(struct objtab *t)
{
	struct objtab old = *t;

	t->cap = old.cap ? old.cap * 2 : 256;
	t->e = calloc(t->cap, sizeof(*t->e));
	if (!t->e) {
		*t = old;
		return -ENOMEM;
	}
	t->n = 0;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.e[i].used) {
			*slot_of(t, &old.e[i].key) = old.e[i];
			t->n++;
		}
	}
	free(old.e);
	return 0;
}

void objtab__normalize(char *path)
{
	char *out = path, *p = path;

	/* out always ends without a trailing '/', except the root */
	while (*p) {
		char *seg;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		if (n == 1 && seg[0] == '.')
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

char *objtab__resolve(const struct sf_event_object *ev)
{
	const struct sf_obj_key *k = &ev->key;
	size_t len = 2, n;
	char *out, *p;

	if (k->kind != SF_OBJ_PATH && k->kind != SF_OBJ_UNIX)
		return NULL;
	/* An empty path names the dirfd's own file (AT_EMPTY_PATH: fexecve
	 * is execveat(fd, "", AT_EMPTY_PATH); linkat of an O_TMPFILE file):
	 * the base alone.  Without AT_EMPTY_PATH the call fails (ENOENT) and
	 * is not recorded. */
	if (!memchr(k->path, 0, sizeof(k->path)) || k->path[0] == '@' ||
	    (!k->path[0] && k->kind != SF_OBJ_PATH))
		return NULL;
	if (k->path[0] == '/') {
		out = strdup(k->path);
		if (out)
			objtab__normalize(out);
		return out;
	}
	n = ev->ncomp;
	if (!k->base || n > SF_PATH_COMPONENTS)
		return NULL; /* unknown or truncated base directory */
	for (size_t i = 0; i < n; i++) {
		size_t l = strnlen(ev->base[i], SF_NAME_LEN);

		/* a component the BPF side cut (SF_NAME_LEN - 1 bytes and
		 * more) would name another directory: not resolved */
		if (l >= SF_NAME_LEN - 1)
			return NULL;
		len += l + 1;
	}
	len += strlen(k->path) + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	for (size_t i = n; i-- > 0;) {
		size_t l = strnlen(ev->base[i], SF_NAME_LEN);

		*p++ = '/';
		memcpy(p, ev->base[i], l);
		p += l;
	}
	if (k->path[0]) {
		*p++ = '/';
		strcpy(p, k->path);
	} else {
		*p = '\0';
	}
	objtab__normalize(out);
	return out;
}

int objtab__add(struct objtab *t, const struct sf_event_object *ev)
{
	struct objtab_ent *e;

	if ((t->n + 1) * 2 > t->cap && grow(t))
		return -ENOMEM;
	e = slot_of(t, &ev->key);
	if (e->used)
		return 0;
	e->key = ev->key;
	e->path = objtab__resolve(ev);
	e->used = 1;
	t->n++;
	return 0;
}

const char *objtab__path(const struct objtab *t, const struct sf_obj_key *key)
{
	const struct objtab_ent *e;

	if (!t || !t->cap)
		return NULL;
	e = slot_of(t, key);
	return e->used ? e->path : NULL;
}
