/* highlight.c — see highlight.h. Each scanner walks the code once; every
 * branch consumes at least one byte, and every byte is written by exactly
 * one emit() or plain() call. */
#include "highlight.h"
#include "highlight_lang.h"

#include <ctype.h>
#include <string.h>

/* What a scanner reads: the code and where it is. */
struct scan {
	const char *s;
	size_t n, i;
	const struct hl_lang *l;
	struct buf *out;
};

static void escape(struct buf *out, const char *s, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		const char *e;
		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		default: continue;
		}
		buf_append(out, s + from, i - from);
		buf_puts(out, e);
		from = i + 1;
	}
	buf_append(out, s + from, n - from);
}

/* s[from, to) as one token of class cls ('\0': plain); moves i to to. */
static void emit(struct scan *sc, size_t to, char cls)
{
	size_t from = sc->i;
	if (from >= sc->n)
		return;
	if (to > sc->n)
		to = sc->n;
	if (to <= from)
		to = from + 1; /* always progress */
	if (cls) {
		buf_puts(sc->out, "<span class=\"hl-");
		buf_putc(sc->out, cls);
		buf_puts(sc->out, "\">");
	}
	escape(sc->out, sc->s + from, to - from);
	if (cls)
		buf_puts(sc->out, "</span>");
	sc->i = to;
}

static int at(const struct scan *sc, size_t i, const char *lit)
{
	size_t k = lit ? strlen(lit) : 0;
	return lit && i + k <= sc->n && memcmp(sc->s + i, lit, k) == 0;
}

/* c is one of the characters of set (never the NUL that ends it). */
static int one_of(const char *set, char c)
{
	return set && c && strchr(set, c) != NULL;
}

static size_t line_end(const struct scan *sc, size_t i)
{
	const char *nl = memchr(sc->s + i, '\n', sc->n - i);
	return nl ? (size_t)(nl - sc->s) : sc->n;
}

/* The end of lit's first match at or after i, else the code's end. */
static size_t find_end(const struct scan *sc, size_t i, const char *lit)
{
	size_t k = strlen(lit);
	for (; i + k <= sc->n; i++)
		if (memcmp(sc->s + i, lit, k) == 0)
			return i + k;
	return sc->n;
}

/* The end of the first c at or after i on its line, else the line's end
 * (never past it: a line of unclosed openers stays linear). */
static size_t find_end_in_line(const struct scan *sc, size_t i, char c)
{
	size_t eol = line_end(sc, i);
	const char *p = memchr(sc->s + i, c, eol - i);
	return p ? (size_t)(p - sc->s) + 1 : eol;
}

static int word_char(const struct hl_lang *l, char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80 ||
	       (c == '-' && (l->flags & HL_DASH_WORDS));
}

