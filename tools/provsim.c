/* provsim.c — an LLM provider simulator: OpenAI Chat Completions (and the
 * OpenAI-compatible servers' quirks), Anthropic Messages, Google Gemini
 * streamGenerateContent and Ollama's native /api/chat.
 *
 * A single-threaded epoll HTTP/1.1 server for confab's tests: it streams
 * chunks in the wire format of the endpoint asked on a timer, with the
 * behaviour (speed, reply, thinking, failure) chosen by the request's model
 * name, e.g. "sim:tps=50:fail=drop".
 * One timer heap drives every connection; writes are non-blocking through a
 * per-connection output buffer, so one slow client never stalls the others.
 * Plain C11 + POSIX + Linux epoll; no libraries. See tools/provsim.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "provsim_demo.h"

#define MAX_HEAD (64 * 1024)           /* request line + headers */
#define MAX_BODY (16 * 1024 * 1024)    /* request body */
#define OUT_HIGH (256 * 1024)          /* stop generating above this backlog */
#define REQ_TIMEOUT_US (60 * 1000000LL) /* idle time allowed while reading a request */
#define LINGER_US (2 * 1000000LL)      /* wait for the client's FIN after ours */
#define CLOCK_TOKENS 20                /* reply=clock: tokens without tokens=N */
#define NOIDX SIZE_MAX

/* The fixed default reply (reply=lorem): tests compare it byte for byte, and
 * tools/provsim.md and tests/integration/t_provsim.sh pin its sha256. */
static const char LOREM[] =
	"## Simulated reply\n"
	"\n"
	"This is **provsim**, the stand-in for a real model. It always sends this\n"
	"same reply, so that tests can compare it exactly.\n"
	"\n"
	"What it exercises:\n"
	"\n"
	"- *emphasis*, **bold** and `inline code`\n"
	"- UTF-8: na\xc3\xafve caf\xc3\xa9, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe2\x9c\x93 \xf0\x9f\x9a\x80\n"
	"- \"quotes\" & <angle brackets>\n"
	"\n"
	"| Mode | Finish |\n"
	"|------|--------|\n"
	"| normal | stop |\n"
	"| tokens=N | length |\n"
	"\n"
	"```c\n"
	"#include <stdio.h>\n"
	"\n"
	"int main(void)\n"
	"{\n"
	"\tprintf(\"hello, \\\"world\\\"\\n\");\n"
	"\treturn 0;\n"
	"}\n"
	"```\n"
	"\n"
	"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod\n"
	"tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam,\n"
	"quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo\n"
	"consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse.";

/* The thinking text (think=N): its words, cycled to N tokens. It holds
 * '&' and '<' so tests can see it escaped on a page. */
static const char THINK[] =
	"The user wants an answer. Let me think it through, step by step & <carefully>, before I "
	"reply. ";

/* ---------------------------------------------------------------- buffers */

struct buf {
	char *p;
	size_t len, cap;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("provsim: out of memory\n", stderr);
		exit(2);
	}
	return q;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

/* Room for extra bytes plus a terminating NUL. */
static void buf_reserve(struct buf *b, size_t extra)
{
	if (b->cap > b->len && b->cap - b->len > extra)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= extra)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void buf_add(struct buf *b, const void *s, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void buf_addf(struct buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	if ((size_t)n < sizeof tmp) {
		buf_add(b, tmp, (size_t)n);
		return;
	}
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Append s as a JSON string literal (quotes included). UTF-8 passes through. */
static void buf_json_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	buf_reserve(b, n + 2);
	b->p[b->len++] = '"';
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];
		switch (ch) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			if (ch < 0x20) {
				memcpy(u, "\\u00", 4);
				u[4] = hex[ch >> 4];
				u[5] = hex[ch & 15];
				u[6] = 0;
				esc = u;
			}
		}
		if (!esc)
			continue;
		buf_add(b, s + run, i - run);
		buf_adds(b, esc);
		run = i + 1;
	}
	buf_add(b, s + run, n - run);
	buf_add(b, "\"", 1);
}

/* ------------------------------------------------------------ words, tokens */

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static size_t count_words(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (!is_ws((unsigned char)s[i]) && (i == 0 || is_ws((unsigned char)s[i - 1])))
			w++;
	return w;
}

/* A reply split into tokens: token k is text[starts[k] .. starts[k+1]).
 * Each token is one word plus the whitespace after it; whitespace at the very
 * start belongs to the first token. */
struct toks {
	const char *text;
	size_t len, n;
	size_t *starts; /* n + 1 entries */
};

static void tokenize(struct toks *t, const char *s, size_t n)
{
	size_t cap = 16, k = 0;
	size_t *st = xrealloc(NULL, cap * sizeof *st);
	int seen_word = 0;
	if (n)
		st[k++] = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_ws((unsigned char)s[i]) || (i > 0 && !is_ws((unsigned char)s[i - 1])))
			continue;
		if (seen_word) {
			if (k + 1 >= cap) {
				cap *= 2;
				st = xrealloc(st, cap * sizeof *st);
			}
			st[k++] = i;
		}
		seen_word = 1;
	}
	st[k] = n;
	t->text = s;
	t->len = n;
	t->n = n ? k : 0;
	t->starts = st;
}

/* ------------------------------------------------------------ JSON scanner */

struct jp {
	const char *p, *e;
	int depth;
};

struct reqinfo {
	struct buf model, sys, user, key, tmp;
	struct buf att;   /* attachments seen: " shape:media/type" each */
	size_t natt;
	int have_model, have_sys, stream, have_stream, include_usage;
	size_t nmsg, words;
	long max_tokens;  /* the request's cap on output tokens; 0: none */
};

