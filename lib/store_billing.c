/* store_billing.c — see store_billing.h. */
#include "store_billing.h"
#include "log.h"

#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)

static const char *col_dup(struct arena *a, sqlite3_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return s ? arena_strdup(a, s) : NULL;
}

static void read_row(struct arena *a, sqlite3_stmt *st, struct subscription *out)
{
	out->provider = col_dup(a, st, 0);
	out->customer_id = col_dup(a, st, 1);
	out->subscription_id = col_dup(a, st, 2);
	out->plan = col_dup(a, st, 3);
	out->status = col_dup(a, st, 4);
	out->period_start = sqlite3_column_int64(st, 5);
	out->period_end = sqlite3_column_int64(st, 6);
	out->cancel_at_period_end = sqlite3_column_int(st, 7);
	out->ended_at = sqlite3_column_int64(st, 8);
	out->updated_at = sqlite3_column_int64(st, 9);
}

enum store_rc subscription_get(struct db *db, struct arena *a, const char *user_id,
			       struct subscription *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT provider, customer_id, subscription_id, plan, "
				       "status, coalesce(period_start, 0), coalesce(period_end, 0), "
				       "cancel_at_period_end, coalesce(ended_at, 0), updated_at "
				       "FROM subscriptions WHERE user_id = ?1");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, user_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_row(a, st, out);
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int billing_event_seen(struct db *db, const char *provider, const char *event_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT 1 FROM billing_events WHERE provider = ?1 "
				       "AND event_id = ?2");
	int seen;
	db_bind_text(st, 1, provider);
	db_bind_text(st, 2, event_id);
	seen = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return seen;
}

