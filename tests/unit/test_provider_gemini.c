/* test_provider_gemini.c — the Gemini streamGenerateContent?alt=sse
 * adapter: a recorded stream with thought parts, an empty content, unknown
 * fields, CRLF, repeated cumulative usage and no end marker, split at every
 * byte; a SAFETY finish, a blocked prompt and an error object; the request
 * (URL, key header, systemInstruction, roles); HTTP error sentences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "provider.h"

/* After google-gemini/generative-ai-js test-utils/mock-responses. The last
 * event has no blank line after it: the stream just ends. */
static const char recorded[] =
	"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Thinking about \",\"thought\": true}],"
	"\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 8,"
	"\"totalTokenCount\": 10,\"thoughtsTokenCount\": 2},\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n"
	"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"it.\",\"thought\": true},"
	"{\"text\": \"Caf\\u00e9 \"}],\"role\": \"model\"},\"index\": 0,\"safetyRatings\": []}],"
	"\"usageMetadata\": {\"promptTokenCount\": 8,\"candidatesTokenCount\": 1,\"totalTokenCount\": 12,"
	"\"thoughtsTokenCount\": 3},\"responseId\": \"abc\"}\n\n"
	"data: {\"candidates\": [{\"content\": {},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 8,"
	"\"candidatesTokenCount\": 1,\"totalTokenCount\": 12,\"thoughtsTokenCount\": 3}}\n\n"
	"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"na\xc3\xafve \xf0\x9f\x98\x80\"}],"
	"\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": "
	"{\"promptTokenCount\": 8,\"candidatesTokenCount\": 5,\"totalTokenCount\": 16,"
	"\"thoughtsTokenCount\": 3},\"newField\": {\"x\": 1}}";

static const char safety[] =
	"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Here is how\"}],\"role\": \"model\"},"
	"\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 4,\"candidatesTokenCount\": 2,"
	"\"totalTokenCount\": 6}}\n\n"
	"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": \"model\"},"
	"\"finishReason\": \"SAFETY\",\"index\": 0,\"safetyRatings\": [{\"category\": "
	"\"HARM_CATEGORY_DANGEROUS_CONTENT\",\"probability\": \"HIGH\",\"blocked\": true}]}],"
	"\"usageMetadata\": {\"promptTokenCount\": 4,\"candidatesTokenCount\": 2,\"totalTokenCount\": 6}}\n\n";

static int feed_event(void *user, const struct sse_event *ev)
{
	return adapter_gemini.event(ev, user);
}

static void parse_split(const char *s, size_t n, size_t at, struct gen_out *out)
{
	struct sse p;
	gen_out_init(out);
	sse_init(&p, feed_event, out);
	if (sse_feed(&p, s, at) == 0 && sse_feed(&p, s + at, n - at) == 0)
		sse_finish(&p);
	sse_free(&p);
}

static void test_recorded_stream_split_everywhere(void **state)
{
	size_t n = strlen(recorded);
	(void)state;
	assert_true(adapter_gemini.ends_at_eof);
	for (size_t at = 0; at <= n; at++) {
		struct gen_out o;
		parse_split(recorded, n, at, &o);
		assert_string_equal(buf_str(&o.text), "Caf\xc3\xa9 na\xc3\xafve \xf0\x9f\x98\x80");
		assert_string_equal(buf_str(&o.reasoning), "Thinking about it.");
		assert_int_equal(o.tokens_in, 8);
		assert_int_equal(o.tokens_out, 8);     /* 5 of answer + 3 of thinking */
		assert_true(o.usage_seen);
		assert_string_equal(o.finish, "STOP");
		assert_string_equal(o.error, "");
		gen_out_free(&o);
	}
}

static void test_safety_split_everywhere(void **state)
{
	size_t n = strlen(safety);
	(void)state;
	for (size_t at = 0; at <= n; at++) {
		struct gen_out o;
		parse_split(safety, n, at, &o);
		assert_string_equal(buf_str(&o.text), "Here is how");
		assert_string_equal(o.error, "Gemini stopped the reply: its safety filter flagged it "
					     "(SAFETY). The text so far is kept.");
		assert_string_equal(o.finish, "SAFETY");
		assert_int_equal(o.tokens_in, 4);
		assert_int_equal(o.tokens_out, 2);
		gen_out_free(&o);
	}
}

static int one_event(const char *data, struct gen_out *o)
{
	struct sse_event ev = { "message", data, strlen(data), "" };
	return adapter_gemini.event(&ev, o);
}

static void test_other_ends(void **state)
{
	struct gen_out o;
	(void)state;
	gen_out_init(&o);
	assert_int_equal(one_event("{\"promptFeedback\": {\"blockReason\": \"PROHIBITED_CONTENT\"},"
				   "\"usageMetadata\": {\"promptTokenCount\": 3,\"totalTokenCount\": 3}}", &o), -1);
	assert_string_equal(o.error, "Gemini refused the message: it was blocked (PROHIBITED_CONTENT).");
	gen_out_free(&o);

	gen_out_init(&o);
	assert_int_equal(one_event("{\"error\": {\"code\": 500,\"message\": \"An internal error has "
				   "occurred.\",\"status\": \"INTERNAL\"}}", &o), -1);
	assert_string_equal(o.error, "The provider reported an error in the middle of the reply: "
				     "An internal error has occurred. (INTERNAL)");
	gen_out_free(&o);

	/* MAX_TOKENS is an ordinary end; an unknown reason is not fatal. */
	gen_out_init(&o);
	assert_int_equal(one_event("{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]},"
				   "\"finishReason\": \"MAX_TOKENS\"}]}", &o), 0);
	assert_int_equal(one_event("{\"candidates\": [{\"finishReason\": \"SOMETHING_NEW\"}]}", &o), 0);
	assert_string_equal(buf_str(&o.text), "a");
	assert_string_equal(o.error, "");
	assert_int_equal(one_event("{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a", &o), -1);
	assert_non_null(strstr(o.error, "could not read"));
	gen_out_free(&o);
}

