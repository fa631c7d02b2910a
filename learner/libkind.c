/* libkind.c - names of the library kinds (libkind.h). */
#include <stddef.h>
#include <string.h>

#include "libkind.h"

static const char *const names[LIB_KIND_COUNT] = {
	[LIB_KIND_EXECUTABLE] = "executable",
	[LIB_KIND_LIBRARY] = "library",
	[LIB_KIND_BUCKET] = "bucket",
};

const char *lib_kind__name(uint32_t kind)
{
	return kind < LIB_KIND_COUNT ? names[kind] : NULL;
}

int lib_kind__parse(const char *name)
{
	for (int k = 0; name && k < LIB_KIND_COUNT; k++)
		if (!strcmp(name, names[k]))
			return k;
	return -1;
}