static void jws(struct jp *j)
{
	while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int jpeek(struct jp *j)
{
	jws(j);
	return j->p < j->e ? (unsigned char)*j->p : -1;
}

static int jexpect(struct jp *j, char c)
{
	if (jpeek(j) != (unsigned char)c)
		return -1;
	j->p++;
	return 0;
}

static void put_utf8(struct buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_add(b, u, n);
}

static int hex4(const char *p, const char *e, unsigned *out)
{
	unsigned v = 0;
	if (e - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A JSON string at the cursor; its decoded bytes are appended to out (if not
 * NULL). Lone surrogates decode to U+FFFD; unknown escapes keep the char. */
static int jstr(struct jp *j, struct buf *out)
{
	if (jpeek(j) != '"')
		return -1;
	j->p++;
	for (;;) {
		const char *s = j->p;
		while (j->p < j->e && *j->p != '"' && *j->p != '\\')
			j->p++;
		if (out && j->p > s)
			buf_add(out, s, (size_t)(j->p - s));
		if (j->p >= j->e)
			return -1;
		if (*j->p++ == '"')
			return 0;
		if (j->p >= j->e)
			return -1;
		char c = *j->p++, ch;
		unsigned cp, lo;
		switch (c) {
		case 'n': ch = '\n'; break;
		case 't': ch = '\t'; break;
		case 'r': ch = '\r'; break;
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'u':
			if (hex4(j->p, j->e, &cp))
				return -1;
			j->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (j->e - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u' &&
				    !hex4(j->p + 2, j->e, &lo) && lo >= 0xdc00 && lo < 0xe000) {
					j->p += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else {
					cp = 0xfffd;
				}
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				cp = 0xfffd;
			}
			if (out)
				put_utf8(out, cp);
			continue;
		default: ch = c; /* \" \\ \/ and anything else */
		}
		if (out)
			buf_add(out, &ch, 1);
	}
}

static int jlit(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(j->e - j->p) < n || memcmp(j->p, lit, n))
		return -1;
	j->p += n;
	return 0;
}

static int jskip(struct jp *j);

/* Iterate an object's members: call with the cursor on '{'; for each member
 * the key is decoded into ri->key and fn parses the value (no fn: skip all,
 * ri unused). */
typedef int (*member_fn)(struct jp *, struct reqinfo *, void *);

static int jobject(struct jp *j, struct reqinfo *ri, member_fn fn, void *arg)
{
	if (jexpect(j, '{') || ++j->depth > 200)
		return -1;
	if (jpeek(j) == '}') {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		if (fn) {
			ri->key.len = 0;
			buf_add(&ri->key, "", 0);
		}
		if (jstr(j, fn ? &ri->key : NULL) || jexpect(j, ':'))
			return -1;
		if (fn ? fn(j, ri, arg) : jskip(j))
			return -1;
		int c = jpeek(j);
		j->p++;
		if (c == '}')
			break;
		if (c != ',')
			return -1;
	}
	j->depth--;
	return 0;
}

/* Iterate an array: fn is called with the cursor on each element. */
typedef int (*elem_fn)(struct jp *, struct reqinfo *, void *);

static int jarray(struct jp *j, struct reqinfo *ri, elem_fn fn, void *arg)
{
	if (jexpect(j, '[') || ++j->depth > 200)
		return -1;
	if (jpeek(j) == ']') {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		jws(j);
		if (fn ? fn(j, ri, arg) : jskip(j))
			return -1;
		int c = jpeek(j);
		j->p++;
		if (c == ']')
			break;
		if (c != ',')
			return -1;
	}
	j->depth--;
	return 0;
}

static int jskip(struct jp *j)
{
	int c = jpeek(j);
	switch (c) {
	case '"': return jstr(j, NULL);
	case '{': return jobject(j, NULL, NULL, NULL);
	case '[': return jarray(j, NULL, NULL, NULL);
	case 't': return jlit(j, "true");
	case 'f': return jlit(j, "false");
	case 'n': return jlit(j, "null");
	default:
		if (c != '-' && !(c >= '0' && c <= '9'))
			return -1;
		while (j->p < j->e && strchr("0123456789+-.eE", *j->p))
			j->p++;
		return 0;
	}
}

/* A boolean: 1 true, 0 false or anything else (skipped), -1 syntax error. */
static int jbool(struct jp *j)
{
	int c = jpeek(j);
	if (c == 't')
		return jlit(j, "true") ? -1 : 1;
	return jskip(j) ? -1 : 0;
}

/* ---- attachments (reply=attachments): each provider's shape is noted as
 * "shape:media/type" — OpenAI image_url and file parts (a data: URL),
 * Anthropic image/document blocks (source), Gemini inline_data, Ollama's
 * images (bare base64, its type read from the first bytes). */
struct att_src {
	struct buf url, media;
	int has_data;
};

static int src_member(struct jp *j, struct reqinfo *ri, void *arg)
{
	struct att_src *a = arg;
	const char *k = ri->key.p;
	if (jpeek(j) != '"')
		return jskip(j);
	if (!strcmp(k, "url") || !strcmp(k, "file_data")) {
		a->url.len = 0;
		return jstr(j, &a->url);
	}
	if (!strcmp(k, "media_type") || !strcmp(k, "mime_type") || !strcmp(k, "mimeType")) {
		a->media.len = 0;
		return jstr(j, &a->media);
	}
	if (!strcmp(k, "data")) {
		ri->tmp.len = 0;
		int rc = jstr(j, &ri->tmp);
		a->has_data = ri->tmp.len > 0;
		return rc;
	}
	return jskip(j);
}

static void att_note(struct reqinfo *ri, const char *shape, const char *media, size_t n)
{
	buf_addf(&ri->att, " %s:", shape);
	buf_add(&ri->att, media, n);
	ri->natt++;
}

/* An attachment object under key shape; noted only when it carries data. */
static int att_object(struct jp *j, struct reqinfo *ri, const char *shape)
{
	struct att_src a = {{0}, {0}, 0};
	int rc;
	buf_add(&a.url, "", 0);
	buf_add(&a.media, "", 0);
	rc = jobject(j, ri, src_member, &a);
	if (!rc && a.media.len && a.has_data) {
		att_note(ri, shape, a.media.p, a.media.len);
	} else if (!rc && a.url.len > 5 && !strncmp(a.url.p, "data:", 5)) {
		const char *semi = memchr(a.url.p, ';', a.url.len);
		if (semi && !strncmp(semi, ";base64,", 8) && semi + 8 < a.url.p + a.url.len)
			att_note(ri, shape, a.url.p + 5, (size_t)(semi - a.url.p - 5));
	}
	buf_free(&a.url);
	buf_free(&a.media);
	return rc;
}

/* Ollama's "images": base64 strings; the type from their first bytes. */
static int image_elem(struct jp *j, struct reqinfo *ri, void *arg)
{
	(void)arg;
	if (jpeek(j) != '"')
		return jskip(j);
	ri->tmp.len = 0;
	if (jstr(j, &ri->tmp))
		return -1;
	const char *b = ri->tmp.p ? ri->tmp.p : "";
	const char *t = !strncmp(b, "iVBORw0KGgo", 11) ? "image/png"
		      : !strncmp(b, "/9j/", 4) ? "image/jpeg"
		      : !strncmp(b, "R0lGOD", 6) ? "image/gif"
		      : !strncmp(b, "UklGR", 5) ? "image/webp" : "unknown";
	att_note(ri, "images", t, strlen(t));
	return 0;
}

static int part_member(struct jp *j, struct reqinfo *ri, void *arg)
{
	struct buf *content = arg;
	if (jpeek(j) == '{' && (!strcmp(ri->key.p, "image_url") || !strcmp(ri->key.p, "file") ||
				!strcmp(ri->key.p, "source") || !strcmp(ri->key.p, "inline_data") ||
				!strcmp(ri->key.p, "inlineData"))) {
		char shape[16];
		snprintf(shape, sizeof shape, "%s", ri->key.p);
		return att_object(j, ri, shape);
	}
	if (strcmp(ri->key.p, "text") || jpeek(j) != '"')
		return jskip(j);
	ri->tmp.len = 0;
	if (jstr(j, &ri->tmp))
		return -1;
	if (content->len)
		buf_add(content, "\n", 1);
	buf_add(content, ri->tmp.p ? ri->tmp.p : "", ri->tmp.len);
	return 0;
}

static int part_elem(struct jp *j, struct reqinfo *ri, void *arg)
{
	if (jpeek(j) != '{')
		return jskip(j);
	return jobject(j, ri, part_member, arg);
}

struct msg {
	struct buf role, content;
};

static int msg_member(struct jp *j, struct reqinfo *ri, void *arg)
{
	struct msg *m = arg;
	if (!strcmp(ri->key.p, "role") && jpeek(j) == '"') {
		m->role.len = 0;
		return jstr(j, &m->role);
	}
	if (!strcmp(ri->key.p, "content") || !strcmp(ri->key.p, "parts")) {
		/* OpenAI, Anthropic, Ollama: content (a string or parts); Gemini:
		 * parts. */
		m->content.len = 0;
		if (jpeek(j) == '"')
			return jstr(j, &m->content);
		if (jpeek(j) == '[')
			return jarray(j, ri, part_elem, &m->content);
	}
	if (!strcmp(ri->key.p, "images") && jpeek(j) == '[')
		return jarray(j, ri, image_elem, NULL);
	return jskip(j);
}

/* A system prompt outside the messages (Anthropic's system, Gemini's
 * systemInstruction): counted as one more message, so the usage arithmetic
 * is the same in every protocol. */
static void top_system(struct reqinfo *ri, struct buf *text)
{
	ri->nmsg++;
	ri->words += count_words(text->p, text->len);
	if (!ri->have_sys) {
		ri->have_sys = 1;
		buf_add(&ri->sys, text->p, text->len);
	}
}

static int msg_elem(struct jp *j, struct reqinfo *ri, void *arg)
{
	(void)arg;
	if (jpeek(j) != '{')
		return jskip(j);
	struct msg m = {{0}, {0}};
	buf_add(&m.role, "", 0);
	buf_add(&m.content, "", 0);
	int rc = jobject(j, ri, msg_member, &m);
	if (!rc) {
		ri->nmsg++;
		ri->words += count_words(m.content.p, m.content.len);
		if (!ri->have_sys && (!strcmp(m.role.p, "system") || !strcmp(m.role.p, "developer"))) {
			ri->have_sys = 1;
			buf_add(&ri->sys, m.content.p, m.content.len);
		}
		if (!strcmp(m.role.p, "user")) {
			ri->user.len = 0;
			buf_add(&ri->user, m.content.p, m.content.len);
		}
	}
	buf_free(&m.role);
	buf_free(&m.content);
	return rc;
}

static int opts_member(struct jp *j, struct reqinfo *ri, void *arg)
{
	(void)arg;
	if (!strcmp(ri->key.p, "include_usage")) {
		int b = jbool(j);
		if (b < 0)
			return -1;
		ri->include_usage = b;
		return 0;
	}
	return jskip(j);
}

static int top_member(struct jp *j, struct reqinfo *ri, void *arg)
{
	(void)arg;
	const char *k = ri->key.p;
	if (!strcmp(k, "model") && jpeek(j) == '"') {
		ri->model.len = 0;
		ri->have_model = 1;
		return jstr(j, &ri->model);
	}
	if (!strcmp(k, "stream")) {
		int b = jbool(j);
		if (b < 0)
			return -1;
		ri->stream = b;
		ri->have_stream = 1;
		return 0;
	}
	if (!strcmp(k, "system") || !strcmp(k, "systemInstruction") ||
	    !strcmp(k, "system_instruction")) {
		struct msg m = {{0}, {0}};
		int rc;
		buf_add(&m.role, "", 0);
		buf_add(&m.content, "", 0);
		if (jpeek(j) == '"')
			rc = jstr(j, &m.content);
		else if (jpeek(j) == '[')
			rc = jarray(j, ri, part_elem, &m.content);
		else if (jpeek(j) == '{')
			rc = jobject(j, ri, msg_member, &m);
		else
			rc = jskip(j);
		if (!rc)
			top_system(ri, &m.content);
		buf_free(&m.role);
		buf_free(&m.content);
		return rc;
	}
	/* OpenAI's max_completion_tokens / max_tokens, Anthropic's max_tokens:
	 * the reply stops there (finish reason "length"). */
	if ((!strcmp(k, "max_completion_tokens") || !strcmp(k, "max_tokens")) &&
	    jpeek(j) >= '0' && jpeek(j) <= '9') {
		char *end;
		long v = strtol(j->p, &end, 10);
		if (end > j->e)
			return -1;
		j->p = end;
		ri->max_tokens = v > 0 ? v : 0;
		return 0;
	}
	if (!strcmp(k, "contents") && jpeek(j) == '[')
		return jarray(j, ri, msg_elem, NULL);
	if (!strcmp(k, "stream_options") && jpeek(j) == '{')
		return jobject(j, ri, opts_member, NULL);
	if (!strcmp(k, "messages") && jpeek(j) == '[')
		return jarray(j, ri, msg_elem, NULL);
	return jskip(j);
}

static int parse_request(const char *s, size_t n, struct reqinfo *ri)
{
	struct jp j = {s, s + n, 0};
	buf_add(&ri->model, "", 0);
	buf_add(&ri->sys, "", 0);
	buf_add(&ri->user, "", 0);
	buf_add(&ri->tmp, "", 0);
	buf_add(&ri->att, "", 0);
	return jobject(&j, ri, top_member, NULL);
}

static void reqinfo_free(struct reqinfo *ri)
{
	buf_free(&ri->model);
	buf_free(&ri->sys);
	buf_free(&ri->user);
	buf_free(&ri->key);
	buf_free(&ri->tmp);
	buf_free(&ri->att);
}

/* ------------------------------------------------------ model-name options */

enum reply { R_DEFAULT, R_LOREM, R_FILE, R_ECHO, R_SYSTEM, R_CLOCK, R_ATTACHMENTS, R_DEMO };
enum fmode { FM_NONE, FM_MIDSTREAM, FM_DROP, FM_RESET, FM_STALL, FM_STALL_FIRST, FM_MALFORMED,
	     FM_ERROR200, FM_ERRORLINE, FM_SAFETY,
	     /* hostile: after half the tokens, forever (tps pieces a second; tps=0 flat out) */
	     FM_ENDLESS_DATA, FM_GIANT_LINE, FM_ENDLESS_KEEPALIVE, FM_EMPTY_EVENTS };

/* The wire format, chosen by the endpoint asked. */
enum proto { P_OPENAI, P_ANTHROPIC, P_GEMINI, P_OLLAMA };

struct plan {
	double tps;
	long ttft_ms;
	long tokens; /* -1: the whole reply */
	enum reply reply;
	enum fmode fm;
	int fail_status;      /* 0, 401, 429, 500 or 529 */
	unsigned long fail_times; /* 0: every request */
	int nousage, keepalive, crlf, te_close;
	long think;           /* thinking tokens before the answer */
	int reasoning_content; /* OpenAI: think in delta.reasoning_content */
	char retry_after[32];
	char key_tail[16];    /* key=TAIL: 401 unless the request's key ends so */
};

static double opt_tps = 20;
static long opt_ttft = 300;

static void apply_fail(struct plan *pl, const char *v, size_t n)
{
#define IS(s) (n == strlen(s) && !memcmp(v, s, n))
	if (IS("midstream")) pl->fm = FM_MIDSTREAM;
	else if (IS("drop")) pl->fm = FM_DROP;
	else if (IS("reset")) pl->fm = FM_RESET;
	else if (IS("stall")) pl->fm = FM_STALL;
	else if (IS("stall-first")) pl->fm = FM_STALL_FIRST;
	else if (IS("malformed")) pl->fm = FM_MALFORMED;
	else if (IS("error200")) pl->fm = FM_ERROR200;
	else if (IS("errorline")) pl->fm = FM_ERRORLINE;
	else if (IS("safety")) pl->fm = FM_SAFETY;
	else if (IS("endless-data")) pl->fm = FM_ENDLESS_DATA;
	else if (IS("giant-line")) pl->fm = FM_GIANT_LINE;
	else if (IS("endless-keepalive")) pl->fm = FM_ENDLESS_KEEPALIVE;
	else if (IS("empty-events")) pl->fm = FM_EMPTY_EVENTS;
	else if (IS("nousage")) pl->nousage = 1;
	else if (IS("keepalive")) pl->keepalive = 1;
	else if (IS("crlf")) pl->crlf = 1;
	else if (n >= 3 && (!memcmp(v, "401", 3) || !memcmp(v, "429", 3) || !memcmp(v, "500", 3) ||
			    !memcmp(v, "529", 3))) {
		if (n == 3) {
			pl->fail_status = atoi(v);
			pl->fail_times = 0;
		} else if (v[3] == 'x' && n > 4 && n < 24) {
			char num[24];
			memcpy(num, v + 4, n - 4);
			num[n - 4] = 0;
			char *end;
			unsigned long t = strtoul(num, &end, 10);
			if (!*end && t > 0) {
				pl->fail_status = atoi(v);
				pl->fail_times = t;
			}
		}
	}
#undef IS
}

/* Options are the ':'-separated key=value segments after the first one. */
static void parse_plan(const char *model, struct plan *pl)
{
	memset(pl, 0, sizeof *pl);
	pl->tps = opt_tps;
	pl->ttft_ms = opt_ttft;
	pl->tokens = -1;
	strcpy(pl->retry_after, "1");
	const char *seg = strchr(model, ':');
	while (seg) {
		seg++;
		const char *end = strchr(seg, ':');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);
		const char *eq = memchr(seg, '=', n);
		if (eq) {
			size_t kn = (size_t)(eq - seg), vn = n - kn - 1;
			char v[64];
			const char *vp = eq + 1;
			if (vn < sizeof v) {
				memcpy(v, vp, vn);
				v[vn] = 0;
#define KEY(s) (kn == strlen(s) && !memcmp(seg, s, kn))
				if (KEY("tps")) {
					pl->tps = strtod(v, NULL);
				} else if (KEY("ttft")) {
					pl->ttft_ms = strtol(v, NULL, 10);
					if (pl->ttft_ms < 0)
						pl->ttft_ms = 0;
				} else if (KEY("tokens")) {
					pl->tokens = strtol(v, NULL, 10);
					if (pl->tokens < 0)
						pl->tokens = -1;
				} else if (KEY("reply")) {
					if (!strcmp(v, "echo")) pl->reply = R_ECHO;
					else if (!strcmp(v, "lorem")) pl->reply = R_LOREM;
					else if (!strcmp(v, "system")) pl->reply = R_SYSTEM;
					else if (!strcmp(v, "clock")) pl->reply = R_CLOCK;
					else if (!strcmp(v, "attachments")) pl->reply = R_ATTACHMENTS;
					else if (!strcmp(v, "file")) pl->reply = R_FILE;
					else if (!strcmp(v, "demo")) pl->reply = R_DEMO;
				} else if (KEY("fail")) {
					/* several modes: fail=a,b or fail=a+b or repeated fail= */
					const char *p = v;
					while (*p) {
						size_t m = strcspn(p, ",+");
						apply_fail(pl, p, m);
						p += m;
						if (*p)
							p++;
					}
				} else if (KEY("key")) {
					snprintf(pl->key_tail, sizeof pl->key_tail, "%.15s", v);
				} else if (KEY("think")) {
					pl->think = strtol(v, NULL, 10);
					if (pl->think < 0)
						pl->think = 0;
				} else if (KEY("rfield")) {
					pl->reasoning_content = !strcmp(v, "reasoning_content");
				} else if (KEY("te")) {
					pl->te_close = !strcmp(v, "close");
				} else if (KEY("retry-after")) {
					if (vn && strspn(v, "0123456789.") == vn && vn < sizeof pl->retry_after)
						strcpy(pl->retry_after, v);
				}
#undef KEY
			}
		}
		seg = end;
	}
}

/* fail=CODExN: requests seen so far per exact model string. */
struct counter {
	struct counter *next;
	unsigned long n;
	char model[];
};
static struct counter *counters;

static unsigned long counter_bump(const char *model)
{
	struct counter *k;
	for (k = counters; k; k = k->next)
		if (!strcmp(k->model, model))
			return k->n++;
	size_t n = strlen(model);
	k = xrealloc(NULL, sizeof *k + n + 1);
	memcpy(k->model, model, n + 1);
	k->n = 1;
	k->next = counters;
	counters = k;
	return 0;
}

/* ------------------------------------------------------------ connections */

enum cstate {
	S_HEAD,     /* reading the request line and headers */
	S_BODY,     /* reading the body */
	S_WAIT,     /* non-stream: waiting to send the whole answer */
	S_STREAM,   /* streaming tokens on the timer */
	S_STALL,    /* sending nothing more, until the client closes */
	S_HOSTILE,  /* a hostile failure mode, until the client closes */
	S_CLOSING,  /* response queued: when flushed, shutdown and linger */
	S_DROPPING, /* when flushed, close at once (fail=drop/reset) */
	S_LINGER,   /* our FIN sent: wait for the client's, discarding input */
};

enum ck { CK_SIZE, CK_DATA, CK_DATA_END, CK_TRAILER };

struct conn {
	struct conn *prev, *next; /* all connections */
	int fd;
	enum cstate state;
	unsigned long long serial;
	int64_t due;
	size_t hidx; /* index in the timer heap or NOIDX */
	int want_out;
	char peer[64];

	/* request */
	char key_tail[16];  /* the last characters of the API key it carried */
	struct buf in;   /* head bytes */
	struct buf body;
	struct buf ckline;
	enum ck ck;
	size_t ck_left;
	int chunked_req, expect100, http10;
	size_t content_length;
	char method[16];
	char *path;
	int have_req, logged;
	int64_t t_req, t_done;

	/* response */
	struct buf out;
	size_t out_off;
	int status;
	const char *end;
	char *model, *model_json;
	long long created;
	int stream, include_usage, nousage, keepalive, crlf, chunked, blocked;
	int finish_length, clock_reply, role_sent;
	enum fmode fm;
	enum proto proto;
	size_t think;          /* the first `think` tokens are thinking */
	int reasoning_content;
	int ablock;            /* Anthropic: 0 no block open, 1 thinking, 2 text */
	double tps;
	int64_t t_first;
	size_t n_total, cutoff, next_tok, nevents, prompt_tokens;
	struct toks tk;
	int tk_owned;
	char *reply_owned;
};

static int epfd = -1, lfd = -1;
static int quiet;
static volatile sig_atomic_t stop_flag;
static struct conn *conns;
static size_t nconns;
static unsigned long long next_serial = 1;
static struct toks lorem_toks, file_toks, think_toks;
static char *file_text;
static int have_file;
static struct buf scratch, jbuf; /* shared scratch space (single-threaded) */
static char listen_marker;

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* -------------------------------------------------------------- timer heap */

static struct conn **heap;
static size_t heap_n, heap_cap;

static void heap_set(size_t i, struct conn *c)
{
	heap[i] = c;
	c->hidx = i;
}

static void heap_up(size_t i)
{
	struct conn *c = heap[i];
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (heap[p]->due <= c->due)
			break;
		heap_set(i, heap[p]);
		i = p;
	}
	heap_set(i, c);
}

