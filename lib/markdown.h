/* markdown.h — assistant replies as HTML, safely: GitHub-flavoured markdown
 * (tables, ~~strikethrough~~, autolinks, task lists, fenced code with a
 * class="language-NAME") through cmark-gfm in safe mode, and TeX math
 * ($…$, $$…$$, \(…\), \[…\]) as MathML (markdown_math.h).
 *
 * What the HTML can contain: only the tags cmark-gfm itself writes (p, h1-h6,
 * em, strong, del, code, pre, blockquote, ul, ol, li, hr, br, a, table and
 * its parts, and disabled task-list checkboxes), the highlighter's <span
 * class="hl-X"> in code blocks, and the MathML of tex_mathml.h (math,
 * semantics, annotation, mrow, mi, mn, mo, mtext, mspace, msup, msub,
 * msubsup, mfrac, msqrt, mroot, munder, mover, munderover, mtable, mtr, mtd,
 * mstyle, mphantom, menclose) or <code class="math-tex"> for TeX it does not
 * convert. In particular:
 *  - raw HTML in the text is shown as text (escaped), except that <br> in
 *    any of its spellings becomes a line break (models put it in tables);
 *  - javascript:, vbscript:, file: and data: URLs (but data:image/png, gif,
 *    jpeg, webp) are emptied to href="", whatever their case or encoding;
 *  - images become links to the image (no <img>: a reply cannot make the
 *    reader's browser fetch anything);
 *  - every link carries rel="nofollow noopener".
 *
 * Thread-safe: each thread keeps its own cached parser. */
#ifndef CONFAB_MARKDOWN_H
#define CONFAB_MARKDOWN_H

#include <stddef.h>
#include "buf.h"

/* Longer input is refused (-1). cmark-gfm 0.29.0.gfm.6 has inputs whose
 * parse time grows with the square of their length (128 KiB of "![[]()"
 * takes seconds, 64 KiB under one); this bounds them. */
#define MARKDOWN_MAX_INPUT ((size_t)128 * 1024)

/* Render markdown text (n bytes, UTF-8) to safe HTML appended to out. Bytes
 * that are not UTF-8 (and NUL) come out as U+FFFD, so the HTML is valid
 * UTF-8. 0 on success, -1 on failure (out unchanged): text NULL with n > 0,
 * or n > MARKDOWN_MAX_INPUT; the caller then shows the text escaped. */
int markdown_render(const char *text, size_t n, struct buf *out);

/* Free the calling thread's cached parser (optional; for a clean exit under
 * a leak checker). markdown_render makes a new one when next called. */
void markdown_cleanup(void);

#endif
