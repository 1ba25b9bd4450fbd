/* valid.h — field validators, applied at the edge: a route declares the
 * fields it reads, with their bounds; the dispatcher checks them before the
 * handler runs and answers 400 naming the first failure, or, for a route
 * with ROUTE_FORM_ERRORS, leaves it in r->invalid for the handler to show
 * (app.c). */
#ifndef CONFAB_VALID_H
#define CONFAB_VALID_H

#include <stddef.h>
#include <stdint.h>

enum valid_kind {
	V_STRING,   /* UTF-8 text, min..max characters (code points), no controls */
	V_TEXT,     /* like V_STRING but \n, \r and \t allowed */
	V_INT,      /* decimal integer in min..max, spelt one way: no '+', spaces
		       or leading zeros */
	V_EMAIL,    /* local@domain (two or more labels, not an IP), at most 254
		       bytes, no spaces or controls */
	V_UUID,     /* 8-4-4-4-12 hex digits, either case */
	V_ENUM      /* one of choices[] */
};

struct field {
	const char *name;
	enum valid_kind kind;
	int required;            /* missing or empty is an error */
	int64_t min, max;        /* characters for strings, value for V_INT */
	const char *const *choices; /* NULL-terminated, for V_ENUM */
	const char *label;       /* shown to the user: "Title", "Email" */
};

/* Check one value (NULL = missing; missing or empty is valid unless the
 * field is required). Returns NULL when valid, otherwise a
 * sentence for the user naming the field ("Title must be at most 200
 * characters."), static or from a static buffer: copy it before the next call. */
const char *valid_check(const struct field *f, const char *val);

/* Number of code points in valid UTF-8, or -1 if s is not valid UTF-8. */
int64_t utf8_count(const char *s, size_t n);

#endif
