/* test_markdown.c — replies render as GFM, hostile markdown stays inert, and
 * the guards against cmark-gfm's blow-ups hold. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "form.h"
#include "markdown.h"
#include "util.h"

static int setup(void **state)
{
	struct buf *b = malloc(sizeof *b);
	if (!b)
		return -1;
	*b = (struct buf)BUF_INIT;
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	buf_free(*state);
	free(*state);
	markdown_cleanup();
	return 0;
}

/* Render n bytes into the state's buffer (cleared first); the HTML. */
static const char *render_n(void **state, const char *md, size_t n)
{
	struct buf *b = *state;
	buf_clear(b);
	assert_int_equal(markdown_render(md, n, b), 0);
	return buf_str(b);
}

static const char *render(void **state, const char *md)
{
	return render_n(state, md, strlen(md));
}

static void assert_contains(const char *html, const char *needle)
{
	if (!strstr(html, needle))
		fail_msg("\"%s\" not in:\n%s", needle, html);
}

static void assert_lacks(const char *html, const char *needle)
{
	if (strcasestr(html, needle))
		fail_msg("\"%s\" (any case) in:\n%s", needle, html);
}

/* 1 if needle (any case) occurs inside a tag, between a '<' and its '>'.
 * Text in the output has no raw '<', so this finds real attributes only. */
static int in_tag(const char *html, const char *needle)
{
	size_t len = strlen(needle);
	for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
		const char *end = strchr(p, '>');
		if (!end)
			return 1;
		for (const char *q = p; q + len <= end; q++)
			if (strncasecmp(q, needle, len) == 0)
				return 1;
	}
	return 0;
}

/* Fail if the URL value at v (up to '"') would run script or load a
 * document: javascript:, vbscript:, file:, or a data: URL other than a
 * raster image, as a browser reads it: character references decoded (cmark
 * writes only &amp; and &#x27; in a URL; any other fails), leading spaces
 * and controls skipped, tabs and newlines dropped. */
static void assert_safe_url(const char *v, const char *html)
{
	static const char *const bad[] = { "javascript:", "vbscript:", "file:", "data:" };
	static const char *const images[] = {
		"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"
	};
	char u[64];
	size_t n = 0;

	while (*v && *v != '"' && n + 1 < sizeof u) {
		char c = *v++;
		if (c == '&') {
			if (strncmp(v, "amp;", 4) == 0)
				v += 4;
			else if (strncmp(v, "#x27;", 5) == 0)
				v += 5, c = '\'';
			else
				fail_msg("unexpected reference in a URL in:\n%s", html);
		}
		if (c == '\t' || c == '\n' || c == '\r' || (!n && (unsigned char)c <= ' '))
			continue;
		u[n++] = (char)tolower((unsigned char)c);
	}
	u[n] = '\0';
	for (size_t i = 0; i < COUNTOF(images); i++)
		if (strncmp(u, images[i], strlen(images[i])) == 0)
			return;
	for (size_t i = 0; i < COUNTOF(bad); i++)
		if (strncmp(u, bad[i], strlen(bad[i])) == 0)
			fail_msg("dangerous URL \"%s\" in:\n%s", u, html);
}

/* Check every href and src in html's tags. Attributes are name="value" and
 * a value holds no '"' (cmark escapes it), so a tag is read exactly. */
static void assert_safe_urls(const char *html)
{
	for (const char *p = strchr(html, '<'); p; p = strchr(p, '<')) {
		p++;
		while (*p && *p != ' ' && *p != '>')
			p++;
		while (*p == ' ') {
			const char *name = ++p;
			while (*p && *p != '=' && *p != ' ' && *p != '>')
				p++;
			if (p[0] != '=' || p[1] != '"')
				break;
			if ((p - name == 4 && strncmp(name, "href", 4) == 0) ||
			    (p - name == 3 && strncmp(name, "src", 3) == 0))
				assert_safe_url(p + 2, html);
			p = strchr(p + 2, '"');
			assert_non_null(p);
			p++;
		}
	}
}

/* ---- GFM ---- */

