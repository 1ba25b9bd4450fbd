/* provider_anthropic.c — Anthropic Messages streaming (docs/PROVIDERS.md):
 * message_start (input usage), content blocks of text and thinking with
 * their deltas, any number of pings, message_delta (cumulative usage, stop
 * reason), message_stop, and error events in a 200 stream. Event types it
 * does not know (tool use, citations, newer ones) are skipped. */
#include "provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANTHROPIC_VERSION "2023-06-01"
#define MIN_THINKING_BUDGET 1024

/* Each merged message with files: its content becomes the files as image
 * or document blocks with a base64 source, then the text. */
static json_t *with_files(json_t *msgs)
{
	size_t i;
	json_t *m;
	json_array_foreach(msgs, i, m) {
		json_t *files = provider_take_files(m), *content, *f;
		size_t j;
		if (!files)
			continue;
		content = json_array();
		json_array_foreach(files, j, f) {
			const char *type = json_string_value(json_object_get(f, "type"));
			json_array_append_new(content, json_pack("{s:s, s:{s:s, s:s, s:O}}", "type",
				strcmp(type, "application/pdf") == 0 ? "document" : "image",
				"source", "type", "base64", "media_type", type,
				"data", json_object_get(f, "data")));
		}
		json_array_append_new(content, json_pack("{s:s, s:O}", "type", "text", "text",
							 json_object_get(m, "content")));
		json_object_set_new(m, "content", content);
		json_decref(files);
	}
	return msgs;
}

static int anthropic_build(const struct gen_request *rq, struct buf *url,
			   struct curl_slist **headers, struct buf *body)
{
	const struct provider_cfg *p = rq->model->provider;
	json_t *root = json_object();
	/* max_tokens is required; the API has no default. */
	int64_t max_tokens = rq->max_tokens > 0 ? rq->max_tokens : 1024;
	char *s;

	buf_printf(url, "%s/messages", p->base_url);
	*headers = curl_slist_append(*headers, "Content-Type: application/json");
	*headers = curl_slist_append(*headers, "Accept: text/event-stream");
	*headers = curl_slist_append(*headers, "anthropic-version: " ANTHROPIC_VERSION);
	if (*gen_api_key(rq)) {
		struct buf h = BUF_INIT;
		buf_printf(&h, "x-api-key: %s", gen_api_key(rq));
		*headers = curl_slist_append(*headers, buf_str(&h));
		buf_free(&h);
	}
	json_object_set_new(root, "model", json_string(rq->model->api_model));
	if (rq->system && *rq->system)
		json_object_set_new(root, "system", json_string(rq->system));
	json_object_set_new(root, "messages", with_files(provider_merged_turns(rq)));
	json_object_set_new(root, "stream", json_true());
	/* Extended thinking for models marked reasoning: half the output for
	 * thinking, at least the API's minimum, within max_tokens (which
	 * counts the thinking too, and is what the hold and the plan's cap
	 * allow: never raised). Too small for the minimum: no thinking. */
	if (rq->model->reasoning && max_tokens > MIN_THINKING_BUDGET) {
		int64_t budget = max_tokens / 2;
		if (budget < MIN_THINKING_BUDGET)
			budget = MIN_THINKING_BUDGET;
		json_object_set_new(root, "thinking", json_pack("{s:s, s:I}", "type", "enabled",
								"budget_tokens", (json_int_t)budget));
	}
	json_object_set_new(root, "max_tokens", json_integer(max_tokens));
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s)
		return -1;
	buf_puts(body, s);
	free(s);
	return 0;
}

