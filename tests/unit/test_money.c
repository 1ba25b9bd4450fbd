/* test_money.c — money_format's three ways, as the pages use them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

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
		cmocka_unit_test(arena_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