static void heap_down(size_t i)
{
	struct conn *c = heap[i];
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		int64_t best = c->due;
		if (l < heap_n && heap[l]->due < best) {
			m = l;
			best = heap[l]->due;
		}
		if (l + 1 < heap_n && heap[l + 1]->due < best)
			m = l + 1;
		if (m == i)
			break;
		heap_set(i, heap[m]);
		i = m;
	}
	heap_set(i, c);
}

static void timer_clear(struct conn *c)
{
	if (c->hidx == NOIDX)
		return;
	size_t i = c->hidx;
	c->hidx = NOIDX;
	heap_n--;
	if (i == heap_n)
		return;
	struct conn *m = heap[heap_n];
	heap_set(i, m);
	heap_up(i);
	heap_down(m->hidx);
}

static void timer_set(struct conn *c, int64_t due)
{
	timer_clear(c);
	if (heap_n == heap_cap) {
		heap_cap = heap_cap ? heap_cap * 2 : 1024;
		heap = xrealloc(heap, heap_cap * sizeof *heap);
	}
	c->due = due;
	heap_set(heap_n++, c);
	heap_up(c->hidx);
}

/* ------------------------------------------------------------- conn basics */

static void set_out(struct conn *c, int want)
{
	if (c->want_out == want)
		return;
	struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0u), .data.ptr = c};
	epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
	c->want_out = want;
}

static void conn_log(struct conn *c)
{
	if (!c->have_req || c->logged)
		return;
	c->logged = 1;
	if (quiet)
		return;
	int64_t t = c->t_done ? c->t_done : now_us();
	fprintf(stderr, "provsim: %s %s %s model=%s status=%d tokens=%zu end=%s ms=%lld\n",
		c->peer, c->method, c->path ? c->path : "-", c->model ? c->model : "-",
		c->status, c->next_tok, c->end ? c->end : "client-closed",
		(long long)((t - c->t_req) / 1000));
}

static void conn_close(struct conn *c)
{
	conn_log(c);
	timer_clear(c);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	buf_free(&c->in);
	buf_free(&c->body);
	buf_free(&c->ckline);
	buf_free(&c->out);
	free(c->path);
	free(c->model);
	free(c->model_json);
	free(c->reply_owned);
	if (c->tk_owned)
		free(c->tk.starts);
	free(c);
	nconns--;
}

/* Send what we can. 1: all sent; 0: the rest waits for EPOLLOUT; -1: the
 * client is gone (the caller closes). */
static int out_write(struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
		if (n > 0) {
			c->out_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (c->out_off > 65536 && c->out_off * 2 > c->out.len) {
				memmove(c->out.p, c->out.p + c->out_off, c->out.len - c->out_off);
				c->out.len -= c->out_off;
				c->out_off = 0;
			}
			return 0;
		}
		return -1;
	}
	c->out.len = c->out_off = 0;
	if (c->out.cap > 65536)
		buf_free(&c->out);
	return 1;
}

static int stream_step(struct conn *c, int64_t now);
static int hostile_step(struct conn *c, int64_t now);

