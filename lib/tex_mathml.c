/* tex_mathml.c — see tex_mathml.h.
 *
 * One pass of recursive descent that writes MathML as it reads: an
 * expression is atoms until its end (a closing brace, ], \right, & or \\
 * in a table, or the input's end); an atom is a base and its scripts. A
 * script's wrapper (<msup> ...) goes in front of a base already written
 * by moving the base, and a group that turns out to hold one element loses
 * its <mrow> the same way; every other element is written in order. Any
 * error returns -1 up the whole way, and tex_mathml() cuts out back to
 * where it was.
 *
 * Style: p->disp says whether the current style is display (limits go
 * under and over the big operators); fractions and scripts set it off,
 * \displaystyle, \dfrac and the display environments on. The browser
 * follows the same rules for sizes on its own (MathML Core's math-style). */
#include "tex_mathml.h"
#include "tex_symbols.h"
#include "util.h"

#include <string.h>


/* How an environment lays out its cells. */
enum align { AL_CENTER, AL_RL, AL_LEFT, AL_ARRAY };

struct env {
	const char *name;
	const char *open, *close;   /* delimiters around the table, or "" */
	unsigned char align;
	unsigned char display;      /* cells in display style */
};

static const struct env envs[] = {
	{ "Bmatrix", "{", "}", AL_CENTER, 0 },
	{ "Vmatrix", "‖", "‖", AL_CENTER, 0 },
	{ "align", "", "", AL_RL, 1 },
	{ "align*", "", "", AL_RL, 1 },
	{ "aligned", "", "", AL_RL, 1 },
	{ "array", "", "", AL_ARRAY, 0 },
	{ "bmatrix", "[", "]", AL_CENTER, 0 },
	{ "cases", "{", "", AL_LEFT, 0 },
	{ "dcases", "{", "", AL_LEFT, 1 },
	{ "equation", "", "", AL_CENTER, 1 },
	{ "equation*", "", "", AL_CENTER, 1 },
	{ "gather", "", "", AL_CENTER, 1 },
	{ "gather*", "", "", AL_CENTER, 1 },
	{ "gathered", "", "", AL_CENTER, 1 },
	{ "matrix", "", "", AL_CENTER, 0 },
	{ "pmatrix", "(", ")", AL_CENTER, 0 },
	{ "rcases", "", "}", AL_LEFT, 0 },
	{ "split", "", "", AL_RL, 1 },
	{ "vmatrix", "|", "|", AL_CENTER, 0 },
};

/* The rows of a `\\` outside any environment. */
static const struct env top_gathered = { "", "", "", AL_CENTER, 1 };
static const struct env top_aligned = { "", "", "", AL_RL, 1 };

#define MAX_COLUMNS 64   /* an array's column specification */

/* Where an expression ends. */
enum end {
	END_TOP,     /* the input's end */
	END_GROUP,   /* '}', consumed */
	END_OPT,     /* ']', consumed (\sqrt's index) */
	END_RIGHT,   /* \right, not consumed */
	END_CELL,    /* &, \\ or \end, not consumed */
	END_ROW,     /* &, \\ or the input's end (rows outside an environment) */
};

enum limits { LIM_NONE, LIM_DISPLAY, LIM_ALWAYS };

struct p {
	const char *s;
	size_t n, i;
	struct buf *out;
	int depth;
	int disp;       /* display style */
	int font;       /* F_*: letters and digits */
	int lefts;      /* \left ... \right open around here (for \middle) */
	int rows;       /* a \\ or & was met outside an environment */
	int unary;      /* the next + - ± ∓ follows an operator: a sign */
};

/* What a base told its scripts. */
struct base {
	int lim;        /* LIM_*: where limits go */
	int fn;         /* an operator name: function application follows */
};

/* ---- output ---- */

static void put(struct p *p, const char *s)
{
	buf_puts(p->out, s);
}

