/* test_http.c — building a request from environ-like vectors, and the
 * response helpers: http_send, http_redirect, http_header, http_cookie_set. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "buf.h"
#include "http.h"

struct fixture {
	struct arena a;
	struct buf headers, body, out;
	struct req r;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	arena_init(&f->a, 0);
	f->r.a = &f->a;
	f->r.resp_headers = &f->headers;
	f->r.resp_body = &f->body;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	buf_free(&f->headers);
	buf_free(&f->body);
	buf_free(&f->out);
	arena_free(&f->a);
	free(f);
	return 0;
}

static struct fixture *fix(void **state)
{
	return *state;
}

/* http_read_vars with the string literals of a vector (the API takes
 * char *const *, as environ is). */
static int read_vars(struct fixture *f, const char *const *vars, const char *body,
		     size_t max_body)
{
	return http_read_vars(&f->r, (char *const *)vars, body, body ? strlen(body) : 0,
			      max_body);
}

/* The value of header `name` in a sent response (head part only), or NULL;
 * fails the test if it appears more than once. */
static const char *sent_header(struct fixture *f, const char *name)
{
	const char *s = buf_str(&f->out), *end = strstr(s, "\r\n\r\n"), *found = NULL;
	size_t n = strlen(name);
	assert_non_null(end);
	while (s < end) {
		const char *eol = strstr(s, "\r\n");
		if (strncmp(s, name, n) == 0 && s[n] == ':' && s[n + 1] == ' ') {
			assert_null(found);
			found = arena_strndup(&f->a, s + n + 2, (size_t)(eol - s - n - 2));
		}
		s = eol + 2;
	}
	return found;
}

/* What follows the blank line of a sent response. */
static const char *sent_body(struct fixture *f)
{
	const char *end = strstr(buf_str(&f->out), "\r\n\r\n");
	assert_non_null(end);
	return end + 4;
}

/* ---- http_read_vars ---- */

static void read_get_with_query(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = {
		"REQUEST_METHOD=GET",
		"REQUEST_URI=/chats?q=a%20b&page=2",
		"QUERY_STRING=q=a%20b&page=2",
		"REMOTE_ADDR=192.0.2.7",
		"HTTP_USER_AGENT=Test/1.0",
		"HTTP_HOST=example.org",
		"HTTP_ORIGIN=https://example.org",
		NULL,
	};
	assert_int_equal(read_vars(f, vars, NULL, 1024), 0);
	assert_string_equal(f->r.method, "GET");
	assert_int_equal(f->r.is_head, 0);
	assert_string_equal(f->r.path, "/chats");
	assert_string_equal(f->r.query, "q=a%20b&page=2");
	assert_string_equal(http_query(&f->r, "q"), "a b");
	assert_string_equal(http_query(&f->r, "page"), "2");
	assert_null(http_query(&f->r, "nope"));
	assert_string_equal(f->r.remote_addr, "192.0.2.7");
	assert_string_equal(f->r.user_agent, "Test/1.0");
	assert_string_equal(f->r.host, "example.org");
	assert_string_equal(f->r.origin, "https://example.org");
	assert_string_equal(f->r.content_type, "");
	assert_int_equal(f->r.content_length, -1);
	assert_int_equal(f->r.https, 0);
	assert_int_equal(f->r.status, 200);
	assert_int_equal(f->r.cookies.n, 0);
	/* A fresh 16-hex-digit request id. */
	assert_int_equal(strlen(f->r.reqid), 16);
	assert_int_equal(strspn(f->r.reqid, "0123456789abcdef"), 16);
}

static void read_without_query(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/chat/abc/poll", NULL };
	assert_int_equal(read_vars(f, vars, NULL, 1024), 0);
	assert_string_equal(f->r.path, "/chat/abc/poll");
	assert_string_equal(f->r.query, "");
	assert_int_equal(f->r.query_kv.n, 0);
	/* Absent variables are "", never NULL. */
	assert_string_equal(f->r.remote_addr, "");
	assert_string_equal(f->r.user_agent, "");
	assert_string_equal(f->r.origin, "");
	assert_string_equal(f->r.host, "");
}

