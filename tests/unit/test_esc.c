/* test_esc.c — exact output of each escaper. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "esc.h"

typedef void (*escaper)(struct buf *, const char *, size_t);

/* Escape the first n bytes of s with fn and compare with want. */
static void check_n(escaper fn, const char *s, size_t n, const char *want)
{
	struct buf b = BUF_INIT;
	fn(&b, s, n);
	assert_string_equal(buf_str(&b), want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

static void check(escaper fn, const char *s, const char *want)
{
	check_n(fn, s, strlen(s), want);
}

static void html_specials(void **state)
{
	(void)state;
	check(esc_html, "&", "&amp;");
	check(esc_html, "<", "&lt;");
	check(esc_html, ">", "&gt;");
	check(esc_html, "\"", "&quot;");
	check(esc_html, "'", "&#39;");
	check(esc_html, "<a href=\"x\" title='y'>&</a>",
	      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
	check(esc_html, "&amp;", "&amp;amp;");
}

static void html_plain(void **state)
{
	(void)state;
	check(esc_html, "", "");
	check(esc_html, "hello, world", "hello, world");
	check(esc_html, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	check(esc_html, "a\nb\tc/=`", "a\nb\tc/=`");
	check(esc_html, "x<y", "x&lt;y");
	check(esc_html, "<<>>", "&lt;&lt;&gt;&gt;");
}

static void html_appends(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	buf_puts(&b, "pre:");
	esc_html(&b, "<b>", 3);
	buf_puts(&b, ":");
	esc_html(&b, "ok", 2);
	assert_string_equal(buf_str(&b), "pre:&lt;b&gt;:ok");
	buf_free(&b);
}

static void html_length_bound(void **state)
{
	(void)state;
	/* Only n bytes are read; embedded NULs are data. */
	check_n(esc_html, "a<b>c", 2, "a&lt;");
	{
		struct buf b = BUF_INIT;
		esc_html(&b, "a\0<", 3);
		assert_int_equal(b.len, 6);
		assert_memory_equal(b.data, "a\0&lt;", 6);
		buf_free(&b);
	}
}

static void url_unreserved(void **state)
{
	(void)state;
	check(esc_url, "", "");
	check(esc_url, "ABCXYZabcxyz0189-._~", "ABCXYZabcxyz0189-._~");
}

static void url_reserved(void **state)
{
	(void)state;
	check(esc_url, " ", "%20");
	check(esc_url, "+", "%2B");
	check(esc_url, "a b&c=d/e?f#g", "a%20b%26c%3Dd%2Fe%3Ff%23g");
	check(esc_url, ":/?#[]@!$&'()*+,;=%",
	      "%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25");
	check(esc_url, "\"<>\\^`{|}", "%22%3C%3E%5C%5E%60%7B%7C%7D");
	check(esc_url, "\n\x7f", "%0A%7F");
}

static void url_utf8(void **state)
{
	(void)state;
	check(esc_url, "caf\xc3\xa9", "caf%C3%A9");
	check(esc_url, "\xe2\x82\xac", "%E2%82%AC");
	check(esc_url, "\xf0\x9f\x98\x80", "%F0%9F%98%80");
	check(esc_url, "\xff", "%FF");
	check_n(esc_url, "\0", 1, "%00");
}

static void json_named(void **state)
{
	(void)state;
	check(esc_json, "\"", "\\\"");
	check(esc_json, "\\", "\\\\");
	check(esc_json, "\n", "\\n");
	check(esc_json, "\r", "\\r");
	check(esc_json, "\t", "\\t");
	check(esc_json, "\b", "\\b");
	check(esc_json, "\f", "\\f");
	check(esc_json, "say \"hi\"\r\n", "say \\\"hi\\\"\\r\\n");
}

static void json_controls(void **state)
{
	(void)state;
	check_n(esc_json, "\0", 1, "\\u0000");
	check(esc_json, "\x01", "\\u0001");
	check(esc_json, "\x0b", "\\u000b");
	check(esc_json, "\x1f", "\\u001f");
	check(esc_json, "\x7f", "\\u007f");
	check(esc_json, "\x1b[0m", "\\u001b[0m");
	/* Every C0 control is escaped one way or the other. */
	for (int c = 1; c < 0x20; c++) {
		struct buf b = BUF_INIT;
		char ch = (char)c;
		esc_json(&b, &ch, 1);
		assert_true(b.len == 2 || b.len == 6);
		assert_int_equal(b.data[0], '\\');
		buf_free(&b);
	}
}

static void json_html_safe(void **state)
{
	(void)state;
	check(esc_json, "<", "\\u003c");
	check(esc_json, ">", "\\u003e");
	check(esc_json, "&", "\\u0026");
	check(esc_json, "</script><!--", "\\u003c/script\\u003e\\u003c!--");
	check(esc_json, "'", "'");
	check(esc_json, "/", "/");
}

static void json_utf8_passthrough(void **state)
{
	(void)state;
	check(esc_json, "", "");
	check(esc_json, "plain text 123", "plain text 123");
	check(esc_json, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	check(esc_json, "\xc3\xa9<\xc3\xa9", "\xc3\xa9\\u003c\xc3\xa9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_specials),
		cmocka_unit_test(html_plain),
		cmocka_unit_test(html_appends),
		cmocka_unit_test(html_length_bound),
		cmocka_unit_test(url_unreserved),
		cmocka_unit_test(url_reserved),
		cmocka_unit_test(url_utf8),
		cmocka_unit_test(json_named),
		cmocka_unit_test(json_controls),
		cmocka_unit_test(json_html_safe),
		cmocka_unit_test(json_utf8_passthrough),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
