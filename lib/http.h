/* http.h — one request and its response. The request's strings are copied
 * into the request arena (FCGX_GetParam's values die at the next accept);
 * the response is built in memory and sent whole by http_send(), so a
 * handler that fails half-way can still answer a clean error page. */
#ifndef CONFAB_HTTP_H
#define CONFAB_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "buf.h"
#include "form.h"
#include "multipart.h"

struct user;
struct tval;
struct field;
struct FCGX_Request;

#define HTTP_MAX_PARAMS 4

struct req {
	struct arena *a;

	/* From the server (never NULL; "" when absent). */
	const char *method;       /* HEAD is served as GET with no body */
	const char *path;         /* REQUEST_URI (else DOCUMENT_URI) up to '?', not %-decoded */
	const char *query;
	const char *content_type;
	const char *remote_addr;
	const char *user_agent;
	const char *origin;
	const char *host;
	int is_head;
	int https;
	int64_t content_length;   /* -1 when absent */
	int64_t server_max_body;  /* CONFAB_SERVER_MAX_BODY: the server's own body
				   * limit, bytes, when its config says (0: not said) */
	const char *refused;      /* why http_read answered 413, for the page */
	const char *public_url;   /* [server] public_url, or NULL: set by the app */

	struct kvlist query_kv;   /* parsed query string */
	struct kvlist form;       /* parsed urlencoded or multipart body (POST) */
	struct mp_file *files;    /* files of a multipart body (upload routes only) */
	size_t nfiles;
	enum mp_err upload_error; /* MP_TOO_MANY_FILES / MP_FILE_TOO_LARGE: files left out */
	struct kvlist cookies;
	const char *body;         /* the raw POST body, NUL-terminated ("" when none) */
	size_t body_len;
	char *const *env;         /* the server's parameters, for http_env() */

	const char *params[HTTP_MAX_PARAMS]; /* ":name" path segments, in order */
	size_t nparams;

	char reqid[17];

	/* Set by the session layer. */
	const struct user *user;  /* NULL when signed out */
	const char *csrf;         /* token for this visitor's forms */

	/* Set by the dispatcher when a declared field failed validation. */
	const char *invalid;      /* the message for the user, or NULL */
	const char *invalid_field;
	/* Set by the dispatcher once it has matched a route: the fields the
	 * route declares ({NULL}-ended; NULL: none). From then on http_query
	 * and http_form answer NULL, and log an error, for any other name
	 * (the form token "csrf" aside): a handler reads only what its route
	 * declares, so only what the dispatcher checked. */
	const struct field *fields;
	int fields_declared;

	/* The response. */
	int status;
	const char *resp_type;    /* Content-Type; default text/html; charset=utf-8 */
	struct buf *resp_headers; /* extra "Name: value\r\n" lines */
	struct buf *resp_body;
};

/* Which POSTs may carry files, and the limits then (set once per process;
 * without it a multipart body may hold text fields only). */
struct http_uploads {
	int (*route)(const struct req *r);  /* 1 if a POST to r->path may */
	struct mp_limits lim;
	size_t max_body;                    /* the whole body's cap for those */
};
void http_set_uploads(const struct http_uploads *u);
/* The largest body any route accepts (for a reader that must stop early). */
size_t http_max_body(size_t max_body);

/* Fill r from the FastCGI request's parameters and read its body (when
 * urlencoded or multipart and within max_body, or the upload cap on an
 * upload route). Returns 0, or an HTTP status (400, 413) to answer with at
 * once; with 413, r->refused says the limit. A multipart POST that arrives
 * without a body is a 413 too: the server in front refused it as too large
 * (Apache with mod_fcgid passes it on with CONTENT_LENGTH 0), and a browser
 * never sends one empty. */
int http_read(struct req *r, struct FCGX_Request *fr, size_t max_body);

/* Build a request from name=value strings (for tests and the CGI runner):
 * vars is NULL-terminated like environ; body may be NULL. */
int http_read_vars(struct req *r, char *const *vars, const char *body,
		   size_t body_len, size_t max_body);

/* A query or form value, or NULL; NULL too for a name the route does not
 * declare (r->fields). */
const char *http_query(const struct req *r, const char *key);
const char *http_form(const struct req *r, const char *key);
const char *http_cookie(const struct req *r, const char *key);
/* A server parameter by its CGI name ("HTTP_STRIPE_SIGNATURE"), or NULL.
 * Valid for this request only. */
const char *http_env(const struct req *r, const char *name);

/* Response helpers. Header names and values must not contain CR or LF;
 * http_header drops a header that does (and logs it) rather than split. */
void http_header(struct req *r, const char *name, const char *value);
/* Set-Cookie with HttpOnly; SameSite=Lax; Path=/ (and Secure over HTTPS).
 * max_age < 0 means a session cookie, 0 deletes it. */
void http_cookie_set(struct req *r, const char *name, const char *value, int64_t max_age);
/* 303 See Other to a local path (must start with a single '/'; "/" when
 * not), made absolute with the site's address (site_url.h) when it can be
 * told: RFC 7231 allows a relative Location, but lynx warns on each one. */
int http_redirect(struct req *r, const char *path);

/* Write status line, the security headers, extra headers and body to the
 * FastCGI output stream (or to out, for tests, when fr is NULL). */
void http_send(struct req *r, struct FCGX_Request *fr, struct buf *out);

/* The reason phrase for a status code. */
const char *http_reason(int status);

/* 1 if path is a safe local redirect target ("/x", not "//x" or "/\x"). */
int http_local_path(const char *path);

#endif
