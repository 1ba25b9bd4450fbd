/* db.h — opening SQLite files hardened, numbered migrations, and prepared
 * statements kept per connection for the life of the process. */
#ifndef CONFAB_DB_H
#define CONFAB_DB_H

#include <stdint.h>
#include <sqlite3.h>
#include "util.h"

struct db;

/* What a store function (store_*.c) says of a write or a look-up. */
enum store_rc { STORE_OK = 0, STORE_EXISTS, STORE_NOT_FOUND, STORE_BUSY, STORE_ERROR, STORE_CONFLICT,
		STORE_LIMITED };

/* Open (creating if needed) path with busy_timeout first, then the sizes
 * of db_set_sizes, auto_vacuum=INCREMENTAL (new files only; vacuum.h), WAL,
 * synchronous=NORMAL, foreign_keys=ON, defensive mode and no double-quoted
 * string literals. NULL with *err (malloc'd) on failure. */
struct db *db_open(const char *path, char **err);
/* How each connection this process opens from now on keeps pages: a page
 * cache of cache_kib KiB (PRAGMA cache_size=-cache_kib; 0: SQLite's
 * default, 2000) and the first mmap_bytes of the file read through a
 * memory mapping (PRAGMA mmap_size; 0: none, SQLite's default). The page
 * executables' responders (lib/app.c), dozens of processes with two
 * connections each, keep a small cache and map the files: a page that 40
 * of them read is then in memory once, in the kernel's page cache, rather
 * than a copy in each one's heap. Pages still in the WAL, and those a
 * write changes, go through the cache. When another connection has
 * committed, SQLite drops the mapping at the next read transaction and
 * maps the file as it is then, so a file shortened by a checkpoint or an
 * incremental vacuum is not read past its end; an I/O error on a mapped
 * page is a SIGBUS rather than an error code (the supervisor starts the
 * responder again); `confab` opens through app_init too. confabd, one
 * process whose write transactions touch every live stream's pages,
 * keeps the defaults: a mapping would share nothing there and count the
 * file's pages in its RSS (bench/streams' peak went from 47 to 58 MB at
 * 1,000 streams). A 32-bit process maps less: its address space is
 * small. */
void db_set_sizes(int cache_kib, long long mmap_bytes);
#define DB_RESPONDER_CACHE_KIB 256
#define DB_RESPONDER_MMAP_BYTES (sizeof(void *) > 4 ? 256LL << 20 : 32LL << 20)

void db_close(struct db *db);
sqlite3 *db_handle(struct db *db);
/* The page cache of this connection, in KiB (SQLite's default is 2,000):
 * a writer that appends to many places of a table at once keeps each
 * place's page in memory instead of reading it back. */
void db_cache_kib(struct db *db, int64_t kib);

/* Apply dir/NNN_*.sql whose number is above PRAGMA user_version, each in
 * its own transaction that also sets user_version. 0 or -1 with *err. */
int db_migrate(struct db *db, const char *dir, char **err);
/* The highest migration number in dir: the version this software brings
 * a file to. -1 when dir cannot be read. */
int db_migrations_latest(const char *dir);
/* The schema version (PRAGMA user_version). */
int db_version(struct db *db);
/* PRAGMA data_version: changes when another connection has committed to
 * the file since this one last looked (0 on an error). */
int64_t db_data_version(struct db *db);

/* The statement for sql, prepared on first use and then reused. sql must be
 * a string literal (the cache is keyed by its address): the macro pastes
 * "" on both sides, so anything else does not compile. The statement comes
 * back reset with bindings cleared. Aborts on a SQL error: that is a bug.
 * Call db_prep, never db_prep_literal (tools/codecheck.sh checks). */
#define db_prep(db, sql) db_prep_literal((db), "" sql "")
sqlite3_stmt *db_prep_literal(struct db *db, const char *sql);

/* Reset every cached statement (ends any read a caller left open). */
void db_reset_all(struct db *db);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. begin and commit return SQLITE_OK or
 * the error (SQLITE_BUSY after the busy timeout). A transaction is all or
 * nothing: when any write in it failed through db_exec_stmt (a full disk,
 * an I/O error; a constraint is an answer, not a failure), commit rolls
 * back instead and returns that write's error. A failed commit rolls back. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* The first failure in the transaction begun last (SQLITE_OK: none so
 * far), with *msg its message as it was when it happened ("not an error"
 * when none). */
int db_tx_error(struct db *db, const char **msg);

/* A read snapshot over several statements: BEGIN (deferred) / COMMIT, from
 * cached statements. In WAL mode each read transaction takes and drops a
 * lock on the -shm file (two fcntl calls); a snapshot pays that once for
 * all the statements in it. They nest (only the outermost pair begins and
 * ends it), inside a write transaction they read in it, and the first
 * write prepared (db_prep of a statement that writes) or db_begin ends the
 * snapshot early, so a page may read in one and still write. */
void db_read_begin(struct db *db);
void db_read_end(struct db *db);

/* Step a statement that returns no rows and reset it; the sqlite3 result
 * (SQLITE_DONE on success). */
int db_exec_stmt(sqlite3_stmt *st);

/* Bind helpers that treat NULL as SQL NULL. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* A column as an arena-free pointer valid until the next step/reset. */
const char *db_col_text(sqlite3_stmt *st, int i);

#endif
