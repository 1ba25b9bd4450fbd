/* webhook_sig.c — see webhook_sig.h. */
#include "webhook_sig.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define MAX_KEY 256

const char *whsig_reason(enum whsig_rc rc)
{
	switch (rc) {
	case WHSIG_OK: return "ok";
	case WHSIG_MALFORMED: return "missing or malformed signature header";
	case WHSIG_MISMATCH: return "bad signature";
	case WHSIG_STALE: return "timestamp outside the tolerance";
	case WHSIG_NO_SECRET: return "webhook secret not configured";
	}
	return "bad signature";
}

/* A decimal timestamp of 1 to 12 digits filling [s, end). */
static int parse_ts(const char *s, const char *end, int64_t *out)
{
	int64_t v = 0;
	if (end <= s || end - s > 12)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

int whsig_stripe_parse(const char *header, int64_t *t, unsigned char sigs[][32], size_t *n)
{
	const char *p = header;
	int have_t = 0;

	*n = 0;
	if (!header || strlen(header) > WHSIG_MAX_HEADER)
		return -1;
	while (*p) {
		const char *end = strchr(p, ','), *eq;
		if (!end)
			end = p + strlen(p);
		while (p < end && *p == ' ')
			p++;
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			return -1;
		if (eq - p == 1 && *p == 't') {
			if (have_t || parse_ts(eq + 1, end, t))
				return -1;
			have_t = 1;
		} else if (eq - p == 2 && p[0] == 'v' && p[1] == '1') {
			size_t got;
			/* A v1 that is not 64 hex digits is skipped, not fatal:
			 * another v1 in the header may still match. */
			if (*n < WHSIG_MAX && end - (eq + 1) == 64 &&
			    sodium_hex2bin(sigs[*n], 32, eq + 1, 64, NULL, &got, NULL) == 0 &&
			    got == 32)
				(*n)++;
		}
		p = *end ? end + 1 : end;
	}
	return have_t && *n > 0 ? 0 : -1;
}

/* Constant time over every candidate: the loop never stops early. */
static int any_match(const unsigned char mac[32], unsigned char sigs[][32], size_t n)
{
	int ok = 0;
	for (size_t i = 0; i < n; i++)
		ok |= sodium_memcmp(mac, sigs[i], 32) == 0;
	return ok;
}

static int outside(int64_t t, int64_t now, int64_t tolerance)
{
	return t < now - tolerance || t > now + tolerance;
}

static void stripe_mac(unsigned char mac[32], const char *secret, int64_t t,
		       const void *body, size_t len)
{
	crypto_auth_hmacsha256_state st;
	char ts[32];
	int n = snprintf(ts, sizeof ts, "%lld.", (long long)t);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
	crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, mac);
}

enum whsig_rc whsig_stripe_verify(const char *header, const void *body, size_t len,
				  const char *secret, int64_t now, int64_t tolerance)
{
	unsigned char sigs[WHSIG_MAX][32], mac[32];
	size_t n;
	int64_t t;

	if (!secret || !*secret)
		return WHSIG_NO_SECRET;
	if (whsig_stripe_parse(header, &t, sigs, &n))
		return WHSIG_MALFORMED;
	stripe_mac(mac, secret, t, body, len);
	if (!any_match(mac, sigs, n))
		return WHSIG_MISMATCH;
	return outside(t, now, tolerance) ? WHSIG_STALE : WHSIG_OK;
}

void whsig_stripe_sign(char *out, size_t outlen, const char *secret, int64_t t,
		       const void *body, size_t len)
{
	unsigned char mac[32];
	char hex[65];
	stripe_mac(mac, secret, t, body, len);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(out, outlen, "t=%lld,v1=%s", (long long)t, hex);
}

int whsig_stdwh_parse(const char *header, unsigned char sigs[][32], size_t *n)
{
	const char *p = header;

	*n = 0;
	if (!header || strlen(header) > WHSIG_MAX_HEADER)
		return -1;
	while (*p) {
		const char *end, *comma;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		comma = memchr(p, ',', (size_t)(end - p));
		if (!comma)
			return -1;
		if (comma - p == 2 && p[0] == 'v' && p[1] == '1' && *n < WHSIG_MAX) {
			size_t got;
			unsigned char tmp[64];
			/* HMAC-SHA256 in base64 is 44 characters with padding. */
			if (sodium_base642bin(tmp, sizeof tmp, comma + 1, (size_t)(end - comma - 1),
					      NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
			    got == 32)
				memcpy(sigs[(*n)++], tmp, 32);
		}
		p = end;
	}
	return *n > 0 ? 0 : -1;
}

/* The key: whsec_ and base64, or the secret's own bytes. -1 when unusable. */
static int stdwh_key(const char *secret, unsigned char key[MAX_KEY], size_t *klen)
{
	size_t n = secret ? strlen(secret) : 0;
	if (n == 0)
		return -1;
	if (strncmp(secret, "whsec_", 6) == 0)
		return sodium_base642bin(key, MAX_KEY, secret + 6, n - 6, NULL, klen, NULL,
					 sodium_base64_VARIANT_ORIGINAL) == 0 && *klen > 0 ? 0 : -1;
	if (n > MAX_KEY)
		return -1;
	memcpy(key, secret, n);
	*klen = n;
	return 0;
}

static void stdwh_mac(unsigned char mac[32], const unsigned char *key, size_t klen,
		      const char *id, const char *ts, const void *body, size_t len)
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)id, strlen(id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, mac);
}

enum whsig_rc whsig_stdwh_verify(const char *id, const char *timestamp, const char *header,
				 const void *body, size_t len, const char *secret,
				 int64_t now, int64_t tolerance)
{
	unsigned char key[MAX_KEY], sigs[WHSIG_MAX][32], mac[32];
	size_t klen, n;
	int64_t t;
	enum whsig_rc rc;

	if (stdwh_key(secret, key, &klen))
		return WHSIG_NO_SECRET;
	if (!id || !*id || strlen(id) > 256 || !timestamp ||
	    parse_ts(timestamp, timestamp + strlen(timestamp), &t) ||
	    whsig_stdwh_parse(header, sigs, &n)) {
		sodium_memzero(key, sizeof key);
		return WHSIG_MALFORMED;
	}
	stdwh_mac(mac, key, klen, id, timestamp, body, len);
	sodium_memzero(key, sizeof key);
	rc = any_match(mac, sigs, n) ? WHSIG_OK : WHSIG_MISMATCH;
	if (rc == WHSIG_OK && outside(t, now, tolerance))
		rc = WHSIG_STALE;
	return rc;
}

int whsig_stdwh_sign(char *out, size_t outlen, const char *secret, const char *id,
		     int64_t t, const void *body, size_t len)
{
	unsigned char key[MAX_KEY], mac[32];
	size_t klen;
	char ts[32], b64[64];
	if (stdwh_key(secret, key, &klen))
		return -1;
	snprintf(ts, sizeof ts, "%lld", (long long)t);
	stdwh_mac(mac, key, klen, id, ts, body, len);
	sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, outlen, "v1,%s", b64);
	return 0;
}
