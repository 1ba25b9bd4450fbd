/* markdown_math.c — see markdown_math.h.
 *
 * The scan goes line by line as cmark would split blocks, roughly: fenced
 * code (``` or ~~~, also inside block quotes and list items) and indented
 * code are skipped whole, and runs of other lines (paragraphs; headings and
 * tables among them) are searched for code spans and math from left to
 * right, the first opener winning. Where the block structure is guessed
 * wrong, the guess errs towards code: a line that might open a fence does,
 * so math is left as text rather than put into a code block.
 *
 * The placeholders are U+E000, the formula's number in ASCII digits, and
 * U+E001: private-use characters are letters to cmark, digits are inert,
 * and both come out as they went in. One may still come out inside a tag
 * (a link's title or URL holding math): there it gets the source as text. */
#include "markdown_math.h"
#include "tex_mathml.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PH_OPEN "\xEE\x80\x80"    /* U+E000 */
#define PH_CLOSE "\xEE\x80\x81"   /* U+E001 */
#define PH_LEN 3
#define RUN_MEMO 1024             /* backtick run lengths remembered */

struct scan {
	const char *s;
	size_t n;
	struct buf *md;
	struct markdown_math *m;
	size_t copied;       /* s before this is in md */
	uint32_t para;       /* this paragraph's number, from 1 */
	/* Where each search failed, so none is made twice: */
	uint32_t run_fail[RUN_MEMO];   /* a backtick run of that length has no closer in para */
	size_t dollar_fail;            /* no closing $ from here to the line's end */
	int display_fail, paren_fail, bracket_fail;   /* no $$, \) or \] in the paragraph */
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The end of the line at i (its '\n', or end). */
static size_t line_end(const char *s, size_t i, size_t end)
{
	const char *nl = memchr(s + i, '\n', end - i);
	return nl ? (size_t)(nl - s) : end;
}

/* A list marker at q ("-", "*", "+", or 1-9 digits and "." or ")"), then a
 * space or the line's end: where it ends, else 0. */
static size_t list_marker(const char *s, size_t q, size_t end)
{
	size_t j = q;

	if (j < end && (s[j] == '-' || s[j] == '*' || s[j] == '+')) {
		j++;
	} else {
		while (j < end && j - q < 9 && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j == q || j >= end || (s[j] != '.' && s[j] != ')'))
			return 0;
		j++;
	}
	return j >= end || is_blank(s[j]) ? j : 0;
}

/* Past the block-quote markers and list markers opening a line (and the
 * spaces between); the number of '>' in *quotes. */
static size_t past_containers(const char *s, size_t q, size_t end, size_t *quotes)
{
	size_t j;

	*quotes = 0;
	for (;;) {
		while (q < end && is_blank(s[q]))
			q++;
		if (q < end && s[q] == '>') {
			q++;
			++*quotes;
		} else if ((j = list_marker(s, q, end)) != 0) {
			q = j;
		} else {
			return q;
		}
	}
}

/* 1 if the line's text at r follows a '>' by four columns or more (one
 * space belongs to the marker): indented code in a block quote. */
static int quoted_code(const char *s, size_t q, size_t r)
{
	size_t j = r, cols = 0;

	while (j > q && is_blank(s[j - 1]))
		j--;
	if (j == q || s[j - 1] != '>')
		return 0;
	for (; j < r; j++)
		cols += s[j] == '\t' ? 4 - cols % 4 : 1;
	return cols >= 5;
}

/* The length of the run of c at s[i]. */
static size_t run(const char *s, size_t i, size_t end, char c)
{
	size_t j = i;
	while (j < end && s[j] == c)
		j++;
	return j - i;
}

/* 1 if s[q, end) opens a fence: three or more ` or ~ (a ` fence's info
 * holds no `); its character and length in *c, *len. */
static int fence_opens(const char *s, size_t q, size_t end, char *c, size_t *len)
{
	if (q >= end || (s[q] != '`' && s[q] != '~'))
		return 0;
	*c = s[q];
	*len = run(s, q, end, *c);
	return *len >= 3 && (*c == '~' || !memchr(s + q + *len, '`', end - q - *len));
}

/* 1 if s[q, end) closes a fence of c, len: as many c or more, then blanks. */
static int fence_closes(const char *s, size_t q, size_t end, char c, size_t len)
{
	size_t k = run(s, q, end, c);

	if (k < len)
		return 0;
	for (q += k; q < end; q++)
		if (!is_blank(s[q]))
			return 0;
	return 1;
}

/* Record the span s[a, b) whose TeX is s[ta, tb), and put its placeholder
 * in md. Lines after the first lose their indentation and as many '>' as
 * the span's first line had (a formula in a block quote). 0 (nothing
 * recorded) when the TeX is only white space. */
static int add_span(struct scan *sc, size_t a, size_t b, size_t ta, size_t tb, int display,
		    size_t quotes)
{
	struct markdown_math *m = sc->m;
	struct markdown_math_span *sp;
	size_t i;

	for (i = ta; i < tb && (is_blank(sc->s[i]) || sc->s[i] == '\n'); i++)
		;
	if (i == tb)
		return 0;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->spans = xrealloc(m->spans, m->cap * sizeof *m->spans);
	}
	sp = &m->spans[m->n];
	sp->tex = m->tex.len;
	sp->src = a;
	sp->src_len = b - a;
	sp->display = display;
	for (i = ta; i < tb;) {
		size_t e = line_end(sc->s, i, tb), q;
		buf_append(&m->tex, sc->s + i, e - i);
		if (e == tb)
			break;
		buf_putc(&m->tex, '\n');
		i = e + 1;
		while (i < tb && is_blank(sc->s[i]))
			i++;
		for (q = 0; q < quotes && i < tb && sc->s[i] == '>'; q++) {
			i++;
			if (i < tb && sc->s[i] == ' ')
				i++;
		}
	}
	sp->tex_len = m->tex.len - sp->tex;
	buf_append(sc->md, sc->s + sc->copied, a - sc->copied);
	buf_puts(sc->md, PH_OPEN);
	buf_put_int(sc->md, (long long)m->n);
	buf_puts(sc->md, PH_CLOSE);
	sc->copied = b;
	m->n++;
	return 1;
}

