/* test_keybox.c — sealing users' provider keys: a round trip, and a seal
 * that does not open for another user, another provider, another master
 * key, or after a single bit has changed. Also the registry's cost units. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "keybox.h"
#include "models.h"

static const unsigned char master[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static const char user[] = "0b6e4b1e-2c4e-4a7e-9d49-7a1f2e3d4c5b";

static void round_trip(void **state)
{
	unsigned char *box;
	size_t n;
	char *key;
	(void)state;
	assert_int_equal(keybox_seal(master, user, "openai", "sk-proj-abcdef123456", &box, &n), 0);
	assert_true(n > strlen("sk-proj-abcdef123456"));
	assert_null(memmem(box, n, "sk-proj", 7));
	key = keybox_open(master, user, "openai", box, n);
	assert_non_null(key);
	assert_string_equal(key, "sk-proj-abcdef123456");
	keybox_free(key);
	free(box);
}

static void two_seals_differ(void **state)
{
	unsigned char *a, *b;
	size_t na, nb;
	(void)state;
	keybox_seal(master, user, "openai", "sk-same-key-0000", &a, &na);
	keybox_seal(master, user, "openai", "sk-same-key-0000", &b, &nb);
	assert_int_equal(na, nb);
	assert_memory_not_equal(a, b, na);   /* a fresh nonce each time */
	free(a);
	free(b);
}

static void bound_to_user_provider_and_master(void **state)
{
	unsigned char *box, other[32] = { 9 };
	size_t n;
	(void)state;
	keybox_seal(master, user, "openai", "sk-proj-abcdef123456", &box, &n);
	assert_null(keybox_open(master, "another-user", "openai", box, n));
	assert_null(keybox_open(master, user, "anthropic", box, n));
	assert_null(keybox_open(other, user, "openai", box, n));
	for (size_t i = 0; i < n; i++) {
		box[i] ^= 1;
		assert_null(keybox_open(master, user, "openai", box, n));
		box[i] ^= 1;
	}
	assert_null(keybox_open(master, user, "openai", box, n - 1));
	assert_null(keybox_open(master, user, "openai", box, 3));
	free(box);
}

/* Prices: USD per million tokens to integer micro-dollars, exactly. */
static void prices_to_micro_dollars(void **state)
{
	(void)state;
	assert_int_equal(models_parse_usd("0"), 0);
	assert_int_equal(models_parse_usd("2.5"), 2500000);
	assert_int_equal(models_parse_usd("0.000001"), 1);
	assert_int_equal(models_parse_usd("15.123456"), 15123456);
	assert_int_equal(models_parse_usd(" 3 "), 3000000);
	assert_int_equal(models_parse_usd("-1"), -1);
	assert_int_equal(models_parse_usd("1e3"), -1);
	assert_int_equal(models_parse_usd("0.0000001"), -1);
	assert_int_equal(models_parse_usd(""), -1);
	assert_int_equal(models_parse_usd(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(two_seals_differ),
		cmocka_unit_test(bound_to_user_provider_and_master),
		cmocka_unit_test(prices_to_micro_dollars),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