static void read_uri_fallbacks(void **state)
{
	struct fixture *f = fix(state);
	const char *doc[] = { "REQUEST_METHOD=GET", "REQUEST_URI=", "DOCUMENT_URI=/login", NULL };
	const char *none[] = { NULL };
	const char *q_only[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/?x=1", "QUERY_STRING=x=1", NULL };

	assert_int_equal(read_vars(f, doc, NULL, 1024), 0);
	assert_string_equal(f->r.path, "/login");
	assert_int_equal(read_vars(f, none, NULL, 1024), 0);
	assert_string_equal(f->r.path, "/");
	assert_string_equal(f->r.method, "");
	assert_int_equal(read_vars(f, q_only, NULL, 1024), 0);
	assert_string_equal(f->r.path, "/");
	assert_string_equal(http_query(&f->r, "x"), "1");
}

static void read_name_is_exact(void **state)
{
	struct fixture *f = fix(state);
	/* REQUEST_METHODX is another variable, not REQUEST_METHOD. */
	const char *vars[] = { "REQUEST_METHODX=POST", "XREQUEST_METHOD=PUT",
			       "REQUEST_METHOD=DELETE", NULL };
	assert_int_equal(read_vars(f, vars, NULL, 1024), 0);
	assert_string_equal(f->r.method, "DELETE");
}

static void read_head_as_get(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=HEAD", "REQUEST_URI=/chats", NULL };
	assert_int_equal(read_vars(f, vars, NULL, 1024), 0);
	assert_string_equal(f->r.method, "GET");
	assert_int_equal(f->r.is_head, 1);
	assert_string_equal(f->r.path, "/chats");
}

static void read_content_length(void **state)
{
	struct fixture *f = fix(state);
	const char *ok[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=42", NULL };
	const char *empty[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=", NULL };
	const char *bad[] = { "abc", "12x", "-1", "1.5", "0x10", "99999999999999999999" };

	assert_int_equal(read_vars(f, ok, NULL, 1024), 0);
	assert_int_equal(f->r.content_length, 42);
	assert_int_equal(read_vars(f, empty, NULL, 1024), 0);
	assert_int_equal(f->r.content_length, -1);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char cl[64];
		const char *vars[] = { "REQUEST_METHOD=POST", cl, NULL };
		snprintf(cl, sizeof cl, "CONTENT_LENGTH=%s", bad[i]);
		assert_int_equal(read_vars(f, vars, NULL, 1024), 400);
	}
}

static void read_bad_query(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/?a=%00",
			       "QUERY_STRING=a=%00", NULL };
	assert_int_equal(read_vars(f, vars, NULL, 1024), 400);
}

static void read_post_urlencoded(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/chats/new",
			       "CONTENT_TYPE=application/x-www-form-urlencoded",
			       "CONTENT_LENGTH=34", NULL };
	const char *body = "title=Hello+world&amp=%26&e=%C3%A9";
	assert_int_equal(strlen(body), 34);
	assert_int_equal(read_vars(f, vars, body, 1024), 0);
	assert_string_equal(f->r.method, "POST");
	assert_string_equal(f->r.content_type, "application/x-www-form-urlencoded");
	assert_int_equal(f->r.form.n, 3);
	assert_string_equal(http_form(&f->r, "title"), "Hello world");
	assert_string_equal(http_form(&f->r, "amp"), "&");
	assert_string_equal(http_form(&f->r, "e"), "\xc3\xa9");
	assert_null(http_form(&f->r, "nope"));
}

/* A JSON body (a webhook) is kept raw, unparsed, with the request's other
 * parameters (its signature headers) readable by name. */
static void read_post_raw_body(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/webhooks/stripe",
			       "CONTENT_TYPE=application/json", "CONTENT_LENGTH=11",
			       "HTTP_STRIPE_SIGNATURE=t=1,v1=ab", NULL };
	assert_int_equal(read_vars(f, vars, "{\"a\":\"b=c\"}", 1024), 0);
	assert_int_equal(f->r.form.n, 0);
	assert_int_equal(f->r.body_len, 11);
	assert_string_equal(f->r.body, "{\"a\":\"b=c\"}");
	assert_string_equal(http_env(&f->r, "HTTP_STRIPE_SIGNATURE"), "t=1,v1=ab");
	assert_null(http_env(&f->r, "HTTP_STRIPE"));
	assert_null(http_env(&f->r, "HTTP_WEBHOOK_ID"));
}