/* Flush the output and run what follows a drained buffer. -1: c was freed. */
static int conn_flush(struct conn *c)
{
	int r = out_write(c);
	if (r < 0) {
		if (!c->end || c->state == S_STREAM || c->state == S_STALL)
			c->end = "client-closed";
		conn_close(c);
		return -1;
	}
	if (r == 0) {
		set_out(c, 1);
		return 0;
	}
	set_out(c, 0);
	switch (c->state) {
	case S_CLOSING:
		shutdown(c->fd, SHUT_WR);
		c->state = S_LINGER;
		timer_set(c, now_us() + LINGER_US);
		return 0;
	case S_DROPPING:
		if (c->fm == FM_RESET) {
			struct linger lg = {1, 0};
			setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		}
		conn_close(c);
		return -1;
	case S_STREAM:
	case S_HOSTILE:
		if (c->blocked) {
			c->blocked = 0;
			return c->state == S_STREAM ? stream_step(c, now_us()) : hostile_step(c, now_us());
		}
		return 0;
	default:
		return 0;
	}
}

static const char *reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 529: return "Overloaded";
	case 501: return "Not Implemented";
	default: return "Unknown";
	}
}

/* A complete response with a Content-Length; then close. */
static int respond(struct conn *c, int status, const char *ctype, const char *extra,
		   const char *body, size_t n)
{
	c->status = status;
	if (!c->end)
		c->end = status == 200 ? "done" : "error";
	buf_addf(&c->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		 "Connection: close\r\nx-request-id: req_provsim_%llu\r\n%s\r\n",
		 status, reason(status), ctype, n, c->serial, extra ? extra : "");
	buf_add(&c->out, body, n);
	c->state = S_CLOSING;
	c->t_done = now_us();
	conn_log(c);
	return conn_flush(c);
}

static int respond_error(struct conn *c, int status, const char *msg, const char *type,
			 const char *code, const char *extra)
{
	struct buf b = {0};
	buf_adds(&b, "{\"error\":{\"message\":");
	buf_json_str(&b, msg, strlen(msg));
	buf_adds(&b, ",\"type\":");
	buf_json_str(&b, type, strlen(type));
	buf_adds(&b, ",\"param\":null,\"code\":");
	if (code)
		buf_json_str(&b, code, strlen(code));
	else
		buf_adds(&b, "null");
	buf_adds(&b, "}}");
	int r = respond(c, status, "application/json", extra, b.p, b.len);
	buf_free(&b);
	return r;
}

/* ------------------------------------------------------------- streaming */

/* Body bytes, framed as one HTTP chunk when chunked. */
static void body_add(struct conn *c, const char *p, size_t n)
{
	if (!n)
		return;
	if (c->chunked) {
		buf_addf(&c->out, "%zx\r\n", n);
		buf_add(&c->out, p, n);
		buf_add(&c->out, "\r\n", 2);
	} else {
		buf_add(&c->out, p, n);
	}
}

static void body_end(struct conn *c)
{
	if (c->chunked)
		buf_add(&c->out, "0\r\n\r\n", 5);
}

static const char *eol(struct conn *c)
{
	return c->crlf ? "\r\n" : "\n";
}

/* A keep-alive between events: an SSE comment (OpenRouter's), Anthropic's
 * ping event, or an empty line in Ollama's JSON lines. */
static void comment(struct conn *c, struct buf *s)
{
	if (c->proto == P_ANTHROPIC) {
		buf_adds(s, "event: ping");
		buf_adds(s, eol(c));
		buf_adds(s, "data: {\"type\": \"ping\"}");
	} else if (c->proto != P_OLLAMA) {
		buf_adds(s, ": OPENROUTER PROCESSING");
	}
	buf_adds(s, eol(c));
	if (c->proto != P_OLLAMA)
		buf_adds(s, eol(c));
}

/* One event: an SSE event (named when name is not NULL) whose data is
 * json, or for Ollama one JSON line. */
static void emit(struct conn *c, const char *name, const char *json, size_t n)
{
	scratch.len = 0;
	if (c->keepalive && c->nevents > 0)
		comment(c, &scratch);
	if (c->proto == P_OLLAMA) {
		buf_add(&scratch, json, n);
		buf_adds(&scratch, eol(c));
	} else {
		if (name) {
			buf_adds(&scratch, "event: ");
			buf_adds(&scratch, name);
			buf_adds(&scratch, eol(c));
		}
		buf_adds(&scratch, "data: ");
		buf_add(&scratch, json, n);
		buf_adds(&scratch, eol(c));
		buf_adds(&scratch, eol(c));
	}
	c->nevents++;
	body_add(c, scratch.p, scratch.len);
}

static void event(struct conn *c, const char *json, size_t n)
{
	emit(c, NULL, json, n);
}

static void chunk_head(struct conn *c, struct buf *b, const char *object)
{
	b->len = 0;
	buf_addf(b, "{\"id\":\"chatcmpl-provsim%llu\",\"object\":\"%s\",\"created\":%lld,\"model\":",
		 c->serial, object, c->created);
	buf_adds(b, c->model_json);
	buf_adds(b, ",\"system_fingerprint\":\"fp_provsim\",\"choices\":");
}

/* Token i's text: into tmp for reply=clock, else a slice of the reply. */
static const char *token_text(struct conn *c, size_t i, char *tmp, size_t tmpsz, size_t *len)
{
	if (c->clock_reply) {
		int n = snprintf(tmp, tmpsz, "<t=%lld> ", wall_ms());
		*len = (size_t)n;
		return tmp;
	}
	size_t k = i % c->tk.n;
	*len = c->tk.starts[k + 1] - c->tk.starts[k];
	return c->tk.text + c->tk.starts[k];
}

/* Thinking token i: the words of THINK, cycled. */
static const char *think_text(size_t i, size_t *len)
{
	size_t k = i % think_toks.n;
	*len = think_toks.starts[k + 1] - think_toks.starts[k];
	return think_toks.text + think_toks.starts[k];
}

/* Ollama's created_at, and Anthropic's and Gemini's ids. */
static void ollama_head(struct conn *c, struct buf *b)
{
	b->len = 0;
	buf_adds(b, "{\"model\":");
	buf_adds(b, c->model_json);
	buf_adds(b, ",\"created_at\":\"2024-08-07T10:19:08.123456Z\",\"message\":{\"role\":\"assistant\","
		 "\"content\":");
}

static void anthropic_block(struct conn *c, int kind)
{
	size_t idx = c->ablock ? 1 : 0;
	if (c->ablock == 1) {
		jbuf.len = 0;
		buf_adds(&jbuf, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
			 "\"signature_delta\",\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pk"
			 "iMOYds\"}}");
		emit(c, "content_block_delta", jbuf.p, jbuf.len);
		jbuf.len = 0;
		buf_adds(&jbuf, "{\"type\":\"content_block_stop\",\"index\":0}");
		emit(c, "content_block_stop", jbuf.p, jbuf.len);
	}
	jbuf.len = 0;
	buf_addf(&jbuf, "{\"type\":\"content_block_start\",\"index\":%zu,\"content_block\":%s}", idx,
		 kind == 1 ? "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}"
			   : "{\"type\":\"text\",\"text\":\"\"}");
	emit(c, "content_block_start", jbuf.p, jbuf.len);
	if (!c->ablock) {
		jbuf.len = 0;
		buf_adds(&jbuf, "{\"type\": \"ping\"}");
		emit(c, "ping", jbuf.p, jbuf.len);
	}
	c->ablock = kind;
}

/* Gemini's cumulative usageMetadata after `sent` tokens. */
static void gemini_usage(struct conn *c, struct buf *b, size_t sent)
{
	size_t thoughts = sent < c->think ? sent : c->think, cand = sent - thoughts;
	if (c->nousage)
		return;
	buf_addf(b, ",\"usageMetadata\":{\"promptTokenCount\":%zu,\"candidatesTokenCount\":%zu,"
		 "\"totalTokenCount\":%zu", c->prompt_tokens, cand, c->prompt_tokens + sent);
	if (c->think)
		buf_addf(b, ",\"thoughtsTokenCount\":%zu", thoughts);
	buf_adds(b, "}");
}

/* A Gemini chunk of one part (part NULL: an empty text part). */
static void gemini_chunk(struct conn *c, const char *t, size_t n, int thought, const char *finish,
			 size_t sent)
{
	jbuf.len = 0;
	buf_adds(&jbuf, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":");
	buf_json_str(&jbuf, t, n);
	if (thought)
		buf_adds(&jbuf, ",\"thought\":true");
	buf_adds(&jbuf, "}],\"role\":\"model\"}");
	if (finish)
		buf_addf(&jbuf, ",\"finishReason\":\"%s\"", finish);
	if (finish && !strcmp(finish, "SAFETY"))
		buf_adds(&jbuf, ",\"safetyRatings\":[{\"category\":\"HARM_CATEGORY_DANGEROUS_CONTENT\","
			 "\"probability\":\"HIGH\",\"blocked\":true}]");
	buf_adds(&jbuf, ",\"index\":0}]");
	gemini_usage(c, &jbuf, sent);
	buf_adds(&jbuf, ",\"modelVersion\":");
	buf_adds(&jbuf, c->model_json);
	buf_addf(&jbuf, ",\"responseId\":\"provsim%llu\"}", c->serial);
	event(c, jbuf.p, jbuf.len);
}

