/* webhook_sig.h — verifying the signatures billing providers put on their
 * webhooks: Stripe's `Stripe-Signature: t=TS,v1=HEX[,v1=HEX...]` and
 * Standard Webhooks (Polar): `webhook-signature: v1,BASE64[ v1,BASE64...]`
 * over "id.timestamp.body". Both are HMAC-SHA256, compared in constant
 * time, and refused when the timestamp is further than the tolerance from
 * now in either direction (a replayed capture, or a clock gone wrong).
 * Pure functions: no allocation, no I/O. */
#ifndef CONFAB_WEBHOOK_SIG_H
#define CONFAB_WEBHOOK_SIG_H

#include <stddef.h>
#include <stdint.h>

#define WHSIG_MAX 8            /* signatures considered in one header */
#define WHSIG_MAX_HEADER 4096  /* longer headers are malformed */

enum whsig_rc {
	WHSIG_OK = 0,
	WHSIG_MALFORMED,   /* a header missing, unparsable, or no usable signature */
	WHSIG_MISMATCH,    /* no signature matches the body under the secret */
	WHSIG_STALE,       /* signed correctly, but the timestamp is outside the tolerance */
	WHSIG_NO_SECRET    /* the secret is empty or (whsec_) not valid base64 */
};

/* A short English phrase for rc ("bad signature"), for logs and replies. */
const char *whsig_reason(enum whsig_rc rc);

/* Parse a Stripe-Signature header: *t and up to WHSIG_MAX v1 signatures
 * (other schemes, such as v0, are skipped). 0, or -1 when malformed. */
int whsig_stripe_parse(const char *header, int64_t *t, unsigned char sigs[][32], size_t *n);

/* Verify a Stripe webhook: header is Stripe-Signature, secret the
 * endpoint's whsec_... string used as is, now and tolerance in seconds. */
enum whsig_rc whsig_stripe_verify(const char *header, const void *body, size_t len,
				  const char *secret, int64_t now, int64_t tolerance);

/* Parse a webhook-signature header: up to WHSIG_MAX "v1," signatures
 * (other versions are skipped). 0, or -1 when malformed. */
int whsig_stdwh_parse(const char *header, unsigned char sigs[][32], size_t *n);

/* Verify a Standard Webhooks delivery (Polar). secret "whsec_BASE64" is
 * the base64 of the key; any other string is the key's bytes as they are
 * (how Polar's own libraries use the secret it shows). */
enum whsig_rc whsig_stdwh_verify(const char *id, const char *timestamp, const char *header,
				 const void *body, size_t len, const char *secret,
				 int64_t now, int64_t tolerance);

/* Sign as the providers do, for tests and the billing simulator: a
 * Stripe-Signature header value, or a "v1,BASE64" signature. out must
 * hold 128 bytes. */
void whsig_stripe_sign(char *out, size_t outlen, const char *secret, int64_t t,
		       const void *body, size_t len);
int whsig_stdwh_sign(char *out, size_t outlen, const char *secret, const char *id,
		     int64_t t, const void *body, size_t len);

#endif
