/* store_reply.c — see store_reply.h. */
#include "store_reply.h"
#include "store_attach.h"
#include "store_analytics.h"
#include "store_credits.h"
#include "store_quota.h"
#include "store_preset.h"
#include "models.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first words of a message as a provisional title: at most 6 words
 * and 60 bytes, cut on a character boundary, one line. Heap string. */
static char *first_words(const char *s)
{
	char *t = xmalloc(64);
	size_t n = 0;
	int words = 0, in_word = 0;
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	for (; *s && n < 60; s++) {
		int space = *s == ' ' || *s == '\n' || *s == '\r' || *s == '\t';
		if (space) {
			if (in_word && ++words == 6)
				break;
			in_word = 0;
			if (n && t[n - 1] != ' ')
				t[n++] = ' ';
			continue;
		}
		in_word = 1;
		t[n++] = *s;
	}
	/* Never end inside a UTF-8 sequence. */
	if (*s && n == 60)
		while (n && ((unsigned char)t[n - 1] & 0xC0) == 0x80)
			n--;
	if (n && ((unsigned char)t[n - 1] & 0xC0) == 0xC0)
		n--;
	while (n && t[n - 1] == ' ')
		n--;
	t[n] = '\0';
	return t;
}

/* Insert a queued assistant message at seq and its job (in a transaction). */
static enum store_rc insert_reply(struct db *db, const char *user_id, const char *chat_id,
				  int64_t seq, const char *model, const struct origin *from,
				  int64_t now, char asst_msg[UUID_BUF])
{
	sqlite3_stmt *st;
	uuid_new(asst_msg);
	st = db_prep(db, "INSERT INTO messages (id, chat_id, seq, role, status, model, created_at) "
			 "VALUES (?1, ?2, ?3, 'assistant', 'queued', ?4, ?5)");
	db_bind_text(st, 1, asst_msg);
	db_bind_text(st, 2, chat_id);
	sqlite3_bind_int64(st, 3, seq);
	db_bind_text(st, 4, model);
	sqlite3_bind_int64(st, 5, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	st = db_prep(db, "INSERT INTO jobs (message_id, chat_id, user_id, created_at, ip, "
			 "user_agent) VALUES (?1, ?2, ?3, ?4, coalesce(?5, ''), "
			 "substr(coalesce(?6, ''), 1, 255))");
	db_bind_text(st, 1, asst_msg);
	db_bind_text(st, 2, chat_id);
	db_bind_text(st, 3, user_id);
	sqlite3_bind_int64(st, 4, now);
	db_bind_text(st, 5, from ? from->ip : NULL);
	db_bind_text(st, 6, from ? from->user_agent : NULL);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	if (from && from->quota) {
		enum store_rc rc = quota_admit(db, user_id, chat_id, asst_msg, from->quota, now);
		if (rc != STORE_OK)
			return rc;
	}
	return analytics_on_request(db, user_id, chat_id, asst_msg, seq, from ? from->tags : NULL,
				    now);
}

/* Insert the two messages and the job of one send (inside a transaction). */
static enum store_rc insert_turn(struct db *db, const char *user_id, const char *chat_id,
				 const char *content, const char *model,
				 const struct origin *from, int64_t now,
				 char user_msg[UUID_BUF], char asst_msg[UUID_BUF])
{
	sqlite3_stmt *st;
	int64_t seq = 0;

	st = db_prep(db, "SELECT 1 FROM jobs WHERE chat_id = ?1");
	db_bind_text(st, 1, chat_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_reset(st);
		return STORE_CONFLICT;
	}
	sqlite3_reset(st);
	st = db_prep(db, "SELECT coalesce(max(seq), 0) FROM messages WHERE chat_id = ?1");
	db_bind_text(st, 1, chat_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);

	uuid_new(user_msg);
	st = db_prep(db, "INSERT INTO messages (id, chat_id, seq, role, content, status, "
			 "created_at, completed_at) VALUES (?1, ?2, ?3, 'user', ?4, 'done', ?5, ?5)");
	db_bind_text(st, 1, user_msg);
	db_bind_text(st, 2, chat_id);
	sqlite3_bind_int64(st, 3, seq + 1);
	db_bind_text(st, 4, content);
	sqlite3_bind_int64(st, 5, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	if (from && from->nfiles && store_attach_link(db, user_msg, from->files, from->nfiles))
		return STORE_ERROR;
	return insert_reply(db, user_id, chat_id, seq + 2, model, from, now, asst_msg);
}

/* Commit, or roll back and pass on a failure. */
static enum store_rc end_tx(struct db *db, enum store_rc rc)
{
	if (rc != STORE_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == SQLITE_OK ? STORE_OK : STORE_BUSY;
}

enum store_rc reply_send(struct db *db, const char *user_id, const char *chat_id,
			 const char *content, const char *model, const struct origin *from,
			 char user_msg[UUID_BUF], char asst_msg[UUID_BUF])
{
	sqlite3_stmt *st;
	int64_t now = now_ms();
	enum store_rc rc;
	char *title;

	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	st = db_prep(db, "SELECT 1 FROM chats WHERE id = ?1 AND user_id = ?2 "
			 "AND deleted_at IS NULL");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	rc = sqlite3_step(st) == SQLITE_ROW ? STORE_OK : STORE_NOT_FOUND;
	sqlite3_reset(st);
	if (rc == STORE_OK)
		rc = insert_turn(db, user_id, chat_id, content, model, from, now, user_msg,
				 asst_msg);
	if (rc == STORE_OK) {
		title = first_words(content);
		st = db_prep(db, "UPDATE chats SET updated_at = ?2, model = ?3, "
				 "title_auto = CASE WHEN title = '' THEN 1 ELSE title_auto END, "
				 "title = CASE WHEN title = '' THEN ?4 ELSE title END WHERE id = ?1");
		db_bind_text(st, 1, chat_id);
		sqlite3_bind_int64(st, 2, now);
		db_bind_text(st, 3, model);
		db_bind_text(st, 4, title);
		if (db_exec_stmt(st) != SQLITE_DONE)
			rc = STORE_ERROR;
		free(title);
	}
	return end_tx(db, rc);
}

enum store_rc reply_send_new_chat(struct db *db, const char *user_id, const char *content,
				  const char *model, const struct origin *from, char chat_id[UUID_BUF],
				  char asst_msg[UUID_BUF])
{
	sqlite3_stmt *st;
	int64_t now = now_ms();
	char user_msg[UUID_BUF], *title = first_words(content);
	enum store_rc rc = STORE_OK;

	if (db_begin(db) != SQLITE_OK) {
		free(title);
		return STORE_BUSY;
	}
	uuid_new(chat_id);
	st = db_prep(db, "INSERT INTO chats (id, user_id, title, title_auto, model, created_at, "
			 "updated_at) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?5)");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	db_bind_text(st, 3, title);
	db_bind_text(st, 4, model);
	sqlite3_bind_int64(st, 5, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
		rc = STORE_ERROR;
	free(title);
	if (rc == STORE_OK)
		rc = insert_turn(db, user_id, chat_id, content, model, from, now, user_msg,
				 asst_msg);
	return end_tx(db, rc);
}

/* Delete the chat's messages from seq on (inside a transaction). Their
 * usage log rows stay: what was spent stays accounted. */
static enum store_rc drop_from(struct db *db, const char *chat_id, int64_t seq)
{
	sqlite3_stmt *st = db_prep(db, "DELETE FROM messages WHERE chat_id = ?1 AND seq >= ?2");
	db_bind_text(st, 1, chat_id);
	sqlite3_bind_int64(st, 2, seq);
	return db_exec_stmt(st) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* The chat is the user's and has no reply in progress (in a transaction). */
static enum store_rc chat_ready(struct db *db, const char *user_id, const char *chat_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT (SELECT 1 FROM chats WHERE id = ?1 AND "
				       "user_id = ?2 AND deleted_at IS NULL), "
				       "(SELECT 1 FROM jobs WHERE chat_id = ?1)");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		rc = sqlite3_column_type(st, 1) != SQLITE_NULL ? STORE_CONFLICT : STORE_OK;
	sqlite3_reset(st);
	return rc;
}

static enum store_rc touch_chat(struct db *db, const char *chat_id, const char *model,
				int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE chats SET updated_at = ?2, model = ?3 WHERE id = ?1");
	db_bind_text(st, 1, chat_id);
	sqlite3_bind_int64(st, 2, now);
	db_bind_text(st, 3, model);
	return db_exec_stmt(st) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc reply_regenerate(struct db *db, const char *user_id, const char *chat_id,
			       const char *model, const struct origin *from, char asst_msg[UUID_BUF])
{
	sqlite3_stmt *st;
	int64_t now = now_ms(), seq = 0;
	enum store_rc rc;

	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	rc = chat_ready(db, user_id, chat_id);
	if (rc == STORE_OK) {
		/* The last message must be a reply (to a user message before it). */
		st = db_prep(db, "SELECT seq, role FROM messages WHERE chat_id = ?1 "
				 "ORDER BY seq DESC LIMIT 1");
		db_bind_text(st, 1, chat_id);
		rc = STORE_NOT_FOUND;
		if (sqlite3_step(st) == SQLITE_ROW && !strcmp(db_col_text(st, 1), "assistant")) {
			seq = sqlite3_column_int64(st, 0);
			rc = STORE_OK;
		}
		sqlite3_reset(st);
	}
	if (rc == STORE_OK)
		rc = drop_from(db, chat_id, seq);
	if (rc == STORE_OK)
		rc = insert_reply(db, user_id, chat_id, seq, model, from, now, asst_msg);
	if (rc == STORE_OK) {
		/* Asking again means wanting another answer, not the cached one. */
		st = db_prep(db, "UPDATE jobs SET use_cache = 0 WHERE message_id = ?1");
		db_bind_text(st, 1, asst_msg);
		if (db_exec_stmt(st) != SQLITE_DONE)
			rc = STORE_ERROR;
	}
	if (rc == STORE_OK)
		rc = touch_chat(db, chat_id, model, now);
	return end_tx(db, rc);
}

enum store_rc reply_edit(struct db *db, const char *user_id, const char *chat_id,
			 const char *msg_id, const char *content, const char *model,
			 const struct origin *from, char user_msg[UUID_BUF], char asst_msg[UUID_BUF])
{
	sqlite3_stmt *st;
	int64_t now = now_ms(), seq = 0;
	enum store_rc rc;

	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	rc = chat_ready(db, user_id, chat_id);
	if (rc == STORE_OK) {
		st = db_prep(db, "SELECT seq FROM messages WHERE id = ?1 AND chat_id = ?2 "
				 "AND role = 'user'");
		db_bind_text(st, 1, msg_id);
		db_bind_text(st, 2, chat_id);
		rc = STORE_NOT_FOUND;
		if (sqlite3_step(st) == SQLITE_ROW) {
			seq = sqlite3_column_int64(st, 0);
			rc = STORE_OK;
		}
		sqlite3_reset(st);
	}
	if (rc == STORE_OK)
		rc = drop_from(db, chat_id, seq);
	if (rc == STORE_OK)
		rc = insert_turn(db, user_id, chat_id, content, model, from, now, user_msg,
				 asst_msg);
	if (rc == STORE_OK)
		rc = touch_chat(db, chat_id, model, now);
	return end_tx(db, rc);
}

enum store_rc reply_request_stop(struct db *db, const char *user_id, const char *chat_id)
{
	sqlite3_stmt *st;
	int64_t now = now_ms();
	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	/* Not started yet: nothing was sent to a provider, so end it here,
	 * giving back any credits held for it. */
	st = db_prep(db, "SELECT message_id FROM jobs WHERE chat_id = ?1 AND user_id = ?2 "
			 "AND state = 'queued'");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char msg[UUID_BUF];
		snprintf(msg, sizeof msg, "%s", db_col_text(st, 0));
		credits_settle(db, user_id, msg, 0, now);
	}
	sqlite3_reset(st);
	st = db_prep(db, "UPDATE messages SET status = 'stopped', completed_at = ?3 "
			 "WHERE id IN (SELECT message_id FROM jobs WHERE chat_id = ?1 "
			 "AND user_id = ?2 AND state = 'queued')");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	db_exec_stmt(st);
	st = db_prep(db, "DELETE FROM jobs WHERE chat_id = ?1 AND user_id = ?2 AND state = 'queued'");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	db_exec_stmt(st);
	st = db_prep(db, "UPDATE jobs SET stop_requested = 1 WHERE chat_id = ?1 AND user_id = ?2");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	db_exec_stmt(st);
	return db_commit(db) == SQLITE_OK ? STORE_OK : STORE_BUSY;
}

/* Move `from` forward to a character boundary of s (a client may send any
 * number; the answer must stay valid UTF-8). */
static int64_t char_boundary(const char *s, int64_t len, int64_t from)
{
	if (from < 0)
		from = 0;
	while (from < len && ((unsigned char)s[from] & 0xC0) == 0x80)
		from++;
	return from > len ? len : from;
}

void reply_collect(struct db *db, const char *msg_id, struct buf *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT text FROM message_parts WHERE message_id = ?1 "
				       "ORDER BY start");
	db_bind_text(st, 1, msg_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		buf_append(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_reset(st);
}

void reply_collect_reasoning(struct db *db, const char *msg_id, struct buf *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT text FROM reasoning_parts WHERE message_id = ?1 "
				       "ORDER BY start");
	db_bind_text(st, 1, msg_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		buf_append(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_reset(st);
}

const char *reply_partial_reasoning(struct db *db, struct arena *a, const char *msg_id)
{
	struct buf b = BUF_INIT;
	const char *s;
	reply_collect_reasoning(db, msg_id, &b);
	s = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return s;
}

const char *reply_partial_text(struct db *db, struct arena *a, const char *msg_id)
{
	struct buf b = BUF_INIT;
	const char *s;
	reply_collect(db, msg_id, &b);
	s = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return s;
}

/* The text of a reply's parts (st: start, text of message_id ?1 ending
 * after byte ?2) from byte `from` on, cut on a character boundary, and
 * the offset to ask from next time. */
static void read_parts(struct arena *a, sqlite3_stmt *st, const char *msg_id,
		       int64_t from, const char **text, int64_t *next)
{
	struct buf b = BUF_INIT;
	int64_t end = from;
	db_bind_text(st, 1, msg_id);
	sqlite3_bind_int64(st, 2, from);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t start = sqlite3_column_int64(st, 0);
		const char *t = (const char *)sqlite3_column_text(st, 1);
		int64_t n = sqlite3_column_bytes(st, 1), skip = 0;
		if (start < from)
			skip = char_boundary(t, n, from - start);
		buf_append(&b, t + skip, (size_t)(n - skip));
		end = start + n;
	}
	sqlite3_reset(st);
	*text = arena_strndup(a, buf_str(&b), b.len);
	*next = end;
	buf_free(&b);
}

enum store_rc reply_poll(struct db *db, struct arena *a, const char *user_id,
			 const char *chat_id, const char *msg_id, int64_t from,
			 struct reply_poll *out)
{
	sqlite3_stmt *st;
	enum store_rc rc = STORE_NOT_FOUND;

	memset(out, 0, sizeof *out);
	/* No transaction needed: if the worker ends the reply between the two
	 * queries, the parts read come back empty and `next` stays at `from`,
	 * so the next poll sees the ended reply and gets its text from there. */
	st = db_prep(db, "SELECT m.status, m.content, m.html, m.error, coalesce(m.model, ''), "
			 "m.tokens_in, m.tokens_out, coalesce(m.ttft_ms, -1), "
			 "coalesce(m.response_ms, -1), m.created_at, m.role, m.reasoning, m.cost "
			 "FROM messages m JOIN chats c ON c.id = m.chat_id "
			 "WHERE m.id = ?1 AND m.chat_id = ?2 AND c.user_id = ?3 "
			 "AND c.deleted_at IS NULL");
	db_bind_text(st, 1, msg_id);
	db_bind_text(st, 2, chat_id);
	db_bind_text(st, 3, user_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *status = db_col_text(st, 0);
		rc = STORE_OK;
		out->status = arena_strdup(a, status);
		out->ended = strcmp(status, "queued") != 0 && strcmp(status, "running") != 0;
		if (out->ended) {
			const char *content = db_col_text(st, 1);
			int64_t len = sqlite3_column_bytes(st, 1);
			from = char_boundary(content, len, from);
			out->text = arena_strndup(a, content + from, (size_t)(len - from));
			out->next = len;
			memset(&out->msg, 0, sizeof out->msg);
			snprintf(out->msg.id, sizeof out->msg.id, "%s", msg_id);
			out->msg.role = arena_strdup(a, db_col_text(st, 10));
			out->msg.status = out->status;
			out->msg.content = arena_strndup(a, content, (size_t)len);
			out->msg.html = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL
					: arena_strdup(a, db_col_text(st, 2));
			out->msg.error = sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL
					 : arena_strdup(a, db_col_text(st, 3));
			out->msg.model = arena_strdup(a, db_col_text(st, 4));
			out->msg.tokens_in = sqlite3_column_int64(st, 5);
			out->msg.tokens_out = sqlite3_column_int64(st, 6);
			out->msg.ttft_ms = sqlite3_column_int64(st, 7);
			out->msg.response_ms = sqlite3_column_int64(st, 8);
			out->msg.created_at = sqlite3_column_int64(st, 9);
			out->msg.reasoning = arena_strdup(a, db_col_text(st, 11));
			out->msg.cost = sqlite3_column_int64(st, 12);
		}
	}
	sqlite3_reset(st);
	if (rc == STORE_OK && !out->ended) {
		read_parts(a, db_prep(db, "SELECT start, text FROM message_parts WHERE "
					  "message_id = ?1 AND start + length(CAST(text AS BLOB)) > ?2 "
					  "ORDER BY start"), msg_id, from, &out->text, &out->next);
	}
	return rc;
}

void reply_poll_reasoning(struct db *db, struct arena *a, const char *msg_id, int64_t from,
			  const char **text, int64_t *next)
{
	read_parts(a, db_prep(db, "SELECT start, text FROM reasoning_parts WHERE message_id = ?1 "
				  "AND start + length(CAST(text AS BLOB)) > ?2 ORDER BY start"),
		   msg_id, from, text, next);
}

int reply_queued(struct db *db)
{
	sqlite3_stmt *st = db_prep(db, "SELECT 1 FROM jobs WHERE state = 'queued' LIMIT 1");
	int yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

int job_claim(struct db *db, struct job *jobs, size_t max, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "SELECT j.id, j.message_id, j.chat_id, j.user_id, "
				       "coalesce(m.model, ''), j.stop_requested, j.ip, j.user_agent, "
				       "j.use_cache, j.max_tokens "
				       "FROM jobs j "
				       "JOIN messages m ON m.id = j.message_id "
				       "WHERE j.state = 'queued' ORDER BY j.id LIMIT ?1");
	size_t n = 0;
	sqlite3_bind_int64(st, 1, (int64_t)max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		struct job *j = &jobs[n++];
		j->id = sqlite3_column_int64(st, 0);
		snprintf(j->message_id, sizeof j->message_id, "%s", db_col_text(st, 1));
		snprintf(j->chat_id, sizeof j->chat_id, "%s", db_col_text(st, 2));
		snprintf(j->user_id, sizeof j->user_id, "%s", db_col_text(st, 3));
		j->model = xstrdup(db_col_text(st, 4));
		j->stop_requested = sqlite3_column_int(st, 5);
		snprintf(j->ip, sizeof j->ip, "%s", db_col_text(st, 6));
		snprintf(j->user_agent, sizeof j->user_agent, "%s", db_col_text(st, 7));
		j->use_cache = sqlite3_column_int(st, 8);
		j->max_tokens = sqlite3_column_int64(st, 9);
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++) {
		st = db_prep(db, "UPDATE jobs SET state = 'running', claimed_at = ?2 WHERE id = ?1");
		sqlite3_bind_int64(st, 1, jobs[i].id);
		sqlite3_bind_int64(st, 2, now);
		if (db_exec_stmt(st) != SQLITE_DONE)
			goto fail;
		st = db_prep(db, "UPDATE messages SET status = 'running' WHERE id = ?1");
		db_bind_text(st, 1, jobs[i].message_id);
		if (db_exec_stmt(st) != SQLITE_DONE)
			goto fail;
	}
	return (int)n;
fail:
	for (size_t i = 0; i < n; i++)
		free(jobs[i].model);
	return -1;
}

size_t job_stop_requests(struct db *db, int64_t *ids, size_t max)
{
	sqlite3_stmt *st = db_prep(db, "SELECT id FROM jobs WHERE state = 'running' "
				       "AND stop_requested = 1 LIMIT ?1");
	size_t n = 0;
	sqlite3_bind_int64(st, 1, (int64_t)max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* Append one attachment row of the current row to turn t. */
static void add_file_row(struct turn *t, sqlite3_stmt *st, size_t *cap)
{
	struct turn_file *f;
	if (t->nfiles == *cap)
		t->files = xrealloc(t->files, (*cap = *cap ? *cap * 2 : 4) * sizeof *t->files);
	f = &t->files[t->nfiles++];
	memset(f, 0, sizeof *f);
	snprintf(f->hash, sizeof f->hash, "%s", db_col_text(st, 3));
	f->type = xstrdup(db_col_text(st, 4));
	f->name = xstrdup(db_col_text(st, 5));
}

size_t job_history(struct db *db, const char *chat_id, const char *msg_id,
		   char **system_prompt, struct turn **turns)
{
	sqlite3_stmt *st;
	size_t n = 0, cap = 16, fcap = 0;
	char last[UUID_BUF] = "";
	*turns = xmalloc(cap * sizeof **turns);
	/* The chat's preset and its own prompt, composed (store_preset.h). */
	*system_prompt = store_preset_chat_system_prompt(db, chat_id);
	/* Done exchanges, and the partial text of stopped replies (the user
	 * saw it); failed replies and empty ones are left out. A user
	 * message comes once per attached file, in the files' order. */
	st = db_prep(db, "SELECT m.id, m.role, m.content, f.hash, f.type, f.name FROM messages m "
			 "LEFT JOIN attachments f ON f.message_id = m.id AND m.role = 'user' "
			 "WHERE m.chat_id = ?1 AND m.seq < (SELECT seq FROM messages WHERE id = ?2) "
			 "AND (m.role = 'user' OR m.status IN ('done', 'stopped')) "
			 "AND m.content != '' ORDER BY m.seq, f.idx");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, msg_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (strcmp(db_col_text(st, 0), last)) {
			if (n == cap) {
				cap *= 2;
				*turns = xrealloc(*turns, cap * sizeof **turns);
			}
			memset(&(*turns)[n], 0, sizeof **turns);
			(*turns)[n].role = xstrdup(db_col_text(st, 1));
			(*turns)[n].content = xstrdup(db_col_text(st, 2));
			snprintf(last, sizeof last, "%s", db_col_text(st, 0));
			n++;
			fcap = 0;
		}
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			add_file_row(&(*turns)[n - 1], st, &fcap);
	}
	sqlite3_reset(st);
	return n;
}

int reply_append(struct db *db, const char *msg_id, int64_t start, const char *text, size_t n)
{
	sqlite3_stmt *st = db_prep(db, "INSERT OR REPLACE INTO message_parts (message_id, start, text) "
				       "VALUES (?1, ?2, ?3)");
	db_bind_text(st, 1, msg_id);
	sqlite3_bind_int64(st, 2, start);
	sqlite3_bind_text(st, 3, text, (int)n, SQLITE_STATIC);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int reply_append_reasoning(struct db *db, const char *msg_id, int64_t start, const char *text,
			   size_t n)
{
	sqlite3_stmt *st = db_prep(db, "INSERT OR REPLACE INTO reasoning_parts (message_id, start, "
				       "text) VALUES (?1, ?2, ?3)");
	db_bind_text(st, 1, msg_id);
	sqlite3_bind_int64(st, 2, start);
	sqlite3_bind_text(st, 3, text, (int)n, SQLITE_STATIC);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int usage_log_add(struct db *db, const char *user_id, const char *chat_id,
		   const char *message_id, const char *type, const char *provider,
		   const char *model, int64_t tin, int64_t tout, int64_t cost,
		   const char *status, int64_t duration_ms, const char *error,
		   const struct origin *from, int64_t now)
{
	char id[UUID_BUF];
	sqlite3_stmt *st = db_prep(db, "INSERT INTO usage_logs (id, user_id, chat_id, message_id, "
				       "type, provider, model, tokens_in, tokens_out, cost, status, "
				       "duration_ms, error, created_at, ip, user_agent, key_source) "
				       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
				       "?14, coalesce(?15, ''), coalesce(?16, ''), ?17)");
	uuid_new(id);
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, user_id);
	db_bind_text(st, 3, chat_id);
	db_bind_text(st, 4, message_id);
	db_bind_text(st, 5, type);
	db_bind_text(st, 6, provider);
	db_bind_text(st, 7, model);
	sqlite3_bind_int64(st, 8, tin);
	sqlite3_bind_int64(st, 9, tout);
	sqlite3_bind_int64(st, 10, cost);
	db_bind_text(st, 11, status);
	if (duration_ms >= 0)    /* else unknown: NULL */
		sqlite3_bind_int64(st, 12, duration_ms);
	db_bind_text(st, 13, error);
	sqlite3_bind_int64(st, 14, now);
	db_bind_text(st, 15, from ? from->ip : NULL);
	db_bind_text(st, 16, from ? from->user_agent : NULL);
	db_bind_text(st, 17, from && from->own_key ? "user" : "server");
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

/* The usage_logs status of a reply that ended with status. */
static const char *usage_status(const struct reply_end *e)
{
	if (e->cached)
		return "cached";
	if (!strcmp(e->status, "failed"))
		return "error";
	return !strcmp(e->status, "stopped") ? "stopped" : "success";
}

/* Delete a reply's parts and its job: it has ended. */
static int drop_job(struct db *db, int64_t job_id, const char *msg_id)
{
	sqlite3_stmt *st = db_prep(db, "DELETE FROM message_parts WHERE message_id = ?1");
	int rc;
	db_bind_text(st, 1, msg_id);
	rc = db_exec_stmt(st);
	st = db_prep(db, "DELETE FROM reasoning_parts WHERE message_id = ?1");
	db_bind_text(st, 1, msg_id);
	if (rc == SQLITE_DONE)
		rc = db_exec_stmt(st);
	st = db_prep(db, "DELETE FROM jobs WHERE id = ?1");
	sqlite3_bind_int64(st, 1, job_id);
	if (rc == SQLITE_DONE)
		rc = db_exec_stmt(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int reply_finish(struct db *db, int64_t job_id, const char *msg_id, const char *chat_id,
		 const char *user_id, const struct reply_end *e, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE messages SET content = ?2, html = ?3, status = ?4, "
				       "error = ?5, tokens_in = ?6, tokens_out = ?7, cost = ?8, "
				       "tokens_estimated = ?9, ttft_ms = ?10, response_ms = ?11, "
				       "completed_at = ?12, reasoning = ?13 WHERE id = ?1");
	db_bind_text(st, 1, msg_id);
	sqlite3_bind_text(st, 2, e->content, (int)e->content_len, SQLITE_STATIC);
	db_bind_text(st, 3, e->html);
	db_bind_text(st, 4, e->status);
	db_bind_text(st, 5, e->error);
	sqlite3_bind_int64(st, 6, e->tokens_in);
	sqlite3_bind_int64(st, 7, e->tokens_out);
	sqlite3_bind_int64(st, 8, e->cost);
	sqlite3_bind_int(st, 9, e->tokens_estimated);
	if (e->ttft_ms >= 0)
		sqlite3_bind_int64(st, 10, e->ttft_ms);
	if (e->response_ms >= 0)
		sqlite3_bind_int64(st, 11, e->response_ms);
	sqlite3_bind_int64(st, 12, now);
	sqlite3_bind_text(st, 13, e->reasoning ? e->reasoning : "", (int)e->reasoning_len,
			  SQLITE_STATIC);
	if (db_exec_stmt(st) != SQLITE_DONE || drop_job(db, job_id, msg_id))
		return -1;
	st = db_prep(db, "UPDATE chats SET total_tokens = total_tokens + ?2 WHERE id = ?1");
	db_bind_text(st, 1, chat_id);
	sqlite3_bind_int64(st, 2, e->tokens_in + e->tokens_out);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	/* Credits held when it was sent: given back, the real cost charged
	 * (nothing on the user's own key, for a cached answer, or for a reply
	 * that failed: docs/ACCOUNTING.md). */
	credits_settle(db, user_id, msg_id, e->from.own_key || e->cached ||
		       !strcmp(e->status, "failed") ? 0 : e->cost, now);
	/* A reply stopped before it started sent nothing: no usage to log. */
	if (e->started_at > 0 &&
	    usage_log_add(db, user_id, chat_id, msg_id, "chat", e->provider, e->model,
			  e->tokens_in, e->tokens_out, e->cost, usage_status(e),
			  e->response_ms >= 0 ? e->response_ms : now - e->started_at,
			  e->error, &e->from, now))
		return -1;
	/* credits_settle's own writes are checked here. */
	return db_tx_error(db, NULL) == SQLITE_OK ? 0 : -1;
}

/* The bytes of what was sent for assistant message msg_id: its system
 * prompt and history, as the worker builds them (files left out). */
static int64_t sent_bytes(struct db *db, const char *chat_id, const char *msg_id)
{
	char *system = NULL;
	struct turn *turns = NULL;
	size_t n = job_history(db, chat_id, msg_id, &system, &turns);
	int64_t bytes = (int64_t)strlen(system);
	for (size_t i = 0; i < n; i++)
		bytes += (int64_t)strlen(turns[i].content);
	turns_free(turns, n);
	free(system);
	return bytes;
}

struct left_job {
	int64_t id;
	char msg[UUID_BUF], user[UUID_BUF], chat[UUID_BUF];
	char *model, *ip, *user_agent;
};

/* End one reply a dead worker left running (see reply_recover). */
static int recover_one(struct db *db, const struct models *models, const struct left_job *j,
		       const char *error, int64_t now)
{
	struct buf text = BUF_INIT, reasoning = BUF_INIT;
	const struct model_cfg *m = models ? models_find(models, j->model) : NULL;
	struct origin from = { .ip = j->ip, .user_agent = j->user_agent };
	int64_t tin, tout, cost;
	sqlite3_stmt *st;
	int rc;

	reply_collect(db, j->msg, &text);
	reply_collect_reasoning(db, j->msg, &reasoning);
	/* What the provider counted is unknown: estimated (about 4 bytes a
	 * token, as the worker estimates), and the hold goes back whole. */
	tin = (sent_bytes(db, j->chat, j->msg) + 3) / 4;
	tout = ((int64_t)(text.len + reasoning.len) + 3) / 4;
	cost = m ? (tin * m->price_in + tout * m->price_out + 500000) / 1000000 : 0;
	credits_settle(db, j->user, j->msg, 0, now);
	st = db_prep(db, "UPDATE messages SET content = ?2, status = 'failed', error = ?3, "
			 "completed_at = ?4, reasoning = ?5, tokens_in = ?6, tokens_out = ?7, "
			 "cost = ?8, tokens_estimated = 1 WHERE id = ?1");
	db_bind_text(st, 1, j->msg);
	sqlite3_bind_text(st, 2, buf_str(&text), (int)text.len, SQLITE_STATIC);
	db_bind_text(st, 3, error);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, buf_str(&reasoning), (int)reasoning.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, tin);
	sqlite3_bind_int64(st, 7, tout);
	sqlite3_bind_int64(st, 8, cost);
	rc = db_exec_stmt(st) == SQLITE_DONE && !drop_job(db, j->id, j->msg) &&
	     !usage_log_add(db, j->user, j->chat, j->msg, "chat",
			    m ? m->provider->name : "", j->model, tin, tout, cost,
			    "interrupted", -1, error, &from, now) ? 0 : -1;
	buf_free(&text);
	buf_free(&reasoning);
	return rc;
}

int reply_recover(struct db *db, const struct models *models, const char *error, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "SELECT j.id, j.message_id, j.user_id, j.chat_id, "
				       "coalesce(m.model, ''), j.ip, j.user_agent FROM jobs j "
				       "JOIN messages m ON m.id = j.message_id WHERE j.state = 'running'");
	struct left_job *left = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			left = xrealloc(left, cap * sizeof *left);
		}
		left[n].id = sqlite3_column_int64(st, 0);
		snprintf(left[n].msg, sizeof left[n].msg, "%s", db_col_text(st, 1));
		snprintf(left[n].user, sizeof left[n].user, "%s", db_col_text(st, 2));
		snprintf(left[n].chat, sizeof left[n].chat, "%s", db_col_text(st, 3));
		left[n].model = xstrdup(db_col_text(st, 4));
		left[n].ip = xstrdup(db_col_text(st, 5));
		left[n].user_agent = xstrdup(db_col_text(st, 6));
		n++;
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++) {
		if (!rc && recover_one(db, models, &left[i], error, now))
			rc = -1;
		free(left[i].model);
		free(left[i].ip);
		free(left[i].user_agent);
	}
	free(left);
	return rc ? -1 : (int)n;
}

char *store_reply_chat_auto_title(struct db *db, const char *chat_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT title FROM chats WHERE id = ?1 AND title_auto = 1");
	char *t = NULL;
	db_bind_text(st, 1, chat_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		t = xstrdup(db_col_text(st, 0));
	sqlite3_reset(st);
	return t;
}

int store_reply_chat_set_generated_title(struct db *db, const char *chat_id, const char *title)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE chats SET title = ?2, title_auto = 0 "
				       "WHERE id = ?1 AND title_auto = 1");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, title);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int reply_is_first(struct db *db, const char *chat_id, const char *msg_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT id FROM messages WHERE chat_id = ?1 "
				       "AND role = 'assistant' ORDER BY seq LIMIT 1");
	int yes = 0;
	db_bind_text(st, 1, chat_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		yes = strcmp(db_col_text(st, 0), msg_id) == 0;
	sqlite3_reset(st);
	return yes;
}
