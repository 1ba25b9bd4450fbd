/* store_quota.c — see store_quota.h. */
#include "store_quota.h"
#include "hold.h"
#include "store_credits.h"
#include "turn_files.h"
#include "tz.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define HOUR_MS (3600 * INT64_C(1000))
#define BUCKET_MS (900 * INT64_C(1000))  /* quota_buckets' quarter hour */

/* What the plan counts: requests admitted, and tokens. */
struct totals {
	int64_t requests, tokens;
};

/* The user's running totals over the quarter hours before bucket b
 * (schema/data/013_quota_totals.sql). One index lookup. */
static void cum_before(struct db *db, const char *user_id, int64_t b, struct totals *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT cum_requests, cum_tokens FROM quota_buckets "
				       "WHERE user_id = ?1 AND bucket < ?2 ORDER BY bucket DESC LIMIT 1");
	db_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, b);
	out->requests = out->tokens = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->requests = sqlite3_column_int64(st, 0);
		out->tokens = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
}

/* What was counted from `from` up to `to` (ms), straight from the logs:
 * only ever part of one quarter hour. The tokens are the ones the triggers
 * of 013_quota_totals.sql add up: what providers reported for the user's
 * requests on the server's keys (a user's own key costs the operator
 * nothing; cached answers, refusals and the service's own title requests
 * do not count). */
static void logged_between(struct db *db, const char *user_id, int64_t from, int64_t to,
			   struct totals *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT (SELECT count(*) FROM request_log WHERE user_id = ?1 "
				       "AND created_at >= ?2 AND created_at < ?3), "
				       "(SELECT coalesce(sum(tokens_in + tokens_out), 0) FROM usage_logs "
				       "WHERE user_id = ?1 AND created_at >= ?2 AND created_at < ?3 AND "
				       "type = 'chat' AND key_source = 'server' AND "
				       "status IN ('success', 'error', 'stopped', 'interrupted'))");
	db_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	out->requests = out->tokens = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->requests = sqlite3_column_int64(st, 0);
		out->tokens = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
}

/* What was counted at or after since, given all (the user's totals ever):
 * all minus the running total before since. A local midnight in a zone in
 * use today is on a quarter hour; one that is not (a zone's offset of long
 * ago) adds the rows of its quarter hour before it. */
static void totals_since(struct db *db, const char *user_id, int64_t since,
			 const struct totals *all, struct totals *out)
{
	struct totals before, part;
	assert(since >= 0);
	cum_before(db, user_id, since / BUCKET_MS, &before);
	if (since % BUCKET_MS) {
		logged_between(db, user_id, since - since % BUCKET_MS, since, &part);
		before.requests += part.requests;
		before.tokens += part.tokens;
	}
	out->requests = all->requests - before.requests;
	out->tokens = all->tokens - before.tokens;
}

/* The sliding hour: requests in it, and when it next frees one (an hour
 * after the oldest request in it; now + an hour when it is empty). Rows,
 * not buckets: the window ends at any millisecond, and holds at most an
 * hour of requests. */
static void hour_window(struct db *db, const char *user_id, int64_t now, struct quota_usage *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT count(*), min(created_at) FROM request_log "
				       "WHERE user_id = ?1 AND created_at >= ?2");
	int64_t oldest = now;
	db_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, now - HOUR_MS + 1);
	out->hour = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->hour = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			oldest = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	out->hour_reset = oldest + HOUR_MS;
}

