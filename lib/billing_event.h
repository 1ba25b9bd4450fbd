/* billing_event.h — a verified webhook's JSON (Stripe or Polar) read into
 * one provider-neutral record: a subscription changed, credits were paid
 * for, or something confab does not act on. Parsing only; the store
 * (store_billing.c) and the credit ledger act on the result. */
#ifndef CONFAB_BILLING_EVENT_H
#define CONFAB_BILLING_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"

enum bev_kind {
	BEV_IGNORE = 0,    /* a type or state confab does not act on (answered 200) */
	BEV_SUBSCRIPTION,  /* a subscription was created or changed */
	BEV_CREDITS        /* a credit package was paid for */
};

/* Every string is in the arena; NULL when the event did not carry it.
 * Times are Unix milliseconds, 0 when unknown. */
struct billing_event {
	const char *provider;        /* "stripe" or "polar" */
	const char *id;              /* the event id (replays carry the same) */
	const char *type;            /* the provider's event type */
	int64_t created;
	enum bev_kind kind;
	const char *why;             /* for BEV_IGNORE: a short reason for the log */

	const char *user_id;         /* ours, from the checkout's metadata */
	const char *price_id;        /* what the subscription is for now: Stripe's price */
	const char *product_id;      /* or Polar's product (a plan changed with the provider) */
	const char *customer_id, *subscription_id, *plan;
	const char *status;          /* active, cancelled or past_due (NULL: unchanged) */
	int64_t period_start, period_end, ended_at;
	int cancel_at_period_end;    /* 0, 1, or -1 when not said */
	int from_checkout;           /* a completed checkout, not a subscription event */

	const char *checkout_id;     /* BEV_CREDITS: the paid checkout (the ledger ref) */
	const char *package;
	int64_t credits;             /* micro-dollars to grant */
};

/* Read a Stripe event. 0, or -1 with *err when the body is not an event. */
int billing_event_stripe(struct arena *a, const char *body, size_t len,
			 struct billing_event *ev, const char **err);
/* Read a Polar event; webhook_id (the webhook-id header) is its id. */
int billing_event_polar(struct arena *a, const char *body, size_t len, const char *webhook_id,
			struct billing_event *ev, const char **err);

/* A provider's subscription status in confab's three (NULL: unknown). */
const char *billing_status_normalize(const char *status);
/* An ISO 8601 UTC time ("2025-01-15T10:30:00.123Z", "+00:00" offsets) in
 * Unix ms; -1 when malformed. */
int64_t billing_parse_iso8601(const char *s);

#endif
