/* test_store.c — db.c, store_user.c, store_chat.c and tz.c on real SQLite
 * files in a temporary directory, migrated with the schema of the source
 * tree ($CONFAB_SHARE_DIR/schema; "." when unset). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "db.h"
#include "keybox.h"
#include "own_key.h"
#include "store_chat.h"
#include "store_keys.h"
#include "store_user.h"
#include "tz.h"
#include "util.h"

struct fixture {
	char dir[64];
	struct db *user, *data;
	struct arena a;
};

static const char *share_dir(void)
{
	const char *s = getenv("CONFAB_SHARE_DIR");
	return s && *s ? s : ".";
}

/* Remove dir and everything in it (files and one level of directories
 * suffice here, but recurse anyway). */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[512];
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static struct db *open_migrated(const char *dir, const char *name, const char *schema)
{
	char path[256], mig[512], *err = NULL;
	struct db *db;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	db = db_open(path, &err);
	if (!db) {
		fprintf(stderr, "db_open: %s\n", err ? err : "?");
		free(err);
		return NULL;
	}
	snprintf(mig, sizeof mig, "%s/schema/%s", share_dir(), schema);
	if (db_migrate(db, mig, &err)) {
		fprintf(stderr, "db_migrate: %s\n", err ? err : "?");
		free(err);
		db_close(db);
		return NULL;
	}
	return db;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-store-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	f->user = open_migrated(f->dir, "user.db", "user");
	f->data = open_migrated(f->dir, "data.db", "data");
	if (!f->user || !f->data) {
		/* cmocka runs no teardown after a failed setup. */
		db_close(f->user);
		db_close(f->data);
		rm_tree(f->dir);
		free(f);
		return -1;
	}
	arena_init(&f->a, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->user);
	db_close(f->data);
	arena_free(&f->a);
	rm_tree(f->dir);
	free(f);
	return 0;
}

/* ---- raw SQL helpers ----
 * exec_fmt and query_int format with sqlite3_vmprintf: %q and %Q quote. */

static void exec_sql(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db_handle(db), sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "exec_sql: %s\n  %s\n", msg ? msg : "?", sql);
	sqlite3_free(msg);
	assert_int_equal(rc, SQLITE_OK);
}

static void exec_fmt(struct db *db, const char *fmt, ...)
{
	va_list ap;
	char *sql;
	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	assert_non_null(sql);
	exec_sql(db, sql);
	sqlite3_free(sql);
}

/* The first column of the first row as an integer (-999 when no row). */
static int64_t query_int(struct db *db, const char *fmt, ...)
{
	va_list ap;
	char *sql;
	sqlite3_stmt *st;
	int64_t v = -999;
	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return v;
}

/* The first column of the first row as text, copied into the arena. */
static const char *query_text(struct fixture *f, struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	const char *v = NULL;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = arena_strdup(&f->a, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static int table_exists(struct db *db, const char *name)
{
	return query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
			     "AND name = %Q", name) == 1;
}

/* The highest NNN of the NNN_*.sql files in $share/schema/sub: the version
 * a full migration must reach (the schema grows; the test follows it). */
static int latest_migration(const char *sub)
{
	char dir[512];
	DIR *d;
	struct dirent *e;
	int max = 0;
	snprintf(dir, sizeof dir, "%s/schema/%s", share_dir(), sub);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && n > 4 &&
		    strcmp(e->d_name + n - 4, ".sql") == 0 && atoi(e->d_name) > max)
			max = atoi(e->d_name);
	}
	closedir(d);
	return max;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* ================= db.c ================= */

