/* openai_chunk.c — see openai_chunk.h. One pass checks the chunk and
 * notes where the wanted strings are; only when all of it reads are they
 * decoded into out, so a chunk left to jansson has changed nothing. */
#include "openai_chunk.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 32    /* deeper: jansson's (2048) is left to decide */

/* A string's contents as they are in the chunk, between the quotes. */
struct span {
	const char *p;          /* NULL: the member was not there (or not a string) */
	size_t n;
	int esc;                /* has backslash escapes to decode */
};

struct chunk {
	struct span content, reasoning, reasoning_content, finish;
	int have_pin, have_pout;
	int64_t pin, pout;
};

struct scan {
	const unsigned char *p, *end;
	int depth;
};

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* Skip whitespace, then take c. */
static int take(struct scan *s, unsigned char c)
{
	ws(s);
	if (s->p >= s->end || *s->p != c)
		return -1;
	s->p++;
	return 0;
}

static int peek(struct scan *s)
{
	ws(s);
	return s->p < s->end ? *s->p : -1;
}

static int hex4(const unsigned char *p, const unsigned char *end, unsigned *cp)
{
	*cp = 0;
	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
				       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
		if (d == 16)
			return -1;
		*cp = *cp << 4 | d;
	}
	return 0;
}

/* The length of the strict UTF-8 sequence at p (no overlongs, surrogates
 * or code points past U+10FFFF, as jansson checks), 0 if it is not one. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t len = *p >= 0xC2 && *p <= 0xDF ? 2 : *p >= 0xE0 && *p <= 0xEF ? 3
		     : *p >= 0xF0 && *p <= 0xF4 ? 4 : 0;
	unsigned cp = len == 2 ? *p & 0x1Fu : len == 3 ? *p & 0x0Fu : *p & 0x07u;
	if (!len || (size_t)(end - p) < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3Fu);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

/* A string (after whitespace): its span. \u0000 and unpaired surrogates
 * are refused (jansson refuses them too, but its message is its own). */
static int string(struct scan *s, struct span *out)
{
	const unsigned char *p, *start;
	int esc = 0;
	if (take(s, '"'))
		return -1;
	p = start = s->p;
	while (p < s->end && *p != '"') {
		if (*p == '\\') {
			unsigned cp, lo;
			esc = 1;
			if (s->end - p < 2)
				return -1;
			if (strchr("\"\\/bfnrt", p[1]) && p[1]) {
				p += 2;
				continue;
			}
			if (p[1] != 'u' || hex4(p + 2, s->end, &cp) || cp == 0 ||
			    (cp >= 0xDC00 && cp <= 0xDFFF))
				return -1;
			p += 6;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (s->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
				    hex4(p + 2, s->end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				p += 6;
			}
		} else if (*p < 0x20) {
			return -1;
		} else if (*p < 0x80) {
			p++;
		} else {
			size_t n = utf8_len(p, s->end);
			if (!n)
				return -1;
			p += n;
		}
	}
	if (p >= s->end)
		return -1;
	if (out)
		*out = (struct span){ (const char *)start, (size_t)(p - start), esc };
	s->p = p + 1;
	return 0;
}

/* A number. *is_int and *v for an integer of at most 18 digits; a longer
 * one, or an exponent (which may overflow), is left to jansson. */
static int number(struct scan *s, int *is_int, int64_t *v)
{
	const unsigned char *p = s->p, *e = s->end;
	int neg = 0, digits = 0;
	int64_t n = 0;
	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= e || *p < '0' || *p > '9')
		return -1;
	if (*p == '0') {
		p++;
		if (p < e && *p >= '0' && *p <= '9')
			return -1;
	}
	while (p < e && *p >= '0' && *p <= '9') {
		if (++digits > 18)
			return -1;
		n = n * 10 + (*p++ - '0');
	}
	*is_int = 1;
	if (p < e && *p == '.') {
		*is_int = 0;
		if (++p >= e || *p < '0' || *p > '9')
			return -1;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E'))
		return -1;
	*v = neg ? -n : n;
	s->p = p;
	return 0;
}

static int literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return -1;
	s->p += n;
	return 0;
}

static int value(struct scan *s);

/* The members of an object or the elements of an array, after its
 * opening bracket, each skipped. */
