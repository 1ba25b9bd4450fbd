/* fuzz_markdown.c — libFuzzer target for markdown_render. The input sits in
 * an exactly-sized heap block so ASan catches any read past n. Checked on
 * every output: no "<script" and no href="javascript: in any case; only the
 * tags cmark-gfm writes (so no raw HTML, no <img>), each well formed, with no
 * dangerous URL in an href; valid UTF-8; and a size linear in the input (the
 * guards against table padding and reference expansion hold).
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* 1 if [s, s+n) is valid UTF-8 (no overlongs, surrogates, or > U+10FFFF). */
static int utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i], need, min, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, min = 0x80, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, min = 0x800, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, min = 0x10000, cp = c & 0x07;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

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
	CHECK(utf8_ok((const unsigned char *)html, out.len));
	for (p = strchr(html, '<'); p; p = strchr(p, '<'))
		p = check_tag(p);
	/* Constructs cost at most ~30 bytes out per byte in (">" is 27); the
	 * guards allow table padding and reference expansion of about the
	 * input's size and 16 times it (titles escape to 6 bytes a byte). */
	CHECK(out.len <= 128 * size + 1024 * 1024);
	return 0;
}
