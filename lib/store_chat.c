/* store_chat.c — see store_chat.h. The only file that knows the SQL of
 * chats and messages. */
#include "store_chat.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define CHAT_COLS "id, title, coalesce(model, ''), system_prompt, visibility, pinned, " \
		  "total_tokens, created_at, updated_at, coalesce(deleted_at, 0)"

static void chat_from_row(sqlite3_stmt *st, struct arena *a, struct chat *c)
{
	snprintf(c->id, sizeof c->id, "%s", db_col_text(st, 0));
	c->title = arena_strdup(a, db_col_text(st, 1));
	c->model = arena_strdup(a, db_col_text(st, 2));
	c->system_prompt = arena_strdup(a, db_col_text(st, 3));
	c->visibility = arena_strdup(a, db_col_text(st, 4));
	c->pinned = sqlite3_column_int(st, 5);
	c->total_tokens = sqlite3_column_int64(st, 6);
	c->created_at = sqlite3_column_int64(st, 7);
	c->updated_at = sqlite3_column_int64(st, 8);
	c->deleted_at = sqlite3_column_int64(st, 9);
}

enum store_rc store_chat_create(struct db *db, struct arena *a, const char *user_id,
			  const char *title, const char *model, struct chat *out)
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO chats (id, user_id, title, model, "
				       "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
	int64_t now = now_ms();
	memset(out, 0, sizeof *out);
	uuid_new(out->id);
	db_bind_text(st, 1, out->id);
	db_bind_text(st, 2, user_id);
	db_bind_text(st, 3, title);
	db_bind_text(st, 4, model && *model ? model : NULL);
	sqlite3_bind_int64(st, 5, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	out->title = arena_strdup(a, title);
	out->model = arena_strdup(a, model ? model : "");
	out->system_prompt = "";
	out->visibility = "private";
	out->created_at = out->updated_at = now;
	return STORE_OK;
}

/* The row st (?1 chat, ?2 user) finds, into out. */
static enum store_rc chat_one(sqlite3_stmt *st, struct arena *a, const char *user_id,
			      const char *chat_id, struct chat *out)
{
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		chat_from_row(st, a, out);
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

enum store_rc store_chat_get(struct db *db, struct arena *a, const char *user_id,
		       const char *chat_id, struct chat *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT " CHAT_COLS " FROM chats "
				       "WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NULL");
	return chat_one(st, a, user_id, chat_id, out);
}

enum store_rc store_chat_get_trashed(struct db *db, struct arena *a, const char *user_id,
			       const char *chat_id, struct chat *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT " CHAT_COLS " FROM chats "
				       "WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NOT NULL");
	return chat_one(st, a, user_id, chat_id, out);
}

/* Escape LIKE's wildcards so a search for "50%" finds "50%". */
static const char *like_pattern(struct arena *a, const char *q)
{
	size_t n = strlen(q);
	char *p = arena_alloc(a, 2 * n + 3), *o = p;
	*o++ = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			*o++ = '\\';
		*o++ = q[i];
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

/* One page of what st (?1 user, ?2 limit, ?3 offset) lists, into out. */
static size_t chat_page(sqlite3_stmt *st, struct arena *a, const char *user_id,
			size_t offset, size_t limit, struct chat *out, int *more)
{
	size_t n = 0;
	db_bind_text(st, 1, user_id);
	/* One row beyond the page says whether there is a next page. */
	sqlite3_bind_int64(st, 2, (int64_t)limit + 1);
	sqlite3_bind_int64(st, 3, (int64_t)offset);
	*more = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == limit) {
			*more = 1;
			break;
		}
		chat_from_row(st, a, &out[n++]);
	}
	sqlite3_reset(st);
	return n;
}

size_t store_chat_list(struct db *db, struct arena *a, const char *user_id, const char *q,
		 size_t offset, size_t limit, struct chat *out, int *more)
{
	sqlite3_stmt *st;
	if (q && *q) {
		st = db_prep(db, "SELECT " CHAT_COLS " FROM chats WHERE user_id = ?1 "
				 "AND deleted_at IS NULL AND title LIKE ?4 ESCAPE '\\' "
				 "ORDER BY pinned DESC, updated_at DESC, id LIMIT ?2 OFFSET ?3");
		db_bind_text(st, 4, like_pattern(a, q));
	} else {
		st = db_prep(db, "SELECT " CHAT_COLS " FROM chats WHERE user_id = ?1 "
				 "AND deleted_at IS NULL "
				 "ORDER BY pinned DESC, updated_at DESC, id LIMIT ?2 OFFSET ?3");
	}
	return chat_page(st, a, user_id, offset, limit, out, more);
}

