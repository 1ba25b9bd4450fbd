/* test_billing.c — webhook signatures (Stripe and Standard Webhooks: good,
 * bad, stale, future, several signatures, malformed headers), reading
 * Stripe and Polar events, ISO times, the billing config, the checkout
 * bodies, and applying subscription events to user.db (the plan and its
 * expiry follow; replays and older events change nothing). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "billing_api.h"
#include "billing_cfg.h"
#include "billing_event.h"
#include "config.h"
#include "db.h"
#include "store_billing.h"
#include "store_user.h"
#include "webhook_sig.h"

static const char body[] = "{\"id\":\"evt_1\",\"type\":\"ping\"}";
static const char secret[] = "whsec_test_secret";
static const int64_t NOW = 1750000000;

/* ---- Stripe-Signature ---- */

static void stripe_good(void **state)
{
	char h[256];
	(void)state;
	whsig_stripe_sign(h, sizeof h, secret, NOW, body, strlen(body));
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), secret, NOW, 300), WHSIG_OK);
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), secret, NOW + 299, 300), WHSIG_OK);
}

/* The documented example, computed independently of whsig_stripe_sign. */
static void stripe_known_vector(void **state)
{
	unsigned char mac[32];
	char hex[65], h[256], msg[128];
	(void)state;
	snprintf(msg, sizeof msg, "%lld.%s", (long long)NOW, body);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof hex, mac, 32);
	snprintf(h, sizeof h, "t=%lld,v1=%s,v0=abc", (long long)NOW, hex);
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), secret, NOW, 300), WHSIG_OK);
}

static void stripe_bad(void **state)
{
	char h[256], other[] = "{\"id\":\"evt_1\",\"type\":\"pinG\"}";
	(void)state;
	whsig_stripe_sign(h, sizeof h, secret, NOW, body, strlen(body));
	assert_int_equal(whsig_stripe_verify(h, other, strlen(other), secret, NOW, 300),
			 WHSIG_MISMATCH);
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), "whsec_other", NOW, 300),
			 WHSIG_MISMATCH);
	/* The timestamp is signed: moving it breaks the signature. */
	h[2] = h[2] == '9' ? '8' : '9';
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), secret, NOW, 300),
			 WHSIG_MISMATCH);
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), "", NOW, 300), WHSIG_NO_SECRET);
}

static void stripe_stale_and_future(void **state)
{
	char h[256];
	(void)state;
	whsig_stripe_sign(h, sizeof h, secret, NOW - 301, body, strlen(body));
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), secret, NOW, 300), WHSIG_STALE);
	whsig_stripe_sign(h, sizeof h, secret, NOW + 301, body, strlen(body));
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), secret, NOW, 300), WHSIG_STALE);
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), secret, NOW, 600), WHSIG_OK);
}

static void stripe_multiple(void **state)
{
	char good[256], h[512];
	(void)state;
	whsig_stripe_sign(good, sizeof good, secret, NOW, body, strlen(body));
	/* A rolled secret: the old one's signature first, then ours. */
	snprintf(h, sizeof h, "t=%lld,v1=%064d,v1=%s", (long long)NOW, 0, strstr(good, "v1=") + 3);
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), secret, NOW, 300), WHSIG_OK);
	snprintf(h, sizeof h, "t=%lld,v1=%064d,v1=%064d", (long long)NOW, 0, 1);
	assert_int_equal(whsig_stripe_verify(h, body, strlen(body), secret, NOW, 300),
			 WHSIG_MISMATCH);
}

static void stripe_malformed(void **state)
{
	static const char *const bad[] = {
		"", "t=", "t=123", "v1=" "00000000000000000000000000000000"
		"00000000000000000000000000000000", "t=abc,v1=00", "garbage",
		"t=1,t=2,v1=0000000000000000000000000000000000000000000000000000000000000000",
		"t=1,v1=zz00000000000000000000000000000000000000000000000000000000000000",
		"t=1,v1=00,", "t=99999999999999,v1=1", ",,,", "t=1,v0=abc",
	};
	unsigned char sigs[WHSIG_MAX][32];
	size_t n;
	int64_t t;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(whsig_stripe_parse(bad[i], &t, sigs, &n), -1);
		assert_int_equal(whsig_stripe_verify(bad[i], body, strlen(body), secret, NOW, 300),
				 WHSIG_MALFORMED);
	}
	assert_int_equal(whsig_stripe_verify(NULL, body, strlen(body), secret, NOW, 300),
			 WHSIG_MALFORMED);
}

