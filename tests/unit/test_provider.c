/* test_provider.c — the OpenAI Chat Completions adapter: the request it
 * builds, every chunk shape it reads, and a recorded stream split at every
 * byte giving the same text and usage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "provider.h"

static const char recorded[] =
	"data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1723024748,"
	"\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
	"\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
	": OPENROUTER PROCESSING\n\n"
	"data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Caf\\u00e9 \"},"
	"\"finish_reason\":null}],\"obfuscation\":\"x\"}\r\n\r\n"
	"data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"na\xc3\xafve \xf0\x9f\x98\x80\"},"
	"\"finish_reason\":null}]}\n\n"
	"data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hmm\"},"
	"\"finish_reason\":null}]}\n\n"
	"data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
	"data: {\"id\":\"chatcmpl-9\",\"choices\":[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":47,"
	"\"total_tokens\":61}}\n\n"
	"data: [DONE]";

static int feed_event(void *user, const struct sse_event *ev)
{
	return adapter_openai.event(ev, user);
}

/* Parse bytes fed in two pieces split at `at`. */
static void parse_split(const char *s, size_t n, size_t at, struct gen_out *out)
{
	struct sse p;
	gen_out_init(out);
	sse_init(&p, feed_event, out);
	sse_feed(&p, s, at);
	sse_feed(&p, s + at, n - at);
	sse_finish(&p);
	sse_free(&p);
}

static void test_recorded_stream_split_everywhere(void **state)
{
	size_t n = strlen(recorded);
	(void)state;
	for (size_t at = 0; at <= n; at++) {
		struct gen_out o;
		parse_split(recorded, n, at, &o);
		assert_string_equal(buf_str(&o.text), "Caf\xc3\xa9 na\xc3\xafve \xf0\x9f\x98\x80");
		assert_string_equal(buf_str(&o.reasoning), "hmm");
		assert_int_equal(o.tokens_in, 14);
		assert_int_equal(o.tokens_out, 47);
		assert_true(o.usage_seen);
		assert_true(o.done);
		assert_string_equal(o.finish, "stop");
		assert_string_equal(o.error, "");
		gen_out_free(&o);
	}
}

static int one_event(const char *data, const char *type, struct gen_out *o)
{
	struct sse_event ev = { type ? type : "message", data, strlen(data), "" };
	return adapter_openai.event(&ev, o);
}

static void test_errors_inside_a_200_stream(void **state)
{
	struct gen_out o;
	(void)state;
	gen_out_init(&o);
	assert_int_equal(one_event("{\"error\":{\"message\":\"Provider disconnected\",\"code\":\"server_error\"},"
				   "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}",
				   NULL, &o), -1);
	assert_non_null(strstr(o.error, "Provider disconnected"));
	gen_out_free(&o);

	gen_out_init(&o);
	assert_int_equal(one_event("{\"object\":\"error\",\"message\":\"vLLM says no\"}", NULL, &o), -1);
	assert_non_null(strstr(o.error, "vLLM says no"));
	gen_out_free(&o);

	gen_out_init(&o);
	assert_int_equal(one_event("{\"error\":\"ollama failed\"}", NULL, &o), -1);
	assert_non_null(strstr(o.error, "ollama failed"));
	gen_out_free(&o);

	gen_out_init(&o);
	assert_int_equal(one_event("{\"choices\":[{\"delta\":{\"content\":\"oops", NULL, &o), -1);
	assert_non_null(strstr(o.error, "could not read"));
	gen_out_free(&o);
}

static void test_quirks(void **state)
{
	struct gen_out o;
	(void)state;
	gen_out_init(&o);
	/* llama.cpp: first delta content null; Ollama: delta.reasoning; usage
	 * with choices null; unknown fields everywhere. */
	assert_int_equal(one_event("{\"choices\":[{\"delta\":{\"content\":null}}]}", NULL, &o), 0);
	assert_int_equal(one_event("{\"choices\":[{\"delta\":{\"reasoning\":\"think\"}}],\"x\":[1]}", NULL, &o), 0);
	assert_int_equal(one_event("{\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}", NULL, &o), 0);
	assert_int_equal(one_event("{\"choices\":null,\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":2}}", NULL, &o), 0);
	assert_string_equal(buf_str(&o.text), "ok");
	assert_string_equal(buf_str(&o.reasoning), "think");
	assert_true(o.usage_seen);
	assert_int_equal(o.tokens_in, 0);
	assert_int_equal(o.tokens_out, 2);
	assert_false(o.done);
	assert_int_equal(one_event("[DONE]", NULL, &o), 0);
	assert_true(o.done);
	gen_out_free(&o);
}

/* Older llama.cpp: a non-SSE "error:" field then [DONE]; the adapter asks
 * the parser to read it as an error event. Split at every byte. */
static int feed_event_llama(void *user, const struct sse_event *ev)
{
	return adapter_openai.event(ev, user);
}

