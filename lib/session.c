/* session.c — see session.h. */
#include "session.h"
#include "app.h"
#include "esc.h"
#include "form.h"
#include "http.h"
#include "log.h"
#include "store_user.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#define TOKEN_BYTES 32
#define TOKEN_CHARS 43  /* base64url of 32 bytes, no padding */

/* Hex SHA-256 of a cookie token: what the sessions table stores. */
static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	hex_encode(out, h, sizeof h);
}

static void token_new(char out[TOKEN_CHARS + 1])
{
	unsigned char b[TOKEN_BYTES];
	randombytes_buf(b, sizeof b);
	sodium_bin2base64(out, TOKEN_CHARS + 1, b, sizeof b,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int token_plausible(const char *t)
{
	if (!t || strlen(t) != TOKEN_CHARS)
		return 0;
	for (; *t; t++)
		if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') ||
		      (*t >= '0' && *t <= '9') || *t == '-' || *t == '_'))
			return 0;
	return 1;
}

/* CSRF token: a keyed hash of what identifies the visitor, so it needs no
 * storage and dies with the session. */
static const char *csrf_for(struct req *r, const char *kind, const char *id)
{
	unsigned char mac[crypto_generichash_BYTES];
	crypto_generichash_state st;
	char *hex = arena_alloc(r->a, 2 * sizeof mac + 1);
	crypto_generichash_init(&st, g.key, sizeof g.key, sizeof mac);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind));
	crypto_generichash_update(&st, (const unsigned char *)":", 1);
	crypto_generichash_update(&st, (const unsigned char *)id, strlen(id));
	crypto_generichash_final(&st, mac, sizeof mac);
	hex_encode(hex, mac, sizeof mac);
	return hex;
}

/* Sessions this process found valid in the last SESSION_RECENT_MS, for
 * routes that may take one (the poll endpoint: poll.js asks a few times a
 * second with the same cookie, and the user.db read is a third of such a
 * request's cost). A sign-out or a disabled account therefore reaches a poll
 * within that time; every other route asks the store each time. */
#define SESSION_RECENT_MS 2000
#define RECENT_SLOTS 16
/* A slot is keyed by the cookie token itself, compared in constant time,
 * and keeps the session's CSRF token: a hit costs neither the SHA-256 nor
 * the keyed hash (together a sixth of a poll's instructions). */
static struct recent {
	char token[TOKEN_CHARS + 1];
	char csrf[2 * crypto_generichash_BYTES + 1];
	int64_t at;
	struct user u;  /* its strings are the slot's own (malloc) */
} recent[RECENT_SLOTS];

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void recent_put(const char *tok, const char *csrf, const struct user *u, int64_t now)
{
	struct recent *slot = &recent[0];
	for (int i = 0; i < RECENT_SLOTS; i++) {
		if (!sodium_memcmp(recent[i].token, tok, TOKEN_CHARS)) {
			slot = &recent[i];
			break;
		}
		if (recent[i].at < slot->at)
			slot = &recent[i];
	}
	free((char *)slot->u.email);
	free((char *)slot->u.name);
	free((char *)slot->u.plan);
	free((char *)slot->u.timezone);
	slot->u = *u;
	slot->u.email = dup_or_null(u->email);
	slot->u.name = dup_or_null(u->name);
	slot->u.plan = dup_or_null(u->plan);
	slot->u.timezone = dup_or_null(u->timezone);
	memcpy(slot->token, tok, TOKEN_CHARS + 1);
	snprintf(slot->csrf, sizeof slot->csrf, "%s", csrf);
	slot->at = now;
}

/* The slot of token tok if it was checked less than SESSION_RECENT_MS ago
 * (its user copied into the arena), or NULL. */
static const struct recent *recent_get(struct arena *a, const char *tok, int64_t now,
				       struct user *out)
{
	for (int i = 0; i < RECENT_SLOTS; i++) {
		const struct recent *slot = &recent[i];
		if (now - slot->at >= SESSION_RECENT_MS ||
		    sodium_memcmp(slot->token, tok, TOKEN_CHARS))
			continue;
		*out = slot->u;
		out->email = slot->u.email ? arena_strdup(a, slot->u.email) : NULL;
		out->name = slot->u.name ? arena_strdup(a, slot->u.name) : NULL;
		out->plan = slot->u.plan ? arena_strdup(a, slot->u.plan) : NULL;
		out->timezone = slot->u.timezone ? arena_strdup(a, slot->u.timezone) : NULL;
		return slot;
	}
	return NULL;
}