/* ---- Standard Webhooks (Polar) ---- */

static const char polar_secret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

static void stdwh_good(void **state)
{
	char sig[128], ts[32];
	(void)state;
	snprintf(ts, sizeof ts, "%lld", (long long)NOW);
	assert_int_equal(whsig_stdwh_sign(sig, sizeof sig, polar_secret, "msg_1", NOW, body,
					  strlen(body)), 0);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, sig, body, strlen(body), polar_secret,
					    NOW, 300), WHSIG_OK);
	/* A secret without whsec_ is the key's own bytes (Polar's way). */
	assert_int_equal(whsig_stdwh_sign(sig, sizeof sig, "polar_whs_abc", "msg_1", NOW, body,
					  strlen(body)), 0);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, sig, body, strlen(body), "polar_whs_abc",
					    NOW, 300), WHSIG_OK);
}

/* The example from the Standard Webhooks specification. */
static void stdwh_spec_vector(void **state)
{
	static const char b[] = "{\"test\": 2432232314}";
	(void)state;
	assert_int_equal(whsig_stdwh_verify("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
					    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
					    b, strlen(b), polar_secret, 1614265330, 300), WHSIG_OK);
}

static void stdwh_bad_stale_future(void **state)
{
	char sig[128], ts[32];
	(void)state;
	whsig_stdwh_sign(sig, sizeof sig, polar_secret, "msg_1", NOW, body, strlen(body));
	snprintf(ts, sizeof ts, "%lld", (long long)NOW);
	assert_int_equal(whsig_stdwh_verify("msg_2", ts, sig, body, strlen(body), polar_secret,
					    NOW, 300), WHSIG_MISMATCH);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, sig, "{}", 2, polar_secret, NOW, 300),
			 WHSIG_MISMATCH);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, sig, body, strlen(body),
					    "whsec_b3RoZXI=", NOW, 300), WHSIG_MISMATCH);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, sig, body, strlen(body), polar_secret,
					    NOW + 301, 300), WHSIG_STALE);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, sig, body, strlen(body), polar_secret,
					    NOW - 301, 300), WHSIG_STALE);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, sig, body, strlen(body), "whsec_!!",
					    NOW, 300), WHSIG_NO_SECRET);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, sig, body, strlen(body), NULL,
					    NOW, 300), WHSIG_NO_SECRET);
}

static void stdwh_multiple(void **state)
{
	char sig[128], ts[32], h[512];
	(void)state;
	whsig_stdwh_sign(sig, sizeof sig, polar_secret, "msg_1", NOW, body, strlen(body));
	snprintf(ts, sizeof ts, "%lld", (long long)NOW);
	snprintf(h, sizeof h, "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v2,xyz %s", sig);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, h, body, strlen(body), polar_secret,
					    NOW, 300), WHSIG_OK);
	snprintf(h, sizeof h, "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1a,%s", sig + 3);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, h, body, strlen(body), polar_secret,
					    NOW, 300), WHSIG_MISMATCH);
}

