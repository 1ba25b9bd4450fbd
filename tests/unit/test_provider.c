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

/* Strict UTF-8 (what a page and the poll's JSON need). */
static int valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		size_t len = *s < 0x80 ? 1 : *s >= 0xC2 && *s <= 0xDF ? 2 : *s >= 0xE0 && *s <= 0xEF ? 3
			     : *s >= 0xF0 && *s <= 0xF4 ? 4 : 0;
		if (!len)
			return 0;
		for (size_t i = 1; i < len; i++)
			if ((s[i] & 0xC0) != 0x80)
				return 0;
		if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
		    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
			return 0;
		s += len;
	}
	return 1;
}

#define HTTP_ERROR(own, status, body) \
	provider_http_error(&adapter_openai, "openai", (own), (status), (body), strlen(body), msg, \
			    sizeof msg, log, sizeof log)

/* OpenAI's answers as the API sends them. 401 says whose key, never what
 * the provider quoted of it; the log keeps the message, the key masked. */
static void test_http_error_sentences(void **state)
{
	char msg[400], log[1024];
	const char *e401 = "{\n    \"error\": {\n        \"message\": \"Incorrect API key provided: "
			   "sk-proj-Ab12************************************************wXyZ. You can find "
			   "your API key at https://platform.openai.com/account/api-keys.\",\n        "
			   "\"type\": \"invalid_request_error\",\n        \"param\": null,\n        "
			   "\"code\": \"invalid_api_key\"\n    }\n}\n";
	const char *e403 = "{\"error\":{\"code\":\"unsupported_country_region_territory\","
			   "\"message\":\"Country, region, or territory not supported\",\"param\":null,"
			   "\"type\":\"request_forbidden\"}}";
	const char *e404 = "{\"error\":{\"message\":\"The model `gpt-4o-mini-2024-07-18x` does not "
			   "exist or you do not have access to it.\",\"type\":\"invalid_request_error\","
			   "\"param\":null,\"code\":\"model_not_found\"}}";
	const char *e429 = "{\"error\":{\"message\":\"You exceeded your current quota, please check "
			   "your plan and billing details.\",\"type\":\"insufficient_quota\",\"param\":null,"
			   "\"code\":\"insufficient_quota\"}}";
	(void)state;
	HTTP_ERROR(0, 401, e401);
	assert_string_equal(msg, "The server's key for openai was refused (HTTP 401). The server's "
				 "administrator needs to check it.");
	assert_string_equal(log, "Incorrect API key provided: [hidden]. You can find your API key "
				 "at https://platform.openai.com/account/api-keys.");
	HTTP_ERROR(1, 401, e401);
	assert_string_equal(msg, "Your own key for openai was refused (HTTP 401). Check it in "
				 "Settings.");
	HTTP_ERROR(0, 403, e403);
	assert_string_equal(msg, "The server's key for openai was refused (HTTP 403): Country, "
				 "region, or territory not supported");
	HTTP_ERROR(0, 404, e404);
	assert_string_equal(msg, "openai does not know this model (HTTP 404): The model "
				 "`gpt-4o-mini-2024-07-18x` does not exist or you do not have access to it.");
	HTTP_ERROR(0, 429, e429);
	assert_string_equal(msg, "openai is limiting requests right now; try again in a minute "
				 "(HTTP 429): You exceeded your current quota, please check your plan and "
				 "billing details.");
	HTTP_ERROR(0, 500, "<html>oops</html>");
	assert_string_equal(msg, "openai had a problem on its side (HTTP 500).");
	assert_string_equal(log, "<html>oops</html>");
	/* vLLM's shape, and a 400 quoting a Bearer token back. */
	HTTP_ERROR(0, 400, "{\"object\":\"error\",\"message\":\"bad header "
		   "'Authorization: Bearer abc.DEF-ghi_123'\",\"type\":\"BadRequestError\"}");
	assert_string_equal(msg, "openai refused the request (HTTP 400): bad header "
				 "'Authorization: Bearer [hidden]'");
}

/* A 400 whose message is long and not ASCII: cut at 200 bytes on a
 * character boundary, wherever the cut falls in a character. */
