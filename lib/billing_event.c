/* billing_event.c — see billing_event.h. Field names follow Stripe's API
 * (both the older top-level current_period_* and the 2025 per-item ones)
 * and Polar's webhook payloads. */
#include "billing_event.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

const char *billing_status_normalize(const char *s)
{
	static const char *const active[] = { "active", "trialing" };
	static const char *const past_due[] = { "past_due", "unpaid", "incomplete", "paused" };
	static const char *const cancelled[] = { "canceled", "cancelled", "incomplete_expired",
						 "revoked" };
	if (!s)
		return NULL;
	for (size_t i = 0; i < COUNTOF(active); i++)
		if (!strcmp(s, active[i]))
			return "active";
	for (size_t i = 0; i < COUNTOF(past_due); i++)
		if (!strcmp(s, past_due[i]))
			return "past_due";
	for (size_t i = 0; i < COUNTOF(cancelled); i++)
		if (!strcmp(s, cancelled[i]))
			return "cancelled";
	return NULL;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

/* Step over the character c; -1 (without moving past a NUL) otherwise. */
static int lit(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

int64_t billing_parse_iso8601(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, ms = 0, off = 0;
	time_t t;

	if (!s)
		return -1;
	memset(&tm, 0, sizeof tm);
	if (digits(&s, 4, &y) || lit(&s, '-') || digits(&s, 2, &mo) || lit(&s, '-') ||
	    digits(&s, 2, &d) || (lit(&s, 'T') && lit(&s, ' ')) || digits(&s, 2, &h) ||
	    lit(&s, ':') || digits(&s, 2, &mi) || lit(&s, ':') || digits(&s, 2, &sec))
		return -1;
	if (*s == '.') {
		int n = 0;
		for (s++; isdigit((unsigned char)*s); s++, n++)
			if (n < 3)
				ms = ms * 10 + (*s - '0');
		if (n == 0)
			return -1;
		for (; n < 3; n++)
			ms *= 10;
	}
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1, oh, om;
		if (digits(&s, 2, &oh))
			return -1;
		if (*s == ':')
			s++;
		if (digits(&s, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 60 + om) * 60;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	return ((int64_t)t - off) * 1000 + ms;
}

/* A string member copied into the arena, or NULL. Numbers are written as
 * decimal strings (Polar's metadata may hold either). */
static const char *str(struct arena *a, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < 512)
		return arena_strndup(a, json_string_value(v), json_string_length(v));
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	return NULL;
}

/* Seconds (Stripe) as ms; 0 when absent. */
static int64_t secs(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) && json_integer_value(v) > 0 &&
	       json_integer_value(v) < INT64_MAX / 1000 ? json_integer_value(v) * 1000 : 0;
}

/* An ISO time (Polar) as ms; 0 when absent or malformed. */
static int64_t iso(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	int64_t t = json_is_string(v) ? billing_parse_iso8601(json_string_value(v)) : -1;
	return t > 0 ? t : 0;
}

static int flag(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_boolean(v) ? json_is_true(v) : -1;
}

static void ignore(struct billing_event *ev, const char *why)
{
	ev->kind = BEV_IGNORE;
	ev->why = why;
}

/* The metadata confab's checkout put on the session or subscription. */
static void read_metadata(struct arena *a, json_t *md, struct billing_event *ev)
{
	const char *credits;
	if (!json_is_object(md))
		return;
	if (!ev->user_id)
		ev->user_id = str(a, md, "user_id");
	if (!ev->plan)
		ev->plan = str(a, md, "plan");
	ev->package = str(a, md, "package");
	credits = str(a, md, "credits");
	if (credits && parse_int64(credits, &ev->credits))
		ev->credits = 0;
}

/* A credit purchase when the metadata says so and names a positive amount. */
static void credits_or_ignore(struct billing_event *ev, json_t *md, const char *checkout_id)
{
	const char *kind = json_string_value(json_object_get(md, "kind"));
	if (!kind || strcmp(kind, "credits")) {
		ignore(ev, "not a credit package");
		return;
	}
	if (!ev->user_id || ev->credits <= 0 || !checkout_id) {
		ignore(ev, "credit purchase without user, amount or checkout");
		return;
	}
	ev->kind = BEV_CREDITS;
	ev->checkout_id = checkout_id;
}

static void stripe_checkout(struct arena *a, json_t *o, struct billing_event *ev)
{
	const char *mode = json_string_value(json_object_get(o, "mode"));
	const char *paid = json_string_value(json_object_get(o, "payment_status"));
	json_t *md = json_object_get(o, "metadata");

	ev->user_id = str(a, o, "client_reference_id");
	ev->customer_id = str(a, o, "customer");
	read_metadata(a, md, ev);
	if (!paid || (strcmp(paid, "paid") && strcmp(paid, "no_payment_required"))) {
		ignore(ev, "checkout not paid yet");
		return;
	}
	if (mode && !strcmp(mode, "subscription")) {
		ev->subscription_id = str(a, o, "subscription");
		if (!ev->subscription_id || !ev->user_id || !ev->plan) {
			ignore(ev, "subscription checkout without subscription, user or plan");
			return;
		}
		ev->kind = BEV_SUBSCRIPTION;
		ev->from_checkout = 1;
		ev->status = "active";
		return;
	}
	credits_or_ignore(ev, md, str(a, o, "id"));
}

static void stripe_subscription(struct arena *a, json_t *o, struct billing_event *ev)
{
	json_t *item = json_array_get(json_object_get(json_object_get(o, "items"), "data"), 0);

	ev->subscription_id = str(a, o, "id");
	ev->customer_id = str(a, o, "customer");
	read_metadata(a, json_object_get(o, "metadata"), ev);
	ev->status = billing_status_normalize(json_string_value(json_object_get(o, "status")));
	if (!strcmp(ev->type, "customer.subscription.deleted"))
		ev->status = "cancelled";
	ev->period_start = secs(o, "current_period_start");
	ev->period_end = secs(o, "current_period_end");
	/* Since API version 2025-03-31 the period lives on each item. */
	if (!ev->period_end && json_is_object(item)) {
		ev->period_start = secs(item, "current_period_start");
		ev->period_end = secs(item, "current_period_end");
	}
	ev->ended_at = secs(o, "ended_at");
	ev->cancel_at_period_end = flag(o, "cancel_at_period_end");
	if (json_is_object(item))
		ev->price_id = str(a, json_object_get(item, "price"), "id");
	if (!ev->subscription_id || !ev->status) {
		ignore(ev, "subscription without id or with an unknown status");
		return;
	}
	ev->kind = BEV_SUBSCRIPTION;
}

/* Parse body as a JSON object; NULL with *err. */
static json_t *load(const char *body, size_t len, const char **err)
{
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(root)) {
		json_decref(root);
		*err = "the body is not a JSON object";
		return NULL;
	}
	return root;
}

