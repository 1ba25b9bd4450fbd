/* app.h — the process: configuration, databases, templates, the route
 * table of one executable, and the FastCGI accept loop. One per process,
 * so it is a global (as Fossil's `g`). */
#ifndef CONFAB_APP_H
#define CONFAB_APP_H

#include <stddef.h>
#include "config.h"
#include "db.h"
#include "http.h"
#include "models.h"
#include "plans.h"
#include "tmpl.h"
#include "valid.h"

#define ROUTE_LOGIN   1u  /* signed-in users only: others are sent to /login */
#define ROUTE_NO_CSRF 2u  /* a POST that carries no form token (webhooks) */
#define ROUTE_SESSION_RECENT 4u /* a GET that may take a session checked in the
				   last 2 s (the poll endpoint; see session.c) */
#define ROUTE_UPLOAD 8u /* a POST that may carry files (multipart/form-data,
			   up to [chat] max_attachments of max_attachment_kib) */
#define ROUTE_FORM_ERRORS 16u /* the handler shows r->invalid itself (a form
				 shown again with what was typed); without it
				 an invalid declared field is a 400 page naming
				 it, and the handler is not called */

struct route {
	const char *method;          /* "GET" (also serves HEAD) or "POST" */
	const char *pattern;         /* "/chat/:id/poll": ':' segments are captured */
	int (*handler)(struct req *r);
	unsigned flags;
	const struct field *fields;  /* accepted fields, ended by {NULL}; or NULL */
};

struct app {
	const char *name;            /* executable name, for logs */
	struct config cfg;
	struct db *user_db, *data_db;
	struct tmpl_set *tmpl;
	struct models models;        /* providers and models: the config, then data.db */
	struct plans plans;          /* plans and their limits: the config, then data.db */
	unsigned char key[32];       /* secret.key: CSRF tokens, users' sealed provider keys */
	const char *public_url;      /* [server] public_url, or NULL: redirects' address */
	const struct route *routes;
	size_t nroutes;
};

extern struct app g;

/* Load the configuration, key and templates (a broken template stops the
 * start with its file and line), then serve: on the socket given with
 * --listen PATH (with --procs N processes, supervised), on the socket
 * already open as fd 0 (spawn-fcgi, mod_fcgid, lighttpd), or as a plain
 * CGI program when fd 0 is not a socket. --check loads, opens (and
 * migrates) the databases, and exits. */
int app_main(int argc, char **argv, const char *name, const struct route *routes,
	     size_t nroutes);

/* Open the databases and load everything app_main loads, without serving
 * (for tests and the command line). 0 or -1 with a message on stderr. */
int app_init(const char *name, const struct route *routes, size_t nroutes);
void app_fini(void);

/* Answer one parsed request: identify, route, check, call the handler.
 * Leaves the response in r. */
void app_dispatch(struct req *r);

/* Match path against pattern, capturing ':' segments into r->params.
 * 1 on a match. */
int route_match(const char *pattern, const char *path, struct req *r);

#endif
