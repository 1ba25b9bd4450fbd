/* form.h — parsers for what a browser sends: application/x-www-form-urlencoded
 * bodies and query strings, and the Cookie header. All allocate from the
 * request arena; none ever reads past the length given. */
#ifndef CONFAB_FORM_H
#define CONFAB_FORM_H

#include <stddef.h>
#include "arena.h"

struct kv {
	const char *key;
	const char *val;   /* NUL-terminated; may contain no NUL (see below) */
	size_t val_len;
};

struct kvlist {
	struct kv *items;
	size_t n;
};

enum form_err {
	FORM_OK = 0,
	FORM_TOO_MANY,     /* more than max_fields pairs */
	FORM_BAD_ENCODING  /* a decoded key or value holds a NUL byte or bad UTF-8 */
};

/* Parse "a=1&b=2" (query string or urlencoded body): '+' is a space, %XX is
 * decoded, a pair without '=' has an empty value, empty pairs are skipped.
 * Values must decode to valid UTF-8 with no NUL. */
enum form_err form_parse_urlencoded(struct arena *a, const char *s, size_t n,
				    size_t max_fields, struct kvlist *out);

/* Parse a Cookie header "a=1; b=2" (RFC 6265: no decoding, surrounding
 * quotes of a value removed, malformed pairs skipped). */
enum form_err form_parse_cookies(struct arena *a, const char *s, size_t n,
				 size_t max_cookies, struct kvlist *out);

/* First value for key, or NULL. */
const char *kv_get(const struct kvlist *l, const char *key);

/* 1 if [s, s+n) is valid UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t n);

#endif