/* Where the closer two-character closer c0 c1 ($$, \) or \]) starts at or
 * after i in the paragraph, a backslash taking the next character with it;
 * end when there is none. */
static size_t find_closer(const char *s, size_t i, size_t end, char c0, char c1)
{
	while (i + 1 < end) {
		if (s[i] == c0 && s[i + 1] == c1)
			return i;
		i += s[i] == '\\' ? 2 : 1;
	}
	return end;
}

/* The closing $ of inline math opened at i, on its line: a non-space
 * before it, no digit after it; end when there is none. */
static size_t find_dollar(const char *s, size_t i, size_t end)
{
	for (size_t j = i + 1; j < end && s[j] != '\n'; j++) {
		if (s[j] == '\\' && j + 1 < end && s[j + 1] != '\n')
			j++;   /* an escape, not past the line's end */
		else if (s[j] == '$' && !is_blank(s[j - 1]) &&
			 !(j + 1 < end && s[j + 1] >= '0' && s[j + 1] <= '9'))
			return j;
	}
	return end;
}

/* The end of the code span opened by the backtick run at i (length k), or
 * 0 when no run of exactly k closes it in the paragraph. */
static size_t code_span_end(struct scan *sc, size_t i, size_t k, size_t end)
{
	size_t j = i + k;

	if (k < RUN_MEMO && sc->run_fail[k] == sc->para)
		return 0;
	while (j < end) {
		const char *bt = memchr(sc->s + j, '`', end - j);
		size_t r;
		if (!bt)
			break;
		j = (size_t)(bt - sc->s);
		r = run(sc->s, j, end, '`');
		if (r == k)
			return j + k;
		j += r;
	}
	if (k < RUN_MEMO)
		sc->run_fail[k] = sc->para;
	return 0;
}

/* The math in the paragraph s[start, end). */
static void scan_paragraph(struct scan *sc, size_t start, size_t end)
{
	const char *s = sc->s;
	size_t i = start, quotes = 0, k, c;

	sc->para++;
	sc->dollar_fail = 0;
	sc->display_fail = sc->paren_fail = sc->bracket_fail = 0;
	past_containers(s, start, end, &quotes);
	while (i < end) {
		char ch = s[i];
		if (ch == '\n') {
			past_containers(s, i + 1, end, &quotes);
			i++;
		} else if (ch == '`') {
			k = run(s, i, end, '`');
			c = code_span_end(sc, i, k, end);
			i = c ? c : i + k;
		} else if (ch == '\\' && i + 1 < end && (s[i + 1] == '(' || s[i + 1] == '[')) {
			int disp = s[i + 1] == '[';
			int *fail = disp ? &sc->bracket_fail : &sc->paren_fail;
			c = *fail ? end : find_closer(s, i + 2, end, '\\', disp ? ']' : ')');
			if (c == end) {
				*fail = 1;
				i += 2;
			} else {
				add_span(sc, i, c + 2, i + 2, c, disp, quotes);
				i = c + 2;
			}
		} else if (ch == '\\') {
			i += i + 1 < end && s[i + 1] != '\n' ? 2 : 1;   /* an escape, as \$ */
		} else if (ch == '$' && i + 1 < end && s[i + 1] == '$') {
			c = sc->display_fail ? end : find_closer(s, i + 2, end, '$', '$');
			if (c == end) {
				sc->display_fail = 1;
				i += 2;
			} else {
				add_span(sc, i, c + 2, i + 2, c, 1, quotes);
				i = c + 2;
			}
		} else if (ch == '$' && i + 1 < end && !is_blank(s[i + 1]) && s[i + 1] != '\n' &&
			   i >= sc->dollar_fail) {
			c = find_dollar(s, i, end);
			if (c == end) {
				sc->dollar_fail = line_end(s, i, end);
				i++;
			} else {
				add_span(sc, i, c + 1, i + 1, c, 0, quotes);
				i = c + 1;
			}
		} else {
			i++;
		}
	}
}