static void clear(struct billing_event *ev, const char *provider)
{
	memset(ev, 0, sizeof *ev);
	ev->provider = provider;
	ev->cancel_at_period_end = -1;
}

int billing_event_stripe(struct arena *a, const char *body, size_t len,
			 struct billing_event *ev, const char **err)
{
	json_t *root = load(body, len, err), *o;

	clear(ev, "stripe");
	if (!root)
		return -1;
	ev->id = str(a, root, "id");
	ev->type = str(a, root, "type");
	ev->created = secs(root, "created");
	o = json_object_get(json_object_get(root, "data"), "object");
	if (!ev->id || !ev->type || !json_is_object(o)) {
		json_decref(root);
		*err = "not a Stripe event (id, type, data.object)";
		return -1;
	}
	if (!strcmp(ev->type, "checkout.session.completed") ||
	    !strcmp(ev->type, "checkout.session.async_payment_succeeded"))
		stripe_checkout(a, o, ev);
	else if (!strncmp(ev->type, "customer.subscription.", 22))
		stripe_subscription(a, o, ev);
	else
		ignore(ev, "event type not used");
	json_decref(root);
	return 0;
}

static void polar_subscription(struct arena *a, json_t *o, struct billing_event *ev)
{
	json_t *cust = json_object_get(o, "customer");

	ev->subscription_id = str(a, o, "id");
	ev->customer_id = str(a, o, "customer_id");
	read_metadata(a, json_object_get(o, "metadata"), ev);
	if (!ev->user_id && json_is_object(cust))
		ev->user_id = str(a, cust, "external_id");
	ev->status = billing_status_normalize(json_string_value(json_object_get(o, "status")));
	if (!strcmp(ev->type, "subscription.revoked"))
		ev->status = "cancelled";
	ev->period_start = iso(o, "current_period_start");
	ev->period_end = iso(o, "current_period_end");
	ev->ended_at = iso(o, "ended_at");
	ev->cancel_at_period_end = flag(o, "cancel_at_period_end");
	ev->product_id = str(a, o, "product_id");
	if (!ev->subscription_id || !ev->status) {
		ignore(ev, "subscription without id or with an unknown status");
		return;
	}
	ev->kind = BEV_SUBSCRIPTION;
}

/* order.paid, and checkout.updated once succeeded: both name the same
 * checkout, which is the ledger's ref, so whichever comes first grants. */
static void polar_paid(struct arena *a, json_t *o, struct billing_event *ev, int is_order)
{
	json_t *md = json_object_get(o, "metadata"), *cust = json_object_get(o, "customer");
	const char *status = json_string_value(json_object_get(o, "status"));
	const char *checkout = is_order ? str(a, o, "checkout_id") : str(a, o, "id");

	read_metadata(a, md, ev);
	if (!ev->user_id && json_is_object(cust))
		ev->user_id = str(a, cust, "external_id");
	if (!ev->user_id)
		ev->user_id = str(a, o, "external_customer_id");
	ev->customer_id = str(a, o, "customer_id");
	if (!is_order && (!status || strcmp(status, "succeeded"))) {
		ignore(ev, "checkout not succeeded yet");
		return;
	}
	if (is_order && !checkout)
		checkout = str(a, o, "id");
	credits_or_ignore(ev, md, checkout);
}

int billing_event_polar(struct arena *a, const char *body, size_t len, const char *webhook_id,
			struct billing_event *ev, const char **err)
{
	json_t *root = load(body, len, err), *o;

	clear(ev, "polar");
	if (!root)
		return -1;
	ev->id = webhook_id && *webhook_id ? arena_strdup(a, webhook_id) : NULL;
	ev->type = str(a, root, "type");
	ev->created = iso(root, "timestamp");
	o = json_object_get(root, "data");
	if (!ev->id || !ev->type || !json_is_object(o)) {
		json_decref(root);
		*err = "not a Polar event (type, data)";
		return -1;
	}
	if (!strncmp(ev->type, "subscription.", 13))
		polar_subscription(a, o, ev);
	else if (!strcmp(ev->type, "order.paid"))
		polar_paid(a, o, ev, 1);
	else if (!strcmp(ev->type, "checkout.updated"))
		polar_paid(a, o, ev, 0);
	else
		ignore(ev, "event type not used");
	json_decref(root);
	return 0;
}
