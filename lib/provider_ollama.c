/* provider_ollama.c — Ollama's native /api/chat stream (docs/PROVIDERS.md):
 * JSON lines, not SSE; each line a chunk of message.content (and
 * message.thinking when the model thinks); the last has done:true with
 * prompt_eval_count and eval_count. An error is {"error":"..."}, as the
 * whole body or as a line after output began. (Ollama's /v1 endpoint is
 * OpenAI-compatible and goes through provider_openai.c instead.) */
#include "provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A message with its images as Ollama wants them: bare base64 strings in
 * "images" (Ollama takes no PDFs; a model marked pdfs there gets none). */
static json_t *message_of(const struct turn *t)
{
	json_t *m = json_pack("{s:s, s:s}", "role", t->role, "content", t->content), *imgs = NULL;
	for (size_t i = 0; m && i < t->nfiles; i++) {
		if (strncmp(t->files[i].type, "image/", 6) != 0)
			continue;
		if (!imgs)
			json_object_set_new(m, "images", imgs = json_array());
		json_array_append_new(imgs, provider_base64(&t->files[i]));
	}
	return m;
}

static int ollama_build(const struct gen_request *rq, struct buf *url,
			struct curl_slist **headers, struct buf *body)
{
	const struct provider_cfg *p = rq->model->provider;
	json_t *root = json_object(), *msgs = json_array(), *opts = json_object();
	char *s;

	buf_printf(url, "%s/api/chat", p->base_url);
	*headers = curl_slist_append(*headers, "Content-Type: application/json");
	/* A proxy in front of Ollama may want a key; Ollama ignores it. */
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
		json_array_append_new(msgs, message_of(&rq->turns[i]));
	json_object_set_new(root, "model", json_string(rq->model->api_model));
	json_object_set_new(root, "messages", msgs);
	json_object_set_new(root, "stream", json_true());
	if (rq->model->reasoning)
		json_object_set_new(root, "think", json_true());
	if (rq->max_tokens > 0)
		json_object_set_new(opts, "num_predict", json_integer(rq->max_tokens));
	json_object_set_new(root, "options", opts);
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s)
		return -1;
	buf_puts(body, s);
	free(s);
	return 0;
}

static const char *error_of(json_t *root)
{
	json_t *e = json_object_get(root, "error");
	if (json_is_string(e))
		return json_string_value(e);
	if (json_is_object(e) && json_is_string(json_object_get(e, "message")))
		return json_string_value(json_object_get(e, "message"));
	return e ? "unknown error" : NULL;
}

static int ollama_event(const struct sse_event *ev, struct gen_out *out)
{
	json_t *root, *msg, *pin, *pout, *reason;
	json_error_t jerr;
	const char *e;

	root = json_loadb(ev->data, ev->data_len, 0, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return provider_unreadable(out);
	}
	if ((e = error_of(root))) {
		provider_stream_error(out, e);
		json_decref(root);
		return -1;
	}
	msg = json_object_get(root, "message");
	provider_append_str(&out->text, json_object_get(msg, "content"));
	provider_append_str(&out->reasoning, json_object_get(msg, "thinking"));
	if (json_is_true(json_object_get(root, "done"))) {
		out->done = 1;
		reason = json_object_get(root, "done_reason");
		if (json_is_string(reason))
			snprintf(out->finish, sizeof out->finish, "%s", json_string_value(reason));
		/* prompt_eval_count is left out when the whole prompt was cached. */
		pin = json_object_get(root, "prompt_eval_count");
		pout = json_object_get(root, "eval_count");
		if (json_is_integer(pout)) {
			out->tokens_in = json_is_integer(pin) ? json_integer_value(pin) : 0;
			out->tokens_out = json_integer_value(pout);
			out->usage_seen = 1;
		}
	}
	json_decref(root);
	return 0;
}

static void ollama_error_detail(const char *body, size_t n, char *detail, size_t size)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, n, 0, &jerr);
	const char *e = json_is_object(root) ? error_of(root) : NULL;
	snprintf(detail, size, "%s", e ? e : "");
	json_decref(root);
}

const struct adapter adapter_ollama = {
	.type = "ollama",
	.ends_at_eof = 0,
	.ndjson = 1,
	.build = ollama_build,
	.event = ollama_event,
	.error_detail = ollama_error_detail,
};