static void db_open_pragmas(void **state)
{
	struct fixture *f = *state;
	int on = -1;
	sqlite3_stmt *st = NULL;
	assert_string_equal(query_text(f, f->user, "PRAGMA journal_mode"), "wal");
	assert_string_equal(query_text(f, f->data, "PRAGMA journal_mode"), "wal");
	assert_int_equal(query_int(f->user, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(f->data, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(f->user, "PRAGMA synchronous"), 1);  /* NORMAL */
	assert_int_equal(query_int(f->user, "PRAGMA busy_timeout"), 5000);
	/* Defensive mode on; double-quoted strings are identifiers only. */
	sqlite3_db_config(db_handle(f->user), SQLITE_DBCONFIG_DEFENSIVE, -1, &on);
	assert_int_equal(on, 1);
	assert_int_not_equal(sqlite3_prepare_v2(db_handle(f->user), "SELECT \"not a column\"",
						-1, &st, NULL), SQLITE_OK);
	sqlite3_finalize(st);
}

static void db_open_failure(void **state)
{
	struct fixture *f = *state;
	char path[128], *err = NULL;
	snprintf(path, sizeof path, "%s/no/such/dir/x.db", f->dir);
	assert_null(db_open(path, &err));
	assert_non_null(err);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_non_null(strstr(err, "cannot open"));
	free(err);
}

static void db_migrate_sets_version(void **state)
{
	struct fixture *f = *state;
	char mig[512], stale, *err = &stale;
	int user_v = latest_migration("user"), data_v = latest_migration("data");
	assert_true(user_v >= 1);
	assert_true(data_v >= 1);
	assert_int_equal(db_version(f->user), user_v);
	assert_int_equal(db_version(f->data), data_v);
	assert_int_equal(query_int(f->user, "PRAGMA user_version"), user_v);
	assert_true(table_exists(f->user, "users"));
	assert_true(table_exists(f->user, "sessions"));
	assert_true(table_exists(f->user, "login_failures"));
	assert_true(table_exists(f->data, "chats"));
	assert_true(table_exists(f->data, "messages"));
	assert_false(table_exists(f->user, "chats"));

	/* A second run applies nothing (each file would fail on its CREATE
	 * TABLE) and keeps the data. */
	exec_sql(f->data, "INSERT INTO chats (id, user_id, created_at, updated_at) "
			  "VALUES ('c', 'u', 1, 1)");
	snprintf(mig, sizeof mig, "%s/schema/data", share_dir());
	assert_int_equal(db_migrate(f->data, mig, &err), 0);
	assert_null(err);
	assert_int_equal(db_version(f->data), data_v);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM chats"), 1);
	/* Not left in a transaction. */
	assert_int_not_equal(sqlite3_get_autocommit(db_handle(f->data)), 0);
}

static void db_migrate_missing_dir(void **state)
{
	struct fixture *f = *state;
	char dir[128], want[192], *err = NULL;
	snprintf(dir, sizeof dir, "%s/nope", f->dir);
	snprintf(want, sizeof want, "%s: cannot read the migrations directory", dir);
	assert_int_equal(db_migrate(f->user, dir, &err), -1);
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);
	assert_int_equal(db_version(f->user), latest_migration("user"));
}

static void db_migrate_broken_rolls_back(void **state)
{
	struct fixture *f = *state;
	char mig[128], path[160], *err = NULL;
	struct db *db;

	snprintf(mig, sizeof mig, "%s/mig", f->dir);
	assert_int_equal(mkdir(mig, 0700), 0);
	write_file(mig, "001_first.sql", "CREATE TABLE one (x INTEGER);\n");
	write_file(mig, "002_broken.sql",
		   "CREATE TABLE two (x INTEGER);\nINSERT INTO one VALUES (2);\n"
		   "INSERT INTO no_such_table VALUES (1);\n");
	write_file(mig, "003_third.sql", "CREATE TABLE three (x INTEGER);\n");
	/* Not migrations: no leading digit, or not .sql. */
	write_file(mig, "README", "not sql");
	write_file(mig, "x_004.sql", "CREATE TABLE nope_a (x);");
	write_file(mig, "005_notes.txt", "CREATE TABLE nope_b (x);");

	snprintf(path, sizeof path, "%s/m.db", f->dir);
	db = db_open(path, &err);
	assert_non_null(db);
	assert_int_equal(db_version(db), 0);

	assert_int_equal(db_migrate(db, mig, &err), -1);
	assert_non_null(err);
	/* The message names the file and SQLite's reason. */
	assert_non_null(strstr(err, "002_broken.sql"));
	assert_non_null(strstr(err, "no such table: no_such_table"));
	free(err);
	err = NULL;
	/* 001 stays applied; all of 002 is rolled back; 003 is not tried. */
	assert_int_equal(db_version(db), 1);
	assert_true(table_exists(db, "one"));
	assert_int_equal(query_int(db, "SELECT count(*) FROM one"), 0);
	assert_false(table_exists(db, "two"));
	assert_false(table_exists(db, "three"));
	assert_int_not_equal(sqlite3_get_autocommit(db_handle(db)), 0);

	/* Fixed, the rest applies from where it stopped. */
	write_file(mig, "002_broken.sql", "CREATE TABLE two (x INTEGER);\n");
	assert_int_equal(db_migrate(db, mig, &err), 0);
	assert_null(err);
	assert_int_equal(db_version(db), 3);
	assert_true(table_exists(db, "two"));
	assert_true(table_exists(db, "three"));
	assert_false(table_exists(db, "nope_a"));
	assert_false(table_exists(db, "nope_b"));
	db_close(db);
}

/* ================= store_user.c ================= */

static void user_first_is_admin(void **state)
{
	struct fixture *f = *state;
	struct user u1, u2;
	int64_t before = now_ms();
	assert_int_equal(user_count(f->user), 0);
	assert_int_equal(user_create(f->user, &f->a, "first@x.org", "First", "hash1",
				     "Asia/Tokyo", &u1), STORE_OK);
	assert_int_equal(user_create(f->user, &f->a, "second@x.org", "Second", "hash2",
				     "UTC", &u2), STORE_OK);
	assert_int_equal(user_count(f->user), 2);
	assert_int_equal(u1.is_admin, 1);
	assert_int_equal(u2.is_admin, 0);
	assert_true(uuid_valid(u1.id));
	assert_true(uuid_valid(u2.id));
	assert_string_not_equal(u1.id, u2.id);
	assert_string_equal(u1.email, "first@x.org");
	assert_string_equal(u1.name, "First");
	assert_string_equal(u1.plan, "free");
	assert_string_equal(u1.timezone, "Asia/Tokyo");
	assert_int_equal(u1.credits, 0);
	assert_int_equal(u1.is_active, 1);
	assert_int_equal(u1.last_login_at, 0);
	assert_true(u1.created_at >= before && u1.created_at <= now_ms());
	/* And so in the table. */
	assert_int_equal(query_int(f->user, "SELECT is_admin FROM users WHERE email = 'first@x.org'"), 1);
	assert_int_equal(query_int(f->user, "SELECT is_admin FROM users WHERE email = 'second@x.org'"), 0);
}

static void user_email_unique_any_case(void **state)
{
	struct fixture *f = *state;
	struct user u;
	assert_int_equal(user_create(f->user, &f->a, "a@x.org", "A", "h", "UTC", &u), STORE_OK);
	assert_int_equal(user_create(f->user, &f->a, "A@x.org", "A2", "h", "UTC", &u), STORE_EXISTS);
	assert_int_equal(user_create(f->user, &f->a, "a@X.ORG", "A3", "h", "UTC", &u), STORE_EXISTS);
	assert_int_equal(user_create(f->user, &f->a, "a@x.org", "A4", "h", "UTC", &u), STORE_EXISTS);
	assert_int_equal(user_count(f->user), 1);
	/* The failed inserts left no transaction open: the next one works,
	 * and is not the administrator. */
	assert_int_not_equal(sqlite3_get_autocommit(db_handle(f->user)), 0);
	assert_int_equal(user_create(f->user, &f->a, "b@x.org", "B", "h", "UTC", &u), STORE_OK);
	assert_int_equal(u.is_admin, 0);
	assert_int_equal(user_count(f->user), 2);
}

static void user_find(void **state)
{
	struct fixture *f = *state;
	struct user made, got;
	const char *hash = NULL;
	assert_int_equal(user_create(f->user, &f->a, "someone@x.org", "Some One", "$argon2id$h",
				     "Europe/Paris", &made), STORE_OK);
	memset(&got, 0, sizeof got);
	assert_int_equal(user_find_by_email(f->user, &f->a, "SomeOne@X.org", &got, &hash),
			 STORE_OK);
	assert_string_equal(got.id, made.id);
	assert_string_equal(got.email, "someone@x.org");
	assert_string_equal(got.name, "Some One");
	assert_string_equal(got.plan, "free");
	assert_string_equal(got.timezone, "Europe/Paris");
	assert_string_equal(hash, "$argon2id$h");
	assert_int_equal(got.is_admin, 1);
	assert_int_equal(got.is_active, 1);
	assert_int_equal(got.created_at, made.created_at);
	assert_int_equal(got.last_login_at, 0);

	hash = "untouched";
	assert_int_equal(user_find_by_email(f->user, &f->a, "nobody@x.org", &got, &hash),
			 STORE_NOT_FOUND);
	assert_string_equal(hash, "untouched");
	assert_int_equal(user_find_by_email(f->user, &f->a, "someone@x.org ", &got, &hash),
			 STORE_NOT_FOUND);

	user_record_login(f->user, made.id, INT64_C(1700000000123));
	assert_int_equal(user_find_by_email(f->user, &f->a, "someone@x.org", &got, &hash),
			 STORE_OK);
	assert_int_equal(got.last_login_at, INT64_C(1700000000123));
}

/* A user and a live session "tok" for them created at t0. */
static void make_session(struct fixture *f, struct user *u, int64_t t0, int64_t expires)
{
	assert_int_equal(user_create(f->user, &f->a, "s@x.org", "S", "h", "UTC", u), STORE_OK);
	assert_int_equal(store_user_session_create(f->user, "tok", u->id, t0, expires, "192.0.2.1", "UA"),
			 STORE_OK);
}

static void session_found(void **state)
{
	struct fixture *f = *state;
	struct user u, got;
	const int64_t t0 = INT64_C(1700000000000);
	make_session(f, &u, t0, t0 + 3600000);
	memset(&got, 0, sizeof got);
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 1, 600000, &got), STORE_OK);
	assert_string_equal(got.id, u.id);
	assert_string_equal(got.email, "s@x.org");
	assert_int_equal(got.is_active, 1);
	assert_int_equal(store_user_session_user(f->user, &f->a, "other", t0 + 1, 600000, &got),
			 STORE_NOT_FOUND);
	assert_int_equal(query_int(f->user, "SELECT count(*) FROM sessions WHERE ip = '192.0.2.1' "
					    "AND user_agent = 'UA' AND created_at = %lld",
				   (long long)t0), 1);
}

static void session_expired(void **state)
{
	struct fixture *f = *state;
	struct user u, got;
	const int64_t t0 = INT64_C(1700000000000);
	const int64_t idle = INT64_C(1000000000);
	make_session(f, &u, t0, t0 + 10000);
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 9999, idle, &got), STORE_OK);
	/* At the absolute expiry and after it: gone, though the row remains. */
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 10000, idle, &got),
			 STORE_NOT_FOUND);
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 20000, idle, &got),
			 STORE_NOT_FOUND);
	assert_int_equal(query_int(f->user, "SELECT count(*) FROM sessions"), 1);
}

static void session_idle(void **state)
{
	struct fixture *f = *state;
	struct user u, got;
	const int64_t t0 = INT64_C(1700000000000), idle = 5000;
	make_session(f, &u, t0, t0 + 86400000);
	/* Seen at t0: idle at t0 + idle exactly, live a millisecond before. */
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + idle, idle, &got),
			 STORE_NOT_FOUND);
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + idle + 100000, idle, &got),
			 STORE_NOT_FOUND);
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + idle - 1, idle, &got), STORE_OK);
}

