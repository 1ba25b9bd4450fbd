/* billing — buying a plan or credits: GET /billing lists what the server
 * sells and the user's subscription; POST /billing/checkout asks the
 * billing provider (billing_api.c) for a hosted checkout and sends the
 * buyer there with a 303. The payment itself reaches confab later, by the
 * provider's webhook (cgi-bin/webhooks.c): this page never grants. */
#include "app.h"
#include "money.h"
#include "billing_api.h"
#include "billing_cfg.h"
#include "log.h"
#include "page.h"
#include "session.h"
#include "store_billing.h"
#include "store_credits.h"
#include "tz.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = { "plan", "credits", NULL };
/* ?done=1: back from the provider's checkout page. */
static const struct field billing_fields[] = {
	{ "done", V_STRING, 0, 0, 16, NULL, "Done" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

static const struct field checkout_fields[] = {
	{ "kind", V_ENUM, 1, 0, 0, kinds, "What to buy" },
	{ "name", V_STRING, 1, 1, 64, NULL, "Plan or package" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

static struct billing_cfg bc;
static int bc_state;   /* 0 not read, 1 read, -1 broken */

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

/* Prices are sold in cents. */
static const char *usd(struct arena *a, int64_t cents)
{
	return money_format(a, cents * 10000, MONEY_CENTS);
}

static const char *date(struct req *r, int64_t ms)
{
	char out[32];
	if (!ms)
		return NULL;
	tz_format(r->user->timezone, ms, "%Y-%m-%d", out, sizeof out);
	return arena_strdup(r->a, out);
}

static void add_subscription(struct req *r, struct tval *ctx)
{
	struct subscription s;
	struct tval *x;
	if (subscription_get(g.user_db, r->a, r->user->id, &s) != STORE_OK)
		return;
	x = tv_set(r->a, ctx, "subscription", tv_map(r->a));
	tv_set_str(r->a, x, "plan", s.plan);
	tv_set_str(r->a, x, "status", !strcmp(s.status, "past_due") ? "past due" : s.status);
	tv_set_str(r->a, x, "provider", s.provider);
	if (s.period_end)
		tv_set_str(r->a, x, "period_end", date(r, s.period_end));
	tv_set_bool(r->a, x, "ends", s.cancel_at_period_end || strcmp(s.status, "active"));
}

static int show(struct req *r, int status, const char *error)
{
	const struct billing_cfg *b = billing();
	struct tval *ctx = page_ctx(r, "Plan and credits", NULL);
	struct tval *plans = tv_set(r->a, ctx, "plans", tv_list(r->a));
	struct tval *packs = tv_set(r->a, ctx, "packages", tv_list(r->a));
	/* ?done=1 on the page itself; a refused checkout shows it too. */
	const char *done = strcmp(r->method, "GET") ? NULL : http_query(r, "done");

	tv_set_str(r->a, ctx, "plan", r->user->plan);
	tv_set_str(r->a, ctx, "balance", usd(r->a, credits_balance(g.data_db, r->user->id) / 10000));
	add_subscription(r, ctx);
	tv_set_bool(r->a, ctx, "set_up", b && b->provider);
	for (size_t i = 0; b && b->provider && i < b->n; i++) {
		const struct billing_item *it = &b->items[i];
		struct tval *x;
		if (!billing_item_sellable(b, it))
			continue;
		x = tv_push(r->a, strcmp(it->kind, "plan") ? packs : plans, tv_map(r->a));
		tv_set_str(r->a, x, "kind", it->kind);
		tv_set_str(r->a, x, "name", it->name);
		tv_set_str(r->a, x, "label", it->label);
		tv_set_str(r->a, x, "price", usd(r->a, it->price_cents));
		if (it->credits)
			tv_set_str(r->a, x, "credits", usd(r->a, it->credits / 10000));
		tv_set_bool(r->a, x, "current", !strcmp(it->kind, "plan") &&
			    !strcmp(it->name, r->user->plan));
	}
	if (done && !strcmp(done, "1"))
		tv_set_bool(r->a, ctx, "done", 1);
	if (error)
		tv_set_str(r->a, ctx, "error", error);
	return page_render(r, status, "billing", ctx);
}

static int billing_get(struct req *r)
{
	return show(r, 200, NULL);
}

/* Where the provider sends the buyer back (billing_site), in the arena;
 * NULL when the request's host cannot be put in a URL. */
static const char *site(struct req *r, const struct billing_cfg *b)
{
	char *url = billing_site(b, r->https, r->host, http_env(r, "SERVER_PORT"));
	const char *s = url ? arena_strdup(r->a, url) : NULL;
	free(url);
	return s;
}

static int checkout_post(struct req *r)
{
	const struct billing_cfg *b = billing();
	const struct billing_item *it;
	struct checkout_req cr;
	struct subscription sub;
	const char *base;
	char *url = NULL, *err = NULL;

	if (!b || !b->provider)
		return show(r, 503, "Billing is not set up on this server: there is nothing to "
				    "buy. The administrator can add a Stripe or Polar key.");
	if (r->invalid)
		return show(r, 400, r->invalid);
	if (!(it = billing_item_find(b, http_form(r, "kind"), http_form(r, "name"))))
		return show(r, 400, "There is no such plan or credit package for sale.");
	memset(&cr, 0, sizeof cr);
	if (subscription_get(g.user_db, r->a, r->user->id, &sub) == STORE_OK) {
		/* A second live subscription would bill twice. */
		if (!strcmp(it->kind, "plan") && !strcmp(sub.status, "active") &&
		    !sub.cancel_at_period_end)
			return show(r, 409, "You already have a subscription. Cancel it with the "
					    "payment provider before choosing another plan.");
		if (!strcmp(sub.provider, b->provider))
			cr.customer_id = sub.customer_id;
	}
	cr.item = it;
	cr.user_id = r->user->id;
	cr.email = r->user->email;
	if (!(base = site(r, b)))
		return show(r, 400, "This address cannot be sent to the payment provider to come "
				    "back to. The administrator can set [server] public_url.");
	cr.success_url = arena_printf(r->a, "%s/billing?done=1", base);
	cr.cancel_url = arena_printf(r->a, "%s/billing", base);
	if (billing_checkout_create(b, &cr, &url, &err)) {
		log_error("%s checkout for %s %s: %s", b->provider, it->kind, it->name,
			  err ? err : "failed");
		free(err);
		return show(r, 503, "The payment provider could not be reached, so nothing was "
				    "charged. Try again in a minute.");
	}
	r->status = 303;
	http_header(r, "Location", url);
	buf_clear(r->resp_body);
	free(url);
	return 303;
}

static const struct route routes[] = {
	{ "GET", "/billing", billing_get, ROUTE_LOGIN, billing_fields },
	{ "POST", "/billing/checkout", checkout_post, ROUTE_LOGIN | ROUTE_FORM_ERRORS,
	  checkout_fields },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "billing", routes, COUNTOF(routes));
}