size_t store_chat_list_trash(struct db *db, struct arena *a, const char *user_id, size_t offset,
		       size_t limit, struct chat *out, int *more)
{
	sqlite3_stmt *st = db_prep(db, "SELECT " CHAT_COLS " FROM chats WHERE user_id = ?1 "
				       "AND deleted_at IS NOT NULL "
				       "ORDER BY deleted_at DESC, id LIMIT ?2 OFFSET ?3");
	return chat_page(st, a, user_id, offset, limit, out, more);
}

int64_t store_chat_trash_count(struct db *db, const char *user_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT count(*) FROM chats WHERE user_id = ?1 "
				       "AND deleted_at IS NOT NULL");
	int64_t n = 0;
	db_bind_text(st, 1, user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* Run an UPDATE/DELETE scoped to (chat, user): NOT_FOUND if no row matched. */
static enum store_rc exec_scoped(struct db *db, sqlite3_stmt *st)
{
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	return sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_NOT_FOUND;
}

enum store_rc store_chat_rename(struct db *db, const char *user_id, const char *chat_id,
			  const char *title)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE chats SET title = ?3, title_auto = 0 "
				       "WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NULL");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	db_bind_text(st, 3, title);
	return exec_scoped(db, st);
}

enum store_rc store_chat_set_pinned(struct db *db, const char *user_id, const char *chat_id,
			      int pinned)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE chats SET pinned = ?3 "
				       "WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NULL");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	sqlite3_bind_int(st, 3, pinned ? 1 : 0);
	return exec_scoped(db, st);
}

enum store_rc store_chat_trash(struct db *db, const char *user_id, const char *chat_id, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE chats SET deleted_at = ?3 "
				       "WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NULL");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	return exec_scoped(db, st);
}

enum store_rc store_chat_restore(struct db *db, const char *user_id, const char *chat_id)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE chats SET deleted_at = NULL "
				       "WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NOT NULL");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	return exec_scoped(db, st);
}

enum store_rc store_chat_purge(struct db *db, const char *user_id, const char *chat_id)
{
	/* Messages, jobs, file links and preset history go by ON DELETE CASCADE. */
	sqlite3_stmt *st = db_prep(db, "DELETE FROM chats "
				       "WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NOT NULL");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	return exec_scoped(db, st);
}

int store_chat_purge_expired(struct db *db, int64_t before, int max)
{
	sqlite3_stmt *st = db_prep(db, "SELECT 1 FROM chats WHERE deleted_at < ?1 LIMIT 1");
	int n;
	/* A read first: the idle worker asks often, and nothing is due most
	 * of the time, so it should not take the write lock for nothing. */
	sqlite3_bind_int64(st, 1, before);
	n = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!n)
		return 0;
	if (db_begin(db) != SQLITE_OK)
		return -1;
	st = db_prep(db, "DELETE FROM chats WHERE id IN (SELECT id FROM chats "
			 "WHERE deleted_at < ?1 ORDER BY deleted_at LIMIT ?2)");
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int(st, 2, max);
	if (db_exec_stmt(st) != SQLITE_DONE) {
		db_rollback(db);
		return -1;
	}
	n = sqlite3_changes(db_handle(db));
	return db_commit(db) == SQLITE_OK ? n : -1;
}

/* A message and its rating and thumb: one join, not a lookup of each (two
 * searches of request_analytics a message were a fifth of the query). */
#define MESSAGE_COLS "m.id, m.seq, m.role, m.content, m.html, m.status, coalesce(m.model, ''), " \
	"m.tokens_in, m.tokens_out, m.cost, coalesce(m.ttft_ms, -1), coalesce(m.response_ms, -1), " \
	"m.error, m.created_at, coalesce(m.completed_at, 0), m.reasoning, " \
	"coalesce(r.user_rating, 0), coalesce(r.vote, 0) " \
	"FROM messages m LEFT JOIN request_analytics r ON r.message_id = m.id"

