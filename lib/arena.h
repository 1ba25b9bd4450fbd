/* arena.h — a per-request bump allocator: everything a request allocates
 * comes from here and is released at once by arena_reset() when it ends. */
#ifndef CONFAB_ARENA_H
#define CONFAB_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;  /* chunk being filled; older ones follow */
	size_t chunk_size;         /* size of ordinary chunks */
};

/* Initialise an empty arena; chunk_size 0 picks a default (64 KiB). */
void arena_init(struct arena *a, size_t chunk_size);

/* Free every chunk but the first, and make all of it free again. When
 * the chunks freed held ARENA_TRIM_AFTER bytes or more (a large request),
 * malloc_trim gives the freed memory back to the system. */
#define ARENA_TRIM_AFTER (1024 * 1024)
void arena_reset(struct arena *a);

/* Free everything. The arena may be used again after arena_init. */
void arena_free(struct arena *a);

/* n bytes aligned for any type; never NULL (aborts on out-of-memory). */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