static int skip_members(struct scan *s, unsigned char close, int keyed)
{
	if (++s->depth > MAX_DEPTH)
		return -1;
	if (peek(s) == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		if (keyed && (string(s, NULL) || take(s, ':')))
			return -1;
		if (value(s))
			return -1;
		if (peek(s) == ',') {
			s->p++;
			continue;
		}
		if (take(s, close))
			return -1;
		s->depth--;
		return 0;
	}
}

/* Any value, skipped. */
static int value(struct scan *s)
{
	int c = peek(s), is_int;
	int64_t v;
	switch (c) {
	case '"':
		return string(s, NULL);
	case '{':
		s->p++;
		return skip_members(s, '}', 1);
	case '[':
		s->p++;
		return skip_members(s, ']', 0);
	case 't':
		return literal(s, "true");
	case 'f':
		return literal(s, "false");
	case 'n':
		return literal(s, "null");
	default:
		return c == '-' || (c >= '0' && c <= '9') ? number(s, &is_int, &v) : -1;
	}
}

/* The members of an object (after whitespace), each handed to member()
 * with its key; a key with escapes is left to jansson, as are two members
 * of one key member() keeps (jansson keeps the last). */
typedef int (*member_fn)(struct scan *s, const struct span *key, struct chunk *ch,
			 unsigned *seen);

static int members(struct scan *s, member_fn member, struct chunk *ch)
{
	unsigned seen = 0;
	if (take(s, '{') || ++s->depth > MAX_DEPTH)
		return -1;
	if (peek(s) == '}') {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		struct span key;
		if (string(s, &key) || key.esc || take(s, ':') || member(s, &key, ch, &seen))
			return -1;
		if (peek(s) == ',') {
			s->p++;
			continue;
		}
		if (take(s, '}'))
			return -1;
		s->depth--;
		return 0;
	}
}

static int key_is(const struct span *k, const char *name)
{
	return k->n == strlen(name) && memcmp(k->p, name, k->n) == 0;
}

/* The first time a kept key is met: bit in *seen; -1 the second time. */
static int once(unsigned *seen, unsigned bit)
{
	if (*seen & bit)
		return -1;
	*seen |= bit;
	return 0;
}

/* A string member kept in *to; another kind of value is skipped (the
 * adapter ignores it). */
static int string_member(struct scan *s, struct span *to)
{
	return peek(s) == '"' ? string(s, to) : value(s);
}

static int delta_member(struct scan *s, const struct span *k, struct chunk *ch, unsigned *seen)
{
	if (key_is(k, "content"))
		return once(seen, 1) || string_member(s, &ch->content);
	if (key_is(k, "reasoning"))
		return once(seen, 2) || string_member(s, &ch->reasoning);
	if (key_is(k, "reasoning_content"))
		return once(seen, 4) || string_member(s, &ch->reasoning_content);
	return value(s);
}

static int choice_member(struct scan *s, const struct span *k, struct chunk *ch, unsigned *seen)
{
	if (key_is(k, "delta"))
		return once(seen, 1) || (peek(s) == '{' ? members(s, delta_member, ch) : value(s));
	if (key_is(k, "finish_reason"))
		return once(seen, 2) || string_member(s, &ch->finish);
	return value(s);
}

/* "prompt_tokens" or "completion_tokens": kept when an integer. */
static int count_member(struct scan *s, int *have, int64_t *v)
{
	int c = peek(s), is_int;
	if (c != '-' && (c < '0' || c > '9'))
		return value(s);
	if (number(s, &is_int, v))
		return -1;
	*have = is_int;
	return 0;
}

static int usage_member(struct scan *s, const struct span *k, struct chunk *ch, unsigned *seen)
{
	if (key_is(k, "prompt_tokens"))
		return once(seen, 1) || count_member(s, &ch->have_pin, &ch->pin);
	if (key_is(k, "completion_tokens"))
		return once(seen, 2) || count_member(s, &ch->have_pout, &ch->pout);
	return value(s);
}

/* "choices": of an array, only the first element is read (when it is an
 * object, as json_object_get needs). */
