/* test_valid.c — every validator kind, its bounds and its exact messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "valid.h"

#define E_ACUTE "\xc3\xa9"          /* é: 2 bytes, 1 character */
#define EURO "\xe2\x82\xac"         /* €: 3 bytes */
#define GRIN "\xf0\x9f\x98\x80"     /* U+1F600: 4 bytes */

static const struct field title = { "title", V_STRING, 1, 1, 5, NULL, "Title" };
static const struct field body = { "body", V_TEXT, 0, 0, 10, NULL, "Message" };
static const struct field email = { "email", V_EMAIL, 1, 0, 0, NULL, "Email" };
static const struct field page = { "page", V_INT, 0, 1, 1000, NULL, "Page" };

static void assert_msg(const struct field *f, const char *val, const char *want)
{
	const char *got = valid_check(f, val);
	if (!want) {
		if (got)
			fail_msg("\"%s\": unexpected \"%s\"", val ? val : "(null)", got);
		return;
	}
	if (!got)
		fail_msg("\"%s\" passed, expected \"%s\"", val ? val : "(null)", want);
	assert_string_equal(got, want);
}

static void assert_ok(const struct field *f, const char *val)
{
	assert_msg(f, val, NULL);
}

static void assert_bad(const struct field *f, const char *val)
{
	if (!valid_check(f, val))
		fail_msg("\"%s\" passed", val ? val : "(null)");
}

static void required_and_optional(void **state)
{
	const struct field opt = { "title", V_STRING, 0, 3, 5, NULL, "Title" };
	(void)state;
	assert_msg(&title, NULL, "Title is required.");
	assert_msg(&title, "", "Title is required.");
	assert_msg(&email, NULL, "Email is required.");
	/* Optional: missing or empty is fine whatever min says. */
	assert_ok(&opt, NULL);
	assert_ok(&opt, "");
	assert_msg(&opt, "ab", "Title must be at least 3 characters.");
	assert_ok(&page, NULL);
	assert_ok(&page, "");
}

static void label_fallback(void **state)
{
	const struct field noname = { "nick", V_STRING, 1, 1, 2, NULL, NULL };
	const struct field empty_label = { "room_id", V_UUID, 1, 0, 0, NULL, "" };
	const struct field nothing = { NULL, V_STRING, 1, 1, 2, NULL, NULL };
	(void)state;
	assert_msg(&noname, NULL, "Nick is required.");
	assert_msg(&noname, "abc", "Nick must be at most 2 characters.");
	assert_msg(&empty_label, "x", "Room_id is not a valid ID.");
	assert_msg(&nothing, "", "This field is required.");
}

static void string_bounds(void **state)
{
	(void)state;
	assert_ok(&title, "a");
	assert_ok(&title, "abcde");
	assert_msg(&title, "abcdef", "Title must be at most 5 characters.");
	/* Counted in code points, not bytes. */
	assert_ok(&title, E_ACUTE);
	assert_ok(&title, E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE);          /* 10 bytes */
	assert_msg(&title, E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE,  /* 6 */
		   "Title must be at most 5 characters.");
	assert_ok(&title, EURO GRIN "abc");
	assert_msg(&title, EURO GRIN "abcd", "Title must be at most 5 characters.");
	assert_ok(&title, GRIN GRIN GRIN GRIN GRIN);
	assert_bad(&title, GRIN GRIN GRIN GRIN GRIN GRIN);
}

static void string_min(void **state)
{
	const struct field pw = { "password", V_STRING, 1, 8, 128, NULL, "Password" };
	const struct field one = { "x", V_STRING, 1, 1, 1, NULL, "Initial" };
	const struct field two = { "x", V_STRING, 1, 2, 2, NULL, "Code" };
	(void)state;
	assert_msg(&pw, "1234567", "Password must be at least 8 characters.");
	assert_ok(&pw, "12345678");
	assert_msg(&pw, E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE,
		   "Password must be at least 8 characters.");                /* 14 bytes */
	assert_ok(&pw, E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE);
	assert_ok(&one, E_ACUTE);
	assert_msg(&one, "ab", "Initial must be exactly 1 character.");
	assert_msg(&two, "a", "Code must be exactly 2 characters.");
	assert_ok(&two, E_ACUTE GRIN);
}

