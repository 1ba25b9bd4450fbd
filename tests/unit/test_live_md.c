/* test_live_md.c — where a reply in progress stops being whole blocks,
 * and that what is rendered of it is what the finished reply shows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "live_md.h"
#include "markdown.h"

static size_t end_of(const char *s)
{
	return live_md_end(s, strlen(s));
}

/* The prefix a cut leaves: its length is the offset of `rest` in s. */
static size_t at(const char *s, const char *rest)
{
	const char *p = strstr(s, rest);
	assert_non_null(p);
	return (size_t)(p - s);
}

static void nothing_whole_yet(void **state)
{
	(void)state;
	assert_int_equal(end_of(""), 0);
	assert_int_equal(end_of("Hello, wor"), 0);
	assert_int_equal(end_of("A paragraph\nstill going\n"), 0);
	assert_int_equal(end_of("# Title"), 0);   /* no newline: not whole */
}

static void blank_lines_and_headings_end_blocks(void **state)
{
	const char *s = "## Steps\nFirst a paragraph.\n\n- one\n- two\n\nThen";
	(void)state;
	assert_int_equal(end_of("# Title\n"), strlen("# Title\n"));
	assert_int_equal(end_of(s), at(s, "Then"));
	assert_int_equal(end_of("Para.\n  \t\nNext"), strlen("Para.\n  \t\n"));
	/* Not a heading: #hashtag, seven #s. */
	assert_int_equal(end_of("#hashtag\n"), 0);
	assert_int_equal(end_of("####### seven\n"), 0);
}

static void code_fences(void **state)
{
	const char *open = "Intro\n```python\nx = 1\n\ny = 2\n";
	const char *closed = "```c\nint x;\n\n```\nAfter";
	const char *tilde = "~~~~\n```\nnot closed by backticks\n~~~\nnor by a shorter run\n~~~~  \nrest";
	(void)state;
	/* An open fence: what came before it is whole, its blank lines end nothing. */
	assert_int_equal(end_of(open), at(open, "```python"));
	assert_int_equal(end_of(closed), at(closed, "After"));
	assert_int_equal(end_of(tilde), at(tilde, "rest"));
	/* Four spaces of indent open no fence; an info string with a backtick neither. */
	assert_int_equal(end_of("    ```\ncode\n"), 0);
	assert_int_equal(end_of("``` a`b\n\nx"), strlen("``` a`b\n\n"));
}

static void rendered_as_the_finished_reply(void **state)
{
	const char *reply = "## Plan\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```sh\nls -l\n```\nAnd the last line";
	struct buf live = BUF_INIT, whole = BUF_INIT;
	size_t end;
	(void)state;
	end = live_md_render(reply, strlen(reply), &live);
	assert_int_equal(end, at(reply, "And the last"));
	assert_int_equal(markdown_render(reply, end, &whole), 0);
	assert_string_equal(buf_str(&live), buf_str(&whole));
	assert_non_null(strstr(buf_str(&live), "<h2>Plan</h2>"));
	assert_non_null(strstr(buf_str(&live), "<table tabindex=\"0\">"));
	assert_non_null(strstr(buf_str(&live), "language-sh"));
	assert_null(strstr(buf_str(&live), "last line"));
	buf_free(&live);
	buf_free(&whole);
	markdown_cleanup();
}

static void nothing_rendered_past_the_cap(void **state)
{
	static char big[LIVE_MD_MAX + 16];
	struct buf b = BUF_INIT;
	(void)state;
	memset(big, 'a', sizeof big - 3);
	memcpy(big + sizeof big - 3, "\n\n", 3);
	assert_int_equal(live_md_end(big, sizeof big - 1), sizeof big - 1);
	assert_int_equal(live_md_render(big, sizeof big - 1, &b), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(live_md_render("no block yet", 12, &b), 0);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_whole_yet),
		cmocka_unit_test(blank_lines_and_headings_end_blocks),
		cmocka_unit_test(code_fences),
		cmocka_unit_test(rendered_as_the_finished_reply),
		cmocka_unit_test(nothing_rendered_past_the_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
