/* store_credits.c — see store_credits.h. */
#include "store_credits.h"
#include "log.h"

#include <string.h>

int64_t credits_balance(struct db *db, const char *user_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT balance FROM credit_accounts WHERE user_id = ?1");
	int64_t b = 0;
	db_bind_text(st, 1, user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		b = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return b;
}

/* Move the balance by amount and write the row; the CHECK on balance and
 * the UNIQUE (kind, ref) refuse what must not happen. */
static enum store_rc apply(struct db *db, const char *user_id, const char *kind,
			   int64_t amount, const char *ref, const char *note, int64_t now)
{
	sqlite3_stmt *st;
	if (ref) {
		st = db_prep(db, "SELECT 1 FROM credit_ledger WHERE kind = ?1 AND ref = ?2");
		db_bind_text(st, 1, kind);
		db_bind_text(st, 2, ref);
		int seen = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (seen)
			return STORE_EXISTS;
	}
	if (amount < 0 && credits_balance(db, user_id) + amount < 0)
		return STORE_CONFLICT;
	/* UPDATE, then INSERT for a first row: an upsert would check the
	 * candidate row (a negative amount) against balance >= 0. */
	st = db_prep(db, "UPDATE credit_accounts SET balance = balance + ?2, updated_at = ?3 "
			 "WHERE user_id = ?1");
	db_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, amount);
	sqlite3_bind_int64(st, 3, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	if (sqlite3_changes(db_handle(db)) == 0) {
		st = db_prep(db, "INSERT INTO credit_accounts (user_id, balance, updated_at) "
				 "VALUES (?1, ?2, ?3)");
		db_bind_text(st, 1, user_id);
		sqlite3_bind_int64(st, 2, amount);
		sqlite3_bind_int64(st, 3, now);
		if (db_exec_stmt(st) != SQLITE_DONE)
			return STORE_ERROR;
	}
	st = db_prep(db, "INSERT INTO credit_ledger (user_id, kind, amount, ref, note, created_at) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	db_bind_text(st, 1, user_id);
	db_bind_text(st, 2, kind);
	sqlite3_bind_int64(st, 3, amount);
	db_bind_text(st, 4, ref);
	db_bind_text(st, 5, note ? note : "");
	sqlite3_bind_int64(st, 6, now);
	return db_exec_stmt(st) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc credits_add(struct db *db, const char *user_id, const char *kind,
			  int64_t amount, const char *ref, const char *note, int64_t now)
{
	enum store_rc rc;
	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	rc = apply(db, user_id, kind, amount, ref, note, now);
	if (rc != STORE_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == SQLITE_OK ? STORE_OK : STORE_BUSY;
}

enum store_rc credits_reserve(struct db *db, const char *user_id, const char *msg_id,
			      int64_t amount, int64_t now)
{
	return apply(db, user_id, "reserve", -amount, msg_id, "held for a reply", now);
}

int64_t credits_settle(struct db *db, const char *user_id, const char *msg_id, int64_t cost,
		       int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "SELECT -amount FROM credit_ledger WHERE kind = 'reserve' "
				       "AND ref = ?1 AND user_id = ?2");
	int64_t held = -1;
	db_bind_text(st, 1, msg_id);
	db_bind_text(st, 2, user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		held = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (held < 0)
		return 0;   /* nothing was held: credits were off when it was sent */
	if (apply(db, user_id, "release", held, msg_id, "hold given back", now) != STORE_OK)
		return 0;   /* settled before (a replay after a crash) */
	/* Never more than the hold: the hold is the most the request could
	 * cost (hold.h), so a provider billing past it is worth a look. */
	if (cost > held) {
		log_warn("message %s cost %lld micro-dollars, past its hold of %lld: charged the "
			 "hold", msg_id, (long long)cost, (long long)held);
		cost = held;
	}
	if (cost > 0)
		apply(db, user_id, "usage", -cost, msg_id, "reply", now);
	return cost;
}

struct credit_row *credits_history(struct db *db, struct arena *a, const char *user_id,
				   size_t max, size_t *n)
{
	sqlite3_stmt *st = db_prep(db, "SELECT kind, coalesce(ref, ''), note, amount, created_at "
				       "FROM credit_ledger WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2");
	struct credit_row *out = arena_alloc(a, (max ? max : 1) * sizeof *out);
	*n = 0;
	db_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while (*n < max && sqlite3_step(st) == SQLITE_ROW) {
		out[*n].kind = arena_strdup(a, db_col_text(st, 0));
		out[*n].ref = arena_strdup(a, db_col_text(st, 1));
		out[*n].note = arena_strdup(a, db_col_text(st, 2));
		out[*n].amount = sqlite3_column_int64(st, 3);
		out[*n].created_at = sqlite3_column_int64(st, 4);
		(*n)++;
	}
	sqlite3_reset(st);
	return out;
}
