/* fuzz_tex_mathml.c — libFuzzer target for tex_mathml. The first byte's
 * low bit picks display or inline style; the rest, in an exactly-sized
 * heap block, is the TeX. Checked on every input: 0 or -1; on -1 the
 * output unchanged; on 0 one well-formed <math> element of whitelisted
 * tags and attributes only, in valid UTF-8 (tests/fuzz/mathml_check.h),
 * whose annotation is exactly the source escaped by tex_mathml_escape, and
 * a size linear in the input.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mathml_check.h"
#include "tex_mathml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

#define ANNOTATION "<annotation encoding=\"application/x-tex\">"
#define CLOSE "</annotation></semantics></math>"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf out, esc;
	const char *why, *a;
	char *tex;
	size_t n;
	int rc;

	if (size == 0)
		return 0;
	n = size - 1;
	tex = malloc(n ? n : 1);
	if (!tex)
		return 0;
	memcpy(tex, data + 1, n);
	buf_clear(&out);
	buf_puts(&out, "x");
	rc = tex_mathml(tex, n, data[0] & 1, &out);
	CHECK(rc == 0 || rc == -1);
	if (rc < 0) {
		CHECK(out.len == 1 && strcmp(buf_str(&out), "x") == 0);
		free(tex);
		return 0;
	}
	CHECK(strlen(out.data) == out.len);
	CHECK(mathml_check(out.data + 1, out.len - 1, &why) == 0);
	/* The annotation: the first one is the one (mathml_check allows no
	 * tag inside it, and the source's own text is escaped). */
	a = strstr(out.data, ANNOTATION);
	CHECK(a);
	a += strlen(ANNOTATION);
	buf_clear(&esc);
	tex_mathml_escape(&esc, tex, n);
	CHECK((size_t)(out.data + out.len - a) == esc.len + strlen(CLOSE));
	CHECK(memcmp(a, buf_str(&esc), esc.len) == 0);
	CHECK(strcmp(a + esc.len, CLOSE) == 0);
	/* Each input byte costs a bounded number of output bytes (\& is 14). */
	CHECK(out.len <= 64 * n + 256);
	free(tex);
	return 0;
}
