/* markdown.c — see markdown.h.
 *
 * The steps: a linear pre-scan that guards against the blow-ups of this
 * cmark-gfm version (below), a parse with the four GFM extensions, a pass over
 * the tree that turns raw HTML into text and images into links, cmark's HTML
 * renderer in safe mode (it empties dangerous URLs and escapes everything
 * else), and rel="nofollow noopener" added to each link on the way out.
 *
 * Images become links (text: the alt text, else the URL) rather than <img>.
 * The CSP (img-src 'self' data:) would block remote images anyway, so the
 * reader would see a broken image; a link shows what was meant, and a reply
 * cannot make a reader's browser fetch a tracking pixel even if the CSP is
 * loosened one day or the HTML is viewed elsewhere.
 *
 * Raw HTML: cmark-gfm has no option to escape it (safe mode replaces it with
 * "<!-- raw HTML omitted -->", losing the text), so the tree pass turns each
 * raw HTML node into a text node, which the renderer escapes. <br> becomes a
 * real line break, as models use it inside table cells.
 *
 * Blow-ups in cmark-gfm 0.29.0.gfm.6 (fixed upstream in later versions, not
 * in Debian 12's package) that the pre-scan bounds:
 *  - a table row or header with many '|' costs the square of their number:
 *    20 KB of "|" in one row took seconds. Lines with more than MAX_PIPES
 *    pipes turn tables off for the document.
 *  - short rows are padded to the header's width, so a wide header over many
 *    one-byte rows multiplies out (12 KB in, 40 MB out). Tables are turned
 *    off when the padded cell count could exceed the input length plus a
 *    margin.
 *  - every use of a link reference copies its URL and title, so one long
 *    definition used many times multiplies out (100 KB in, 400 MB out; a
 *    longer input overflows cmark's 2 GB buffers, which abort). When the
 *    possible expansion is too large, every "]:" in the input becomes "]\:",
 *    so there are no reference definitions at all.
 * Other inputs whose time is quadratic (long runs of "![[]()", "<?",
 * "<![CDATA[") are bounded only by MARKDOWN_MAX_INPUT. */
#include "markdown.h"
#include "markdown_code.h"
#include "markdown_math.h"
#include "buf.h"
#include "util.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

/* Safe is cmark-gfm's default: CMARK_OPT_SAFE is a no-op kept for the API,
 * and CMARK_OPT_UNSAFE (never set here) would let raw HTML and dangerous URLs
 * through. Invalid UTF-8 becomes U+FFFD. Only ~~double~~ tildes strike
 * through: models write "~5 min" for "about five minutes". Table alignment
 * stays an align attribute, not a style attribute the CSP would block. */
#define OPTIONS (CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE)

#define MAX_PIPES 128                   /* '|' on one line, with tables on */
#define CELL_MARGIN ((size_t)16384)     /* padded table cells beyond n */
#define REF_FACTOR ((size_t)16)         /* reference expansion per input byte */
#define REF_MARGIN ((size_t)65536)      /* ... plus this */

static const char *const extension_names[] = {
	"table", "strikethrough", "autolink", "tasklist"
};

static pthread_once_t registered = PTHREAD_ONCE_INIT;
static _Thread_local cmark_parser *cached;   /* all four extensions */

/* What the pre-scan found: upper bounds, never underestimates. */
struct scan {
	size_t max_pipes;   /* most '|' on one line */
	size_t cells;       /* table cells after padding */
	size_t ref_span;    /* longest stretch from a "]:" to its paragraph's end */
	size_t closers;     /* ']' characters: at least one per reference use */
};

/* Register the core extensions once per process (cmark's own guard is a
 * plain static flag, not safe to race on). */
static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* A parser with the GFM extensions attached (the table one only if tables),
 * or NULL. */
static cmark_parser *new_parser(int tables)
{
	cmark_parser *p = cmark_parser_new(OPTIONS);
	if (!p)
		return NULL;
	for (size_t i = tables ? 0 : 1; i < COUNTOF(extension_names); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extension_names[i]);
		if (!ext || !cmark_parser_attach_syntax_extension(p, ext)) {
			cmark_parser_free(p);
			return NULL;
		}
	}
	return p;
}