static int word_start(char c)
{
	return isalpha((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* The next byte after spaces and tabs from i (0 at the end). */
static char next_visible(const struct scan *sc, size_t i)
{
	while (i < sc->n && (sc->s[i] == ' ' || sc->s[i] == '\t'))
		i++;
	return i < sc->n ? sc->s[i] : 0;
}

/* A string opened by the quote at i; its end. */
static size_t string_end(const struct scan *sc, size_t i)
{
	const struct hl_lang *l = sc->l;
	char q = sc->s[i];
	size_t j = i + 1;

	if ((l->flags & HL_TRIPLE) && at(sc, i, q == '"' ? "\"\"\"" : "'''"))
		return find_end(sc, i + 3, q == '"' ? "\"\"\"" : "'''");
	while (j < sc->n) {
		char c = sc->s[j];
		if (c == '\\' && !(l->flags & HL_SQL_QUOTES)) {
			j += 2;
			continue;
		}
		if (c == q) {
			if ((l->flags & HL_SQL_QUOTES) && j + 1 < sc->n && sc->s[j + 1] == q) {
				j += 2;
				continue;
			}
			return j + 1;
		}
		if (c == '\n' && !(l->flags & HL_MULTILINE) && q != '`')
			return j;
		j++;
	}
	return sc->n;
}

static size_t number_end(const struct scan *sc, size_t i)
{
	const char *s = sc->s;
	int hex = s[i] == '0' && i + 1 < sc->n && (s[i + 1] == 'x' || s[i + 1] == 'X');
	size_t j = i + 1;
	while (j < sc->n) {
		char c = s[j];
		if (isalnum((unsigned char)c) || c == '_' || c == '.' ||
		    (c == '%' && (sc->l->flags & HL_BRACE_PROPS)))
			j++;
		else if ((c == '+' || c == '-') && !hex && (s[j - 1] == 'e' || s[j - 1] == 'E'))
			j++;
		else
			break;
	}
	return j;
}

static size_t word_end(const struct scan *sc, size_t i)
{
	while (i < sc->n && word_char(sc->l, sc->s[i]))
		i++;
	return i;
}

/* One word at sc->i: keyword, type, key or property, or plain. */
static void word(struct scan *sc, int line_start, int depth)
{
	const struct hl_lang *l = sc->l;
	size_t j = word_end(sc, sc->i), n = j - sc->i;
	const char *w = sc->s + sc->i;
	char cls = 0;

	if (((l->flags & HL_LINE_KEYS) && line_start) ||
	    ((l->flags & HL_BRACE_PROPS) && depth > 0)) {
		if (next_visible(sc, j) == ':')
			cls = 'a';
	}
	if (!cls)
		cls = hl_lang_word(l, w, n);
	if (!cls && (l->flags & HL_CAPS_TYPES) && isupper((unsigned char)w[0]) && n > 1)
		cls = 't';
	emit(sc, j, cls);
}

/* Comments, meta and variables that start at sc->i; 0 if none does. */
static int special(struct scan *sc, int line_start, int depth)
{
	const struct hl_lang *l = sc->l;
	const char *s = sc->s;
	size_t i = sc->i;
	char c = s[i], d = i + 1 < sc->n ? s[i + 1] : 0;
	int word_ok = i == 0 || isspace((unsigned char)s[i - 1]);

	if ((l->flags & HL_HASH_PREPROC) && line_start && c == '#')
		emit(sc, line_end(sc, i), 'm');
	else if ((l->flags & HL_HASH_ATTR) && c == '#' && (d == '[' || (d == '!' && at(sc, i + 2, "["))))
		emit(sc, find_end_in_line(sc, i, ']'), 'm');
	else if ((l->flags & HL_HEX_COLOR) && depth > 0 && c == '#' && isxdigit((unsigned char)d))
		emit(sc, word_end(sc, i + 1), 'n');
	else if (l->block_open && at(sc, i, l->block_open))
		emit(sc, find_end(sc, i + strlen(l->block_open), l->block_close), 'c');
	else if ((l->line_comment && at(sc, i, l->line_comment) &&
		  (!(l->flags & HL_WORD_COMMENT) || word_ok)) ||
		 (l->line_comment2 && at(sc, i, l->line_comment2)))
		emit(sc, line_end(sc, i), 'c');
	else if ((l->flags & HL_DOLLAR_VAR) && c == '$' && d == '{')
		emit(sc, find_end_in_line(sc, i, '}'), 'v');
	else if ((l->flags & HL_DOLLAR_VAR) && c == '$' && (word_start(d) || isdigit((unsigned char)d)))
		emit(sc, word_end(sc, i + 1), 'v');
	else if ((l->flags & HL_AT_META) && c == '@' && (word_start(d) || d == '-'))
		emit(sc, word_end(sc, i + 1), 'm');
	else
		return 0;
	return 1;
}

static void scan_code(struct scan *sc)
{
	const struct hl_lang *l = sc->l;
	int line_start = 1, depth = 0;

	while (sc->i < sc->n) {
		char c = sc->s[sc->i], d = sc->i + 1 < sc->n ? sc->s[sc->i + 1] : 0;

		if (c == '\n') {
			emit(sc, sc->i + 1, 0);
			line_start = 1;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			emit(sc, sc->i + 1, 0);
			continue;
		}
		if (special(sc, line_start, depth)) {
			/* a comment or meta */
		} else if ((l->flags & HL_LIFETIME) && c == '\'' && word_start(d) &&
			   !(sc->i + 2 < sc->n && sc->s[sc->i + 2] == '\'')) {
			emit(sc, word_end(sc, sc->i + 1), 't');
		} else if (one_of(l->quotes, c)) {
			size_t j = string_end(sc, sc->i);
			emit(sc, j, (l->flags & HL_STRING_KEYS) && next_visible(sc, j) == ':' ? 'a' : 's');
		} else if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)d))) {
			emit(sc, number_end(sc, sc->i), 'n');
		} else if (word_start(c)) {
			word(sc, line_start, depth);
		} else if (c == '!' && (l->flags & HL_BRACE_PROPS) && word_start(d)) {
			emit(sc, word_end(sc, sc->i + 1), 'k'); /* !important */
		} else if (c == '-' && d == ' ' && line_start && (l->flags & HL_LINE_KEYS)) {
			emit(sc, sc->i + 1, 0); /* a list item's key is still a key */
			continue;
		} else {
			if (c == '{')
				depth++;
			else if (c == '}' && depth > 0)
				depth--;
			emit(sc, sc->i + 1, 0);
		}
		line_start = 0;
	}
}

