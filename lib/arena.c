/* arena.c — see arena.h. */
#include "arena.h"
#include "util.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

static struct arena_chunk *chunk_new(size_t size)
{
	struct arena_chunk *c = xmalloc(sizeof *c + size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void arena_init(struct arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head, *last = NULL;
	size_t freed = 0;
	/* Keep one ordinary chunk for the next request; free the rest,
	 * including any oversized chunk made for one large allocation. */
	while (c) {
		struct arena_chunk *next = c->next;
		if (!last && c->size == a->chunk_size) {
			last = c;
		} else {
			freed += c->size;
			free(c);
		}
		c = next;
	}
	if (last)
		last->next = NULL;
	a->head = last;
	if (last)
		last->used = 0;
	/* After a large request, give the freed pages back: malloc keeps
	 * freed memory for reuse (a process that once built a 10 MB page
	 * would hold 10 MB idle), and every page a responder holds is its
	 * own. Not after every request: trimming costs a quarter of a chat
	 * page's CPU (docs/PERFORMANCE.md, "Memory"). */
	if (freed >= ARENA_TRIM_AFTER)
		malloc_trim(0);
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;
	struct arena_chunk *c = a->head;
	void *p;
	if (need < n)
		die("arena: allocation of %zu bytes overflows", n);
	if (!c || c->size - c->used < need) {
		/* A large allocation gets a chunk of its own, behind the current one,
		 * so the space left in the current chunk is not wasted. */
		if (need > a->chunk_size / 4 && c) {
			struct arena_chunk *big = chunk_new(need);
			big->used = need;
			big->next = c->next;
			c->next = big;
			return big->data;
		}
		c = chunk_new(need > a->chunk_size ? need : a->chunk_size);
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += need;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("arena_printf: bad format");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
