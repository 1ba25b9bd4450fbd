/* test_provider_anthropic.c — the Anthropic Messages adapter: a recorded
 * stream with a thinking block, pings, an unknown event type and a comment,
 * split at every byte, gives exactly the same text, reasoning, tokens and
 * end; an error event mid-stream likewise; the request it builds; the
 * sentences made from HTTP error bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "provider.h"

/* After anthropics/anthropic-sdk-python tests/lib/streaming/fixtures, with
 * a thinking block (docs/PROVIDERS.md, Anthropic). */
static const char recorded[] =
	"event: message_start\n"
	"data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_4QpJ\",\"type\":\"message\",\"role\":"
	"\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,"
	"\"stop_sequence\":null,\"usage\":{\"input_tokens\":11,\"cache_creation_input_tokens\":0,"
	"\"cache_read_input_tokens\":5,\"output_tokens\":1}}}\n\n"
	"event: content_block_start\n"
	"data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\","
	"\"thinking\":\"\",\"signature\":\"\"}}\n\n"
	"event: ping\n"
	"data: {\"type\": \"ping\"}\n\n"
	"event: content_block_delta\n"
	"data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\","
	"\"thinking\":\"Let me think\"}}\n\n"
	"event: content_block_delta\r\n"
	"data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\","
	"\"thinking\":\" about caf\\u00e9.\"}}\r\n\r\n"
	"event: content_block_delta\n"
	"data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\","
	"\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pk\"}}\n\n"
	"event: content_block_stop\n"
	"data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
	"event: content_block_start\n"
	"data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
	"event: content_block_delta\n"
	"data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n"
	"event: some_future_event\n"
	"data: {\"type\":\"some_future_event\",\"whatever\":[1,2]}\n\n"
	": a comment\n\n"
	"event: ping\n"
	"data: {\"type\": \"ping\"}\n\n"
	"event: content_block_delta\n"
	"data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\","
	"\"text\":\", na\xc3\xafve \xf0\x9f\x98\x80\"},\"extra\":true}\n\n"
	"event: content_block_stop\n"
	"data: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
	"event: message_delta\n"
	"data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
	"\"usage\":{\"output_tokens\":3}}\n\n"
	"event: message_delta\n"
	"data: {\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"output_tokens\":6}}\n\n"
	"event: message_stop\n"
	"data: {\"type\":\"message_stop\"}\n\n";

static const char overloaded[] =
	"event: message_start\n"
	"data: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n"
	"event: content_block_start\n"
	"data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
	"event: content_block_delta\n"
	"data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Par\"}}\n\n"
	"event: error\n"
	"data: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n"
	"event: content_block_delta\n"
	"data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"NOT\"}}\n\n";

static int feed_event(void *user, const struct sse_event *ev)
{
	return adapter_anthropic.event(ev, user);
}

/* Parse bytes fed in two pieces split at `at`, as confabd does. */
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
	for (size_t at = 0; at <= n; at++) {
		struct gen_out o;
		parse_split(recorded, n, at, &o);
		assert_string_equal(buf_str(&o.text), "Hello, na\xc3\xafve \xf0\x9f\x98\x80");
		assert_string_equal(buf_str(&o.reasoning), "Let me think about caf\xc3\xa9.");
		assert_int_equal(o.tokens_in, 16);     /* 11 fresh + 5 read from the cache */
		assert_int_equal(o.tokens_out, 6);     /* the last cumulative count */
		assert_true(o.usage_seen);
		assert_true(o.done);
		assert_string_equal(o.finish, "end_turn");
		assert_string_equal(o.error, "");
		gen_out_free(&o);
	}
}

static void test_error_event_split_everywhere(void **state)
{
	size_t n = strlen(overloaded);
	(void)state;
	for (size_t at = 0; at <= n; at++) {
		struct gen_out o;
		parse_split(overloaded, n, at, &o);
		assert_string_equal(buf_str(&o.text), "Par");
		assert_string_equal(o.error, "The provider reported an error in the middle of the "
					     "reply: Overloaded (overloaded_error)");
		assert_int_equal(o.tokens_in, 9);
		assert_false(o.usage_seen);
		assert_false(o.done);
		gen_out_free(&o);
	}
}

static int one_event(const char *type, const char *data, struct gen_out *o)
{
	struct sse_event ev = { type, data, strlen(data), "" };
	return adapter_anthropic.event(&ev, o);
}

