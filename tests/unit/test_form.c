/* test_form.c — urlencoded and cookie parsing, kv_get, utf8_valid. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"

static int setup(void **state)
{
	struct arena *a = malloc(sizeof *a);
	if (!a)
		return -1;
	arena_init(a, 0);
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	free(*state);
	return 0;
}

/* Parse a NUL-terminated string as urlencoded with a generous limit. */
static enum form_err parse(void **state, const char *s, struct kvlist *l)
{
	return form_parse_urlencoded(*state, s, strlen(s), 100, l);
}

static enum form_err cookies(void **state, const char *s, struct kvlist *l)
{
	return form_parse_cookies(*state, s, strlen(s), 100, l);
}

static void assert_kv(const struct kvlist *l, size_t i, const char *k, const char *v)
{
	assert_true(i < l->n);
	assert_string_equal(l->items[i].key, k);
	assert_string_equal(l->items[i].val, v);
	assert_int_equal(l->items[i].val_len, strlen(v));
}

/* ---- urlencoded ---- */

static void url_basic(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "a=1&b=2", &l), FORM_OK);
	assert_int_equal(l.n, 2);
	assert_kv(&l, 0, "a", "1");
	assert_kv(&l, 1, "b", "2");
	assert_string_equal(kv_get(&l, "b"), "2");
	assert_null(kv_get(&l, "c"));
	assert_null(kv_get(&l, "A"));
}

static void url_empty_input(void **state)
{
	struct kvlist l = { (struct kv *)&l, 99 };
	assert_int_equal(form_parse_urlencoded(*state, NULL, 0, 10, &l), FORM_OK);
	assert_int_equal(l.n, 0);
	assert_null(kv_get(&l, "a"));
	assert_int_equal(parse(state, "&&&", &l), FORM_OK);
	assert_int_equal(l.n, 0);
}

static void url_plus(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "q=hello+world&a+b=++", &l), FORM_OK);
	assert_kv(&l, 0, "q", "hello world");
	assert_kv(&l, 1, "a b", "  ");
	/* An encoded plus stays a plus. */
	assert_int_equal(parse(state, "x=1%2B1", &l), FORM_OK);
	assert_kv(&l, 0, "x", "1+1");
}

static void url_percent(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "a=%41%42%43&b=%2f%2F&c=%3d%26", &l), FORM_OK);
	assert_kv(&l, 0, "a", "ABC");
	assert_kv(&l, 1, "b", "//");
	assert_kv(&l, 2, "c", "=&");
	assert_int_equal(parse(state, "t=caf%C3%A9+%e2%82%ac", &l), FORM_OK);
	assert_kv(&l, 0, "t", "caf\xc3\xa9 \xe2\x82\xac");
	/* Raw UTF-8 in the input is fine too. */
	assert_int_equal(parse(state, "t=caf\xc3\xa9", &l), FORM_OK);
	assert_kv(&l, 0, "t", "caf\xc3\xa9");
}

static void url_keys_decoded(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "%61%62=1&x%5B%5D=2", &l), FORM_OK);
	assert_kv(&l, 0, "ab", "1");
	assert_kv(&l, 1, "x[]", "2");
	assert_string_equal(kv_get(&l, "ab"), "1");
}

static void url_malformed_percent(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "a=%zz&b=%4&c=%&d=100%&e=%%41&f=%4g&g=%G1", &l), FORM_OK);
	assert_int_equal(l.n, 7);
	assert_kv(&l, 0, "a", "%zz");
	assert_kv(&l, 1, "b", "%4");
	assert_kv(&l, 2, "c", "%");
	assert_kv(&l, 3, "d", "100%");
	assert_kv(&l, 4, "e", "%A");
	assert_kv(&l, 5, "f", "%4g");
	assert_kv(&l, 6, "g", "%G1");
	assert_int_equal(parse(state, "%=%", &l), FORM_OK);
	assert_kv(&l, 0, "%", "%");
}

static void url_empty_pairs(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "&a=1&&b=2&", &l), FORM_OK);
	assert_int_equal(l.n, 2);
	assert_kv(&l, 0, "a", "1");
	assert_kv(&l, 1, "b", "2");
}

static void url_no_equals(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "flag&a=&b", &l), FORM_OK);
	assert_int_equal(l.n, 3);
	assert_kv(&l, 0, "flag", "");
	assert_kv(&l, 1, "a", "");
	assert_kv(&l, 2, "b", "");
	assert_string_equal(kv_get(&l, "flag"), "");
	/* Only the first '=' splits. */
	assert_int_equal(parse(state, "a==b=c", &l), FORM_OK);
	assert_kv(&l, 0, "a", "=b=c");
	/* An empty key is kept, as browsers do. */
	assert_int_equal(parse(state, "=v", &l), FORM_OK);
	assert_int_equal(l.n, 1);
	assert_kv(&l, 0, "", "v");
}

