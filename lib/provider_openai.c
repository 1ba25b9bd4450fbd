/* provider_openai.c — OpenAI Chat Completions streaming, and the
 * OpenAI-compatible servers (Ollama, llama.cpp, vLLM, OpenRouter, LM
 * Studio) with their quirks: keep-alive comments (the SSE parser drops
 * them), reasoning deltas, usage late or never, errors inside a 200. */
#include "provider.h"
#include "openai_chunk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* A user turn with files: content parts, the text first, then each image
 * as an image_url data URL and each PDF as a file part. */
static json_t *content_of(const struct turn *t)
{
	json_t *parts;
	if (!t->nfiles)
		return json_string(t->content);
	parts = json_pack("[{s:s, s:s}]", "type", "text", "text", t->content);
	for (size_t i = 0; i < t->nfiles; i++) {
		const struct turn_file *f = &t->files[i];
		if (strcmp(f->type, "application/pdf") == 0)
			json_array_append_new(parts, json_pack("{s:s, s:{s:s, s:o}}", "type", "file",
				"file", "filename", *f->name ? f->name : "document.pdf",
				"file_data", provider_data_url(f)));
		else
			json_array_append_new(parts, json_pack("{s:s, s:{s:o}}", "type", "image_url",
				"image_url", "url", provider_data_url(f)));
	}
	return parts;
}

static int openai_build(const struct gen_request *rq, struct buf *url,
			struct curl_slist **headers, struct buf *body)
{
	const struct provider_cfg *p = rq->model->provider;
	json_t *root = json_object(), *msgs = json_array(), *opts = json_object();
	char *s;

	buf_printf(url, "%s/chat/completions", p->base_url);
	*headers = curl_slist_append(*headers, "Content-Type: application/json");
	*headers = curl_slist_append(*headers, "Accept: text/event-stream");
	if (*gen_api_key(rq)) {
		struct buf h = BUF_INIT;
		buf_printf(&h, "Authorization: Bearer %s", gen_api_key(rq));
		*headers = curl_slist_append(*headers, buf_str(&h));
		buf_free(&h);
	}
	if (rq->system && *rq->system)
		json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", "system",
						      "content", rq->system));
	for (size_t i = 0; i < rq->nturns; i++)
		json_array_append_new(msgs, json_pack("{s:s, s:o}", "role", rq->turns[i].role,
						      "content", content_of(&rq->turns[i])));
	json_object_set_new(root, "model", json_string(rq->model->api_model));
	json_object_set_new(root, "messages", msgs);
	json_object_set_new(root, "stream", json_true());
	json_object_set_new(opts, "include_usage", json_true());
	json_object_set_new(root, "stream_options", opts);
	if (rq->max_tokens > 0)
		json_object_set_new(root, strcmp(p->type, "openai") == 0 ? "max_completion_tokens"
									  : "max_tokens",
				    json_integer(rq->max_tokens));
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s)
		return -1;
	buf_puts(body, s);
	free(s);
	return 0;
}

/* The message of an error object in any of the shapes servers use:
 * {"error":{"message":..}}, {"error":"..."}, {"object":"error","message":..}. */
static const char *error_message(json_t *root)
{
	json_t *e = json_object_get(root, "error");
	if (json_is_string(e))
		return json_string_value(e);
	if (json_is_object(e)) {
		json_t *m = json_object_get(e, "message");
		return json_is_string(m) ? json_string_value(m) : "unknown error";
	}
	if (json_is_string(json_object_get(root, "object")) &&
	    strcmp(json_string_value(json_object_get(root, "object")), "error") == 0) {
		json_t *m = json_object_get(root, "message");
		return json_is_string(m) ? json_string_value(m) : "unknown error";
	}
	return NULL;
}

static int openai_event(const struct sse_event *ev, struct gen_out *out)
{
	json_t *root, *choices, *usage;
	json_error_t jerr;
	const char *emsg;
	int rc;

	if (strcmp(ev->data, "[DONE]") == 0) {
		out->done = 1;
		return 0;
	}
	/* Nearly every event is a plain chunk: read without a tree. */
	if (strcmp(ev->type, "error") != 0 && openai_chunk_read(ev->data, ev->data_len, out, &rc))
		return rc;
	root = json_loadb(ev->data, ev->data_len, 0, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return provider_unreadable(out);
	}
	if ((emsg = error_message(root)) || strcmp(ev->type, "error") == 0) {
		/* llama.cpp's "error:" line carries {"code":..,"message":..}. */
		json_t *m = json_object_get(root, "message");
		if (!emsg && json_is_string(m))
			emsg = json_string_value(m);
		provider_stream_error(out, emsg ? emsg : ev->data);
		json_decref(root);
		return -1;
	}
	choices = json_object_get(root, "choices");
	if (json_is_array(choices) && json_array_size(choices) > 0) {
		json_t *c = json_array_get(choices, 0);
		json_t *delta = json_object_get(c, "delta"), *fin = json_object_get(c, "finish_reason");
		provider_append_str(&out->text, json_object_get(delta, "content"));
		/* Ollama, OpenRouter, newer vLLM: reasoning; DeepSeek, LM Studio,
		 * older vLLM: reasoning_content. */
		provider_append_str(&out->reasoning, json_object_get(delta, "reasoning"));
		provider_append_str(&out->reasoning, json_object_get(delta, "reasoning_content"));
		if (json_is_string(fin))
			snprintf(out->finish, sizeof out->finish, "%s", json_string_value(fin));
		if (json_is_string(fin) && strcmp(json_string_value(fin), "content_filter") == 0) {
			snprintf(out->error, sizeof out->error, "The provider's content filter stopped "
				 "the reply. The text so far is kept.");
			json_decref(root);
			return -1;
		}
	}
	usage = json_object_get(root, "usage");
	if (json_is_object(usage)) {
		json_t *pin = json_object_get(usage, "prompt_tokens");
		json_t *pout = json_object_get(usage, "completion_tokens");
		if (json_is_integer(pin) && json_is_integer(pout)) {
			out->tokens_in = json_integer_value(pin);
			out->tokens_out = json_integer_value(pout);
			out->usage_seen = 1;
		}
	}
	json_decref(root);
	return 0;
}

static void openai_error_detail(const char *body, size_t n, char *detail, size_t size)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, n, 0, &jerr);
	const char *m = json_is_object(root) ? error_message(root) : NULL;
	snprintf(detail, size, "%s", m ? m : "");
	json_decref(root);
}

const struct adapter adapter_openai = {
	.type = "openai",
	.ends_at_eof = 0,
	.error_field = 1,
	.build = openai_build,
	.event = openai_event,
	.error_detail = openai_error_detail,
};
