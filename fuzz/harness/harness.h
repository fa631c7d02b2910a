/* harness.h - one entry point per parser, run by AFL++ persistent mode or,
 * built without afl-clang-fast, by a replay main() over files (ASan/UBSan
 * replay of the corpus and of kept crashes in the test suite).
 *
 * A harness source includes this header first and defines
 *	static void fuzz_one(const uint8_t *data, size_t len);  fuzz_one gets a malloc'd copy of
 * exactly len bytes so ASan sees any read past the input.  An invariant
 * violation calls fuzz_fail() (abort: a crash for AFL, a failure for
 * replay).
 */
#ifndef SF_FUZZ_HARNESS_H
#define SF_FUZZ_HARNESS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fuzz_one(const uint8_t *data, size_t len);

#define fuzz_fail(...)                                                    \
	do {                                                              \
		fprintf(stderr, "fuzz invariant violated (%s:%d): ", __FILE__, \
			__LINE__);                                        \
		fprintf(stderr, __VA_ARGS__);                             \
		fputc('\n', stderr);                                      \
		abort();                                                  \
	} while (0)

static void fuzz_run(const uint8_t *data, size_t len)
{
	/* +1 so malloc(0) is never asked for; the copy is exactly len long */
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		abort();
	if (len)
		memcpy(copy, data, len);
	fuzz_one(copy, len);
	free(copy);
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();

int main(void)
{
	unsigned char *buf;

	__AFL_INIT();
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000))
		fuzz_run(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
	return 0;
}
#else
/* Replay: every argument is an input file; "-" reads stdin.  Prints one
 * line per file; exit 0 unless a file cannot be read (sanitizers abort on
 * their own: -fno-sanitize-recover=all). */
static int read_input(const char *path, uint8_t **out, size_t *outlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t len = 0, cap = 4096;
	uint8_t *buf;

	if (!f)
		return -errno;
	buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (n == 0)
			break;
		if (len == cap) {
			uint8_t *p = realloc(buf, cap * 2);

			if (!p) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (f != stdin)
		fclose(f);
	if (!buf)
		return -ENOMEM;
	*out = buf;
	*outlen = len;
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE... (replays inputs through the harness)\n",
			argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		uint8_t *buf;
		size_t len;
		int rc = read_input(argv[i], &buf, &len);

		if (rc) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(-rc));
			bad = 1;
			continue;
		}
		fuzz_run(buf, len);
		free(buf);
		if (getenv("FUZZ_VERBOSE"))
			printf("ok %s (%zu bytes)\n", argv[i], len);
	}
	return bad;
}
#endif

#endif /* SF_FUZZ_HARNESS_H */
