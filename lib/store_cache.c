/* store_cache.c — see store_cache.h. */
#include "store_cache.h"

int store_cache_get(struct db *db, const char *hash, int64_t now, struct cached *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT response, tokens_in, tokens_out FROM model_cache "
				       "WHERE hash = ?1 AND expires_at > ?2");
	int hit = 0;
	db_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->response = (struct buf)BUF_INIT;
		buf_append(&out->response, sqlite3_column_text(st, 0),
			   (size_t)sqlite3_column_bytes(st, 0));
		out->tokens_in = sqlite3_column_int64(st, 1);
		out->tokens_out = sqlite3_column_int64(st, 2);
		hit = 1;
	}
	sqlite3_reset(st);
	return hit;
}

void store_cache_put(struct db *db, const char *hash, const char *model, const char *response,
	       size_t len, int64_t tokens_in, int64_t tokens_out, int64_t now,
	       int64_t expires_at)
{
	sqlite3_stmt *st = db_prep(db, "INSERT OR REPLACE INTO model_cache (hash, model, response, "
				       "tokens_in, tokens_out, created_at, expires_at) VALUES (?1, ?2, "
				       "?3, ?4, ?5, ?6, ?7)");
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, model);
	sqlite3_bind_text(st, 3, response, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, tokens_in);
	sqlite3_bind_int64(st, 5, tokens_out);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, expires_at);
	db_exec_stmt(st);
}

int store_cache_purge(struct db *db, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "DELETE FROM model_cache WHERE expires_at <= ?1");
	sqlite3_bind_int64(st, 1, now);
	db_exec_stmt(st);
	return sqlite3_changes(db_handle(db));
}