static void string_controls(void **state)
{
	(void)state;
	assert_msg(&title, "a\nb", "Title must not contain control characters.");
	assert_msg(&title, "a\tb", "Title must not contain control characters.");
	assert_msg(&title, "a\rb", "Title must not contain control characters.");
	assert_msg(&title, "\x01", "Title must not contain control characters.");
	assert_msg(&title, "\x1b[m", "Title must not contain control characters.");
	assert_msg(&title, "a\x7f", "Title must not contain control characters.");
	assert_msg(&title, "\xc2\x85", "Title must not contain control characters."); /* NEL */
	assert_msg(&title, "\xc2\x9f", "Title must not contain control characters.");
	assert_ok(&title, "\xc2\xa0");   /* NBSP is not a control */
	assert_ok(&title, "a b ~");
}

static void string_bad_utf8(void **state)
{
	(void)state;
	assert_msg(&title, "\xff", "Title is not valid text.");
	assert_msg(&title, "\xc0\x80", "Title is not valid text.");
	assert_msg(&title, "\xed\xa0\x80", "Title is not valid text.");
	assert_msg(&title, "a\xc3", "Title is not valid text.");
	assert_msg(&body, "\xf4\x90\x80\x80", "Message is not valid text.");
}

static void text_kind(void **state)
{
	(void)state;
	assert_ok(&body, "line1\r\nl2\t");    /* exactly 10: CR LF is 2 */
	assert_msg(&body, "line1\r\nl2\tx", "Message must be at most 10 characters.");
	assert_ok(&body, "\n\n\n\n\n\n\n\n\n\n");
	assert_msg(&body, "a\x0b", "Message must not contain control characters.");
	assert_msg(&body, "a\x7f", "Message must not contain control characters.");
	assert_msg(&body, "\x0c", "Message must not contain control characters.");
	assert_msg(&body, "\xc2\x80", "Message must not contain control characters.");
	assert_ok(&body, E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE
		  E_ACUTE E_ACUTE);
	assert_bad(&body, E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE
		   E_ACUTE E_ACUTE E_ACUTE);
}

static void int_range(void **state)
{
	const char *m = "Page must be a whole number between 1 and 1000.";
	(void)state;
	assert_ok(&page, "1");
	assert_ok(&page, "1000");
	assert_ok(&page, "500");
	assert_msg(&page, "0", m);
	assert_msg(&page, "1001", m);
	assert_msg(&page, "-1", m);
}

static void int_not_numbers(void **state)
{
	const char *m = "Page must be a whole number between 1 and 1000.";
	const struct field any = { "n", V_INT, 1, INT64_MIN, INT64_MAX, NULL, "Number" };
	const char *ma = "Number must be a whole number between -9223372036854775808 and "
			 "9223372036854775807.";
	(void)state;
	assert_msg(&page, "12a", m);
	assert_msg(&page, "a12", m);
	assert_msg(&page, "1.5", m);
	assert_msg(&page, "1e3", m);
	assert_msg(&page, " 12", m);
	assert_msg(&page, "12 ", m);
	assert_msg(&page, "+12", m);
	assert_msg(&page, "-", m);
	assert_msg(&page, "--1", m);
	assert_msg(&page, "0x10", m);
	assert_msg(&page, "012", m);     /* one spelling per number */
	assert_msg(&page, "-0", m);
	assert_msg(&page, "\xef\xbc\x91", m);   /* fullwidth 1 */
	assert_msg(&any, "", "Number is required.");
	assert_ok(&any, "0");
	assert_msg(&any, "-0", ma);
	assert_msg(&any, "00", ma);
	assert_ok(&any, "9223372036854775807");
	assert_ok(&any, "-9223372036854775808");
	assert_msg(&any, "9223372036854775808", ma);
	assert_msg(&any, "-9223372036854775809", ma);
	assert_msg(&any, "99999999999999999999", ma);
	assert_msg(&any, "18446744073709551616", ma);   /* 2^64: would wrap to 0 */
	assert_msg(&page, "18446744073709551617", m);   /* would wrap to 1 */
	assert_msg(&page, "100000000000000000000000000000", m);
}