static void test_odd_events(void **state)
{
	struct gen_out o;
	(void)state;
	gen_out_init(&o);
	/* No event line (a proxy dropped it): the data's type decides. */
	assert_int_equal(one_event("message", "{\"type\":\"content_block_delta\",\"delta\":"
				   "{\"type\":\"text_delta\",\"text\":\"a\"}}", &o), 0);
	/* Unknown delta and block types, redacted thinking, unreadable data of
	 * an unknown event: skipped. */
	assert_int_equal(one_event("content_block_delta", "{\"type\":\"content_block_delta\",\"delta\":"
				   "{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}}", &o), 0);
	assert_int_equal(one_event("content_block_start", "{\"type\":\"content_block_start\","
				   "\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"xx\"}}", &o), 0);
	assert_int_equal(one_event("future", "not json", &o), 0);
	assert_int_equal(one_event("ping", "{}", &o), 0);
	assert_string_equal(buf_str(&o.text), "a");
	assert_string_equal(buf_str(&o.reasoning), "");
	/* Unreadable data of an event we act on stops the reply. */
	assert_int_equal(one_event("content_block_delta", "{\"type\":\"content_block_delta\",\"delta\":{", &o), -1);
	assert_non_null(strstr(o.error, "could not read"));
	gen_out_free(&o);

	gen_out_init(&o);
	assert_int_equal(one_event("message_delta", "{\"type\":\"message_delta\",\"delta\":"
				   "{\"stop_reason\":\"refusal\"},\"usage\":{\"output_tokens\":2}}", &o), -1);
	assert_non_null(strstr(o.error, "declined"));
	assert_int_equal(o.tokens_out, 2);
	gen_out_free(&o);
}

static void test_build_request(void **state)
{
	struct provider_cfg p = { (char *)"an", (char *)"anthropic", (char *)"http://127.0.0.1:9/v1",
				  (char *)"sk-ant-test" };
	struct model_cfg m = { 0 };
	struct turn turns[4] = { { (char *)"user", (char *)"Hi", NULL, 0 }, { (char *)"user", (char *)"Again", NULL, 0 },
				 { (char *)"assistant", (char *)"Hello", NULL, 0 }, { (char *)"user", (char *)"Bye", NULL, 0 } };
	struct gen_request rq = { &m, "Be brief.", turns, 4, 0, NULL };
	struct buf url = BUF_INIT, body = BUF_INIT;
	struct curl_slist *h = NULL;
	json_t *root, *msgs;
	json_error_t err;
	int key = 0, version = 0, bearer = 0;
	(void)state;
	m.provider = &p;
	m.api_model = (char *)"claude-sonnet-4-5";
	assert_int_equal(adapter_anthropic.build(&rq, &url, &h, &body), 0);
	assert_string_equal(buf_str(&url), "http://127.0.0.1:9/v1/messages");
	for (struct curl_slist *x = h; x; x = x->next) {
		key |= strcmp(x->data, "x-api-key: sk-ant-test") == 0;
		version |= strcmp(x->data, "anthropic-version: 2023-06-01") == 0;
		bearer |= strncmp(x->data, "Authorization", 13) == 0;
	}
	assert_true(key && version && !bearer);
	root = json_loads(buf_str(&body), 0, &err);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "model")), "claude-sonnet-4-5");
	assert_string_equal(json_string_value(json_object_get(root, "system")), "Be brief.");
	assert_true(json_is_true(json_object_get(root, "stream")));
	/* Required, so there is always one. */
	assert_int_equal(json_integer_value(json_object_get(root, "max_tokens")), 1024);
	assert_null(json_object_get(root, "thinking"));
	msgs = json_object_get(root, "messages");
	/* Roles alternate: the two user turns are one; no system message. */
	assert_int_equal(json_array_size(msgs), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "role")), "user");
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "content")), "Hi\n\nAgain");
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 1), "role")), "assistant");
	json_decref(root);
	curl_slist_free_all(h);
	buf_free(&url);
	buf_free(&body);

	/* A reasoning model thinks, with max_tokens above the budget. */
	m.reasoning = 1;
	rq.max_tokens = 1500;
	h = NULL;
	assert_int_equal(adapter_anthropic.build(&rq, &url, &h, &body), 0);
	root = json_loads(buf_str(&body), 0, &err);
	assert_string_equal(json_string_value(json_object_get(json_object_get(root, "thinking"), "type")), "enabled");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "thinking"), "budget_tokens")), 1024);
	assert_int_equal(json_integer_value(json_object_get(root, "max_tokens")), 1500);
	json_decref(root);
	curl_slist_free_all(h);
	buf_free(&url);
	buf_free(&body);
}