static void read_post_content_type_variants(void **state)
{
	struct fixture *f = fix(state);
	static const struct {
		const char *ct;
		int parsed;
	} cases[] = {
		{ "application/x-www-form-urlencoded; charset=UTF-8", 1 },
		{ "application/x-www-form-urlencoded;charset=utf-8", 1 },
		{ "Application/X-WWW-Form-Urlencoded", 1 },
		{ "application/x-www-form-urlencodedx", 0 },
		{ "application/x-www-form", 0 },
		{ "multipart/mixed; boundary=x", 0 },
		{ "text/plain", 0 },
		{ "", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char ct[128];
		const char *vars[] = { "REQUEST_METHOD=POST", ct, NULL };
		snprintf(ct, sizeof ct, "CONTENT_TYPE=%s", cases[i].ct);
		memset(&f->r.form, 0, sizeof f->r.form);
		assert_int_equal(read_vars(f, vars, "a=1", 1024), 0);
		assert_int_equal(f->r.form.n, cases[i].parsed ? 1 : 0);
		if (cases[i].parsed)
			assert_string_equal(http_form(&f->r, "a"), "1");
		else
			assert_null(http_form(&f->r, "a"));
	}
}

static void read_body_only_for_post(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=GET",
			       "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	/* Too big and malformed, but a GET's body is never looked at. */
	assert_int_equal(read_vars(f, vars, "a=%00&b=2", 4), 0);
	assert_int_equal(f->r.form.n, 0);
}

static void read_body_limit(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=POST",
			       "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	char body[2000];
	memset(body, 'x', sizeof body - 1);
	body[0] = 'a';
	body[1] = '=';
	body[sizeof body - 1] = '\0';
	/* Exactly max_body is accepted, one byte more is 413. */
	assert_int_equal(read_vars(f, vars, body, sizeof body - 1), 0);
	assert_int_equal(strlen(http_form(&f->r, "a")), sizeof body - 3);
	memset(&f->r.form, 0, sizeof f->r.form);
	assert_int_equal(read_vars(f, vars, body, sizeof body - 2), 413);
	assert_int_equal(f->r.form.n, 0);
}

static void read_body_bad(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=POST",
			       "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	struct buf many = BUF_INIT;
	assert_int_equal(read_vars(f, vars, "a=%00", 1024), 400);
	assert_int_equal(read_vars(f, vars, "a=%FF", 1024), 400);
	/* More fields than a form may have (256) is 413, not 400. */
	for (int i = 0; i < 300; i++)
		buf_printf(&many, "%sf%d=1", i ? "&" : "", i);
	assert_int_equal(read_vars(f, vars, buf_str(&many), 65536), 413);
	buf_free(&many);
}

static void read_cookies(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=GET",
			       "HTTP_COOKIE=sid=abc123; theme=\"dark\"; junk; flash=hi%20there",
			       NULL };
	assert_int_equal(read_vars(f, vars, NULL, 1024), 0);
	assert_int_equal(f->r.cookies.n, 3);
	assert_string_equal(http_cookie(&f->r, "sid"), "abc123");
	assert_string_equal(http_cookie(&f->r, "theme"), "dark");
	/* Cookies are not percent-decoded. */
	assert_string_equal(http_cookie(&f->r, "flash"), "hi%20there");
	assert_null(http_cookie(&f->r, "junk"));
	assert_null(http_cookie(&f->r, "SID"));
}

static void read_too_many_cookies_ignored(void **state)
{
	struct fixture *f = fix(state);
	struct buf c = BUF_INIT;
	const char *vars[] = { "REQUEST_METHOD=GET", NULL, NULL };
	buf_puts(&c, "HTTP_COOKIE=");
	for (int i = 0; i < 100; i++)
		buf_printf(&c, "%sc%d=%d", i ? "; " : "", i, i);
	vars[1] = buf_str(&c);
	/* Never an error: other applications' cookies are not ours to refuse. */
	assert_int_equal(read_vars(f, vars, NULL, 1024), 0);
	assert_int_equal(f->r.cookies.n, 0);
	assert_null(http_cookie(&f->r, "c0"));
	buf_free(&c);
}

