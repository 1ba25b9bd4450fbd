/* store_analytics.c — see store_analytics.h. */
#include "store_analytics.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A chosen value if one was given, else the derived one. */
static const char *pick(const char *chosen, const char *derived, int *any)
{
	if (chosen && *chosen) {
		*any = 1;
		return chosen;
	}
	return derived;
}

enum store_rc analytics_on_request(struct db *db, const char *user_id, const char *chat_id,
				   const char *msg_id, int64_t seq,
				   const struct request_tags *chosen, int64_t now)
{
	struct request_tags t = { "chat", "general", "low" };
	sqlite3_stmt *st;
	int any = 0;

	/* The prompt: the user message just before the reply. */
	st = db_prep(db, "SELECT content FROM messages WHERE chat_id = ?1 AND seq < ?2 "
			 "AND role = 'user' ORDER BY seq DESC LIMIT 1");
	db_bind_text(st, 1, chat_id);
	sqlite3_bind_int64(st, 2, seq);
	if (sqlite3_step(st) == SQLITE_ROW)
		classify_prompt(db_col_text(st, 0), (size_t)sqlite3_column_bytes(st, 0), &t);
	sqlite3_reset(st);
	if (chosen) {
		t.request_type = pick(chosen->request_type, t.request_type, &any);
		t.category = pick(chosen->category, t.category, &any);
		t.complexity = pick(chosen->complexity, t.complexity, &any);
	}
	st = db_prep(db, "INSERT OR REPLACE INTO request_analytics (message_id, user_id, chat_id, "
			 "request_type, category, complexity, chosen, created_at) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	db_bind_text(st, 1, msg_id);
	db_bind_text(st, 2, user_id);
	db_bind_text(st, 3, chat_id);
	db_bind_text(st, 4, t.request_type);
	db_bind_text(st, 5, t.category);
	db_bind_text(st, 6, t.complexity);
	sqlite3_bind_int(st, 7, any);
	sqlite3_bind_int64(st, 8, now);
	return db_exec_stmt(st) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc rating_set(struct db *db, const char *user_id, const char *msg_id, int rating,
			 int vote, char chat_id[UUID_BUF])
{
	sqlite3_stmt *st;
	enum store_rc rc = STORE_NOT_FOUND;
	int64_t seq = 0;

	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	st = db_prep(db, "SELECT m.chat_id, m.seq FROM messages m JOIN chats c ON c.id = m.chat_id "
			 "WHERE m.id = ?1 AND c.user_id = ?2 AND c.deleted_at IS NULL "
			 "AND m.role = 'assistant' "
			 "AND m.status NOT IN ('queued', 'running')");
	db_bind_text(st, 1, msg_id);
	db_bind_text(st, 2, user_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(chat_id, 37, "%s", db_col_text(st, 0));
		seq = sqlite3_column_int64(st, 1);
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	/* A reply from before analytics existed gets its row now. */
	if (rc == STORE_OK) {
		st = db_prep(db, "SELECT 1 FROM request_analytics WHERE message_id = ?1");
		db_bind_text(st, 1, msg_id);
		int have = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!have)
			rc = analytics_on_request(db, user_id, chat_id, msg_id, seq, NULL, now_ms());
	}
	if (rc == STORE_OK) {
		st = db_prep(db, "UPDATE request_analytics SET "
				 "user_rating = CASE WHEN ?2 = 0 THEN user_rating "
				 "  WHEN user_rating IS ?2 THEN NULL ELSE ?2 END, "
				 "vote = CASE WHEN ?3 = 0 THEN vote WHEN vote IS ?3 THEN NULL ELSE ?3 END, "
				 "rated_at = ?4 WHERE message_id = ?1");
		db_bind_text(st, 1, msg_id);
		sqlite3_bind_int(st, 2, rating);
		sqlite3_bind_int(st, 3, vote);
		sqlite3_bind_int64(st, 4, now_ms());
		if (db_exec_stmt(st) != SQLITE_DONE)
			rc = STORE_ERROR;
	}
	if (rc != STORE_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == SQLITE_OK ? STORE_OK : STORE_BUSY;
}

enum store_rc rating_get(struct db *db, struct arena *a, const char *user_id, const char *msg_id,
			 struct rated_reply *out)
{
	sqlite3_stmt *st;
	enum store_rc rc = STORE_NOT_FOUND;

	memset(out, 0, sizeof *out);
	st = db_prep(db, "SELECT m.chat_id, c.title, m.content, coalesce(ra.user_rating, 0), "
			 "coalesce(ra.vote, 0) FROM messages m JOIN chats c ON c.id = m.chat_id "
			 "LEFT JOIN request_analytics ra ON ra.message_id = m.id "
			 "WHERE m.id = ?1 AND c.user_id = ?2 AND c.deleted_at IS NULL "
			 "AND m.role = 'assistant' "
			 "AND m.status NOT IN ('queued', 'running')");
	db_bind_text(st, 1, msg_id);
	db_bind_text(st, 2, user_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out->chat_id, sizeof out->chat_id, "%s", db_col_text(st, 0));
		out->chat_title = arena_strdup(a, db_col_text(st, 1));
		out->content = arena_strdup(a, db_col_text(st, 2));
		out->rating = sqlite3_column_int(st, 3);
		out->vote = sqlite3_column_int(st, 4);
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

/* The sums every rollup query selects after its key. */
#define ROLLUP_SUMS "sum(requests), sum(ok), sum(cached), sum(other), sum(tokens_in), " \
	"sum(tokens_out), sum(cost), sum(dur_sum), sum(dur_n), sum(ttft_sum), sum(ttft_n)"

/* The 11 sums of a rollup line from st's columns i.. */
static void read_sums(sqlite3_stmt *st, int i, struct dash_row *r)
{
	int64_t *const v[] = { &r->requests, &r->ok, &r->cached, &r->other, &r->tokens_in,
			       &r->tokens_out, &r->cost, &r->dur_sum, &r->dur_n, &r->ttft_sum,
			       &r->ttft_n };
	for (size_t k = 0; k < COUNTOF(v); k++)
		*v[k] = sqlite3_column_int64(st, i + (int)k);
}

static void add_sums(struct dash_row *to, const struct dash_row *r)
{
	to->requests += r->requests;
	to->ok += r->ok;
	to->cached += r->cached;
	to->other += r->other;
	to->tokens_in += r->tokens_in;
	to->tokens_out += r->tokens_out;
	to->cost += r->cost;
	to->dur_sum += r->dur_sum;
	to->dur_n += r->dur_n;
	to->ttft_sum += r->ttft_sum;
	to->ttft_n += r->ttft_n;
}

/* A growable arena array of lines. */
struct rows {
	struct dash_row *v;
	size_t n, cap;
};

/* Empty, with room for a few (callers get an array even when empty). */
static void rows_init(struct arena *a, struct rows *r)
{
	r->n = 0;
	r->cap = 8;
	r->v = arena_zalloc(a, r->cap * sizeof *r->v);
}

static struct dash_row *rows_push(struct arena *a, struct rows *r)
{
	if (r->n == r->cap) {
		struct dash_row *more = arena_zalloc(a, 2 * r->cap * sizeof *more);
		memcpy(more, r->v, r->n * sizeof *more);
		r->v = more;
		r->cap *= 2;
	}
	return &r->v[r->n++];
}

/* The line of key, added (zero) if new: a user has a few models and
 * categories, so a look along them is enough. */
static struct dash_row *rows_line(struct arena *a, struct rows *r, const char *key)
{
	struct dash_row *x;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].key, key))
			return &r->v[i];
	x = rows_push(a, r);
	x->key = arena_strdup(a, key);
	return x;
}

/* Read rows of (key, ROLLUP_SUMS) from st into an arena array. */
static size_t read_rows(sqlite3_stmt *st, struct arena *a, struct dash_row **out)
{
	struct rows r;
	rows_init(a, &r);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct dash_row *x = rows_push(a, &r);
		x->key = arena_strdup(a, db_col_text(st, 0));
		read_sums(st, 1, x);
	}
	sqlite3_reset(st);
	*out = r.v;
	return r.n;
}

