/* store_quota.h — the plan's limits, enforced inside the transaction that
 * queues a request (lib/store_reply.c insert_reply), so that a user with N
 * requests left who sends 50 at once gets exactly N through. Also what the
 * Plan & usage page shows. */
#ifndef CONFAB_STORE_QUOTA_H
#define CONFAB_STORE_QUOTA_H

#include <stdint.h>
#include "db.h"
#include "models.h"
#include "plans.h"

struct quota {
	/* in */
	const struct plan_cfg *plan;
	const char *tz;             /* days and months turn over in it */
	const struct model_cfg *model; /* what the reply is asked of */
	const char *data_dir;       /* where the chat's attachments are */
	int charge_credits;         /* hold the request's cost on the credits */
	/* out, when refused (STORE_LIMITED) or admitted */
	int status;                 /* 429 (requests) or 402 (tokens, credits) */
	const char *what;           /* the limit, in words */
	int64_t limit, remaining;   /* of the hourly window (X-RateLimit-*) */
	int64_t reset_at;           /* ms when the refusing limit frees up; or
				       the hourly window's for an admitted one */
	int64_t refused_limit;      /* the refusing limit's value */
	/* The hold (hold.h): the most the request can cost, in tokens (input
	 * bound + max_tokens) and micro-dollars; for a refusal on tokens or
	 * credits, what is left of them (in the same unit). */
	int64_t hold_tokens, hold_cost, left;
};
/* (tx) Check q->plan for user_id at now and, if the request fits, record
 * it for msg_id (queued in chat_id just before): its hold, counted against
 * tokens_per_month while it runs and taken off the credits until it is
 * settled, and the max_tokens the worker sends. The hold is worked out
 * from what the worker will send (turn_files_history), so a
 * request that cannot be paid for at its most is refused before any
 * provider is asked. STORE_OK or STORE_LIMITED (q->status, q->what,
 * q->reset_at, the hold and q->left filled). */
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

/* The tokens held for reply msg_id when it was queued (the worker keeps
 * its request within them), or -1 when none were (queued before holds). */
int64_t quota_held_tokens(struct db *db, const char *msg_id);

#endif
