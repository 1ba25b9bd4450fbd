/* store_user.c — see store_user.h. The only file that knows user.db's SQL. */
#include "store_user.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* Queries name the users table "u" so these never clash with a join. */
#define USER_COLS "u.id, u.email, u.name, u.plan, u.timezone, u.credits, u.is_admin, " \
		  "u.is_active, u.created_at, coalesce(u.last_login_at, 0), " \
		  "coalesce(u.plan_expires_at, 0)"
#define USER_NCOLS 11

/* Fill u from the USER_COLS columns starting at col 0. */
static void user_from_row(sqlite3_stmt *st, struct arena *a, struct user *u)
{
	snprintf(u->id, sizeof u->id, "%s", db_col_text(st, 0));
	u->email = arena_strdup(a, db_col_text(st, 1));
	u->name = arena_strdup(a, db_col_text(st, 2));
	u->plan = arena_strdup(a, db_col_text(st, 3));
	u->timezone = arena_strdup(a, db_col_text(st, 4));
	u->credits = sqlite3_column_int64(st, 5);
	u->is_admin = sqlite3_column_int(st, 6);
	u->is_active = sqlite3_column_int(st, 7);
	u->created_at = sqlite3_column_int64(st, 8);
	u->last_login_at = sqlite3_column_int64(st, 9);
	u->plan_expires_at = sqlite3_column_int64(st, 10);
}

int user_count(struct db *db)
{
	sqlite3_stmt *st = db_prep(db, "SELECT count(*) FROM users");
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

enum store_rc user_create(struct db *db, struct arena *a, const char *email,
			  const char *name, const char *password_hash,
			  const char *timezone, struct user *out)
{
	sqlite3_stmt *st;
	int64_t now = now_ms();
	int rc, first;

	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	/* Counted inside the write transaction: two sign-ups racing for
	 * "first user" cannot both become administrator. */
	first = user_count(db) == 0;
	uuid_new(out->id);
	st = db_prep(db, "INSERT INTO users (id, email, name, password_hash, timezone, "
			 "is_admin, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
	db_bind_text(st, 1, out->id);
	db_bind_text(st, 2, email);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, password_hash);
	db_bind_text(st, 5, timezone);
	sqlite3_bind_int(st, 6, first);
	sqlite3_bind_int64(st, 7, now);
	rc = db_exec_stmt(st);
	if (rc != SQLITE_DONE) {
		int unique = sqlite3_extended_errcode(db_handle(db)) == SQLITE_CONSTRAINT_UNIQUE;
		db_rollback(db);
		return unique ? STORE_EXISTS : STORE_ERROR;
	}
	if (db_commit(db) != SQLITE_OK)
		return STORE_BUSY;
	out->email = arena_strdup(a, email);
	out->name = arena_strdup(a, name);
	out->plan = "free";
	out->timezone = arena_strdup(a, timezone);
	out->credits = 0;
	out->is_admin = first;
	out->is_active = 1;
	out->created_at = now;
	out->last_login_at = 0;
	return STORE_OK;
}

enum store_rc user_find_by_email(struct db *db, struct arena *a, const char *email,
				 struct user *out, const char **hash)
{
	sqlite3_stmt *st = db_prep(db, "SELECT " USER_COLS ", u.password_hash FROM users u "
				       "WHERE u.email = ?1");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, email);
	if (sqlite3_step(st) == SQLITE_ROW) {
		user_from_row(st, a, out);
		*hash = arena_strdup(a, db_col_text(st, USER_NCOLS));
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

void user_record_login(struct db *db, const char *user_id, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE users SET last_login_at = ?2 WHERE id = ?1");
	db_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, now);
	db_exec_stmt(st);
}

enum store_rc store_user_session_create(struct db *db, const char *token_hash, const char *user_id,
			     int64_t now, int64_t expires_at, const char *ip,
			     const char *user_agent)
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO sessions (token_hash, user_id, created_at, "
				       "last_seen_at, expires_at, ip, user_agent) "
				       "VALUES (?1, ?2, ?3, ?3, ?4, ?5, substr(?6, 1, 300))");
	db_bind_text(st, 1, token_hash);
	db_bind_text(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, expires_at);
	db_bind_text(st, 5, ip);
	db_bind_text(st, 6, user_agent);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	/* Expired sessions go when new ones come, so the table stays small. */
	st = db_prep(db, "DELETE FROM sessions WHERE expires_at < ?1");
	sqlite3_bind_int64(st, 1, now);
	db_exec_stmt(st);
	return STORE_OK;
}

