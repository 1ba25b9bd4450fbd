/* webhooks — the billing providers' calls: POST /webhooks/stripe and
 * POST /webhooks/polar. No session and no CSRF token: a delivery is
 * trusted only when its signature verifies under the endpoint secret
 * (webhook_sig.c) and its timestamp is recent. Each event is acted on
 * once: subscription changes are recorded with the event id in the same
 * user.db transaction, and a credit purchase is a ledger row whose ref
 * (the checkout) is unique, so a replay grants nothing. Answers are short
 * JSON; a 5xx makes the provider retry later. */
#include "app.h"
#include "billing_cfg.h"
#include "billing_event.h"
#include "esc.h"
#include "log.h"
#include "store_billing.h"
#include "store_credits.h"
#include "util.h"
#include "webhook_sig.h"

#include <stdlib.h>
#include <string.h>

static struct billing_cfg bc;
static int bc_state;   /* 0 not read, 1 read, -1 broken */

/* The billing settings, read once per process. */
static const struct billing_cfg *billing(void)
{
	char *err = NULL;
	if (bc_state == 0) {
		bc_state = billing_cfg_load(&g.cfg, &bc, &err) ? -1 : 1;
		if (bc_state < 0)
			log_error("config: %s", err ? err : "out of memory");
		free(err);
	}
	return bc_state > 0 ? &bc : NULL;
}

/* {"status": status} or {"error": msg}, with an optional reason. */
static int reply(struct req *r, int code, const char *key, const char *value,
		 const char *reason)
{
	r->resp_type = "application/json";
	buf_clear(r->resp_body);
	buf_printf(r->resp_body, "{\"%s\":\"", key);
	esc_json(r->resp_body, value, strlen(value));
	if (reason) {
		buf_puts(r->resp_body, "\",\"reason\":\"");
		esc_json(r->resp_body, reason, strlen(reason));
	}
	buf_puts(r->resp_body, "\"}\n");
	return code;
}

static int grant(struct req *r, const struct billing_event *ev)
{
	const char *ref = arena_printf(r->a, "%s:%s", ev->provider, ev->checkout_id);
	const char *note = arena_printf(r->a, "%s credit package%s%s", ev->provider,
					ev->package ? " " : "", ev->package ? ev->package : "");
	enum store_rc rc;

	if (!billing_user_exists(g.user_db, ev->user_id)) {
		log_warn("%s %s: paid for unknown user %s", ev->provider, ev->id, ev->user_id);
		return reply(r, 200, "status", "ignored", "no such user");
	}
	rc = credits_add(g.data_db, ev->user_id, "purchase", ev->credits, ref, note, now_ms());
	if (rc != STORE_OK && rc != STORE_EXISTS)
		return reply(r, 503, "error", "busy, try again", NULL);
	/* If this fails the ledger already holds the grant: a retry finds
	 * its ref and grants nothing. */
	billing_event_record(g.user_db, ev->provider, ev->id, ev->type, now_ms());
	if (rc == STORE_OK)
		log_info("%s %s: %lld micro-USD of credits to %s (%s)", ev->provider, ev->id,
			 (long long)ev->credits, ev->user_id, ref);
	return reply(r, 200, "status", rc == STORE_OK ? "ok" : "duplicate", NULL);
}

/* Act on a verified, parsed event. */
static int act(struct req *r, struct billing_event *ev)
{
	const struct billing_item *now_plan;
	if (billing_event_seen(g.user_db, ev->provider, ev->id))
		return reply(r, 200, "status", "duplicate", NULL);
	switch (ev->kind) {
	case BEV_SUBSCRIPTION:
		/* A plan changed with the provider (its portal) shows as the
		 * price or product the subscription is now for. */
		now_plan = billing_plan_by_external(&bc, ev->provider,
						    ev->price_id ? ev->price_id : ev->product_id);
		if (now_plan)
			ev->plan = now_plan->name;
		switch (subscription_apply(g.user_db, ev, now_ms())) {
		case STORE_OK:
			log_info("%s %s: %s %s %s", ev->provider, ev->id, ev->type,
				 ev->subscription_id, ev->status ? ev->status : "");
			return reply(r, 200, "status", "ok", NULL);
		case STORE_NOT_FOUND:
			log_warn("%s %s: subscription %s for no known user or plan", ev->provider,
				 ev->id, ev->subscription_id);
			return reply(r, 200, "status", "ignored", "no such user or plan");
		default:
			return reply(r, 503, "error", "busy, try again", NULL);
		}
	case BEV_CREDITS:
		return grant(r, ev);
	case BEV_IGNORE:
		break;
	}
	return reply(r, 200, "status", "ignored", ev->why ? ev->why : "not used");
}

static int refused(struct req *r, const char *provider, enum whsig_rc rc)
{
	log_warn("%s webhook refused: %s (from %s)", provider, whsig_reason(rc), r->remote_addr);
	if (rc == WHSIG_NO_SECRET)
		return reply(r, 503, "error", whsig_reason(rc), NULL);
	return reply(r, 400, "error", whsig_reason(rc), NULL);
}

static int stripe_post(struct req *r)
{
	const struct billing_cfg *b = billing();
	struct billing_event ev;
	const char *err = NULL;
	enum whsig_rc rc;

	if (!b)
		return reply(r, 503, "error", "billing is misconfigured", NULL);
	rc = whsig_stripe_verify(http_env(r, "HTTP_STRIPE_SIGNATURE"), r->body, r->body_len,
				 b->stripe_webhook_secret, now_ms() / 1000, b->tolerance);
	if (rc != WHSIG_OK)
		return refused(r, "stripe", rc);
	if (billing_event_stripe(r->a, r->body, r->body_len, &ev, &err))
		return reply(r, 400, "error", err, NULL);
	return act(r, &ev);
}

static int polar_post(struct req *r)
{
	const struct billing_cfg *b = billing();
	const char *id = http_env(r, "HTTP_WEBHOOK_ID");
	struct billing_event ev;
	const char *err = NULL;
	enum whsig_rc rc;

	if (!b)
		return reply(r, 503, "error", "billing is misconfigured", NULL);
	rc = whsig_stdwh_verify(id, http_env(r, "HTTP_WEBHOOK_TIMESTAMP"),
				http_env(r, "HTTP_WEBHOOK_SIGNATURE"), r->body, r->body_len,
				b->polar_webhook_secret, now_ms() / 1000, b->tolerance);
	if (rc != WHSIG_OK)
		return refused(r, "polar", rc);
	if (billing_event_polar(r->a, r->body, r->body_len, id, &ev, &err))
		return reply(r, 400, "error", err, NULL);
	return act(r, &ev);
}

static const struct route routes[] = {
	{ "POST", "/webhooks/stripe", stripe_post, ROUTE_NO_CSRF, NULL },
	{ "POST", "/webhooks/polar", polar_post, ROUTE_NO_CSRF, NULL },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "webhooks", routes, COUNTOF(routes));
}
