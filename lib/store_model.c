/* store_model.c — see store_model.h. */
#include "store_model.h"

#include <stdio.h>
#include <string.h>

enum store_rc model_add(struct db *db, const struct model_row *m, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO models (id, provider, name, api_model, "
				       "context, max_output, images, pdfs, reasoning, price_in, "
				       "price_out, is_active, created_at, updated_at) VALUES (?1, ?2, "
				       "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, ?12)");
	int rc;
	db_bind_text(st, 1, m->id);
	db_bind_text(st, 2, m->provider);
	db_bind_text(st, 3, m->name);
	db_bind_text(st, 4, m->api_model);
	sqlite3_bind_int64(st, 5, m->context);
	sqlite3_bind_int64(st, 6, m->max_output);
	sqlite3_bind_int(st, 7, m->images);
	sqlite3_bind_int(st, 8, m->pdfs);
	sqlite3_bind_int(st, 9, m->reasoning);
	sqlite3_bind_int64(st, 10, m->price_in);
	sqlite3_bind_int64(st, 11, m->price_out);
	sqlite3_bind_int64(st, 12, now);
	rc = db_exec_stmt(st);
	if (rc != SQLITE_DONE && sqlite3_extended_errcode(db_handle(db)) == SQLITE_CONSTRAINT_PRIMARYKEY)
		return STORE_EXISTS;
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc model_remove(struct db *db, const char *id)
{
	sqlite3_stmt *st = db_prep(db, "DELETE FROM models WHERE id = ?1");
	db_bind_text(st, 1, id);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	return sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_NOT_FOUND;
}

enum store_rc model_set_active(struct db *db, const char *id, int active, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO model_state (id, is_active, updated_at) "
				       "VALUES (?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET "
				       "is_active = excluded.is_active, updated_at = excluded.updated_at");
	db_bind_text(st, 1, id);
	sqlite3_bind_int(st, 2, active != 0);
	sqlite3_bind_int64(st, 3, now);
	return db_exec_stmt(st) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

void model_each_added(struct db *db, void (*fn)(void *ctx, const struct model_row *m),
		      void *ctx)
{
	sqlite3_stmt *st = db_prep(db, "SELECT id, provider, name, api_model, context, "
				       "max_output, images, pdfs, reasoning, price_in, price_out "
				       "FROM models ORDER BY created_at, id");
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct model_row m = {
			.id = db_col_text(st, 0), .provider = db_col_text(st, 1),
			.name = db_col_text(st, 2), .api_model = db_col_text(st, 3),
			.context = sqlite3_column_int64(st, 4),
			.max_output = sqlite3_column_int64(st, 5),
			.images = sqlite3_column_int(st, 6), .pdfs = sqlite3_column_int(st, 7),
			.reasoning = sqlite3_column_int(st, 8),
			.price_in = sqlite3_column_int64(st, 9),
			.price_out = sqlite3_column_int64(st, 10),
		};
		fn(ctx, &m);
	}
	sqlite3_reset(st);
}

int model_state(struct db *db, const char *id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT is_active FROM model_state WHERE id = ?1");
	int v = -1;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return v;
}

void model_registry_stamp(struct db *db, char out[64])
{
	sqlite3_stmt *st = db_prep(db, "SELECT (SELECT count(*) || '.' || coalesce(max(updated_at), 0) "
				       "FROM models) || '/' || (SELECT count(*) || '.' || "
				       "coalesce(max(updated_at), 0) FROM model_state)");
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, 64, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
}
