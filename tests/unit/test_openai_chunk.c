/* test_openai_chunk.c — the OpenAI chunk read without jansson: what it
 * reads and what it must leave to jansson (fuzz_openai_chunk compares the
 * two readers on any input). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "openai_chunk.h"

/* Read s; returns what openai_chunk_read did (1 read, 0 declined). */
static int read_chunk(const char *s, struct gen_out *o, int *rc)
{
	gen_out_init(o);
	*rc = 99;
	return openai_chunk_read(s, strlen(s), o, rc);
}

static void test_plain_chunk(void **state)
{
	struct gen_out o;
	int rc;
	(void)state;
	assert_int_equal(read_chunk("{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\","
				    "\"created\":1723024748,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
				    "\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},"
				    "\"logprobs\":null,\"finish_reason\":null}]}", &o, &rc), 1);
	assert_int_equal(rc, 0);
	assert_string_equal(buf_str(&o.text), "Hello");
	assert_int_equal(o.reasoning.len, 0);
	assert_string_equal(o.finish, "");
	assert_false(o.usage_seen);
	gen_out_free(&o);
}

static void test_escapes_and_utf8(void **state)
{
	struct gen_out o;
	int rc;
	(void)state;
	assert_int_equal(read_chunk("{\"choices\":[{\"delta\":{\"content\":\"Caf\\u00e9 \\ud83d\\ude00 "
				    "\\\"q\\\" \\\\ \\/ \\n\\t na\xc3\xafve \xe4\xb8\xad\"}}]}", &o, &rc), 1);
	assert_string_equal(buf_str(&o.text), "Caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \n\t "
			    "na\xc3\xafve \xe4\xb8\xad");
	gen_out_free(&o);
}

static void test_reasoning_finish_usage(void **state)
{
	struct gen_out o;
	int rc;
	(void)state;
	assert_int_equal(read_chunk("{\"choices\":[{\"delta\":{\"reasoning\":\"a\",\"reasoning_content\":"
				    "\"b\",\"content\":\"c\"},\"finish_reason\":\"stop\"}],\"usage\":"
				    "{\"prompt_tokens\":14,\"completion_tokens\":47,\"total_tokens\":61,"
				    "\"prompt_tokens_details\":{\"cached_tokens\":0},\"cost\":1.5}}",
				    &o, &rc), 1);
	assert_string_equal(buf_str(&o.text), "c");
	assert_string_equal(buf_str(&o.reasoning), "ab");
	assert_string_equal(o.finish, "stop");
	assert_true(o.usage_seen);
	assert_int_equal(o.tokens_in, 14);
	assert_int_equal(o.tokens_out, 47);
	gen_out_free(&o);
}

/* Only the first choice counts; counts that are not integers do not. */
static void test_first_choice_integer_counts(void **state)
{
	struct gen_out o;
	int rc;
	(void)state;
	assert_int_equal(read_chunk("{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":"
				    "{\"content\":\"b\"}}],\"usage\":{\"prompt_tokens\":3,"
				    "\"completion_tokens\":2.0}}", &o, &rc), 1);
	assert_string_equal(buf_str(&o.text), "a");
	assert_false(o.usage_seen);
	gen_out_free(&o);
}

static void test_content_filter(void **state)
{
	struct gen_out o;
	int rc;
	(void)state;
	assert_int_equal(read_chunk("{\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":"
				    "\"content_filter\"}],\"usage\":{\"prompt_tokens\":1,"
				    "\"completion_tokens\":2}}", &o, &rc), 1);
	assert_int_equal(rc, -1);
	assert_string_equal(buf_str(&o.text), "x");
	assert_non_null(strstr(o.error, "content filter"));
	assert_false(o.usage_seen);
	gen_out_free(&o);
}

/* Each of these is jansson's to read (or refuse): nothing is touched. */
static void test_left_to_jansson(void **state)
{
	static const char *const cases[] = {
		"{\"error\":{\"message\":\"overloaded\"}}",
		"{\"object\":\"error\",\"message\":\"bad\"}",
		"{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
		"{\"choices\":[],\"choices\":[{\"delta\":{\"content\":\"b\"}}]}",
		"{\"choices\":[{\"delta\":{\"con\\u0074ent\":\"a\"}}]}",
		"{\"choices\":[{\"delta\":{\"content\":\"a\"}},]}",
		"{\"choices\":[{\"delta\":{\"content\":\"\\u0000\"}}]}",
		"{\"choices\":[{\"delta\":{\"content\":\"\\ud800x\"}}]}",
		"{\"choices\":[{\"delta\":{\"content\":\"\xed\xa0\x80\"}}]}",
		"{\"choices\":[{\"delta\":{\"content\":\"\xc0\xaf\"}}]}",
		"{\"choices\":[{\"delta\":{\"content\":\"tab\there\"}}]}",
		"{\"usage\":{\"prompt_tokens\":1e3,\"completion_tokens\":2}}",
		"{\"usage\":{\"prompt_tokens\":1234567890123456789,\"completion_tokens\":2}}",
		"{\"n\":01}",
		"{\"n\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
		"{\"choices\":[]} x",
		"[{\"choices\":[]}]",
		"{\"a\":tru}",
		"{\"a\":1,}",
		"",
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct gen_out o;
		int rc;
		assert_int_equal(read_chunk(cases[i], &o, &rc), 0);
		assert_int_equal(rc, 99);
		assert_int_equal(o.text.len, 0);
		gen_out_free(&o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_chunk),
		cmocka_unit_test(test_escapes_and_utf8),
		cmocka_unit_test(test_reasoning_finish_usage),
		cmocka_unit_test(test_first_choice_integer_counts),
		cmocka_unit_test(test_content_filter),
		cmocka_unit_test(test_left_to_jansson),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
