/* store_plan.c — see store_plan.h. */
#include "store_plan.h"

#include <stdio.h>

void plan_settings_stamp(struct db *db, char out[64])
{
	sqlite3_stmt *st = db_prep(db, "SELECT count(*) || '.' || coalesce(max(updated_at), 0) "
				       "FROM plan_settings");
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, 64, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
}

void plan_settings_each(struct db *db,
			void (*fn)(void *arg, const char *plan, const char *key,
				   const char *value),
			void *arg)
{
	sqlite3_stmt *st = db_prep(db, "SELECT plan, key, value FROM plan_settings "
				       "ORDER BY updated_at");
	while (sqlite3_step(st) == SQLITE_ROW)
		fn(arg, db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2));
	sqlite3_reset(st);
}

int plan_setting_put(struct db *db, const char *plan, const char *key, const char *value,
		     int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO plan_settings (plan, key, value, updated_at) "
				       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (plan, key) DO UPDATE "
				       "SET value = excluded.value, updated_at = excluded.updated_at");
	db_bind_text(st, 1, plan);
	db_bind_text(st, 2, key);
	db_bind_text(st, 3, value);
	sqlite3_bind_int64(st, 4, now);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}
