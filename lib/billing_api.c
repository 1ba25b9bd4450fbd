/* billing_api.c — see billing_api.h. */
#include "billing_api.h"
#include "buf.h"
#include "util.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#define MAX_RESPONSE (256 * 1024)

/* libcurl is loaded by the first checkout, not linked: it brings OpenSSL,
 * GnuTLS, Kerberos, LDAP and more, about 5 MB mapped into every process
 * that links it, and only the billing responder that creates a checkout
 * needs it (docs/PERFORMANCE.md, "Memory"). Its SONAME has been
 * libcurl.so.4 since 2006; CPPFLAGS=-DCONFAB_LIBCURL='"..."' names another. */
#ifndef CONFAB_LIBCURL
#define CONFAB_LIBCURL "libcurl.so.4"
#endif

static struct {
	int state;   /* 0 not tried, 1 loaded, -1 failed (with why) */
	char why[256];
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	void (*easy_cleanup)(CURL *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
} cu;

/* Each symbol into its pointer; 0, or -1 with cu.why. */
static int curl_sym(void *lib, void *fp, size_t size, const char *name)
{
	void *p = dlsym(lib, name);
	if (!p) {
		snprintf(cu.why, sizeof cu.why, "%s has no %s", CONFAB_LIBCURL, name);
		return -1;
	}
	memcpy(fp, &p, size);   /* POSIX: a data pointer from dlsym is the function's */
	return 0;
}
#define CURL_SYM(lib, field, name) curl_sym(lib, &cu.field, sizeof cu.field, name)

/* Load libcurl once per process: 0, or -1 with a sentence for the log. */
static int curl_load(char **err)
{
	void *lib;
	if (cu.state == 0) {
		cu.state = -1;
		if (!(lib = dlopen(CONFAB_LIBCURL, RTLD_NOW | RTLD_LOCAL))) {
			const char *e = dlerror();
			snprintf(cu.why, sizeof cu.why, "%s (install libcurl: Debian's package libcurl4)",
				 e ? e : CONFAB_LIBCURL " could not be loaded");
		} else if (!CURL_SYM(lib, easy_init, "curl_easy_init") &&
			   !CURL_SYM(lib, easy_setopt, "curl_easy_setopt") &&
			   !CURL_SYM(lib, easy_perform, "curl_easy_perform") &&
			   !CURL_SYM(lib, easy_getinfo, "curl_easy_getinfo") &&
			   !CURL_SYM(lib, easy_strerror, "curl_easy_strerror") &&
			   !CURL_SYM(lib, easy_cleanup, "curl_easy_cleanup") &&
			   !CURL_SYM(lib, slist_append, "curl_slist_append") &&
			   !CURL_SYM(lib, slist_free_all, "curl_slist_free_all")) {
			cu.state = 1;
		}
	}
	if (cu.state > 0)
		return 0;
	if (asprintf(err, "cannot create a checkout: %s", cu.why) < 0)
		*err = NULL;
	return -1;
}

/* name=value&, value percent-encoded as RFC 3986 says (every byte but
 * letters, digits and -._~), as curl_easy_escape does. */
static void form_add(struct buf *b, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	if (b->len)
		buf_putc(b, '&');
	buf_puts(b, name);   /* names here are literals: brackets are accepted as is */
	buf_putc(b, '=');
	for (const unsigned char *p = (const unsigned char *)value; p && *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			buf_append(b, e, 3);
		}
	}
}

char *billing_stripe_form(const struct billing_cfg *bc, const struct checkout_req *cr)
{
	const struct billing_item *it = cr->item;
	int plan = !strcmp(it->kind, "plan");
	struct buf b = BUF_INIT;
	char num[32];
	char *out;

	form_add(&b, "mode", plan ? "subscription" : "payment");
	form_add(&b, "success_url", cr->success_url);
	form_add(&b, "cancel_url", cr->cancel_url);
	form_add(&b, "client_reference_id", cr->user_id);
	/* One Stripe customer per user: reuse it once a subscription made one. */
	if (cr->customer_id && *cr->customer_id)
		form_add(&b, "customer", cr->customer_id);
	else if (cr->email && *cr->email)
		form_add(&b, "customer_email", cr->email);
	form_add(&b, "line_items[0][quantity]", "1");
	if (it->stripe_price) {
		form_add(&b, "line_items[0][price]", it->stripe_price);
	} else {
		snprintf(num, sizeof num, "%lld", (long long)it->price_cents);
		form_add(&b, "line_items[0][price_data][currency]", bc->currency);
		form_add(&b, "line_items[0][price_data][unit_amount]", num);
		form_add(&b, "line_items[0][price_data][product_data][name]", it->label);
		if (plan)
			form_add(&b, "line_items[0][price_data][recurring][interval]", "month");
	}
	form_add(&b, "metadata[user_id]", cr->user_id);
	form_add(&b, "metadata[kind]", it->kind);
	if (plan) {
		form_add(&b, "metadata[plan]", it->name);
		/* The subscription's own events carry these too. */
		form_add(&b, "subscription_data[metadata][user_id]", cr->user_id);
		form_add(&b, "subscription_data[metadata][plan]", it->name);
	} else {
		snprintf(num, sizeof num, "%lld", (long long)it->credits);
		form_add(&b, "metadata[package]", it->name);
		form_add(&b, "metadata[credits]", num);
	}
	out = xstrdup(buf_str(&b));
	buf_free(&b);
	return out;
}

