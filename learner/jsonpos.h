/* jsonpos.h - JSON with positions: one parse (cJSON) plus where every value
 * starts in the text (line, column, the exact text of numbers, which cJSON
 * keeps only as doubles), lookups by JSON path both ways, and structured
 * errors {path, line, column, message}.  The one position-aware JSON layer
 * of the policy reader (policy_read.c) and `check` (check.c).
 *
 * JSON paths: keys joined with '.', indexes in brackets, "" = the root:
 * "sysfence.libraries[1].syscalls[0].names[2]".  Lines and columns are
 * 1-based; columns count bytes.
 */
#ifndef SF_JSONPOS_H
#define SF_JSONPOS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#define JSON_PATH_MAX 256
#define JSON_MSG_MAX 384

enum json_error_kind {
	JSON_ERR_NONE = 0,
	JSON_ERR_SYNTAX,  /* not JSON: line and column of the offending byte */
	JSON_ERR_VALUE,   /* JSON, but a value is wrong: path (and its line) */
};

struct json_error {
	enum json_error_kind kind;
	char path[JSON_PATH_MAX]; /* "" when the error has no place */
	unsigned line, column;    /* 0 when unknown */
	char message[JSON_MSG_MAX];
};

struct jsonpos;

/* Parse text[0..len): 0 with *out; -EINVAL with a JSON_ERR_SYNTAX error in
 * e ("invalid JSON near '...'", "invalid JSON: unexpected end of input",
 * "invalid JSON: NUL byte"); -ENODATA for an empty text; -ENOMEM.  Only
 * whitespace may follow the value.  e may be NULL. */
int jsonpos__parse(const char *text, size_t len, struct jsonpos **out,
		   struct json_error *e);
void jsonpos__free(struct jsonpos *d);
const cJSON *jsonpos__root(const struct jsonpos *d);

/* Where value node starts: true with line and column, false when node is
 * not a value of d (or positions are unavailable). */
bool jsonpos__where(const struct jsonpos *d, const cJSON *node,
		    unsigned *line, unsigned *column);
/* The text of value node as written (not terminated: up to the next
 * delimiter), or NULL.  Gives the exact digits of numbers. */
const char *jsonpos__text(const struct jsonpos *d, const cJSON *node);
/* The JSON path of value node ("" for the root); false when unknown. */
bool jsonpos__path(const struct jsonpos *d, const cJSON *node, char *buf,
		   size_t len);
/* The value at path (first of duplicate keys), or NULL. */
const cJSON *jsonpos__at(const struct jsonpos *d, const char *path);

/* Fill e as a JSON_ERR_VALUE error at node (path, line and column from d;
 * all 0/"" when node is NULL or unknown) with a printf message. */
__attribute__((format(printf, 4, 5)))
void json_error__at(struct json_error *e, const struct jsonpos *d,
		    const cJSON *node, const char *fmt, ...);

#endif /* SF_JSONPOS_H */
