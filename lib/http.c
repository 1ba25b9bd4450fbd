/* http.c — see http.h. */
#include "http.h"
#include "fcgi_send.h"
#include "site_url.h"
#include "log.h"
#include "util.h"
#include "valid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fcgiapp.h>
#include <sodium.h>

#define MAX_QUERY_FIELDS 64
#define MAX_FORM_FIELDS 256
#define MAX_COOKIES 64

/* Every response carries these; one place so none can be forgotten. */
static const char security_headers[] =
	"Content-Security-Policy: default-src 'none'; script-src 'self'; "
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; "
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'\r\n"
	"X-Content-Type-Options: nosniff\r\n"
	"X-Frame-Options: DENY\r\n"
	"Referrer-Policy: same-origin\r\n"
	"Cross-Origin-Opener-Policy: same-origin\r\n";

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 402: return "Payment Required";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

static const char *var_or_empty(struct arena *a, const char *v)
{
	return v ? arena_strdup(a, v) : "";
}

/* Looks name up in a NULL-terminated NAME=value vector. */
static const char *env_get(char *const *vars, const char *name)
{
	size_t n = strlen(name);
	for (; vars && *vars; vars++)
		if (strncmp(*vars, name, n) == 0 && (*vars)[n] == '=')
			return *vars + n + 1;
	return NULL;
}

/* A request id: 4 random bytes drawn once per process, then a counter, so
 * ids stay unique across processes without a getrandom call per request. */
static void new_reqid(char out[17])
{
	static unsigned char b[8];
	static uint32_t n;
	if (n == 0)
		randombytes_buf(b, 4);
	n++;
	b[4] = (unsigned char)(n >> 24);
	b[5] = (unsigned char)(n >> 16);
	b[6] = (unsigned char)(n >> 8);
	b[7] = (unsigned char)n;
	hex_encode(out, b, sizeof b);
}

/* Fill everything but the body from the parameter vector. */
static int read_params(struct req *r, char *const *vars)
{
	struct arena *a = r->a;
	const char *uri, *q, *cl, *https, *cookie, *smax = NULL;

	new_reqid(r->reqid);
	r->env = vars;
	r->body = "";
	/* One pass over the parameters (a dozen lookups by name would each
	 * walk all thirty-odd of them). */
	const char *method = NULL, *doc_uri = NULL, *query = NULL, *ctype = NULL,
		   *addr = NULL, *ua = NULL, *origin = NULL, *host = NULL;
	uri = https = cl = cookie = NULL;
	for (char *const *v = vars; v && *v; v++) {
		const char *e = *v;
#define TAKE(name, var) \
	if (!var && strncmp(e, name "=", sizeof name) == 0) { var = e + sizeof name; continue; }
		switch (e[0]) {
		case 'R':
			TAKE("REQUEST_METHOD", method);
			TAKE("REQUEST_URI", uri);
			TAKE("REMOTE_ADDR", addr);
			break;
		case 'D':
			TAKE("DOCUMENT_URI", doc_uri);
			break;
		case 'Q':
			TAKE("QUERY_STRING", query);
			break;
		case 'C':
			TAKE("CONTENT_TYPE", ctype);
			TAKE("CONTENT_LENGTH", cl);
			TAKE("CONFAB_SERVER_MAX_BODY", smax);
			break;
		case 'H':
			TAKE("HTTP_USER_AGENT", ua);
			TAKE("HTTP_ORIGIN", origin);
			TAKE("HTTP_HOST", host);
			TAKE("HTTP_COOKIE", cookie);
			TAKE("HTTPS", https);
			break;
		}
#undef TAKE
	}
	r->method = var_or_empty(a, method);
	r->is_head = strcmp(r->method, "HEAD") == 0;
	if (r->is_head)
		r->method = "GET";
	if (!uri || !*uri)
		uri = doc_uri;
	if (!uri || !*uri)
		uri = "/";
	q = strchr(uri, '?');
	r->path = q ? arena_strndup(a, uri, (size_t)(q - uri)) : arena_strdup(a, uri);
	r->query = var_or_empty(a, query);
	r->content_type = var_or_empty(a, ctype);
	r->remote_addr = var_or_empty(a, addr);
	r->user_agent = var_or_empty(a, ua);
	r->origin = var_or_empty(a, origin);
	r->host = var_or_empty(a, host);
	r->https = https && (strcasecmp(https, "on") == 0 || strcmp(https, "1") == 0);
	r->content_length = -1;
	if (cl && *cl && (parse_int64(cl, &r->content_length) || r->content_length < 0))
		return 400;
	/* Only a hint for the page; a bad one is ignored. */
	if (!smax || parse_int64(smax, &r->server_max_body) || r->server_max_body < 0)
		r->server_max_body = 0;

	if (form_parse_urlencoded(a, r->query, strlen(r->query), MAX_QUERY_FIELDS,
				  &r->query_kv) != FORM_OK)
		return 400;
	/* Malformed or surplus cookies are ignored, never an error: a browser
	 * may carry cookies of other applications on the same host. */
	if (cookie && form_parse_cookies(a, cookie, strlen(cookie), MAX_COOKIES,
					 &r->cookies) != FORM_OK)
		r->cookies.n = 0;
	r->status = 200;
	return 0;
}

