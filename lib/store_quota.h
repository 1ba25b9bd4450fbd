/* store_quota.h — the plan's limits, enforced inside the transaction that
 * queues a request (lib/store_reply.c insert_reply), so that a user with N
 * requests left who sends 50 at once gets exactly N through. Also what the
 * Plan & usage page shows. */
#ifndef CONFAB_STORE_QUOTA_H
#define CONFAB_STORE_QUOTA_H

#include <stdint.h>
#include "db.h"
#include "plans.h"

struct quota {
	/* in */
	const struct plan_cfg *plan;
	const char *tz;             /* days and months turn over in it */
	int64_t model_max_output;   /* the model's own cap on output tokens */
	int64_t price_in, price_out; /* micro-dollars per million tokens */
	int charge_credits;         /* hold the cost estimate on the credits */
	/* out, when refused (STORE_LIMITED) or admitted */
	int status;                 /* 429 (requests) or 402 (tokens, credits) */
	const char *what;           /* the limit, in words */
	int64_t limit, remaining;   /* of the hourly window (X-RateLimit-*) */
	int64_t reset_at;           /* ms when the refusing limit frees up; or
				       the hourly window's for an admitted one */
	int64_t refused_limit;      /* the refusing limit's value */
};

/* (tx) Check q->plan for user_id at now and, if the request fits, record
 * it for msg_id (queued in chat_id just before). STORE_OK or STORE_LIMITED
 * (q->status, q->what, q->reset_at filled). */
enum store_rc quota_admit(struct db *db, const char *user_id, const char *chat_id,
			  const char *msg_id, struct quota *q, int64_t now);

struct quota_usage {
	int64_t hour, today, month;     /* requests */
	int64_t tokens_month;           /* used and held */
	int64_t hour_reset;             /* ms when the hour next frees a request */
	int64_t day_reset, month_reset; /* ms */
};
/* What the user has used in each window now (the send's check, the
 * dashboard, the Plan & usage page): a few index lookups however long the
 * history (running totals, schema/data/013_quota_totals.sql), read in one
 * snapshot (a read transaction of its own when none is open). */
void quota_usage(struct db *db, const char *user_id, const char *tz, int64_t now,
		 struct quota_usage *out);

#endif