static void url_repeated_keys(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "a=first&b=x&a=second", &l), FORM_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(kv_get(&l, "a"), "first");
	assert_kv(&l, 2, "a", "second");
}

static void url_field_limit(void **state)
{
	struct kvlist l;
	assert_int_equal(form_parse_urlencoded(*state, "a=1&b=2&c=3", 11, 3, &l), FORM_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(form_parse_urlencoded(*state, "a=1&b=2&c=3&d", 13, 3, &l),
			 FORM_TOO_MANY);
	assert_int_equal(l.n, 0);
	assert_null(l.items);
	/* Empty pairs do not count. */
	assert_int_equal(form_parse_urlencoded(*state, "a&&&b&&&c&&&", 12, 3, &l), FORM_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(form_parse_urlencoded(*state, "a", 1, 0, &l), FORM_TOO_MANY);
	assert_int_equal(form_parse_urlencoded(*state, "&", 1, 0, &l), FORM_OK);
	/* The count is checked before decoding: too many wins over bad bytes. */
	assert_int_equal(form_parse_urlencoded(*state, "a=%00&b&c", 9, 2, &l), FORM_TOO_MANY);
}

static void url_many_fields(void **state)
{
	struct kvlist l;
	char s[1000 * 6 + 1], *p = s;
	for (int i = 0; i < 1000; i++) {
		if (i)
			*p++ = '&';
		p += sprintf(p, "k%03d=", i);
	}
	assert_int_equal(form_parse_urlencoded(*state, s, strlen(s), 1000, &l), FORM_OK);
	assert_int_equal(l.n, 1000);
	assert_string_equal(l.items[999].key, "k999");
	assert_string_equal(kv_get(&l, "k500"), "");
	assert_int_equal(form_parse_urlencoded(*state, s, strlen(s), 999, &l), FORM_TOO_MANY);
}

static void url_nul_refused(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "a=x%00y", &l), FORM_BAD_ENCODING);
	assert_int_equal(l.n, 0);
	assert_null(l.items);
	assert_int_equal(parse(state, "a%00=1", &l), FORM_BAD_ENCODING);
	assert_int_equal(parse(state, "ok=1&a=%00", &l), FORM_BAD_ENCODING);
	/* A raw NUL inside the given length is refused too. */
	assert_int_equal(form_parse_urlencoded(*state, "a=1\0b", 5, 10, &l), FORM_BAD_ENCODING);
}

static void url_bad_utf8(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(state, "a=%C0%80", &l), FORM_BAD_ENCODING);       /* overlong NUL */
	assert_int_equal(parse(state, "a=%C1%BF", &l), FORM_BAD_ENCODING);       /* overlong */
	assert_int_equal(parse(state, "a=%E0%80%AF", &l), FORM_BAD_ENCODING);    /* overlong '/' */
	assert_int_equal(parse(state, "a=%F0%80%80%AF", &l), FORM_BAD_ENCODING); /* overlong '/' */
	assert_int_equal(parse(state, "a=%ED%A0%80", &l), FORM_BAD_ENCODING);    /* U+D800 */
	assert_int_equal(parse(state, "a=%ED%BF%BF", &l), FORM_BAD_ENCODING);    /* U+DFFF */
	assert_int_equal(parse(state, "a=%F4%90%80%80", &l), FORM_BAD_ENCODING); /* U+110000 */
	assert_int_equal(parse(state, "a=%FF", &l), FORM_BAD_ENCODING);
	assert_int_equal(parse(state, "a=%80", &l), FORM_BAD_ENCODING);          /* lone continuation */
	assert_int_equal(parse(state, "a=%C3", &l), FORM_BAD_ENCODING);          /* truncated */
	assert_int_equal(parse(state, "a=%E2%82", &l), FORM_BAD_ENCODING);       /* truncated */
	assert_int_equal(parse(state, "a=%C3%28", &l), FORM_BAD_ENCODING);       /* bad continuation */
	assert_int_equal(parse(state, "%FF=1", &l), FORM_BAD_ENCODING);          /* in a key */
	assert_int_equal(parse(state, "a=\xff", &l), FORM_BAD_ENCODING);         /* raw byte */
	/* The edges that are valid. */
	assert_int_equal(parse(state, "a=%ED%9F%BF&b=%EE%80%80&c=%F4%8F%BF%BF&d=%C2%80", &l),
			 FORM_OK);
	assert_kv(&l, 0, "a", "\xed\x9f\xbf");
	assert_kv(&l, 2, "c", "\xf4\x8f\xbf\xbf");
}