static void read_https(void **state)
{
	struct fixture *f = fix(state);
	static const struct {
		const char *v;
		int on;
	} cases[] = { { "on", 1 }, { "ON", 1 }, { "1", 1 }, { "off", 0 }, { "", 0 }, { "yes", 0 } };
	const char *none[] = { "REQUEST_METHOD=GET", NULL };
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char h[32];
		const char *vars[] = { "REQUEST_METHOD=GET", h, NULL };
		snprintf(h, sizeof h, "HTTPS=%s", cases[i].v);
		assert_int_equal(read_vars(f, vars, NULL, 1024), 0);
		assert_int_equal(f->r.https, cases[i].on);
	}
	assert_int_equal(read_vars(f, none, NULL, 1024), 0);
	assert_int_equal(f->r.https, 0);
}

/* ---- http_send ---- */

static void send_basic(void **state)
{
	struct fixture *f = fix(state);
	static const char head[] = "Status: 200 OK\r\n"
				   "Content-Type: text/html; charset=utf-8\r\n"
				   "Content-Length: 5\r\n";
	const char *csp;
	f->r.status = 200;
	buf_puts(&f->body, "hello");
	http_send(&f->r, NULL, &f->out);

	/* The first three lines in this order, exactly. */
	assert_memory_equal(buf_str(&f->out), head, sizeof head - 1);
	assert_string_equal(sent_body(f), "hello");
	assert_int_equal(f->out.len, (size_t)(sent_body(f) - buf_str(&f->out)) + 5);

	csp = sent_header(f, "Content-Security-Policy");
	assert_non_null(csp);
	assert_non_null(strstr(csp, "frame-ancestors 'none'"));
	assert_non_null(strstr(csp, "default-src 'none'"));
	assert_null(strstr(csp, "unsafe-inline"));
	assert_null(strstr(csp, "unsafe-eval"));
	assert_string_equal(sent_header(f, "X-Content-Type-Options"), "nosniff");
	assert_string_equal(sent_header(f, "X-Frame-Options"), "DENY");
	assert_string_equal(sent_header(f, "Referrer-Policy"), "same-origin");
	assert_string_equal(sent_header(f, "Cache-Control"), "no-store");
	assert_string_equal(sent_header(f, "Content-Type"), "text/html; charset=utf-8");
	assert_string_equal(sent_header(f, "Content-Length"), "5");
}

static void send_length_is_bytes(void **state)
{
	struct fixture *f = fix(state);
	/* "héllo wörld\n": 12 characters, 14 bytes. */
	buf_puts(&f->body, "h\xc3\xa9llo w\xc3\xb6rld\n");
	f->r.status = 200;
	http_send(&f->r, NULL, &f->out);
	assert_string_equal(sent_header(f, "Content-Length"), "14");
	assert_string_equal(sent_body(f), "h\xc3\xa9llo w\xc3\xb6rld\n");
}

static void send_type_status_and_headers(void **state)
{
	struct fixture *f = fix(state);
	f->r.status = 404;
	f->r.resp_type = "application/json";
	http_header(&f->r, "X-Test", "one");
	http_header(&f->r, "Retry-After", "30");
	buf_puts(&f->body, "{}");
	http_send(&f->r, NULL, &f->out);
	assert_memory_equal(buf_str(&f->out), "Status: 404 Not Found\r\n", 23);
	assert_string_equal(sent_header(f, "Content-Type"), "application/json");
	assert_string_equal(sent_header(f, "Content-Length"), "2");
	assert_string_equal(sent_header(f, "X-Test"), "one");
	assert_string_equal(sent_header(f, "Retry-After"), "30");
	/* The handler's headers end the head, just before the blank line. */
	assert_non_null(strstr(buf_str(&f->out), "X-Test: one\r\nRetry-After: 30\r\n\r\n{}"));
	assert_string_equal(sent_body(f), "{}");
}

