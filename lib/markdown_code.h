/* markdown_code.h — highlighted code blocks in rendered markdown. */
#ifndef CONFAB_MARKDOWN_CODE_H
#define CONFAB_MARKDOWN_CODE_H

#include "buf.h"

/* Append html (cmark's output) to out with each fenced block of a known
 * language highlighted (highlight.h); everything else as it was. */
void markdown_highlight(const char *html, struct buf *out);

#endif
