/* store_attach.c — see store_attach.h. */
#include "store_attach.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

enum store_rc store_attach_link(struct db *db, const char *msg_id, const struct attachment *files,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = db_prep(db, "INSERT INTO attachments (message_id, idx, hash, "
					       "type, size, name) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
		db_bind_text(st, 1, msg_id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		db_bind_text(st, 3, files[i].hash);
		db_bind_text(st, 4, files[i].type);
		sqlite3_bind_int64(st, 5, files[i].size);
		db_bind_text(st, 6, files[i].name ? files[i].name : "");
		if (db_exec_stmt(st) != SQLITE_DONE)
			return STORE_ERROR;
	}
	return STORE_OK;
}

static void fill(struct arena *a, sqlite3_stmt *st, struct attachment *x)
{
	snprintf(x->message_id, sizeof x->message_id, "%s", db_col_text(st, 0));
	snprintf(x->hash, sizeof x->hash, "%s", db_col_text(st, 1));
	x->type = arena_strdup(a, db_col_text(st, 2));
	x->size = sqlite3_column_int64(st, 3);
	x->name = arena_strdup(a, db_col_text(st, 4));
}

/* Step st to the end, its rows into a growing arena array. */
static struct attachment *collect(struct arena *a, sqlite3_stmt *st, size_t *n)
{
	struct attachment *l = NULL;
	size_t cap = 0;
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			struct attachment *bigger;
			cap = cap ? cap * 2 : 8;
			bigger = arena_alloc(a, cap * sizeof *bigger);
			if (*n)
				memcpy(bigger, l, *n * sizeof *l);
			l = bigger;
		}
		fill(a, st, &l[(*n)++]);
	}
	sqlite3_reset(st);
	return l;
}

struct attachment *store_attach_of_window(struct db *db, struct arena *a, const char *chat_id,
					  int64_t first, int64_t last, size_t *n)
{
	sqlite3_stmt *st = db_prep(db, "SELECT f.message_id, f.hash, f.type, f.size, f.name "
				       "FROM attachments f JOIN messages m ON m.id = f.message_id "
				       "WHERE m.chat_id = ?1 AND m.seq BETWEEN ?2 AND ?3 "
				       "ORDER BY m.seq, f.idx");
	db_bind_text(st, 1, chat_id);
	sqlite3_bind_int64(st, 2, first);
	sqlite3_bind_int64(st, 3, last);
	return collect(a, st, n);
}

struct attachment *store_attach_of_own_message(struct db *db, struct arena *a, const char *user_id,
					 const char *chat_id, const char *msg_id, size_t *n)
{
	sqlite3_stmt *st = db_prep(db, "SELECT f.message_id, f.hash, f.type, f.size, f.name "
				       "FROM attachments f JOIN messages m ON m.id = f.message_id "
				       "JOIN chats c ON c.id = m.chat_id "
				       "WHERE f.message_id = ?1 AND m.chat_id = ?2 AND c.user_id = ?3 "
				       "AND c.deleted_at IS NULL "
				       "AND m.role = 'user' ORDER BY f.idx");
	db_bind_text(st, 1, msg_id);
	db_bind_text(st, 2, chat_id);
	db_bind_text(st, 3, user_id);
	return collect(a, st, n);
}

enum store_rc store_attach_find(struct db *db, struct arena *a, const char *user_id,
			  const char *chat_id, const char *hash, struct attachment *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT f.message_id, f.hash, f.type, f.size, f.name "
				       "FROM attachments f JOIN messages m ON m.id = f.message_id "
				       "JOIN chats c ON c.id = m.chat_id "
				       "WHERE f.hash = ?1 AND m.chat_id = ?2 AND c.user_id = ?3 "
				       "AND c.deleted_at IS NULL LIMIT 1");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, chat_id);
	db_bind_text(st, 3, user_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		fill(a, st, out);
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int store_attach_referenced(struct db *db, const char *hash)
{
	sqlite3_stmt *st = db_prep(db, "SELECT 1 FROM attachments WHERE hash = ?1 LIMIT 1");
	int yes;
	db_bind_text(st, 1, hash);
	yes = sqlite3_step(st) != SQLITE_DONE;   /* busy counts as in use */
	sqlite3_reset(st);
	return yes;
}