static void send_reason_phrases(void **state)
{
	struct fixture *f = fix(state);
	(void)f;
	assert_string_equal(http_reason(303), "See Other");
	assert_string_equal(http_reason(400), "Bad Request");
	assert_string_equal(http_reason(405), "Method Not Allowed");
	assert_string_equal(http_reason(413), "Content Too Large");
	assert_string_equal(http_reason(429), "Too Many Requests");
	assert_string_equal(http_reason(503), "Service Unavailable");
	assert_string_equal(http_reason(418), "Unknown");
}

static void send_empty_body(void **state)
{
	struct fixture *f = fix(state);
	f->r.status = 204;
	http_send(&f->r, NULL, &f->out);
	assert_memory_equal(buf_str(&f->out), "Status: 204 No Content\r\n", 24);
	assert_string_equal(sent_header(f, "Content-Length"), "0");
	assert_string_equal(sent_body(f), "");
	assert_int_equal(strcmp(buf_str(&f->out) + f->out.len - 4, "\r\n\r\n"), 0);
}

static void send_head_omits_body(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=HEAD", "REQUEST_URI=/", NULL };
	assert_int_equal(read_vars(f, vars, NULL, 1024), 0);
	buf_puts(&f->body, "<p>page</p>");
	http_send(&f->r, NULL, &f->out);
	/* The length a GET would have, and nothing after the head. */
	assert_string_equal(sent_header(f, "Content-Length"), "11");
	assert_string_equal(sent_body(f), "");
	assert_int_equal(strcmp(buf_str(&f->out) + f->out.len - 4, "\r\n\r\n"), 0);
	assert_null(strstr(buf_str(&f->out), "<p>"));
}

/* ---- http_redirect, http_local_path ---- */

static void redirect_local(void **state)
{
	struct fixture *f = fix(state);
	f->r.status = 200;
	buf_puts(&f->body, "stale page");
	assert_int_equal(http_redirect(&f->r, "/chat/abc?x=1#top"), 303);
	assert_int_equal(f->r.status, 303);
	assert_string_equal(buf_str(&f->headers), "Location: /chat/abc?x=1#top\r\n");
	assert_int_equal(f->body.len, 0);
	http_send(&f->r, NULL, &f->out);
	assert_memory_equal(buf_str(&f->out), "Status: 303 See Other\r\n", 23);
	assert_string_equal(sent_header(f, "Location"), "/chat/abc?x=1#top");
	assert_string_equal(sent_header(f, "Content-Length"), "0");
}

static void redirect_refuses_other_sites(void **state)
{
	struct fixture *f = fix(state);
	static const char *const evil[] = {
		"//evil.com", "/\\evil", "//", "/\\", "https://evil.com", "evil.com",
		"", "\\\\evil.com", "/ok\r\nSet-Cookie: x=1", "/ok\nX: y",
	};
	for (size_t i = 0; i < sizeof evil / sizeof *evil; i++) {
		buf_clear(&f->headers);
		assert_int_equal(http_redirect(&f->r, evil[i]), 303);
		assert_int_equal(f->r.status, 303);
		assert_string_equal(buf_str(&f->headers), "Location: /\r\n");
	}
	buf_clear(&f->headers);
	assert_int_equal(http_redirect(&f->r, NULL), 303);
	assert_string_equal(buf_str(&f->headers), "Location: /\r\n");
}

/* Absolute with the site's address: the request's host and port, or the
 * configured public_url; relative when the host could not go in a URL. */
