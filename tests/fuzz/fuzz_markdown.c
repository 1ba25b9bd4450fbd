/* fuzz_markdown.c — libFuzzer target for markdown_render. The input sits in
 * an exactly-sized heap block so ASan catches any read past n. Checked on
 * every output: no "<script" and no href="javascript: in any case; only the
 * tags cmark-gfm writes and the MathML of tex_mathml (so no raw HTML, no
 * <img>), each well formed, with no dangerous URL in an href; every <math>
 * element well-formed MathML (tests/fuzz/mathml_check.h); valid UTF-8; and a
 * size linear in the input (the guards against table padding and reference
 * expansion hold).
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "form.h"
#include "markdown.h"
#include "mathml_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* 1 if the href value at v (up to '"') is javascript:, vbscript:, file:, or
 * a data: URL other than a raster image, as a browser reads it: character
 * references decoded (cmark writes only &amp; and &#x27; in a URL; any other
 * is reported too), leading spaces and controls skipped, tabs and newlines
 * dropped. */
static int bad_url(const char *v)
{
	static const char *const bad[] = { "javascript:", "vbscript:", "file:", "data:" };
	static const char *const ok[] = {
		"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"
	};
	char u[32];
	size_t n = 0;

	while (*v && *v != '"' && n + 1 < sizeof u) {
		char c = *v++;
		if (c == '&') {
			if (strncmp(v, "amp;", 4) == 0)
				v += 4;
			else if (strncmp(v, "#x27;", 5) == 0)
				v += 5, c = '\'';
			else
				return 1;
		}
		if (c == '\t' || c == '\n' || c == '\r' || (!n && (unsigned char)c <= ' '))
			continue;
		u[n++] = c;
	}
	u[n] = '\0';
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (strncasecmp(u, ok[i], strlen(ok[i])) == 0)
			return 0;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (strncasecmp(u, bad[i], strlen(bad[i])) == 0)
			return 1;
	return 0;
}

/* Check the tag at p (at its '<'): one cmark-gfm writes (or the
 * highlighter's <span class="hl-X"> inside a code block), with attributes
 * name="value" (a value holds no '"': cmark escapes it), and no dangerous
 * href. The end of the tag. */
static const char *check_tag(const char *p)
{
	static const char *const tags[] = {
		"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol",
		"li", "pre", "code", "hr", "br", "em", "strong", "del", "a",
		"table", "thead", "tbody", "tr", "th", "td", "input", "span",
		/* tex_mathml.h */
		"math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "mtext", "mspace",
		"msubsup", "msup", "msub", "mfrac", "msqrt", "mroot", "munderover", "munder",
		"mover", "mtable", "mtr", "mtd", "mstyle", "mphantom", "menclose",
	};
	size_t i, len = 0;

	p++;
	if (*p == '/')
		p++;
	for (i = 0; i < sizeof tags / sizeof *tags; i++) {
		len = strlen(tags[i]);
		if (strncmp(p, tags[i], len) == 0 &&
		    (p[len] == '>' || p[len] == ' ' || p[len] == '/'))
			break;
	}
	CHECK(i < sizeof tags / sizeof *tags);
	p += len;
	for (;;) {
		const char *name;
		while (*p == ' ')
			p++;
		if (*p == '>')
			return p;
		if (p[0] == '/' && p[1] == '>')
			return p + 1;
		name = p;
		while ((*p >= 'a' && *p <= 'z') || *p == '-')
			p++;
		CHECK(p > name && p[0] == '=' && p[1] == '"');
		if (p - name == 4 && strncmp(name, "href", 4) == 0)
			CHECK(!bad_url(p + 2));
		p = strchr(p + 2, '"');
		CHECK(p);
		p++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf out;
	char *in;
	const char *html, *p;

	if (size > MARKDOWN_MAX_INPUT)
		return 0;
	in = malloc(size ? size : 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	buf_clear(&out);
	CHECK(markdown_render(in, size, &out) == 0);
	free(in);

	html = buf_str(&out);
	CHECK(strlen(html) == out.len);
	CHECK(!strcasestr(html, "<script"));
	CHECK(!strcasestr(html, "href=\"javascript:"));
	CHECK(utf8_valid(html, out.len));
	for (p = strchr(html, '<'); p; p = strchr(p, '<'))
		p = check_tag(p);
	/* Each formula: a whole <math> element (they do not nest). */
	for (p = strstr(html, "<math"); p; p = strstr(p, "<math")) {
		const char *end = strstr(p, "</math>"), *why;
		CHECK(end);
		end += 7;
		CHECK(mathml_check(p, (size_t)(end - p), &why) == 0);
		p = end;
	}
	/* Constructs cost at most ~30 bytes out per byte in (">" is 27); the
	 * guards allow table padding and reference expansion of about the
	 * input's size and 16 times it (titles escape to 6 bytes a byte). */
	CHECK(out.len <= 128 * size + 1024 * 1024);
	return 0;
}
