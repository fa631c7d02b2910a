/* groups.h - named syscall groups ("@network-io", ...) as data with help
 * text.  Usable wherever a policy names a syscall (policy__resolve_name),
 * listed by `sysfence groups`, used by `show` to arrange a table.
 *
 * Pure C (libseccomp for name resolution only).  The table is sorted by
 * name, every group is non-empty, members are sorted, unique, and resolve
 * to x86_64 numbers through libseccomp (tests/unit/test_groups.c).
 */
#ifndef SF_GROUPS_H
#define SF_GROUPS_H

#include <stddef.h>
#include <stdint.h>

struct sc_group {
	const char *name;            /* "@network-io" */
	const char *help;            /* one line, no trailing period */
	const char *const *members;  /* syscall names, sorted, NULL-terminated */
};

/* All groups, sorted by name. */
const struct sc_group *groups__all(size_t *n);
/* The group called name ("@x"), or NULL. */
const struct sc_group *groups__find(const char *name);
/* Expand "@x" to x86_64 numbers: writes at most cap numbers (ascending)
 * and returns how many the group stands for, or -ENOENT when unknown. */
int groups__expand(const char *name, uint32_t *nrs, size_t cap);
/* The group name closest to name (typo suggestion), or NULL. */
const char *groups__suggest(const char *name);
/* Is nr a member of g? */
int groups__has(const struct sc_group *g, uint32_t nr);
/* The group show uses to file nr under (a fixed priority order from the
 * most telling to the most general), or NULL when no group has it. */
const struct sc_group *groups__primary(uint32_t nr);
/* Position of g in that priority order (lower = shown first). */
int groups__rank(const struct sc_group *g);

#endif /* SF_GROUPS_H */