static void stdwh_malformed(void **state)
{
	static const char *const bad[] = { "", "v1", "v1,", "v1,not-base64!", "nocomma here",
					   "v2,AAAA", "   " };
	char sig[128], ts[32];
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(whsig_stdwh_verify("msg_1", "1750000000", bad[i], body,
						    strlen(body), polar_secret, NOW, 300),
				 WHSIG_MALFORMED);
	whsig_stdwh_sign(sig, sizeof sig, polar_secret, "msg_1", NOW, body, strlen(body));
	snprintf(ts, sizeof ts, "%lld", (long long)NOW);
	assert_int_equal(whsig_stdwh_verify(NULL, ts, sig, body, strlen(body), polar_secret, NOW,
					    300), WHSIG_MALFORMED);
	assert_int_equal(whsig_stdwh_verify("msg_1", "17e8", sig, body, strlen(body),
					    polar_secret, NOW, 300), WHSIG_MALFORMED);
	assert_int_equal(whsig_stdwh_verify("msg_1", "", sig, body, strlen(body), polar_secret,
					    NOW, 300), WHSIG_MALFORMED);
	assert_int_equal(whsig_stdwh_verify("msg_1", ts, NULL, body, strlen(body), polar_secret,
					    NOW, 300), WHSIG_MALFORMED);
}

/* ---- events ---- */

static void iso_times(void **state)
{
	(void)state;
	assert_int_equal(billing_parse_iso8601("2025-06-15T15:06:40Z"), 1750000000000LL);
	assert_int_equal(billing_parse_iso8601("2025-06-15T15:06:40.123456Z"), 1750000000123LL);
	assert_int_equal(billing_parse_iso8601("2025-06-15T17:06:40+02:00"), 1750000000000LL);
	assert_int_equal(billing_parse_iso8601("2025-06-15T15:06:40"), 1750000000000LL);
	assert_int_equal(billing_parse_iso8601("2025-06-15"), -1);
	assert_int_equal(billing_parse_iso8601("2025-13-15T15:06:40Z"), -1);
	assert_int_equal(billing_parse_iso8601("2025-06-15T15:06:40Zjunk"), -1);
	assert_int_equal(billing_parse_iso8601("2025-06-15T15:06:40."), -1);
	assert_int_equal(billing_parse_iso8601(""), -1);
}

#define UID "0b6e4b1e-2c4e-4a7e-9d49-7a1f2e3d4c5b"

static void stripe_events(void **state)
{
	struct arena a;
	struct billing_event ev;
	const char *err;
	static const char checkout_sub[] =
		"{\"id\":\"evt_a\",\"type\":\"checkout.session.completed\",\"created\":1750000000,"
		"\"data\":{\"object\":{\"id\":\"cs_1\",\"mode\":\"subscription\",\"payment_status\":"
		"\"paid\",\"client_reference_id\":\"" UID "\",\"customer\":\"cus_1\","
		"\"subscription\":\"sub_1\",\"metadata\":{\"kind\":\"plan\",\"plan\":\"pro\"}}}}";
	static const char checkout_credits[] =
		"{\"id\":\"evt_b\",\"type\":\"checkout.session.completed\",\"created\":1750000000,"
		"\"data\":{\"object\":{\"id\":\"cs_2\",\"mode\":\"payment\",\"payment_status\":"
		"\"paid\",\"client_reference_id\":\"" UID "\",\"metadata\":{\"kind\":\"credits\","
		"\"package\":\"small\",\"credits\":\"5000000\"}}}}";
	static const char sub_new_api[] =
		"{\"id\":\"evt_c\",\"type\":\"customer.subscription.updated\",\"created\":1750000001,"
		"\"data\":{\"object\":{\"id\":\"sub_1\",\"customer\":\"cus_1\",\"status\":\"past_due\","
		"\"cancel_at_period_end\":true,\"items\":{\"data\":[{\"current_period_start\":"
		"1750000000,\"current_period_end\":1752592000,\"price\":{\"id\":\"price_team\"}}]},"
		"\"metadata\":{}}}}";
	static const char unpaid[] =
		"{\"id\":\"evt_d\",\"type\":\"checkout.session.completed\",\"data\":{\"object\":"
		"{\"id\":\"cs_3\",\"mode\":\"payment\",\"payment_status\":\"unpaid\",\"metadata\":"
		"{\"kind\":\"credits\",\"credits\":\"1\",\"user_id\":\"" UID "\"}}}}";
	(void)state;
	arena_init(&a, 0);
	assert_int_equal(billing_event_stripe(&a, checkout_sub, strlen(checkout_sub), &ev, &err), 0);
	assert_int_equal(ev.kind, BEV_SUBSCRIPTION);
	assert_true(ev.from_checkout);
	assert_string_equal(ev.user_id, UID);
	assert_string_equal(ev.subscription_id, "sub_1");
	assert_string_equal(ev.plan, "pro");
	assert_string_equal(ev.status, "active");
	assert_int_equal(ev.created, 1750000000000LL);

	assert_int_equal(billing_event_stripe(&a, checkout_credits, strlen(checkout_credits), &ev,
					      &err), 0);
	assert_int_equal(ev.kind, BEV_CREDITS);
	assert_string_equal(ev.checkout_id, "cs_2");
	assert_int_equal(ev.credits, 5000000);

	assert_int_equal(billing_event_stripe(&a, sub_new_api, strlen(sub_new_api), &ev, &err), 0);
	assert_int_equal(ev.kind, BEV_SUBSCRIPTION);
	assert_string_equal(ev.status, "past_due");
	assert_int_equal(ev.period_end, 1752592000000LL);
	assert_int_equal(ev.cancel_at_period_end, 1);
	assert_null(ev.user_id);
	assert_string_equal(ev.price_id, "price_team");

	assert_int_equal(billing_event_stripe(&a, unpaid, strlen(unpaid), &ev, &err), 0);
	assert_int_equal(ev.kind, BEV_IGNORE);
	assert_int_equal(billing_event_stripe(&a, "[]", 2, &ev, &err), -1);
	assert_int_equal(billing_event_stripe(&a, "{\"id\":1}", 8, &ev, &err), -1);
	arena_free(&a);
}

