/* markdown_code.c — see markdown_code.h.
 *
 * It works on cmark's HTML rather than its tree: safe mode renders no raw
 * HTML, so the spans could not be put in as nodes. The output is the
 * renderer's own, in which all text is escaped, so each
 * "<pre><code class=\"language-" in it opens a block the renderer wrote,
 * and its text, unescaped (cmark escapes only & < > and "), is the code. */
#include "markdown_code.h"
#include "highlight.h"

#include <string.h>

static const char OPEN[] = "<pre><code class=\"language-";
static const char CLOSE[] = "</code></pre>";

/* The escaped text s[0, n) as it was before cmark escaped it. */
static void unescape(const char *s, size_t n, struct buf *out)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
	};
	size_t i = 0;

	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t k, at = amp ? (size_t)(amp - s) : n;
		buf_append(out, s + i, at - i);
		if (at == n)
			break;
		for (k = 0; k < sizeof ents / sizeof *ents; k++) {
			size_t len = strlen(ents[k].ent);
			if (n - at >= len && memcmp(s + at, ents[k].ent, len) == 0) {
				buf_putc(out, ents[k].c);
				i = at + len;
				break;
			}
		}
		if (k == sizeof ents / sizeof *ents) {
			buf_putc(out, '&');
			i = at + 1;
		}
	}
}

void markdown_highlight(const char *html, struct buf *out)
{
	struct buf code = BUF_INIT, lang = BUF_INIT;
	const char *p = html, *q;

	while ((q = strstr(p, OPEN)) != NULL) {
		const char *name = q + sizeof OPEN - 1, *quote = strchr(name, '"');
		const char *body = quote ? strchr(quote, '>') : NULL;
		const char *end = body ? strstr(body, CLOSE) : NULL;
		if (!end) /* not the renderer's block after all */
			break;
		body++;
		buf_append(out, p, (size_t)(body - p));
		buf_clear(&code);
		buf_clear(&lang);
		unescape(body, (size_t)(end - body), &code);
		unescape(name, (size_t)(quote - name), &lang);
		highlight_code(buf_str(&lang), lang.len, buf_str(&code), code.len, out);
		p = end;
	}
	buf_puts(out, p);
	buf_free(&code);
	buf_free(&lang);
}