static void emit_role(struct conn *c)
{
	switch (c->proto) {
	case P_OPENAI:
		chunk_head(c, &jbuf, "chat.completion.chunk");
		buf_adds(&jbuf, "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
			 "\"logprobs\":null,\"finish_reason\":null}]}");
		event(c, jbuf.p, jbuf.len);
		break;
	case P_ANTHROPIC:
		jbuf.len = 0;
		buf_addf(&jbuf, "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_provsim%llu\","
			 "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":", c->serial);
		buf_adds(&jbuf, c->model_json);
		buf_adds(&jbuf, ",\"stop_reason\":null,\"stop_sequence\":null");
		if (!c->nousage)
			buf_addf(&jbuf, ",\"usage\":{\"input_tokens\":%zu,\"cache_creation_input_tokens\":0,"
				 "\"cache_read_input_tokens\":0,\"output_tokens\":1}", c->prompt_tokens);
		buf_adds(&jbuf, "}}");
		emit(c, "message_start", jbuf.p, jbuf.len);
		break;
	default: /* Gemini and Ollama have no opening chunk */
		break;
	}
}

static void emit_token(struct conn *c, size_t i)
{
	char tmp[64];
	size_t n;
	int thinking = i < c->think;
	const char *t = thinking ? think_text(i, &n) : token_text(c, i - c->think, tmp, sizeof tmp, &n);
	switch (c->proto) {
	case P_OPENAI:
		chunk_head(c, &jbuf, "chat.completion.chunk");
		buf_addf(&jbuf, "[{\"index\":0,\"delta\":{\"%s\":",
			 !thinking ? "content" : c->reasoning_content ? "reasoning_content" : "reasoning");
		buf_json_str(&jbuf, t, n);
		buf_adds(&jbuf, "},\"logprobs\":null,\"finish_reason\":null}]}");
		event(c, jbuf.p, jbuf.len);
		break;
	case P_ANTHROPIC:
		if (c->ablock != (thinking ? 1 : 2))
			anthropic_block(c, thinking ? 1 : 2);
		jbuf.len = 0;
		buf_addf(&jbuf, "{\"type\":\"content_block_delta\",\"index\":%d,\"delta\":{\"type\":\"%s\",\"%s\":",
			 thinking || !c->think ? 0 : 1, thinking ? "thinking_delta" : "text_delta",
			 thinking ? "thinking" : "text");
		buf_json_str(&jbuf, t, n);
		buf_adds(&jbuf, "}}");
		emit(c, "content_block_delta", jbuf.p, jbuf.len);
		break;
	case P_GEMINI:
		gemini_chunk(c, t, n, thinking, NULL, i + 1);
		break;
	case P_OLLAMA:
		ollama_head(c, &jbuf);
		if (thinking) {
			buf_adds(&jbuf, "\"\",\"thinking\":");
			buf_json_str(&jbuf, t, n);
		} else {
			buf_json_str(&jbuf, t, n);
		}
		buf_adds(&jbuf, "},\"done\":false}");
		event(c, jbuf.p, jbuf.len);
		break;
	}
}

static void usage_json(struct conn *c, struct buf *b, size_t completion)
{
	buf_addf(b, "\"usage\":{\"prompt_tokens\":%zu,\"completion_tokens\":%zu,\"total_tokens\":%zu}",
		 c->prompt_tokens, completion, c->prompt_tokens + completion);
}

static void stream_done(struct conn *c, const char *end)
{
	c->end = end;
	c->t_done = now_us();
	timer_clear(c);
	conn_log(c);
}

/* The error a failure mode sends inside the 200 stream, in the protocol's
 * own shape. */
static void emit_midstream_error(struct conn *c)
{
	static const char oa[] =
		"{\"error\":{\"message\":\"The server had an error processing your request.\","
		"\"type\":\"server_error\"}}";
	static const char an[] =
		"{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}";
	static const char ge[] =
		"{\"error\":{\"code\":500,\"message\":\"An internal error has occurred.\",\"status\":\"INTERNAL\"}}";
	static const char ol[] =
		"{\"error\":\"an error was encountered while running the model: unexpected EOF\"}";
	switch (c->proto) {
	case P_OPENAI: event(c, oa, sizeof oa - 1); break;
	case P_ANTHROPIC: emit(c, "error", an, sizeof an - 1); break;
	case P_GEMINI: event(c, ge, sizeof ge - 1); break;
	case P_OLLAMA: event(c, ol, sizeof ol - 1); break;
	}
}

static void emit_malformed(struct conn *c)
{
	static const char oa[] = "{\"choices\":[{\"delta\":{\"content\":\"oops";
	static const char an[] = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
				 "{\"type\":\"text_delta\",\"text\":\"oops";
	static const char ge[] = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"oops";
	static const char ol[] = "{\"model\":\"sim\",\"message\":{\"role\":\"assistant\",\"content\":\"oops";
	switch (c->proto) {
	case P_OPENAI:
		event(c, oa, sizeof oa - 1);
		event(c, "[DONE]", 6);
		break;
	case P_ANTHROPIC: emit(c, "content_block_delta", an, sizeof an - 1); break;
	case P_GEMINI: event(c, ge, sizeof ge - 1); break;
	case P_OLLAMA: event(c, ol, sizeof ol - 1); break;
	}
}

#define HOSTILE_PIECE (16 * 1024)

/* One piece of a hostile mode's endless output. endless-data: data lines
 * of 16 KiB and never a blank line (Ollama: as giant-line, its lines being
 * the events); giant-line: one line that never ends (started by the first
 * piece); endless-keepalive: a keep-alive as `keepalive` sends;
 * empty-events: a well-formed event that carries no text. */
static void hostile_piece(struct conn *c)
{
	static char xs[HOSTILE_PIECE];
	if (!xs[0])
		memset(xs, 'x', sizeof xs);
	scratch.len = 0;
	switch (c->fm) {
	case FM_ENDLESS_DATA:
		if (c->proto != P_OLLAMA) {
			buf_adds(&scratch, "data: ");
			buf_add(&scratch, xs, HOSTILE_PIECE - 6 - strlen(eol(c)));
			buf_adds(&scratch, eol(c));
			break;
		}
		/* fall through */
	case FM_GIANT_LINE:
		if (c->nevents++ == 0)
			buf_adds(&scratch, c->proto == P_OLLAMA ? "{\"message\":{\"content\":\""
								: "data: {\"choices\":[{\"delta\":{\"content\":\"");
		buf_add(&scratch, xs, HOSTILE_PIECE);
		break;
	case FM_ENDLESS_KEEPALIVE:
		comment(c, &scratch);
		break;
	default: /* FM_EMPTY_EVENTS */
		switch (c->proto) {
		case P_OPENAI:
			chunk_head(c, &jbuf, "chat.completion.chunk");
			buf_adds(&jbuf, "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":null}]}");
			event(c, jbuf.p, jbuf.len);
			break;
		case P_ANTHROPIC:
			jbuf.len = 0;
			buf_addf(&jbuf, "{\"type\":\"content_block_delta\",\"index\":%d,\"delta\":"
				 "{\"type\":\"text_delta\",\"text\":\"\"}}", c->think ? 1 : 0);
			emit(c, "content_block_delta", jbuf.p, jbuf.len);
			break;
		case P_GEMINI:
			gemini_chunk(c, "", 0, 0, NULL, c->next_tok);
			break;
		case P_OLLAMA:
			ollama_head(c, &jbuf);
			buf_adds(&jbuf, "\"\"},\"done\":false}");
			event(c, jbuf.p, jbuf.len);
			break;
		}
		return;    /* event() framed it already */
	}
	body_add(c, scratch.p, scratch.len);
}

/* Send hostile pieces: one per 1/tps s, or with tps=0 as fast as the
 * client reads (yielding to the other connections every 64 pieces). */
static int hostile_step(struct conn *c, int64_t now)
{
	for (int made = 0;; made++) {
		if (c->out.len - c->out_off > OUT_HIGH) {
			if (out_write(c) < 0) {
				c->end = "client-closed";
				conn_close(c);
				return -1;
			}
			if (c->out.len - c->out_off > OUT_HIGH) {
				c->blocked = 1;
				timer_clear(c);
				set_out(c, 1);
				return 0;
			}
		}
		if (c->tps > 0 && made == 1) {
			timer_set(c, now + (int64_t)(1e6 / c->tps));
			break;
		}
		if (made == 64) {
			timer_set(c, now + 1);    /* after this round of timers */
			break;
		}
		hostile_piece(c);
	}
	return conn_flush(c);
}

static int stream_fail(struct conn *c)
{
	switch (c->fm) {
	case FM_ENDLESS_DATA:
	case FM_GIANT_LINE:
	case FM_ENDLESS_KEEPALIVE:
	case FM_EMPTY_EVENTS:
		c->state = S_HOSTILE;
		c->nevents = 0;
		c->keepalive = 0;
		stream_done(c, "hostile");
		return hostile_step(c, now_us());
	case FM_MIDSTREAM:
		emit_midstream_error(c);
		body_end(c);
		c->state = S_CLOSING;
		stream_done(c, "midstream");
		break;
	case FM_ERROR200:
		/* OpenRouter: an error object and finish_reason "error" in a chunk. */
		if (c->proto == P_OPENAI) {
			chunk_head(c, &jbuf, "chat.completion.chunk");
			buf_adds(&jbuf, "[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\","
				 "\"native_finish_reason\":\"error\"}],\"provider\":\"provsim\","
				 "\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected\"}}");
			event(c, jbuf.p, jbuf.len);
			event(c, "[DONE]", 6);
		} else {
			emit_midstream_error(c);
		}
		body_end(c);
		c->state = S_CLOSING;
		stream_done(c, "error200");
		break;
	case FM_ERRORLINE:
		/* Older llama.cpp servers: a non-SSE "error:" field, then [DONE]. */
		scratch.len = 0;
		buf_adds(&scratch, "error: {\"code\":500,\"message\":\"llama.cpp: context shift failed\","
			 "\"type\":\"server_error\"}");
		buf_adds(&scratch, eol(c));
		buf_adds(&scratch, eol(c));
		body_add(c, scratch.p, scratch.len);
		event(c, "[DONE]", 6);
		body_end(c);
		c->state = S_CLOSING;
		stream_done(c, "errorline");
		break;
	case FM_SAFETY:
		if (c->proto == P_GEMINI)
			gemini_chunk(c, "", 0, 0, "SAFETY", c->next_tok);
		else
			emit_midstream_error(c);
		body_end(c);
		c->state = S_CLOSING;
		stream_done(c, "safety");
		break;
	case FM_MALFORMED:
		emit_malformed(c);
		body_end(c);
		c->state = S_CLOSING;
		stream_done(c, "malformed");
		break;
	case FM_DROP:
	case FM_RESET:
		c->state = S_DROPPING;
		stream_done(c, c->fm == FM_DROP ? "drop" : "reset");
		break;
	default: /* FM_STALL */
		c->state = S_STALL;
		stream_done(c, "stall");
		break;
	}
	return conn_flush(c);
}

static void finish_openai(struct conn *c)
{
	chunk_head(c, &jbuf, "chat.completion.chunk");
	buf_addf(&jbuf, "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"%s\"}]}",
		 c->finish_length ? "length" : "stop");
	event(c, jbuf.p, jbuf.len);
	if (c->include_usage && !c->nousage) {
		chunk_head(c, &jbuf, "chat.completion.chunk");
		buf_adds(&jbuf, "[],");
		usage_json(c, &jbuf, c->next_tok);
		buf_adds(&jbuf, "}");
		event(c, jbuf.p, jbuf.len);
	}
	event(c, "[DONE]", 6);
}

static void finish_anthropic(struct conn *c)
{
	if (c->ablock != 2)
		anthropic_block(c, 2);
	jbuf.len = 0;
	buf_addf(&jbuf, "{\"type\":\"content_block_stop\",\"index\":%d}", c->think ? 1 : 0);
	emit(c, "content_block_stop", jbuf.p, jbuf.len);
	jbuf.len = 0;
	buf_addf(&jbuf, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"%s\","
		 "\"stop_sequence\":null}", c->finish_length ? "max_tokens" : "end_turn");
	if (!c->nousage)
		buf_addf(&jbuf, ",\"usage\":{\"output_tokens\":%zu}", c->next_tok);
	buf_adds(&jbuf, "}");
	emit(c, "message_delta", jbuf.p, jbuf.len);
	jbuf.len = 0;
	buf_adds(&jbuf, "{\"type\":\"message_stop\"}");
	emit(c, "message_stop", jbuf.p, jbuf.len);
}