static int is_urlencoded(const char *ct)
{
	static const char t[] = "application/x-www-form-urlencoded";
	return strncasecmp(ct, t, sizeof t - 1) == 0 &&
	       (ct[sizeof t - 1] == '\0' || ct[sizeof t - 1] == ';');
}

static struct http_uploads uploads;

void http_set_uploads(const struct http_uploads *u)
{
	uploads = *u;
}

size_t http_max_body(size_t max_body)
{
	return uploads.max_body > max_body ? uploads.max_body : max_body;
}

/* 1 if r is a multipart POST to a route that takes files. */
static int upload_post(const struct req *r)
{
	return uploads.route && !strncasecmp(r->content_type, "multipart/", 10) &&
	       uploads.route(r);
}

/* The body cap for r: larger only where files are taken. */
static size_t body_cap(const struct req *r, size_t max_body)
{
	return upload_post(r) ? http_max_body(max_body) : max_body;
}

static int parse_multipart(struct req *r, const char *body, size_t n, size_t max_body)
{
	char boundary[80];
	struct mp_limits text_only = { MAX_FORM_FIELDS, max_body, 0, 0 };
	const struct mp_limits *lim = upload_post(r) ? &uploads.lim : &text_only;
	enum mp_err e;

	if (multipart_boundary(r->content_type, boundary, sizeof boundary))
		return 400;
	e = multipart_parse(r->a, boundary, body, n, lim, &r->form, &r->files, &r->nfiles);
	switch (e) {
	case MP_OK:
		return 0;
	case MP_TOO_MANY_FILES:
	case MP_FILE_TOO_LARGE:
		/* The page that takes the files says what was wrong, and keeps
		 * the message typed with them. */
		r->upload_error = e;
		return 0;
	case MP_TOO_MANY_FIELDS:
		return 413;
	default:
		return 400;
	}
}

static int parse_body(struct req *r, const char *body, size_t n, size_t max_body)
{
	if (!strncasecmp(r->content_type, "multipart/form-data", 19))
		return parse_multipart(r, body, n, max_body);
	if (!is_urlencoded(r->content_type))
		return 0;
	switch (form_parse_urlencoded(r->a, body, n, MAX_FORM_FIELDS, &r->form)) {
	case FORM_OK:
		return 0;
	case FORM_TOO_MANY:
		return 413;
	default:
		return 400;
	}
}

/* 413 with the sentence for the page: the limit of whoever refused. */
static int too_large(struct req *r, int by_server, size_t max_body)
{
	if (by_server && r->server_max_body > 0)
		r->refused = arena_printf(r->a, "What you sent is too large for this server, which "
					  "takes at most %lld KiB in one request, files "
					  "included. Send smaller or fewer files.",
					  (long long)(r->server_max_body / 1024));
	else if (by_server)
		r->refused = "What you sent is too large for the web server in front of confab. "
			     "Send smaller or fewer files.";
	else if (upload_post(r))
		r->refused = arena_printf(r->a, "What you sent is too large: each file may be at "
					  "most %zu KiB, and a message may carry %zu.",
					  uploads.lim.max_file_len / 1024, uploads.lim.max_files);
	else
		r->refused = arena_printf(r->a, "What you sent is too large: a form may send at "
					  "most %zu KiB.", max_body / 1024);
	return 413;
}

/* 1 when a POST came without the body it had: a multipart body always
 * holds at least its closing boundary, so an empty one was dropped by the
 * server in front (Apache passes a request over LimitRequestBody on with
 * CONTENT_LENGTH 0, and without this the page saw a form with no csrf). */
static int body_dropped(const struct req *r)
{
	return r->content_length <= 0 && !strncasecmp(r->content_type, "multipart/", 10);
}

int http_read(struct req *r, FCGX_Request *fr, size_t max_body)
{
	int rc = read_params(r, fr->envp);
	char *body;
	int got;

	if (rc)
		return rc;
	if (strcmp(r->method, "POST") != 0)
		return 0;
	if (body_dropped(r))
		return too_large(r, 1, max_body);
	if (r->content_length <= 0)
		return 0;
	/* Cap before reading: the length is checked, never trusted. */
	if ((uint64_t)r->content_length > body_cap(r, max_body))
		return too_large(r, 0, max_body);
	body = arena_alloc(r->a, (size_t)r->content_length + 1);
	got = FCGX_GetStr(body, (int)r->content_length, fr->in);
	if (got != r->content_length)
		return 400;
	body[got] = '\0';
	r->body = body;
	r->body_len = (size_t)got;
	return parse_body(r, body, (size_t)got, max_body);
}