static int choices(struct scan *s, struct chunk *ch)
{
	if (peek(s) != '[')
		return value(s);
	s->p++;
	if (peek(s) == ']') {
		s->p++;
		return 0;
	}
	if (peek(s) == '{' ? members(s, choice_member, ch) : value(s))
		return -1;
	while (peek(s) == ',') {
		s->p++;
		if (value(s))
			return -1;
	}
	return take(s, ']');
}

static int top_member(struct scan *s, const struct span *k, struct chunk *ch, unsigned *seen)
{
	struct span obj = { 0 };
	/* An error is rare and has many shapes: jansson's. */
	if (key_is(k, "error") || key_is(k, "message"))
		return -1;
	if (key_is(k, "object")) {
		if (once(seen, 1) || string_member(s, &obj))
			return -1;
		return obj.p && (obj.esc || (obj.n == 5 && !memcmp(obj.p, "error", 5))) ? -1 : 0;
	}
	if (key_is(k, "choices"))
		return once(seen, 2) || choices(s, ch);
	if (key_is(k, "usage"))
		return once(seen, 4) || (peek(s) == '{' ? members(s, usage_member, ch) : value(s));
	return value(s);
}

/* Append a string's contents, decoding its escapes (checked by string()). */
static void decode(struct buf *b, const struct span *sp)
{
	const unsigned char *p = (const unsigned char *)sp->p, *end = p + sp->n;
	if (!sp->esc) {
		buf_append(b, sp->p, sp->n);
		return;
	}
	while (p < end) {
		const unsigned char *q = p;
		unsigned cp, lo;
		char u[4];
		while (q < end && *q != '\\')
			q++;
		buf_append(b, (const char *)p, (size_t)(q - p));
		if (q >= end)
			return;
		p = q + 2;
		switch (q[1]) {
		case 'b': buf_putc(b, '\b'); continue;
		case 'f': buf_putc(b, '\f'); continue;
		case 'n': buf_putc(b, '\n'); continue;
		case 'r': buf_putc(b, '\r'); continue;
		case 't': buf_putc(b, '\t'); continue;
		case 'u': break;
		default: buf_putc(b, (char)q[1]); continue;
		}
		hex4(q + 2, end, &cp);
		p = q + 6;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			hex4(p + 2, end, &lo);
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		}
		if (cp < 0x80) {
			buf_putc(b, (char)cp);
		} else if (cp < 0x800) {
			u[0] = (char)(0xC0 | cp >> 6);
			u[1] = (char)(0x80 | (cp & 0x3F));
			buf_append(b, u, 2);
		} else if (cp < 0x10000) {
			u[0] = (char)(0xE0 | cp >> 12);
			u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
			u[2] = (char)(0x80 | (cp & 0x3F));
			buf_append(b, u, 3);
		} else {
			u[0] = (char)(0xF0 | cp >> 18);
			u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
			u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
			u[3] = (char)(0x80 | (cp & 0x3F));
			buf_append(b, u, 4);
		}
	}
}

int openai_chunk_read(const char *data, size_t n, struct gen_out *out, int *rc)
{
	struct scan s = { (const unsigned char *)data, (const unsigned char *)data + n, 0 };
	struct chunk ch;
	memset(&ch, 0, sizeof ch);
	if (members(&s, top_member, &ch))
		return 0;
	ws(&s);
	if (s.p != s.end)
		return 0;
	/* As the jansson reader does, in its order. */
	*rc = 0;
	if (ch.content.p)
		decode(&out->text, &ch.content);
	if (ch.reasoning.p)
		decode(&out->reasoning, &ch.reasoning);
	if (ch.reasoning_content.p)
		decode(&out->reasoning, &ch.reasoning_content);
	if (ch.finish.p) {
		struct buf f = BUF_INIT;
		decode(&f, &ch.finish);
		snprintf(out->finish, sizeof out->finish, "%s", buf_str(&f));
		if (strcmp(buf_str(&f), "content_filter") == 0) {
			snprintf(out->error, sizeof out->error, "The provider's content filter stopped "
				 "the reply. The text so far is kept.");
			*rc = -1;
		}
		buf_free(&f);
		if (*rc)
			return 1;
	}
	if (ch.have_pin && ch.have_pout) {
		out->tokens_in = ch.pin;
		out->tokens_out = ch.pout;
		out->usage_seen = 1;
	}
	return 1;
}
