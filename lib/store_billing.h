/* store_billing.h — subscriptions and processed webhook events in user.db
 * (schema/user/008). Applying a subscription change also moves the
 * user's plan and plan_expires_at, in the same transaction. */
#ifndef CONFAB_STORE_BILLING_H
#define CONFAB_STORE_BILLING_H

#include <stdint.h>
#include "arena.h"
#include "billing_event.h"
#include "db.h"
#include "store_user.h"

struct subscription {
	const char *provider, *customer_id, *subscription_id, *plan, *status;
	int64_t period_start, period_end, ended_at;   /* 0 when unknown */
	int cancel_at_period_end;
	int64_t updated_at;
};

/* The user's subscription (arena): STORE_OK or STORE_NOT_FOUND. */
enum store_rc subscription_get(struct db *db, struct arena *a, const char *user_id,
			       struct subscription *out);

/* 1 when the provider's event id was acted on before. */
int billing_event_seen(struct db *db, const char *provider, const char *event_id);
/* Remember an event as acted on (its own transaction); STORE_EXISTS when
 * it already was. */
enum store_rc billing_event_record(struct db *db, const char *provider, const char *event_id,
				   const char *type, int64_t now);

/* Apply a BEV_SUBSCRIPTION event and record it, in one transaction.
 * STORE_OK when applied, or when it changes nothing: older than what the
 * row holds, or not active for a subscription that has no row (one not
 * paid yet, or over, never gives the plan);
 * STORE_NOT_FOUND when no user can be found for it (the event is then not
 * recorded); STORE_BUSY. */
enum store_rc subscription_apply(struct db *db, const struct billing_event *ev, int64_t now);

/* 1 when a user with this id exists (a paid event may name anyone). */
int billing_user_exists(struct db *db, const char *user_id);

/* When the user's plan ends for a subscription in this state: the period's
 * end (sooner if it ended early); with no period known yet, 31 days on for
 * an active one, else now. */
int64_t subscription_expiry(const char *status, int64_t period_end, int64_t ended_at,
			    int64_t now);

#endif
