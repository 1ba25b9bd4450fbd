/* test_provider_ollama.c — Ollama's native /api/chat stream (JSON lines):
 * a recorded stream with thinking, unknown fields, CRLF and a last line
 * with no newline, split at every byte; an error line after output began;
 * the request; HTTP error sentences. */
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
	"{\"model\":\"qwen3\",\"created_at\":\"2025-05-29T09:35:56.8Z\",\"message\":{\"role\":\"assistant\","
	"\"content\":\"\",\"thinking\":\"Okay, \"},\"done\":false}\n"
	"{\"model\":\"qwen3\",\"created_at\":\"2025-05-29T09:35:56.9Z\",\"message\":{\"role\":\"assistant\","
	"\"content\":\"\",\"thinking\":\"the user says hi.\"},\"done\":false}\r\n"
	"\n"
	"{\"model\":\"qwen3\",\"created_at\":\"2025-05-29T09:35:57.0Z\",\"message\":{\"role\":\"assistant\","
	"\"content\":\"Caf\\u00e9 \"},\"done\":false,\"future\":[1]}\n"
	"{\"model\":\"qwen3\",\"created_at\":\"2025-05-29T09:35:57.1Z\",\"message\":{\"role\":\"assistant\","
	"\"content\":\"na\xc3\xafve \xf0\x9f\x98\x80\"},\"done\":false}\n"
	"{\"model\":\"qwen3\",\"created_at\":\"2025-05-29T09:35:57.2Z\",\"message\":{\"role\":\"assistant\","
	"\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,\"total_duration\":4883583458,"
	"\"load_duration\":1334875,\"prompt_eval_count\":26,\"prompt_eval_duration\":342546000,"
	"\"eval_count\":282,\"eval_duration\":4535599000}";

static const char broken[] =
	"{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\"Half\"},\"done\":false}\n"
	"{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n"
	"{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\"NOT\"},\"done\":false}\n";

static int feed_event(void *user, const struct sse_event *ev)
{
	return adapter_ollama.event(ev, user);
}

static void parse_split(const char *s, size_t n, size_t at, struct gen_out *out)
{
	struct sse p;
	gen_out_init(out);
	sse_init(&p, feed_event, out);
	p.ndjson = adapter_ollama.ndjson;
	if (sse_feed(&p, s, at) == 0 && sse_feed(&p, s + at, n - at) == 0)
		sse_finish(&p);
	sse_free(&p);
}

static void test_recorded_stream_split_everywhere(void **state)
{
	size_t n = strlen(recorded);
	(void)state;
	assert_true(adapter_ollama.ndjson);
	for (size_t at = 0; at <= n; at++) {
		struct gen_out o;
		parse_split(recorded, n, at, &o);
		assert_string_equal(buf_str(&o.text), "Caf\xc3\xa9 na\xc3\xafve \xf0\x9f\x98\x80");
		assert_string_equal(buf_str(&o.reasoning), "Okay, the user says hi.");
		assert_int_equal(o.tokens_in, 26);
		assert_int_equal(o.tokens_out, 282);
		assert_true(o.usage_seen);
		assert_true(o.done);
		assert_string_equal(o.finish, "stop");
		assert_string_equal(o.error, "");
		gen_out_free(&o);
	}
}

static void test_error_line_split_everywhere(void **state)
{
	size_t n = strlen(broken);
	(void)state;
	for (size_t at = 0; at <= n; at++) {
		struct gen_out o;
		parse_split(broken, n, at, &o);
		assert_string_equal(buf_str(&o.text), "Half");
		assert_string_equal(o.error, "The provider reported an error in the middle of the reply: "
					     "an error was encountered while running the model: unexpected EOF");
		assert_false(o.done);
		assert_false(o.usage_seen);
		gen_out_free(&o);
	}
}

static void test_done_without_counts(void **state)
{
	struct gen_out o;
	const char *d = "{\"message\":{\"content\":\"x\"},\"done\":true}";
	struct sse_event ev = { "message", d, strlen(d), "" };
	(void)state;
	gen_out_init(&o);
	assert_int_equal(adapter_ollama.event(&ev, &o), 0);
	assert_true(o.done);
	assert_false(o.usage_seen);      /* confabd then estimates, and says so */
	gen_out_free(&o);
}

static void test_build_request(void **state)
{
	struct provider_cfg p = { (char *)"ol", (char *)"ollama", (char *)"http://127.0.0.1:11434",
				  (char *)"" };
	struct model_cfg m = { 0 };
	struct turn turns[1] = { { (char *)"user", (char *)"Hi", NULL, 0 } };
	struct gen_request rq = { &m, "Be brief.", turns, 1, 300, NULL };
	struct buf url = BUF_INIT, body = BUF_INIT;
	struct curl_slist *h = NULL;
	json_t *root;
	json_error_t err;
	(void)state;
	m.provider = &p;
	m.api_model = (char *)"qwen3:8b";
	m.reasoning = 1;
	assert_int_equal(adapter_ollama.build(&rq, &url, &h, &body), 0);
	assert_string_equal(buf_str(&url), "http://127.0.0.1:11434/api/chat");
	for (struct curl_slist *x = h; x; x = x->next)
		assert_true(strncmp(x->data, "Authorization", 13) != 0);
	root = json_loads(buf_str(&body), 0, &err);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "model")), "qwen3:8b");
	assert_true(json_is_true(json_object_get(root, "stream")));
	assert_true(json_is_true(json_object_get(root, "think")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "options"), "num_predict")), 300);
	assert_int_equal(json_array_size(json_object_get(root, "messages")), 2);
	json_decref(root);
	curl_slist_free_all(h);
	buf_free(&url);
	buf_free(&body);
}

static void test_http_error_sentences(void **state)
{
	char msg[400], log[1024];
	const char *e404 = "{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}";
	/* A proxy's page in front of Ollama, not UTF-8. */
	const char *e502 = "<html>Bad gateway \xff\xfe caf\xe9</html>";
	(void)state;
	provider_http_error(&adapter_ollama, "ollama", 0, 404, e404, strlen(e404), msg, sizeof msg,
			    log, sizeof log);
	assert_string_equal(msg, "ollama does not know this model (HTTP 404): model \"llama9\" "
				 "not found, try pulling it first");
	provider_http_error(&adapter_ollama, "ollama", 0, 502, e502, strlen(e502), msg, sizeof msg,
			    log, sizeof log);
	assert_string_equal(msg, "ollama had a problem on its side (HTTP 502).");
	assert_string_equal(log, "<html>Bad gateway \xef\xbf\xbd\xef\xbf\xbd caf\xef\xbf\xbd</html>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_stream_split_everywhere),
		cmocka_unit_test(test_error_line_split_everywhere),
		cmocka_unit_test(test_done_without_counts),
		cmocka_unit_test(test_build_request),
		cmocka_unit_test(test_http_error_sentences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
