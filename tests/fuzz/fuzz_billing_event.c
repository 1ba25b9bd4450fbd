/* fuzz_billing_event.c — libFuzzer target for reading Stripe and Polar
 * webhook bodies (billing_event.c) and ISO 8601 times. The checks are the
 * reader's promises: a subscription event has a subscription id and one
 * of confab's three statuses (or none), a credit event a user, a
 * checkout and a positive amount.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "billing_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void promises(const struct billing_event *ev)
{
	if (ev->kind == BEV_SUBSCRIPTION) {
		CHECK(ev->subscription_id != NULL);
		CHECK(!ev->status || !strcmp(ev->status, "active") ||
		      !strcmp(ev->status, "cancelled") || !strcmp(ev->status, "past_due"));
	}
	if (ev->kind == BEV_CREDITS)
		CHECK(ev->user_id && ev->checkout_id && ev->credits > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int ready;
	struct billing_event ev;
	const char *err;
	char *in = malloc(size + 1);

	if (!in)
		return 0;
	if (!ready) {
		arena_init(&a, 1024);
		ready = 1;
	}
	memcpy(in, data, size);
	in[size] = '\0';
	if (billing_event_stripe(&a, in, size, &ev, &err) == 0)
		promises(&ev);
	if (billing_event_polar(&a, in, size, "wh_1", &ev, &err) == 0)
		promises(&ev);
	billing_parse_iso8601(in);
	arena_reset(&a);
	free(in);
	return 0;
}
