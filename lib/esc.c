/* esc.c — see esc.h. The HTML and URL escapers copy runs of bytes that need
 * no escaping with a single buf_append, and only special bytes go one at a
 * time; each first reserves room for the unescaped length (the usual final
 * size). esc_json, on the poll path, reserves its worst case and writes in
 * place. An empty input returns before reserving, since buf_reserve alone
 * leaves a fresh buffer's data without its terminating NUL. */
#include "esc.h"

static const char hexdig_upper[] = "0123456789ABCDEF";
static const char hexdig_lower[] = "0123456789abcdef";

/* Replacement text for the five HTML specials, NULL for every other byte.
 * &#39; rather than &apos;, which HTML 4 does not know. A table so the scan
 * loop is one load per byte. */
static const char *const html_repl[256] = {
	['&'] = "&amp;",
	['<'] = "&lt;",
	['>'] = "&gt;",
	['"'] = "&quot;",
	['\''] = "&#39;",
};

void esc_html(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, run = 0;

	if (n == 0)
		return;
	buf_reserve(out, n);
	while (i < n) {
		const char *r = html_repl[(unsigned char)s[i]];
		if (!r) {
			i++;
			continue;
		}
		if (i > run)
			buf_append(out, s + run, i - run);
		buf_puts(out, r);
		run = ++i;
	}
	if (i > run)
		buf_append(out, s + run, i - run);
}

/* RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~". */
static int url_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* Everything outside the unreserved set becomes %XX (uppercase, as RFC 3986
 * recommends), including '/', so the result is safe as one path segment. */
void esc_url(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, run = 0;

	if (n == 0)
		return;
	buf_reserve(out, n);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		char pct[3];
		if (url_unreserved(c)) {
			i++;
			continue;
		}
		if (i > run)
			buf_append(out, s + run, i - run);
		pct[0] = '%';
		pct[1] = hexdig_upper[c >> 4];
		pct[2] = hexdig_upper[c & 15];
		buf_append(out, pct, 3);
		run = ++i;
	}
	if (i > run)
		buf_append(out, s + run, i - run);
}

/* 1 where a byte can appear unchanged inside a JSON string that is also
 * embedded in HTML (a <script> block or an attribute): not the controls,
 * DEL, '"', '\\', '<', '>' or '&'. Bytes >= 0x80 pass: the input is UTF-8
 * and JSON carries it as is. A table: this test runs on every byte of
 * every poll answer. */
static const unsigned char json_plain[256] = {
	0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	1,1,0,1,1,1,0,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,0,1,0,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,0,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
};

void esc_json(struct buf *out, const char *s, size_t n)
{
	/* Worst case six bytes out for one in; reserved once and written in
	 * place: this runs over every poll answer, and a reply's HTML escapes
	 * every '<', '>' and '"' (per-character appends were half a finished
	 * reply's poll). */
	char *o;

	if (n == 0)
		return;
	buf_reserve(out, 6 * n);
	o = out->data + out->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (json_plain[c]) {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"':  *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			/* Other controls, DEL and < > &: \u00XX. */
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hexdig_lower[c >> 4];
			*o++ = hexdig_lower[c & 15];
			break;
		}
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
}