static void redirect_absolute(void **state)
{
	struct fixture *f = fix(state);
	const char *vars[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/chats", "HTTP_HOST=127.0.0.1",
			       "SERVER_PORT=8080", NULL };
	const char *evil[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/chats",
			       "HTTP_HOST=evil.com/x?", "SERVER_PORT=8080", NULL };
	const char *userinfo[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/chats",
				   "HTTP_HOST=[::1]@evil.test", "SERVER_PORT=8080", NULL };
	const char *tls[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_HOST=chat.example.org",
			      "SERVER_PORT=443", "HTTPS=on", NULL };

	assert_int_equal(read_vars(f, vars, NULL, 1024), 0);
	http_redirect(&f->r, "/chat/abc#m-1");
	assert_string_equal(buf_str(&f->headers), "Location: http://127.0.0.1:8080/chat/abc#m-1\r\n");
	buf_clear(&f->headers);
	f->r.public_url = "https://chat.example.org/";
	http_redirect(&f->r, "/login");
	assert_string_equal(buf_str(&f->headers), "Location: https://chat.example.org/login\r\n");

	buf_clear(&f->headers);
	f->r.public_url = NULL;
	assert_int_equal(read_vars(f, tls, NULL, 1024), 0);
	http_redirect(&f->r, "/chats");
	assert_string_equal(buf_str(&f->headers), "Location: https://chat.example.org/chats\r\n");

	buf_clear(&f->headers);
	assert_int_equal(read_vars(f, evil, NULL, 1024), 0);
	http_redirect(&f->r, "/chats");
	assert_string_equal(buf_str(&f->headers), "Location: /chats\r\n");

	/* Found by fuzz_request: after a [v6] host only a port may follow. */
	buf_clear(&f->headers);
	assert_int_equal(read_vars(f, userinfo, NULL, 1024), 0);
	http_redirect(&f->r, "/chats");
	assert_string_equal(buf_str(&f->headers), "Location: /chats\r\n");
}

static void local_path_cases(void **state)
{
	(void)state;
	assert_int_equal(http_local_path("/"), 1);
	assert_int_equal(http_local_path("/chats"), 1);
	assert_int_equal(http_local_path("/a//b"), 1);
	assert_int_equal(http_local_path("/a/\\b"), 1);
	assert_int_equal(http_local_path("/login?next=//x"), 1);
	assert_int_equal(http_local_path(NULL), 0);
	assert_int_equal(http_local_path(""), 0);
	assert_int_equal(http_local_path("chats"), 0);
	assert_int_equal(http_local_path("//evil.com"), 0);
	assert_int_equal(http_local_path("/\\evil"), 0);
	assert_int_equal(http_local_path("/\t/evil.com"), 0);
	assert_int_equal(http_local_path("/\t\\evil.com"), 0);
	assert_int_equal(http_local_path("http://evil.com"), 0);
	assert_int_equal(http_local_path("/x\r"), 0);
	assert_int_equal(http_local_path("/x\ny"), 0);
}

/* ---- http_header, http_cookie_set ---- */

static void header_appends(void **state)
{
	struct fixture *f = fix(state);
	http_header(&f->r, "X-One", "1");
	http_header(&f->r, "X-Two", "a b; c=d");
	http_header(&f->r, "X-Empty", "");
	assert_string_equal(buf_str(&f->headers), "X-One: 1\r\nX-Two: a b; c=d\r\nX-Empty: \r\n");
}

static void header_line_breaks_dropped(void **state)
{
	struct fixture *f = fix(state);
	http_header(&f->r, "X-Ok", "before");
	http_header(&f->r, "X-Bad", "a\r\nSet-Cookie: sid=evil");
	http_header(&f->r, "X-Bad", "a\nb");
	http_header(&f->r, "X-Bad", "a\rb");
	http_header(&f->r, "X-Bad", "\n");
	http_header(&f->r, "X-Bad\r\nSet-Cookie", "sid=evil");
	http_header(&f->r, "X-Bad\n", "v");
	http_header(&f->r, "X-Ok2", "after");
	assert_string_equal(buf_str(&f->headers), "X-Ok: before\r\nX-Ok2: after\r\n");
}

static void cookie_attributes(void **state)
{
	struct fixture *f = fix(state);
	http_cookie_set(&f->r, "sid", "abc", 3600);
	assert_string_equal(buf_str(&f->headers),
			    "Set-Cookie: sid=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600\r\n");
	buf_clear(&f->headers);
	/* A session cookie: no Max-Age. */
	http_cookie_set(&f->r, "flash", "hi", -1);
	assert_string_equal(buf_str(&f->headers),
			    "Set-Cookie: flash=hi; Path=/; HttpOnly; SameSite=Lax\r\n");
	buf_clear(&f->headers);
	/* Deleting. */
	http_cookie_set(&f->r, "sid", "", 0);
	assert_string_equal(buf_str(&f->headers),
			    "Set-Cookie: sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0\r\n");
	buf_clear(&f->headers);
	http_cookie_set(&f->r, "sid", "abc", INT64_C(2592000));
	assert_string_equal(buf_str(&f->headers),
			    "Set-Cookie: sid=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000\r\n");
}