static void session_last_seen_refresh(void **state)
{
	struct fixture *f = *state;
	struct user u, got;
	const int64_t t0 = INT64_C(1700000000000), idle = 100000;
	make_session(f, &u, t0, t0 + 86400000);
	/* Within a minute of the last write: no write. */
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 30000, idle, &got), STORE_OK);
	assert_int_equal(query_int(f->user, "SELECT last_seen_at FROM sessions"), t0);
	/* After a minute: last_seen_at moves to now... */
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 61000, idle, &got), STORE_OK);
	assert_int_equal(query_int(f->user, "SELECT last_seen_at FROM sessions"), t0 + 61000);
	/* ...so the session outlives t0 + idle. */
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 61000 + idle - 1, idle, &got),
			 STORE_OK);
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 61000 + 2 * idle, idle, &got),
			 STORE_NOT_FOUND);
}

static void session_inactive_user(void **state)
{
	struct fixture *f = *state;
	struct user u, got;
	const int64_t t0 = INT64_C(1700000000000);
	make_session(f, &u, t0, t0 + 86400000);
	exec_sql(f->user, "UPDATE users SET is_active = 0");
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 1, 600000, &got),
			 STORE_NOT_FOUND);
	exec_sql(f->user, "UPDATE users SET is_active = 1");
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 1, 600000, &got), STORE_OK);
}

static void session_delete_and_errors(void **state)
{
	struct fixture *f = *state;
	struct user u, got;
	const int64_t t0 = INT64_C(1700000000000);
	char ua[401];
	make_session(f, &u, t0, t0 + 86400000);
	store_user_session_delete(f->user, "tok");
	assert_int_equal(store_user_session_user(f->user, &f->a, "tok", t0 + 1, 600000, &got),
			 STORE_NOT_FOUND);
	assert_int_equal(query_int(f->user, "SELECT count(*) FROM sessions"), 0);
	store_user_session_delete(f->user, "tok");  /* again: harmless */

	/* The same token twice, and an unknown user (foreign key), fail. */
	assert_int_equal(store_user_session_create(f->user, "t2", u.id, t0, t0 + 1000, "", ""), STORE_OK);
	assert_int_equal(store_user_session_create(f->user, "t2", u.id, t0, t0 + 1000, "", ""), STORE_ERROR);
	assert_int_equal(store_user_session_create(f->user, "t3", "no-such-user", t0, t0 + 1000, "", ""),
			 STORE_ERROR);
	/* The user agent is cut to 300 characters. */
	memset(ua, 'u', 400);
	ua[400] = '\0';
	assert_int_equal(store_user_session_create(f->user, "t4", u.id, t0, t0 + 1000, "", ua), STORE_OK);
	assert_int_equal(query_int(f->user, "SELECT length(user_agent) FROM sessions "
					    "WHERE token_hash = 't4'"), 300);
	/* Deleting the user takes the sessions with it. */
	exec_sql(f->user, "DELETE FROM users");
	assert_int_equal(query_int(f->user, "SELECT count(*) FROM sessions"), 0);
}

static void session_create_prunes_expired(void **state)
{
	struct fixture *f = *state;
	struct user u;
	const int64_t t0 = INT64_C(1700000000000);
	make_session(f, &u, t0, t0 + 1000);
	assert_int_equal(store_user_session_create(f->user, "later", u.id, t0 + 5000, t0 + 99999, "", ""),
			 STORE_OK);
	assert_int_equal(query_int(f->user, "SELECT count(*) FROM sessions WHERE token_hash = 'tok'"), 0);
	assert_int_equal(query_int(f->user, "SELECT count(*) FROM sessions"), 1);
}

static void login_failures(void **state)
{
	struct fixture *f = *state;
	const int64_t window = 600000;
	int64_t oldest = 12345;

	login_failure_add(f->user, "email", "a@x.org", 1000, window);
	login_failure_add(f->user, "email", "a@x.org", 2000, window);
	login_failure_add(f->user, "email", "a@x.org", 3000, window);
	login_failure_add(f->user, "email", "b@x.org", 3500, window);
	login_failure_add(f->user, "ip", "192.0.2.1", 4000, window);

	assert_int_equal(login_failure_count(f->user, "email", "a@x.org", 0, &oldest), 3);
	assert_int_equal(oldest, 1000);
	assert_int_equal(login_failure_count(f->user, "email", "a@x.org", 2000, &oldest), 2);
	assert_int_equal(oldest, 2000);
	assert_int_equal(login_failure_count(f->user, "email", "a@x.org", 3001, &oldest), 0);
	assert_int_equal(oldest, 0);
	assert_int_equal(login_failure_count(f->user, "email", "b@x.org", 0, &oldest), 1);
	assert_int_equal(oldest, 3500);
	/* Kinds are separate; keys are exact. */
	assert_int_equal(login_failure_count(f->user, "ip", "a@x.org", 0, &oldest), 0);
	assert_int_equal(login_failure_count(f->user, "email", "A@x.org", 0, &oldest), 0);
	assert_int_equal(login_failure_count(f->user, "ip", "192.0.2.1", 0, &oldest), 1);

	/* A failure past the window prunes the old ones (of every key). */
	login_failure_add(f->user, "email", "a@x.org", 3000 + window + 1, window);
	assert_int_equal(login_failure_count(f->user, "email", "a@x.org", 0, &oldest), 1);
	assert_int_equal(oldest, 3000 + window + 1);
	assert_int_equal(login_failure_count(f->user, "email", "b@x.org", 0, &oldest), 1);
	assert_int_equal(login_failure_count(f->user, "ip", "192.0.2.1", 0, &oldest), 1);
	assert_int_equal(query_int(f->user, "SELECT count(*) FROM login_failures"), 3);

	/* Clearing one key leaves the others. */
	login_failure_add(f->user, "ip", "a@x.org", 3000 + window + 2, window);
	login_failure_clear(f->user, "email", "a@x.org");
	assert_int_equal(login_failure_count(f->user, "email", "a@x.org", 0, &oldest), 0);
	assert_int_equal(login_failure_count(f->user, "email", "b@x.org", 0, &oldest), 1);
	assert_int_equal(login_failure_count(f->user, "ip", "a@x.org", 0, &oldest), 1);
}

/* ================= store_chat.c ================= */

static const char ua[] = "11111111-1111-4111-8111-111111111111";
static const char ub[] = "22222222-2222-4222-8222-222222222222";

static void new_chat(struct fixture *f, const char *user, const char *title,
		     int64_t updated, int pinned, struct chat *c)
{
	assert_int_equal(store_chat_create(f->data, &f->a, user, title, "model-x", c), STORE_OK);
	exec_fmt(f->data, "UPDATE chats SET updated_at = %lld, pinned = %d WHERE id = %Q",
		 (long long)updated, pinned, c->id);
}

static void chat_create_get(void **state)
{
	struct fixture *f = *state;
	struct chat c, got;
	int64_t before = now_ms();
	assert_int_equal(store_chat_create(f->data, &f->a, ua, "Hello", "gpt-x", &c), STORE_OK);
	assert_true(uuid_valid(c.id));
	assert_string_equal(c.title, "Hello");
	assert_string_equal(c.model, "gpt-x");
	assert_string_equal(c.system_prompt, "");
	assert_string_equal(c.visibility, "private");
	assert_int_equal(c.pinned, 0);
	assert_int_equal(c.total_tokens, 0);
	assert_true(c.created_at >= before && c.created_at <= now_ms());
	assert_int_equal(c.updated_at, c.created_at);

	memset(&got, 0, sizeof got);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, c.id, &got), STORE_OK);
	assert_string_equal(got.id, c.id);
	assert_string_equal(got.title, "Hello");
	assert_string_equal(got.model, "gpt-x");
	assert_string_equal(got.system_prompt, "");
	assert_string_equal(got.visibility, "private");
	assert_int_equal(got.pinned, 0);
	assert_int_equal(got.created_at, c.created_at);
	assert_int_equal(got.updated_at, c.updated_at);

	/* Another user's id, or no such chat: not found. */
	assert_int_equal(store_chat_get(f->data, &f->a, ub, c.id, &got), STORE_NOT_FOUND);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, ub, &got), STORE_NOT_FOUND);
}

