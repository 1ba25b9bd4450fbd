/* markdown_math.h — TeX math in a reply's markdown, as MathML (tex_mathml.h).
 *
 * Math is found before cmark-gfm parses the text, which would otherwise
 * read a_1 * b_2 as emphasis and \\ as an escape: each formula becomes a
 * placeholder that cmark passes through as text (private-use characters
 * around its number), and after rendering each placeholder becomes the
 * formula's MathML, or, when tex_mathml() does not convert it,
 * <code class="math-tex">its TeX</code>.
 *
 * What is math, as pandoc's tex_math_dollars and the chat interfaces have
 * it:
 *  - $$…$$ and \[…\] display, \(…\) inline: within one paragraph (they may
 *    span its lines), with something other than white space inside;
 *  - $…$ inline, on one line: the opening $ has a non-space right after it,
 *    the closing $ a non-space right before it and no digit after it; so
 *    "costs $5, or $10" and "$5 and $6" stay prose;
 *  - \$ is a literal dollar (markdown's escape), inside math too;
 *  - never inside fenced or indented code blocks or code spans.
 * Input that already holds a placeholder character (U+E000, U+E001), raw
 * or as a character reference such as &#xE000;, gets no math at all. Each
 * search for a closing delimiter that fails is remembered for the rest of
 * its paragraph (or line), so the scan is linear: unclosed dollars are
 * never rescanned. */
#ifndef CONFAB_MARKDOWN_MATH_H
#define CONFAB_MARKDOWN_MATH_H

#include <stddef.h>
#include "buf.h"

struct markdown_math_span {
	size_t tex, tex_len;   /* its TeX, in tex below */
	size_t src, src_len;   /* the whole span with delimiters, in the input */
	int display;
};

struct markdown_math {
	const char *src;                   /* the input */
	struct markdown_math_span *spans;
	size_t n, cap;
	struct buf tex;                    /* the spans' TeX, one after another */
};

#define MARKDOWN_MATH_INIT { NULL, NULL, 0, 0, BUF_INIT }

/* Find the math in text (n bytes): the number of formulas found, and md
 * the text with each replaced by its placeholder; 0 (md untouched) when
 * there is none. text must outlive m. */
size_t markdown_math_find(const char *text, size_t n, struct buf *md, struct markdown_math *m);

/* Append html (rendered from md) to out with each placeholder replaced:
 * in text by the formula's MathML (or its TeX as code), inside a tag (a
 * link's title) by its source, escaped. */
void markdown_math_put(const char *html, const struct markdown_math *m, struct buf *out);

void markdown_math_free(struct markdown_math *m);

#endif
