/* esc.h — one named escaper per output context. Everything that reaches a
 * page goes through one of these; the only raw path is tmpl's RAW_HTML. */
#ifndef CONFAB_ESC_H
#define CONFAB_ESC_H

#include <stddef.h>
#include "buf.h"

/* HTML text and attribute values: escapes & < > " ' (safe in both). */
void esc_html(struct buf *out, const char *s, size_t n);
/* A URL component (path segment or query value): RFC 3986 unreserved kept. */
void esc_url(struct buf *out, const char *s, size_t n);
/* The inside of a JSON string (no quotes added); control chars as \uXXXX,
 * and < > & escaped so the result is safe inside HTML too. */
void esc_json(struct buf *out, const char *s, size_t n);

#endif
