/* test_app.c — app_dispatch, the one door of every executable: a path no
 * route has is a 404 and a known path with the wrong method a 405 naming
 * the methods it takes; HEAD is served by the GET route; ":name" segments
 * reach the handler; ROUTE_LOGIN sends a signed-out visitor to sign in
 * (back to the page for a GET); a POST needs the form token of this
 * visitor and an Origin of this site unless the route takes ROUTE_NO_CSRF;
 * a handler never runs when any of these refuses. (test_fields.c has the
 * declared fields and ROUTE_FORM_ERRORS.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_fixture.h"
#include "session.h"
#include "store_user.h"

static struct {
	int calls;
	const char *route, *param, *user;
} seen;

static int on_a_get(struct req *r) { (void)r; seen.calls++; seen.route = "GET /a"; return 200; }
static int on_a_post(struct req *r) { (void)r; seen.calls++; seen.route = "POST /a"; return 200; }
static int on_item(struct req *r)
{
	seen.calls++;
	seen.route = "GET /item/:id";
	seen.param = r->nparams ? r->params[0] : NULL;
	return 200;
}
static int on_private(struct req *r)
{
	seen.calls++;
	seen.route = "private";
	seen.user = r->user ? r->user->email : NULL;
	return 200;
}
static int on_hook(struct req *r) { (void)r; seen.calls++; seen.route = "POST /hook"; return 204; }

static const struct route routes[] = {
	{ "GET", "/a", on_a_get, 0, NULL },
	{ "POST", "/a", on_a_post, 0, NULL },
	{ "GET", "/item/:id", on_item, 0, NULL },
	{ "GET", "/private", on_private, ROUTE_LOGIN, NULL },
	{ "POST", "/private", on_private, ROUTE_LOGIN, NULL },
	{ "POST", "/hook", on_hook, ROUTE_NO_CSRF, NULL },
};

static struct app_fixture *fix;

static int setup(void **state)
{
	fix = app_fixture_new("app", routes, sizeof routes / sizeof routes[0]);
	*state = fix;
	return fix ? 0 : -1;
}

static int teardown(void **state)
{
	app_fixture_free(*state);
	return 0;
}

/* A request through the dispatcher: method, path, then NULL-ended extra
 * CGI variables ("HTTP_COOKIE=..."); body is a urlencoded form or NULL.
 * The status. */
static int request(const char *method, const char *path, const char *body, ...)
{
	struct app_fixture *f = fix;
	char m[32], uri[256], *vars[16];
	size_t n = 0;
	va_list ap;

	snprintf(m, sizeof m, "REQUEST_METHOD=%s", method);
	snprintf(uri, sizeof uri, "REQUEST_URI=%s", path);
	vars[n++] = m;
	vars[n++] = uri;
	vars[n++] = (char *)"HTTP_HOST=chat.test";
	if (body)
		vars[n++] = (char *)"CONTENT_TYPE=application/x-www-form-urlencoded";
	va_start(ap, body);
	for (const char *v; n < 15 && (v = va_arg(ap, const char *)) != NULL;)
		vars[n++] = (char *)v;
	va_end(ap);
	vars[n] = NULL;
	memset(&seen, 0, sizeof seen);
	assert_int_equal(app_fixture_read(f, vars, body), 0);
	app_dispatch(&f->r);
	return f->r.status;
}

/* The value of response header name (in a static buffer), or NULL. */
static const char *header(const char *name)
{
	static char v[512];
	const char *h = buf_str(&fix->hdr), *p;
	size_t n = strlen(name);
	for (p = h; (p = strstr(p, name)) != NULL; p += n)
		if ((p == h || p[-1] == '\n') && p[n] == ':') {
			const char *e = strstr(p, "\r\n");
			snprintf(v, sizeof v, "%.*s", (int)(e - p - n - 2), p + n + 2);
			return v;
		}
	return NULL;
}

static void unknown_path_is_404(void **state)
{
	(void)state;
	assert_int_equal(request("GET", "/nowhere", NULL, NULL), 404);
	assert_int_equal(seen.calls, 0);
	assert_non_null(strstr(buf_str(&fix->body), "There is no page at this address."));
	assert_int_equal(request("GET", "/item/x/more", NULL, NULL), 404);
	assert_int_equal(request("GET", "/item/", NULL, NULL), 404);
	assert_int_equal(seen.calls, 0);
}

static void wrong_method_is_405_with_allow(void **state)
{
	(void)state;
	assert_int_equal(request("DELETE", "/a", NULL, NULL), 405);
	assert_int_equal(seen.calls, 0);
	assert_string_equal(header("Allow"), "GET, HEAD, POST");
	assert_int_equal(request("POST", "/item/7", "x=1", NULL), 405);
	assert_string_equal(header("Allow"), "GET, HEAD");
	assert_int_equal(seen.calls, 0);
}