/* The estimates held by the user's requests still queued or running. */
static int64_t tokens_held(struct db *db, const char *user_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT coalesce(sum(r.tokens_held), 0) FROM jobs j "
				       "JOIN request_log r ON r.message_id = j.message_id "
				       "WHERE j.user_id = ?1");
	int64_t n = 0;
	db_bind_text(st, 1, user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

void quota_usage(struct db *db, const char *user_id, const char *tz, int64_t now,
		 struct quota_usage *out)
{
	int64_t day = tz_day_start(tz, now, 0), month = tz_month_start(tz, now, 0);
	struct totals all, t;
	/* One snapshot, so that two running totals read are of the same rows
	 * (inside a send's write transaction, or a page's snapshot, already). */
	db_read_begin(db);
	hour_window(db, user_id, now, out);
	cum_before(db, user_id, INT64_MAX, &all);
	totals_since(db, user_id, day, &all, &t);
	out->today = t.requests;
	totals_since(db, user_id, month, &all, &t);
	out->month = t.requests;
	out->tokens_month = t.tokens + tokens_held(db, user_id);
	db_read_end(db);
	out->day_reset = tz_day_start(tz, now, -1);
	out->month_reset = tz_month_start(tz, now, 1);
}

/* The most the provider bills as input for reply msg_id: what the
 * worker will send, read by the same functions it reads it with. */
static int64_t input_bound(struct db *db, const struct quota *q, const char *chat_id,
			   const char *msg_id)
{
	struct turn *turns;
	char *system;
	size_t n = turn_files_history(db, q->data_dir ? q->data_dir : ".", q->model, chat_id,
				      msg_id, &system, &turns);
	int64_t t = hold_input_tokens(q->model->provider->type, system, turns, n);
	turns_free(turns, n);
	free(system);
	return t;
}

int64_t quota_held_tokens(struct db *db, const char *msg_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT tokens_held FROM request_log WHERE message_id = ?1");
	int64_t n = -1;
	db_bind_text(st, 1, msg_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static enum store_rc refuse(struct quota *q, int status, const char *what, int64_t limit,
			    int64_t reset_at)
{
	q->status = status;
	q->what = what;
	q->refused_limit = limit;
	q->reset_at = reset_at;
	return STORE_LIMITED;
}

enum store_rc quota_admit(struct db *db, const char *user_id, const char *chat_id,
			  const char *msg_id, struct quota *q, int64_t now)
{
	const struct plan_cfg *pl = q->plan;
	struct quota_usage u;
	int64_t max_out, held;
	sqlite3_stmt *st;

	quota_usage(db, user_id, q->tz, now, &u);
	q->limit = pl->requests_per_hour;
	q->remaining = pl->requests_per_hour < 0 ? -1 : pl->requests_per_hour - u.hour;
	q->reset_at = u.hour_reset;
	if (pl->requests_per_hour >= 0 && u.hour >= pl->requests_per_hour)
		return refuse(q, 429, "requests per hour", pl->requests_per_hour, q->reset_at);
	if (pl->requests_per_day >= 0 && u.today >= pl->requests_per_day)
		return refuse(q, 429, "requests per day", pl->requests_per_day, u.day_reset);
	if (pl->requests_per_month >= 0 && u.month >= pl->requests_per_month)
		return refuse(q, 429, "requests per month", pl->requests_per_month, u.month_reset);
	max_out = hold_max_tokens(q->model, pl->max_tokens_per_request);
	held = input_bound(db, q, chat_id, msg_id) + max_out;
	q->hold_tokens = held;
	q->hold_cost = hold_cost(q->model->price_in, q->model->price_out, held - max_out, max_out);
	if (pl->tokens_per_month >= 0 && u.tokens_month + held > pl->tokens_per_month) {
		q->left = pl->tokens_per_month > u.tokens_month ? pl->tokens_per_month - u.tokens_month
								: 0;
		return refuse(q, 402, "tokens per month", pl->tokens_per_month, u.month_reset);
	}
	if (q->charge_credits && q->hold_cost > 0 &&
	    credits_reserve(db, user_id, msg_id, q->hold_cost, now) != STORE_OK) {
		q->left = credits_balance(db, user_id);
		return refuse(q, 402, "credits", q->left, 0);
	}
	st = db_prep(db, "INSERT INTO request_log (message_id, user_id, created_at, tokens_held) "
			 "VALUES (?1, ?2, ?3, ?4)");
	db_bind_text(st, 1, msg_id);
	db_bind_text(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, held);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	st = db_prep(db, "UPDATE jobs SET max_tokens = ?2 WHERE message_id = ?1");
	db_bind_text(st, 1, msg_id);
	sqlite3_bind_int64(st, 2, max_out);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	if (q->remaining > 0)
		q->remaining--;
	return STORE_OK;
}