static void cookie_secure_only_over_https(void **state)
{
	struct fixture *f = fix(state);
	const char *on[] = { "REQUEST_METHOD=GET", "HTTPS=on", NULL };
	const char *off[] = { "REQUEST_METHOD=GET", "HTTPS=off", NULL };

	assert_int_equal(read_vars(f, on, NULL, 1024), 0);
	http_cookie_set(&f->r, "sid", "abc", 60);
	assert_string_equal(buf_str(&f->headers),
			    "Set-Cookie: sid=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure\r\n");
	buf_clear(&f->headers);
	http_cookie_set(&f->r, "sid", "abc", -1);
	assert_string_equal(buf_str(&f->headers),
			    "Set-Cookie: sid=abc; Path=/; HttpOnly; SameSite=Lax; Secure\r\n");
	buf_clear(&f->headers);

	assert_int_equal(read_vars(f, off, NULL, 1024), 0);
	http_cookie_set(&f->r, "sid", "abc", 60);
	assert_string_equal(buf_str(&f->headers),
			    "Set-Cookie: sid=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60\r\n");
}

static void cookie_with_line_break_dropped(void **state)
{
	struct fixture *f = fix(state);
	http_cookie_set(&f->r, "sid", "abc\r\nX-Evil: 1", 60);
	assert_int_equal(f->headers.len, 0);
}

/* A multipart body's fields reach http_form (the csrf token too); files
 * only on a route that takes them, within its size cap. */
static int upload_to_send(const struct req *r)
{
	return strcmp(r->path, "/send") == 0;
}

static void read_multipart(void **state)
{
	struct fixture *f = fix(state);
	static const char body[] =
		"--zz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nT\r\n"
		"--zz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\n"
		"Content-Type: image/png\r\n\r\n0123456789\r\n--zz--\r\n";
	const char *send[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/send",
			       "CONTENT_TYPE=multipart/form-data; boundary=zz", NULL };
	const char *other[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/other",
				"CONTENT_TYPE=multipart/form-data; boundary=zz", NULL };
	const char *bad[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/send",
			      "CONTENT_TYPE=multipart/form-data", NULL };
	struct http_uploads u = { upload_to_send, { 16, 100, 1, 100 }, 4096 };

	http_set_uploads(&u);
	assert_int_equal(read_vars(f, send, body, 64), 0);   /* over 64: the upload cap */
	assert_string_equal(http_form(&f->r, "csrf"), "T");
	assert_int_equal(f->r.nfiles, 1);
	assert_int_equal(f->r.files[0].len, 10);
	assert_int_equal(f->r.upload_error, MP_OK);

	f->r.nfiles = 0;
	assert_int_equal(read_vars(f, other, body, 1024), 0);
	assert_string_equal(http_form(&f->r, "csrf"), "T");
	assert_int_equal(f->r.nfiles, 0);                     /* not a route for files */
	assert_int_equal(f->r.upload_error, MP_TOO_MANY_FILES);
	assert_int_equal(read_vars(f, other, body, 64), 413); /* and no larger cap */

	assert_int_equal(read_vars(f, bad, body, 1024), 400); /* no boundary */
	assert_int_equal(read_vars(f, send, "--zz\r\nnonsense", 1024), 400);
	u.route = NULL;
	http_set_uploads(&u);
}

/* A multipart POST without its body was refused by the server in front
 * (Apache passes one over LimitRequestBody on with CONTENT_LENGTH 0): 413
 * saying the server's limit, never a form without its csrf field. */
