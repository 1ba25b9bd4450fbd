/* mathml_check.c — see mathml_check.h. */
#include "mathml_check.h"
#include "form.h"

#include <string.h>

#define MAX_OPEN 1024   /* elements open at once (the converter nests far less) */

static const char *const tags[] = {
	"math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "mtext", "mspace", "msup",
	"msub", "msubsup", "mfrac", "msqrt", "mroot", "munder", "mover", "munderover",
	"mtable", "mtr", "mtd", "mstyle", "mphantom", "menclose",
};

static const char *const attrs[] = {
	"display", "mathvariant", "stretchy", "minsize", "maxsize", "accent", "accentunder",
	"linethickness", "displaystyle", "scriptlevel", "columnalign", "width", "notation",
	"encoding", "form",
};

/* The index in list of the name s[0, k), or -1. */
static int find(const char *const *list, size_t count, const char *s, size_t k)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == k && memcmp(list[i], s, k) == 0)
			return (int)i;
	return -1;
}

static size_t name_len(const char *s, size_t i, size_t n)
{
	size_t j = i;
	while (j < n && s[j] >= 'a' && s[j] <= 'z')
		j++;
	return j - i;
}

/* The length of the entity at s[i] ('&'), or 0 if it is not an allowed one. */
static size_t entity(const char *s, size_t i, size_t n)
{
	static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;" };
	size_t j;

	for (size_t k = 0; k < sizeof named / sizeof *named; k++)
		if (n - i >= strlen(named[k]) && memcmp(s + i, named[k], strlen(named[k])) == 0)
			return strlen(named[k]);
	if (n - i < 4 || memcmp(s + i, "&#x", 3) != 0)
		return 0;
	for (j = i + 3; j < n && j - i < 10 && strchr("0123456789ABCDEFabcdef", s[j]) && s[j]; j++)
		;
	return j > i + 3 && j < n && s[j] == ';' ? j + 1 - i : 0;
}

#define FAIL(w) do { *why = (w); return -1; } while (0)

int mathml_check(const char *s, size_t n, const char **why)
{
	int open[MAX_OPEN], depth = 0, roots = 0;
	size_t i = 0;
	static const int annotation = 2, semantics = 1;

	*why = "";
	if (!utf8_valid(s, n))
		FAIL("not valid UTF-8");
	while (i < n) {
		if (s[i] == '>')
			FAIL("a bare > in text");
		if (s[i] == '&') {
			size_t k = entity(s, i, n);
			if (!k)
				FAIL("a bare & or an unknown entity");
			i += k;
			continue;
		}
		if (s[i] != '<') {
			if (!depth)
				FAIL("text outside <math>");
			i++;
			continue;
		}
		if (i + 1 < n && s[i + 1] == '/') {
			size_t k = name_len(s, i + 2, n);
			int t = find(tags, sizeof tags / sizeof *tags, s + i + 2, k);
			if (!depth || t != open[depth - 1] || i + 2 + k >= n || s[i + 2 + k] != '>')
				FAIL("a closing tag that closes nothing open");
			depth--;
			i += 3 + k;
			continue;
		}
		{
			size_t k = name_len(s, i + 1, n);
			int t = find(tags, sizeof tags / sizeof *tags, s + i + 1, k);
			if (t < 0)
				FAIL("a tag outside the MathML whitelist");
			if (depth && open[depth - 1] == annotation)
				FAIL("a tag inside <annotation>");
			if (t == annotation && (!depth || open[depth - 1] != semantics))
				FAIL("<annotation> outside <semantics>");
			if (!depth && (t != 0 || roots++))
				FAIL("not one <math> element");
			i += 1 + k;
			for (;;) {
				size_t a;
				if (i < n && s[i] == '>') {
					if (depth == MAX_OPEN)
						FAIL("nested too deep");
					open[depth++] = t;
					i++;
					break;
				}
				if (i + 1 < n && s[i] == '/' && s[i + 1] == '>') {
					i += 2;
					break;
				}
				if (i >= n || s[i] != ' ')
					FAIL("a tag not closed by >");
				a = name_len(s, ++i, n);
				if (find(attrs, sizeof attrs / sizeof *attrs, s + i, a) < 0)
					FAIL("an attribute outside the whitelist");
				i += a;
				if (i + 1 >= n || s[i] != '=' || s[i + 1] != '"')
					FAIL("an attribute not written name=\"value\"");
				for (i += 2; i < n && s[i] != '"'; i++)
					if (s[i] == '<' || s[i] == '&' || s[i] == '>')
						FAIL("< > or & in an attribute's value");
				if (i >= n)
					FAIL("an attribute's value not closed");
				i++;
			}
		}
	}
	if (depth || !roots)
		FAIL("<math> not closed");
	return 0;
}