static void table(void **state)
{
	const char *html = render(state, "| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 |\n");
	assert_contains(html, "<table tabindex=\"0\">");
	assert_contains(html, "<th>a</th>");
	assert_contains(html, "<th align=\"center\">b</th>");
	assert_contains(html, "<td>1</td>");
	/* The short row is padded to the header's width. */
	assert_contains(html, "<td>3</td>\n<td align=\"center\"></td>");
	assert_contains(html, "</table>");
}

static void strikethrough(void **state)
{
	assert_string_equal(render(state, "~~strike~~"), "<p><del>strike</del></p>\n");
	/* Single tildes are "about", not strikethrough. */
	assert_string_equal(render(state, "~5 to ~10 min"), "<p>~5 to ~10 min</p>\n");
}

static void autolinks(void **state)
{
	const char *html = render(state, "see www.example.com and https://x.org/a?b=1&c=2.");
	assert_contains(html, "<a rel=\"nofollow noopener\" href=\"http://www.example.com\">"
			"www.example.com</a>");
	assert_contains(html, "<a rel=\"nofollow noopener\" href=\"https://x.org/a?b=1&amp;c=2\">"
			"https://x.org/a?b=1&amp;c=2</a>.");
}

static void links_get_rel(void **state)
{
	assert_string_equal(render(state, "[x](https://x.org \"t\")"),
		"<p><a rel=\"nofollow noopener\" href=\"https://x.org\" title=\"t\">x</a></p>\n");
	/* Text that looks like a link tag is escaped, not rewritten. */
	assert_string_equal(render(state, "`<a href=\"x\">`"),
		"<p><code>&lt;a href=&quot;x&quot;&gt;</code></p>\n");
}

static void fenced_code(void **state)
{
	const char *html = render(state, "```c\nint x = a < b;\n```\n");
	assert_string_equal(html,
		"<pre tabindex=\"0\"><code class=\"language-c\"><span class=\"hl-t\">int</span> x = a &lt; b;\n"
		"</code></pre>\n");
	html = render(state, "```\"><script>alert(1)</script>\nx\n```\n");
	assert_lacks(html, "<script");
	assert_contains(html, "<pre tabindex=\"0\"><code class=\"language-&quot;&gt;&lt;script&gt;alert(1)"
			"&lt;/script&gt;\">x\n</code></pre>");
	html = render(state, "~~~ js onclick=alert(1)\nx\n~~~\n");
	assert_contains(html, "<pre tabindex=\"0\"><code class=\"language-js\">x\n");
	assert_false(in_tag(html, "onclick"));
}

static void tasklist(void **state)
{
	const char *html = render(state, "- [ ] todo\n- [x] done\n- plain\n");
	assert_contains(html, "<li><input type=\"checkbox\" disabled=\"\" aria-label=\"To do\" /> todo</li>");
	assert_contains(html, "<li><input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"Done\" /> done</li>");
	assert_contains(html, "<li>plain</li>");
}

static void lists_and_headings(void **state)
{
	const char *html = render(state, "# T\n\n1. a\n2. **b**\n\n> q *e*\n\n---\n");
	assert_contains(html, "<h1>T</h1>");
	assert_contains(html, "<ol>\n<li>a</li>\n<li><strong>b</strong></li>\n</ol>");
	assert_contains(html, "<blockquote>\n<p>q <em>e</em></p>\n</blockquote>");
	assert_contains(html, "<hr />");
}

/* ---- raw HTML ---- */

