/* cliparse.h - strict parsing of command-line numbers and durations.
 * Pure: used by the CLI and fuzzed by fuzz/.  0 or -EINVAL/-ERANGE. */
#ifndef SF_CLIPARSE_H
#define SF_CLIPARSE_H

#include <stdint.h>

/* "90", "90s", "1500ms", "10m", "1h", "2d", "1h30m": total in ms, > 0,
 * at most 365 days. */
int parse_duration_ms(const char *s, uint64_t *out_ms);
/* Decimal integer within [min, max]; no sign tricks, no trailing junk. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif
