/* syscalls.c - x86_64 syscall names <-> numbers through libseccomp.
 *
 * libseccomp returns malloc'd names; we resolve 0..SYSCALL_NR_MAX-1 once
 * into a static table so syscall__name() can return stable pointers.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "policy.h"
#include "syscalls.h"

static char *names[SYSCALL_NR_MAX];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void names_init(void)
{
	for (int nr = 0; nr < SYSCALL_NR_MAX; nr++) {
		char *n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

		/* keep only names that map back to this very number */
		if (n && seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, n) == nr)
			names[nr] = n;
		else
			free(n);
	}
}

const char *syscall__name(uint32_t nr)
{
	if (nr >= SYSCALL_NR_MAX)
		return NULL;
	pthread_once(&names_once, names_init);
	return names[nr];
}

int syscall__nr(const char *name)
{
	int nr;

	if (!name || !*name)
		return -1;
	nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);
	/* negative values are libseccomp pseudo numbers (syscalls this
	 * architecture lacks) or __NR_SCMP_ERROR: unknown to us */
	if (nr < 0 || nr >= SYSCALL_NR_MAX)
		return -1;
	return nr;
}

/* Optimal-string-alignment distance (Levenshtein plus transpositions),
 * with an early exit once every cell of a row exceeds limit. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][64], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t best = (size_t)-1, *tmp;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return (size_t)-1;
		tmp = prev2;
		prev2 = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[lb];
}

const char *syscall__suggest(const char *name)
{
	size_t len, limit, best_d = (size_t)-1;
	const char *best = NULL;

	if (!name || !*name)
		return NULL;
	len = strlen(name);
	limit = len / 3 > 1 ? len / 3 : 1;
	if (limit > 3)
		limit = 3;
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++) {
		const char *n = syscall__name(nr);
		size_t d;

		if (!n)
			continue;
		d = edit_distance(name, n, limit);
		if (d > limit)
			continue;
		if (d < best_d || (d == best_d && strcmp(n, best) < 0)) {
			best_d = d;
			best = n;
		}
	}
	return best;
}
