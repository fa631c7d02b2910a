// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cliparse.h"

#define MAX_DURATION_MS (365ULL * 24 * 3600 * 1000)

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int unit_ms(const char *u, size_t len, uint64_t *ms)
{
	static const struct { const char *name; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "d", 86400000 },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) == len && !strncmp(u, units[i].name, len)) {
			*ms = units[i].ms;
			return 0;
		}
	}
	return -EINVAL;
}

int parse_duration_ms(const char *s, uint64_t *out_ms)
{
	uint64_t total = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	while (*p) {
		uint64_t v = 0, mul = 1000; /* bare number = seconds */
		const char *u;
		int digits = 0;

		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (uint64_t)(*p - '0');
			if (v > MAX_DURATION_MS)
				return -ERANGE;
			p++;
			digits++;
		}
		if (!digits)
			return -EINVAL;
		u = p;
		while (*p && (*p < '0' || *p > '9'))
			p++;
		if (p > u && unit_ms(u, (size_t)(p - u), &mul))
			return -EINVAL;
		if (p == u && *p)
			return -EINVAL;
		if (p == u && u != s + digits)
			return -EINVAL; /* "1h30" : trailing bare number */
		if (v > MAX_DURATION_MS / mul)
			return -ERANGE;
		total += v * mul;
		if (total > MAX_DURATION_MS)
			return -ERANGE;
	}
	if (total == 0)
		return -ERANGE;
	*out_ms = total;
	return 0;
}
