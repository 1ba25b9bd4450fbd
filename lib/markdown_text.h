/* markdown_text.h — a reply's markdown as a short run of plain text.
 *
 * For places that quote a reply rather than show it (the rating page's
 * excerpt): the words a reader sees, without the #, *, ` and | that only
 * mean something once rendered. */
#ifndef CONFAB_MARKDOWN_TEXT_H
#define CONFAB_MARKDOWN_TEXT_H

#include <stddef.h>
#include "buf.h"

/* Append to out at most limit bytes (cut at a character boundary, then "…"
 * when there was more) of the text of the markdown in text[0..n): literals
 * of text, code and raw HTML, each run of white space one space, blocks
 * apart by a space. Only the first MARKDOWN_TEXT_SCAN bytes are parsed, so
 * the cost is bounded whatever n is. 0, or -1 when cmark fails (out then
 * holds nothing new). */
#define MARKDOWN_TEXT_SCAN ((size_t)4096)
int markdown_text(const char *text, size_t n, size_t limit, struct buf *out);

#endif