/* An id column into a fixed buffer (no printf: a window copies 100). */
static void copy_id(char *out, size_t n, const char *s)
{
	size_t len = strlen(s);
	if (len >= n)
		len = n - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

static void message_from_row(sqlite3_stmt *st, struct arena *a, struct message *x)
{
	copy_id(x->id, sizeof x->id, db_col_text(st, 0));
	x->seq = sqlite3_column_int64(st, 1);
	x->role = arena_strdup(a, db_col_text(st, 2));
	x->content = arena_strdup(a, db_col_text(st, 3));
	x->html = sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL
		  : arena_strdup(a, db_col_text(st, 4));
	x->status = arena_strdup(a, db_col_text(st, 5));
	x->model = arena_strdup(a, db_col_text(st, 6));
	x->tokens_in = sqlite3_column_int64(st, 7);
	x->tokens_out = sqlite3_column_int64(st, 8);
	x->cost = sqlite3_column_int64(st, 9);
	x->ttft_ms = sqlite3_column_int64(st, 10);
	x->response_ms = sqlite3_column_int64(st, 11);
	x->error = sqlite3_column_type(st, 12) == SQLITE_NULL ? NULL
		   : arena_strdup(a, db_col_text(st, 12));
	x->created_at = sqlite3_column_int64(st, 13);
	x->completed_at = sqlite3_column_int64(st, 14);
	x->reasoning = arena_strdup(a, db_col_text(st, 15));
	x->rating = sqlite3_column_int(st, 16);
	x->vote = sqlite3_column_int(st, 17);
}

void store_chat_window(struct db *db, struct arena *a, const char *chat_id, int64_t before,
		       size_t limit, struct message_window *out)
{
	/* Newest first, one more than the window: that one only says that
	 * earlier messages exist, and which is the newest of them. */
	sqlite3_stmt *st = db_prep(db, "SELECT " MESSAGE_COLS " "
				       "WHERE m.chat_id = ?1 AND m.seq < ?2 ORDER BY m.seq DESC LIMIT ?3");
	size_t got = 0;
	memset(out, 0, sizeof *out);
	out->m = arena_alloc(a, (limit ? limit : 1) * sizeof *out->m);
	db_bind_text(st, 1, chat_id);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (got == limit) {
			out->earlier = 1;
			snprintf(out->earlier_id, sizeof out->earlier_id, "%s", db_col_text(st, 0));
			break;
		}
		/* Filled from the end, so the window reads oldest first. */
		message_from_row(st, a, &out->m[limit - 1 - got++]);
	}
	sqlite3_reset(st);
	out->m += limit - got;
	out->n = got;
	if (before == INT64_MAX)
		return;
	st = db_prep(db, "SELECT 1 FROM messages WHERE chat_id = ?1 AND seq >= ?2 LIMIT 1");
	db_bind_text(st, 1, chat_id);
	sqlite3_bind_int64(st, 2, before);
	out->later = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
}

enum store_rc store_chat_seq_after(struct db *db, const char *chat_id, int64_t seq, int64_t k,
				   int64_t *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT seq FROM messages WHERE chat_id = ?1 AND seq > ?2 "
				       "ORDER BY seq LIMIT 1 OFFSET ?3");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, chat_id);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_int64(st, 3, k);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

enum store_rc store_chat_message_seq(struct db *db, const char *chat_id, const char *msg_id,
				     const char *role, int64_t *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT seq FROM messages WHERE id = ?1 AND chat_id = ?2 "
				       "AND role = coalesce(?3, role)");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, msg_id);
	db_bind_text(st, 2, chat_id);
	db_bind_text(st, 3, role);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

enum store_rc store_chat_message_at(struct db *db, const char *chat_id, int64_t seq,
				    const char *role, char out[UUID_BUF])
{
	sqlite3_stmt *st = db_prep(db, "SELECT id FROM messages WHERE chat_id = ?1 "
				       "AND seq = ?2 AND role = ?3");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, chat_id);
	sqlite3_bind_int64(st, 2, seq);
	db_bind_text(st, 3, role);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, UUID_BUF, "%s", db_col_text(st, 0));
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

enum store_rc store_chat_reply_beside(struct db *db, const char *msg_id, int later,
				      char out[UUID_BUF])
{
	sqlite3_stmt *st = later
		? db_prep(db, "SELECT n.id FROM messages m JOIN messages n ON n.chat_id = m.chat_id "
			      "WHERE m.id = ?1 AND n.role = 'assistant' AND n.seq > m.seq "
			      "AND n.status NOT IN ('queued', 'running') ORDER BY n.seq LIMIT 1")
		: db_prep(db, "SELECT n.id FROM messages m JOIN messages n ON n.chat_id = m.chat_id "
			      "WHERE m.id = ?1 AND n.role = 'assistant' AND n.seq < m.seq "
			      "AND n.status NOT IN ('queued', 'running') ORDER BY n.seq DESC LIMIT 1");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, msg_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, UUID_BUF, "%s", db_col_text(st, 0));
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

enum store_rc store_chat_newest_message(struct db *db, const char *chat_id, char out[UUID_BUF])
{
	sqlite3_stmt *st = db_prep(db, "SELECT id FROM messages WHERE chat_id = ?1 "
				       "ORDER BY seq DESC LIMIT 1");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, chat_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, UUID_BUF, "%s", db_col_text(st, 0));
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

const char *user_last_model(struct db *db, struct arena *a, const char *user_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT model FROM chats WHERE user_id = ?1 "
				       "AND coalesce(model, '') <> '' ORDER BY updated_at DESC LIMIT 1");
	const char *model = NULL;
	db_bind_text(st, 1, user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		model = arena_strdup(a, db_col_text(st, 0));
	sqlite3_reset(st);
	return model;
}