int http_read_vars(struct req *r, char *const *vars, const char *body,
		   size_t body_len, size_t max_body)
{
	int rc = read_params(r, vars);
	if (rc)
		return rc;
	if (strcmp(r->method, "POST") != 0)
		return 0;
	if ((!body || !body_len) && body_dropped(r))
		return too_large(r, 1, max_body);
	if (!body)
		return 0;
	if (body_len > body_cap(r, max_body))
		return too_large(r, 0, max_body);
	{
		char *copy = arena_alloc(r->a, body_len + 1);
		memcpy(copy, body, body_len);
		copy[body_len] = '\0';
		r->body = copy;
		r->body_len = body_len;
	}
	return parse_body(r, body, body_len, max_body);
}

/* 1 if a handler may read key: the route declares it, or no route is
 * matched yet (the dispatcher, tests that build a request by hand). */
static int declared(const struct req *r, const char *key)
{
	if (!r->fields_declared || !strcmp(key, "csrf"))
		return 1;
	for (const struct field *f = r->fields; f && f->name; f++)
		if (!strcmp(f->name, key))
			return 1;
	log_error("%s %s reads the field \"%s\", which its route does not declare", r->method,
		  r->path, key);
	return 0;
}

const char *http_query(const struct req *r, const char *key)
{
	return declared(r, key) ? kv_get(&r->query_kv, key) : NULL;
}

const char *http_form(const struct req *r, const char *key)
{
	/* A GET has no form: the pages that show a refused POST again read
	 * its fields, and a GET of the same page has none to declare. */
	if (!r->method || strcmp(r->method, "POST"))
		return NULL;
	return declared(r, key) ? kv_get(&r->form, key) : NULL;
}

const char *http_cookie(const struct req *r, const char *key)
{
	return kv_get(&r->cookies, key);
}

const char *http_env(const struct req *r, const char *name)
{
	return env_get(r->env, name);
}

static int header_safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

void http_header(struct req *r, const char *name, const char *value)
{
	if (!header_safe(name) || !header_safe(value)) {
		log_error("dropped header %s with a line break", name);
		return;
	}
	buf_printf(r->resp_headers, "%s: %s\r\n", name, value);
}

void http_cookie_set(struct req *r, const char *name, const char *value, int64_t max_age)
{
	char age[48] = "";
	if (max_age >= 0)
		snprintf(age, sizeof age, "; Max-Age=%lld", (long long)max_age);
	http_header(r, "Set-Cookie",
		    arena_printf(r->a, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
				 name, value, age, r->https ? "; Secure" : ""));
}

int http_local_path(const char *path)
{
	/* Browsers drop tabs and line breaks inside URLs: "/\t/x" is "//x". */
	return path && path[0] == '/' && path[1] != '/' && path[1] != '\\' &&
	       strpbrk(path, "\t\r\n") == NULL;
}

int http_redirect(struct req *r, const char *path)
{
	char *site;

	if (!http_local_path(path))
		path = "/";
	site = site_url(r->public_url, r->https, r->host, http_env(r, "SERVER_PORT"));
	r->status = 303;
	http_header(r, "Location", site ? arena_printf(r->a, "%s%s", site, path) : path);
	free(site);
	buf_clear(r->resp_body);
	return 303;
}

void http_send(struct req *r, FCGX_Request *fr, struct buf *out)
{
	/* Kept between requests, and no printf: this runs for every answer. */
	static struct buf head;
	buf_clear(&head);
	buf_puts(&head, "Status: ");
	buf_put_int(&head, r->status);
	buf_putc(&head, ' ');
	buf_puts(&head, http_reason(r->status));
	buf_puts(&head, "\r\nContent-Type: ");
	buf_puts(&head, r->resp_type ? r->resp_type : "text/html; charset=utf-8");
	buf_puts(&head, "\r\nContent-Length: ");
	buf_put_int(&head, (long long)r->resp_body->len);
	buf_puts(&head, "\r\n");
	buf_puts(&head, security_headers);
	buf_puts(&head, "Cache-Control: no-store\r\n");
	buf_append(&head, buf_str(r->resp_headers), r->resp_headers->len);
	buf_puts(&head, "\r\n");
	if (fr) {
		fcgi_answer(fr, head.data, head.len, r->resp_body->data,
			    r->is_head ? 0 : r->resp_body->len);
	} else {
		buf_append(out, head.data, head.len);
		if (!r->is_head)
			buf_append(out, buf_str(r->resp_body), r->resp_body->len);
	}
}
