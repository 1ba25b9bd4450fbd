/* form.c — see form.h. Every loop here is bounded by the length it was given:
 * request bodies and headers are not NUL-terminated. */
#include "form.h"

#include <stdint.h>
#include <string.h>

/* Value of one hex digit, or -1. */
static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Validate UTF-8 per RFC 3629: shortest form only, no surrogates (U+D800..
 * U+DFFF), nothing above U+10FFFF. The second-byte ranges below are what
 * rule those out. ASCII, the common case, is skipped eight bytes at a time. */
int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		unsigned char lo = 0x80, hi = 0xbf;
		size_t need;

		if (c < 0x80) {
			uint64_t w;
			i++;
			while (n - i >= 8) {
				memcpy(&w, p + i, 8);
				if (w & UINT64_C(0x8080808080808080))
					break;
				i += 8;
			}
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;   /* below is overlong */
			else if (c == 0xed)
				hi = 0x9f;   /* above is a surrogate */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;   /* below is overlong */
			else if (c == 0xf4)
				hi = 0x8f;   /* above is > U+10FFFF */
		} else {
			return 0;    /* continuation byte, C0/C1 overlong, F5..FF */
		}
		if (n - i - 1 < need)
			return 0;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return 0;
		for (size_t k = 2; k <= need; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xbf)
				return 0;
		i += need + 1;
	}
	return 1;
}

/* Decode one urlencoded key or value into a fresh NUL-terminated arena
 * string ('+' is a space, %XX a byte, a % not followed by two hex digits is
 * kept as is). NULL if the result holds a NUL or is not valid UTF-8: such a
 * string would be silently truncated or mangled by everything downstream. */
static char *url_decode(struct arena *a, const char *s, size_t n, size_t *len)
{
	char *d = arena_alloc(a, n + 1);
	size_t i = 0, j = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == '+') {
			d[j++] = ' ';
			i++;
		} else if (c == '%' && n - i >= 3 && hexval((unsigned char)s[i + 1]) >= 0 &&
			   hexval((unsigned char)s[i + 2]) >= 0) {
			c = (unsigned char)(hexval((unsigned char)s[i + 1]) << 4 |
					    hexval((unsigned char)s[i + 2]));
			if (c == '\0')
				return NULL;
			d[j++] = (char)c;
			i += 3;
		} else {
			if (c == '\0')
				return NULL;
			d[j++] = (char)c;
			i++;
		}
	}
	d[j] = '\0';
	if (!utf8_valid(d, j))
		return NULL;
	*len = j;
	return d;
}

/* Two passes: the first counts the non-empty pairs so an over-long form is
 * refused before any decoding work, and sizes the array exactly. */
enum form_err form_parse_urlencoded(struct arena *a, const char *s, size_t n,
				    size_t max_fields, struct kvlist *out)
{
	const char *p, *end;
	size_t count = 0, i = 0;
	struct kv *items;

	out->items = NULL;
	out->n = 0;
	if (n == 0)
		return FORM_OK;
	end = s + n;
	for (p = s; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		if (e > p && ++count > max_fields)
			return FORM_TOO_MANY;
		p = amp ? amp + 1 : end;
	}
	if (count == 0)
		return FORM_OK;
	items = arena_alloc(a, count * sizeof *items);

	for (p = s; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		if (e > p) {
			const char *eq = memchr(p, '=', (size_t)(e - p));
			const char *kend = eq ? eq : e;
			const char *v = eq ? eq + 1 : e;
			size_t klen;
			char *key = url_decode(a, p, (size_t)(kend - p), &klen);
			char *val = key ? url_decode(a, v, (size_t)(e - v), &items[i].val_len) : NULL;
			if (!val)
				return FORM_BAD_ENCODING;
			items[i].key = key;
			items[i].val = val;
			i++;
		}
		p = amp ? amp + 1 : end;
	}
	out->items = items;
	out->n = i;
	return FORM_OK;
}

/* RFC 7230 tchar: what a cookie name may be made of. */
static int is_tchar(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 6265 cookie-octet: printable ASCII except space, DQUOTE, comma,
 * semicolon and backslash. Being strict here also means a cookie value never
 * holds a NUL, a control byte or invalid UTF-8. */
static int is_cookie_octet(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* One pass over "name=value" pairs separated by ';'. A pair that is not a
 * well-formed cookie is skipped rather than failing the whole header: one bad
 * cookie set by some other application on the domain must not lock users out.
 * Only well-formed cookies count against max_cookies. */
enum form_err form_parse_cookies(struct arena *a, const char *s, size_t n,
				 size_t max_cookies, struct kvlist *out)
{
	const char *p, *end;
	size_t bound = 1, cap, count = 0;
	struct kv *items;

	out->items = NULL;
	out->n = 0;
	if (n == 0)
		return FORM_OK;
	end = s + n;
	for (p = s; (p = memchr(p, ';', (size_t)(end - p))) != NULL; p++)
		bound++;
	cap = bound < max_cookies ? bound : max_cookies;
	items = cap ? arena_alloc(a, cap * sizeof *items) : NULL;

	for (p = s; p < end;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *b = p, *e = semi ? semi : end;
		const char *eq, *ne, *v;
		int ok = 1;

		p = semi ? semi + 1 : end;
		while (b < e && is_wsp(*b))
			b++;
		while (e > b && is_wsp(e[-1]))
			e--;
		eq = b < e ? memchr(b, '=', (size_t)(e - b)) : NULL;
		if (!eq)
			continue;
		ne = eq;
		while (ne > b && is_wsp(ne[-1]))
			ne--;
		if (ne == b)
			continue;
		for (const char *q = b; q < ne; q++)
			if (!is_tchar((unsigned char)*q))
				ok = 0;
		v = eq + 1;
		while (v < e && is_wsp(*v))
			v++;
		if (e - v >= 2 && *v == '"' && e[-1] == '"') {
			v++;
			e--;
		}
		for (const char *q = v; q < e; q++)
			if (!is_cookie_octet((unsigned char)*q))
				ok = 0;
		if (!ok)
			continue;
		/* cap is max_cookies unless there are fewer segments than that,
		 * and count can never reach the number of segments here; testing
		 * cap keeps the bound visibly tied to the array's size. */
		if (count >= cap)
			return FORM_TOO_MANY;   /* out is still the empty list */
		items[count].key = arena_strndup(a, b, (size_t)(ne - b));
		items[count].val = arena_strndup(a, v, (size_t)(e - v));
		items[count].val_len = (size_t)(e - v);
		count++;
	}
	out->items = count ? items : NULL;
	out->n = count;
	return FORM_OK;
}

/* Linear search: forms and cookie headers hold a handful of pairs. The first
 * match wins, so a repeated key cannot override an earlier one. */
const char *kv_get(const struct kvlist *l, const char *key)
{
	if (!l || !key)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].val;
	return NULL;
}