static void polar_events(void **state)
{
	struct arena a;
	struct billing_event ev;
	const char *err;
	static const char sub[] =
		"{\"type\":\"subscription.canceled\",\"timestamp\":\"2025-06-15T15:06:40Z\",\"data\":"
		"{\"id\":\"psub_1\",\"status\":\"active\",\"current_period_start\":"
		"\"2025-06-15T15:06:40Z\",\"current_period_end\":\"2025-07-15T15:06:40Z\","
		"\"cancel_at_period_end\":true,\"customer_id\":\"pc_1\",\"product_id\":\"prod_team\",\"customer\":{\"external_id\":"
		"\"" UID "\"},\"metadata\":{\"plan\":\"pro\"}}}";
	static const char order[] =
		"{\"type\":\"order.paid\",\"data\":{\"id\":\"ord_1\",\"checkout_id\":\"pco_1\","
		"\"metadata\":{\"kind\":\"credits\",\"credits\":2500000,\"user_id\":\"" UID "\"}}}";
	static const char open_checkout[] =
		"{\"type\":\"checkout.updated\",\"data\":{\"id\":\"pco_1\",\"status\":\"open\","
		"\"metadata\":{\"kind\":\"credits\",\"credits\":\"1\",\"user_id\":\"" UID "\"}}}";
	(void)state;
	arena_init(&a, 0);
	assert_int_equal(billing_event_polar(&a, sub, strlen(sub), "wh_1", &ev, &err), 0);
	assert_int_equal(ev.kind, BEV_SUBSCRIPTION);
	assert_string_equal(ev.id, "wh_1");
	assert_string_equal(ev.user_id, UID);
	assert_string_equal(ev.status, "active");   /* canceled at period end: still active */
	assert_int_equal(ev.cancel_at_period_end, 1);
	assert_int_equal(ev.period_end, 1752592000000LL);
	assert_string_equal(ev.product_id, "prod_team");

	assert_int_equal(billing_event_polar(&a, order, strlen(order), "wh_2", &ev, &err), 0);
	assert_int_equal(ev.kind, BEV_CREDITS);
	assert_string_equal(ev.checkout_id, "pco_1");
	assert_int_equal(ev.credits, 2500000);

	assert_int_equal(billing_event_polar(&a, open_checkout, strlen(open_checkout), "wh_3", &ev,
					     &err), 0);
	assert_int_equal(ev.kind, BEV_IGNORE);
	assert_int_equal(billing_event_polar(&a, order, strlen(order), NULL, &ev, &err), -1);
	assert_int_equal(billing_event_polar(&a, "{", 1, "wh", &ev, &err), -1);
	arena_free(&a);
}

