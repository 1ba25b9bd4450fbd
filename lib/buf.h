/* buf.h — a growable byte buffer, always NUL-terminated. Heap-backed, so a
 * buffer kept across requests (the response body) keeps its capacity. */
#ifndef CONFAB_BUF_H
#define CONFAB_BUF_H

#include <stddef.h>

struct buf {
	char *data;   /* NUL-terminated; NULL until the first append */
	size_t len;   /* bytes used, not counting the NUL */
	size_t cap;   /* bytes allocated */
};

#define BUF_INIT { NULL, 0, 0 }

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
/* Decimal digits of n: what buf_printf("%lld") gives, at a tenth the cost
 * (the poll path writes a few per request). */
void buf_put_int(struct buf *b, long long n);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Forget the contents, keep the allocation while it is at most BUF_KEEP
 * bytes (a larger one is freed, and malloc_trim gives it back). */
#define BUF_KEEP (256 * 1024)
void buf_clear(struct buf *b);
void buf_free(struct buf *b);
/* The contents as a C string ("" when empty); owned by the buffer. */
const char *buf_str(const struct buf *b);

#endif
