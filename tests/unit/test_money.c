/* test_money.c — money_format's three ways, as the pages use them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "money.h"

static const char *fmt(int64_t micro, unsigned style)
{
	static char buf[32];
	money_print(buf, sizeof buf, micro, style);
	return buf;
}

static void exact(void **state)
{
	(void)state;
	assert_string_equal(fmt(0, MONEY_EXACT), "$0.000000");
	assert_string_equal(fmt(1, MONEY_EXACT), "$0.000001");
	assert_string_equal(fmt(1234567, MONEY_EXACT), "$1.234567");
	assert_string_equal(fmt(-1234567, MONEY_EXACT), "-$1.234567");
	assert_string_equal(fmt(5000000, MONEY_EXACT | MONEY_BARE), "5.000000");
	assert_string_equal(fmt(INT64_MAX, MONEY_EXACT), "$9223372036854.775807");
	assert_string_equal(fmt(INT64_MIN, MONEY_EXACT), "-$9223372036854.775808");
}

static void cents(void **state)
{
	(void)state;
	assert_string_equal(fmt(0, MONEY_CENTS), "$0.00");
	assert_string_equal(fmt(9999, MONEY_CENTS), "$0.00"); /* rounded down */
	assert_string_equal(fmt(1239999, MONEY_CENTS), "$1.23");
	assert_string_equal(fmt(-1230000, MONEY_CENTS), "-$1.23");
	assert_string_equal(fmt(20000000, MONEY_CENTS), "$20.00");
}

static void short_form(void **state)
{
	(void)state;
	assert_string_equal(fmt(2500000, MONEY_SHORT), "$2.50");
	assert_string_equal(fmt(10000000, MONEY_SHORT), "$10");
	assert_string_equal(fmt(150, MONEY_SHORT), "$0.00015");
	assert_string_equal(fmt(0, MONEY_SHORT), "$0");
	assert_string_equal(fmt(1234, MONEY_SHORT), "$0.001234");
	assert_string_equal(fmt(-100000, MONEY_SHORT), "-$0.10");
}

/* The printf version money_print replaced, as the reference. */
static int reference(char *buf, size_t n, int64_t micro, unsigned style)
{
	uint64_t m = micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro;
	unsigned long long whole = m / 1000000, frac = m % 1000000;
	const char *sign = micro < 0 ? "-" : "", *dollar = (style & MONEY_BARE) ? "" : "$";
	char digits[8];
	int k;
	switch (style & 0xff) {
	case MONEY_CENTS:
		return snprintf(buf, n, "%s%s%llu.%02llu", sign, dollar, whole, frac / 10000);
	case MONEY_SHORT:
		if (frac == 0)
			return snprintf(buf, n, "%s%s%llu", sign, dollar, whole);
		k = snprintf(digits, sizeof digits, "%06llu", frac);
		while (k > 2 && digits[k - 1] == '0')
			digits[--k] = '\0';
		return snprintf(buf, n, "%s%s%llu.%s", sign, dollar, whole, digits);
	default:
		return snprintf(buf, n, "%s%s%llu.%06llu", sign, dollar, whole, frac);
	}
}

/* Every style, bare or not, into buffers of every size up to enough, for
 * edge amounts and a spread of others: the same bytes and lengths as the
 * reference, truncation included. */
static void same_as_printf(void **state)
{
	static const int64_t edge[] = { 0, 1, 9, 10, 99, 100, 10000, 999999, 1000000, 1000001,
		1010000, 1500000, 123456789, -1, -1000000, -1234567, INT64_MAX, INT64_MIN };
	unsigned styles[] = { MONEY_EXACT, MONEY_CENTS, MONEY_SHORT };
	uint64_t x = 88172645463325252u;
	(void)state;
	for (int i = 0; i < 20000; i++) {
		int64_t v;
		if (i < (int)(sizeof edge / sizeof *edge)) {
			v = edge[i];
		} else {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			v = (int64_t)(x >> (x % 60));
			if (x & 1)
				v = -v;
		}
		for (int s = 0; s < 6; s++) {
			unsigned style = styles[s % 3] | (s >= 3 ? MONEY_BARE : 0);
			for (size_t n = 0; n <= 40; n += (i < 64 ? 1 : 13)) {
				char got[48], want[48];
				memset(got, 'x', sizeof got);
				memset(want, 'x', sizeof want);
				assert_int_equal(money_print(got, n, v, style), reference(want, n, v, style));
				assert_memory_equal(got, want, sizeof got);
			}
		}
	}
}

static void arena_copy(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 0);
	assert_string_equal(money_format(&a, 1500000, MONEY_SHORT), "$1.50");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact),
		cmocka_unit_test(cents),
		cmocka_unit_test(short_form),
		cmocka_unit_test(same_as_printf),
		cmocka_unit_test(arena_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