char *billing_polar_json(const struct checkout_req *cr)
{
	const struct billing_item *it = cr->item;
	char num[32];
	json_t *md = json_pack("{s:s, s:s}", "user_id", cr->user_id, "kind", it->kind), *o;
	char *s, *out;

	if (!strcmp(it->kind, "plan")) {
		json_object_set_new(md, "plan", json_string(it->name));
	} else {
		snprintf(num, sizeof num, "%lld", (long long)it->credits);
		json_object_set_new(md, "package", json_string(it->name));
		json_object_set_new(md, "credits", json_string(num));
	}
	o = json_pack("{s:[s], s:s, s:s, s:o}", "products", it->polar_product ? it->polar_product : "",
		      "success_url", cr->success_url, "external_customer_id", cr->user_id,
		      "metadata", md);
	if (cr->email && *cr->email)
		json_object_set_new(o, "customer_email", json_string(cr->email));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	out = xstrdup(s ? s : "{}");
	free(s);
	return out;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	if (b->len + size * n > MAX_RESPONSE)
		return 0;   /* ends the transfer: no checkout answer is this large */
	buf_append(b, p, size * n);
	return size * n;
}

static int fail(char **err, const char *fmt, const char *a, long b)
{
	if (asprintf(err, fmt, a, b) < 0)
		*err = NULL;
	return -1;
}

/* 1 for an absolute http(s) URL with nothing that could split a header. */
static int url_ok(const char *u)
{
	return (!strncmp(u, "https://", 8) || !strncmp(u, "http://", 7)) &&
	       strlen(u) < 2048 && !strpbrk(u, " \t\r\n\"<>");
}

int billing_checkout_create(const struct billing_cfg *bc, const struct checkout_req *cr,
			    char **url, char **err)
{
	int stripe = bc->provider && !strcmp(bc->provider, "stripe");
	const char *base = stripe ? bc->stripe_api_base : bc->polar_api_base;
	const char *key = stripe ? bc->stripe_secret_key : bc->polar_access_token;
	char *body = stripe ? billing_stripe_form(bc, cr) : billing_polar_json(cr);
	char *endpoint = NULL, *auth = NULL;
	struct curl_slist *hdr = NULL;
	struct buf resp = BUF_INIT;
	CURL *c = NULL;
	CURLcode cc;
	long status = 0;
	json_t *root = NULL, *u;
	int rc = -1;

	*url = NULL;
	*err = NULL;
	if (!bc->provider) {
		fail(err, "billing is not set up%s", "", 0);
		goto done;
	}
	if (curl_load(err))
		goto done;
	if (!(c = cu.easy_init())) {
		fail(err, "cannot create a checkout: curl_easy_init failed%s", "", 0);
		goto done;
	}
	if (asprintf(&endpoint, "%s%s", base, stripe ? "/v1/checkout/sessions" : "/v1/checkouts/") < 0 ||
	    asprintf(&auth, "Authorization: Bearer %s", key) < 0)
		goto done;
	hdr = cu.slist_append(hdr, auth);
	hdr = cu.slist_append(hdr, stripe ? "Content-Type: application/x-www-form-urlencoded"
					    : "Content-Type: application/json");
	hdr = cu.slist_append(hdr, "Accept: application/json");
	hdr = cu.slist_append(hdr, "Expect:");   /* no 100-continue round trip */
	cu.easy_setopt(c, CURLOPT_URL, endpoint);
	cu.easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	cu.easy_setopt(c, CURLOPT_POSTFIELDS, body);
	cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	cu.easy_setopt(c, CURLOPT_WRITEDATA, &resp);
	cu.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	cu.easy_setopt(c, CURLOPT_TIMEOUT, 15L);
	cu.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(c, CURLOPT_USERAGENT, "confab");
#if LIBCURL_VERSION_NUM >= 0x075500
	cu.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	cc = cu.easy_perform(c);
	if (cc != CURLE_OK) {
		fail(err, "%s", cu.easy_strerror(cc), 0);
		goto done;
	}
	cu.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	root = json_loadb(buf_str(&resp), resp.len, 0, NULL);
	if (status < 200 || status > 299) {
		json_t *m = json_object_get(json_object_get(root, "error"), "message");
		if (!m)
			m = json_object_get(root, "detail");
		fail(err, "checkout refused (%s, HTTP %ld)",
		     json_is_string(m) ? json_string_value(m) : "no message", status);
		goto done;
	}
	u = json_object_get(root, "url");
	if (!json_is_string(u) || !url_ok(json_string_value(u))) {
		fail(err, "the checkout answer has no usable url%s", "", 0);
		goto done;
	}
	*url = xstrdup(json_string_value(u));
	rc = 0;
done:
	json_decref(root);
	if (hdr)
		cu.slist_free_all(hdr);
	if (c)
		cu.easy_cleanup(c);
	if (auth)
		sodium_memzero(auth, strlen(auth));   /* holds the secret key */
	free(auth);
	free(endpoint);
	free(body);
	buf_free(&resp);
	return rc;
}
