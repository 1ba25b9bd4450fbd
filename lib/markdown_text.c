/* markdown_text.c — see markdown_text.h.
 *
 * cmark-gfm's own plain-text renderer keeps list markers, table pipes and
 * line wrapping, which is a layout rather than an excerpt; walking the tree
 * and keeping only the literals is shorter and says what the reply says.
 * The input is cut before parsing (MARKDOWN_TEXT_SCAN), so the inputs that
 * are slow in this cmark version (markdown.c) stay a few KB. */
#include "markdown_text.h"
#include "buf.h"
#include "util.h"

#include <pthread.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* Append s to b with each run of white space one space, none leading. */
static void put_squashed(struct buf *b, const char *s)
{
	for (; *s; s++) {
		int space = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
			    *s == '\f' || *s == '\v';
		if (!space)
			buf_putc(b, *s);
		else if (b->len && b->data[b->len - 1] != ' ')
			buf_putc(b, ' ');
	}
}

/* The tree's literals in reading order, a space between blocks. */
static void collect(cmark_node *doc, struct buf *b)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	if (!it)
		return;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		const char *lit;

		if (ev == CMARK_EVENT_EXIT) {
			/* Leaving a block: table cells are blocks too. */
			if (((unsigned)type & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)
				put_squashed(b, " ");
			continue;
		}
		switch (type) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
		case CMARK_NODE_HTML_INLINE:
		case CMARK_NODE_HTML_BLOCK:
			lit = cmark_node_get_literal(node);
			if (lit)
				put_squashed(b, lit);
			if (type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_HTML_BLOCK)
				put_squashed(b, " ");
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			put_squashed(b, " ");
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/* A parser with the table, strikethrough and task-list extensions, or NULL. */
static cmark_parser *new_parser(void)
{
	static const char *const names[] = { "table", "strikethrough", "tasklist" };
	cmark_parser *p = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8);

	if (!p)
		return NULL;
	for (size_t i = 0; i < COUNTOF(names); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(names[i]);
		if (!ext || !cmark_parser_attach_syntax_extension(p, ext)) {
			cmark_parser_free(p);
			return NULL;
		}
	}
	return p;
}

int markdown_text(const char *text, size_t n, size_t limit, struct buf *out)
{
	struct buf b = BUF_INIT;
	cmark_parser *parser;
	cmark_node *doc;
	int more = n > MARKDOWN_TEXT_SCAN;
	size_t len;

	if (!text || !n)
		return 0;
	if (pthread_once(&registered, register_extensions) != 0 || !(parser = new_parser()))
		return -1;
	len = more ? MARKDOWN_TEXT_SCAN : n;
	while (more && len && ((unsigned char)text[len] & 0xC0) == 0x80)
		len--;   /* not a character cut in two */
	cmark_parser_feed(parser, text, len);
	doc = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	if (!doc)
		return -1;
	collect(doc, &b);
	cmark_node_free(doc);

	len = b.len;
	while (len && b.data[len - 1] == ' ')
		len--;
	if (len > limit) {
		more = 1;
		len = limit;
		while (len && ((unsigned char)b.data[len] & 0xC0) == 0x80)
			len--;
		while (len && b.data[len - 1] == ' ')
			len--;
	}
	buf_append(out, b.data ? b.data : "", len);
	if (more && len)
		buf_puts(out, "…");
	buf_free(&b);
	return 0;
}