/* 1 if text holds a placeholder character, raw or as a numeric character
 * reference (which cmark decodes): such input could forge a placeholder. */
static int holds_placeholder(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	if (memmem(s, n, PH_OPEN, PH_LEN) || memmem(s, n, PH_CLOSE, PH_LEN))
		return 1;
	while ((p = memchr(p, '&', (size_t)(end - p))) != NULL) {
		unsigned long cp = 0;
		int hex;
		if (++p + 1 >= end || *p != '#')
			continue;
		p++;
		hex = *p == 'x' || *p == 'X';
		for (p += hex; p < end && cp < 0x110000; p++) {
			if (*p >= '0' && *p <= '9')
				cp = cp * (hex ? 16 : 10) + (unsigned long)(*p - '0');
			else if (hex && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f'))
				cp = cp * 16 + (unsigned long)((*p | 0x20) - 'a' + 10);
			else
				break;
		}
		if (p < end && *p == ';' && (cp == 0xE000 || cp == 0xE001))
			return 1;
	}
	return 0;
}

size_t markdown_math_find(const char *text, size_t n, struct buf *md, struct markdown_math *m)
{
	struct scan *sc;
	size_t i = 0, para = SIZE_MAX, list_indent = 0, fence_len = 0, found;
	char fence = 0;
	int prev_para = 0;

	m->src = text;
	if (!text || !n || (!memchr(text, '$', n) && !memchr(text, '\\', n)))
		return 0;
	if (holds_placeholder(text, n))
		return 0;
	sc = xcalloc(1, sizeof *sc);
	sc->s = text;
	sc->n = n;
	sc->md = md;
	sc->m = m;
	while (i < n) {
		size_t e = line_end(text, i, n), q = i, cols = 0, quotes, r, mk;
		char fc;
		size_t flen;

		for (; q < e && (text[q] == ' ' || text[q] == '\t'); q++)
			cols += text[q] == '\t' ? 4 - cols % 4 : 1;
		r = past_containers(text, q, e, &quotes);
		if (fence) {
			if (fence_closes(text, r, e, fence, fence_len))
				fence = 0;
		} else if (r == e || (text[r] == '\r' && r + 1 == e)) {   /* blank, or only markers */
			prev_para = 0;
		} else if (fence_opens(text, r, e, &fc, &flen)) {
			fence = fc;
			fence_len = flen;
			prev_para = 0;
		} else if (!prev_para && (cols >= list_indent + 4 || quoted_code(text, q, r))) {
			;   /* indented code */
		} else {
			if ((mk = list_marker(text, q, e)) != 0)
				list_indent = cols + (mk - q) + 1;
			else if (!prev_para && cols < list_indent)
				list_indent = 0;
			if (para == SIZE_MAX)
				para = i;
			prev_para = 1;
			i = e + 1;
			continue;
		}
		if (para != SIZE_MAX) {
			scan_paragraph(sc, para, i);
			para = SIZE_MAX;
		}
		i = e + 1;
	}
	if (para != SIZE_MAX)
		scan_paragraph(sc, para, n);
	if (m->n)
		buf_append(md, text + sc->copied, n - sc->copied);
	found = m->n;
	free(sc);
	return found;
}

/* The span numbered by the placeholder at p (its U+E000): its index, with
 * *len the placeholder's length; -1 if p holds no valid placeholder. */
static long placeholder(const char *p, const struct markdown_math *m, size_t *len)
{
	size_t j = PH_LEN, idx = 0;

	if (strncmp(p, PH_OPEN, PH_LEN) != 0)
		return -1;
	while (p[j] >= '0' && p[j] <= '9' && j < PH_LEN + 12)
		idx = idx * 10 + (size_t)(p[j++] - '0');
	if (j == PH_LEN || strncmp(p + j, PH_CLOSE, PH_LEN) != 0 || idx >= m->n)
		return -1;
	*len = j + PH_LEN;
	return (long)idx;
}

void markdown_math_put(const char *html, const struct markdown_math *m, struct buf *out)
{
	const char *p = html, *from = html;
	int in_tag = 0;

	for (; *p; p++) {
		const struct markdown_math_span *sp;
		const char *tex;
		size_t len;
		long idx;

		if (*p == '<' || *p == '>') {
			in_tag = *p == '<';
			continue;
		}
		if (*p != PH_OPEN[0] || (idx = placeholder(p, m, &len)) < 0)
			continue;
		buf_append(out, from, (size_t)(p - from));
		sp = &m->spans[idx];
		tex = buf_str(&m->tex) + sp->tex;
		if (in_tag) {
			tex_mathml_escape(out, m->src + sp->src, sp->src_len);
		} else if (tex_mathml(tex, sp->tex_len, sp->display, out) < 0) {
			buf_puts(out, "<code class=\"math-tex\">");
			tex_mathml_escape(out, tex, sp->tex_len);
			buf_puts(out, "</code>");
		}
		p += len - 1;
		from = p + 1;
	}
	buf_append(out, from, (size_t)(p - from));
}

void markdown_math_free(struct markdown_math *m)
{
	free(m->spans);
	buf_free(&m->tex);
	m->spans = NULL;
	m->n = m->cap = 0;
}