static void int_negative_range(void **state)
{
	const struct field t = { "t", V_INT, 1, -40, -10, NULL, "Temperature" };
	(void)state;
	assert_ok(&t, "-40");
	assert_ok(&t, "-10");
	assert_msg(&t, "-41", "Temperature must be a whole number between -40 and -10.");
	assert_msg(&t, "-9", "Temperature must be a whole number between -40 and -10.");
	assert_msg(&t, "0", "Temperature must be a whole number between -40 and -10.");
}

static void email_valid(void **state)
{
	(void)state;
	assert_ok(&email, "a@b.co");
	assert_ok(&email, "user.name+tag@example.com");
	assert_ok(&email, "USER@EXAMPLE.ORG");
	assert_ok(&email, "o'brien@sub.example.co.uk");
	assert_ok(&email, "x_y-z!#$%&*/=?^`{|}~@a-b.example");
	assert_ok(&email, "jos" E_ACUTE "@b" E_ACUTE "cher.example");
	assert_ok(&email, "a@123.example");
}

static void email_invalid(void **state)
{
	const char *m = "Email is not a valid email address.";
	(void)state;
	assert_msg(&email, "plainaddress", m);
	assert_msg(&email, "@example.com", m);
	assert_msg(&email, "user@", m);
	assert_msg(&email, "a@@b.com", m);
	assert_msg(&email, "a@b@c.com", m);
	assert_msg(&email, "a b@c.com", m);
	assert_msg(&email, "a@b .com", m);
	assert_msg(&email, " a@b.com", m);
	assert_msg(&email, "a@b.com ", m);
	assert_msg(&email, "a\t@b.com", m);
	assert_msg(&email, "a@b.com\n", m);
	assert_msg(&email, "a\xc2\xa0" "b@c.com", m);   /* NBSP */
	assert_msg(&email, "a\xe2\x80\x8b" "b@c.com", m);   /* zero-width space */
	assert_msg(&email, ".a@b.com", m);
	assert_msg(&email, "a.@b.com", m);
	assert_msg(&email, "a..b@c.com", m);
	assert_msg(&email, "a@localhost", m);
	assert_msg(&email, "a@.b.com", m);
	assert_msg(&email, "a@b..com", m);
	assert_msg(&email, "a@b.com.", m);
	assert_msg(&email, "a@-b.com", m);
	assert_msg(&email, "a@b-.com", m);
	assert_msg(&email, "a@b_c.com", m);
	assert_msg(&email, "a@1.2.3.4", m);
	assert_msg(&email, "a@[1.2.3.4]", m);
	assert_msg(&email, "\"a b\"@c.com", m);
	assert_msg(&email, "a(comment)@b.com", m);
	assert_msg(&email, "<a@b.com>", m);
	assert_msg(&email, "a,b@c.com", m);
	assert_msg(&email, "a\\b@c.com", m);
	assert_msg(&email, "a\xff@b.com", m);
	assert_msg(&email, "a@b.c\xed\xa0\x80", m);
}

static void email_lengths(void **state)
{
	const char *m = "Email is not a valid email address.";
	char local[80], addr[400], label[80];
	(void)state;
	/* Local part: 64 bytes is the maximum. */
	memset(local, 'l', 64);
	strcpy(local + 64, "@example.com");
	assert_ok(&email, local);
	memset(local, 'l', 65);
	strcpy(local + 65, "@example.com");
	assert_msg(&email, local, m);
	/* Domain label: 63 bytes is the maximum. */
	memset(label, 'd', 63);
	label[63] = '\0';
	snprintf(addr, sizeof addr, "a@%s.com", label);
	assert_ok(&email, addr);
	snprintf(addr, sizeof addr, "a@%sd.com", label);
	assert_msg(&email, addr, m);
	/* The whole address: 254 bytes is the maximum. "a@" + 4 labels. */
	snprintf(addr, sizeof addr, "a@%s.%s.%s.%.56s.com", label, label, label, label);
	assert_int_equal(strlen(addr), 254);
	assert_ok(&email, addr);
	snprintf(addr, sizeof addr, "a@%s.%s.%s.%.57s.com", label, label, label, label);
	assert_int_equal(strlen(addr), 255);
	assert_msg(&email, addr, m);
}