static void chat_without_model(void **state)
{
	struct fixture *f = *state;
	struct chat c1, c2, got;
	assert_int_equal(store_chat_create(f->data, &f->a, ua, "", "", &c1), STORE_OK);
	assert_int_equal(store_chat_create(f->data, &f->a, ua, "t", NULL, &c2), STORE_OK);
	assert_string_equal(c1.model, "");
	assert_string_equal(c2.model, "");
	/* Stored as NULL (the default model), read back as "". */
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM chats WHERE model IS NULL"), 2);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, c1.id, &got), STORE_OK);
	assert_string_equal(got.model, "");
	assert_string_equal(got.title, "");
}

static void assert_page(const struct chat *got, size_t n, const struct chat *const *want,
			size_t nwant)
{
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i].id, want[i]->id);
}

static void chat_list_order_and_pages(void **state)
{
	struct fixture *f = *state;
	struct chat c1, c2, c3, c4, c5, other, out[10];
	int more = -1;
	size_t n;
	new_chat(f, ua, "one", 100, 0, &c1);
	new_chat(f, ua, "two", 500, 0, &c2);
	new_chat(f, ua, "three", 300, 0, &c3);
	new_chat(f, ua, "four", 200, 1, &c4);
	new_chat(f, ua, "five", 400, 1, &c5);
	new_chat(f, ub, "someone else's", 999, 1, &other);
	{
		/* Pinned first (newest first among them), then the rest newest first. */
		const struct chat *const all[] = { &c5, &c4, &c2, &c3, &c1 };
		n = store_chat_list(f->data, &f->a, ua, NULL, 0, 10, out, &more);
		assert_page(out, n, all, 5);
		assert_int_equal(more, 0);
		assert_string_equal(out[0].title, "five");
		assert_int_equal(out[0].pinned, 1);
		assert_int_equal(out[0].updated_at, 400);
		assert_int_equal(out[4].pinned, 0);

		n = store_chat_list(f->data, &f->a, ua, "", 0, 2, out, &more);
		assert_page(out, n, all, 2);
		assert_int_equal(more, 1);
		n = store_chat_list(f->data, &f->a, ua, NULL, 2, 2, out, &more);
		assert_page(out, n, all + 2, 2);
		assert_int_equal(more, 1);
		n = store_chat_list(f->data, &f->a, ua, NULL, 4, 2, out, &more);
		assert_page(out, n, all + 4, 1);
		assert_int_equal(more, 0);
		/* A page that ends exactly at the last chat has no next page. */
		n = store_chat_list(f->data, &f->a, ua, NULL, 3, 2, out, &more);
		assert_page(out, n, all + 3, 2);
		assert_int_equal(more, 0);
		more = -1;
		n = store_chat_list(f->data, &f->a, ua, NULL, 5, 2, out, &more);
		assert_int_equal(n, 0);
		assert_int_equal(more, 0);
		n = store_chat_list(f->data, &f->a, ua, NULL, 0, 5, out, &more);
		assert_page(out, n, all, 5);
		assert_int_equal(more, 0);
		n = store_chat_list(f->data, &f->a, ua, NULL, 0, 4, out, &more);
		assert_page(out, n, all, 4);
		assert_int_equal(more, 1);
	}
	n = store_chat_list(f->data, &f->a, ub, NULL, 0, 10, out, &more);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].id, other.id);
	n = store_chat_list(f->data, &f->a, "nobody", NULL, 0, 10, out, &more);
	assert_int_equal(n, 0);
	assert_int_equal(more, 0);
}

static void chat_list_ties_by_id(void **state)
{
	struct fixture *f = *state;
	struct chat c, out[10];
	int more;
	size_t n;
	/* Eight chats with the same updated_at: a stable order, by id, so
	 * pages never repeat or skip one. (Insertion order would match by
	 * chance only once in 8! = 40320 runs.) */
	for (int i = 0; i < 8; i++)
		new_chat(f, ua, "same", 100, 0, &c);
	n = store_chat_list(f->data, &f->a, ua, NULL, 0, 10, out, &more);
	assert_int_equal(n, 8);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(out[i - 1].id, out[i].id) < 0);
}

/* The titles store_chat_list finds for q, in list order, joined by "|". */
static const char *titles(struct fixture *f, const char *user, const char *q)
{
	struct chat out[20];
	int more;
	size_t n = store_chat_list(f->data, &f->a, user, q, 0, 20, out, &more);
	char *s = arena_strdup(&f->a, "");
	for (size_t i = 0; i < n; i++)
		s = arena_printf(&f->a, "%s%s%s", s, i ? "|" : "", out[i].title);
	return s;
}

static void chat_search(void **state)
{
	struct fixture *f = *state;
	struct chat c;
	new_chat(f, ua, "Hello World", 900, 0, &c);
	new_chat(f, ua, "HELLO again", 800, 0, &c);
	new_chat(f, ua, "Budget 50% off", 700, 0, &c);
	new_chat(f, ua, "Budget 500 items", 600, 0, &c);
	new_chat(f, ua, "a_b test", 500, 0, &c);
	new_chat(f, ua, "axb test", 400, 0, &c);
	new_chat(f, ua, "back\\slash", 300, 0, &c);
	new_chat(f, ua, "percent % alone", 200, 1, &c);
	new_chat(f, ub, "hello from b", 999, 0, &c);

	assert_string_equal(titles(f, ua, "hello"), "Hello World|HELLO again");
	assert_string_equal(titles(f, ua, "WORLD"), "Hello World");
	assert_string_equal(titles(f, ua, "lo ag"), "HELLO again");
	/* LIKE's wildcards are literal characters in a search. */
	assert_string_equal(titles(f, ua, "50%"), "Budget 50% off");
	assert_string_equal(titles(f, ua, "%"), "percent % alone|Budget 50% off");
	assert_string_equal(titles(f, ua, "a_b"), "a_b test");
	assert_string_equal(titles(f, ua, "_"), "a_b test");
	assert_string_equal(titles(f, ua, "\\"), "back\\slash");
	assert_string_equal(titles(f, ua, "k\\s"), "back\\slash");
	assert_string_equal(titles(f, ua, "'"), "");
	assert_string_equal(titles(f, ua, "nothing like it"), "");
	/* Another user's chats are never found. */
	assert_string_equal(titles(f, ub, "hello"), "hello from b");
	assert_string_equal(titles(f, ub, "Budget"), "");
	/* An empty search lists everything. */
	assert_string_equal(titles(f, ua, ""),
			    "percent % alone|Hello World|HELLO again|Budget 50% off|"
			    "Budget 500 items|a_b test|axb test|back\\slash");
}

static void chat_search_pages(void **state)
{
	struct fixture *f = *state;
	struct chat c, out[3];
	int more;
	size_t n;
	for (int i = 0; i < 5; i++) {
		char t[32];
		snprintf(t, sizeof t, "match %d", i);
		new_chat(f, ua, t, 100 + i, 0, &c);
		new_chat(f, ua, "other", 200 + i, 0, &c);
	}
	n = store_chat_list(f->data, &f->a, ua, "MATCH", 0, 3, out, &more);
	assert_int_equal(n, 3);
	assert_int_equal(more, 1);
	assert_string_equal(out[0].title, "match 4");
	assert_string_equal(out[2].title, "match 2");
	n = store_chat_list(f->data, &f->a, ua, "MATCH", 3, 3, out, &more);
	assert_int_equal(n, 2);
	assert_int_equal(more, 0);
	assert_string_equal(out[0].title, "match 1");
	assert_string_equal(out[1].title, "match 0");
}

