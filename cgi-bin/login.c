/* login — sign up, sign in, sign out. */
#include "app.h"
#include "store_credits.h"
#include "log.h"
#include "page.h"
#include "session.h"
#include "store_user.h"
#include "tz.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct field signup_fields[] = {
	{ "email", V_EMAIL, 1, 3, 254, NULL, "Email" },
	{ "password", V_STRING, 1, 8, 1024, NULL, "Password" },
	{ "name", V_STRING, 0, 0, 100, NULL, "Name" },
	{ "timezone", V_STRING, 0, 0, 64, NULL, "Time zone" },
	{ "next", V_STRING, 0, 0, 500, NULL, "Next page" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

/* Where to go after signing in (next_page), on the forms' first showing. */
static const struct field next_fields[] = {
	{ "next", V_STRING, 0, 0, 500, NULL, "Next page" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

static const struct field login_fields[] = {
	{ "email", V_STRING, 1, 1, 254, NULL, "Email" },
	{ "password", V_STRING, 1, 1, 1024, NULL, "Password" },
	{ "next", V_STRING, 0, 0, 500, NULL, "Next page" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

/* Where to go after signing in: a local path only, never another site. */
static const char *next_page(struct req *r)
{
	const char *next = strcmp(r->method, "POST") == 0 ? http_form(r, "next")
							  : http_query(r, "next");
	return next && http_local_path(next) ? next : "/chats";
}

/* Emails are stored lowercased (trimmed): one account per address. */
static char *normalize_email(struct req *r, const char *email)
{
	char *e = arena_strdup(r->a, email);
	for (char *p = e; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return e;
}

static int show_form(struct req *r, int status, const char *page, const char *error)
{
	int signup = strcmp(page, "signup") == 0;
	struct tval *ctx = page_ctx(r, signup ? "Create an account" : "Sign in", NULL);
	const char *email = http_form(r, "email");
	/* Only the sign-up form has them (and only its route declares them). */
	const char *name = signup ? http_form(r, "name") : NULL;
	const char *tz = signup ? http_form(r, "timezone") : NULL;
	if (error)
		tv_set_str(r->a, ctx, "error", error);
	tv_set_str(r->a, ctx, "email", email ? email : "");
	tv_set_str(r->a, ctx, "name", name ? name : "");
	tv_set_str(r->a, ctx, "timezone", tz && *tz ? tz : g.cfg.default_timezone);
	tv_set_str(r->a, ctx, "next", next_page(r));
	tv_set_bool(r->a, ctx, "allow_signup", g.cfg.allow_signup);
	return page_render(r, status, page, ctx);
}

static int signup_get(struct req *r)
{
	if (r->user)
		return http_redirect(r, "/chats");
	if (!g.cfg.allow_signup)
		return page_error(r, 403, "Sign-up is closed on this server. Ask its administrator for an account.");
	return show_form(r, 200, "signup", NULL);
}

/* [auth] signup_credits (USD): a welcome grant on the credit ledger. */
static void grant_signup_credits(const char *user_id)
{
	int64_t amount = models_parse_usd(config_str(&g.cfg, "auth", "signup_credits"));
	if (amount > 0 && credits_add(g.data_db, user_id, "grant", amount, NULL,
				      "welcome credits", now_ms()) != STORE_OK)
		log_warn("could not grant the welcome credits of %s", user_id);
}

static int signup_post(struct req *r)
{
	char hash[128];
	struct user *u = arena_zalloc(r->a, sizeof *u);
	const char *tz = http_form(r, "timezone");
	const char *name = http_form(r, "name");
	const char *email;

	if (!g.cfg.allow_signup)
		return page_error(r, 403, "Sign-up is closed on this server. Ask its administrator for an account.");
	if (r->invalid)
		return show_form(r, 400, "signup", r->invalid);
	if (!tz || !*tz)
		tz = g.cfg.default_timezone;
	if (!tz_valid(tz))
		return show_form(r, 400, "signup",
				 "Time zone is not one we know: use a name like Europe/Paris or UTC.");
	email = normalize_email(r, http_form(r, "email"));
	if (password_hash(http_form(r, "password"), hash)) {
		log_error("password hashing failed (out of memory?)");
		return page_error(r, 503, "The server is too busy to create an account. Try again in a minute.");
	}
	switch (user_create(g.user_db, r->a, email, name ? name : "", hash, tz, u)) {
	case STORE_OK:
		break;
	case STORE_EXISTS:
		return show_form(r, 400, "signup",
				 "An account with this email already exists. Sign in instead.");
	default:
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	}
	log_info("new account %s%s", u->id, u->is_admin ? " (administrator)" : "");
	grant_signup_credits(u->id);
	if (session_start(r, u))
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	flash_set(r, u->is_admin ? "Welcome to confab. As the first account, you are its administrator."
				 : "Welcome to confab.");
	return http_redirect(r, "/chats");
}

static int login_get(struct req *r)
{
	if (r->user)
		return http_redirect(r, next_page(r));
	return show_form(r, 200, "login", NULL);
}

/* Too many recent failures for this account or this address? Sets
 * Retry-After and returns 1. */
static int throttled(struct req *r, const char *email)
{
	int64_t now = now_ms(), since = now - g.cfg.login_window_ms, oldest = 0, o2 = 0;
	int by_email = login_failure_count(g.user_db, "email", email, since, &oldest);
	int by_ip = login_failure_count(g.user_db, "ip", r->remote_addr, since, &o2);
	int64_t wait_ms;
	int email_over = by_email >= g.cfg.login_max_failures;
	int ip_over = by_ip >= g.cfg.login_max_failures_ip;
	if (!email_over && !ip_over)
		return 0;
	/* Wait until the later of the two windows frees a slot. */
	if (ip_over && (!email_over || o2 > oldest))
		oldest = o2;
	wait_ms = oldest + g.cfg.login_window_ms - now;
	http_header(r, "Retry-After", arena_printf(r->a, "%lld",
						   (long long)(wait_ms > 0 ? (wait_ms + 999) / 1000 : 1)));
	return 1;
}

static int login_post(struct req *r)
{
	struct user *u = arena_zalloc(r->a, sizeof *u);
	const char *hash = NULL, *email;
	int found;

	if (r->invalid)
		return show_form(r, 400, "login", r->invalid);
	email = normalize_email(r, http_form(r, "email"));
	if (throttled(r, email))
		return show_form(r, 429, "login",
				 "Too many failed attempts. Wait a few minutes, then try again.");
	found = user_find_by_email(g.user_db, r->a, email, u, &hash) == STORE_OK;
	/* Verify even when the account does not exist, so the answer takes the
	 * same time and says the same thing either way. */
	if (!password_verify(http_form(r, "password"), found ? hash : NULL) || !found ||
	    !u->is_active) {
		int64_t now = now_ms();
		login_failure_add(g.user_db, "email", email, now, g.cfg.login_window_ms);
		login_failure_add(g.user_db, "ip", r->remote_addr, now, g.cfg.login_window_ms);
		log_info("failed sign-in from %s", r->remote_addr);
		return show_form(r, 400, "login", "Wrong email or password.");
	}
	login_failure_clear(g.user_db, "email", email);
	if (session_start(r, u))
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	return http_redirect(r, next_page(r));
}

static int logout_post(struct req *r)
{
	session_end(r);
	flash_set(r, "You are signed out.");
	return http_redirect(r, "/login");
}

static const struct route routes[] = {
	{ "GET", "/signup", signup_get, 0, next_fields },
	{ "POST", "/signup", signup_post, ROUTE_FORM_ERRORS, signup_fields },
	{ "GET", "/login", login_get, 0, next_fields },
	{ "POST", "/login", login_post, ROUTE_FORM_ERRORS, login_fields },
	{ "POST", "/logout", logout_post, 0, NULL },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "login", routes, COUNTOF(routes));
}
