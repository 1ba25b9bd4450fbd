/* vacuum.h — giving disk space back. SQLite keeps the pages of deleted rows
 * in a free list and reuses them, but never shrinks the file by itself.
 * confab's files use auto_vacuum=INCREMENTAL (set by db_open before the
 * first table exists), so free pages can be handed back to the file system
 * a few at a time, without the whole-file rewrite of a plain VACUUM. */
#ifndef CONFAB_VACUUM_H
#define CONFAB_VACUUM_H

#include <stdint.h>
#include "db.h"

struct db_space {
	int64_t pages, free_pages, page_size;
	int incremental;              /* auto_vacuum is INCREMENTAL */
};

/* Page counts and the auto_vacuum mode of db. */
void vacuum_space(struct db *db, struct db_space *out);

/* Pages one slice of vacuum_reclaim returns: 4 MiB of 4 KiB pages. */
#define VACUUM_SLICE 1024

/* Return free pages to the file system: all of them, or (all=0) at most
 * VACUUM_SLICE, so a busy process is held up only briefly.
 * Does nothing when the free list is empty or the file is not in
 * incremental mode. The number of pages freed, or -1 when the database was
 * busy or failed (an error is logged; try again later). */
int64_t vacuum_reclaim(struct db *db, int all);

/* Switch a file made before incremental vacuum existed (auto_vacuum=NONE)
 * to INCREMENTAL. That takes one full VACUUM: it rewrites the file, needs
 * that much free disk, and holds the write lock while it runs (readers go
 * on). 1 if converted, 0 if it already was, -1 with *err (malloc'd). */
int vacuum_make_incremental(struct db *db, char **err);

/* A full VACUUM (defragments; also converts). 0 or -1 with *err. */
int vacuum_full(struct db *db, char **err);

/* Fold the WAL into the file and truncate it to zero bytes, if no reader
 * is in the way. 0 on success, -1 if busy. */
int vacuum_checkpoint(struct db *db);

#endif
