/* store_keys.c — see store_keys.h. */
#include "store_keys.h"
#include "util.h"

#include <string.h>

enum store_rc store_keys_provider_key_put(struct db *db, const char *user_id, const char *provider,
			       const unsigned char *sealed, size_t len, const char *last4,
			       int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "INSERT OR REPLACE INTO provider_keys (user_id, provider, "
				       "sealed, last4, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
	db_bind_text(st, 1, user_id);
	db_bind_text(st, 2, provider);
	sqlite3_bind_blob(st, 3, sealed, (int)len, SQLITE_STATIC);
	db_bind_text(st, 4, last4);
	sqlite3_bind_int64(st, 5, now);
	return db_exec_stmt(st) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

unsigned char *store_keys_provider_key_get(struct db *db, const char *user_id, const char *provider,
				size_t *len)
{
	sqlite3_stmt *st = db_prep(db, "SELECT sealed FROM provider_keys WHERE user_id = ?1 "
				       "AND provider = ?2");
	unsigned char *out = NULL;
	db_bind_text(st, 1, user_id);
	db_bind_text(st, 2, provider);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		out = xmalloc(*len ? *len : 1);
		memcpy(out, sqlite3_column_blob(st, 0), *len);
	}
	sqlite3_reset(st);
	return out;
}

enum store_rc store_keys_provider_key_delete(struct db *db, const char *user_id, const char *provider)
{
	sqlite3_stmt *st = db_prep(db, "DELETE FROM provider_keys WHERE user_id = ?1 AND provider = ?2");
	db_bind_text(st, 1, user_id);
	db_bind_text(st, 2, provider);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	return sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_NOT_FOUND;
}

struct key_info *store_keys_provider_key_list(struct db *db, struct arena *a, const char *user_id,
				   size_t *n)
{
	sqlite3_stmt *st = db_prep(db, "SELECT provider, last4, created_at FROM provider_keys "
				       "WHERE user_id = ?1 ORDER BY provider");
	size_t cap = 8;
	struct key_info *out = arena_alloc(a, cap * sizeof *out);
	*n = 0;
	db_bind_text(st, 1, user_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			struct key_info *more = arena_alloc(a, 2 * cap * sizeof *out);
			memcpy(more, out, cap * sizeof *out);
			out = more;
			cap *= 2;
		}
		out[*n].provider = arena_strdup(a, db_col_text(st, 0));
		out[*n].last4 = arena_strdup(a, db_col_text(st, 1));
		out[*n].created_at = sqlite3_column_int64(st, 2);
		(*n)++;
	}
	sqlite3_reset(st);
	return out;
}