static void finish_ollama(struct conn *c)
{
	ollama_head(c, &jbuf);
	buf_addf(&jbuf, "\"\"},\"done\":true,\"done_reason\":\"%s\"",
		 c->finish_length ? "length" : "stop");
	if (!c->nousage)
		buf_addf(&jbuf, ",\"total_duration\":%lld,\"load_duration\":1000000,"
			 "\"prompt_eval_count\":%zu,\"prompt_eval_duration\":2000000,"
			 "\"eval_count\":%zu,\"eval_duration\":%lld",
			 (long long)(now_us() - c->t_req) * 1000, c->prompt_tokens, c->next_tok,
			 (long long)(now_us() - c->t_first) * 1000);
	buf_adds(&jbuf, "}");
	event(c, jbuf.p, jbuf.len);
}

static int stream_finish(struct conn *c)
{
	switch (c->proto) {
	case P_OPENAI: finish_openai(c); break;
	case P_ANTHROPIC: finish_anthropic(c); break;
	case P_GEMINI:
		/* No end marker: the last chunk names the finish, then the body ends. */
		gemini_chunk(c, "", 0, 0, c->finish_length ? "MAX_TOKENS" : "STOP", c->next_tok);
		break;
	case P_OLLAMA: finish_ollama(c); break;
	}
	body_end(c);
	c->state = S_CLOSING;
	stream_done(c, "done");
	return conn_flush(c);
}

static int64_t tok_due(struct conn *c, size_t i)
{
	if (c->tps <= 0)
		return c->t_first;
	return c->t_first + (int64_t)((double)i * 1e6 / c->tps);
}

/* Emit everything that is due by now; then re-arm the timer. */
static int stream_step(struct conn *c, int64_t now)
{
	for (;;) {
		if (c->out.len - c->out_off > OUT_HIGH) {
			if (out_write(c) < 0) {
				c->end = "client-closed";
				conn_close(c);
				return -1;
			}
			if (c->out.len - c->out_off > OUT_HIGH) {
				/* a slow reader: resume when the buffer drains */
				c->blocked = 1;
				timer_clear(c);
				set_out(c, 1);
				return 0;
			}
		}
		if (!c->role_sent) {
			emit_role(c);
			c->role_sent = 1;
		}
		if (c->next_tok == c->cutoff)
			return stream_fail(c);
		if (c->next_tok >= c->n_total)
			return stream_finish(c);
		emit_token(c, c->next_tok++);
		if (c->next_tok == c->cutoff || c->next_tok >= c->n_total)
			continue; /* what follows the last token goes out with it */
		int64_t due = tok_due(c, c->next_tok);
		if (due > now) {
			timer_set(c, due);
			break;
		}
	}
	return conn_flush(c);
}

/* ---------------------------------------------------------------- routes */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !memcmp(s + n - m, suffix, m);
}

static int route_models(struct conn *c)
{
	static const char *ids[] = {"sim", "sim:reply=echo", "sim:reply=system", "sim:reply=clock",
				    "sim:tps=1000:ttft=0"};
	struct buf b = {0};
	buf_adds(&b, "{\"object\":\"list\",\"data\":[");
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
		buf_addf(&b, "%s{\"id\":\"%s\",\"object\":\"model\",\"created\":1700000000,"
			 "\"owned_by\":\"provsim\"}", i ? "," : "", ids[i]);
	buf_adds(&b, "]}");
	int r = respond(c, 200, "application/json", NULL, b.p, b.len);
	buf_free(&b);
	return r;
}