static void read_multipart_dropped(void **state)
{
	struct fixture *f = fix(state);
	const char *said[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/send", "CONTENT_LENGTH=0",
			       "CONTENT_TYPE=multipart/form-data; boundary=zz",
			       "CONFAB_SERVER_MAX_BODY=131072", NULL };
	const char *unsaid[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/send",
				 "CONTENT_TYPE=multipart/form-data; boundary=zz", NULL };
	const char *form[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/send", "CONTENT_LENGTH=0",
			       "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	const char *bad[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/send", "CONTENT_LENGTH=0",
			      "CONTENT_TYPE=multipart/form-data; boundary=zz",
			      "CONFAB_SERVER_MAX_BODY=lots", NULL };
	struct http_uploads u = { upload_to_send, { 16, 100, 2, 100 }, 4096 };
	char big[5000];

	http_set_uploads(&u);
	assert_int_equal(read_vars(f, said, "", 1024), 413);
	assert_non_null(strstr(f->r.refused, "at most 128 KiB in one request"));
	f->r.refused = NULL;
	assert_int_equal(read_vars(f, unsaid, NULL, 1024), 413);
	assert_non_null(strstr(f->r.refused, "too large for the web server in front"));
	f->r.refused = NULL;
	assert_int_equal(read_vars(f, bad, "", 1024), 413);   /* a bad hint is no hint */
	assert_non_null(strstr(f->r.refused, "web server in front"));
	f->r.refused = NULL;
	/* An empty urlencoded form can be sent on purpose. */
	assert_int_equal(read_vars(f, form, "", 1024), 0);
	assert_null(f->r.refused);
	/* Over confab's own cap: its limits, not the server's. */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(read_vars(f, unsaid, big, 1024), 413);
	assert_string_equal(f->r.refused, "What you sent is too large: each file may be at most "
					  "0 KiB, and a message may carry 2.");
	u.route = NULL;
	http_set_uploads(&u);
	f->r.refused = NULL;
	assert_int_equal(read_vars(f, form, big, 2048), 413);
	assert_string_equal(f->r.refused, "What you sent is too large: a form may send at most "
					  "2 KiB.");
}

/* The buffers a responder keeps across requests (the response head and
 * body) keep their room for the next answer, but not a rare large
 * answer's: cleared, a buffer over BUF_KEEP is freed. And the arena keeps
 * one ordinary chunk after a request that needed many. */
static void kept_buffers_capped(void **state)
{
	struct buf b = BUF_INIT;
	struct arena a;
	char chunk[4096];
	(void)state;
	memset(chunk, 'x', sizeof chunk);
	buf_append(&b, chunk, sizeof chunk);
	buf_clear(&b);
	assert_non_null(b.data);
	assert_true(b.cap >= sizeof chunk);
	assert_string_equal(buf_str(&b), "");
	while (b.len <= BUF_KEEP)
		buf_append(&b, chunk, sizeof chunk);
	buf_clear(&b);
	assert_null(b.data);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_puts(&b, "again");
	assert_string_equal(buf_str(&b), "again");
	buf_free(&b);

	arena_init(&a, 0);
	for (int i = 0; i < 64; i++)   /* 2 MiB: past ARENA_TRIM_AFTER */
		memset(arena_alloc(&a, 32 * 1024), 'y', 32 * 1024);
	arena_reset(&a);
	assert_non_null(a.head);
	memset(arena_alloc(&a, 100), 'z', 100);
	arena_free(&a);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(read_get_with_query),
		T(read_without_query),
		T(read_uri_fallbacks),
		T(read_name_is_exact),
		T(read_head_as_get),
		T(read_content_length),
		T(read_bad_query),
		T(read_post_urlencoded),
		T(read_post_raw_body),
		T(read_post_content_type_variants),
		T(read_multipart),
		T(read_multipart_dropped),
		T(read_body_only_for_post),
		T(read_body_limit),
		T(read_body_bad),
		T(read_cookies),
		T(read_too_many_cookies_ignored),
		T(read_https),
		T(send_basic),
		T(send_length_is_bytes),
		T(send_type_status_and_headers),
		T(send_reason_phrases),
		T(send_empty_body),
		T(send_head_omits_body),
		T(redirect_local),
		T(redirect_refuses_other_sites),
		T(redirect_absolute),
		T(local_path_cases),
		T(header_appends),
		T(header_line_breaks_dropped),
		T(cookie_attributes),
		T(cookie_secure_only_over_https),
		T(cookie_with_line_break_dropped),
		cmocka_unit_test(kept_buffers_capped),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