void session_identify(struct req *r, unsigned route_flags)
{
	const char *tok = http_cookie(r, SESSION_COOKIE);
	const char *visitor;

	if (token_plausible(tok)) {
		char h[65];
		struct user *u = arena_zalloc(r->a, sizeof *u);
		int64_t now = now_ms();
		const struct recent *hit;
		if ((route_flags & ROUTE_SESSION_RECENT) && (hit = recent_get(r->a, tok, now, u))) {
			r->user = u;
			r->csrf = arena_strdup(r->a, hit->csrf);
			return;
		}
		token_hash(tok, h);
		if (session_user(g.user_db, r->a, h, now, g.cfg.session_idle_ms, u) ==
		    STORE_OK) {
			r->user = u;
			r->csrf = csrf_for(r, "session", h);
			if (route_flags & ROUTE_SESSION_RECENT)
				recent_put(tok, r->csrf, u, now);
			return;
		}
	}
	/* Signed out: bind the token to a visitor cookie (double submit, but
	 * keyed, so a cookie planted by a sibling subdomain is not enough). */
	visitor = http_cookie(r, VISITOR_COOKIE);
	if (!token_plausible(visitor)) {
		char *t = arena_alloc(r->a, TOKEN_CHARS + 1);
		token_new(t);
		visitor = t;
		http_cookie_set(r, VISITOR_COOKIE, visitor, -1);
		/* A cookie set now does not come back with this request's form. */
		r->cookies.n = 0;
	}
	r->csrf = csrf_for(r, "visitor", visitor);
}

int session_start(struct req *r, const struct user *u)
{
	char tok[TOKEN_CHARS + 1], h[65];
	int64_t now = now_ms();
	token_new(tok);
	token_hash(tok, h);
	if (session_create(g.user_db, h, u->id, now, now + g.cfg.session_max_ms,
			   r->remote_addr, r->user_agent) != STORE_OK)
		return -1;
	user_record_login(g.user_db, u->id, now);
	http_cookie_set(r, SESSION_COOKIE, arena_strdup(r->a, tok), g.cfg.session_max_ms / 1000);
	r->user = u;
	r->csrf = csrf_for(r, "session", h);
	return 0;
}

void session_end(struct req *r)
{
	const char *tok = http_cookie(r, SESSION_COOKIE);
	if (token_plausible(tok)) {
		char h[65];
		token_hash(tok, h);
		session_delete(g.user_db, h);
	}
	http_cookie_set(r, SESSION_COOKIE, "", 0);
	r->user = NULL;
}

/* Length of the host name in "host[:port]" or "[v6]:port". */
static size_t hostname_len(const char *s)
{
	const char *end = s[0] == '[' ? strchr(s, ']') : strchr(s, ':');
	if (s[0] == '[')
		return end ? (size_t)(end - s) + 1 : strlen(s);
	return end ? (size_t)(end - s) : strlen(s);
}

/* Host names are compared without ports: nginx's stock fastcgi_params pass
 * HTTP_HOST as $host, which has none. Cookies are not port-scoped either. */
int origin_ok(const struct req *r)
{
	const char *o = r->origin, *rest;
	size_t n;
	if (!*o)
		return 1;
	if (strncmp(o, "https://", 8) == 0)
		rest = o + 8;
	else if (strncmp(o, "http://", 7) == 0)
		rest = o + 7;
	else
		return 0;
	n = hostname_len(rest);
	return *r->host && n == hostname_len(r->host) && strncasecmp(rest, r->host, n) == 0;
}

int csrf_ok(const struct req *r)
{
	const char *sent = http_form(r, "csrf");
	if (!sent || !r->csrf || strlen(sent) != strlen(r->csrf))
		return 0;
	if (sodium_memcmp(sent, r->csrf, strlen(sent)) != 0)
		return 0;
	return origin_ok(r);
}

int password_hash(const char *password, char hash_out[128])
{
	return crypto_pwhash_str(hash_out, password, strlen(password),
				 g.cfg.password_opslimit, g.cfg.password_memlimit);
}

int password_verify(const char *password, const char *hash)
{
	static char dummy[crypto_pwhash_STRBYTES];
	if (!hash) {
		/* Same work as a real check, against a hash of nothing. */
		if (!dummy[0] && password_hash("not a password", dummy))
			return 0;
		if (crypto_pwhash_str_verify(dummy, password, strlen(password)) == 0)
			return 0;
		return 0;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void flash_set(struct req *r, const char *message)
{
	struct buf b = BUF_INIT;
	esc_url(&b, message, strlen(message));
	http_cookie_set(r, FLASH_COOKIE, arena_strdup(r->a, buf_str(&b)), 60);
	buf_free(&b);
}

const char *flash_take(struct req *r)
{
	const char *v = http_cookie(r, FLASH_COOKIE);
	struct kvlist kv;
	const char *msg;
	if (!v || !*v)
		return NULL;
	http_cookie_set(r, FLASH_COOKIE, "", 0);
	/* Decode the URL-encoded text with the form parser: "m=<value>". */
	if (form_parse_urlencoded(r->a, arena_printf(r->a, "m=%s", v), strlen(v) + 2, 1, &kv)
	    != FORM_OK)
		return NULL;
	msg = kv_get(&kv, "m");
	/* Only short messages: the cookie is the visitor's to edit. */
	return msg && *msg && strlen(msg) <= 300 ? msg : NULL;
}