size_t store_analytics_dash_rollup_all(struct db *db, struct arena *a, enum dash_group g, struct dash_row **out)
{
	return read_rows(g == DASH_TOTAL
			 ? db_prep(db, "SELECT '', " ROLLUP_SUMS " FROM usage_rollup")
			 : db_prep(db, "SELECT model, " ROLLUP_SUMS " FROM usage_rollup "
				       "GROUP BY model ORDER BY 2 DESC, 8 DESC, 1"), a, out);
}

/* Most requests first, then most cost; then by name. */
static int by_requests_cost(const void *x, const void *y)
{
	const struct dash_row *p = x, *q = y;
	if (p->requests != q->requests)
		return p->requests > q->requests ? -1 : 1;
	if (p->cost != q->cost)
		return p->cost > q->cost ? -1 : 1;
	return strcmp(p->key, q->key);
}

/* Most requests first, then by name. */
static int by_requests(const void *x, const void *y)
{
	const struct dash_row *p = x, *q = y;
	if (p->requests != q->requests)
		return p->requests > q->requests ? -1 : 1;
	return strcmp(p->key, q->key);
}

void store_analytics_dash_rollup_user(struct db *db, struct arena *a, const char *user_id,
		      struct dash_rollups *out)
{
	/* The user's lines as they are, added up here: SQLite's sum() per
	 * column and line cost three times as much as the reading. */
	sqlite3_stmt *st = db_prep(db, "SELECT model, category, requests, ok, cached, other, "
				       "tokens_in, tokens_out, cost, dur_sum, dur_n, ttft_sum, ttft_n "
				       "FROM usage_rollup WHERE user_id = ?1");
	struct rows models, cats;
	struct dash_row line;