static void chat_changes_scoped(void **state)
{
	struct fixture *f = *state;
	struct chat c, got;
	new_chat(f, ua, "Original", 100, 0, &c);
	/* A title made from the first message (schema 002); renaming makes
	 * it the user's own. */
	exec_fmt(f->data, "UPDATE chats SET title_auto = 1 WHERE id = %Q", c.id);

	assert_int_equal(store_chat_rename(f->data, ub, c.id, "Stolen"), STORE_NOT_FOUND);
	assert_int_equal(store_chat_set_pinned(f->data, ub, c.id, 1), STORE_NOT_FOUND);
	assert_int_equal(store_chat_trash(f->data, ub, c.id, 1), STORE_NOT_FOUND);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, c.id, &got), STORE_OK);
	assert_string_equal(got.title, "Original");
	assert_int_equal(got.deleted_at, 0);
	assert_int_equal(got.pinned, 0);

	assert_int_equal(query_int(f->data, "SELECT title_auto FROM chats WHERE id = %Q", c.id), 1);
	assert_int_equal(store_chat_rename(f->data, ua, c.id, "Renamed"), STORE_OK);
	assert_int_equal(query_int(f->data, "SELECT title_auto FROM chats WHERE id = %Q", c.id), 0);
	assert_int_equal(store_chat_set_pinned(f->data, ua, c.id, 1), STORE_OK);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, c.id, &got), STORE_OK);
	assert_string_equal(got.title, "Renamed");
	assert_int_equal(got.pinned, 1);
	assert_int_equal(store_chat_set_pinned(f->data, ua, c.id, 0), STORE_OK);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, c.id, &got), STORE_OK);
	assert_int_equal(got.pinned, 0);
	/* Any non-zero pins. */
	assert_int_equal(store_chat_set_pinned(f->data, ua, c.id, 7), STORE_OK);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, c.id, &got), STORE_OK);
	assert_int_equal(got.pinned, 1);

	assert_int_equal(store_chat_rename(f->data, ua, ub, "x"), STORE_NOT_FOUND);
	assert_int_equal(store_chat_set_pinned(f->data, ua, ub, 1), STORE_NOT_FOUND);

	assert_int_equal(store_chat_trash(f->data, ua, c.id, 1), STORE_OK);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, c.id, &got), STORE_NOT_FOUND);
	assert_int_equal(store_chat_trash(f->data, ua, c.id, 1), STORE_NOT_FOUND);
	assert_int_equal(store_chat_rename(f->data, ua, c.id, "x"), STORE_NOT_FOUND);
	assert_int_equal(store_chat_set_pinned(f->data, ua, c.id, 0), STORE_NOT_FOUND);
	assert_int_equal(store_chat_purge(f->data, ua, c.id), STORE_OK);
	assert_int_equal(store_chat_purge(f->data, ua, c.id), STORE_NOT_FOUND);
	assert_int_equal(store_chat_restore(f->data, ua, c.id), STORE_NOT_FOUND);
}

/* A message row written directly; html, model, ttft and error may be NULL
 * (ttft < 0). Its id is the chat id's first 24 characters and then seq in
 * 12 digits: 36 characters, as a UUID. */
static void insert_message(struct fixture *f, const char *chat_id, int64_t seq,
			   const char *role, const char *content, const char *html,
			   const char *model, int64_t ttft, const char *error)
{
	char ttft_s[32] = "NULL";
	if (ttft >= 0)
		snprintf(ttft_s, sizeof ttft_s, "%lld", (long long)ttft);
	exec_fmt(f->data,
		 "INSERT INTO messages (id, chat_id, seq, role, content, html, status, model, "
		 "tokens_in, tokens_out, cost, ttft_ms, response_ms, error, created_at, completed_at) "
		 "VALUES ('%.24q%012lld', %Q, %lld, %Q, %Q, %Q, %Q, %Q, %lld, %lld, %lld, %s, NULL, %Q, "
		 "%lld, NULL)",
		 chat_id, (long long)seq, chat_id, (long long)seq, role, content, html,
		 error ? "failed" : "done", model, (long long)seq * 10, (long long)seq * 20,
		 (long long)seq * 3, ttft_s, error, (long long)(1000 + seq));
}

static void chat_delete_cascades(void **state)
{
	struct fixture *f = *state;
	struct chat x, y;
	new_chat(f, ua, "x", 100, 0, &x);
	new_chat(f, ua, "y", 200, 0, &y);
	insert_message(f, x.id, 1, "user", "hi", NULL, NULL, -1, NULL);
	insert_message(f, x.id, 2, "assistant", "hello", "<p>hello</p>", "m", 5, NULL);
	insert_message(f, x.id, 3, "user", "bye", NULL, NULL, -1, NULL);
	insert_message(f, y.id, 1, "user", "keep me", NULL, NULL, -1, NULL);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM messages WHERE chat_id = %Q",
				   x.id), 3);
	/* The trash keeps them; deleting forever takes them. */
	assert_int_equal(store_chat_trash(f->data, ua, x.id, 1), STORE_OK);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM messages WHERE chat_id = %Q",
				   x.id), 3);
	assert_int_equal(store_chat_purge(f->data, ua, x.id), STORE_OK);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM messages WHERE chat_id = %Q",
				   x.id), 0);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM messages WHERE chat_id = %Q",
				   y.id), 1);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM chats"), 1);
}

/* A trashed chat: out of the list, the search and store_chat_get; in the trash,
 * newest deletion first, with its messages; restored as it was; none of
 * it for another user. */
static void chat_trash_restore(void **state)
{
	struct fixture *f = *state;
	struct chat a, b, c, got, out[4];
	int more = 1;
	new_chat(f, ua, "alpha", 300, 1, &a);
	new_chat(f, ua, "beta", 200, 0, &b);
	new_chat(f, ua, "gamma", 100, 0, &c);
	new_chat(f, ub, "alpha too", 100, 0, &got);
	insert_message(f, a.id, 1, "user", "hi", NULL, NULL, -1, NULL);
	assert_int_equal(store_chat_trash_count(f->data, ua), 0);
	assert_int_equal(store_chat_list_trash(f->data, &f->a, ua, 0, 4, out, &more), 0);
	assert_int_equal(more, 0);

	assert_int_equal(store_chat_trash(f->data, ua, a.id, 5000), STORE_OK);
	assert_int_equal(store_chat_trash(f->data, ua, c.id, 6000), STORE_OK);
	assert_int_equal(store_chat_trash_count(f->data, ua), 2);
	assert_int_equal(store_chat_trash_count(f->data, ub), 0);
	assert_int_equal(store_chat_list(f->data, &f->a, ua, NULL, 0, 4, out, &more), 1);
	assert_string_equal(out[0].id, b.id);
	assert_int_equal(store_chat_list(f->data, &f->a, ua, "alpha", 0, 4, out, &more), 0);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, a.id, &got), STORE_NOT_FOUND);

	assert_int_equal(store_chat_list_trash(f->data, &f->a, ua, 0, 1, out, &more), 1);
	assert_int_equal(more, 1);
	assert_string_equal(out[0].id, c.id);
	assert_int_equal(out[0].deleted_at, 6000);
	assert_int_equal(store_chat_list_trash(f->data, &f->a, ua, 1, 1, out, &more), 1);
	assert_int_equal(more, 0);
	assert_string_equal(out[0].id, a.id);
	assert_int_equal(store_chat_list_trash(f->data, &f->a, ub, 0, 4, out, &more), 0);
	assert_int_equal(store_chat_get_trashed(f->data, &f->a, ua, a.id, &got), STORE_OK);
	assert_int_equal(got.deleted_at, 5000);
	assert_int_equal(store_chat_get_trashed(f->data, &f->a, ua, b.id, &got), STORE_NOT_FOUND);

	/* Another user can neither see, restore nor purge it. */
	assert_int_equal(store_chat_get_trashed(f->data, &f->a, ub, a.id, &got), STORE_NOT_FOUND);
	assert_int_equal(store_chat_restore(f->data, ub, a.id), STORE_NOT_FOUND);
	assert_int_equal(store_chat_purge(f->data, ub, a.id), STORE_NOT_FOUND);
	/* A live chat is not purged: only what is in the trash. */
	assert_int_equal(store_chat_purge(f->data, ua, b.id), STORE_NOT_FOUND);
	assert_int_equal(store_chat_restore(f->data, ua, b.id), STORE_NOT_FOUND);

	assert_int_equal(store_chat_restore(f->data, ua, a.id), STORE_OK);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, a.id, &got), STORE_OK);
	assert_int_equal(got.deleted_at, 0);
	assert_int_equal(got.pinned, 1);
	assert_int_equal(got.updated_at, 300);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM messages WHERE chat_id = %Q",
				   a.id), 1);
	assert_int_equal(store_chat_list(f->data, &f->a, ua, NULL, 0, 4, out, &more), 2);
	assert_string_equal(out[0].id, a.id);
	assert_int_equal(store_chat_trash_count(f->data, ua), 1);
}