/* The non-stream answer, sent when its last token would have been. */
static int send_whole(struct conn *c)
{
	if (c->fm == FM_DROP || c->fm == FM_RESET) {
		c->state = S_DROPPING;
		stream_done(c, c->fm == FM_DROP ? "drop" : "reset");
		return conn_flush(c);
	}
	if (c->fm == FM_MIDSTREAM)
		return respond_error(c, 500, "The server had an error while processing your request.",
				     "server_error", NULL, NULL);
	if (c->fm == FM_MALFORMED) {
		static const char bad[] = "{\"choices\":[{\"message\":{\"content\":\"oops";
		c->end = "malformed";
		return respond(c, 200, "application/json", NULL, bad, sizeof bad - 1);
	}
	struct buf content = {0}, b = {0};
	buf_add(&content, "", 0);
	char tmp[64];
	for (size_t i = c->think; i < c->n_total; i++) {
		size_t n;
		const char *t = token_text(c, i - c->think, tmp, sizeof tmp, &n);
		buf_add(&content, t, n);
	}
	c->next_tok = c->n_total;
	chunk_head(c, &b, "chat.completion");
	buf_adds(&b, "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
	buf_json_str(&b, content.p, content.len);
	buf_addf(&b, ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"%s\"}],",
		 c->finish_length ? "length" : "stop");
	usage_json(c, &b, c->n_total);
	buf_adds(&b, "}");
	int r = respond(c, 200, "application/json", NULL, b.p, b.len);
	buf_free(&content);
	buf_free(&b);
	return r;
}

/* An error answer in the protocol's own shape: status 400 (with msg),
 * 401, 429 (with extra headers), 500 or 529. */
static int proto_error(struct conn *c, int status, const char *msg, const char *extra)
{
	static const struct {
		int status;
		const char *oa_msg, *oa_type, *oa_code, *an_type, *an_msg, *ge_status, *ge_msg, *ol_msg;
	} e[] = {
		{ 401, "Incorrect API key provided: sk-...abcd.", "invalid_request_error", "invalid_api_key",
		  "authentication_error", "invalid x-api-key", "UNAUTHENTICATED",
		  "API key not valid. Please pass a valid API key.", "unauthorized" },
		{ 429, "Rate limit reached for requests", "requests", "rate_limit_exceeded",
		  "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit",
		  "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
		  "too many requests" },
		{ 500, "The server had an error while processing your request.", "server_error", NULL,
		  "api_error", "Internal server error", "INTERNAL", "An internal error has occurred.",
		  "llama runner process has terminated" },
		{ 529, "The engine is currently overloaded, please try again later", "server_error", NULL,
		  "overloaded_error", "Overloaded", "UNAVAILABLE", "The model is overloaded.",
		  "server overloaded" },
		{ 400, NULL, "invalid_request_error", NULL, "invalid_request_error", NULL,
		  "INVALID_ARGUMENT", NULL, NULL },
	};
	size_t k = 0;
	while (k < sizeof e / sizeof *e - 1 && e[k].status != status)
		k++;
	struct buf b = {0};
	int r;
	switch (c->proto) {
	case P_OPENAI:
		return respond_error(c, status, msg ? msg : e[k].oa_msg, e[k].oa_type, e[k].oa_code, extra);
	case P_ANTHROPIC:
		buf_adds(&b, "{\"type\":\"error\",\"error\":{\"type\":");
		buf_json_str(&b, e[k].an_type, strlen(e[k].an_type));
		buf_adds(&b, ",\"message\":");
		buf_json_str(&b, msg ? msg : e[k].an_msg, strlen(msg ? msg : e[k].an_msg));
		buf_addf(&b, "},\"request_id\":\"req_provsim%llu\"}", c->serial);
		break;
	case P_GEMINI:
		buf_addf(&b, "{\"error\":{\"code\":%d,\"message\":", status);
		buf_json_str(&b, msg ? msg : e[k].ge_msg, strlen(msg ? msg : e[k].ge_msg));
		buf_addf(&b, ",\"status\":\"%s\"}}", e[k].ge_status);
		break;
	case P_OLLAMA:
		buf_adds(&b, "{\"error\":");
		buf_json_str(&b, msg ? msg : e[k].ol_msg, strlen(msg ? msg : e[k].ol_msg));
		buf_adds(&b, "}");
		break;
	}
	r = respond(c, status, "application/json", extra, b.p, b.len);
	buf_free(&b);
	return r;
}

/* A chat request in any protocol; for Gemini the model is from the URL
 * (path_model), not the body. */
static int route_chat(struct conn *c, enum proto proto, const char *path_model)
{
	struct reqinfo ri;
	memset(&ri, 0, sizeof ri);
	c->proto = proto;
	int bad = parse_request(c->body.p ? c->body.p : "", c->body.len, &ri);
	buf_free(&c->body);
	if (bad) {
		reqinfo_free(&ri);
		return proto_error(c, 400, "We could not parse the JSON body of your request.", NULL);
	}
	if (path_model) {
		ri.model.len = 0;
		buf_adds(&ri.model, path_model);
	}
	/* Ollama streams unless told not to; Gemini's endpoint says it. */
	if (proto == P_OLLAMA && !ri.have_stream)
		ri.stream = 1;
	if (proto == P_GEMINI)
		ri.stream = 1;
	if (proto != P_OPENAI && !ri.stream) {
		reqinfo_free(&ri);
		return proto_error(c, 400, "provsim simulates only streams for this protocol.", NULL);
	}
	c->model = xstrndup(ri.model.p, ri.model.len);
	struct buf mj = {0};
	buf_json_str(&mj, ri.model.p, ri.model.len);
	c->model_json = mj.p;
	c->stream = ri.stream;
	c->include_usage = ri.include_usage;
	c->prompt_tokens = ri.words + 3 * ri.nmsg;

	struct plan pl;
	parse_plan(c->model, &pl);
	c->tps = pl.tps;
	c->fm = pl.fm;
	c->nousage = pl.nousage;
	c->keepalive = pl.keepalive;
	c->crlf = pl.crlf;
	c->chunked = !pl.te_close && !c->http10;
	c->reasoning_content = pl.reasoning_content;

	enum reply rp = pl.reply;
	if (rp == R_DEFAULT)
		rp = have_file ? R_FILE : R_LOREM;
	if (rp == R_FILE && !have_file)
		rp = R_LOREM;
	size_t natural;
	if (rp == R_CLOCK) {
		c->clock_reply = 1;
		natural = CLOCK_TOKENS;
	} else {
		if (rp == R_LOREM) {
			c->tk = lorem_toks;
		} else if (rp == R_FILE) {
			c->tk = file_toks;
		} else if (rp == R_DEMO) {
			c->reply_owned = demo_reply(ri.sys.p, ri.sys.len, ri.user.p, ri.user.len);
			tokenize(&c->tk, c->reply_owned, strlen(c->reply_owned));
			c->tk_owned = 1;
		} else {
			struct buf t = {0};
			buf_add(&t, "", 0);
			if (rp == R_ECHO)
				buf_adds(&t, "You said: ");
			if (rp == R_ATTACHMENTS) {
				buf_addf(&t, "Received %zu attachments:", ri.natt);
				buf_add(&t, ri.att.p, ri.att.len);
			} else if (rp == R_ECHO) {
				buf_add(&t, ri.user.p, ri.user.len);
			} else {
				buf_add(&t, ri.sys.p, ri.sys.len);
			}
			c->reply_owned = t.p;
			tokenize(&c->tk, t.p, t.len);
			c->tk_owned = 1;
		}
		natural = c->tk.n;
	}
	reqinfo_free(&ri);
	c->n_total = pl.tokens >= 0 ? (size_t)pl.tokens : natural;
	if (ri.max_tokens > 0 && c->n_total > (size_t)ri.max_tokens)
		c->n_total = (size_t)ri.max_tokens;
	if (!c->clock_reply && c->tk.n == 0)
		c->n_total = 0; /* nothing to repeat */
	c->finish_length = c->n_total != natural;
	c->cutoff = SIZE_MAX;
	if (c->fm == FM_MIDSTREAM || c->fm == FM_DROP || c->fm == FM_RESET || c->fm == FM_STALL ||
	    c->fm == FM_ERROR200 || c->fm == FM_ERRORLINE || c->fm == FM_SAFETY ||
	    c->fm >= FM_ENDLESS_DATA)
		c->cutoff = c->n_total / 2;
	else if (c->fm == FM_MALFORMED)
		c->cutoff = c->n_total < 3 ? c->n_total : 3;
	/* Thinking tokens come first; the failure points stay within the answer. */
	c->think = (size_t)pl.think;
	c->n_total += c->think;
	if (c->cutoff != SIZE_MAX)
		c->cutoff += c->think;

	if (*pl.key_tail) {
		size_t a = strlen(c->key_tail), b = strlen(pl.key_tail);
		if (a < b || strcmp(c->key_tail + a - b, pl.key_tail))
			return proto_error(c, 401, NULL, NULL);
	}
	if (pl.fail_status && (pl.fail_times == 0 || counter_bump(c->model) < pl.fail_times)) {
		char extra[64] = "";
		if (pl.fail_status == 429)
			snprintf(extra, sizeof extra, "retry-after: %s\r\n", pl.retry_after);
		return proto_error(c, pl.fail_status, NULL, *extra ? extra : NULL);
	}

	c->t_first = c->t_req + (int64_t)pl.ttft_ms * 1000;
	if (!c->stream) {
		if (c->fm == FM_STALL || c->fm == FM_STALL_FIRST) {
			c->state = S_STALL;
			stream_done(c, "stall");
			return 0;
		}
		c->state = S_WAIT;
		timer_set(c, c->n_total ? tok_due(c, c->n_total - 1) : c->t_first);
		return 0;
	}

	c->status = 200;
	buf_addf(&c->out, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n"
		 "Cache-Control: no-cache\r\nConnection: close\r\nx-request-id: req_provsim_%llu\r\n"
		 "%s\r\n", proto == P_OLLAMA ? "application/x-ndjson" : "text/event-stream",
		 c->serial, c->chunked ? "Transfer-Encoding: chunked\r\n" : "");
	if (c->keepalive) {
		scratch.len = 0;
		comment(c, &scratch);
		body_add(c, scratch.p, scratch.len);
	}
	if (c->fm == FM_STALL_FIRST) {
		c->state = S_STALL;
		stream_done(c, "stall-first");
		return conn_flush(c);
	}
	c->state = S_STREAM;
	timer_set(c, c->t_first);
	return conn_flush(c);
}

static int hexval(char h)
{
	return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
	       : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
}

/* n bytes of a URL path with %XX decoded (a bad escape stays as it is). */
static char *pct_decode(const char *s, size_t n)
{
	char *out = xrealloc(NULL, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = 0;
	return out;
}

static int dispatch(struct conn *c)
{
	c->have_req = 1;
	c->t_req = now_us();
	c->created = (long long)time(NULL);
	buf_free(&c->in);
	buf_free(&c->ckline);
	timer_clear(c);
	char *q = strchr(c->path, '?');
	if (q)
		*q = 0;
	if (!strcmp(c->method, "POST")) {
		const char *m = strstr(c->path, "/models/");
		if (ends_with(c->path, "/chat/completions"))
			return route_chat(c, P_OPENAI, NULL);
		if (ends_with(c->path, "/messages"))
			return route_chat(c, P_ANTHROPIC, NULL);
		if (ends_with(c->path, "/api/chat"))
			return route_chat(c, P_OLLAMA, NULL);
		if (m && (ends_with(c->path, ":streamGenerateContent") ||
			  ends_with(c->path, ":generateContent"))) {
			/* models/{model}:method, the model %-escaped */
			char *model = pct_decode(m + 8, (size_t)(strrchr(c->path, ':') - (m + 8)));
			int r;
			c->proto = P_GEMINI;
			if (ends_with(c->path, ":generateContent")) {
				free(model);
				return proto_error(c, 400, "provsim simulates only streams for this "
						   "protocol.", NULL);
			}
			r = route_chat(c, P_GEMINI, model);
			free(model);
			return r;
		}
	}
	if (ends_with(c->path, "/models") && !strcmp(c->method, "GET"))
		return route_models(c);
	char msg[160];
	snprintf(msg, sizeof msg, "Invalid URL (%s %.120s)", c->method, c->path);
	return respond_error(c, 404, msg, "invalid_request_error", NULL, NULL);
}

/* ------------------------------------------------------------- requests */

static int hdr_is(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && !strncasecmp(name, want, n);
}

/* Parse c->in[0..n): request line and headers. 0, or an error status. */
static int parse_head(struct conn *c, size_t n)
{
	char *p = c->in.p, *end = p + n;
	char *nl = memchr(p, '\n', n);
	if (!nl)
		return 400;
	char *le = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	char *sp1 = memchr(p, ' ', (size_t)(le - p));
	char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(le - sp1 - 1)) : NULL;
	if (!sp1 || !sp2 || sp1 - p >= (ptrdiff_t)sizeof c->method || sp2 == sp1 + 1)
		return 400;
	memcpy(c->method, p, (size_t)(sp1 - p));
	c->method[sp1 - p] = 0;
	c->path = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	if (le - sp2 - 1 != 8 || memcmp(sp2 + 1, "HTTP/1.", 7))
		return 400;
	c->http10 = sp2[8] == '0';
	int have_cl = 0;
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		le = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (le == p)
			break;
		char *colon = memchr(p, ':', (size_t)(le - p));
		if (!colon)
			return 400;
		char *v = colon + 1;
		while (v < le && (*v == ' ' || *v == '\t'))
			v++;
		char *ve = le;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		size_t kn = (size_t)(colon - p), vn = (size_t)(ve - v);
		if (hdr_is(p, kn, "content-length")) {
			if (!vn || vn > 12 || strspn(v, "0123456789") < vn)
				return 400;
			char num[16];
			memcpy(num, v, vn);
			num[vn] = 0;
			c->content_length = (size_t)strtoull(num, NULL, 10);
			have_cl = 1;
		} else if (hdr_is(p, kn, "transfer-encoding")) {
			if (vn >= 7 && !strncasecmp(ve - 7, "chunked", 7))
				c->chunked_req = 1;
			else
				return 501;
		} else if (hdr_is(p, kn, "authorization") || hdr_is(p, kn, "x-api-key") ||
			   hdr_is(p, kn, "x-goog-api-key")) {
			size_t t = vn < sizeof c->key_tail - 1 ? vn : sizeof c->key_tail - 1;
			memcpy(c->key_tail, ve - t, t);
			c->key_tail[t] = 0;
		} else if (hdr_is(p, kn, "expect")) {
			if (vn == 12 && !strncasecmp(v, "100-continue", 12))
				c->expect100 = 1;
		}
	}
	if (c->chunked_req)
		c->content_length = 0;
	else if (!have_cl)
		c->content_length = 0;
	if (c->content_length > MAX_BODY)
		return 413;
	return 0;
}

/* Body bytes in. 1: complete; 0: need more; -1: bad chunking; -2: too large. */
static int feed_body(struct conn *c, const char *p, size_t n)
{
	if (!c->chunked_req) {
		size_t want = c->content_length - c->body.len;
		buf_add(&c->body, p, n < want ? n : want);
		return c->body.len == c->content_length;
	}
	while (n) {
		if (c->ck == CK_DATA) {
			size_t take = n < c->ck_left ? n : c->ck_left;
			buf_add(&c->body, p, take);
			p += take;
			n -= take;
			c->ck_left -= take;
			if (!c->ck_left)
				c->ck = CK_DATA_END;
			continue;
		}
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) + 1 : n;
		if (c->ckline.len + take > 4096)
			return -1;
		buf_add(&c->ckline, p, take);
		p += take;
		n -= take;
		if (!nl)
			return 0;
		char *line = c->ckline.p;
		size_t ln = c->ckline.len - 1;
		if (ln && line[ln - 1] == '\r')
			ln--;
		line[ln] = 0;
		c->ckline.len = 0;
		if (c->ck == CK_SIZE) {
			char *e;
			errno = 0;
			unsigned long long sz = strtoull(line, &e, 16);
			if (e == line || errno || (*e && *e != ';' && *e != ' ' && *e != '\t'))
				return -1;
			if (sz > MAX_BODY || c->body.len + sz > MAX_BODY)
				return -2;
			if (sz == 0) {
				c->ck = CK_TRAILER;
			} else {
				c->ck_left = (size_t)sz;
				c->ck = CK_DATA;
			}
		} else if (c->ck == CK_DATA_END) {
			if (ln)
				return -1;
			c->ck = CK_SIZE;
		} else if (ln == 0) { /* CK_TRAILER: the blank line ends it */
			return 1;
		}
	}
	return 0;
}

static int body_result(struct conn *c, int r)
{
	if (r == 1)
		return dispatch(c);
	c->have_req = 1;
	c->t_req = now_us();
	if (r == -1)
		return respond_error(c, 400, "Malformed chunked request body.", "invalid_request_error",
				     NULL, NULL);
	if (r == -2)
		return respond_error(c, 413, "Request body too large.", "invalid_request_error", NULL,
				     NULL);
	return 0;
}