enum store_rc store_user_session_user(struct db *db, struct arena *a, const char *token_hash,
			   int64_t now, int64_t idle_ms, struct user *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT " USER_COLS ", s.last_seen_at FROM sessions s "
				       "JOIN users u ON u.id = s.user_id "
				       "WHERE s.token_hash = ?1 AND s.expires_at > ?2 "
				       "AND s.last_seen_at > ?3 AND u.is_active = 1");
	int64_t seen = 0;
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now - idle_ms);
	if (sqlite3_step(st) == SQLITE_ROW) {
		user_from_row(st, a, out);
		seen = sqlite3_column_int64(st, USER_NCOLS);
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	/* A write per page view would cost more than the page; a minute's
	 * precision is plenty for an idle timeout measured in days. */
	if (rc == STORE_OK && now - seen > 60 * 1000) {
		st = db_prep(db, "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1");
		db_bind_text(st, 1, token_hash);
		sqlite3_bind_int64(st, 2, now);
		db_exec_stmt(st);
	}
	return rc;
}

void store_user_session_delete(struct db *db, const char *token_hash)
{
	sqlite3_stmt *st = db_prep(db, "DELETE FROM sessions WHERE token_hash = ?1");
	db_bind_text(st, 1, token_hash);
	db_exec_stmt(st);
}

void login_failure_add(struct db *db, const char *kind, const char *key, int64_t now,
		       int64_t window_ms)
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO login_failures (kind, key, at) "
				       "VALUES (?1, ?2, ?3)");
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, key);
	sqlite3_bind_int64(st, 3, now);
	db_exec_stmt(st);
	st = db_prep(db, "DELETE FROM login_failures WHERE at < ?1");
	sqlite3_bind_int64(st, 1, now - window_ms);
	db_exec_stmt(st);
}

int login_failure_count(struct db *db, const char *kind, const char *key, int64_t since,
			int64_t *oldest)
{
	sqlite3_stmt *st = db_prep(db, "SELECT count(*), coalesce(min(at), 0) FROM login_failures "
				       "WHERE kind = ?1 AND key = ?2 AND at >= ?3");
	int n = 0;
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, key);
	sqlite3_bind_int64(st, 3, since);
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int(st, 0);
		*oldest = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return n;
}

void login_failure_clear(struct db *db, const char *kind, const char *key)
{
	sqlite3_stmt *st = db_prep(db, "DELETE FROM login_failures WHERE kind = ?1 AND key = ?2");
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, key);
	db_exec_stmt(st);
}

struct user *user_list(struct db *db, struct arena *a, size_t *n)
{
	sqlite3_stmt *st = db_prep(db, "SELECT " USER_COLS " FROM users u ORDER BY u.created_at, u.id");
	size_t cap = 16;
	struct user *out = arena_alloc(a, cap * sizeof *out);
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			struct user *more = arena_alloc(a, 2 * cap * sizeof *out);
			memcpy(more, out, cap * sizeof *out);
			out = more;
			cap *= 2;
		}
		user_from_row(st, a, &out[(*n)++]);
	}
	sqlite3_reset(st);
	return out;
}

/* UPDATE one user's row; STORE_NOT_FOUND when there is no such user. */
static enum store_rc changed(struct db *db, sqlite3_stmt *st)
{
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	return sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_NOT_FOUND;
}

static void end_sessions(struct db *db, const char *user_id)
{
	sqlite3_stmt *st = db_prep(db, "DELETE FROM sessions WHERE user_id = ?1");
	db_bind_text(st, 1, user_id);
	db_exec_stmt(st);
}

enum store_rc user_set_active(struct db *db, const char *user_id, int active, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE users SET is_active = ?2, updated_at = ?3 WHERE id = ?1");
	enum store_rc rc;
	db_bind_text(st, 1, user_id);
	sqlite3_bind_int(st, 2, active != 0);
	sqlite3_bind_int64(st, 3, now);
	rc = changed(db, st);
	if (rc == STORE_OK && !active)
		end_sessions(db, user_id);
	return rc;
}

enum store_rc user_set_plan(struct db *db, const char *user_id, const char *plan,
			    int64_t expires_at, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE users SET plan = ?2, plan_expires_at = ?3, "
				       "updated_at = ?4 WHERE id = ?1");
	db_bind_text(st, 1, user_id);
	db_bind_text(st, 2, plan);
	if (expires_at > 0)
		sqlite3_bind_int64(st, 3, expires_at);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, now);
	return changed(db, st);
}

enum store_rc user_set_password(struct db *db, const char *user_id, const char *hash,
				int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE users SET password_hash = ?2, updated_at = ?3 "
				       "WHERE id = ?1");
	enum store_rc rc;
	db_bind_text(st, 1, user_id);
	db_bind_text(st, 2, hash);
	sqlite3_bind_int64(st, 3, now);
	rc = changed(db, st);
	if (rc == STORE_OK)
		end_sessions(db, user_id);
	return rc;
}
