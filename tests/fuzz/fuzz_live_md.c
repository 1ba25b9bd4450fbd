/* fuzz_live_md.c — libFuzzer target for live_md_end and live_md_render.
 * Their promise: the cut is within the text and on a line's start; what is
 * rendered of a reply in progress is exactly what markdown_render makes of
 * the same bytes (so the finished reply replaces it without a jump); and
 * a longer text never cuts earlier than its first half does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "live_md.h"
#include "markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf live = BUF_INIT, whole = BUF_INIT;
	size_t end = live_md_end(s, size), half = live_md_end(s, size / 2), got;

	CHECK(end <= size);
	CHECK(end == 0 || s[end - 1] == '\n');
	/* Text only ever grows while a reply runs: the cut only moves on. */
	CHECK(half <= end);
	got = live_md_render(s, size, &live);
	CHECK(got == 0 || got == end);
	if (got) {
		CHECK(markdown_render(s, end, &whole) == 0);
		CHECK(live.len == whole.len && !memcmp(buf_str(&live), buf_str(&whole), live.len));
	} else {
		CHECK(live.len == 0);
	}
	buf_free(&live);
	buf_free(&whole);
	return 0;
}