	memset(out, 0, sizeof *out);
	out->total.key = "";
	rows_init(a, &models);
	rows_init(a, &cats);
	db_bind_text(st, 1, user_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *category = db_col_text(st, 1);
		read_sums(st, 2, &line);
		add_sums(&out->total, &line);
		add_sums(rows_line(a, &models, db_col_text(st, 0)), &line);
		/* Category '' holds the title rows: in the totals and the
		 * models, not a category of requests. */
		if (*category)
			add_sums(rows_line(a, &cats, category), &line);
	}
	sqlite3_reset(st);
	qsort(models.v, models.n, sizeof *models.v, by_requests_cost);
	qsort(cats.v, cats.n, sizeof *cats.v, by_requests);
	out->models = models.v;
	out->nmodels = models.n;
	out->cats = cats.v;
	out->ncats = cats.n;
}

size_t store_analytics_dash_rollup_by_user(struct db *db, struct arena *a, struct dash_row **out)
{
	return read_rows(db_prep(db, "SELECT user_id, " ROLLUP_SUMS " FROM usage_rollup "
				     "GROUP BY user_id ORDER BY 2 DESC, 8 DESC, 1"), a, out);
}

void store_analytics_dash_totals_before(struct db *db, const char *user_id, int64_t t_ms,
			struct dash_bucket *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT cum_requests, cum_tokens, cum_cost FROM usage_buckets "
				       "WHERE user_id = ?1 AND bucket < ?2 ORDER BY bucket DESC LIMIT 1");
	db_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, t_ms / 900000);
	memset(out, 0, sizeof *out);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->requests = sqlite3_column_int64(st, 0);
		out->tokens = sqlite3_column_int64(st, 1);
		out->cost = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
}

static const char *col_or_null(struct arena *a, sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : arena_strdup(a, db_col_text(st, i));
}

static int64_t int_or(sqlite3_stmt *st, int i, int64_t dflt)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? dflt : sqlite3_column_int64(st, i);
}

size_t store_analytics_dash_recent(struct db *db, struct arena *a, const char *user_id, size_t limit,
		   struct dash_request **out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT u.id, u.chat_id, u.message_id, u.type, u.model, "
				       "u.status, u.error, r.request_type, r.category, r.complexity, "
				       "u.tokens_in, u.tokens_out, u.cost, u.duration_ms, u.ttft_ms, "
				       "r.user_rating, r.vote, u.created_at "
				       "FROM usage_logs u LEFT JOIN request_analytics r "
				       "ON r.message_id = u.message_id "
				       "WHERE u.user_id = ?1 ORDER BY u.created_at DESC "
				       "LIMIT ?2");
	struct dash_request *q = arena_zalloc(a, (limit ? limit : 1) * sizeof *q);
	size_t n = 0;
	db_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	while (n < limit && sqlite3_step(st) == SQLITE_ROW) {
		struct dash_request *x = &q[n++];
		x->id = arena_strdup(a, db_col_text(st, 0));
		x->chat_id = col_or_null(a, st, 1);
		x->message_id = col_or_null(a, st, 2);
		x->type = arena_strdup(a, db_col_text(st, 3));
		x->model = arena_strdup(a, db_col_text(st, 4));
		x->status = arena_strdup(a, db_col_text(st, 5));
		x->error = col_or_null(a, st, 6);
		x->request_type = col_or_null(a, st, 7);
		x->category = col_or_null(a, st, 8);
		x->complexity = col_or_null(a, st, 9);
		x->tokens_in = sqlite3_column_int64(st, 10);
		x->tokens_out = sqlite3_column_int64(st, 11);
		x->cost = sqlite3_column_int64(st, 12);
		x->duration_ms = int_or(st, 13, -1);
		x->ttft_ms = int_or(st, 14, -1);
		x->rating = (int)int_or(st, 15, 0);
		x->vote = (int)int_or(st, 16, 0);
		x->created_at = sqlite3_column_int64(st, 17);
	}
	sqlite3_reset(st);
	*out = q;
	return n;
}

void store_analytics_dash_ratings(struct db *db, const char *user_id, int64_t *sum, int64_t *n, int64_t *up,
		  int64_t *down)
{
	sqlite3_stmt *st = db_prep(db, "SELECT rating_sum, rating_n, up, down FROM rating_rollup "
				       "WHERE user_id = ?1");
	*sum = *n = *up = *down = 0;
	db_bind_text(st, 1, user_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*sum = sqlite3_column_int64(st, 0);
		*n = sqlite3_column_int64(st, 1);
		*up = sqlite3_column_int64(st, 2);
		*down = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
}

void store_analytics_dash_read_begin(struct db *db)
{
	db_read_begin(db);
}

void store_analytics_dash_read_end(struct db *db)
{
	db_read_end(db);
}

const char *store_analytics_dash_user_email(struct db *user_db, struct arena *a, const char *id)
{
	sqlite3_stmt *st = db_prep(user_db, "SELECT email FROM users WHERE id = ?1");
	const char *email = NULL;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		email = arena_strdup(a, db_col_text(st, 0));
	sqlite3_reset(st);
	return email;
}
