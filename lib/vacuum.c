/* vacuum.c — see vacuum.h. */
#include "vacuum.h"
#include "log.h"

/* "1024": the slice written into the statement text at compile time. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define VACUUM_SLICE_STR STR(VACUUM_SLICE)

#include <stdio.h>
#include <stdlib.h>

/* A macro so that sql stays a literal for db_prep (db.h). */
#define pragma_int(db, sql) step_int(db_prep((db), sql))

static int64_t step_int(sqlite3_stmt *st)
{
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return v;
}

void vacuum_space(struct db *db, struct db_space *out)
{
	out->pages = pragma_int(db, "PRAGMA page_count");
	out->free_pages = pragma_int(db, "PRAGMA freelist_count");
	out->page_size = pragma_int(db, "PRAGMA page_size");
	out->incremental = pragma_int(db, "PRAGMA auto_vacuum") == 2;
}

int64_t vacuum_reclaim(struct db *db, int all)
{
	struct db_space before, after;
	sqlite3_stmt *st;
	int rc;

	vacuum_space(db, &before);
	if (!before.incremental || before.free_pages <= 0)
		return 0;
	/* incremental_vacuum writes: take the write lock first, as every
	 * writer here does, so a busy database waits instead of failing. */
	if (db_begin(db) != SQLITE_OK) {
		log_warn("reclaiming free pages: the database is busy; later");
		return -1;
	}
	/* A PRAGMA takes no bound parameters: two fixed statements. */
	st = all ? db_prep(db, "PRAGMA incremental_vacuum")
		 : db_prep(db, "PRAGMA incremental_vacuum(" VACUUM_SLICE_STR ")");
	/* The pragma returns a row per page it frees: step to the end. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || db_commit(db) != SQLITE_OK) {
		log_error("reclaiming free pages: %s", sqlite3_errmsg(db_handle(db)));
		db_rollback(db);
		return -1;
	}
	vacuum_space(db, &after);
	return before.pages - after.pages;
}

/* VACUUM with auto_vacuum set first (it only takes effect through a
 * VACUUM on a file that already has tables). */
static int run_vacuum(struct db *db, char **err)
{
	char *msg = NULL;
	if (sqlite3_exec(db_handle(db), "PRAGMA auto_vacuum=INCREMENTAL; VACUUM", NULL, NULL,
			 &msg) != SQLITE_OK) {
		if (asprintf(err, "VACUUM failed: %s", msg ? msg : "out of memory") < 0)
			*err = NULL;
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int vacuum_make_incremental(struct db *db, char **err)
{
	struct db_space s;
	*err = NULL;
	vacuum_space(db, &s);
	if (s.incremental)
		return 0;
	return run_vacuum(db, err) ? -1 : 1;
}

int vacuum_full(struct db *db, char **err)
{
	*err = NULL;
	return run_vacuum(db, err);
}

int vacuum_checkpoint(struct db *db)
{
	return sqlite3_wal_checkpoint_v2(db_handle(db), NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
					 NULL) == SQLITE_OK ? 0 : -1;
}