static void test_build_request(void **state)
{
	struct provider_cfg p = { (char *)"g", (char *)"gemini", (char *)"http://127.0.0.1:9/v1beta",
				  (char *)"AIza-test" };
	struct model_cfg m = { 0 };
	struct turn turns[3] = { { (char *)"user", (char *)"Hi", NULL, 0 }, { (char *)"assistant", (char *)"Hello", NULL, 0 },
				 { (char *)"user", (char *)"Bye", NULL, 0 } };
	struct gen_request rq = { &m, "Be brief.", turns, 3, 200, NULL };
	struct buf url = BUF_INIT, body = BUF_INIT;
	struct curl_slist *h = NULL;
	json_t *root, *contents;
	json_error_t err;
	int key = 0;
	(void)state;
	m.provider = &p;
	m.api_model = (char *)"sim:reply=echo/x y";
	m.reasoning = 1;
	assert_int_equal(adapter_gemini.build(&rq, &url, &h, &body), 0);
	/* The key never goes in the URL. */
	assert_string_equal(buf_str(&url), "http://127.0.0.1:9/v1beta/models/sim:reply=echo%2Fx%20y"
					   ":streamGenerateContent?alt=sse");
	for (struct curl_slist *x = h; x; x = x->next)
		key |= strcmp(x->data, "x-goog-api-key: AIza-test") == 0;
	assert_true(key);
	root = json_loads(buf_str(&body), 0, &err);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
		json_object_get(root, "systemInstruction"), "parts"), 0), "text")), "Be brief.");
	contents = json_object_get(root, "contents");
	assert_int_equal(json_array_size(contents), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(contents, 1), "role")), "model");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
		json_array_get(contents, 2), "parts"), 0), "text")), "Bye");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "generationConfig"),
							    "maxOutputTokens")), 200);
	assert_true(json_is_true(json_object_get(json_object_get(json_object_get(root, "generationConfig"),
								 "thinkingConfig"), "includeThoughts")));
	json_decref(root);
	curl_slist_free_all(h);
	buf_free(&url);
	buf_free(&body);
}

#define HTTP_ERROR(own, status, body) \
	provider_http_error(&adapter_gemini, "gemini", (own), (status), (body), strlen(body), msg, \
			    sizeof msg, log, sizeof log)

/* Google's answers as the API sends them (docs/PROVIDERS.md, Gemini). */
static void test_http_error_sentences(void **state)
{
	char msg[400], log[1024];
	const char *e400 = "{\n  \"error\": {\n    \"code\": 400,\n    \"message\": \"API key not "
			   "valid. Please pass a valid API key.\",\n    \"status\": \"INVALID_ARGUMENT\",\n"
			   "    \"details\": [{\"@type\": \"type.googleapis.com/google.rpc.ErrorInfo\","
			   "\"reason\": \"API_KEY_INVALID\",\"domain\": \"googleapis.com\"}]\n  }\n}\n";
	const char *e403 = "{\"error\": {\"code\": 403,\"message\": \"Permission denied: Consumer "
			   "'api_key:AIzaSyDq3f0-abcdefghijKLMNOPQRSTuvwxyz12' has been suspended.\","
			   "\"status\": \"PERMISSION_DENIED\"}}";
	const char *e404 = "{\"error\": {\"code\": 404,\"message\": \"models/gemini-9.0-pro is not "
			   "found for API version v1beta, or is not supported for generateContent. Call "
			   "ListModels to see the list of available models and their supported methods. "
			   "For more information, see https://ai.google.dev/gemini-api/docs/models.\","
			   "\"status\": \"NOT_FOUND\"}}";
	const char *e429 = "[{\"error\": {\"code\": 429,\"message\": \"Resource has been exhausted.\","
			   "\"status\": \"RESOURCE_EXHAUSTED\"}}]";
	const char *d;
	(void)state;
	HTTP_ERROR(0, 400, e400);
	assert_string_equal(msg, "gemini refused the request (HTTP 400): API key not valid. "
				 "Please pass a valid API key. (INVALID_ARGUMENT)");
	HTTP_ERROR(0, 403, e403);
	assert_string_equal(msg, "The server's key for gemini was refused (HTTP 403): Permission "
				 "denied: Consumer 'api_key:[hidden]' has been suspended. (PERMISSION_DENIED)");
	assert_null(strstr(log, "AIza"));
	HTTP_ERROR(0, 429, e429);
	assert_string_equal(msg, "gemini is limiting requests right now; try again in a minute "
				 "(HTTP 429): Resource has been exhausted. (RESOURCE_EXHAUSTED)");
	/* Longer than 200 bytes: cut, with "…"; the log has it all. */
	HTTP_ERROR(0, 404, e404);
	d = strstr(msg, "(HTTP 404): models/gemini-9.0-pro is not found");
	assert_non_null(strstr(msg, "gemini does not know this model"));
	assert_non_null(d);
	assert_int_equal(strlen(d + 12), 200);
	assert_string_equal(d + strlen(d) - 3, "\xe2\x80\xa6");
	assert_non_null(strstr(log, "docs/models. (NOT_FOUND)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_stream_split_everywhere),
		cmocka_unit_test(test_safety_split_everywhere),
		cmocka_unit_test(test_other_ends),
		cmocka_unit_test(test_build_request),
		cmocka_unit_test(test_http_error_sentences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