static void get_head_and_params(void **state)
{
	(void)state;
	assert_int_equal(request("GET", "/a", NULL, NULL), 200);
	assert_string_equal(seen.route, "GET /a");
	assert_int_equal(request("HEAD", "/a", NULL, NULL), 200);
	assert_string_equal(seen.route, "GET /a");
	assert_int_equal(request("GET", "/item/abc-123?x=1", NULL, NULL), 200);
	assert_string_equal(seen.route, "GET /item/:id");
	assert_string_equal(seen.param, "abc-123");
}

static void login_required(void **state)
{
	(void)state;
	assert_int_equal(request("GET", "/private", NULL, NULL), 303);
	assert_int_equal(seen.calls, 0);
	assert_string_equal(header("Location"), "http://chat.test/login?next=%2Fprivate");
	/* A POST has no page to come back to: the chat list instead. */
	assert_int_equal(request("POST", "/private", "x=1", NULL), 303);
	assert_int_equal(seen.calls, 0);
	assert_string_equal(header("Location"), "http://chat.test/login?next=%2Fchats");
}

/* The visitor cookie and form token a signed-out GET hands out. */
static void visitor_token(char cookie[128], char csrf[128])
{
	const char *set;
	assert_int_equal(request("GET", "/a", NULL, NULL), 200);
	set = header("Set-Cookie");
	assert_non_null(set);
	snprintf(cookie, 128, "HTTP_COOKIE=%.*s", (int)strcspn(set, ";"), set);
	assert_non_null(fix->r.csrf);
	snprintf(csrf, 128, "%s", fix->r.csrf);
}

static void post_needs_the_form_token(void **state)
{
	char cookie[128], csrf[128], body[200];
	(void)state;
	visitor_token(cookie, csrf);
	assert_int_equal(request("POST", "/a", "x=1", cookie, NULL), 403);
	assert_int_equal(seen.calls, 0);
	assert_int_equal(request("POST", "/a", "csrf=0123456789abcdef", cookie, NULL), 403);
	assert_int_equal(seen.calls, 0);
	snprintf(body, sizeof body, "csrf=%s", csrf);
	/* The right token without its visitor cookie is another visitor's. */
	assert_int_equal(request("POST", "/a", body, NULL), 403);
	assert_int_equal(seen.calls, 0);
	assert_int_equal(request("POST", "/a", body, cookie, NULL), 200);
	assert_string_equal(seen.route, "POST /a");
	/* From another site, even with the token: refused. */
	assert_int_equal(request("POST", "/a", body, cookie, "HTTP_ORIGIN=https://evil.test", NULL), 403);
	assert_int_equal(seen.calls, 0);
	assert_int_equal(request("POST", "/a", body, cookie, "HTTP_ORIGIN=null", NULL), 403);
	assert_int_equal(request("POST", "/a", body, cookie, "HTTP_ORIGIN=http://chat.test", NULL), 200);
	assert_int_equal(seen.calls, 1);
}

static void no_csrf_route_takes_a_bare_post(void **state)
{
	(void)state;
	assert_int_equal(request("POST", "/hook", "event=1", NULL), 204);
	assert_string_equal(seen.route, "POST /hook");
}

static void signed_in_reaches_login_routes(void **state)
{
	struct user u;
	char cookie[160], csrf[128], body[200];
	const char *set;
	(void)state;
	assert_int_equal(user_create(g.user_db, &fix->a, "a@x.test", "A", "h", "UTC", &u), STORE_OK);
	request("GET", "/a", NULL, NULL);
	assert_int_equal(session_start(&fix->r, &u), 0);
	set = strstr(buf_str(&fix->hdr), SESSION_COOKIE "=");
	assert_non_null(set);
	snprintf(cookie, sizeof cookie, "HTTP_COOKIE=%.*s", (int)strcspn(set, ";"), set);
	assert_int_equal(request("GET", "/private", NULL, cookie, NULL), 200);
	assert_string_equal(seen.user, "a@x.test");
	snprintf(csrf, sizeof csrf, "%s", fix->r.csrf);
	snprintf(body, sizeof body, "csrf=%s", csrf);
	assert_int_equal(request("POST", "/private", body, cookie, NULL), 200);
	assert_int_equal(seen.calls, 1);
	/* The session's token is not the visitor's: a signed-out one is refused. */
	assert_int_equal(request("POST", "/private", "csrf=x", cookie, NULL), 403);
	assert_int_equal(seen.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unknown_path_is_404, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_method_is_405_with_allow, setup, teardown),
		cmocka_unit_test_setup_teardown(get_head_and_params, setup, teardown),
		cmocka_unit_test_setup_teardown(login_required, setup, teardown),
		cmocka_unit_test_setup_teardown(post_needs_the_form_token, setup, teardown),
		cmocka_unit_test_setup_teardown(no_csrf_route_takes_a_bare_post, setup, teardown),
		cmocka_unit_test_setup_teardown(signed_in_reaches_login_routes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