/* HTML and XML: comments, tags with their attributes, entities. */
static void scan_markup(struct scan *sc)
{
	while (sc->i < sc->n) {
		size_t i = sc->i;
		char c = sc->s[i], d = i + 1 < sc->n ? sc->s[i + 1] : 0;

		if (at(sc, i, "<!--")) {
			emit(sc, find_end(sc, i + 4, "-->"), 'c');
		} else if (c == '<' && (isalpha((unsigned char)d) || d == '/' || d == '!' || d == '?')) {
			emit(sc, i + (isalpha((unsigned char)d) ? 1 : 2), 0);
			emit(sc, word_end(sc, sc->i), 'k');
			while (sc->i < sc->n && sc->s[sc->i] != '>' && sc->s[sc->i] != '<') {
				char t = sc->s[sc->i];
				if (t == '"' || t == '\'') {
					const char *q = memchr(sc->s + sc->i + 1, t, sc->n - sc->i - 1);
					emit(sc, q ? (size_t)(q - sc->s) + 1 : sc->n, 's');
				} else if (word_char(sc->l, t) || t == ':' || t == '-') {
					size_t j = sc->i;
					while (j < sc->n && (word_char(sc->l, sc->s[j]) || sc->s[j] == ':' ||
							     sc->s[j] == '-'))
						j++;
					emit(sc, j, 'a');
				} else {
					emit(sc, sc->i + 1, 0);
				}
			}
			if (sc->i < sc->n && sc->s[sc->i] == '>')
				emit(sc, sc->i + 1, 0);
		} else if (c == '&') {
			size_t j = i + 1;
			while (j < sc->n && j - i < 12 && (isalnum((unsigned char)sc->s[j]) || sc->s[j] == '#'))
				j++;
			emit(sc, j < sc->n && sc->s[j] == ';' && j > i + 1 ? j + 1 : i + 1,
			     j < sc->n && sc->s[j] == ';' && j > i + 1 ? 't' : 0);
		} else {
			emit(sc, i + 1, 0);
		}
	}
}

/* Markdown: per line, a heading, a fence, a quote, a list marker; inline
 * `code` spans. */
static void scan_markdown(struct scan *sc)
{
	while (sc->i < sc->n) {
		size_t eol = line_end(sc, sc->i), j = sc->i;
		while (j < eol && (sc->s[j] == ' ' || sc->s[j] == '\t'))
			j++;
		if (j > sc->i)
			emit(sc, j, 0);
		if (j < eol && sc->s[j] == '#') {
			emit(sc, eol, 'k');
		} else if (at(sc, j, "```") || at(sc, j, "~~~")) {
			emit(sc, eol, 'm');
		} else if (j < eol && sc->s[j] == '>') {
			emit(sc, eol, 'c');
		} else {
			if (j + 1 < eol && one_of("-*+", sc->s[j]) && sc->s[j + 1] == ' ')
				emit(sc, j + 1, 'm');
			while (sc->i < eol) {
				const char *tick;
				if (sc->s[sc->i] == '`' &&
				    (tick = memchr(sc->s + sc->i + 1, '`', eol - sc->i - 1)) != NULL)
					emit(sc, (size_t)(tick - sc->s) + 1, 's');
				else
					emit(sc, sc->i + 1, 0);
			}
		}
		if (sc->i < sc->n)
			emit(sc, sc->i + 1, 0); /* the newline */
	}
}

/* A unified diff, line by line. */
static void scan_diff(struct scan *sc)
{
	while (sc->i < sc->n) {
		size_t i = sc->i, eol = line_end(sc, i);
		char cls = 0;
		if (at(sc, i, "+++") || at(sc, i, "---") || at(sc, i, "@@") || at(sc, i, "diff ") ||
		    at(sc, i, "index "))
			cls = 'm';
		else if (sc->s[i] == '+')
			cls = 'i';
		else if (sc->s[i] == '-')
			cls = 'd';
		if (eol > i)
			emit(sc, eol, cls);
		if (sc->i < sc->n)
			emit(sc, sc->i + 1, 0);
	}
}

int highlight_code(const char *lang, size_t lang_len, const char *code, size_t n,
		   struct buf *out)
{
	struct scan sc = { code, n, 0, hl_lang_find(lang, lang_len), out };

	if (!sc.l) {
		escape(out, code, n);
		return 0;
	}
	buf_reserve(out, n + n / 2);
	switch (sc.l->scanner) {
	case HL_CODE: scan_code(&sc); break;
	case HL_MARKUP: scan_markup(&sc); break;
	case HL_MARKDOWN: scan_markdown(&sc); break;
	case HL_DIFF: scan_diff(&sc); break;
	}
	return 1;
}