static void raw_html_is_text(void **state)
{
	const char *html = render(state, "<script>alert(1)</script>\n");
	assert_string_equal(html, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");

	html = render(state, "a <img src=x onerror=alert(1)> b\n\n<img src=x onerror=alert(1)>\n");
	assert_lacks(html, "<img");
	assert_false(in_tag(html, "onerror"));
	assert_contains(html, "a &lt;img src=x onerror=alert(1)&gt; b");

	html = render(state, "<a href=\"javascript:alert(1)\">x</a>");
	assert_lacks(html, "href=\"javascript");
	assert_contains(html, "&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;");

	html = render(state, "<div onmouseover=\"alert(1)\">\n\n*x*\n\n</div>\n");
	assert_false(in_tag(html, "onmouseover"));
	assert_contains(html, "<em>x</em>");

	html = render(state, "x <svg/onload=alert(1)> <iframe src=//e> <style>*{}</style> <!-- c -->");
	assert_false(in_tag(html, "onload"));
	assert_lacks(html, "<svg");
	assert_lacks(html, "<iframe");
	assert_lacks(html, "<style");
	assert_lacks(html, "<!--");
}

static void br_is_a_break(void **state)
{
	assert_string_equal(render(state, "a<br>b <BR/>c <br />d"),
		"<p>a<br />\nb <br />\nc <br />\nd</p>\n");
	/* A table cell cannot hold a line break: a space, not the tag. */
	assert_contains(render(state, "|a|\n|-|\n|1<br>2|\n"), "<td>1 2</td>");
	assert_contains(render(state, "a<br onclick=x>"), "&lt;br onclick=x&gt;");
}

/* ---- URLs ---- */

static void dangerous_urls(void **state)
{
	static const char *const inputs[] = {
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x]( javascript:alert(1))",
		"[x](\njavascript:alert(1))",
		"[x](< javascript:alert(1)>)",
		"[x](<java\tscript:alert(1)>)",
		"[x](&#106;avascript:alert(1))",
		"[x](&#x6A;avascript:alert(1))",
		"[x](&#X4A;AVASCRIPT:alert(1))",
		"[x](javascript&colon;alert(1))",
		"[x](javas&#99;ript:alert(1))",
		"[x](\\javascript:alert(1))",
		"[x][r]\n\n[r]: javascript:alert(1)",
		"[r]\n\n[r]: <JAVASCRIPT:alert(1)> \"t\"",
		"<javascript:alert(1)>",
		"![x](javascript:alert(1))",
		"[x](vbscript:msgbox(1))",
		"[x](VBScript:msgbox(1))",
		"[x](file:///etc/passwd)",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"[x](DATA:text/html,<script>alert(1)</script>)",
		"![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
		"[x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
		"| a |\n|---|\n| [x](javascript:alert(1)) |",
		"- [ ] [x](javascript:alert(1))",
		"~~[x](javascript:alert(1))~~",
	};
	for (size_t i = 0; i < COUNTOF(inputs); i++) {
		const char *html = render(state, inputs[i]);
		assert_lacks(html, "href=\"javascript");
		assert_lacks(html, "<script");
		assert_safe_urls(html);
	}
	/* The emptied links are still links, so the text stays readable. */
	assert_string_equal(render(state, "[x](javascript:alert(1))"),
		"<p><a rel=\"nofollow noopener\" href=\"\">x</a></p>\n");
	/* Raster data: images survive (as links, like every image). */
	assert_contains(render(state, "![i](data:image/png;base64,AAAA)"),
		"href=\"data:image/png;base64,AAAA\"");
	/* A quote cannot end an autolink's href early. */
	assert_lacks(render(state, "www.x.com/\"onmouseover=\"alert(1) and www.href=\""),
		     "onmouseover=\"");
	/* Ordinary URLs are untouched; spaces in <...> are escaped. */
	assert_contains(render(state, "[x](</a b?c=\"d\">)"), "href=\"/a%20b?c=%22d%22\"");
	assert_contains(render(state, "[x](mailto:a@b.c)"), "href=\"mailto:a@b.c\"");
}

static void images_become_links(void **state)
{
	const char *html = render(state, "![a *cat*](https://t.example/c.png \"T\")");
	assert_string_equal(html, "<p><a rel=\"nofollow noopener\" href=\"https://t.example/c.png\""
			" title=\"T\">a cat</a></p>\n");
	/* No alt text: the URL is the link text. */
	assert_string_equal(render(state, "![](https://t.example/pixel.gif)"),
		"<p><a rel=\"nofollow noopener\" href=\"https://t.example/pixel.gif\">"
		"https://t.example/pixel.gif</a></p>\n");
	/* A linked badge is one link, not a link in a link. */
	assert_string_equal(render(state, "[![build](https://b/i.svg)](https://ci)"),
		"<p><a rel=\"nofollow noopener\" href=\"https://ci\">build</a></p>\n");
	html = render(state, "![a ![b](c) [l](m) d](e) x ![ref]\n\n[ref]: /r.png");
	assert_string_equal(html, "<p><a rel=\"nofollow noopener\" href=\"e\">a b l d</a> x "
		"<a rel=\"nofollow noopener\" href=\"/r.png\">ref</a></p>\n");
	assert_lacks(render(state, "| i |\n|---|\n| ![x](y) |"), "<img");
}