static void test_http_error_cut_on_a_character(void **state)
{
	char msg[400], log[1024], body[600];
	(void)state;
	for (int pad = 190; pad < 200; pad++) {
		int n = snprintf(body, sizeof body, "{\"error\":{\"message\":\"%.*s%s\"}}", pad,
				 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
				 "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x9a\x80 caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
		const char *d;
		provider_http_error(&adapter_openai, "openai", 0, 400, body, (size_t)n, msg, sizeof msg,
				    log, sizeof log);
		assert_true(valid_utf8(msg));
		assert_true(valid_utf8(log));
		d = strstr(msg, "(HTTP 400): ");
		assert_non_null(d);
		d += 12;
		assert_true(strlen(d) <= 200);
		assert_true(strlen(d) >= 200 - 3 - 3);    /* at most a character short */
		assert_string_equal(d + strlen(d) - 3, "\xe2\x80\xa6");
		/* The log has it whole. */
		assert_non_null(strstr(log, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"));
	}
}

static void clean(const char *in, const char *want)
{
	char out[512];
	provider_clean_text(in, strlen(in), 400, out, sizeof out);
	assert_string_equal(out, want);
	assert_true(valid_utf8(out));
}

static void test_clean_text(void **state)
{
	char out[16];
	(void)state;
	/* Invalid UTF-8 (a stray byte, a cut sequence, an overlong, a
	 * surrogate) becomes U+FFFD; control characters spaces. */
	clean("bad \xff bytes \xc3", "bad \xef\xbf\xbd bytes \xef\xbf\xbd");
	clean("\xc0\xaf \xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	clean("two\nlines\tand\x01\x7f", "two lines and  ");
	clean("na\xc3\xafve \xf0\x9f\x9a\x80", "na\xc3\xafve \xf0\x9f\x9a\x80");
	/* Keys, whole or partly masked, and secret-looking runs. */
	clean("Incorrect API key provided: sk-abc***xyz.", "Incorrect API key provided: [hidden].");
	clean("sk-ant-api03-AbCdEf was revoked", "[hidden] was revoked");
	clean("Consumer 'api_key:AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUv' has been suspended.",
	      "Consumer 'api_key:[hidden]' has been suspended.");
	clean("bearer eyJhbGciOiJIUzI1NiJ9.e30.abc expired", "bearer [hidden] expired");
	clean("token 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 expired",
	      "token [hidden] expired");
	clean("secret dGhpcyBpcyBhIHNlY3JldCBrZXkgMTIzNDU2Nzg5MA== leaked", "secret [hidden] leaked");
	clean("AIza...wXyZ", "[hidden]");
	/* What is not a key stays: model names, URLs, words, numbers. */
	clean("models/gemini-2.5-flash-preview-05-20 is not found; see "
	      "https://ai.google.dev/gemini-api/docs/rate-limits.",
	      "models/gemini-2.5-flash-preview-05-20 is not found; see "
	      "https://ai.google.dev/gemini-api/docs/rate-limits.");
	clean("prompt is too long: 215332 tokens > 200000 maximum",
	      "prompt is too long: 215332 tokens > 200000 maximum");
	clean("task-based skills", "task-based skills");
	/* The cut: on a character, with "…", within max and the buffer. */
	provider_clean_text("abcdef\xe6\x97\xa5xyz", 12, 10, out, sizeof out);
	assert_string_equal(out, "abcdef\xe2\x80\xa6");
	provider_clean_text("abcdefghijklmnopqrstuvwxyz", 26, 400, out, sizeof out);
	assert_string_equal(out, "abcdefghijkl\xe2\x80\xa6");
	provider_clean_text(NULL, 0, 10, out, sizeof out);
	assert_string_equal(out, "");
}

/* An error inside a 200 stream is cleaned the same way. */
static void test_stream_error_cleaned(void **state)
{
	struct gen_out out;
	char detail[400];
	(void)state;
	gen_out_init(&out);
	memset(detail, 'a', sizeof detail);
	memcpy(detail + 198, "\xc3\xa9 sk-abc***xyz", 15);
	detail[sizeof detail - 1] = '\0';
	assert_int_equal(provider_stream_error(&out, "key sk-abc***xyz is \xff wrong"), -1);
	assert_string_equal(out.error, "The provider reported an error in the middle of the reply: "
				       "key [hidden] is \xef\xbf\xbd wrong");
	provider_stream_error(&out, detail);
	assert_true(valid_utf8(out.error));
	assert_null(strstr(out.error, "sk-"));
	gen_out_free(&out);
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
		cmocka_unit_test(test_http_error_cut_on_a_character),
		cmocka_unit_test(test_clean_text),
		cmocka_unit_test(test_stream_error_cleaned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