/* ---- config and checkout bodies ---- */

static int load_cfg(struct config *cfg, const char *text)
{
	char path[] = "/tmp/confab-billing-XXXXXX";
	int fd = mkstemp(path), rc;
	char *err = NULL;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = config_load(cfg, path, 0, &err);
	free(err);
	unlink(path);
	return rc;
}

static void config_and_bodies(void **state)
{
	struct config cfg;
	struct billing_cfg bc;
	char *err = NULL, *s;
	const struct billing_item *it;
	struct checkout_req cr = { .user_id = UID, .email = "a@example.org",
				   .success_url = "http://x/billing?done=1",
				   .cancel_url = "http://x/billing" };
	(void)state;
	assert_int_equal(load_cfg(&cfg, "[billing]\nstripe_secret_key = sk_test_1\n"
				  "[plan.free]\nprice_per_month = 0\n"
				  "[plan.pro]\nprice_per_month = 1500\n"
				  "[plan.team]\nprice_per_month = 5000\nstripe_price = price_team\n"
				  "polar_product = prod_team\n"
				  "[credits.small]\nname = Small\nprice = 500\ncredits = 5\n"
				  "[credits.big]\nprice = 2000\ncredits = 22.50\npolar_product = p_1\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), 0);
	assert_string_equal(bc.provider, "stripe");
	assert_int_equal(bc.n, 4);   /* the free plan is not sold */
	/* A subscription moved to another price or product is that plan. */
	assert_string_equal(billing_plan_by_external(&bc, "stripe", "price_team")->name, "team");
	assert_string_equal(billing_plan_by_external(&bc, "polar", "prod_team")->name, "team");
	assert_null(billing_plan_by_external(&bc, "stripe", "prod_team"));
	assert_null(billing_plan_by_external(&bc, "polar", NULL));
	cr.item = billing_item_find(&bc, "plan", "team");
	s = billing_stripe_form(&bc, &cr);
	assert_non_null(strstr(s, "line_items[0][price]=price_team"));
	assert_null(strstr(s, "price_data"));
	free(s);
	assert_int_equal(bc.tolerance, 300);
	it = billing_item_find(&bc, "credits", "big");
	assert_non_null(it);
	assert_int_equal(it->credits, 22500000);
	assert_null(billing_item_find(&bc, "plan", "free"));
	assert_null(billing_item_find(&bc, "credits", "pro"));

	cr.item = billing_item_find(&bc, "plan", "pro");
	s = billing_stripe_form(&bc, &cr);
	assert_non_null(strstr(s, "mode=subscription"));
	assert_non_null(strstr(s, "line_items[0][price_data][unit_amount]=1500"));
	assert_non_null(strstr(s, "line_items[0][price_data][recurring][interval]=month"));
	assert_non_null(strstr(s, "subscription_data[metadata][user_id]=" UID));
	assert_non_null(strstr(s, "success_url=http%3A%2F%2Fx%2Fbilling%3Fdone%3D1"));
	free(s);
	cr.item = billing_item_find(&bc, "credits", "small");
	s = billing_stripe_form(&bc, &cr);
	assert_non_null(strstr(s, "mode=payment"));
	assert_non_null(strstr(s, "metadata[credits]=5000000"));
	assert_non_null(strstr(s, "product_data][name]=Small"));
	assert_non_null(strstr(s, "customer_email=a%40example.org"));
	free(s);
	cr.customer_id = "cus_1";   /* a known customer replaces the email */
	s = billing_stripe_form(&bc, &cr);
	assert_non_null(strstr(s, "&customer=cus_1&"));
	assert_null(strstr(s, "customer_email"));
	free(s);
	cr.customer_id = NULL;
	cr.item = billing_item_find(&bc, "credits", "big");
	s = billing_polar_json(&cr);
	assert_non_null(strstr(s, "\"products\":[\"p_1\"]"));
	assert_non_null(strstr(s, "\"credits\":\"22500000\""));
	free(s);
	billing_cfg_free(&bc);
	config_free(&cfg);

	assert_int_equal(load_cfg(&cfg, "[credits.x]\nprice = 5\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), -1);
	assert_non_null(strstr(err, "[credits.x]"));
	free(err);
	config_free(&cfg);
	/* Polar sells only what has a product id; no key, nothing is sold. */
	assert_int_equal(load_cfg(&cfg, "[billing]\nprovider = polar\npolar_access_token = t\n"
				  "[credits.a]\nprice = 5\ncredits = 1\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), 0);
	assert_null(billing_item_find(&bc, "credits", "a"));
	billing_cfg_free(&bc);
	config_free(&cfg);
	assert_int_equal(load_cfg(&cfg, "[billing]\nprovider = polar\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), 0);
	assert_null(bc.provider);
	billing_cfg_free(&bc);
	config_free(&cfg);
	/* A plan with enabled = false is not sold; numbers read strictly. */
	assert_int_equal(load_cfg(&cfg, "[billing]\nstripe_secret_key = k\n[plan.pro]\n"
				  "price_per_month = 1500\nenabled = no\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), 0);
	assert_null(billing_item_find(&bc, "plan", "pro"));
	billing_cfg_free(&bc);
	config_free(&cfg);
	assert_int_equal(load_cfg(&cfg, "[plan.pro]\nprice_per_month = 15abc\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), -1);
	assert_non_null(strstr(err, ":2: [plan.pro] price_per_month = 15abc: expected a whole number"));
	free(err);
	config_free(&cfg);
	assert_int_equal(load_cfg(&cfg, "[billing]\nwebhook_tolerance = 5m\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), -1);
	assert_non_null(strstr(err, ":2: [billing] webhook_tolerance = 5m: expected a whole "
				    "number from 1 to 86400"));
	free(err);
	config_free(&cfg);
}

/* The address the buyer comes back to keeps the port, and takes nothing
 * but a host from the request. */
static void return_site(void **state)
{
	struct config cfg;
	struct billing_cfg bc;
	char *err = NULL, *s;
	(void)state;
	assert_int_equal(load_cfg(&cfg, "[billing]\nstripe_secret_key = sk\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), 0);
	/* nginx: $host has no port; the port the server accepted on goes on. */
	s = billing_site(&bc, 0, "127.0.0.1", "8080");
	assert_string_equal(s, "http://127.0.0.1:8080");
	free(s);
	s = billing_site(&bc, 0, "example.org", "80");
	assert_string_equal(s, "http://example.org");
	free(s);
	s = billing_site(&bc, 1, "example.org", "443");
	assert_string_equal(s, "https://example.org");
	free(s);
	s = billing_site(&bc, 1, "example.org", "8443");
	assert_string_equal(s, "https://example.org:8443");
	free(s);
	/* Apache, lighttpd: the Host header with its port, as they checked it. */
	s = billing_site(&bc, 0, "localhost:8080", "8080");
	assert_string_equal(s, "http://localhost:8080");
	free(s);
	s = billing_site(&bc, 0, "[::1]:8080", NULL);
	assert_string_equal(s, "http://[::1]:8080");
	free(s);
	s = billing_site(&bc, 0, "[::1]", "81");
	assert_string_equal(s, "http://[::1]:81");
	free(s);
	/* Anything that is not a host stays out of the URL. */
	assert_null(billing_site(&bc, 0, "evil.example/x?", "80"));
	assert_null(billing_site(&bc, 0, "a@evil.example", "80"));
	assert_null(billing_site(&bc, 0, "example.org:80x", "80"));
	assert_null(billing_site(&bc, 0, "example.org", "8o"));
	assert_null(billing_site(&bc, 0, "[::1", "80"));
	assert_null(billing_site(&bc, 0, "", "80"));
	billing_cfg_free(&bc);
	config_free(&cfg);

	/* [server] public_url wins over the request; [billing] site_url over both. */
	assert_int_equal(load_cfg(&cfg, "[server]\npublic_url = https://chat.example.org/\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), 0);
	s = billing_site(&bc, 0, "evil.example", "8080");
	assert_string_equal(s, "https://chat.example.org");
	free(s);
	billing_cfg_free(&bc);
	config_free(&cfg);
	assert_int_equal(load_cfg(&cfg, "[server]\npublic_url = https://a.example\n"
				  "[billing]\nsite_url = https://b.example:8443\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), 0);
	s = billing_site(&bc, 0, "x", NULL);
	assert_string_equal(s, "https://b.example:8443");
	free(s);
	billing_cfg_free(&bc);
	config_free(&cfg);
	assert_int_equal(load_cfg(&cfg, "[server]\npublic_url = chat.example.org\n"), 0);
	assert_int_equal(billing_cfg_load(&cfg, &bc, &err), -1);
	assert_non_null(strstr(err, "[server]"));
	free(err);
	config_free(&cfg);
}

/* ---- subscriptions in user.db ---- */

static void expiry_rules(void **state)
{
	(void)state;
	assert_int_equal(subscription_expiry("active", 5000, 0, 1000), 5000);
	assert_int_equal(subscription_expiry("past_due", 5000, 0, 1000), 5000);
	assert_int_equal(subscription_expiry("cancelled", 5000, 2000, 1000), 2000);
	assert_int_equal(subscription_expiry("active", 0, 0, 1000), 1000 + 31LL * 86400000);
	assert_int_equal(subscription_expiry("cancelled", 0, 0, 1000), 1000);
}

static void user_plan(struct db *db, const char *id, char plan[32], int64_t *exp)
{
	sqlite3_stmt *st = db_prep(db, "SELECT plan, coalesce(plan_expires_at, 0) FROM users "
				       "WHERE id = ?1");
	db_bind_text(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(plan, 32, "%s", db_col_text(st, 0));
	*exp = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
}

static void apply_lifecycle(void **state)
{
	char dir[] = "/tmp/confab-billing-db-XXXXXX", path[128], schema[512], *err = NULL;
	const char *share = getenv("CONFAB_SHARE_DIR");
	struct arena a;
	struct user u, u2;
	struct db *db;
	struct billing_event ev;
	struct subscription s;
	char plan[32];
	int64_t exp;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/user.db", dir);
	snprintf(schema, sizeof schema, "%s/schema/user", share && *share ? share : ".");
	db = db_open(path, &err);
	assert_non_null(db);
	assert_int_equal(db_migrate(db, schema, &err), 0);
	arena_init(&a, 0);
	assert_int_equal(user_create(db, &a, "b@example.org", "", "x", "UTC", &u), STORE_OK);

	memset(&ev, 0, sizeof ev);
	ev.provider = "stripe";
	ev.type = "checkout.session.completed";
	ev.id = "evt_1";
	ev.kind = BEV_SUBSCRIPTION;
	ev.from_checkout = 1;
	ev.user_id = u.id;
	ev.subscription_id = "sub_1";
	ev.customer_id = "cus_1";
	ev.plan = "pro";
	ev.status = "active";
	ev.cancel_at_period_end = -1;
	ev.created = 1000000;
	assert_int_equal(subscription_apply(db, &ev, 1000000), STORE_OK);
	assert_true(billing_event_seen(db, "stripe", "evt_1"));
	user_plan(db, u.id, plan, &exp);
	assert_string_equal(plan, "pro");
	assert_int_equal(exp, 1000000 + 31LL * 86400000);   /* provisional until the period is known */

	/* The subscription's own event: no user in it, found by its id. */
	ev.id = "evt_2";
	ev.type = "customer.subscription.updated";
	ev.from_checkout = 0;
	ev.user_id = NULL;
	ev.plan = NULL;
	ev.period_start = 1000000;
	ev.period_end = 9000000;
	ev.created = 2000000;
	assert_int_equal(subscription_apply(db, &ev, 2000000), STORE_OK);
	user_plan(db, u.id, plan, &exp);
	assert_string_equal(plan, "pro");
	assert_int_equal(exp, 9000000);

	/* An older event arriving late changes nothing. */
	ev.id = "evt_old";
	ev.status = "past_due";
	ev.created = 1500000;
	assert_int_equal(subscription_apply(db, &ev, 2100000), STORE_OK);
	assert_int_equal(subscription_get(db, &a, u.id, &s), STORE_OK);
	assert_string_equal(s.status, "active");

	/* Deleted at once: the plan ends when the subscription ended. */
	ev.id = "evt_3";
	ev.type = "customer.subscription.deleted";
	ev.status = "cancelled";
	ev.ended_at = 3000000;
	ev.created = 3000000;
	assert_int_equal(subscription_apply(db, &ev, 3000000), STORE_OK);
	assert_int_equal(subscription_get(db, &a, u.id, &s), STORE_OK);
	assert_string_equal(s.status, "cancelled");
	user_plan(db, u.id, plan, &exp);
	assert_int_equal(exp, 3000000);

	/* A new subscription that is not paid yet (Stripe's incomplete) or
	 * already over gives no plan and takes no row. */
	assert_int_equal(user_create(db, &a, "c@example.org", "", "x", "UTC", &u2), STORE_OK);
	ev.id = "evt_5";
	ev.type = "customer.subscription.created";
	ev.subscription_id = "sub_c";
	ev.user_id = u2.id;
	ev.plan = "pro";
	ev.status = "past_due";
	ev.ended_at = 0;
	assert_int_equal(subscription_apply(db, &ev, 3000000), STORE_OK);
	assert_int_equal(subscription_get(db, &a, u2.id, &s), STORE_NOT_FOUND);
	user_plan(db, u2.id, plan, &exp);
	assert_string_equal(plan, "free");
	assert_int_equal(exp, 0);
	assert_true(billing_event_seen(db, "stripe", "evt_5"));
	/* A late "cancelled" for the first user's old subscription, after a
	 * new one took the row, leaves the new one alone. */
	ev.id = "evt_6";
	ev.user_id = u.id;
	ev.subscription_id = "sub_2";
	ev.status = "active";
	ev.created = 4000000;
	assert_int_equal(subscription_apply(db, &ev, 4000000), STORE_OK);
	ev.id = "evt_7";
	ev.subscription_id = "sub_1";
	ev.status = "cancelled";
	ev.created = 5000000;
	assert_int_equal(subscription_apply(db, &ev, 5000000), STORE_OK);
	assert_int_equal(subscription_get(db, &a, u.id, &s), STORE_OK);
	assert_string_equal(s.subscription_id, "sub_2");
	assert_string_equal(s.status, "active");

	/* A subscription for nobody confab knows is refused, not recorded. */
	ev.id = "evt_4";
	ev.subscription_id = "sub_other";
	ev.customer_id = "cus_other";
	ev.user_id = "no-such-user";
	assert_int_equal(subscription_apply(db, &ev, 3000000), STORE_NOT_FOUND);
	assert_false(billing_event_seen(db, "stripe", "evt_4"));
	assert_int_equal(billing_event_record(db, "stripe", "evt_9", "x", 1), STORE_OK);
	assert_int_equal(billing_event_record(db, "stripe", "evt_9", "x", 1), STORE_EXISTS);

	arena_free(&a);
	db_close(db);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stripe_good),
		cmocka_unit_test(stripe_known_vector),
		cmocka_unit_test(stripe_bad),
		cmocka_unit_test(stripe_stale_and_future),
		cmocka_unit_test(stripe_multiple),
		cmocka_unit_test(stripe_malformed),
		cmocka_unit_test(stdwh_good),
		cmocka_unit_test(stdwh_spec_vector),
		cmocka_unit_test(stdwh_bad_stale_future),
		cmocka_unit_test(stdwh_multiple),
		cmocka_unit_test(stdwh_malformed),
		cmocka_unit_test(iso_times),
		cmocka_unit_test(stripe_events),
		cmocka_unit_test(polar_events),
		cmocka_unit_test(config_and_bodies),
		cmocka_unit_test(return_site),
		cmocka_unit_test(expiry_rules),
		cmocka_unit_test(apply_lifecycle),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