/* Returns -1 when c was freed. */
static int conn_read(struct conn *c)
{
	static char discard[65536];
	for (;;) {
		char *dst;
		size_t room;
		if (c->state == S_HEAD) {
			buf_reserve(&c->in, 16384);
			dst = c->in.p + c->in.len;
			room = c->in.cap - c->in.len - 1;
		} else if (c->state == S_BODY && !c->chunked_req) {
			size_t want = c->content_length - c->body.len;
			if (want > 262144)
				want = 262144;
			buf_reserve(&c->body, want);
			dst = c->body.p + c->body.len;
			room = want;
		} else {
			dst = discard;
			room = sizeof discard;
		}
		ssize_t n = recv(c->fd, dst, room, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0) {
			/* EOF or error: the client is gone (or done, when lingering;
			 * a stall keeps its reason) */
			if (c->state != S_LINGER && c->state != S_CLOSING && c->state != S_STALL &&
			    c->state != S_HOSTILE)
				c->end = "client-closed";
			conn_close(c);
			return -1;
		}
		size_t got = (size_t)n;
		if (c->state == S_HEAD) {
			size_t old = c->in.len;
			c->in.len += got;
			c->in.p[c->in.len] = 0;
			size_t i = old > 3 ? old - 3 : 0, head_end = 0;
			for (; i + 1 < c->in.len; i++) {
				if (c->in.p[i] != '\n')
					continue;
				if (c->in.p[i + 1] == '\n') {
					head_end = i + 2;
					break;
				}
				if (i + 2 < c->in.len && c->in.p[i + 1] == '\r' && c->in.p[i + 2] == '\n') {
					head_end = i + 3;
					break;
				}
			}
			if (!head_end) {
				if (c->in.len > MAX_HEAD) {
					c->have_req = 1;
					c->t_req = now_us();
					strcpy(c->method, "-");
					return respond_error(c, 431, "Request headers too large.",
							     "invalid_request_error", NULL, NULL) < 0 ? -1 : 0;
				}
				timer_set(c, now_us() + REQ_TIMEOUT_US);
				continue;
			}
			int st = head_end > MAX_HEAD ? 431 : parse_head(c, head_end);
			if (st) {
				c->have_req = 1;
				c->t_req = now_us();
				if (!c->method[0])
					strcpy(c->method, "-");
				const char *msg = st == 413 ? "Request body too large."
					: st == 431 ? "Request headers too large."
					: st == 501 ? "Unsupported Transfer-Encoding." : "Malformed HTTP request.";
				return respond_error(c, st, msg, "invalid_request_error", NULL, NULL) < 0 ? -1 : 0;
			}
			c->state = S_BODY;
			int r = feed_body(c, c->in.p + head_end, c->in.len - head_end);
			if (r == 0 && c->expect100 && !c->http10) {
				buf_adds(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
				if (conn_flush(c) < 0)
					return -1;
			}
			if (r)
				return body_result(c, r) < 0 ? -1 : 0;
			timer_set(c, now_us() + REQ_TIMEOUT_US);
		} else if (c->state == S_BODY) {
			int r;
			if (!c->chunked_req) {
				c->body.len += got;
				c->body.p[c->body.len] = 0;
				r = c->body.len == c->content_length;
			} else {
				r = feed_body(c, discard, got);
			}
			if (r)
				return body_result(c, r) < 0 ? -1 : 0;
			timer_set(c, now_us() + REQ_TIMEOUT_US);
		}
		/* other states: input discarded */
	}
}

static void conn_event(struct conn *c, uint32_t ev)
{
	if (ev & EPOLLERR) {
		if (c->state != S_LINGER && c->state != S_CLOSING)
			c->end = "client-closed";
		conn_close(c);
		return;
	}
	if ((ev & EPOLLOUT) && conn_flush(c) < 0)
		return;
	if (ev & (EPOLLIN | EPOLLHUP))
		conn_read(c);
}

static void conn_timer(struct conn *c, int64_t now)
{
	switch (c->state) {
	case S_HEAD:
	case S_BODY:
		if (c->have_req || c->in.len || c->body.len)
			c->end = "timeout";
		conn_close(c);
		break;
	case S_WAIT:
		send_whole(c);
		break;
	case S_STREAM:
		stream_step(c, now);
		break;
	case S_HOSTILE:
		hostile_step(c, now);
		break;
	case S_LINGER:
		conn_close(c);
		break;
	default:
		break;
	}
}

/* -------------------------------------------------------------- accepting */

static int64_t accept_resume; /* when accepting was paused for EMFILE */

static void do_accept(void)
{
	for (;;) {
		struct sockaddr_storage sa;
		socklen_t sl = sizeof sa;
		int fd = accept4(lfd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				if (!quiet)
					fprintf(stderr, "provsim: accept: %s (pausing)\n", strerror(errno));
				struct epoll_event ev = {.events = 0, .data.ptr = &listen_marker};
				epoll_ctl(epfd, EPOLL_CTL_MOD, lfd, &ev);
				accept_resume = now_us() + 100000;
			}
			return;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		struct conn *c = xrealloc(NULL, sizeof *c);
		memset(c, 0, sizeof *c);
		c->fd = fd;
		c->hidx = NOIDX;
		c->serial = next_serial++;
		c->state = S_HEAD;
		char host[48] = "?";
		int port = 0;
		if (sa.ss_family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;
			inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
			port = ntohs(s4->sin_port);
		} else if (sa.ss_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sa;
			inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
			port = ntohs(s6->sin6_port);
		}
		snprintf(c->peer, sizeof c->peer, "%s:%d", host, port);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = conns;
		if (conns)
			conns->prev = c;
		conns = c;
		nconns++;
		timer_set(c, now_us() + REQ_TIMEOUT_US);
	}
}

/* ------------------------------------------------------------------ main */

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(FILE *f)
{
	fputs("usage: provsim --port N [--host 127.0.0.1] [--tps 20] [--ttft-ms 300]\n"
	      "               [--reply-file F] [--quiet]\n"
	      "       provsim --print-lorem\n"
	      "An OpenAI chat-completions simulator; the model name picks the behaviour,\n"
	      "e.g. \"sim:tps=50:ttft=200:fail=500\". See tools/provsim.md.\n", f);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = {0};
	buf_add(&b, "", 0);
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
		if (b.len + n > MAX_BODY) {
			fclose(f);
			buf_free(&b);
			errno = EFBIG;
			return NULL;
		}
		buf_add(&b, tmp, n);
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

int main(int argc, char **argv)
{
	const char *host = "127.0.0.1", *reply_file = NULL;
	long port = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		const char *eq = strchr(a, '=');
		char name[32];
		if (strncmp(a, "--", 2) == 0 && eq && (size_t)(eq - a) < sizeof name) {
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = 0;
			v = eq + 1;
			a = name;
		}
		int takes = !strcmp(a, "--port") || !strcmp(a, "--host") || !strcmp(a, "--tps") ||
			!strcmp(a, "--ttft-ms") || !strcmp(a, "--reply-file");
		if (takes && !v) {
			if (i + 1 >= argc) {
				fprintf(stderr, "provsim: %s needs a value\n", a);
				return 2;
			}
			v = argv[++i];
		}
		if (!strcmp(a, "--port")) {
			char *e;
			port = strtol(v, &e, 10);
			if (*e || port < 0 || port > 65535) {
				fprintf(stderr, "provsim: bad port: %s\n", v);
				return 2;
			}
		} else if (!strcmp(a, "--host")) {
			host = v;
		} else if (!strcmp(a, "--tps")) {
			opt_tps = strtod(v, NULL);
		} else if (!strcmp(a, "--ttft-ms")) {
			opt_ttft = strtol(v, NULL, 10);
			if (opt_ttft < 0)
				opt_ttft = 0;
		} else if (!strcmp(a, "--reply-file")) {
			reply_file = v;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = 1;
		} else if (!strcmp(a, "--print-lorem")) {
			fwrite(LOREM, 1, sizeof LOREM - 1, stdout);
			return 0;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "provsim: unknown argument: %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (port < 0) {
		usage(stderr);
		return 2;
	}
	tokenize(&lorem_toks, LOREM, sizeof LOREM - 1);
	tokenize(&think_toks, THINK, sizeof THINK - 1);
	if (reply_file) {
		size_t n = 0;
		file_text = read_file(reply_file, &n);
		if (!file_text) {
			fprintf(stderr, "provsim: %s: %s\n", reply_file, strerror(errno));
			return 2;
		}
		tokenize(&file_toks, file_text, n);
		have_file = 1;
	}

	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Signals are only delivered inside epoll_pwait: no lost wake-ups. */
	sigset_t block, waitmask;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);

	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	char portstr[24];
	snprintf(portstr, sizeof portstr, "%ld", port);
	int gai = getaddrinfo(host, portstr, &hints, &ai);
	if (gai) {
		fprintf(stderr, "provsim: %s: %s\n", host, gai_strerror(gai));
		return 1;
	}
	lfd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (lfd >= 0)
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (lfd < 0 || bind(lfd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(lfd, 65535) < 0) {
		fprintf(stderr, "provsim: cannot listen on %s:%ld: %s\n", host, port, strerror(errno));
		freeaddrinfo(ai);
		return 1;
	}
	int family = ai->ai_family;
	freeaddrinfo(ai);
	struct sockaddr_storage bound;
	socklen_t bl = sizeof bound;
	getsockname(lfd, (struct sockaddr *)&bound, &bl);
	int bport = family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
		: ntohs(((struct sockaddr_in *)&bound)->sin_port);

	epfd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event lev = {.events = EPOLLIN, .data.ptr = &listen_marker};
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev) < 0) {
		perror("provsim: epoll");
		return 1;
	}
	printf(family == AF_INET6 ? "provsim listening on [%s]:%d\n" : "provsim listening on %s:%d\n",
	       host, bport);
	fflush(stdout);

	struct epoll_event evs[512];
	while (!stop_flag) {
		int timeout = -1;
		int64_t now = now_us();
		if (heap_n) {
			int64_t d = heap[0]->due - now;
			timeout = d <= 0 ? 0 : d > 60000000 ? 60000 : (int)((d + 999) / 1000);
		}
		if (accept_resume) {
			int64_t d = accept_resume - now;
			int t = d <= 0 ? 0 : (int)((d + 999) / 1000);
			if (timeout < 0 || t < timeout)
				timeout = t;
		}
		int n = epoll_pwait(epfd, evs, (int)(sizeof evs / sizeof *evs), timeout, &waitmask);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("provsim: epoll_wait");
			break;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == &listen_marker)
				do_accept();
			else
				conn_event(evs[i].data.ptr, evs[i].events);
		}
		now = now_us();
		if (accept_resume && now >= accept_resume) {
			accept_resume = 0;
			epoll_ctl(epfd, EPOLL_CTL_MOD, lfd, &lev);
		}
		while (heap_n && heap[0]->due <= now) {
			struct conn *c = heap[0];
			timer_clear(c);
			conn_timer(c, now);
		}
	}

	while (conns) {
		conns->end = conns->end ? conns->end : "shutdown";
		conn_close(conns);
	}
	close(lfd);
	close(epfd);
	free(heap);
	free(lorem_toks.starts);
	free(think_toks.starts);
	free(file_toks.starts);
	free(file_text);
	buf_free(&scratch);
	buf_free(&jbuf);
	while (counters) {
		struct counter *k = counters->next;
		free(counters);
		counters = k;
	}
	if (!quiet)
		fputs("provsim: stopped\n", stderr);
	return 0;
}