static void uuid_kind(void **state)
{
	const struct field id = { "id", V_UUID, 1, 0, 0, NULL, "Room" };
	const char *m = "Room is not a valid ID.";
	(void)state;
	assert_ok(&id, "123e4567-e89b-12d3-a456-426614174000");
	assert_ok(&id, "123E4567-E89B-12D3-A456-426614174000");
	assert_msg(&id, "123e4567-e89b-12d3-a456-42661417400", m);
	assert_msg(&id, "123e4567-e89b-12d3-a456-4266141740000", m);
	assert_msg(&id, "123e4567e89b12d3a456426614174000", m);
	assert_msg(&id, "123e4567-e89b-12d3-a456-42661417400g", m);
	assert_msg(&id, "{123e4567-e89b-12d3-a456-426614174000}", m);
	assert_msg(&id, NULL, "Room is required.");
}

static void enum_kind(void **state)
{
	static const char *const sorts[] = { "new", "top", "old", NULL };
	const struct field sort = { "sort", V_ENUM, 0, 0, 0, sorts, "Sort order" };
	const struct field none = { "x", V_ENUM, 0, 0, 0, NULL, "X" };
	const char *m = "Sort order is not one of the allowed choices.";
	(void)state;
	assert_ok(&sort, "new");
	assert_ok(&sort, "top");
	assert_ok(&sort, "old");
	assert_ok(&sort, "");
	assert_ok(&sort, NULL);
	assert_msg(&sort, "New", m);
	assert_msg(&sort, "ne", m);
	assert_msg(&sort, "newer", m);
	assert_msg(&sort, "new ", m);
	assert_msg(&none, "a", "X is not one of the allowed choices.");
}

static void unknown_kind(void **state)
{
	const struct field f = { "f", (enum valid_kind)99, 0, 0, 0, NULL, "Thing" };
	(void)state;
	assert_msg(&f, "x", "Thing cannot be checked.");
}

static void long_label(void **state)
{
	char label[400];
	const struct field f = { "f", V_INT, 1, 0, 1, NULL, label };
	const char *got;
	(void)state;
	/* A label made of 2-byte characters, far longer than the buffer. */
	for (int i = 0; i < 199; i++)
		memcpy(label + 2 * i, E_ACUTE, 2);
	label[398] = '\0';
	got = valid_check(&f, "5");
	assert_non_null(got);
	assert_true(strlen(got) < 320);
	assert_true(utf8_count(got, strlen(got)) > 0);   /* not cut mid-character */
	assert_non_null(strstr(got, " must be a whole number between 0 and 1."));
}

static void utf8_count_cases(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count(E_ACUTE, 2), 1);
	assert_int_equal(utf8_count(E_ACUTE EURO GRIN "x", 10), 4);
	assert_int_equal(utf8_count("a\0b", 3), 3);
	assert_int_equal(utf8_count("\xff", 1), -1);
	assert_int_equal(utf8_count("\xc0\x80", 2), -1);
	assert_int_equal(utf8_count("\xed\xa0\x80", 3), -1);
	assert_int_equal(utf8_count(EURO, 2), -1);   /* cut by n */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(required_and_optional),
		cmocka_unit_test(label_fallback),
		cmocka_unit_test(string_bounds),
		cmocka_unit_test(string_min),
		cmocka_unit_test(string_controls),
		cmocka_unit_test(string_bad_utf8),
		cmocka_unit_test(text_kind),
		cmocka_unit_test(int_range),
		cmocka_unit_test(int_not_numbers),
		cmocka_unit_test(int_negative_range),
		cmocka_unit_test(email_valid),
		cmocka_unit_test(email_invalid),
		cmocka_unit_test(email_lengths),
		cmocka_unit_test(uuid_kind),
		cmocka_unit_test(enum_kind),
		cmocka_unit_test(unknown_kind),
		cmocka_unit_test(long_label),
		cmocka_unit_test(utf8_count_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