static void references_stay_in_their_reply(void **state)
{
	assert_contains(render(state, "[a]: https://x.org/secret\n\nsee [a]"),
		"href=\"https://x.org/secret\"");
	/* The cached parser keeps nothing from one reply for the next. */
	assert_string_equal(render(state, "see [a]"), "<p>see [a]</p>\n");
}

/* ---- input edges ---- */

static void empty_input(void **state)
{
	struct buf *b = *state;
	assert_string_equal(render(state, ""), "");
	buf_clear(b);
	assert_int_equal(markdown_render(NULL, 0, b), 0);
	assert_int_equal(b->len, 0);
	assert_string_equal(render(state, "\n\n  \n"), "");
}

static void appends_and_failure_leaves_out(void **state)
{
	struct buf *b = *state;
	char *big;

	buf_clear(b);
	buf_puts(b, "<div>");
	assert_int_equal(markdown_render("*x*", 3, b), 0);
	assert_string_equal(buf_str(b), "<div><p><em>x</em></p>\n");

	buf_clear(b);
	buf_puts(b, "keep");
	assert_int_equal(markdown_render(NULL, 1, b), -1);
	assert_string_equal(buf_str(b), "keep");
	big = malloc(MARKDOWN_MAX_INPUT + 1);
	assert_non_null(big);
	memset(big, 'a', MARKDOWN_MAX_INPUT + 1);
	assert_int_equal(markdown_render(big, MARKDOWN_MAX_INPUT + 1, b), -1);
	assert_string_equal(buf_str(b), "keep");
	assert_int_equal(markdown_render(big, MARKDOWN_MAX_INPUT, b), 0);
	assert_int_equal(b->len, 4 + 3 + MARKDOWN_MAX_INPUT + 5);
	free(big);
}