/* Scan the input line by line as cmark splits it (\n, \r, \r\n). A table
 * can only start at a delimiter-like line: '|', ':', '-' and the spaces
 * cmark's table scanner allows (space, \t, \v, \f), with a '-', and '>' for
 * block quotes. From there every line up to a blank one (only spaces and
 * tabs, as cmark has it) counts as a row as wide as the widest such line's
 * pipes allow. A reference definition's URL and title follow its "]:" and
 * end by the paragraph's end (a blank line). */
static void scan(const char *s, size_t n, struct scan *sc)
{
	size_t i = 0, cols = 0, def = SIZE_MAX;

	memset(sc, 0, sizeof *sc);
	while (i < n) {
		size_t start = i, pipes = 0;
		int blank = 1, delim = 1, dash = 0;

		for (; i < n && s[i] != '\n' && s[i] != '\r'; i++) {
			char c = s[i];
			if (c == '|')
				pipes++;
			else if (c == '-')
				dash = 1;
			else if (c == ']') {
				sc->closers++;
				if (def == SIZE_MAX && i + 1 < n && s[i + 1] == ':')
					def = i;
			}
			if (c != ' ' && c != '\t') {
				blank = 0;
				if (!strchr("|:->\v\f", c) || !c)
					delim = 0;
			}
		}
		if (i < n && s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			i++;
		if (i < n)
			i++;
		if (blank) {
			if (def != SIZE_MAX && start - def > sc->ref_span)
				sc->ref_span = start - def;
			def = SIZE_MAX;
			cols = 0;
			continue;
		}
		if (pipes > sc->max_pipes)
			sc->max_pipes = pipes;
		if (delim && dash && pipes + 1 > cols)
			cols = pipes + 1;
		sc->cells += cols;
	}
	if (def != SIZE_MAX && n - def > sc->ref_span)
		sc->ref_span = n - def;
}

/* A copy of s with every "]:" made "]\:" (no reference definitions); its
 * length in *len. The caller frees it. */
static char *unreference(const char *s, size_t n, size_t *len)
{
	size_t extra = 0, j = 0;
	char *t;

	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == ']' && s[i + 1] == ':')
			extra++;
	t = xmalloc(n + extra + 1);
	for (size_t i = 0; i < n; i++) {
		t[j++] = s[i];
		if (s[i] == ']' && i + 1 < n && s[i + 1] == ':')
			t[j++] = '\\';
	}
	t[j] = '\0';
	*len = j;
	return t;
}

/* A new text node holding s, or NULL. */
static cmark_node *text_node(const char *s)
{
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	if (t && !cmark_node_set_literal(t, s)) {
		cmark_node_free(t);
		return NULL;
	}
	return t;
}

/* 1 if the raw inline HTML s is a <br> tag: <br>, <BR/>, <br />. */
static int is_br(const char *s)
{
	if (strncasecmp(s, "<br", 3) != 0)
		return 0;
	s += 3;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '/')
		s++;
	return s[0] == '>' && s[1] == '\0';
}

/* The replacement for a raw inline HTML node: a line break for <br>, else
 * its source as text. Table cells cannot hold line breaks (the extension
 * refuses them), so there, when second is set, a <br> becomes a space. */
static cmark_node *inline_html_as_text(cmark_node *node, int second)
{
	const char *lit = cmark_node_get_literal(node);
	if (!lit)
		return NULL;
	if (is_br(lit))
		return second ? text_node(" ") : cmark_node_new(CMARK_NODE_LINEBREAK);
	return second ? NULL : text_node(lit);
}

/* The replacement for a raw HTML block: a paragraph of its source as text,
 * without the final line ending. */
