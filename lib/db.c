/* db.c — see db.h. */
#include "db.h"
#include "log.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_SLOTS 256

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *st;
};

struct db {
	sqlite3 *h;
	char *path;
	struct stmt_slot slots[STMT_SLOTS];
	/* The slots filled, in the order they were: db_reset_all walks these,
	 * not all 256, after every request. */
	unsigned short used[STMT_SLOTS];
	int nused;
	/* The first write that failed in the transaction open now (not a
	 * constraint: those are answers some callers ask for), its message
	 * read at once, before a rollback can replace it. */
	int tx_rc;
	char tx_err[256];
	/* db_read_begin calls not yet ended, and whether the outermost began
	 * the read transaction open now (a write ends it: snap_end). */
	int reads;
	int snap;
};

/* The open connections, so that db_exec_stmt, which has only a statement,
 * can mark its transaction failed. A process opens two or three. */
#define OPEN_MAX 16
static struct db *open_dbs[OPEN_MAX];

static struct db *db_of(sqlite3 *h)
{
	for (int i = 0; i < OPEN_MAX; i++)
		if (open_dbs[i] && open_dbs[i]->h == h)
			return open_dbs[i];
	return NULL;
}

static void db_track(struct db *db, struct db *was)
{
	for (int i = 0; i < OPEN_MAX; i++)
		if (open_dbs[i] == was) {
			open_dbs[i] = db;
			return;
		}
}

/* Note a failed statement or COMMIT of the open transaction, with msg
 * (NULL: the connection's own message for rc). */
static void tx_failed(struct db *db, int rc, const char *msg)
{
	if (!db || db->tx_rc != SQLITE_OK || (rc & 0xff) == SQLITE_CONSTRAINT)
		return;
	db->tx_rc = rc;
	if (!msg)
		msg = (sqlite3_extended_errcode(db->h) & 0xff) == (rc & 0xff) ? sqlite3_errmsg(db->h)
							    : sqlite3_errstr(rc);
	snprintf(db->tx_err, sizeof db->tx_err, "%s", msg);
}

/* sqlite3_exec of sql; its failure noted for the transaction. */
static int tx_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		tx_failed(db, rc, msg);
	sqlite3_free(msg);
	return rc;
}

static int set_err(char **err, const char *path, const char *what, sqlite3 *h)
{
	if (asprintf(err, "%s: %s: %s", path, what, h ? sqlite3_errmsg(h) : "out of memory") < 0)
		*err = NULL;
	return -1;
}

/* How the connections opened from now on keep pages (db_set_sizes):
 * SQLite's defaults until a process says otherwise. */
static int cache_kib = 2000;       /* PRAGMA cache_size=-2000 */
static long long mmap_bytes;       /* PRAGMA mmap_size=0 */

void db_set_sizes(int kib, long long bytes)
{
	cache_kib = kib > 0 ? kib : 2000;
	mmap_bytes = bytes > 0 ? bytes : 0;
}

/* Once per process, before SQLite starts: no page cache allocated ahead.
 * By default each connection's first read allocates 20 pages (86 KB) in
 * one block and writes a header into each, so all of it is resident
 * whether or not the connection ever holds 20 pages; 8 page executables
 * with 4 responders and two connections each were 5.5 MB of it. Pages are
 * allocated one by one as they are read instead. A process that called
 * into SQLite before its first db_open keeps the default (the call fails
 * with SQLITE_MISUSE, harmlessly). */
static void config_once(void)
{
	static int done;
	if (!done++)
		sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

struct db *db_open(const char *path, char **err)
{
	struct db *db = xcalloc(1, sizeof *db);
	int on = 1;
	char sizes[128];
	*err = NULL;
	config_once();
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		set_err(err, path, "cannot open", db->h);
		goto fail;
	}
	db->path = xstrdup(path);
	/* Busy timeout before any PRAGMA: two processes opening the same new
	 * file at once otherwise see SQLITE_BUSY on journal_mode=WAL. */
	sqlite3_busy_timeout(db->h, 5000);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, &on);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DQS_DML, 0, &on);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DQS_DDL, 0, &on);
	snprintf(sizes, sizeof sizes, "PRAGMA cache_size=-%d; PRAGMA mmap_size=%lld;", cache_kib,
		 mmap_bytes);
	if (sqlite3_exec(db->h, sizes, NULL, NULL, NULL) != SQLITE_OK) {
		set_err(err, path, "cannot set the cache sizes", db->h);
		goto fail;
	}
	/* auto_vacuum first: it only takes hold in a file with no tables yet
	 * (older files are converted by `confab migrate`; vacuum.h). */
	if (sqlite3_exec(db->h, "PRAGMA auto_vacuum=INCREMENTAL;"
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		set_err(err, path, "cannot set pragmas", db->h);
		goto fail;
	}
	db_track(db, NULL);
	return db;
fail:
	sqlite3_close(db->h);
	free(db->path);
	free(db);
	return NULL;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < STMT_SLOTS; i++)
		sqlite3_finalize(db->slots[i].st);
	db_track(NULL, db);
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

sqlite3 *db_handle(struct db *db)
{
	return db->h;
}

void db_cache_kib(struct db *db, int64_t kib)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%lld", (long long)kib);
	sqlite3_exec(db->h, sql, NULL, NULL, NULL);
}

int db_version(struct db *db)
{
	sqlite3_stmt *st = db_prep(db, "PRAGMA user_version");
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return v;
}

int64_t db_data_version(struct db *db)
{
	sqlite3_stmt *st = db_prep(db, "PRAGMA data_version");
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return v;
}

