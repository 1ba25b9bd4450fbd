/* test_classify.c — the rule that derives a request's type, category and
 * complexity when the user chose none (classify.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "classify.h"

static struct request_tags of(const char *s)
{
	struct request_tags t;
	classify_prompt(s, strlen(s), &t);
	return t;
}

static void test_types(void **state)
{
	(void)state;
	assert_string_equal(of("Write a Python function that reverses a list").request_type,
			    "code_generation");
	assert_string_equal(of("look at this:\n```\nx = 1\n```").request_type, "code_generation");
	assert_string_equal(of("Compare these two offers for me").request_type, "analysis");
	assert_string_equal(of("Hello there, how are you?").request_type, "chat");
	/* Whole words only, any case: "Codex" is not "code", "ANALYZE" is. */
	assert_string_equal(of("Tell me about Codex").request_type, "chat");
	assert_string_equal(of("ANALYZE this").request_type, "analysis");
}

static void test_categories(void **state)
{
	(void)state;
	assert_string_equal(of("Fix this SQL query").category, "programming");
	assert_string_equal(of("Solve the equation x^2 = 4").category, "math");
	assert_string_equal(of("What is quantum tunnelling?").category, "science");
	assert_string_equal(of("Write a poem about autumn").category, "writing");
	assert_string_equal(of("A pricing strategy for my startup").category, "business");
	assert_string_equal(of("How much sleep do I need?").category, "health");
	assert_string_equal(of("Explain photosynthesis simply").category, "education");
	assert_string_equal(of("Hello!").category, "general");
	/* The first category in the fixed order wins, wherever its word is. */
	assert_string_equal(of("Write a poem in Python").category, "programming");
	assert_string_equal(of("").category, "general");
}

static void test_complexity(void **state)
{
	char big[4000];
	(void)state;
	assert_string_equal(of("Hi").complexity, "low");
	assert_string_equal(of("```x```").complexity, "medium");
	memset(big, 0, sizeof big);
	for (int i = 0; i < 31; i++)
		strcat(big, "word ");
	assert_string_equal(of(big).complexity, "medium");
	for (int i = 31; i < 201; i++)
		strcat(big, "word ");
	assert_string_equal(of(big).complexity, "high");
	/* A very long word counts once and matches nothing. */
	assert_string_equal(of("supercalifragilisticexpialidociouscode").request_type, "chat");
}

static void test_labels(void **state)
{
	(void)state;
	assert_string_equal(classify_label("code_generation"), "Code generation");
	assert_string_equal(classify_label("nft"), "nft");
	assert_string_equal(classify_label(NULL), "");
	for (const char *const *c = classify_categories; *c; c++)
		assert_string_not_equal(classify_label(*c), *c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_complexity),
		cmocka_unit_test(test_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
