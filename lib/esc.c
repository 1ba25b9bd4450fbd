/* esc.c — see esc.h. Each escaper copies runs of bytes that need no escaping
 * with a single buf_append, and only special bytes go one at a time. Each
 * first reserves room for the unescaped length (the usual final size); an
 * empty input returns before that, since buf_reserve alone leaves a fresh
 * buffer's data without its terminating NUL. */
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

/* 1 if c can appear unchanged inside a JSON string that is also embedded in
 * HTML (a <script> block or an attribute). Bytes >= 0x80 pass: the input is
 * UTF-8 and JSON carries it as is. */
static int json_plain(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && c != '"' && c != '\\' && c != '<' &&
	       c != '>' && c != '&';
}

void esc_json(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, run = 0;

	if (n == 0)
		return;
	buf_reserve(out, n);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		char e[6];
		if (json_plain(c)) {
			i++;
			continue;
		}
		if (i > run)
			buf_append(out, s + run, i - run);
		switch (c) {
		case '"':  buf_append(out, "\\\"", 2); break;
		case '\\': buf_append(out, "\\\\", 2); break;
		case '\n': buf_append(out, "\\n", 2); break;
		case '\r': buf_append(out, "\\r", 2); break;
		case '\t': buf_append(out, "\\t", 2); break;
		case '\b': buf_append(out, "\\b", 2); break;
		case '\f': buf_append(out, "\\f", 2); break;
		default:
			/* Other controls, DEL and < > &: \u00XX. */
			e[0] = '\\';
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hexdig_lower[c >> 4];
			e[5] = hexdig_lower[c & 15];
			buf_append(out, e, 6);
			break;
		}
		run = ++i;
	}
	if (i > run)
		buf_append(out, s + run, i - run);
}
