// SPDX-License-Identifier: GPL-2.0
/* fuzz_cliparse.c - AFL++ harness for command-line number parsing
 * (parse_duration_ms, parse_u64).
 *
 * Input: one byte choosing the u64 range, then the argument text (cut at
 * the first NUL, as argv would be).  Checks the documented contracts:
 * 0 or -EINVAL/-ERANGE, durations in (0, 365 d], numbers inside [min, max]
 * that print back to the same digits, the output untouched on error.
 */
#include "harness.h"

#include <inttypes.h>

#include "cliparse.h"

#define MAX_DURATION_MS (365ULL * 24 * 3600 * 1000)

static const struct { uint64_t min, max; } ranges[] = {
	{ 0, UINT64_MAX }, { 1, INT32_MAX }, { 1, 65535 }, { 0, 0 },
	{ 5, 5 }, { 1, UINT64_MAX - 1 }, { 100, 10 } /* empty range */,
	{ 0, 4096 },
};

static void fuzz_one(const uint8_t *data, size_t len)
{
	const uint64_t sentinel = 0xdeadbeefcafef00dULL;
	uint64_t out = sentinel, lo, hi;
	unsigned r = len ? data[0] % (sizeof(ranges) / sizeof(ranges[0])) : 0;
	char *s;
	int rc;

	s = malloc(len ? len : 1);
	if (!s)
		abort();
	if (len > 1)
		memcpy(s, data + 1, len - 1);
	s[len ? len - 1 : 0] = '\0';

	rc = parse_duration_ms(s, &out);
	if (rc && rc != -EINVAL && rc != -ERANGE)
		fuzz_fail("parse_duration_ms('%s') = %d", s, rc);
	if (rc && out != sentinel)
		fuzz_fail("parse_duration_ms('%s') wrote its output on error", s);
	if (!rc && (out == 0 || out > MAX_DURATION_MS))
		fuzz_fail("parse_duration_ms('%s') = %" PRIu64 " ms, out of (0, 365d]", s, out);
	if (!rc && !strpbrk(s, "0123456789"))
		fuzz_fail("parse_duration_ms('%s') accepted text without digits", s);

	lo = ranges[r].min;
	hi = ranges[r].max;
	out = sentinel;
	rc = parse_u64(s, lo, hi, &out);
	if (rc && rc != -EINVAL && rc != -ERANGE)
		fuzz_fail("parse_u64('%s') = %d", s, rc);
	if (rc && out != sentinel)
		fuzz_fail("parse_u64('%s') wrote its output on error", s);
	if (!rc) {
		char back[32];
		const char *digits = s;

		if (out < lo || out > hi)
			fuzz_fail("parse_u64('%s') = %" PRIu64 " outside [%" PRIu64 ", %" PRIu64 "]",
				  s, out, lo, hi);
		/* leading zeros are allowed; the value must print back to the
		 * same digits otherwise */
		while (digits[0] == '0' && digits[1])
			digits++;
		snprintf(back, sizeof(back), "%" PRIu64, out);
		if (strcmp(back, digits))
			fuzz_fail("parse_u64('%s') = %s: not the digits given", s, back);
	}
	free(s);
}
