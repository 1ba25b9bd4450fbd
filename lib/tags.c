/* tags.c — see tags.h. */
#include "tags.h"
#include "valid.h"

#include <string.h>

const char *text_trim(struct arena *a, const char *s)
{
	size_t n;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return arena_strndup(a, s, n);
}

const char *tags_normalize(struct arena *a, const char *typed, const char **err)
{
	size_t len = strlen(typed), o = 0;
	char *out = arena_alloc(a, len + 1);
	int ntags = 0;
	const char *p = typed;

	*err = NULL;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p), start = o;
		int space = 0;
		if (o)
			out[o++] = ',';
		/* Copy the tag: spaces trimmed and collapsed, ASCII lowercased. */
		for (size_t i = 0; i < n; i++) {
			char c = p[i];
			if (c == ' ' || c == '\t') {
				space = 1;
				continue;
			}
			if (space && o > start + (start ? 1 : 0))
				out[o++] = ' ';
			space = 0;
			out[o++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
		{
			const char *tag = out + start + (start ? 1 : 0);
			size_t tlen = (size_t)(out + o - tag);
			int dup = 0;
			/* Is it already among the earlier tags? */
			for (const char *q = out; tlen && q < out + start;) {
				const char *qe = memchr(q, ',', (size_t)(out + start - q));
				size_t qn = qe ? (size_t)(qe - q) : (size_t)(out + start - q);
				if (qn == tlen && memcmp(q, tag, tlen) == 0)
					dup = 1;
				q += qn + 1;
			}
			if (tlen == 0 || dup) {
				o = start;  /* drop it, and its comma */
			} else {
				if (++ntags > TAGS_MAX) {
					*err = "Tags: at most 10, separated by commas.";
					return NULL;
				}
				if (utf8_count(tag, tlen) > TAG_CHARS) {
					*err = "Each tag must be at most 40 characters.";
					return NULL;
				}
			}
		}
		if (!end)
			break;
		p = end + 1;
	}
	out[o] = '\0';
	return out;
}