static cmark_node *block_html_as_text(cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	struct buf b = BUF_INIT;
	cmark_node *para, *text;
	size_t n;

	if (!lit)
		return NULL;
	n = strlen(lit);
	while (n && (lit[n - 1] == '\n' || lit[n - 1] == '\r'))
		n--;
	buf_append(&b, lit, n);
	text = text_node(buf_str(&b));
	buf_free(&b);
	para = cmark_node_new(CMARK_NODE_PARAGRAPH);
	if (!text || !para || !cmark_node_append_child(para, text)) {
		cmark_node_free(text);
		cmark_node_free(para);
		return NULL;
	}
	return para;
}

/* Append the plain text of node's descendants to b, as cmark writes an
 * image's alt text: literals, and a space for each line break. */
static void plain_text(cmark_node *node, struct buf *b)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;

	if (!it)
		return;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *cur = cmark_iter_get_node(it);
		const char *lit;
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			lit = cmark_node_get_literal(cur);
			if (lit)
				buf_puts(b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/* The replacement for an image: a link to it whose text is the alt text
 * (else the URL), or only that text when the image sits inside a link or
 * another image (no links inside links). */
static cmark_node *image_as_link(cmark_node *img, int nested)
{
	const char *url = cmark_node_get_url(img);
	const char *title = cmark_node_get_title(img);
	struct buf alt = BUF_INIT;
	cmark_node *text, *link;

	plain_text(img, &alt);
	if (!alt.len)
		buf_puts(&alt, url && *url ? url : "image");
	text = text_node(buf_str(&alt));
	buf_free(&alt);
	if (!text || nested)
		return text;
	link = cmark_node_new(CMARK_NODE_LINK);
	if (!link || !cmark_node_set_url(link, url ? url : "") ||
	    !cmark_node_set_title(link, title ? title : "") ||
	    !cmark_node_append_child(link, text)) {
		cmark_node_free(text);
		cmark_node_free(link);
		return NULL;
	}
	return link;
}

/* Put repl in node's place and free node, moving the iterator to repl (its
 * children are not visited). 1 on success; 0 (repl freed, node kept) when
 * node's parent cannot hold repl's type. */
static int replace(cmark_iter *it, cmark_node *node, cmark_node *repl)
{
	if (!repl)
		return 0;
	if (!cmark_node_replace(node, repl)) {
		cmark_node_free(repl);
		return 0;
	}
	cmark_iter_reset(it, repl, CMARK_EVENT_EXIT);
	cmark_node_free(node);
	return 1;
}

/* Walk the tree replacing raw HTML with text and images with links. When a
 * replacement cannot be made the node stays, and cmark's safe mode still
 * renders it inert (an HTML comment, or an <img> with a checked URL). */
static void rewrite(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	size_t links = 0;   /* links and images enclosing the current node */

	if (!it)
		return;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);

		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_HTML_INLINE:
			if (!replace(it, node, inline_html_as_text(node, 0)))
				replace(it, node, inline_html_as_text(node, 1));
			break;
		case CMARK_NODE_HTML_BLOCK:
			replace(it, node, block_html_as_text(node));
			break;
		case CMARK_NODE_LINK:
			if (ev == CMARK_EVENT_ENTER)
				links++;
			else
				links--;
			break;
		case CMARK_NODE_IMAGE:
			if (ev == CMARK_EVENT_ENTER) {
				links++;
				break;
			}
			links--;
			replace(it, node, image_as_link(node, links > 0));
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/* Append html to out with rel="nofollow noopener" in every <a>, every
 * <pre> and <table> in the tab order, so a keyboard can scroll a wide code
 * block or table (axe: scrollable-region-focusable), and a name on each task-list box, which a
 * screen reader otherwise announces as an unlabelled checkbox. Text and
 * attribute values in cmark's output are escaped, so each "<a href=\"",
 * "<pre>", "<table>" and "<input" in it is a tag the renderer wrote. */
static void append_with_attrs(struct buf *out, const char *html)
{
	static const struct { const char *tag, *with; } rw[] = {
		{ "<a href=\"", "<a rel=\"nofollow noopener\" href=\"" },
		{ "<pre>", "<pre tabindex=\"0\">" },
		{ "<table>", "<table tabindex=\"0\">" },
		{ "<input type=\"checkbox\" disabled=\"\" />",
		  "<input type=\"checkbox\" disabled=\"\" aria-label=\"To do\" />" },
		{ "<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
		  "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"Done\" />" },
	};
	const char *p = html, *next[sizeof rw / sizeof *rw];
	size_t k;

	/* next[k]: where rw[k].tag next occurs; each is searched for once per
	 * occurrence, so the pass stays linear. */
	for (k = 0; k < sizeof rw / sizeof *rw; k++)
		next[k] = strstr(html, rw[k].tag);
	buf_reserve(out, strlen(html));
	for (;;) {
		size_t which = sizeof rw / sizeof *rw;
		for (k = 0; k < sizeof rw / sizeof *rw; k++)
			if (next[k] && (which == sizeof rw / sizeof *rw || next[k] < next[which]))
				which = k;
		if (which == sizeof rw / sizeof *rw)
			break;
		buf_append(out, p, (size_t)(next[which] - p));
		buf_puts(out, rw[which].with);
		p = next[which] + strlen(rw[which].tag);
		next[which] = strstr(p, rw[which].tag);
	}
	buf_puts(out, p);
}

/* Append html with its code blocks highlighted and rel on its links. */
static void append_highlighted(struct buf *out, const char *html)
{
	struct buf hl = BUF_INIT;

	if (!strstr(html, "<pre><code class=\"language-")) {
		append_with_attrs(out, html);
		return;
	}
	markdown_highlight(html, &hl);
	append_with_attrs(out, buf_str(&hl));
	buf_free(&hl);
}

/* Pre-scan, parse (with this thread's cached parser unless tables are off),
 * rewrite, render, append. */
static int render(const char *text, size_t n, struct buf *out)
{
	struct scan sc;
	cmark_parser *parser;
	cmark_node *doc;
	char *html, *copy = NULL;
	int tables;

	if (pthread_once(&registered, register_extensions) != 0)
		return -1;

	scan(text, n, &sc);
	tables = sc.max_pipes <= MAX_PIPES && sc.cells <= n + CELL_MARGIN;
	if (sc.closers && sc.ref_span > (REF_FACTOR * n + REF_MARGIN) / sc.closers) {
		copy = unreference(text, n, &n);
		text = copy;
	}

	if (tables) {
		if (!cached)
			cached = new_parser(1);
		parser = cached;
	} else {
		parser = new_parser(0);
	}
	if (!parser) {
		free(copy);
		return -1;
	}

	cmark_parser_feed(parser, text, n);
	doc = cmark_parser_finish(parser);
	free(copy);
	if (!doc) {
		if (parser != cached)
			cmark_parser_free(parser);
		return -1;
	}
	rewrite(doc);
	html = cmark_render_html(doc, OPTIONS, cmark_parser_get_syntax_extensions(parser));
	cmark_node_free(doc);
	if (parser != cached)
		cmark_parser_free(parser);
	if (!html)
		return -1;
	append_highlighted(out, html);
	cmark_get_default_mem_allocator()->free(html);
	return 0;
}

/* The math taken out first (markdown_math.h), rendered, put back. */
int markdown_render(const char *text, size_t n, struct buf *out)
{
	struct markdown_math math = MARKDOWN_MATH_INIT;
	struct buf md = BUF_INIT, html = BUF_INIT;
	int rc;

	if ((!text && n) || n > MARKDOWN_MAX_INPUT)
		return -1;
	if (!n)
		return 0;
	if (!markdown_math_find(text, n, &md, &math))
		return render(text, n, out);
	rc = render(md.data, md.len, &html);
	if (rc == 0)
		markdown_math_put(buf_str(&html), &math, out);
	buf_free(&md);
	buf_free(&html);
	markdown_math_free(&math);
	return rc;
}

/* Free this thread's cached parser. */
void markdown_cleanup(void)
{
	if (cached) {
		cmark_parser_free(cached);
		cached = NULL;
	}
}