/* The vacuum's purge: only chats trashed before the cutoff, every user's,
 * oldest first, at most max a call. */
static void chat_purge_by_age(void **state)
{
	struct fixture *f = *state;
	struct chat c[5], got;
	const char *owner[5] = { ua, ub, ua, ua, ua };
	for (int i = 0; i < 5; i++)
		new_chat(f, owner[i], "c", 100, 0, &c[i]);
	insert_message(f, c[0].id, 1, "user", "old", NULL, NULL, -1, NULL);
	assert_int_equal(store_chat_trash(f->data, ua, c[0].id, 1000), STORE_OK);
	assert_int_equal(store_chat_trash(f->data, ub, c[1].id, 2000), STORE_OK);
	assert_int_equal(store_chat_trash(f->data, ua, c[2].id, 3000), STORE_OK);
	assert_int_equal(store_chat_trash(f->data, ua, c[3].id, 4000), STORE_OK);
	/* c[4] stays live, however old. */
	assert_int_equal(store_chat_purge_expired(f->data, 1000, 10), 0);
	assert_int_equal(store_chat_purge_expired(f->data, 3001, 2), 2);
	assert_int_equal(store_chat_get_trashed(f->data, &f->a, ua, c[0].id, &got), STORE_NOT_FOUND);
	assert_int_equal(store_chat_get_trashed(f->data, &f->a, ub, c[1].id, &got), STORE_NOT_FOUND);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM messages WHERE chat_id = %Q",
				   c[0].id), 0);
	assert_int_equal(store_chat_get_trashed(f->data, &f->a, ua, c[2].id, &got), STORE_OK);
	assert_int_equal(store_chat_purge_expired(f->data, 3001, 2), 1);
	assert_int_equal(store_chat_purge_expired(f->data, 3001, 2), 0);
	assert_int_equal(store_chat_get_trashed(f->data, &f->a, ua, c[3].id, &got), STORE_OK);
	assert_int_equal(store_chat_get(f->data, &f->a, ua, c[4].id, &got), STORE_OK);
	assert_int_equal(store_chat_purge_expired(f->data, 1 << 30, 10), 1);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM chats"), 1);
}

static void messages_in_order(void **state)
{
	struct fixture *f = *state;
	struct chat c, other;
	struct message_window w;
	struct message *m;
	size_t n;
	new_chat(f, ua, "long", 100, 0, &c);
	new_chat(f, ua, "other", 100, 0, &other);
	/* 40 messages inserted out of order: seq = 7i mod 40 + 1 visits
	 * 1..40 once each. */
	for (int i = 0; i < 40; i++) {
		int64_t seq = (7 * i) % 40 + 1;
		if (seq % 2)
			insert_message(f, c.id, seq, "user", "question", NULL, NULL, -1, NULL);
		else
			insert_message(f, c.id, seq, "assistant", "answer", "<p>answer</p>",
				       "model-y", seq, seq == 40 ? "provider timed out" : NULL);
	}
	insert_message(f, other.id, 1, "user", "elsewhere", NULL, NULL, -1, NULL);

	store_chat_window(f->data, &f->a, c.id, INT64_MAX, 100, &w);
	m = w.m;
	n = w.n;
	assert_non_null(m);
	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++) {
		char id[64];
		/* insert_message's ids: the chat id's first 24 characters, then
		 * the seq in 12 digits. */
		snprintf(id, sizeof id, "%.24s%012zu", c.id, i + 1);
		assert_int_equal(m[i].seq, (int64_t)i + 1);
		assert_string_equal(m[i].id, id);
	}
	/* A user message: NULL html, model and ttft come back as NULL, "", -1. */
	assert_string_equal(m[0].role, "user");
	assert_string_equal(m[0].content, "question");
	assert_null(m[0].html);
	assert_null(m[0].error);
	assert_string_equal(m[0].model, "");
	assert_string_equal(m[0].status, "done");
	assert_int_equal(m[0].ttft_ms, -1);
	assert_int_equal(m[0].response_ms, -1);
	assert_int_equal(m[0].completed_at, 0);
	assert_int_equal(m[0].created_at, 1001);
	assert_int_equal(m[0].tokens_in, 10);
	assert_int_equal(m[0].tokens_out, 20);
	assert_int_equal(m[0].cost, 3);
	/* An assistant message with everything set. */
	assert_string_equal(m[1].role, "assistant");
	assert_string_equal(m[1].html, "<p>answer</p>");
	assert_string_equal(m[1].model, "model-y");
	assert_int_equal(m[1].ttft_ms, 2);
	assert_null(m[1].error);
	/* Further on, everything is intact too. */
	assert_string_equal(m[32].role, "user");
	assert_string_equal(m[32].content, "question");
	assert_null(m[32].html);
	assert_string_equal(m[33].html, "<p>answer</p>");
	assert_int_equal(m[33].ttft_ms, 34);
	assert_null(m[33].error);
	/* The last one failed with an error. */
	assert_string_equal(m[39].status, "failed");
	assert_string_equal(m[39].error, "provider timed out");
	assert_int_equal(m[39].ttft_ms, 40);
	assert_int_equal(m[39].cost, 120);

	store_chat_window(f->data, &f->a, other.id, INT64_MAX, 100, &w);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.m[0].content, "elsewhere");

	store_chat_window(f->data, &f->a, "no-such-chat", INT64_MAX, 100, &w);
	assert_non_null(w.m);
	assert_int_equal(w.n, 0);
}

/* A window: newest first from the index, handed back oldest first, with
 * whether messages lie before and after it; seqs with gaps, as edits and
 * regenerations leave them. */