/* The parser must stop at n: give it a buffer with no NUL anywhere whose
 * visible data goes on past n. */
static void url_stops_at_n(void **state)
{
	struct kvlist l;
	char *buf = malloc(16);
	assert_non_null(buf);
	memcpy(buf, "a=12&b=34&c=5678", 16);   /* no terminator */
	assert_int_equal(form_parse_urlencoded(*state, buf, 8, 10, &l), FORM_OK);
	assert_int_equal(l.n, 2);
	assert_kv(&l, 0, "a", "12");
	assert_kv(&l, 1, "b", "3");
	assert_null(kv_get(&l, "c"));
	/* n cutting a %XX escape: the partial escape is literal. */
	memcpy(buf, "a=%41%42%43%44%4", 16);
	assert_int_equal(form_parse_urlencoded(*state, buf, 7, 10, &l), FORM_OK);
	assert_kv(&l, 0, "a", "A%4");
	assert_int_equal(form_parse_urlencoded(*state, buf, 6, 10, &l), FORM_OK);
	assert_kv(&l, 0, "a", "A%");
	assert_int_equal(form_parse_urlencoded(*state, buf, 16, 10, &l), FORM_OK);
	assert_kv(&l, 0, "a", "ABCD%4");
	free(buf);
}

/* ---- cookies ---- */

static void cookie_basic(void **state)
{
	struct kvlist l;
	assert_int_equal(cookies(state, "sid=abc123; theme=dark", &l), FORM_OK);
	assert_int_equal(l.n, 2);
	assert_kv(&l, 0, "sid", "abc123");
	assert_kv(&l, 1, "theme", "dark");
	assert_string_equal(kv_get(&l, "theme"), "dark");
	assert_null(kv_get(&l, "Theme"));
}

static void cookie_spaces(void **state)
{
	struct kvlist l;
	assert_int_equal(cookies(state, "  a=1 ;\tb = 2\t;c=3;d=", &l), FORM_OK);
	assert_int_equal(l.n, 4);
	assert_kv(&l, 0, "a", "1");
	assert_kv(&l, 1, "b", "2");
	assert_kv(&l, 2, "c", "3");
	assert_kv(&l, 3, "d", "");
	/* Spaces inside a value make it malformed. */
	assert_int_equal(cookies(state, "a=x y; b=ok", &l), FORM_OK);
	assert_int_equal(l.n, 1);
	assert_kv(&l, 0, "b", "ok");
}

static void cookie_quotes(void **state)
{
	struct kvlist l;
	assert_int_equal(cookies(state, "a=\"quoted\"; b=\"\"; c=\"; d=\"x; e=x\"; f=ok", &l),
			 FORM_OK);
	assert_int_equal(l.n, 3);
	assert_kv(&l, 0, "a", "quoted");
	assert_kv(&l, 1, "b", "");
	assert_kv(&l, 2, "f", "ok");
	/* No decoding, '=' and other octets kept. */
	assert_int_equal(cookies(state, "t=a%20b+c==", &l), FORM_OK);
	assert_kv(&l, 0, "t", "a%20b+c==");
}

static void cookie_malformed_skipped(void **state)
{
	struct kvlist l;
	assert_int_equal(cookies(state, "=nameless; novalue; ;;  ; a b=1; a,b=2; (x)=3; ok=1", &l),
			 FORM_OK);
	assert_int_equal(l.n, 1);
	assert_kv(&l, 0, "ok", "1");
	assert_int_equal(cookies(state, "v=\x01; w=\xc3\xa9; x=a\\b; y=a,b; z=1", &l), FORM_OK);
	assert_int_equal(l.n, 1);
	assert_kv(&l, 0, "z", "1");
	assert_int_equal(cookies(state, ";;;", &l), FORM_OK);
	assert_int_equal(l.n, 0);
	assert_null(kv_get(&l, "x"));
	assert_int_equal(form_parse_cookies(*state, NULL, 0, 5, &l), FORM_OK);
	assert_int_equal(l.n, 0);
}

static void cookie_repeated(void **state)
{
	struct kvlist l;
	assert_int_equal(cookies(state, "sid=specific; sid=general", &l), FORM_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "sid"), "specific");
}