static void bad_utf8(void **state)
{
	static const char in[] = "caf\xc3 \xff end \xed\xa0\x80 \xf0\x9f\x98 x\0y `\xfe`";
	const char *html = render_n(state, in, sizeof in - 1);
	assert_true(utf8_valid(html, strlen(html)));
	assert_contains(html, "caf\xef\xbf\xbd \xef\xbf\xbd end");
	assert_contains(html, "x\xef\xbf\xbdy");   /* NUL too */
	assert_contains(html, "<code>\xef\xbf\xbd</code>");
	html = render(state, "\xc3");
	assert_string_equal(html, "<p>\xef\xbf\xbd</p>\n");
	/* Valid UTF-8 passes through untouched. */
	assert_string_equal(render(state, "h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
		"<p>h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80</p>\n");
}

static void stops_at_n(void **state)
{
	/* "**b**" past n must not be read: only "*a" is rendered. */
	assert_string_equal(render_n(state, "*a**b**", 2), "<p>*a</p>\n");
}

static void deep_nesting(void **state)
{
	size_t n = 100000;
	char *s = malloc(n + 2);
	const char *html;
	assert_non_null(s);
	memset(s, '>', n);
	s[n] = 'x';
	s[n + 1] = '\0';
	html = render_n(state, s, n + 1);
	assert_contains(html, "<p>x</p>");
	for (size_t i = 0; i < n; i += 2) {
		s[i] = '[';
		s[i + 1] = '!';
	}
	html = render_n(state, s, n);
	assert_true(strlen(html) > 0);
	free(s);
}

/* ---- guards against cmark-gfm 0.29.0.gfm.6 blow-ups ---- */

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void guard_wide_rows(void **state)
{
	size_t n = 60000;
	struct buf md = BUF_INIT;
	double t0;
	const char *html;

	buf_puts(&md, "|a|b|\n|-|-|\n");
	for (size_t i = 0; i < n; i++)
		buf_putc(&md, '|');
	buf_putc(&md, '\n');
	t0 = seconds();
	html = render_n(state, md.data, md.len);
	/* Seconds unguarded (the cost is the square of the pipes in a row);
	 * with more than 128 in a line tables are off, so it is plain text. */
	assert_true(seconds() - t0 < 2.0);
	assert_lacks(html, "<table");
	buf_free(&md);
}

static void guard_table_padding(void **state)
{
	struct buf md = BUF_INIT;
	const char *html;

	/* 100 columns over 5000 one-byte rows: half a million padded cells. */
	for (int i = 0; i < 100; i++)
		buf_puts(&md, "|a");
	buf_puts(&md, "|\n");
	for (int i = 0; i < 100; i++)
		buf_puts(&md, "|-");
	buf_puts(&md, "|\n");
	for (int i = 0; i < 5000; i++)
		buf_puts(&md, "x\n");
	html = render_n(state, md.data, md.len);
	assert_lacks(html, "<table");
	assert_true(strlen(html) < 4 * md.len);
	/* The same with vertical tabs and form feeds, which cmark's delimiter
	 * row accepts as spaces, and CR line endings. */
	buf_clear(&md);
	for (int i = 0; i < 100; i++)
		buf_puts(&md, "|a");
	buf_puts(&md, "|\r");
	for (int i = 0; i < 100; i++)
		buf_puts(&md, i % 2 ? "|\v-" : "|-\f");
	buf_puts(&md, "|\r\n");
	for (int i = 0; i < 5000; i++)
		buf_puts(&md, "x\r");
	html = render_n(state, md.data, md.len);
	assert_true(strlen(html) < 4 * md.len);
	/* A real table of the same order is still a table. */
	buf_clear(&md);
	buf_puts(&md, "| a | b | c | d |\n|---|---|---|---|\n");
	for (int i = 0; i < 5000; i++)
		buf_printf(&md, "| %d | x |\n", i);
	html = render_n(state, md.data, md.len);
	assert_contains(html, "<table tabindex=\"0\">");
	assert_contains(html, "<td>4999</td>\n<td>x</td>\n<td></td>\n<td></td>");
	buf_free(&md);
}

static void guard_reference_expansion(void **state)
{
	struct buf md = BUF_INIT;
	const char *html;

	/* One 20 KB URL used 20000 times: 400 MB unguarded. */
	buf_puts(&md, "[a]: /");
	for (int i = 0; i < 20000; i++)
		buf_putc(&md, 'u');
	buf_puts(&md, "\n\n");
	for (int i = 0; i < 20000; i++)
		buf_puts(&md, "[a] ");
	html = render_n(state, md.data, md.len);
	assert_true(strlen(html) < 4 * md.len);
	assert_contains(html, "<p>[a]: /uuu");   /* the definition, as text */
	assert_contains(html, "[a] [a]");
	/* Ordinary references in a long reply with many brackets still work. */
	buf_clear(&md);
	buf_puts(&md, "As [1] says.\n\n```\n");
	for (int i = 0; i < 3000; i++)
		buf_puts(&md, "a[i] = b[i];\n");
	buf_puts(&md, "```\n\n[1]: https://example.org/a/long/path \"Title\"\n");
	html = render_n(state, md.data, md.len);
	assert_contains(html, "<a rel=\"nofollow noopener\" href=\"https://example.org/a/long/path\""
			" title=\"Title\">1</a>");
	buf_free(&md);
}

/* ---- many calls ---- */

/* ---- math (markdown_math.h, tex_mathml.h) ---- */

#define MATH_X "<math><semantics><mrow><mi>x</mi></mrow><annotation " \
	"encoding=\"application/x-tex\">x</annotation></semantics></math>"

static void math_dollars(void **state)
{
	const char *html;

	/* Prices stay prose: a space after the opener, a space before or a
	 * digit after the closer. */
	assert_string_equal(render(state, "It costs $5, or $10."), "<p>It costs $5, or $10.</p>\n");
	assert_string_equal(render(state, "$5 and $6"), "<p>$5 and $6</p>\n");
	assert_string_equal(render(state, "from $5-$10 a month"), "<p>from $5-$10 a month</p>\n");
	assert_string_equal(render(state, "a $ b $ c"), "<p>a $ b $ c</p>\n");
	assert_string_equal(render(state, "$x$"), "<p>" MATH_X "</p>\n");
	assert_string_equal(render(state, "so $x$, then"), "<p>so " MATH_X ", then</p>\n");
	/* Inline math stays on its line. */
	assert_string_equal(render(state, "$a\nb$"), "<p>$a\nb$</p>\n");
	assert_string_equal(render(state, "$a\\\nb$"), "<p>$a<br />\nb$</p>\n");
	/* Markdown never sees inside: no emphasis from * or _. */
	html = render(state, "Let $a_1 * b_2$ be *so*.");
	assert_contains(html, "<msub><mi>a</mi><mn>1</mn></msub><mo>∗</mo><msub><mi>b</mi>");
	assert_contains(html, "be <em>so</em>.");
	assert_lacks(html, "<em>1");
	/* \$ is a dollar, outside math and inside it. */
	assert_string_equal(render(state, "\\$x$ and \\$5"), "<p>$x$ and $5</p>\n");
	assert_contains(render(state, "$x\\$y$"), "<mi>x</mi><mi mathvariant=\"normal\">$</mi><mi>y</mi>");
}

static void math_display(void **state)
{
	const char *html;

	assert_contains(render(state, "$$x$$"), "<p><math display=\"block\"><semantics><mrow><mi>x</mi>");
	html = render(state, "Then\n\n$$\n\\frac{a}{b}\n$$\n\nso.");
	assert_contains(html, "<p><math display=\"block\"><semantics><mrow><mfrac><mi>a</mi><mi>b</mi></mfrac>");
	assert_contains(html, "</math></p>\n<p>so.</p>");
	assert_contains(render(state, "\\[x\\]"), "<p><math display=\"block\">");
	assert_string_equal(render(state, "\\(x\\)"), "<p>" MATH_X "</p>\n");
	/* \\ in the aligned rows survives (markdown would make it \). */
	html = render(state, "$$\\begin{aligned} a &= b \\\\ &= c \\end{aligned}$$");
	assert_contains(html, "</mtd></mtr><mtr><mtd columnalign=\"right\"></mtd>");
	/* Empty, or escaped, is not math. */
	assert_string_equal(render(state, "$$ $$"), "<p>$$ $$</p>\n");
	assert_string_equal(render(state, "\\\\(x\\\\)"), "<p>\\(x\\)</p>\n");
	/* Not across paragraphs. */
	assert_string_equal(render(state, "$$a\n\nb$$"), "<p>$$a</p>\n<p>b$$</p>\n");
	/* In a block quote its lines lose their markers. */
	html = render(state, "> $$\n> a\n> $$");
	assert_contains(html, "<blockquote>\n<p><math display=\"block\"><semantics><mrow><mi>a</mi></mrow>");
	/* In a table cell, a bar inside math is not a column. */
	html = render(state, "| a | b |\n|---|---|\n| $|x|$ | 2 |");
	assert_contains(html, "<td><math><semantics><mrow><mi>|</mi><mi>x</mi><mi>|</mi></mrow>");
}

static void math_not_in_code(void **state)
{
	assert_string_equal(render(state, "`$x$`"), "<p><code>$x$</code></p>\n");
	assert_string_equal(render(state, "``a `$x$` b``"), "<p><code>a `$x$` b</code></p>\n");
	assert_contains(render(state, "```\n$x$ \\(y\\)\n```"), "<pre tabindex=\"0\"><code>$x$ \\(y\\)\n</code></pre>");
	assert_contains(render(state, "~~~\n$$x$$\n~~~"), "<code>$$x$$\n</code>");
	assert_contains(render(state, "text\n\n    $x$"), "<pre tabindex=\"0\"><code>$x$\n</code></pre>");
	assert_contains(render(state, "- item\n\n  ```\n  $x$\n  ```"), "<code>$x$\n</code>");
	assert_contains(render(state, "> ```\n> $x$\n> ```"), "<code>$x$\n</code>");
	assert_contains(render(state, ">     $x$"), "<pre tabindex=\"0\"><code>$x$\n</code></pre>");
	assert_contains(render(state, "> a\n>\n>     $x$"), "<code>$x$\n</code>");
	/* A quote's line of only '>' ends its paragraph, so math too. */
	assert_contains(render(state, "> $$a\n>\n> b$$"), "<p>$$a</p>\n<p>b$$</p>");
	/* A backtick that opens nothing is text, and math after it is math. */
	assert_string_equal(render(state, "` $x$"), "<p>` " MATH_X "</p>\n");
	/* Code first, math first: whichever opens first. */
	assert_string_equal(render(state, "`a $x` $b`"), "<p><code>a $x</code> $b`</p>\n");
}

static void math_refused_and_tags(void **state)
{
	const char *html;

	/* Not supported: the TeX as code. */
	assert_string_equal(render(state, "$\\foo{<b>}$"),
			    "<p><code class=\"math-tex\">\\foo{&lt;b&gt;}</code></p>\n");
	/* Escaped whatever it holds. */
	html = render(state, "$x</annotation><script>alert(1)$");
	assert_lacks(html, "<script");
	assert_contains(html, "x&lt;/annotation&gt;&lt;script&gt;alert(1)</annotation>");
	/* Inside a tag (a link's title), the source as text; in its text, math. */
	html = render(state, "[$x$](/u \"t $y$\")");
	assert_contains(html, "title=\"t $y$\">" MATH_X "</a>");
	/* Input already holding a placeholder character gets no math. */
	assert_string_equal(render(state, "\xee\x80\x80 $x$"), "<p>\xee\x80\x80 $x$</p>\n");
	assert_string_equal(render(state, "$x$ \xee\x80\x81"), "<p>$x$ \xee\x80\x81</p>\n");
	/* ... nor does one naming it by reference (cmark decodes it). */
	html = render(state, "$x$ &#xE000;0&#57345;");
	assert_lacks(html, "<math");
	assert_contains(html, "$x$ \xee\x80\x80" "0\xee\x80\x81");
	assert_contains(render(state, "$x$ &#xE00;"), MATH_X);
}

/* Unclosed openers are not searched again: 128 KiB of them is quick. */
static void math_linear(void **state)
{
	static const char *const units[] = { "$", "$a", "\\(", "\\[", "`", "`$", "$$a", "a$ " };
	char *s = malloc(MARKDOWN_MAX_INPUT);
	double t0;

	assert_non_null(s);
	for (size_t u = 0; u < COUNTOF(units); u++) {
		size_t k = strlen(units[u]);
		for (size_t i = 0; i < MARKDOWN_MAX_INPUT; i++)
			s[i] = units[u][i % k];
		t0 = seconds();
		render_n(state, s, MARKDOWN_MAX_INPUT);
		if (seconds() - t0 > 1.0)
			fail_msg("128 KiB of \"%s\" took %.2f s", units[u], seconds() - t0);
	}
	free(s);
}

static void many_calls(void **state)
{
	/* Under ASan/LSan this would report any per-call leak. */
	for (int i = 0; i < 2000; i++) {
		const char *html = render(state, "| a |\n|---|\n| ~~b~~ www.c.d |\n\n"
					  "```py\nx\n```\n- [x] t ![i](j) <b>\n\n[r]: /r\n[r]");
		assert_contains(html, "<table tabindex=\"0\">");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(table, setup, teardown),
		cmocka_unit_test_setup_teardown(strikethrough, setup, teardown),
		cmocka_unit_test_setup_teardown(autolinks, setup, teardown),
		cmocka_unit_test_setup_teardown(links_get_rel, setup, teardown),
		cmocka_unit_test_setup_teardown(fenced_code, setup, teardown),
		cmocka_unit_test_setup_teardown(tasklist, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_and_headings, setup, teardown),
		cmocka_unit_test_setup_teardown(raw_html_is_text, setup, teardown),
		cmocka_unit_test_setup_teardown(br_is_a_break, setup, teardown),
		cmocka_unit_test_setup_teardown(dangerous_urls, setup, teardown),
		cmocka_unit_test_setup_teardown(images_become_links, setup, teardown),
		cmocka_unit_test_setup_teardown(references_stay_in_their_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_input, setup, teardown),
		cmocka_unit_test_setup_teardown(appends_and_failure_leaves_out, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(stops_at_n, setup, teardown),
		cmocka_unit_test_setup_teardown(deep_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(guard_wide_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(guard_table_padding, setup, teardown),
		cmocka_unit_test_setup_teardown(guard_reference_expansion, setup, teardown),
		cmocka_unit_test_setup_teardown(math_dollars, setup, teardown),
		cmocka_unit_test_setup_teardown(math_display, setup, teardown),
		cmocka_unit_test_setup_teardown(math_not_in_code, setup, teardown),
		cmocka_unit_test_setup_teardown(math_refused_and_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(math_linear, setup, teardown),
		cmocka_unit_test_setup_teardown(many_calls, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
