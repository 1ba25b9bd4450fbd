/* fuzz_tags.c — libFuzzer target for tags_normalize on what a user may type
 * in the Tags field (valid UTF-8, as the field's validator ensures). The
 * checks are its promises: at most TAGS_MAX tags, none empty, none
 * repeated, no upper-case ASCII, no space at either end of a tag nor two in
 * a row, and normalising again changes nothing.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "tags.h"
#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int ready;
	const char *out, *again, *err;
	char *in;
	int ntags = 0;

	if (!ready) {
		arena_init(&a, 1024);
		ready = 1;
	}
	if (memchr(data, 0, size) || utf8_count((const char *)data, size) < 0)
		return 0;
	in = malloc(size + 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';

	out = tags_normalize(&a, in, &err);
	if (!out) {
		CHECK(err && *err);
	} else {
		CHECK(out[0] != ',');
		for (const char *p = out; *p;) {
			const char *end = strchr(p, ',');
			size_t n = end ? (size_t)(end - p) : strlen(p);
			CHECK(n > 0);
			CHECK(p[0] != ' ' && p[n - 1] != ' ');
			CHECK(utf8_count(p, n) <= TAG_CHARS);
			for (size_t i = 0; i < n; i++) {
				CHECK(!(p[i] >= 'A' && p[i] <= 'Z'));
				CHECK(p[i] != '\t');
				CHECK(!(p[i] == ' ' && p[i + 1] == ' '));
			}
			/* No earlier tag is the same. */
			for (const char *q = out; q < p;) {
				const char *qe = strchr(q, ',');
				size_t qn = (size_t)(qe - q);
				CHECK(!(qn == n && memcmp(q, p, n) == 0));
				q = qe + 1;
			}
			ntags++;
			if (!end)
				break;
			CHECK(end[1] != '\0');
			p = end + 1;
		}
		CHECK(ntags <= TAGS_MAX);
		again = tags_normalize(&a, out, &err);
		CHECK(again && strcmp(again, out) == 0);
	}
	free(in);
	arena_reset(&a);
	return 0;
}
