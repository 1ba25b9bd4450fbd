/* fuzz_markdown_text.c — libFuzzer target for markdown_text. Its promise:
 * never more than the limit (plus the "…"), valid UTF-8 whatever the input
 * (cmark replaces what is not), no run of two spaces, and no edge space. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "markdown_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static int utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], len, cp;
		if (c < 0x80) { i++; continue; }
		if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
		else return 0;
		if (i + len > n)
			return 0;
		for (unsigned k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		i += len;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;
	size_t limit = size ? data[0] : 0;   /* the first byte picks the limit */
	const char *s;

	if (size < 1)
		return 0;
	s = (const char *)data + 1;
	CHECK(markdown_text(s, size - 1, limit, &b) == 0);
	CHECK(b.len <= limit + strlen("…"));
	CHECK(utf8_ok((const unsigned char *)buf_str(&b), b.len));
	CHECK(!strstr(buf_str(&b), "  "));
	CHECK(!b.len || (b.data[0] != ' ' && b.data[b.len - 1] != ' '));
	CHECK(memchr(buf_str(&b), '\0', b.len) == NULL);
	buf_free(&b);
	return 0;
}
