/* jsonpos.c - JSON with positions (jsonpos.h).
 *
 * cJSON builds the tree; a scan of the text finds where every value (not
 * key) starts, in document order, which is the order cJSON creates its
 * nodes (pre-order): the k-th value of the scan is the k-th node.  When the
 * two disagree (they should not) positions are simply unavailable.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpos.h"
#include "util.h"

struct vnode {
	const cJSON *node;
	const char *start;
	unsigned line, column;
	long parent;       /* document-order index, -1 for the root */
};

/* v[i] by its node, for lookups */
struct vidx {
	const cJSON *node;
	size_t i;
};

struct jsonpos {
	char *text;        /* NUL-terminated copy */
	size_t len;
	cJSON *root;
	struct vnode *v;   /* document order; NULL when unavailable */
	size_t n;
	struct vidx *byptr; /* sorted by node; in v's allocation, after v[n] */
};

/* 1-based line and column (in bytes) of offset in s. */
static void line_col(const char *s, size_t off, unsigned *line, unsigned *col)
{
	size_t bol = 0;

	*line = 1;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = (unsigned)(off - bol + 1);
}

/* The message of e, one line (util__errf folds newlines). */
static void set_message(struct json_error *e, const char *fmt, va_list ap)
{
	char msg[JSON_MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	util__errf(e->message, sizeof(e->message), "%s", msg);
}

__attribute__((format(printf, 4, 5)))
static void syntax_error(struct json_error *e, unsigned line, unsigned col,
			 const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	*e = (struct json_error){ .kind = JSON_ERR_SYNTAX, .line = line, .column = col };
	va_start(ap, fmt);
	set_message(e, fmt, ap);
	va_end(ap);
}

/* Start of every value (not keys) in document order; returns the count
 * or -ENOMEM.  The text is valid JSON (cJSON accepted it). */
static long scan_values(const char *s, size_t len, struct vnode **out)
{
	struct vnode *v = NULL;
	size_t n = 0, cap = 0, bol = 0;
	unsigned line = 1;

	for (size_t i = 0; i < len;) {
		char ch = s[i];
		int value = 1;
		size_t j = i + 1;

		if (ch == '\n') {
			line++;
			bol = ++i;
			continue;
		}
		/* cJSON skips every byte up to ' ' between tokens */
		if ((unsigned char)ch <= ' ' || strchr(",:]}", ch)) {
			i++;
			continue;
		}
		if (ch == '"') {
			while (j < len && s[j] != '"')
				j += s[j] == '\\' ? 2 : 1;
			j++;
			{
				size_t k = j;

				while (k < len && (unsigned char)s[k] <= ' ')
					k++;
				value = !(k < len && s[k] == ':');
			}
		} else if (ch != '{' && ch != '[') {
			while (j < len && (unsigned char)s[j] > ' ' &&
			       !strchr(",:]}", s[j]))
				j++;
		}
		if (value) {
			if (n == cap) {
				struct vnode *nv;

				cap = cap ? 2 * cap : 256;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
			}
			v[n].node = NULL;
			v[n].start = s + i;
			v[n].line = line;
			v[n].column = (unsigned)(i - bol + 1);
			v[n++].parent = -1;
		}
		i = ch == '{' || ch == '[' ? i + 1 : j;
	}
	*out = v;
	return (long)n;
}

static void assign_nodes(const cJSON *it, long parent, struct vnode *v,
			 size_t n, size_t *k, int *ok)
{
	for (; it && *ok; it = it->next) {
		long self = (long)*k;

		if (*k >= n) {
			*ok = 0;
			return;
		}
		v[*k].node = it;
		v[(*k)++].parent = parent;
		assign_nodes(it->child, self, v, n, k, ok);
	}
}

static int vidx_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct vidx *)a)->node;
	uintptr_t y = (uintptr_t)((const struct vidx *)b)->node;

	return (x > y) - (x < y);
}

/* Fill d->v / d->byptr; on a mismatch leave them NULL. */
static int index_values(struct jsonpos *d)
{
	struct vnode *v = NULL;
	long n = scan_values(d->text, d->len, &v);
	size_t k = 0;
	int ok = 1;

	if (n < 0)
		return (int)n;
	assign_nodes(d->root, -1, v, (size_t)n, &k, &ok);
	if (!ok || k != (size_t)n) {
		free(v);
		return 0;
	}
	{
		struct vnode *nv = realloc(v, (k ? k : 1) * (sizeof(*v) + sizeof(*d->byptr)));

		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		v = nv;
		d->byptr = (struct vidx *)(v + k);
	}
	for (size_t i = 0; i < k; i++) {
		d->byptr[i].node = v[i].node;
		d->byptr[i].i = i;
	}
	if (k > 1)
		qsort(d->byptr, k, sizeof(*d->byptr), vidx_cmp);
	d->v = v;
	d->n = k;
	return 0;
}

int jsonpos__parse(const char *text, size_t len, struct jsonpos **out,
		   struct json_error *e)
{
	struct jsonpos *d;
	const char *end = NULL, *nul;
	unsigned line, col;
	int rc;