#define HTTP_ERROR(own, status, body) \
	provider_http_error(&adapter_anthropic, "anthropic", (own), (status), (body), strlen(body), \
			    msg, sizeof msg, log, sizeof log)

/* Anthropic's answers as the API sends them (docs/PROVIDERS.md, Anthropic). */
static void test_http_error_sentences(void **state)
{
	char msg[400], log[1024];
	const char *e401 = "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
			   "\"message\":\"invalid x-api-key\"},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}";
	const char *e403 = "{\"type\":\"error\",\"error\":{\"type\":\"permission_error\","
			   "\"message\":\"Your API key does not have permission to use the specified "
			   "resource.\"},\"request_id\":\"req_011CSHoF\"}";
	const char *e404 = "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\","
			   "\"message\":\"model: claude-sonnet-9\"},\"request_id\":\"req_1\"}";
	const char *e429 = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
			   "\"message\":\"Number of request tokens has exceeded your per-minute rate "
			   "limit\"}}";
	const char *e529 = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
			   "\"message\":\"Overloaded\"}}";
	/* A 400 whose message (Japanese, 3 bytes a character) is cut at 200
	 * bytes inside a character, and quotes a key. */
	const char *e400 = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
			   "\"message\":\"key sk-ant-api03-Zz9_xY8 \u30e1\u30c3\u30bb\u30fc\u30b8"
			   "\u304c\u9577\u3059\u304e\u307e\u3059\u3002\u30e1\u30c3\u30bb\u30fc\u30b8"
			   "\u304c\u9577\u3059\u304e\u307e\u3059\u3002\u30e1\u30c3\u30bb\u30fc\u30b8"
			   "\u304c\u9577\u3059\u304e\u307e\u3059\u3002\u30e1\u30c3\u30bb\u30fc\u30b8"
			   "\u304c\u9577\u3059\u304e\u307e\u3059\u3002\u30e1\u30c3\u30bb\u30fc\u30b8"
			   "\u304c\u9577\u3059\u304e\u307e\u3059\u3002\u30e1\u30c3\u30bb\u30fc\u30b8"
			   "\u304c\u9577\u3059\u304e\u307e\u3059\u3002\"}}";
	const char *d;
	(void)state;
	HTTP_ERROR(0, 401, e401);
	assert_string_equal(msg, "The server's key for anthropic was refused (HTTP 401). The "
				 "server's administrator needs to check it.");
	assert_string_equal(log, "invalid x-api-key (authentication_error)");
	HTTP_ERROR(1, 403, e403);
	assert_string_equal(msg, "Your own key for anthropic was refused (HTTP 403): Your API key "
				 "does not have permission to use the specified resource. (permission_error)");
	HTTP_ERROR(0, 404, e404);
	assert_string_equal(msg, "anthropic does not know this model (HTTP 404): model: "
				 "claude-sonnet-9 (not_found_error)");
	HTTP_ERROR(0, 429, e429);
	assert_string_equal(msg, "anthropic is limiting requests right now; try again in a minute "
				 "(HTTP 429): Number of request tokens has exceeded your per-minute rate "
				 "limit (rate_limit_error)");
	HTTP_ERROR(0, 529, e529);
	assert_string_equal(msg, "anthropic is overloaded right now; try again in a minute "
				 "(HTTP 529): Overloaded (overloaded_error)");
	HTTP_ERROR(0, 502, "<html>");
	assert_string_equal(msg, "anthropic had a problem on its side (HTTP 502).");
	HTTP_ERROR(0, 400, e400);
	d = strstr(msg, "(HTTP 400): key [hidden] \xe3\x83\xa1");
	assert_non_null(d);
	d += 12;
	/* "key [hidden] " is 13 bytes, then 3-byte characters: 61 of them
	 * and "…" fit in 200, the 62nd would straddle the cut. */
	assert_int_equal(strlen(d), 13 + 61 * 3 + 3);
	assert_string_equal(d + strlen(d) - 6, "\xe3\x83\xa1\xe2\x80\xa6");
	assert_null(strstr(log, "sk-"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_stream_split_everywhere),
		cmocka_unit_test(test_error_event_split_everywhere),
		cmocka_unit_test(test_odd_events),
		cmocka_unit_test(test_build_request),
		cmocka_unit_test(test_http_error_sentences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
