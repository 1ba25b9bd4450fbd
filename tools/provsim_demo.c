/* provsim_demo.c — see provsim_demo.h. */
#include "provsim_demo.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define QUOTE_MAX 400 /* bytes of the question quoted back */
#define CODE_MAX 160  /* bytes of it in the code block */
#define TITLE_WORDS 6
#define TABLE_WORDS 5
/* A string literal, its length counted by the compiler. */
#define ADDS(t, lit) add((t), lit, sizeof lit - 1)

struct text {
	char *p;
	size_t len, cap;
};

static void add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 512;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			fputs("provsim: out of memory\n", stderr);
			exit(2);
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = 0;
}

__attribute__((format(printf, 2, 3)))
static void addf(struct text *t, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		add(t, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* n, or less so as not to end inside a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len, size_t n)
{
	if (n >= len)
		return len;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* The next word of s[*i..len): letters, digits and anything not ASCII
 * (so UTF-8 words stay whole); the rest separates words. */
static int next_word(const char *s, size_t len, size_t *i, size_t *start, size_t *wlen)
{
	while (*i < len && (unsigned char)s[*i] < 0x80 && !isalnum((unsigned char)s[*i]))
		(*i)++;
	if (*i >= len)
		return 0;
	*start = *i;
	while (*i < len && ((unsigned char)s[*i] >= 0x80 || isalnum((unsigned char)s[*i]) ||
			    s[*i] == '\'' || s[*i] == '-'))
		(*i)++;
	*wlen = *i - *start;
	return 1;
}

static char *title_of(const char *q, size_t qlen)
{
	struct text t = {0};
	size_t i = 0, st, wl;
	int words = 0;

	while (words < TITLE_WORDS && next_word(q, qlen, &i, &st, &wl)) {
		if (words++)
			ADDS(&t, " ");
		add(&t, q + st, wl);
	}
	if (!words)
		ADDS(&t, "Demo chat");
	t.p[0] = (char)toupper((unsigned char)t.p[0]);
	return t.p;
}

/* Markdown table cells and C strings get the question's words; keep
 * them from closing either. */
static void add_c_string(struct text *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			add(t, "\\", 1);
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			add(t, " ", 1);
		else
			add(t, s + i, 1);
	}
}

/* 1 if word occurs in s[0..n), ignoring case. */
static int mentions(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i + w <= n; i++)
		if (strncasecmp(s + i, word, w) == 0)
			return 1;
	return 0;
}

/* What a reply can hold, for a question about markdown: math, code in three
 * languages (one line longer than any screen), a wide table, a task list.
 * The page tests' screenshots of a rich reply come from here. */
static void add_showcase(struct text *t)
{
	ADDS(t, "## What a reply can show\n\n"
		"Inline math such as $e^{i\\pi} + 1 = 0$ and a display:\n\n"
		"$$\\int_0^1 x^2\\,dx = \\frac{1}{3}, \\qquad "
		"\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$\n\n"
		"```python\ndef mean(xs):\n    \"\"\"The average of xs.\"\"\"\n"
		"    return sum(xs) / len(xs)  # ZeroDivisionError when empty\n```\n\n"
		"```javascript\nconst words = text.split(/\\s+/).filter(Boolean);\n"
		"console.log(`${words.length} words`, words.map(w => w.length).reduce((a, b) => a + b, 0), "
		"'letters in all, which is a line long enough to scroll inside its box');\n```\n\n"
		"```sql\nSELECT model, count(*) AS replies\n  FROM messages\n"
		" WHERE role = 'assistant'\n GROUP BY model;\n```\n\n"
		"| Renderer | Math | Code | Tables | Task lists | Needs a script | Works in w3m |\n"
		"|----------|------|------|--------|------------|----------------|--------------|\n"
		"| confab | MathML | highlighted | yes | yes | no | yes, as text |\n\n"
		"- [x] Render on the server\n- [x] Keep the TeX source\n- [ ] Ask a real model\n\n");
}

static char *answer_of(const char *q, size_t qlen)
{
	struct text t = {0};
	size_t i = 0, st, wl, nwords = 0, longest = 0, lst = 0, quoted, coded;

	while (next_word(q, qlen, &i, &st, &wl)) {
		nwords++;
		if (wl > longest) {
			longest = wl;
			lst = st;
		}
	}
	ADDS(&t, "*Simulated answer from the offline demo model: no AI wrote this.*\n\n");
	if (!nwords) {
		ADDS(&t, "Your message had no words in it. Ask a question and this demo "
		        "will quote it back, count its words and show it in a table and "
		        "a code block.\n");
		return t.p;
	}
	ADDS(&t, "You asked:\n\n> ");
	quoted = utf8_cut(q, qlen, QUOTE_MAX);
	for (size_t k = 0; k < quoted; k++) {
		add(&t, q + k, 1);
		if (q[k] == '\n')
			ADDS(&t, "> ");
	}
	if (quoted < qlen)
		ADDS(&t, "…");
	addf(&t, "\n\n## Your question in numbers\n\nIt has **%zu** word%s and %zu bytes; "
	     "its longest word is *", nwords, nwords == 1 ? "" : "s", qlen);
	add(&t, q + lst, longest);
	ADDS(&t, "*.\n\n| # | Word | Bytes |\n|---:|------|------:|\n");
	i = 0;
	for (int n = 1; n <= TABLE_WORDS && next_word(q, qlen, &i, &st, &wl); n++) {
		addf(&t, "| %d | ", n);
		add(&t, q + st, wl);
		addf(&t, " | %zu |\n", wl);
	}
	ADDS(&t, "\n```c\n/* your question, as a C string */\nconst char *question = \"");
	coded = utf8_cut(q, qlen, CODE_MAX);
	add_c_string(&t, q, coded);
	addf(&t, "%s\";\nint words = %zu;\n```\n\n", coded < qlen ? "..." : "", nwords);
	if (mentions(q, qlen, "markdown"))
		add_showcase(&t);
	ADDS(&t, "To talk to a real model, add a provider to the config file "
	        "(see *Providers and models* in the README).\n");
	return t.p;
}

char *demo_reply(const char *system, size_t syslen, const char *question, size_t qlen)
{
	/* confab's title request: "Write a title of at most six words ..." */
	if (syslen >= 13 && memcmp(system, "Write a title", 13) == 0)
		return title_of(question, qlen);
	return answer_of(question, qlen);
}
