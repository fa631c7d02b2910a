/* libkind.h - the kinds of library a trace or policy names, and their
 * names in files and reports ("executable", "library", "bucket").  The one
 * table of those names (libkind.c). */
#ifndef SF_LIBKIND_H
#define SF_LIBKIND_H

#include <stdint.h>

enum lib_kind {
	LIB_KIND_EXECUTABLE = 0,
	LIB_KIND_LIBRARY = 1,
	LIB_KIND_BUCKET = 2,
};
#define LIB_KIND_COUNT 3

/* "executable", "library", "bucket"; NULL for a kind out of range. */
const char *lib_kind__name(uint32_t kind);
/* Inverse of lib_kind__name: the kind, or -1 for an unknown name. */
int lib_kind__parse(const char *name);

#endif /* SF_LIBKIND_H */
