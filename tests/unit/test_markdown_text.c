/* test_markdown_text.c — the rating page's excerpt: a reply's words
 * without its markdown, cut short at a character boundary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "markdown_text.h"

static char got[8192];

static const char *text_of(const char *md, size_t limit)
{
	struct buf b = BUF_INIT;
	assert_int_equal(markdown_text(md, strlen(md), limit, &b), 0);
	assert_true(b.len < sizeof got);
	memcpy(got, buf_str(&b), b.len + 1);
	buf_free(&b);
	return got;
}

static void marks_go_words_stay(void **state)
{
	(void)state;
	assert_string_equal(text_of("## Plan\n\nUse **bold** and `code`.\n", 400),
			    "Plan Use bold and code.");
	assert_string_equal(text_of("- one\n- [x] two\n\n1. three\n", 400), "one two three");
	assert_string_equal(text_of("> quoted\n> on two lines\n", 400), "quoted on two lines");
	assert_string_equal(text_of("[the docs](https://x.org) ~~old~~\n", 400), "the docs old");
	assert_string_equal(text_of("```c\nint x;\n```\nafter\n", 400), "int x; after");
	assert_string_equal(text_of("| a | b |\n|---|---|\n| 1 | 2 |\n", 400), "a b 1 2");
	/* Raw HTML stays as its text: the page escapes it like any text. */
	assert_string_equal(text_of("a <b>x</b>\n", 400), "a <b>x</b>");
}

static void empty_and_blank(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	assert_int_equal(markdown_text("", 0, 400, &b), 0);
	assert_int_equal(markdown_text(NULL, 0, 400, &b), 0);
	assert_int_equal(b.len, 0);
	assert_string_equal(text_of("\n\n  \n", 400), "");
	buf_free(&b);
}

static void cut_at_a_character(void **state)
{
	(void)state;
	assert_string_equal(text_of("abcdef ghi", 6), "abcdef…");
	assert_string_equal(text_of("abc def", 4), "abc…");   /* no space before … */
	/* "é" is two bytes: a cut through it keeps the whole character out. */
	assert_string_equal(text_of("aé", 2), "a…");
	assert_string_equal(text_of("exactly", 7), "exactly");
}

/* Past MARKDOWN_TEXT_SCAN the rest is not read, and the excerpt says so. */
static void long_replies_cost_the_same(void **state)
{
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	(void)state;
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 50 == 49 ? '\n' : (i % 7 ? 'x' : ' ');
	big[n] = '\0';
	const char *t = text_of(big, 400);
	assert_true(strlen(t) <= 400 + strlen("…"));
	assert_non_null(strstr(t, "…"));
	/* A short text whose end is past the scan still ends in "…". */
	memset(big, '|', n);
	memcpy(big, "word", 4);
	assert_non_null(strstr(text_of(big, 8000), "…"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(marks_go_words_stay),
		cmocka_unit_test(empty_and_blank),
		cmocka_unit_test(cut_at_a_character),
		cmocka_unit_test(long_replies_cost_the_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