static void test_llamacpp_error_field(void **state)
{
	static const char s[] =
		"data: {\"choices\":[{\"delta\":{\"content\":\"Par\"}}]}\n\n"
		"error: {\"code\":500,\"message\":\"context shift failed\",\"type\":\"server_error\"}\n\n"
		"data: [DONE]\n\n";
	size_t n = strlen(s);
	(void)state;
	assert_true(adapter_openai.error_field);
	for (size_t at = 0; at <= n; at++) {
		struct gen_out o;
		struct sse p;
		gen_out_init(&o);
		sse_init(&p, feed_event_llama, &o);
		p.error_field = adapter_openai.error_field;
		if (sse_feed(&p, s, at) == 0 && sse_feed(&p, s + at, n - at) == 0)
			sse_finish(&p);
		sse_free(&p);
		assert_string_equal(buf_str(&o.text), "Par");
		assert_string_equal(o.error, "The provider reported an error in the middle of the reply: "
					     "context shift failed");
		assert_false(o.done);
		gen_out_free(&o);
	}
}

static void test_content_filter(void **state)
{
	struct gen_out o;
	(void)state;
	gen_out_init(&o);
	assert_int_equal(one_event("{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", NULL, &o), 0);
	assert_int_equal(one_event("{\"choices\":[{\"delta\":{},\"finish_reason\":\"content_filter\"}]}",
				   NULL, &o), -1);
	assert_non_null(strstr(o.error, "content filter"));
	assert_string_equal(buf_str(&o.text), "a");
	gen_out_free(&o);
}

static void test_build_request(void **state)
{
	struct provider_cfg p = { (char *)"oa", (char *)"openai", (char *)"http://127.0.0.1:9/v1",
				  (char *)"sk-test" };
	struct model_cfg m = { 0 };
	struct turn turns[2] = { { (char *)"user", (char *)"Hi \"there\"", NULL, 0 },
				 { (char *)"assistant", (char *)"Hello", NULL, 0 } };
	struct gen_request rq = { &m, "Be brief.", turns, 2, 100, NULL };
	struct buf url = BUF_INIT, body = BUF_INIT;
	struct curl_slist *h = NULL;
	json_t *root;
	json_error_t err;
	int auth = 0;
	(void)state;
	m.provider = &p;
	m.api_model = (char *)"gpt-4o-mini";
	assert_int_equal(adapter_openai.build(&rq, &url, &h, &body), 0);
	assert_string_equal(buf_str(&url), "http://127.0.0.1:9/v1/chat/completions");
	for (struct curl_slist *x = h; x; x = x->next)
		auth |= strcmp(x->data, "Authorization: Bearer sk-test") == 0;
	assert_true(auth);
	root = json_loads(buf_str(&body), 0, &err);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "model")), "gpt-4o-mini");
	assert_true(json_is_true(json_object_get(root, "stream")));
	assert_true(json_is_true(json_object_get(json_object_get(root, "stream_options"), "include_usage")));
	assert_int_equal(json_integer_value(json_object_get(root, "max_completion_tokens")), 100);
	assert_int_equal(json_array_size(json_object_get(root, "messages")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(root, "messages"), 0), "role")), "system");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(root, "messages"), 1), "content")), "Hi \"there\"");
	json_decref(root);
	curl_slist_free_all(h);
	buf_free(&url);
	buf_free(&body);

	/* A user's own key replaces the provider's in the header, alone. */
	rq.api_key = "sk-users-own";
	h = NULL;
	auth = 0;
	assert_int_equal(adapter_openai.build(&rq, &url, &h, &body), 0);
	for (struct curl_slist *x = h; x; x = x->next) {
		auth |= strcmp(x->data, "Authorization: Bearer sk-users-own") == 0;
		assert_null(strstr(x->data, "sk-test"));
	}
	assert_true(auth);
	curl_slist_free_all(h);
	buf_free(&url);
	buf_free(&body);
}

static void test_http_error_sentences(void **state)
{
	char msg[400];
	const char *e401 = "{\"error\":{\"message\":\"Incorrect API key provided: sk-...abcd.\","
			   "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}";
	(void)state;
	adapter_openai.http_error(401, e401, strlen(e401), msg, sizeof msg);
	assert_string_equal(msg, "The provider refused confab's API key (HTTP 401): "
				 "Incorrect API key provided: sk-...abcd.");
	adapter_openai.http_error(500, "<html>oops</html>", 17, msg, sizeof msg);
	assert_string_equal(msg, "The provider had a problem on its side (HTTP 500).");
	adapter_openai.http_error(429, "{\"error\":{\"message\":\"Slow down\"}}", 33, msg, sizeof msg);
	assert_non_null(strstr(msg, "limiting requests"));
	assert_non_null(strstr(msg, "Slow down"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_stream_split_everywhere),
		cmocka_unit_test(test_errors_inside_a_200_stream),
		cmocka_unit_test(test_quirks),
		cmocka_unit_test(test_llamacpp_error_field),
		cmocka_unit_test(test_content_filter),
		cmocka_unit_test(test_build_request),
		cmocka_unit_test(test_http_error_sentences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