static void cookie_limit(void **state)
{
	struct kvlist l;
	char s[200 * 8 + 1], *p = s;
	for (int i = 0; i < 200; i++)
		p += sprintf(p, "c%03d=%d; ", i, i % 10);
	assert_int_equal(form_parse_cookies(*state, s, strlen(s), 200, &l), FORM_OK);
	assert_int_equal(l.n, 200);
	assert_kv(&l, 199, "c199", "9");
	assert_int_equal(form_parse_cookies(*state, s, strlen(s), 199, &l), FORM_TOO_MANY);
	assert_int_equal(l.n, 0);
	assert_null(l.items);
	/* Malformed pairs do not count against the limit. */
	assert_int_equal(form_parse_cookies(*state, "a=1; bad; =x; b=2", 17, 2, &l), FORM_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(form_parse_cookies(*state, "a=1", 3, 0, &l), FORM_TOO_MANY);
	assert_int_equal(form_parse_cookies(*state, "bad", 3, 0, &l), FORM_OK);
}

static void cookie_stops_at_n(void **state)
{
	struct kvlist l;
	char *buf = malloc(12);
	assert_non_null(buf);
	memcpy(buf, "a=1; b=\"xy\"", 11);
	buf[11] = 'z';   /* no terminator */
	assert_int_equal(form_parse_cookies(*state, buf, 10, 10, &l), FORM_OK);
	/* b's closing quote is outside n: "xy is malformed. */
	assert_int_equal(l.n, 1);
	assert_kv(&l, 0, "a", "1");
	assert_int_equal(form_parse_cookies(*state, buf, 11, 10, &l), FORM_OK);
	assert_int_equal(l.n, 2);
	assert_kv(&l, 1, "b", "xy");
	assert_int_equal(form_parse_cookies(*state, buf, 12, 10, &l), FORM_OK);
	assert_int_equal(l.n, 1);
	free(buf);
}

/* ---- kv_get, utf8_valid ---- */

static void kv_get_edges(void **state)
{
	struct kvlist empty = { NULL, 0 };
	(void)state;
	assert_null(kv_get(&empty, "a"));
	assert_null(kv_get(NULL, "a"));
}

static void utf8_valid_cases(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid(NULL, 0));
	assert_true(utf8_valid("plain ascii text, long enough for words", 39));
	assert_true(utf8_valid("\xc2\x80", 2));
	assert_true(utf8_valid("\xdf\xbf", 2));
	assert_true(utf8_valid("\xe0\xa0\x80", 3));
	assert_true(utf8_valid("\xef\xbf\xbf", 3));
	assert_true(utf8_valid("\xf0\x90\x80\x80", 4));
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));
	assert_true(utf8_valid("abcdefgh\xc3\xa9" "abcdefghijklmnop", 26));
	assert_false(utf8_valid("\xc0\x80", 2));
	assert_false(utf8_valid("\xc1\xbf", 2));
	assert_false(utf8_valid("\xe0\x9f\xbf", 3));
	assert_false(utf8_valid("\xed\xa0\x80", 3));
	assert_false(utf8_valid("\xf0\x8f\xbf\xbf", 4));
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));
	assert_false(utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(utf8_valid("\xff", 1));
	assert_false(utf8_valid("\xfe", 1));
	assert_false(utf8_valid("\x80", 1));
	assert_false(utf8_valid("abcdefghijklmnop\x80", 17));
	/* A sequence cut by n is invalid even though the bytes go on. */
	assert_false(utf8_valid("\xe2\x82\xac", 2));
	assert_true(utf8_valid("\xe2\x82\xac", 3));
	assert_false(utf8_valid("\xe2\x28\xac", 3));
	/* NUL is valid UTF-8 (the form parser refuses it separately). */
	assert_true(utf8_valid("a\0b", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(url_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(url_empty_input, setup, teardown),
		cmocka_unit_test_setup_teardown(url_plus, setup, teardown),
		cmocka_unit_test_setup_teardown(url_percent, setup, teardown),
		cmocka_unit_test_setup_teardown(url_keys_decoded, setup, teardown),
		cmocka_unit_test_setup_teardown(url_malformed_percent, setup, teardown),
		cmocka_unit_test_setup_teardown(url_empty_pairs, setup, teardown),
		cmocka_unit_test_setup_teardown(url_no_equals, setup, teardown),
		cmocka_unit_test_setup_teardown(url_repeated_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(url_field_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(url_many_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(url_nul_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(url_bad_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(url_stops_at_n, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_spaces, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_quotes, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_malformed_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_repeated, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_stops_at_n, setup, teardown),
		cmocka_unit_test(kv_get_edges),
		cmocka_unit_test(utf8_valid_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