static void message_windows(void **state)
{
	struct fixture *f = *state;
	struct chat c, other;
	struct message_window w;
	char id[64];
	int64_t seq = 0;
	new_chat(f, ua, "windows", 100, 0, &c);
	new_chat(f, ua, "other", 100, 0, &other);
	/* Seqs 2, 4, ..., 60: 30 messages. */
	for (int64_t s = 2; s <= 60; s += 2)
		insert_message(f, c.id, s, s % 4 ? "user" : "assistant", "text", NULL, NULL, -1, NULL);
	insert_message(f, other.id, 61, "user", "elsewhere", NULL, NULL, -1, NULL);

	/* The newest 10: 42..60, earlier ones exist (the newest of them 40). */
	store_chat_window(f->data, &f->a, c.id, INT64_MAX, 10, &w);
	assert_int_equal(w.n, 10);
	for (size_t i = 0; i < w.n; i++)
		assert_int_equal(w.m[i].seq, 42 + 2 * (int64_t)i);
	assert_int_equal(w.earlier, 1);
	snprintf(id, sizeof id, "%.24s%012d", c.id, 40);
	assert_string_equal(w.earlier_id, id);
	assert_int_equal(w.later, 0);
	assert_string_equal(w.m[9].content, "text");
	/* Before 42: 22..40, with later ones. */
	store_chat_window(f->data, &f->a, c.id, 42, 10, &w);
	assert_int_equal(w.n, 10);
	assert_int_equal(w.m[0].seq, 22);
	assert_int_equal(w.m[9].seq, 40);
	assert_int_equal(w.earlier, 1);
	assert_int_equal(w.later, 1);
	/* Before 23 (not a seq): 2..22, all that is left, nothing earlier. */
	store_chat_window(f->data, &f->a, c.id, 23, 20, &w);
	assert_int_equal(w.n, 11);
	assert_int_equal(w.m[0].seq, 2);
	assert_int_equal(w.m[10].seq, 22);
	assert_int_equal(w.earlier, 0);
	assert_string_equal(w.earlier_id, "");
	assert_int_equal(w.later, 1);
	/* Exactly the whole chat: neither. */
	store_chat_window(f->data, &f->a, c.id, INT64_MAX, 30, &w);
	assert_int_equal(w.n, 30);
	assert_int_equal(w.earlier + w.later, 0);
	/* Before the first: empty, with later ones; past the last: the newest. */
	store_chat_window(f->data, &f->a, c.id, 2, 10, &w);
	assert_int_equal(w.n, 0);
	assert_int_equal(w.later, 1);
	store_chat_window(f->data, &f->a, c.id, 1000, 10, &w);
	assert_int_equal(w.m[9].seq, 60);
	assert_int_equal(w.later, 0);
	/* Another chat's messages never come in; no chat, no messages. */
	store_chat_window(f->data, &f->a, other.id, INT64_MAX, 10, &w);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.m[0].content, "elsewhere");
	store_chat_window(f->data, &f->a, "no-such-chat", INT64_MAX, 10, &w);
	assert_int_equal(w.n + w.earlier + w.later, 0);

	/* The message k places after a seq (which need not be one). */
	assert_int_equal(store_chat_seq_after(f->data, c.id, 40, 0, &seq), STORE_OK);
	assert_int_equal(seq, 42);
	assert_int_equal(store_chat_seq_after(f->data, c.id, 41, 9, &seq), STORE_OK);
	assert_int_equal(seq, 60);
	assert_int_equal(store_chat_seq_after(f->data, c.id, 41, 10, &seq), STORE_NOT_FOUND);
	assert_int_equal(store_chat_seq_after(f->data, c.id, 60, 0, &seq), STORE_NOT_FOUND);

	/* A message's seq, in its chat only, with its role when asked. */
	snprintf(id, sizeof id, "%.24s%012d", c.id, 30);
	assert_int_equal(store_chat_message_seq(f->data, c.id, id, NULL, &seq), STORE_OK);
	assert_int_equal(seq, 30);
	assert_int_equal(store_chat_message_seq(f->data, c.id, id, "user", &seq), STORE_OK);
	assert_int_equal(store_chat_message_seq(f->data, c.id, id, "assistant", &seq), STORE_NOT_FOUND);
	assert_int_equal(store_chat_message_seq(f->data, other.id, id, NULL, &seq), STORE_NOT_FOUND);
}

/* ================= tz.c ================= */

static void tz_names(void **state)
{
	(void)state;
	assert_int_equal(tz_valid("UTC"), 1);
	assert_int_equal(tz_valid("Asia/Tokyo"), 1);
	assert_int_equal(tz_valid("America/Argentina/Buenos_Aires"), 1);
	assert_int_equal(tz_valid("Etc/GMT+5"), 1);
	assert_int_equal(tz_valid("../etc/passwd"), 0);
	assert_int_equal(tz_valid("Asia/../../../etc/passwd"), 0);
	assert_int_equal(tz_valid("/etc/passwd"), 0);
	assert_int_equal(tz_valid("Nope/Zone"), 0);
	assert_int_equal(tz_valid(""), 0);
	assert_int_equal(tz_valid(NULL), 0);
	assert_int_equal(tz_valid("Asia/Tokyo "), 0);
	assert_int_equal(tz_valid("Asia/Tokyo\n"), 0);
	assert_int_equal(tz_valid("Asia/Tokyo;x"), 0);
	{
		char longname[80];
		memset(longname, 'A', 65);
		longname[65] = '\0';
		assert_int_equal(tz_valid(longname), 0);
	}
}

/* The fixed instant: 2024-03-10 12:00:00 UTC.
 * 2024-01-01T00:00Z is day 19723 since 1970-01-01 (1704067200 s); March 10
 * is 31 + 29 + 9 = 69 days later, so 2024-03-10T00:00Z = 1710028800 s and
 * noon is 1710028800 + 43200 = 1710072000 s. */
#define NOON_UTC INT64_C(1710072000000)
#define MIDNIGHT_UTC INT64_C(1710028800000)
#define HOUR INT64_C(3600000)
#define DAY (24 * HOUR)

static void tz_day_starts(void **state)
{
	char s[64];
	(void)state;
	/* UTC: midnight of the same day; one and seven days back. */
	assert_int_equal(tz_day_start("UTC", NOON_UTC, 0), MIDNIGHT_UTC);
	assert_int_equal(tz_day_start("UTC", NOON_UTC, 1), MIDNIGHT_UTC - DAY);
	assert_int_equal(tz_day_start("UTC", NOON_UTC, 7), MIDNIGHT_UTC - 7 * DAY);

	/* Pacific/Kiritimati is UTC+14 all year: noon UTC is 02:00 on Monday
	 * 2024-03-11 there, so the day began at 2024-03-11T00:00+14, which is
	 * 2024-03-10T10:00Z = MIDNIGHT_UTC + 10 h (1710064800 s). */
	assert_int_equal(tz_day_start("Pacific/Kiritimati", NOON_UTC, 0),
			 MIDNIGHT_UTC + 10 * HOUR);
	assert_int_equal(tz_day_start("Pacific/Kiritimati", NOON_UTC, 0), INT64_C(1710064800000));
	/* The day before began at 2024-03-10T00:00+14 = 2024-03-09T10:00Z. */
	assert_int_equal(tz_day_start("Pacific/Kiritimati", NOON_UTC, 1),
			 MIDNIGHT_UTC + 10 * HOUR - DAY);
	tz_format("Pacific/Kiritimati", NOON_UTC, "%Y-%m-%d %H:%M", s, sizeof s);
	assert_string_equal(s, "2024-03-11 02:00");

	/* Pacific/Pago_Pago is UTC-11 all year: noon UTC is 01:00 on Sunday
	 * 2024-03-10 there; the day began at 2024-03-10T00:00-11, which is
	 * 2024-03-10T11:00Z = MIDNIGHT_UTC + 11 h (1710068400 s). */
	assert_int_equal(tz_day_start("Pacific/Pago_Pago", NOON_UTC, 0),
			 MIDNIGHT_UTC + 11 * HOUR);
	assert_int_equal(tz_day_start("Pacific/Pago_Pago", NOON_UTC, 0), INT64_C(1710068400000));
	assert_int_equal(tz_day_start("Pacific/Pago_Pago", NOON_UTC, 2),
			 MIDNIGHT_UTC + 11 * HOUR - 2 * DAY);
	tz_format("Pacific/Pago_Pago", NOON_UTC, "%Y-%m-%d %H:%M", s, sizeof s);
	assert_string_equal(s, "2024-03-10 01:00");

	/* Two hours earlier (10:00Z) it is still Saturday 23:00 in Pago Pago:
	 * the day began 24 h before, at 2024-03-09T11:00Z; a second before its
	 * midnight (10:59:59Z) too. */
	assert_int_equal(tz_day_start("Pacific/Pago_Pago", NOON_UTC - 2 * HOUR, 0),
			 MIDNIGHT_UTC + 11 * HOUR - DAY);
	assert_int_equal(tz_day_start("Pacific/Pago_Pago", MIDNIGHT_UTC + 11 * HOUR - 1000, 0),
			 MIDNIGHT_UTC + 11 * HOUR - DAY);
	/* And exactly at its local midnight, the day is the one beginning. */
	assert_int_equal(tz_day_start("Pacific/Pago_Pago", MIDNIGHT_UTC + 11 * HOUR, 0),
			 MIDNIGHT_UTC + 11 * HOUR);

	/* Asia/Tokyo, UTC+9: 21:00 on the 10th; midnight = 2024-03-09T15:00Z. */
	assert_int_equal(tz_day_start("Asia/Tokyo", NOON_UTC, 0), MIDNIGHT_UTC - 9 * HOUR);

	/* An unknown or hostile zone counts as UTC. */
	assert_int_equal(tz_day_start("Nope/Zone", NOON_UTC, 0), MIDNIGHT_UTC);
	assert_int_equal(tz_day_start("../etc/passwd", NOON_UTC, 0), MIDNIGHT_UTC);
	assert_int_equal(tz_day_start(NULL, NOON_UTC, 0), MIDNIGHT_UTC);
	/* Switching back after an invalid zone still works. */
	assert_int_equal(tz_day_start("Pacific/Kiritimati", NOON_UTC, 0), MIDNIGHT_UTC + 10 * HOUR);
}

