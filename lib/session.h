/* session.h — who is asking: the session cookie, CSRF tokens, passwords,
 * flash messages and sign-in throttling. */
#ifndef CONFAB_SESSION_H
#define CONFAB_SESSION_H

#include <stddef.h>
#include <stdint.h>

struct req;
struct user;

#define SESSION_COOKIE "confab_session"
#define VISITOR_COOKIE "confab_visitor"
#define FLASH_COOKIE "confab_flash"


/* Identify the visitor of r: sets r->user when the session cookie is live,
 * and r->csrf (bound to the session, or to a visitor cookie it sets).
 * route_flags: with ROUTE_SESSION_RECENT, a session this process checked
 * moments ago is taken without asking user.db again. */
void session_identify(struct req *r, unsigned route_flags);

/* Start a session for user: new cookie, stored hashed; renews r->csrf. */
int session_start(struct req *r, const struct user *u);
/* End r's session (row deleted, cookie cleared). */
void session_end(struct req *r);

/* 1 if the POST carries the right csrf field and, when the browser sent an
 * Origin header, it names this host. */
int csrf_ok(const struct req *r);
/* Its second half: 1 if r->origin is empty or names r->host. Exposed for
 * its fuzz target (tests/fuzz/fuzz_origin.c). */
int origin_ok(const struct req *r);

/* argon2id. hash_out must hold crypto_pwhash_STRBYTES (128). 0 on success. */
int password_hash(const char *password, char hash_out[128]);
/* 1 if password matches hash. Call with hash NULL to spend the same time
 * on an unknown account (so timing does not reveal which emails exist). */
int password_verify(const char *password, const char *hash);

/* A one-time message shown on the next page (cookie, escaped when shown). */
void flash_set(struct req *r, const char *message);
/* The message for this page, or NULL; clears it. */
const char *flash_take(struct req *r);

#endif
