/* util.h - small helpers shared by the learner modules (internal). */
#ifndef SF_UTIL_H
#define SF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Format a one-line message into err (if err && errlen); never fails. */
void util__errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* strdup that keeps NULL as NULL; returns -ENOMEM via *rc on failure. */
int util__dup(char **dst, const char *src);

/* NULL-safe string compare: NULL sorts before any string. */
int util__strcmp_null(const char *a, const char *b);

/* CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), chainable:
 * crc = util__crc32(0, buf, len); crc = util__crc32(crc, more, n); */
uint32_t util__crc32(uint32_t crc, const void *buf, size_t len);

/* String vectors: n strings at v, each its own allocation. */
void strv_free(char **v, size_t n);
/* Append a copy of s to *v (no dedupe); -ENOMEM. */
int strv_push(char ***v, size_t *n, const char *s);
bool strv_has(char *const *v, size_t n, const char *s);

#endif /* SF_UTIL_H */