/* (tx) */
static enum store_rc record(struct db *db, const char *provider, const char *event_id,
			    const char *type, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO billing_events (provider, event_id, type, "
				       "received_at) VALUES (?1, ?2, ?3, ?4) "
				       "ON CONFLICT DO NOTHING");
	db_bind_text(st, 1, provider);
	db_bind_text(st, 2, event_id);
	db_bind_text(st, 3, type);
	sqlite3_bind_int64(st, 4, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	return sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_EXISTS;
}

enum store_rc billing_event_record(struct db *db, const char *provider, const char *event_id,
				   const char *type, int64_t now)
{
	enum store_rc rc;
	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	rc = record(db, provider, event_id, type, now);
	if (rc == STORE_ERROR) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == SQLITE_OK ? rc : STORE_BUSY;
}

int billing_user_exists(struct db *db, const char *user_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT 1 FROM users WHERE id = ?1");
	int yes;
	db_bind_text(st, 1, user_id);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

int64_t subscription_expiry(const char *status, int64_t period_end, int64_t ended_at,
			    int64_t now)
{
	if (!period_end)
		return strcmp(status, "active") == 0 ? now + 31 * DAY_MS : now;
	if (strcmp(status, "cancelled") == 0 && ended_at && ended_at < period_end)
		return ended_at;
	return period_end;
}

/* The user an event belongs to: the row that holds its subscription, else
 * the user its metadata names, else the row of its customer. NULL when
 * none, or when that user does not exist. */
static const char *event_user(struct db *db, struct arena *a, const struct billing_event *ev,
			      struct subscription *row, int *have_row)
{
	sqlite3_stmt *st = db_prep(db, "SELECT provider, customer_id, subscription_id, plan, "
				       "status, coalesce(period_start, 0), coalesce(period_end, 0), "
				       "cancel_at_period_end, coalesce(ended_at, 0), event_at, user_id "
				       "FROM subscriptions WHERE provider = ?1 AND "
				       "(subscription_id = ?2 OR (?3 IS NULL AND customer_id = ?4)) "
				       "ORDER BY subscription_id = ?2 DESC LIMIT 1");
	const char *user = NULL;
	*have_row = 0;
	db_bind_text(st, 1, ev->provider);
	db_bind_text(st, 2, ev->subscription_id);
	db_bind_text(st, 3, ev->user_id);
	db_bind_text(st, 4, ev->customer_id ? ev->customer_id : "");
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_row(a, st, row);
		row->updated_at = sqlite3_column_int64(st, 9);   /* event_at, here */
		user = col_dup(a, st, 10);
		*have_row = strcmp(row->subscription_id, ev->subscription_id) == 0;
	}
	sqlite3_reset(st);
	if (!*have_row && ev->user_id)
		user = ev->user_id;
	if (!user)
		return NULL;
	return billing_user_exists(db, user) ? user : NULL;
}

/* (tx) Write the merged row and move the user's plan with it. */
static enum store_rc write_row(struct db *db, const char *user, const struct billing_event *ev,
			       const struct subscription *m, int64_t event_at, int64_t now)
{
	sqlite3_stmt *st = db_prep(db,
		"INSERT INTO subscriptions (user_id, provider, customer_id, subscription_id, plan, "
		"status, period_start, period_end, cancel_at_period_end, ended_at, event_at, "
		"created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, 0), "
		"nullif(?8, 0), ?9, nullif(?10, 0), ?11, ?12, ?12) ON CONFLICT (user_id) DO UPDATE "
		"SET provider = excluded.provider, customer_id = excluded.customer_id, "
		"subscription_id = excluded.subscription_id, plan = excluded.plan, "
		"status = excluded.status, period_start = excluded.period_start, "
		"period_end = excluded.period_end, cancel_at_period_end = "
		"excluded.cancel_at_period_end, ended_at = excluded.ended_at, "
		"event_at = excluded.event_at, updated_at = excluded.updated_at");
	db_bind_text(st, 1, user);
	db_bind_text(st, 2, ev->provider);
	db_bind_text(st, 3, m->customer_id ? m->customer_id : "");
	db_bind_text(st, 4, ev->subscription_id);
	db_bind_text(st, 5, m->plan);
	db_bind_text(st, 6, m->status);
	sqlite3_bind_int64(st, 7, m->period_start);
	sqlite3_bind_int64(st, 8, m->period_end);
	sqlite3_bind_int(st, 9, m->cancel_at_period_end);
	sqlite3_bind_int64(st, 10, m->ended_at);
	sqlite3_bind_int64(st, 11, event_at);
	sqlite3_bind_int64(st, 12, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	st = db_prep(db, "UPDATE users SET plan = ?2, plan_expires_at = ?3, updated_at = ?4 "
			 "WHERE id = ?1");
	db_bind_text(st, 1, user);
	db_bind_text(st, 2, m->plan);
	sqlite3_bind_int64(st, 3, subscription_expiry(m->status, m->period_end, m->ended_at, now));
	sqlite3_bind_int64(st, 4, now);
	return db_exec_stmt(st) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc subscription_apply(struct db *db, const struct billing_event *ev, int64_t now)
{
	struct arena a;
	struct subscription row, m;
	const char *user;
	int have_row;
	int64_t event_at = ev->created ? ev->created : now;
	enum store_rc rc = STORE_OK;

	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	arena_init(&a, 0);
	memset(&row, 0, sizeof row);
	user = event_user(db, &a, ev, &row, &have_row);
	if (!user) {
		rc = STORE_NOT_FOUND;
		goto fail;
	}
	/* Providers do not promise order: an event older than the one the row
	 * reflects changes nothing (it is still recorded as seen). A checkout
	 * for a subscription already known adds nothing the row lacks. */
	if (have_row && (event_at < row.updated_at || ev->from_checkout))
		goto done;
	/* Only a live subscription starts a row: one that is not paid yet
	 * (incomplete) or already over must not give the plan, and a late
	 * "cancelled" for an old subscription must not touch the new one's row. */
	if (!have_row && strcmp(ev->status ? ev->status : "active", "active"))
		goto done;
	m = have_row ? row : (struct subscription){ 0 };
	m.plan = ev->plan ? ev->plan : m.plan;
	if (!m.plan) {
		rc = STORE_NOT_FOUND;   /* a subscription confab did not sell */
		goto fail;
	}
	m.customer_id = ev->customer_id ? ev->customer_id : m.customer_id;
	m.status = ev->status ? ev->status : (m.status ? m.status : "active");
	if (ev->period_end) {
		m.period_start = ev->period_start;
		m.period_end = ev->period_end;
	}
	m.ended_at = ev->ended_at ? ev->ended_at : (strcmp(m.status, "cancelled") ? 0 : m.ended_at);
	if (ev->cancel_at_period_end >= 0)
		m.cancel_at_period_end = ev->cancel_at_period_end;
	if ((rc = write_row(db, user, ev, &m, event_at, now)) != STORE_OK)
		goto fail;
done:
	if ((rc = record(db, ev->provider, ev->id, ev->type, now)) == STORE_ERROR)
		goto fail;
	arena_free(&a);
	return db_commit(db) == SQLITE_OK ? STORE_OK : STORE_BUSY;
fail:
	arena_free(&a);
	db_rollback(db);
	return rc;
}