static void put_cp(struct buf *out, unsigned cp)
{
	char u[4];
	size_t k;

	if (cp < 0x80) {
		u[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		k = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		k = 4;
	}
	buf_append(out, u, k);
}

/* The code point at s[0, n) (n > 0), its length in *len: U+FFFD for a
 * byte that does not start valid UTF-8 (length 1) and for what HTML text
 * must not hold (controls but tab, newline and carriage return;
 * noncharacters). */
static unsigned decode(const char *s, size_t n, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c = u[0], cp, min, need;

	*len = 1;
	if (c < 0x80)
		return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F ? 0xFFFD : c;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1, min = 0x80, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2, min = 0x800, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3, min = 0x10000, cp = c & 0x07;
	else
		return 0xFFFD;
	if (n <= need)
		return 0xFFFD;
	for (unsigned k = 1; k <= need; k++) {
		if ((u[k] & 0xC0) != 0x80)
			return 0xFFFD;
		cp = cp << 6 | (u[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0xFFFD;
	*len = need + 1;
	if (cp <= 0x9F || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
		return 0xFFFD;
	return cp;
}

void tex_mathml_escape(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, from = 0;

	if (!n)
		return;   /* s may be NULL then */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		const char *e = NULL;
		size_t len = 1;
		unsigned cp;

		if (c >= 0x20 && c < 0x7F) {
			switch (c) {
			case '&': e = "&amp;"; break;
			case '<': e = "&lt;"; break;
			case '>': e = "&gt;"; break;
			case '"': e = "&quot;"; break;
			default: i++; continue;
			}
		} else {
			cp = decode(s + i, n - i, &len);
			if (cp != 0xFFFD || (len == 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0)) {
				i += len;
				continue;
			}
		}
		buf_append(out, s + from, i - from);
		if (e)
			buf_puts(out, e);
		else
			put_cp(out, 0xFFFD);
		i += len;
		from = i;
	}
	buf_append(out, s + from, n - from);
}

/* <tag attrs>text</tag>, the text escaped. */
static void token(struct p *p, const char *tag, const char *attrs, const char *text, size_t n)
{
	buf_putc(p->out, '<');
	put(p, tag);
	if (attrs) {
		buf_putc(p->out, ' ');
		put(p, attrs);
	}
	buf_putc(p->out, '>');
	tex_mathml_escape(p->out, text, n);
	put(p, "</");
	put(p, tag);
	buf_putc(p->out, '>');
}

static void mo(struct p *p, const char *attrs, const char *text)
{
	token(p, "mo", attrs, text, strlen(text));
}

/* Put s in front of what out holds from at. */
static void insert(struct buf *out, size_t at, const char *s)
{
	size_t k = strlen(s);
	buf_reserve(out, k);
	memmove(out->data + at + k, out->data + at, out->len - at + 1);
	memcpy(out->data + at, s, k);
	out->len += k;
}

/* ---- fonts: the Unicode mathematical alphanumerics ---- */

static const struct { unsigned upper, lower, digit, gupper, glower; } alphabets[] = {
	[F_BF] = { 0x1D400, 0x1D41A, 0x1D7CE, 0x1D6A8, 0x1D6C2 },
	[F_IT] = { 0x1D434, 0x1D44E, 0, 0x1D6E2, 0x1D6FC },
	[F_BI] = { 0x1D468, 0x1D482, 0x1D7CE, 0x1D71C, 0x1D736 },
	[F_BB] = { 0x1D538, 0x1D552, 0x1D7D8, 0, 0 },
	[F_CAL] = { 0x1D49C, 0x1D4B6, 0, 0, 0 },
	[F_FRAK] = { 0x1D504, 0x1D51E, 0, 0, 0 },
	[F_SF] = { 0x1D5A0, 0x1D5BA, 0x1D7E2, 0, 0 },
	[F_TT] = { 0x1D670, 0x1D68A, 0x1D7F6, 0, 0 },
};

/* Letters that Unicode had before the block, so the block has holes. */
static const struct { unsigned char font; char c; unsigned cp; } holes[] = {
	{ F_IT, 'h', 0x210E },
	{ F_CAL, 'B', 0x212C }, { F_CAL, 'E', 0x2130 }, { F_CAL, 'F', 0x2131 },
	{ F_CAL, 'H', 0x210B }, { F_CAL, 'I', 0x2110 }, { F_CAL, 'L', 0x2112 },
	{ F_CAL, 'M', 0x2133 }, { F_CAL, 'R', 0x211B }, { F_CAL, 'e', 0x212F },
	{ F_CAL, 'g', 0x210A }, { F_CAL, 'o', 0x2134 },
	{ F_FRAK, 'C', 0x212D }, { F_FRAK, 'H', 0x210C }, { F_FRAK, 'I', 0x2111 },
	{ F_FRAK, 'R', 0x211C }, { F_FRAK, 'Z', 0x2128 },
	{ F_BB, 'C', 0x2102 }, { F_BB, 'H', 0x210D }, { F_BB, 'N', 0x2115 },
	{ F_BB, 'P', 0x2119 }, { F_BB, 'Q', 0x211A }, { F_BB, 'R', 0x211D },
	{ F_BB, 'Z', 0x2124 },
};

/* cp in font (an ASCII letter or digit, or a Greek letter), or 0 when the
 * font has no such character. */
static unsigned styled(int font, unsigned cp)
{
	unsigned base = 0, off = 0;

	if (font <= F_RM)
		return 0;
	if (cp >= 'A' && cp <= 'Z')
		base = alphabets[font].upper, off = cp - 'A';
	else if (cp >= 'a' && cp <= 'z')
		base = alphabets[font].lower, off = cp - 'a';
	else if (cp >= '0' && cp <= '9')
		base = alphabets[font].digit, off = cp - '0';
	else if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
		base = alphabets[font].gupper, off = cp - 0x391;
	else if (cp >= 0x3B1 && cp <= 0x3C9)
		base = alphabets[font].glower, off = cp - 0x3B1;
	if (!base)
		return 0;
	for (size_t k = 0; k < COUNTOF(holes); k++)
		if (holes[k].font == font && (unsigned char)holes[k].c == cp)
			return holes[k].cp;
	return base + off;
}

/* An identifier of one or more characters: in the current font when it
 * has them, upright for \mathrm (or when upright), else as the browser
 * shows <mi> (a single letter italic). */
static void ident(struct p *p, const char *text, size_t n, int upright)
{
	size_t len;
	unsigned cp = decode(text, n, &len), st;

	if (len == n && (st = styled(p->font, cp)) != 0) {
		put(p, "<mi>");
		put_cp(p->out, st);
		put(p, "</mi>");
		return;
	}
	token(p, "mi", (upright || p->font == F_RM) && len == n ? "mathvariant=\"normal\"" : NULL,
	      text, n);
}

/* A number's digits (and its points) in the current font. */
static void number(struct p *p, const char *s, size_t n)
{
	put(p, "<mn>");
	for (size_t k = 0; k < n; k++) {
		unsigned st = styled(p->font, (unsigned char)s[k]);
		if (st)
			put_cp(p->out, st);
		else
			buf_putc(p->out, s[k]);
	}
	put(p, "</mn>");
}

/* ---- reading ---- */

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skip white space and % comments. */
static void skip_ws(struct p *p)
{
	while (p->i < p->n) {
		char c = p->s[p->i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
			p->i++;
		else if (c == '%')
			while (p->i < p->n && p->s[p->i] != '\n')
				p->i++;
		else
			break;
	}
}

/* The length of the command name at s[i] (a backslash): its letters, or
 * its one other character; 0 at the input's end. */
static size_t cmd_len(const struct p *p, size_t i)
{
	size_t j = i + 1;

	if (j >= p->n)
		return 0;
	if (!is_alpha(p->s[j]))
		return 1;
	while (j < p->n && is_alpha(p->s[j]))
		j++;
	return j - i - 1;
}

/* 1 if the command \name is next. */
static int at_cmd(const struct p *p, const char *name)
{
	size_t k = strlen(name);
	return p->i < p->n && p->s[p->i] == '\\' && cmd_len(p, p->i) == k &&
	       memcmp(p->s + p->i + 1, name, k) == 0;
}

/* The command at p->i (a backslash), moving past it; NULL (an error) when
 * it is not in the table. */
static const struct tex_sym *read_sym(struct p *p)
{
	size_t k = cmd_len(p, p->i);
	const struct tex_sym *sym;

	if (!k)
		return NULL;
	sym = tex_sym_lookup(p->s + p->i + 1, k);
	p->i += k + 1;
	return sym;
}

/* A braced word (an environment's name, a colour): its text in *w, *len;
 * no braces inside. -1 if there is none. */
static int read_word(struct p *p, const char **w, size_t *len)
{
	size_t j;

	skip_ws(p);
	if (p->i >= p->n || p->s[p->i] != '{')
		return -1;
	for (j = p->i + 1; j < p->n && p->s[j] != '}'; j++)
		if (p->s[j] == '{' || p->s[j] == '\\')
			return -1;
	if (j >= p->n)
		return -1;
	*w = p->s + p->i + 1;
	*len = j - p->i - 1;
	p->i = j + 1;
	return 0;
}

/* Skip an optional [..] (a colour model, a row's spacing); no brackets or
 * braces inside. -1 if it is not closed. */
static int skip_opt(struct p *p)
{
	size_t j;

	skip_ws(p);
	if (p->i >= p->n || p->s[p->i] != '[')
		return 0;
	for (j = p->i + 1; j < p->n && p->s[j] != ']'; j++)
		if (p->s[j] == '[' || p->s[j] == '{' || p->s[j] == '}')
			return -1;
	if (j >= p->n)
		return -1;
	p->i = j + 1;
	return 0;
}

/* The delimiter after \left, \right, \middle or \big: its text in *d
 * ("" for '.'). -1 when what follows is not one. */
static int read_delim(struct p *p, const char **d)
{
	static const char *const chars[] = { "(", ")", "[", "]", "|", "/" };
	const struct tex_sym *sym;
	char c;

	skip_ws(p);
	if (p->i >= p->n)
		return -1;
	c = p->s[p->i];
	if (c == '\\') {
		sym = read_sym(p);
		if (!sym || sym->kind != S_FENCE)
			return -1;
		*d = sym->text;
		return 0;
	}
	p->i++;
	if (c == '.') {
		*d = "";
		return 0;
	}
	if (c == '<' || c == '>') {
		*d = c == '<' ? "⟨" : "⟩";
		return 0;
	}
	for (size_t k = 0; k < COUNTOF(chars); k++)
		if (chars[k][0] == c) {
			*d = chars[k];
			return 0;
		}
	return -1;
}

/* ---- parsing ---- */

static int parse_expr(struct p *p, enum end end);
static int parse_base(struct p *p, int single, struct base *b);

/* A group's contents or a single token (an argument without braces): the
 * number of elements written, or -1. */
static int parse_body(struct p *p)
{
	struct base b;
	int k;

	skip_ws(p);
	if (p->i >= p->n)
		return -1;
	if (p->s[p->i] == '{') {
		p->i++;
		return parse_expr(p, END_GROUP);
	}
	if (++p->depth > TEX_MATHML_MAX_DEPTH)
		return -1;
	k = parse_base(p, 1, &b);
	p->depth--;
	return k;
}

/* Make what out holds from start one element: an <mrow> around it unless
 * it is one (k elements) already. */
static void one_element(struct buf *out, size_t start, int k)
{
	if (k != 1) {
		insert(out, start, "<mrow>");
		buf_puts(out, "</mrow>");
	}
}

/* One argument, a group or a single token, written as one element. */
static int parse_arg(struct p *p)
{
	size_t start = p->out->len;
	int k = parse_body(p);

	if (k < 0)
		return -1;
	one_element(p->out, start, k);
	return 1;
}

/* An argument parsed in text style (a script, a fraction's part). */
static int parse_arg_text(struct p *p)
{
	int disp = p->disp, k;

	p->disp = 0;
	k = parse_arg(p);
	p->disp = disp;
	return k;
}

/* An argument into b instead of the output. */
static int parse_arg_into(struct p *p, struct buf *b, int text)
{
	struct buf *o = p->out;
	int k;

	p->out = b;
	k = text ? parse_arg_text(p) : parse_arg(p);
	p->out = o;
	return k;
}

/* \frac and its kin. */
static int parse_frac(struct p *p, int cmd)
{
	int binom = cmd == C_BINOM || cmd == C_DBINOM || cmd == C_TBINOM;
	int style = cmd == C_DFRAC || cmd == C_DBINOM ? 1 : cmd == C_TFRAC || cmd == C_TBINOM ? 0 : -1;

	if (style >= 0)
		put(p, style ? "<mstyle displaystyle=\"true\">" : "<mstyle displaystyle=\"false\">");
	if (binom)
		put(p, "<mrow><mo stretchy=\"true\">(</mo><mfrac linethickness=\"0\">");
	else
		put(p, "<mfrac>");
	if (parse_arg_text(p) < 0 || parse_arg_text(p) < 0)
		return -1;
	put(p, binom ? "</mfrac><mo stretchy=\"true\">)</mo></mrow>" : "</mfrac>");
	if (style >= 0)
		put(p, "</mstyle>");
	return 1;
}

/* An optional argument [...] into b as one element, in text style: 1, or
 * 0 when there is none, or -1. */
static int parse_opt(struct p *p, struct buf *b)
{
	struct buf *o = p->out;
	int k, disp = p->disp;

	skip_ws(p);
	if (p->i >= p->n || p->s[p->i] != '[')
		return 0;
	p->i++;
	p->out = b;
	p->disp = 0;
	k = parse_expr(p, END_OPT);
	if (k >= 0)
		one_element(b, 0, k);
	p->out = o;
	p->disp = disp;
	return k < 0 ? -1 : 1;
}

/* \sqrt{x} and \sqrt[n]{x}. */
static int parse_sqrt(struct p *p)
{
	struct buf index = BUF_INIT;
	int k = parse_opt(p, &index);

	if (k > 0) {
		put(p, "<mroot>");
		k = parse_arg(p);
		buf_append(p->out, index.data, index.len);
		put(p, "</mroot>");
	} else if (k == 0) {
		put(p, "<msqrt>");
		k = parse_body(p);
		put(p, "</msqrt>");
	}
	buf_free(&index);
	return k < 0 ? -1 : 1;
}

/* \left D ... \right D. */
static int parse_left(struct p *p)
{
	const char *d;
	int k;

	if (read_delim(p, &d) < 0)
		return -1;
	put(p, "<mrow>");
	if (*d)
		mo(p, "stretchy=\"true\"", d);
	p->lefts++;
	k = parse_expr(p, END_RIGHT);
	p->lefts--;
	if (k < 0 || !at_cmd(p, "right"))
		return -1;
	p->i += 6;
	if (read_delim(p, &d) < 0)
		return -1;
	if (*d)
		mo(p, "stretchy=\"true\"", d);
	put(p, "</mrow>");
	return 1;
}

/* \big( and its kin: a delimiter of a fixed size. */
static int parse_bigd(struct p *p, int size)
{
	static const char *const attrs[] = {
		"stretchy=\"true\" minsize=\"1.2em\" maxsize=\"1.2em\"",
		"stretchy=\"true\" minsize=\"1.623em\" maxsize=\"1.623em\"",
		"stretchy=\"true\" minsize=\"2.047em\" maxsize=\"2.047em\"",
		"stretchy=\"true\" minsize=\"2.470em\" maxsize=\"2.470em\"",
	};
	const char *d;

	if (read_delim(p, &d) < 0)
		return -1;
	if (!*d)
		return 0;
	mo(p, attrs[size], d);
	return 1;
}

/* The alignment of column col: "left", "right" or NULL (centred). */
static const char *column_align(const struct env *e, const char *spec, size_t ncols, size_t col)
{
	switch (e->align) {
	case AL_RL:
		return col % 2 ? "left" : "right";
	case AL_LEFT:
		return "left";
	case AL_ARRAY:
		if (col < ncols && spec[col] != 'c')
			return spec[col] == 'l' ? "left" : "right";
		return NULL;
	default:
		return NULL;
	}
}

/* Skip white space and \hline. */
static void skip_hlines(struct p *p)
{
	for (;;) {
		skip_ws(p);
		if (at_cmd(p, "hline"))
			p->i += 6;
		else
			return;
	}
}

/* The rows of a table up to \end (or, for rows outside an environment,
 * the input's end) as <mtr>s; \\ ends a row, & a cell. */
static int parse_rows(struct p *p, const struct env *e, const char *spec, size_t ncols, enum end end)
{
	int disp = p->disp;

	p->disp = e->display;
	for (;;) {
		skip_hlines(p);
		if (p->i >= p->n ? end == END_ROW : at_cmd(p, "end"))
			break;
		put(p, "<mtr>");
		for (size_t col = 0;; col++) {
			const char *al = column_align(e, spec, ncols, col);
			put(p, "<mtd");
			if (al) {
				put(p, " columnalign=\"");
				put(p, al);
				buf_putc(p->out, '"');
			}
			/* An empty identifier first, so that a relation opening
			 * the right-hand column keeps its spaces. */
			put(p, e->align == AL_RL && col % 2 ? "><mi></mi>" : ">");
			if (parse_expr(p, end) < 0)
				return -1;
			put(p, "</mtd>");
			if (p->i < p->n && p->s[p->i] == '&') {
				p->i++;
				continue;
			}
			break;
		}
		put(p, "</mtr>");
		if (p->i + 1 < p->n && p->s[p->i] == '\\' && p->s[p->i + 1] == '\\') {
			p->i += 2;
			if (skip_opt(p) < 0)
				return -1;
			continue;
		}
		break;
	}
	p->disp = disp;
	return 0;
}

/* \begin{NAME} ... \end{NAME}. */
static int parse_env(struct p *p)
{
	const struct env *e = NULL;
	const char *name, *w;
	size_t len, wlen, ncols = 0;
	char spec[MAX_COLUMNS];

	if (read_word(p, &name, &len) < 0)
		return -1;
	for (size_t k = 0; k < COUNTOF(envs); k++)
		if (strlen(envs[k].name) == len && memcmp(envs[k].name, name, len) == 0)
			e = &envs[k];
	if (!e)
		return -1;
	if (e->align == AL_ARRAY) {
		if (read_word(p, &w, &wlen) < 0)
			return -1;
		for (size_t k = 0; k < wlen; k++) {
			if (w[k] == 'l' || w[k] == 'c' || w[k] == 'r') {
				if (ncols == MAX_COLUMNS)
					return -1;
				spec[ncols++] = w[k];
			} else if (w[k] != '|' && w[k] != ' ') {
				return -1;
			}
		}
	}
	if (*e->open || *e->close)
		put(p, "<mrow>");
	if (*e->open)
		mo(p, "stretchy=\"true\"", e->open);
	put(p, e->display ? "<mtable displaystyle=\"true\">" : "<mtable>");
	if (parse_rows(p, e, spec, ncols, END_CELL) < 0)
		return -1;
	p->i += 4;   /* \end: parse_rows stopped at it */
	if (read_word(p, &w, &wlen) < 0 || wlen != len || memcmp(w, name, len) != 0)
		return -1;
	put(p, "</mtable>");
	if (*e->close)
		mo(p, "stretchy=\"true\"", e->close);
	if (*e->open || *e->close)
		put(p, "</mrow>");
	return 1;
}

/* \text{...}: its characters as <mtext>, in font. Braces inside group;
 * the escaped specials are themselves; any other command is an error.
 * White space is one space, and a no-break space at either end (a
 * browser would drop it there). */
static int parse_text(struct p *p, int font)
{
	int depth = 0, saved = p->font, any = 0;

	skip_ws(p);
	if (p->i >= p->n || p->s[p->i] != '{')
		return -1;
	p->i++;
	p->font = font;
	put(p, "<mtext>");
	for (;;) {
		char c;
		if (p->i >= p->n)
			return -1;
		c = p->s[p->i];
		if (c == '}' && depth == 0) {
			p->i++;
			break;
		}
		if (c == '{' || c == '}') {
			depth += c == '{' ? 1 : -1;
			p->i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~') {
			int nbsp = c == '~' || !any;
			while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
					       p->s[p->i] == '\n' || p->s[p->i] == '\r'))
				p->i++;
			if (c == '~')
				p->i++;
			if (p->i < p->n && p->s[p->i] == '}' && depth == 0)
				nbsp = 1;
			put(p, nbsp ? "&#xA0;" : " ");
			any = 1;
			continue;
		}
		if (c == '$' || c == '^' || c == '_' || c == '&' || c == '#')
			return -1;
		if (c == '\\') {
			if (p->i + 1 >= p->n || !strchr("{}$%&_# ", p->s[p->i + 1]) || !p->s[p->i + 1])
				return -1;
			p->i++;
			c = p->s[p->i];
			if (c == ' ') {
				put(p, "&#xA0;");
				p->i++;
				any = 1;
				continue;
			}
		}
		if (styled(p->font, (unsigned char)c)) {
			put_cp(p->out, styled(p->font, (unsigned char)c));
			p->i++;
		} else {
			size_t len;
			decode(p->s + p->i, p->n - p->i, &len);
			tex_mathml_escape(p->out, p->s + p->i, len);
			p->i += len;
		}
		any = 1;
	}
	put(p, "</mtext>");
	p->font = saved;
	return 1;
}

/* \not R: R struck through. */
static int parse_not(struct p *p)
{
	static const struct { const char *rel, *neg; } table[] = {
		{ "=", "≠" }, { "<", "≮" }, { ">", "≯" }, { "∈", "∉" }, { "⊂", "⊄" },
		{ "⊃", "⊅" }, { "⊆", "⊈" }, { "⊇", "⊉" }, { "≡", "≢" }, { "∼", "≁" },
		{ "≈", "≉" }, { "≅", "≇" }, { "≤", "≰" }, { "≥", "≱" }, { "∣", "∤" },
		{ "∥", "∦" }, { "∋", "∌" }, { "∃", "∄" },
	};
	char one[2] = { 0, 0 };
	const char *rel;
	struct buf b = BUF_INIT;

	skip_ws(p);
	if (p->i >= p->n)
		return -1;
	if (p->s[p->i] == '\\') {
		const struct tex_sym *sym = read_sym(p);
		if (!sym || !sym->text || (sym->kind != S_MO && sym->kind != S_MI))
			return -1;
		rel = sym->text;
	} else if (strchr("=<>", p->s[p->i]) && p->s[p->i]) {
		one[0] = p->s[p->i++];
		rel = one;
	} else {
		return -1;
	}
	for (size_t k = 0; k < COUNTOF(table); k++)
		if (strcmp(table[k].rel, rel) == 0) {
			mo(p, NULL, table[k].neg);
			return 1;
		}
	buf_puts(&b, rel);
	buf_puts(&b, "\xCC\xB8");   /* U+0338, combining long solidus overlay */
	mo(p, NULL, buf_str(&b));
	buf_free(&b);
	return 1;
}

/* \overset{over}{base}, \underset{under}{base}, \stackrel; \xrightarrow[under]{over}. */
static int parse_over(struct p *p, int cmd)
{
	struct buf first = BUF_INIT;
	int k;

	if (cmd == C_XRIGHT || cmd == C_XLEFT) {
		k = parse_opt(p, &first);
		put(p, k > 0 ? "<munderover>" : "<mover>");
		mo(p, "stretchy=\"true\"", cmd == C_XRIGHT ? "⟶" : "⟵");
		if (first.len)
			buf_append(p->out, first.data, first.len);
		if (k >= 0)
			k = parse_arg_text(p);
		put(p, first.len ? "</munderover>" : "</mover>");
	} else {
		k = parse_arg_into(p, &first, 1);
		put(p, cmd == C_UNDERSET ? "<munder>" : "<mover>");
		if (k >= 0)
			k = parse_arg(p);
		if (first.len)
			buf_append(p->out, first.data, first.len);
		put(p, cmd == C_UNDERSET ? "</munder>" : "</mover>");
	}
	buf_free(&first);
	return k < 0 ? -1 : 1;
}

/* An accent or a brace over (or under) its argument. */
static int parse_accent(struct p *p, const struct tex_sym *sym, struct base *b)
{
	int under = sym->arg & A_UNDER;

	put(p, under ? "<munder accentunder=\"true\">" : "<mover accent=\"true\">");
	if (parse_arg(p) < 0)
		return -1;
	mo(p, sym->arg & A_STRETCH ? "stretchy=\"true\"" : "stretchy=\"false\"", sym->text);
	put(p, under ? "</munder>" : "</mover>");
	if (sym->arg & A_LIMITS)
		b->lim = LIM_ALWAYS;
	return 1;
}

/* A command of kind S_CMD. */
static int parse_cmd(struct p *p, int cmd, struct base *b)
{
	const char *w, *d;
	size_t wlen;
	int k, font = p->font;

	switch (cmd) {
	case C_FRAC: case C_DFRAC: case C_TFRAC: case C_BINOM: case C_DBINOM: case C_TBINOM:
		return parse_frac(p, cmd);
	case C_SQRT:
		return parse_sqrt(p);
	case C_LEFT:
		return parse_left(p);
	case C_MIDDLE:
		if (!p->lefts || read_delim(p, &d) < 0)
			return -1;
		if (!*d)
			return 0;
		mo(p, "stretchy=\"true\"", d);
		return 1;
	case C_BEGIN:
		return parse_env(p);
	case C_OPNAME:
		if (p->i < p->n && p->s[p->i] == '*') {
			p->i++;
			b->lim = LIM_DISPLAY;
		}
		p->font = F_RM;
		k = parse_arg(p);
		p->font = font;
		b->fn = 1;
		return k;
	case C_COLOR:
		return skip_opt(p) < 0 || read_word(p, &w, &wlen) < 0 ? -1 : 0;
	case C_TEXTCOLOR:
		if (skip_opt(p) < 0 || read_word(p, &w, &wlen) < 0)
			return -1;
		return parse_arg(p);
	case C_NOT:
		return parse_not(p);
	case C_OVERSET: case C_UNDERSET: case C_XRIGHT: case C_XLEFT:
		return parse_over(p, cmd);
	case C_BOXED:
		put(p, "<menclose notation=\"box\">");
		if (parse_arg(p) < 0)
			return -1;
		put(p, "</menclose>");
		return 1;
	case C_PHANTOM:
		put(p, "<mphantom>");
		if (parse_arg(p) < 0)
			return -1;
		put(p, "</mphantom>");
		return 1;
	case C_PMOD:
		put(p, "<mspace width=\"1em\"/><mo stretchy=\"false\">(</mo><mi>mod</mi>"
		    "<mspace width=\"0.3333em\"/>");
		if (parse_arg(p) < 0)
			return -1;
		put(p, "<mo stretchy=\"false\">)</mo>");
		return 6;
	case C_BMOD:
		put(p, "<mo>mod</mo>");
		return 1;
	case C_MOD:
		put(p, "<mspace width=\"1em\"/><mi>mod</mi><mspace width=\"0.3333em\"/>");
		return 3;
	case C_IGNORE:
		return 0;
	default:   /* \right, \end out of place */
		return -1;
	}
}

/* A delimiter not stretched: a bar as an identifier, since an operator
 * between two atoms gets spaces (|x| would read "|x |"). */
static void fence(struct p *p, const char *text)
{
	if (strcmp(text, "|") == 0 || strcmp(text, "‖") == 0)
		token(p, "mi", NULL, text, strlen(text));
	else
		mo(p, "stretchy=\"false\"", text);
}

/* Some characters as operators: - is a minus, * an asterisk operator,
 * and the brackets do not stretch unless \left says so. */
static void ascii_op(struct p *p, char c, int unary)
{
	switch (c) {
	case '-': mo(p, unary ? "form=\"prefix\"" : NULL, "−"); break;
	case '+': mo(p, unary ? "form=\"prefix\"" : NULL, "+"); break;
	case '*': mo(p, NULL, "∗"); break;
	case '\'': mo(p, NULL, "′"); break;
	case '(': case ')': case '[': case ']': case '|': {
		char s[2] = { c, 0 };
		fence(p, s);
		break;
	}
	default:
		token(p, "mo", NULL, &c, 1);
	}
}

/* 1 if cp (not ASCII) is an operator rather than an identifier. */
static int is_op(unsigned cp)
{
	return cp == 0xB1 || cp == 0xD7 || cp == 0xF7 || cp == 0xAC || cp == 0xB7 ||
	       (cp >= 0x2190 && cp <= 0x22FF) || (cp >= 0x27C0 && cp <= 0x27FF) ||
	       (cp >= 0x2900 && cp <= 0x2AFF) || (cp >= 0x2010 && cp <= 0x2027);
}

/* A base: one token, group or command, written as elements (their number
 * returned, or -1). single: one character of a number or a word (an
 * argument without braces), and no style switches. */
static int parse_base(struct p *p, int single, struct base *b)
{
	const struct tex_sym *sym;
	int unary = p->unary;
	char c;
	size_t j;

	b->lim = LIM_NONE;
	b->fn = 0;
	p->unary = 0;
	skip_ws(p);
	if (p->i >= p->n)
		return -1;
	c = p->s[p->i];
	if (c == '{')
		return parse_arg(p);
	if (is_digit(c) || (c == '.' && p->i + 1 < p->n && is_digit(p->s[p->i + 1]))) {
		j = p->i + 1;
		while (!single && j < p->n &&
		       (is_digit(p->s[j]) || (p->s[j] == '.' && j + 1 < p->n && is_digit(p->s[j + 1]))))
			j++;
		number(p, p->s + p->i, j - p->i);
		p->i = j;
		return 1;
	}
	if (is_alpha(c)) {
		/* \mathrm{max} is one word; elsewhere each letter is a variable. */
		j = p->i + 1;
		if (p->font == F_RM && !single)
			while (j < p->n && is_alpha(p->s[j]))
				j++;
		ident(p, p->s + p->i, j - p->i, 0);
		p->i = j;
		return 1;
	}
	if (c == '\\') {
		if (p->i + 1 < p->n && p->s[p->i + 1] == '\\')
			return -1;
		sym = read_sym(p);
		if (!sym)
			return -1;
		switch (sym->kind) {
		case S_MI:
		case S_MIN:
			ident(p, sym->text, strlen(sym->text), sym->kind == S_MIN);
			return 1;
		case S_MO:
			mo(p, unary && (!strcmp(sym->text, "±") || !strcmp(sym->text, "∓"))
			      ? "form=\"prefix\"" : NULL, sym->text);
			return 1;
		case S_FENCE:
			fence(p, sym->text);
			return 1;
		case S_BIG:
		case S_INT:
			mo(p, NULL, sym->text);
			b->lim = sym->kind == S_BIG ? LIM_DISPLAY : LIM_NONE;
			return 1;
		case S_FN:
		case S_FNLIM:
			token(p, "mi", NULL, sym->text, strlen(sym->text));
			b->fn = 1;
			b->lim = sym->kind == S_FNLIM ? LIM_DISPLAY : LIM_NONE;
			return 1;
		case S_SPACE:
			put(p, "<mspace width=\"");
			put(p, sym->text);
			put(p, "\"/>");
			return 1;
		case S_ACCENT:
			return parse_accent(p, sym, b);
		case S_FONT: {
			int font = p->font, k;
			p->font = sym->arg;
			k = parse_arg(p);
			p->font = font;
			return k;
		}
		case S_FONTSW:
			if (single)
				return -1;
			p->font = sym->arg;
			return 0;
		case S_TEXT:
			return parse_text(p, sym->arg);
		case S_BIGD:
			return parse_bigd(p, sym->arg);
		case S_CMD:
			return parse_cmd(p, sym->arg, b);
		default:   /* \displaystyle as an argument, \limits without an operator */
			return -1;
		}
	}
	if (c == '~') {
		p->i++;
		put(p, "<mspace width=\"0.3333em\"/>");
		return 1;
	}
	if (c == '}' || c == '&' || c == '^' || c == '_' || c == '#' || c == '$')
		return -1;
	if ((unsigned char)c < 0x80) {
		p->i++;
		if (c == '<' || c == '>' || c == '=' || c == '+' || c == '/' || c == '!' || c == '?' ||
		    c == ',' || c == ';' || c == ':' || c == '.' || c == '@' || c == '"' || c == '`' ||
		    c == '-' || c == '*' || c == '\'' || c == '(' || c == ')' || c == '[' || c == ']' ||
		    c == '|') {
			ascii_op(p, c, unary);
			return 1;
		}
		put(p, "<mi>\xEF\xBF\xBD</mi>");   /* a control character */
		return 1;
	} else {
		size_t len;
		unsigned cp = decode(p->s + p->i, p->n - p->i, &len);
		if (is_op(cp))
			token(p, "mo", NULL, p->s + p->i, len);
		else
			ident(p, p->s + p->i, len, 0);
		p->i += len;
		return 1;
	}
}

/* 1 if what follows an operator name starts a word (\sin x, \log n), where
 * TeX puts a thin space; not a bracket or an operator. */
static int word_follows(struct p *p)
{
	const struct tex_sym *sym;
	size_t i, k;

	skip_ws(p);
	i = p->i;
	if (i >= p->n)
		return 0;
	if (is_alpha(p->s[i]) || is_digit(p->s[i]))
		return 1;
	if (p->s[i] != '\\' || (k = cmd_len(p, i)) == 0)
		return 0;
	sym = tex_sym_lookup(p->s + i + 1, k);
	return sym && (sym->kind == S_MI || sym->kind == S_MIN || sym->kind == S_FONT ||
		       (sym->kind == S_CMD && (sym->arg == C_FRAC || sym->arg == C_SQRT)));
}

/* Primes as one operator: ′ ″ ‴ ⁗, then more ′. */
static void primes(struct p *p, int n)
{
	static const char *const marks[] = { "′", "″", "‴", "⁗" };

	put(p, "<mo>");
	while (n > 4) {
		put(p, marks[3]);
		n -= 4;
	}
	put(p, marks[n - 1]);
	put(p, "</mo>");
}

/* An atom: a base and its scripts (^, _, primes); the number of elements
 * written, or -1. */
static int parse_atom(struct p *p)
{
	struct buf *o = p->out;
	struct buf sub = BUF_INIT, sup = BUF_INIT;
	struct base b = { LIM_NONE, 0 };
	size_t start = o->len;
	int k = 0, nprimes = 0, has_sub = 0, has_sup = 0, rc = 0;
	char c = p->s[p->i];

	if (c != '^' && c != '_' && c != '\'') {
		k = parse_base(p, 0, &b);
		if (k < 0)
			return -1;
	}
	for (;;) {
		skip_ws(p);
		if (p->i >= p->n)
			break;
		c = p->s[p->i];
		if (c == '\'' && !has_sup) {
			nprimes++;
			p->i++;
		} else if (c == '^' || c == '_') {
			int *has = c == '^' ? &has_sup : &has_sub;
			p->i++;
			if (*has || parse_arg_into(p, c == '^' ? &sup : &sub, 1) < 0) {
				rc = -1;
				break;
			}
			*has = 1;
		} else if (at_cmd(p, "limits") || at_cmd(p, "nolimits")) {
			b.lim = p->s[p->i + 1] == 'l' ? LIM_ALWAYS : LIM_NONE;
			p->i += p->s[p->i + 1] == 'l' ? 7 : 9;
		} else {
			break;
		}
	}
	/* Primes follow the base at its size (as a superscript the browser
	 * makes them tiny), and the scripts go on both. */
	if (rc == 0 && nprimes) {
		primes(p, nprimes);
		k++;
	}
	if (rc == 0 && (has_sub || has_sup)) {
		int under = b.lim == LIM_ALWAYS || (b.lim == LIM_DISPLAY && p->disp);
		const char *tag = has_sub && has_sup ? (under ? "munderover" : "msubsup")
				  : has_sub ? (under ? "munder" : "msub") : (under ? "mover" : "msup");
		char open[16];
		one_element(o, start, k);
		open[0] = '<';
		strcpy(open + 1, tag);
		strcat(open, ">");
		insert(o, start, open);
		if (has_sub)
			buf_append(o, sub.data, sub.len);
		if (has_sup)
			buf_append(o, sup.data, sup.len);
		put(p, "</");
		put(p, tag);
		put(p, ">");
		k = 1;
	}
	buf_free(&sub);
	buf_free(&sup);
	if (rc < 0)
		return -1;
	if (b.fn) {
		put(p, "<mo>&#x2061;</mo>");
		k++;
		if (word_follows(p)) {
			put(p, "<mspace width=\"0.1667em\"/>");
			k++;
		}
	}
	return k;
}

/* 1 if out from start holds one operator that leaves the next + or -
 * a sign (=, +, an opening bracket, a comma; not a closing bracket, !,
 * a prime); 2 for a space, which leaves things as they were. */
static int sign_follows(const struct buf *out, size_t start)
{
	static const char *const closers[] = { ")", "]", "}", "⟩", "⌋", "⌉", "⟧", "!", "′", "″", "‴" };
	const char *s = out->data + start, *gt, *end = out->data + out->len;

	if (!strncmp(s, "<mspace", 7))
		return 2;
	if (strncmp(s, "<mo", 3) != 0 || (s[3] != '>' && s[3] != ' ') ||
	    (size_t)(end - s) < 10 || strncmp(end - 5, "</mo>", 5) != 0 ||
	    !(gt = strchr(s, '>')) || memchr(gt, '<', (size_t)(end - 5 - gt)))
		return 0;
	for (size_t k = 0; k < COUNTOF(closers); k++)
		if ((size_t)(end - 5 - gt - 1) == strlen(closers[k]) &&
		    !strncmp(gt + 1, closers[k], strlen(closers[k])))
			return 0;
	return 1;
}

/* Atoms until end; the number of elements written, or -1. */
static int parse_expr(struct p *p, enum end end)
{
	int count = 0, styles = 0, font = p->font, disp = p->disp, sign = 1;

	if (++p->depth > TEX_MATHML_MAX_DEPTH)
		return -1;
	for (;;) {
		size_t start;
		char c;
		int k;

		skip_ws(p);
		if (p->i >= p->n) {
			if (end == END_TOP || end == END_ROW)
				break;
			return -1;
		}
		c = p->s[p->i];
		if (c == '}') {
			if (end != END_GROUP)
				return -1;
			p->i++;
			break;
		}
		if (c == ']' && end == END_OPT) {
			p->i++;
			break;
		}
		if (c == '&') {
			if (end == END_CELL || end == END_ROW)
				break;
			p->rows = end == END_TOP;
			return -1;
		}
		if (c == '\\' && p->i + 1 < p->n && p->s[p->i + 1] == '\\') {
			if (end == END_CELL || end == END_ROW)
				break;
			p->rows = end == END_TOP;
			return -1;
		}
		if (at_cmd(p, "end") && end == END_CELL)
			break;
		if (at_cmd(p, "right") && end == END_RIGHT)
			break;
		if (c == '\\') {
			size_t len = cmd_len(p, p->i);
			const struct tex_sym *sym = len ? tex_sym_lookup(p->s + p->i + 1, len) : NULL;
			if (sym && sym->kind == S_STYLE) {
				/* The rest of the group in that style: one element. */
				p->i += len + 1;
				put(p, sym->arg == 1 ? "<mstyle displaystyle=\"true\">"
				       : sym->arg == 0 ? "<mstyle displaystyle=\"false\">"
				       : "<mstyle displaystyle=\"false\" scriptlevel=\"1\">");
				p->disp = sym->arg == 1;
				if (!styles++)
					count++;
				continue;
			}
		}
		start = p->out->len;
		p->unary = sign;
		k = parse_atom(p);
		if (k < 0)
			return -1;
		if (!styles)
			count += k;
		if (k) {
			int f = k == 1 ? sign_follows(p->out, start) : 0;
			sign = f == 2 ? sign : f;
		}
	}
	while (styles--)
		put(p, "</mstyle>");
	p->font = font;
	p->disp = disp;
	p->depth--;
	return count;
}

int tex_mathml(const char *tex, size_t n, int display, struct buf *out)
{
	struct p p = { .s = tex, .n = n, .out = out, .disp = display != 0 };
	size_t start = out->len, body;
	int rc;

	if ((!tex && n) || n > TEX_MATHML_MAX_INPUT)
		return -1;
	put(&p, display ? "<math display=\"block\"><semantics><mrow>" : "<math><semantics><mrow>");
	body = out->len;
	rc = parse_expr(&p, END_TOP);
	if (rc < 0 && p.rows) {
		/* Rows without an environment: again, as one. */
		out->len = body;
		p.i = 0;
		p.depth = 0;
		p.lefts = 0;
		p.font = F_NONE;
		p.disp = display != 0;
		put(&p, "<mtable displaystyle=\"true\">");
		rc = parse_rows(&p, memchr(tex, '&', n) ? &top_aligned : &top_gathered, NULL, 0, END_ROW);
		if (rc == 0 && p.i < p.n)
			rc = -1;
		put(&p, "</mtable>");
	}
	if (rc < 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return -1;
	}
	put(&p, "</mrow><annotation encoding=\"application/x-tex\">");
	tex_mathml_escape(out, tex, n);
	put(&p, "</annotation></semantics></math>");
	return 0;
}