	if (e)
		memset(e, 0, sizeof(*e));
	if (!out || (!text && len))
		return -EINVAL;
	if (!len) {
		syntax_error(e, 0, 0, "empty file");
		return -ENODATA;
	}
	nul = memchr(text, 0, len);
	if (nul) {
		line_col(text, (size_t)(nul - text), &line, &col);
		syntax_error(e, line, col, "invalid JSON: NUL byte");
		return -EINVAL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	/* cJSON wants the terminating NUL inside the length to insist on
	 * nothing but whitespace after the value */
	d->text = malloc(len + 1);
	if (!d->text) {
		free(d);
		return -ENOMEM;
	}
	memcpy(d->text, text, len);
	d->text[len] = '\0';
	d->len = len;
	d->root = cJSON_ParseWithLengthOpts(d->text, len + 1, &end, 1);
	if (!d->root) {
		size_t off = end && end >= d->text ? (size_t)(end - d->text) : len;

		if (off > len)
			off = len;
		line_col(d->text, off, &line, &col);
		if (off >= len)
			syntax_error(e, line, col,
				  "invalid JSON: unexpected end of input");
		else
			syntax_error(e, line, col,
				  "invalid JSON near '%.*s'",
				  (int)strcspn(d->text + off, "\r\n") < 12 ?
				  (int)strcspn(d->text + off, "\r\n") : 12,
				  d->text + off);
		jsonpos__free(d);
		return -EINVAL;
	}
	rc = index_values(d);
	if (rc) {
		jsonpos__free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void jsonpos__free(struct jsonpos *d)
{
	if (d) {
		cJSON_Delete(d->root);
		free(d->v); /* and the node index after it */
		free(d->text);
	}
	free(d);
}

const cJSON *jsonpos__root(const struct jsonpos *d)
{
	return d ? d->root : NULL;
}

static const struct vnode *vnode_of(const struct jsonpos *d, const cJSON *node)
{
	struct vidx key = { node, 0 };
	const struct vidx *hit;

	if (!d || !d->v || !node)
		return NULL;
	hit = bsearch(&key, d->byptr, d->n, sizeof(*d->byptr), vidx_cmp);
	return hit ? &d->v[hit->i] : NULL;
}

bool jsonpos__where(const struct jsonpos *d, const cJSON *node,
		    unsigned *line, unsigned *column)
{
	const struct vnode *v = vnode_of(d, node);

	if (!v)
		return false;
	if (line)
		*line = v->line;
	if (column)
		*column = v->column;
	return true;
}

const char *jsonpos__text(const struct jsonpos *d, const cJSON *node)
{
	const struct vnode *v = vnode_of(d, node);

	return v ? v->start : NULL;
}

bool jsonpos__path(const struct jsonpos *d, const cJSON *node, char *buf,
		   size_t len)
{
	const struct vnode *v = vnode_of(d, node);
	long chain[64];
	size_t depth = 0, o = 0;

	if (!buf || !len)
		return false;
	buf[0] = '\0';
	if (!v)
		return false;
	for (long i = v - d->v; i >= 0 && d->v[i].parent >= 0; i = d->v[i].parent) {
		if (depth == sizeof(chain) / sizeof(chain[0]))
			return false;
		chain[depth++] = i;
	}
	while (depth--) {
		const struct vnode *c = &d->v[chain[depth]];
		const cJSON *parent = d->v[c->parent].node;
		int w;

		if (cJSON_IsObject(parent)) {
			w = snprintf(buf + o, len - o, "%s%s", o ? "." : "",
				     c->node->string ? c->node->string : "");
		} else {
			size_t k = 0;

			for (const cJSON *s = parent->child; s && s != c->node; s = s->next)
				k++;
			w = snprintf(buf + o, len - o, "[%zu]", k);
		}
		if (w < 0 || (size_t)w >= len - o)
			return false;
		o += (size_t)w;
	}
	return true;
}

const cJSON *jsonpos__at(const struct jsonpos *d, const char *path)
{
	const cJSON *it = jsonpos__root(d);
	const char *p = path;

	if (!it || !path)
		return NULL;
	while (*p && it) {
		if (*p == '[') {
			char *end;
			long v = strtol(p + 1, &end, 10);

			if (end == p + 1 || *end != ']' || v < 0 || !cJSON_IsArray(it))
				return NULL;
			it = cJSON_GetArrayItem(it, (int)v);
			p = end + 1;
		} else {
			char key[JSON_PATH_MAX];
			size_t k;

			if (*p == '.')
				p++;
			k = strcspn(p, ".[");
			if (!k || k >= sizeof(key) || !cJSON_IsObject(it))
				return NULL;
			memcpy(key, p, k);
			key[k] = '\0';
			it = cJSON_GetObjectItemCaseSensitive(it, key);
			p += k;
		}
	}
	return it;
}

void json_error__at(struct json_error *e, const struct jsonpos *d,
		    const cJSON *node, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	*e = (struct json_error){ .kind = JSON_ERR_VALUE };
	jsonpos__where(d, node, &e->line, &e->column);
	jsonpos__path(d, node, e->path, sizeof(e->path));
	va_start(ap, fmt);
	set_message(e, fmt, ap);
	va_end(ap);
}