static int64_t count(json_t *usage, const char *key)
{
	json_t *v = json_object_get(usage, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* Input as billed: fresh input plus what was written to and read from the
 * prompt cache (the API counts those apart). */
static int read_usage(json_t *usage, struct gen_out *out)
{
	if (!json_is_object(usage))
		return 0;
	if (json_object_get(usage, "input_tokens"))
		out->tokens_in = count(usage, "input_tokens") +
				 count(usage, "cache_creation_input_tokens") +
				 count(usage, "cache_read_input_tokens");
	if (json_is_integer(json_object_get(usage, "output_tokens")))
		out->tokens_out = count(usage, "output_tokens");
	return 1;
}

/* "Overloaded (overloaded_error)" from {"error":{"type":..,"message":..}}. */
static void error_detail(json_t *root, char *d, size_t size)
{
	json_t *e = json_object_get(root, "error");
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *type = json_string_value(json_object_get(e, "type"));
	if (msg && type)
		snprintf(d, size, "%s (%s)", msg, type);
	else
		snprintf(d, size, "%s", msg ? msg : type ? type : "");
}

static int is_known(const char *t)
{
	static const char *const known[] = {
		"message_start", "content_block_start", "content_block_delta",
		"content_block_stop", "message_delta", "message_stop", "error", NULL
	};
	for (const char *const *k = known; *k; k++)
		if (strcmp(t, *k) == 0)
			return 1;
	return 0;
}

static void read_delta(json_t *delta, struct gen_out *out)
{
	const char *t = json_string_value(json_object_get(delta, "type"));
	if (!t)
		return;
	if (strcmp(t, "text_delta") == 0)
		provider_append_str(&out->text, json_object_get(delta, "text"));
	else if (strcmp(t, "thinking_delta") == 0)
		provider_append_str(&out->reasoning, json_object_get(delta, "thinking"));
	/* signature_delta seals a thinking block for sending it back with
	 * tool use, which confab does not do; input_json_delta and
	 * citations_delta are not text. */
}

static int anthropic_event(const struct sse_event *ev, struct gen_out *out)
{
	json_t *root;
	json_error_t jerr;
	const char *t;
	int rc = 0;

	root = json_loadb(ev->data, ev->data_len, 0, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		/* Unreadable data of an event we would act on stops the reply;
		 * of one we would skip anyway (ping, newer types), it does not. */
		return strcmp(ev->type, "message") == 0 || is_known(ev->type)
		       ? provider_unreadable(out) : 0;
	}
	/* The data names its type too; it wins over the event line, which a
	 * proxy may have dropped. */
	t = json_string_value(json_object_get(root, "type"));
	if (!t)
		t = ev->type;

	if (strcmp(t, "error") == 0) {
		char d[1024];
		error_detail(root, d, sizeof d);
		rc = provider_stream_error(out, d);
	} else if (strcmp(t, "message_start") == 0) {
		json_t *usage = json_object_get(json_object_get(root, "message"), "usage");
		read_usage(usage, out);
	} else if (strcmp(t, "content_block_start") == 0) {
		json_t *block = json_object_get(root, "content_block");
		const char *bt = json_string_value(json_object_get(block, "type"));
		if (bt && strcmp(bt, "text") == 0)
			provider_append_str(&out->text, json_object_get(block, "text"));
		else if (bt && strcmp(bt, "thinking") == 0)
			provider_append_str(&out->reasoning, json_object_get(block, "thinking"));
		/* redacted_thinking is encrypted: nothing to show. */
	} else if (strcmp(t, "content_block_delta") == 0) {
		read_delta(json_object_get(root, "delta"), out);
	} else if (strcmp(t, "message_delta") == 0) {
		json_t *reason = json_object_get(json_object_get(root, "delta"), "stop_reason");
		if (read_usage(json_object_get(root, "usage"), out))
			out->usage_seen = 1;
		if (json_is_string(reason)) {
			snprintf(out->finish, sizeof out->finish, "%s", json_string_value(reason));
			if (strcmp(out->finish, "refusal") == 0) {
				snprintf(out->error, sizeof out->error, "The model declined to "
					 "continue this reply (refusal). The text so far is kept.");
				rc = -1;
			}
		}
	} else if (strcmp(t, "message_stop") == 0) {
		out->done = 1;
	}
	/* ping, content_block_stop and anything newer: nothing to do. */
	json_decref(root);
	return rc;
}

static void anthropic_error_detail(const char *body, size_t n, char *detail, size_t size)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, n, 0, &jerr);
	*detail = '\0';
	if (json_is_object(root))
		error_detail(root, detail, size);
	json_decref(root);
}

const struct adapter adapter_anthropic = {
	.type = "anthropic",
	.ends_at_eof = 0,
	.build = anthropic_build,
	.event = anthropic_event,
	.error_detail = anthropic_error_detail,
};