static void tz_dst_day(void **state)
{
	(void)state;
	/* America/New_York springs forward on 2024-03-10 (02:00 EST -> 03:00
	 * EDT). At noon UTC (08:00 EDT) the local day began at 00:00 EST =
	 * 05:00Z; the day before also began at 05:00Z, 24 h earlier. */
	assert_int_equal(tz_day_start("America/New_York", NOON_UTC, 0), MIDNIGHT_UTC + 5 * HOUR);
	assert_int_equal(tz_day_start("America/New_York", NOON_UTC, 1),
			 MIDNIGHT_UTC + 5 * HOUR - DAY);
	/* A day later (2024-03-11, EDT) midnight is 04:00Z: a 23-hour day. */
	assert_int_equal(tz_day_start("America/New_York", NOON_UTC + DAY, 0),
			 MIDNIGHT_UTC + DAY + 4 * HOUR);
}

/* ================= own_key.c ================= */

/* Whose key pays: one stored for the provider pays (the send holds no
 * credits, the worker sends it); one that no longer opens fails the
 * request rather than fall back to the server's key; none, or none kept
 * at all, leaves the server's. */
static void own_key_decides(void **state)
{
	struct fixture *f = *state;
	static const unsigned char master[32] = { 7 }, other[32] = { 8 };
	struct user u;
	unsigned char *sealed;
	size_t len;
	char *key = (char *)"unset";
	assert_int_equal(user_create(f->user, &f->a, "k@x.org", "K", "h", "UTC", &u), STORE_OK);
	assert_int_equal(own_key_for(f->user, master, u.id, "openai", &key), OWN_KEY_NONE);
	assert_null(key);
	assert_int_equal(own_key_for(f->user, NULL, u.id, "openai", NULL), OWN_KEY_NONE);
	assert_int_equal(keybox_seal(master, u.id, "openai", "sk-own", &sealed, &len), 0);
	assert_int_equal(store_keys_provider_key_put(f->user, u.id, "openai", sealed, len, "-own", 1),
			 STORE_OK);
	free(sealed);
	/* The send: stored is enough, nothing is opened. */
	assert_int_equal(own_key_for(f->user, NULL, u.id, "openai", NULL), OWN_KEY_PAYS);
	/* The worker: opened. */
	assert_int_equal(own_key_for(f->user, master, u.id, "openai", &key), OWN_KEY_PAYS);
	assert_string_equal(key, "sk-own");
	keybox_free(key);
	assert_int_equal(own_key_for(f->user, other, u.id, "openai", &key), OWN_KEY_UNREADABLE);
	assert_null(key);
	assert_int_equal(own_key_for(f->user, NULL, u.id, "openai", &key), OWN_KEY_UNREADABLE);
	assert_null(key);
	/* Another provider, or no user.db at all: the server's key. */
	assert_int_equal(own_key_for(f->user, master, u.id, "anthropic", &key), OWN_KEY_NONE);
	assert_int_equal(own_key_for(NULL, master, u.id, "openai", &key), OWN_KEY_NONE);
	assert_null(key);
}

/* Where a page lands after an action: the newest message by seq, not by
 * insertion; none in an empty chat. */
static void newest_message(void **state)
{
	struct fixture *f = *state;
	struct chat c, empty;
	char id[UUID_BUF] = "unchanged";
	new_chat(f, ua, "c", 100, 0, &c);
	new_chat(f, ua, "empty", 100, 0, &empty);
	insert_message(f, c.id, 3, "assistant", "third", NULL, "m", 1, NULL);
	insert_message(f, c.id, 1, "user", "first", NULL, NULL, -1, NULL);
	insert_message(f, c.id, 2, "user", "second", NULL, NULL, -1, NULL);
	assert_int_equal(store_chat_newest_message(f->data, c.id, id), STORE_OK);
	assert_int_equal(query_int(f->data, "SELECT seq FROM messages WHERE id = %Q", id), 3);
	assert_int_equal(store_chat_newest_message(f->data, empty.id, id), STORE_NOT_FOUND);
}

/* The model a new chat starts on: that of the user's most recently updated
 * chat that has one; another user's chats do not count. */
static void last_model(void **state)
{
	struct fixture *f = *state;
	struct chat a, b, none, theirs;
	assert_null(user_last_model(f->data, &f->a, ua));
	new_chat(f, ua, "a", 100, 0, &a);
	new_chat(f, ua, "b", 300, 0, &b);
	assert_int_equal(store_chat_create(f->data, &f->a, ua, "none", NULL, &none), STORE_OK);
	exec_fmt(f->data, "UPDATE chats SET updated_at = 400 WHERE id = %Q", none.id);
	new_chat(f, ub, "theirs", 500, 0, &theirs);
	exec_fmt(f->data, "UPDATE chats SET model = 'model-a' WHERE id = %Q", a.id);
	exec_fmt(f->data, "UPDATE chats SET model = 'model-b' WHERE id = %Q", b.id);
	exec_fmt(f->data, "UPDATE chats SET model = 'model-theirs' WHERE id = %Q", theirs.id);
	assert_string_equal(user_last_model(f->data, &f->a, ua), "model-b");
	/* Pinned first in the chat list, but b's use is now the oldest. */
	exec_fmt(f->data, "UPDATE chats SET pinned = 1, updated_at = 50 WHERE id = %Q", b.id);
	assert_string_equal(user_last_model(f->data, &f->a, ua), "model-a");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(db_open_pragmas),
		T(db_open_failure),
		T(db_migrate_sets_version),
		T(db_migrate_missing_dir),
		T(db_migrate_broken_rolls_back),
		T(user_first_is_admin),
		T(user_email_unique_any_case),
		T(user_find),
		T(session_found),
		T(session_expired),
		T(session_idle),
		T(session_last_seen_refresh),
		T(session_inactive_user),
		T(session_delete_and_errors),
		T(session_create_prunes_expired),
		T(login_failures),
		T(chat_create_get),
		T(chat_without_model),
		T(chat_list_order_and_pages),
		T(chat_list_ties_by_id),
		T(chat_search),
		T(chat_search_pages),
		T(chat_changes_scoped),
		T(chat_delete_cascades),
		T(chat_trash_restore),
		T(chat_purge_by_age),
		T(messages_in_order),
		T(message_windows),
		T(own_key_decides),
		T(newest_message),
		T(last_model),
		cmocka_unit_test(tz_names),
		cmocka_unit_test(tz_day_starts),
		cmocka_unit_test(tz_dst_day),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
