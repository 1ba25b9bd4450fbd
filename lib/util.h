/* util.h — allocation that aborts on out-of-memory, time, random ids, hex,
 * integers. */
#ifndef CONFAB_UTIL_H
#define CONFAB_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define COUNTOF(a) (sizeof(a) / sizeof((a)[0]))
/* A UUID's 36 characters and the NUL: the size of every row id. */
#define UUID_BUF 37

/* Each aborts the process on out-of-memory: a FastCGI responder cannot
 * usefully continue, and the supervisor starts a fresh one. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Print "confab: FMT" to stderr and exit(1). For start-up errors only. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Wall-clock time in Unix milliseconds (UTC). */
int64_t now_ms(void);

/* Write a random version-4 UUID (36 chars + NUL) into out. */
void uuid_new(char out[UUID_BUF]);

/* 1 if s is a UUID: 8-4-4-4-12 hex digits, in either case (mixed too). */
int uuid_valid(const char *s);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void hex_encode(char *out, const unsigned char *in, size_t n);

/* Parse a decimal integer that must fill the whole string (strtoll: leading
 * spaces and a sign are taken; valid.h's V_INT is the strict one); 0 on
 * success, -1 when empty, trailing bytes or out of range. */
int parse_int64(const char *s, int64_t *out);

#endif
