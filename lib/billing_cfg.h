/* billing_cfg.h — what the operator sells, from the config: `[billing]`
 * (which provider, its keys and API base), the plans (`[plan.NAME]` with a
 * `price_per_month` above 0) and the credit packages (`[credits.NAME]`
 * with `price` in cents and `credits` in USD). Strings point into the
 * config, which must outlive this. */
#ifndef CONFAB_BILLING_CFG_H
#define CONFAB_BILLING_CFG_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"

struct billing_item {
	const char *kind;            /* "plan" or "credits" */
	const char *name;            /* NAME of the section */
	const char *label;           /* `name =` in the section, else NAME */
	int64_t price_cents;         /* a month of the plan, or the package */
	int64_t credits;             /* micro-dollars a package grants (0 for plans) */
	const char *stripe_price;    /* a Stripe price id; else the price is sent inline */
	const char *polar_product;   /* the Polar product id (Polar needs one) */
};

struct billing_cfg {
	const char *provider;        /* "stripe", "polar", or NULL: not set up */
	const char *stripe_secret_key, *stripe_webhook_secret, *stripe_api_base;
	const char *polar_access_token, *polar_webhook_secret, *polar_api_base;
	const char *currency;        /* Stripe's inline prices; default "usd" */
	const char *site_url;        /* where the provider sends the buyer back: [billing] site_url,
				      * else [server] public_url; NULL: from the request */
	int64_t tolerance;           /* webhook timestamp tolerance, seconds; default 300 */
	struct billing_item *items;  /* plans first, then packages, each in config order */
	size_t n;
};

/* Read the billing settings. 0, or -1 with *err (malloc'd) naming the
 * section of a malformed value. Free with billing_cfg_free. */
int billing_cfg_load(const struct config *cfg, struct billing_cfg *out, char **err);
void billing_cfg_free(struct billing_cfg *bc);

/* Where the provider sends the buyer back: site_url (site_url.h) with
 * [billing] site_url, else [server] public_url, as the configured address. */
char *billing_site(const struct billing_cfg *bc, int https, const char *host,
		   const char *server_port);

/* The item of kind and name that the configured provider can sell, or NULL. */
const struct billing_item *billing_item_find(const struct billing_cfg *bc, const char *kind,
					     const char *name);
/* The plan whose stripe_price or polar_product is id, or NULL. */
const struct billing_item *billing_plan_by_external(const struct billing_cfg *bc,
						    const char *provider, const char *id);
/* 1 when the configured provider can sell it (Polar needs a product id). */
int billing_item_sellable(const struct billing_cfg *bc, const struct billing_item *it);

#endif
