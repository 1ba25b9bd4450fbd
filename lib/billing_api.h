/* billing_api.h — creating a hosted checkout with the configured billing
 * provider over HTTPS (libcurl, loaded by the first checkout rather than
 * linked; blocking, short timeouts): Stripe's
 * POST /v1/checkout/sessions (form-encoded, Bearer secret key) or Polar's
 * POST /v1/checkouts/ (JSON, Bearer access token). The checkout carries
 * confab's user id and what was bought in its metadata, which the
 * webhooks read back (billing_event.c). */
#ifndef CONFAB_BILLING_API_H
#define CONFAB_BILLING_API_H

#include "billing_cfg.h"

struct checkout_req {
	const struct billing_item *item;
	const char *user_id, *email;
	const char *customer_id;     /* the provider's customer, when known (Stripe reuses it) */
	const char *success_url, *cancel_url;
};

/* The form body Stripe is sent (malloc'd), exposed for tests. */
char *billing_stripe_form(const struct billing_cfg *bc, const struct checkout_req *cr);
/* The JSON body Polar is sent (malloc'd). */
char *billing_polar_json(const struct checkout_req *cr);

/* Create the checkout: 0 with *url (malloc'd, an http(s) URL to send the
 * buyer to), or -1 with *err (malloc'd, for the log; not for the page),
 * which says so when libcurl.so.4 cannot be loaded. */
int billing_checkout_create(const struct billing_cfg *bc, const struct checkout_req *cr,
			    char **url, char **err);

#endif
