/* fuzz_webhook_sig.c — libFuzzer target for the webhook signature headers:
 * Stripe-Signature and Standard Webhooks' webhook-signature, parsed and
 * verified. The input is split at its first NUL into a header and a body.
 * The checks are the parsers' promises: at most WHSIG_MAX signatures, a
 * successful parse means at least one, and a header re-signed with the
 * parsed timestamp over the same body verifies.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "webhook_sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char sigs[WHSIG_MAX][32];
	char *in = malloc(size + 1), h[256];
	const char *body;
	size_t n, blen;
	int64_t t;
	enum whsig_rc rc;

	if (!in || sodium_init() < 0)
		return free(in), 0;
	memcpy(in, data, size);
	in[size] = '\0';
	body = in + strlen(in) + (strlen(in) < size);
	blen = size - (size_t)(body - in);

	if (whsig_stripe_parse(in, &t, sigs, &n) == 0) {
		CHECK(n >= 1 && n <= WHSIG_MAX);
		whsig_stripe_sign(h, sizeof h, "whsec_fuzz", t, body, blen);
		CHECK(whsig_stripe_verify(h, body, blen, "whsec_fuzz", t, 300) == WHSIG_OK);
	}
	rc = whsig_stripe_verify(in, body, blen, "whsec_fuzz", 1750000000, 300);
	CHECK(rc == WHSIG_OK || rc == WHSIG_MALFORMED || rc == WHSIG_MISMATCH || rc == WHSIG_STALE);

	if (whsig_stdwh_parse(in, sigs, &n) == 0)
		CHECK(n >= 1 && n <= WHSIG_MAX);
	rc = whsig_stdwh_verify("msg_1", "1750000000", in, body, blen, "whsec_ZnV6eg==",
				1750000000, 300);
	CHECK(rc == WHSIG_MALFORMED || rc == WHSIG_MISMATCH || rc == WHSIG_OK);
	/* The header as the secret and the id: neither may crash. */
	whsig_stdwh_verify(in, "1", "v1,AAAA", body, blen, in, 1, 300);
	free(in);
	return 0;
}
