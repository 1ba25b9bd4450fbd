/* settings — the account's settings. Provider keys ("bring your own key"):
 * a user may store a key per configured provider; it is sealed at rest
 * (keybox.c), used instead of the server's key for that user's requests,
 * shown again only as its last four characters, and never logged. */
#include "app.h"
#include "money.h"
#include "keybox.h"
#include "page.h"
#include "quota_http.h"
#include "store_billing.h"
#include "store_credits.h"
#include "session.h"
#include "store_keys.h"
#include "tz.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_KEY_CHARS 512

static const struct field key_fields[] = {
	{ "provider", V_STRING, 1, 1, 100, NULL, "Provider" },
	{ "key", V_STRING, 1, 8, MAX_KEY_CHARS, NULL, "Key" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field key_delete_fields[] = {
	{ "provider", V_STRING, 1, 1, 100, NULL, "Provider" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

static const struct provider_cfg *provider_named(const char *name)
{
	for (size_t i = 0; name && i < g.models.nproviders; i++)
		if (!strcmp(g.models.providers[i].name, name))
			return &g.models.providers[i];
	return NULL;
}

/* A key is one token of printable ASCII: what every provider issues. */
static int key_plausible(const char *k)
{
	for (; *k; k++)
		if (*k <= ' ' || *k > '~')
			return 0;
	return 1;
}

/* One limit as the page shows it: what is used of it, with a bar. */
static void add_limit(struct req *r, struct tval *list, const char *label, int64_t used,
		      int64_t limit, const char *resets)
{
	struct tval *x = tv_push(r->a, list, tv_map(r->a));
	tv_set_str(r->a, x, "label", label);
	tv_set_int(r->a, x, "used", used);
	if (limit >= 0) {
		tv_set_int(r->a, x, "limit", limit);
		tv_set_int(r->a, x, "max", limit > 0 ? limit : 1);
		tv_set_int(r->a, x, "value", used < limit ? used : limit);
		tv_set_bool(r->a, x, "full", used >= limit);
	} else {
		tv_set_bool(r->a, x, "unlimited", 1);
	}
	if (resets)
		tv_set_str(r->a, x, "resets", resets);
}

/* The subscription bought through /billing, if any. */
static void add_subscription(struct req *r, struct tval *ctx)
{
	struct subscription sub;
	char end[32];
	if (subscription_get(g.user_db, r->a, r->user->id, &sub) != STORE_OK)
		return;
	tv_set_bool(r->a, ctx, "has_subscription", 1);
	tv_set(r->a, ctx, "sub_plan", tv_str_ref(r->a, sub.plan ? sub.plan : ""));
	tv_set(r->a, ctx, "sub_status", tv_str_ref(r->a, sub.status ? sub.status : ""));
	tv_set(r->a, ctx, "sub_provider", tv_str_ref(r->a, sub.provider ? sub.provider : ""));
	if (sub.period_end > 0) {
		tz_format(r->user->timezone, sub.period_end, "%Y-%m-%d", end, sizeof end);
		tv_set_str(r->a, ctx, "sub_period_end", end);
	}
	tv_set_bool(r->a, ctx, "sub_cancels", sub.cancel_at_period_end);
}

/* Settings → Plan & usage: the plan, every limit with what is used, the
 * credit balance and its history. */
static void add_plan(struct req *r, struct tval *ctx)
{
	const struct plan_cfg *pl = user_plan(r);
	struct quota_usage u;
	struct tval *limits = tv_set(r->a, ctx, "limits", tv_list(r->a));
	struct tval *hist = tv_set(r->a, ctx, "credit_history", tv_list(r->a));
	char day[32], month[32], until[32];
	int64_t now = now_ms();
	size_t n;
	struct credit_row *rows;

	quota_usage(g.data_db, r->user->id, r->user->timezone, now, &u);
	tz_format(r->user->timezone, u.day_reset, "%Y-%m-%d %H:%M", day, sizeof day);
	tz_format(r->user->timezone, u.month_reset, "%Y-%m-%d %H:%M", month, sizeof month);
	tv_set(r->a, ctx, "plan_name", tv_str_ref(r->a, pl->name));
	tv_set_str(r->a, ctx, "plan_price", arena_printf(r->a, "$%lld.%02lld a month",
		   (long long)(pl->price_per_month / 100), (long long)(pl->price_per_month % 100)));
	if (*pl->features)
		tv_set(r->a, ctx, "plan_features", tv_str_ref(r->a, pl->features));
	if (strcmp(pl->name, r->user->plan ? r->user->plan : ""))
		tv_set_str(r->a, ctx, "plan_fell_back", r->user->plan ? r->user->plan : "");
	else if (r->user->plan_expires_at > 0) {
		tz_format(r->user->timezone, r->user->plan_expires_at, "%Y-%m-%d", until, sizeof until);
		tv_set_str(r->a, ctx, "plan_until", until);
	}
	add_limit(r, limits, "Requests in the last hour", u.hour, pl->requests_per_hour, NULL);
	add_limit(r, limits, "Requests today", u.today, pl->requests_per_day, day);
	add_limit(r, limits, "Requests this month", u.month, pl->requests_per_month, month);
	add_limit(r, limits, "Tokens this month", u.tokens_month, pl->tokens_per_month, month);
	if (pl->max_tokens_per_request >= 0)
		tv_set_int(r->a, ctx, "max_tokens_per_request", pl->max_tokens_per_request);
	tv_set_bool(r->a, ctx, "charge_credits", pl->charge_credits);
	tv_set_str(r->a, ctx, "credits",
		   money_format(r->a, credits_balance(g.data_db, r->user->id), MONEY_CENTS));
	rows = credits_history(g.data_db, r->a, r->user->id, 20, &n);
	for (size_t i = 0; i < n; i++) {
		struct tval *x = tv_push(r->a, hist, tv_map(r->a));
		char when[32];
		tz_format(r->user->timezone, rows[i].created_at, "%Y-%m-%d %H:%M", when, sizeof when);
		tv_set_str(r->a, x, "when", when);
		tv_set(r->a, x, "kind", tv_str_ref(r->a, rows[i].kind));
		tv_set(r->a, x, "note", tv_str_ref(r->a, rows[i].note));
		tv_set_str(r->a, x, "amount", money_format(r->a, rows[i].amount, MONEY_CENTS));
	}
	tv_set_bool(r->a, ctx, "no_history", n == 0);
	add_subscription(r, ctx);
}

static int show_settings(struct req *r, int status, const char *error)
{
	struct tval *ctx = page_ctx(r, "Settings", NULL);
	struct tval *list = tv_set(r->a, ctx, "providers", tv_list(r->a));
	size_t n, shown = 0;
	struct key_info *keys = store_keys_provider_key_list(g.user_db, r->a, r->user->id, &n);

	for (size_t i = 0; i < g.models.nproviders; i++) {
		const struct provider_cfg *p = &g.models.providers[i];
		struct tval *x;
		if (!strcmp(p->name, "demo") && g.models.nproviders == 1)
			continue;   /* the offline demo takes no key */
		x = tv_push(r->a, list, tv_map(r->a));
		shown++;
		tv_set(r->a, x, "name", tv_str_ref(r->a, p->name));
		tv_set(r->a, x, "type", tv_str_ref(r->a, p->type));
		for (size_t k = 0; k < n; k++) {
			char when[32];
			if (strcmp(keys[k].provider, p->name))
				continue;
			tv_set(r->a, x, "last4", tv_str_ref(r->a, keys[k].last4));
			tz_format(r->user->timezone, keys[k].created_at, "%Y-%m-%d", when, sizeof when);
			tv_set_str(r->a, x, "added", when);
		}
	}
	/* Only the demo: no key to add either, and the page says so. */
	tv_set_bool(r->a, ctx, "no_providers", shown == 0);
	add_plan(r, ctx);
	if (error)
		tv_set_str(r->a, ctx, "error", error);
	return page_render(r, status, "settings", ctx);
}

static int settings_get(struct req *r)
{
	return show_settings(r, 200, NULL);
}

/* POST /settings/keys: store (or replace) the user's key for a provider.
 * On any refusal the key is not echoed back into the page. */
static int key_post(struct req *r)
{
	const char *prov = http_form(r, "provider"), *key = http_form(r, "key");
	const struct provider_cfg *p;
	unsigned char *sealed;
	size_t len, n;
	char last4[5];

	if (r->invalid)
		return show_settings(r, 400, r->invalid);
	if (!(p = provider_named(prov)))
		return show_settings(r, 400, "There is no such provider on this server.");
	if (!key_plausible(key))
		return show_settings(r, 400, "A key is one word of letters, digits and "
					     "punctuation, with no spaces.");
	n = strlen(key);
	memcpy(last4, key + n - 4, 4);
	last4[4] = '\0';
	if (keybox_seal(g.key, r->user->id, p->name, key, &sealed, &len))
		return show_settings(r, 503, "The key could not be stored. Try again.");
	if (store_keys_provider_key_put(g.user_db, r->user->id, p->name, sealed, len, last4,
			     now_ms()) != STORE_OK) {
		free(sealed);
		return show_settings(r, 503, "The server is busy; the key was not stored. Try again.");
	}
	free(sealed);
	flash_set(r, arena_printf(r->a, "Your %s key ending in %s is stored. Your requests to "
				  "%s now use it.", p->name, last4, p->name));
	return http_redirect(r, "/settings");
}

static int key_delete_post(struct req *r)
{
	const char *prov = http_form(r, "provider");
	if (r->invalid || !provider_named(prov))
		return show_settings(r, 400, "There is no such provider on this server.");
	if (store_keys_provider_key_delete(g.user_db, r->user->id, prov) == STORE_OK)
		flash_set(r, arena_printf(r->a, "Your %s key is removed; the server's key is "
					  "used again.", prov));
	return http_redirect(r, "/settings");
}

static const struct route routes[] = {
	{ "GET", "/settings", settings_get, ROUTE_LOGIN, NULL },
	{ "POST", "/settings/keys", key_post, ROUTE_LOGIN | ROUTE_FORM_ERRORS, key_fields },
	{ "POST", "/settings/keys/delete", key_delete_post, ROUTE_LOGIN | ROUTE_FORM_ERRORS,
	  key_delete_fields },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "settings", routes, COUNTOF(routes));
}