/* By migration number, so 10_x follows 9_x however the names are padded. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	int na = atoi((*a)->d_name), nb = atoi((*b)->d_name);
	return na != nb ? (na > nb) - (na < nb) : strcmp((*a)->d_name, (*b)->d_name);
}

static int migration_file(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] >= '0' && e->d_name[0] <= '9' && n > 4 &&
	       strcmp(e->d_name + n - 4, ".sql") == 0;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	s = xmalloc((size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(s);
		return NULL;
	}
	s[n] = '\0';
	fclose(f);
	return s;
}

int db_migrate(struct db *db, const char *dir, char **err)
{
	struct dirent **list = NULL;
	int n, rc = 0;
	*err = NULL;
	n = scandir(dir, &list, migration_file, by_name);
	if (n < 0) {
		if (asprintf(err, "%s: cannot read the migrations directory", dir) < 0)
			*err = NULL;
		return -1;
	}
	for (int i = 0; i < n && rc == 0; i++) {
		int num = atoi(list[i]->d_name);
		char *path, *sql, *errmsg = NULL, setv[48];
		/* Under the write lock, so two processes starting together apply
		 * each migration once. */
		if (db_begin(db) != SQLITE_OK) {
			rc = set_err(err, dir, "cannot lock for migration", db->h);
			break;
		}
		if (num <= db_version(db)) {
			db_rollback(db);
			continue;
		}
		if (asprintf(&path, "%s/%s", dir, list[i]->d_name) < 0)
			die("out of memory");
		sql = read_file(path);
		if (!sql) {
			db_rollback(db);
			if (asprintf(err, "%s: cannot read", path) < 0)
				*err = NULL;
			free(path);
			rc = -1;
			break;
		}
		snprintf(setv, sizeof setv, "PRAGMA user_version=%d", num);
		if (sqlite3_exec(db->h, sql, NULL, NULL, &errmsg) != SQLITE_OK ||
		    sqlite3_exec(db->h, setv, NULL, NULL, &errmsg) != SQLITE_OK) {
			db_rollback(db);
			if (asprintf(err, "%s: %s", path, errmsg ? errmsg : "failed") < 0)
				*err = NULL;
			rc = -1;
		} else if (db_commit(db) != SQLITE_OK) {
			rc = set_err(err, path, "cannot commit", db->h);
		} else {
			log_info("%s: applied migration %s", db->path, list[i]->d_name);
		}
		sqlite3_free(errmsg);
		free(sql);
		free(path);
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return rc;
}

int db_migrations_latest(const char *dir)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, migration_file, by_name), latest = 0;
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (atoi(list[i]->d_name) > latest)
			latest = atoi(list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return latest;
}

/* End the read snapshot open now, before a write: a write inside it would
 * have to upgrade a possibly stale snapshot (SQLITE_BUSY_SNAPSHOT), and
 * BEGIN IMMEDIATE cannot nest. The outer db_read_end then has nothing to
 * end; the reads after the write see it, each in its own transaction. */
static void snap_end(struct db *db)
{
	db->snap = 0;
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
}

sqlite3_stmt *db_prep_literal(struct db *db, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;
	for (size_t i = 0; i < STMT_SLOTS; i++) {
		struct stmt_slot *s = &db->slots[(h + i) % STMT_SLOTS];
		if (s->sql == sql) {
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			if (db->snap && !sqlite3_stmt_readonly(s->st))
				snap_end(db);
			return s->st;
		}
		if (!s->sql) {
			if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
					       &s->st, NULL) != SQLITE_OK) {
				log_error("%s: cannot prepare: %s\n  %s", db->path,
					  sqlite3_errmsg(db->h), sql);
				abort();
			}
			s->sql = sql;
			db->used[db->nused++] = (unsigned short)((h + i) % STMT_SLOTS);
			if (db->snap && !sqlite3_stmt_readonly(s->st))
				snap_end(db);
			return s->st;
		}
	}
	log_error("db_prep: more than %d statements", STMT_SLOTS);
	abort();
}

void db_reset_all(struct db *db)
{
	/* Only statements left mid-step: a reset of an idle one still costs. */
	for (int i = 0; i < db->nused; i++) {
		sqlite3_stmt *st = db->slots[db->used[i]].st;
		if (sqlite3_stmt_busy(st))
			sqlite3_reset(st);
	}
}

int db_begin(struct db *db)
{
	if (db->snap)
		snap_end(db);
	db->tx_rc = SQLITE_OK;
	db->tx_err[0] = '\0';
	return tx_exec(db, "BEGIN IMMEDIATE");
}

int db_commit(struct db *db)
{
	int rc = db->tx_rc;
	/* A write in it failed: committing the rest would keep half of it
	 * (after SQLITE_FULL, SQLite may even have rolled back already and
	 * every later statement ran on its own). */
	if (rc == SQLITE_OK)
		rc = tx_exec(db, "COMMIT");
	if (rc != SQLITE_OK)
		db_rollback(db);
	return rc;
}

int db_tx_error(struct db *db, const char **msg)
{
	if (msg)
		*msg = db->tx_rc != SQLITE_OK ? db->tx_err : "not an error";
	return db->tx_rc;
}

void db_read_begin(struct db *db)
{
	/* Inside a snapshot or a write transaction already: read in it. */
	if (db->reads++ == 0 && sqlite3_get_autocommit(db->h)) {
		db_exec_stmt(db_prep(db, "BEGIN"));
		db->snap = 1;
	}
}

void db_read_end(struct db *db)
{
	if (db->reads == 0 || --db->reads > 0 || !db->snap)
		return;
	db->snap = 0;
	if (!sqlite3_get_autocommit(db->h))
		db_exec_stmt(db_prep(db, "COMMIT"));
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_exec_stmt(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_error("sql: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
		tx_failed(db_of(sqlite3_db_handle(st)), rc, NULL);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

const char *db_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}
