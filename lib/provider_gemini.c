/* provider_gemini.c — Google Gemini streamGenerateContent?alt=sse
 * (docs/PROVIDERS.md): every event is a whole GenerateContentResponse; the
 * stream has no end marker and simply closes; usageMetadata repeats,
 * cumulative (the last one counts); parts marked thought are reasoning; a
 * finishReason other than STOP or MAX_TOKENS means the reply was cut off
 * for a reason the user should read. */
#include "provider.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The model name as one path segment: unreserved bytes and ':' '=' '+'
 * (which a path segment may hold) stay, the rest is %-escaped. */
static void put_segment(struct buf *url, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~:=+", c))
			buf_putc(url, (char)c);
		else
			buf_printf(url, "%%%02X", c);
	}
}

static int gemini_build(const struct gen_request *rq, struct buf *url,
			struct curl_slist **headers, struct buf *body)
{
	const struct provider_cfg *p = rq->model->provider;
	json_t *root = json_object(), *contents = json_array(), *gen = json_object();
	json_t *turns = provider_merged_turns(rq), *t;
	size_t i;
	char *s;

	buf_printf(url, "%s/models/", p->base_url);
	put_segment(url, rq->model->api_model);
	buf_puts(url, ":streamGenerateContent?alt=sse");
	*headers = curl_slist_append(*headers, "Content-Type: application/json");
	*headers = curl_slist_append(*headers, "Accept: text/event-stream");
	/* The key in a header, not in the URL, where logs would keep it. */
	if (*gen_api_key(rq)) {
		struct buf h = BUF_INIT;
		buf_printf(&h, "x-goog-api-key: %s", gen_api_key(rq));
		*headers = curl_slist_append(*headers, buf_str(&h));
		buf_free(&h);
	}
	if (rq->system && *rq->system)
		json_object_set_new(root, "systemInstruction",
				    json_pack("{s:[{s:s}]}", "parts", "text", rq->system));
	json_array_foreach(turns, i, t) {
		const char *role = json_string_value(json_object_get(t, "role"));
		json_t *c = json_pack("{s:s, s:[]}", "role",
				      strcmp(role, "assistant") == 0 ? "model" : "user", "parts");
		json_t *parts = json_object_get(c, "parts"), *files = provider_take_files(t), *f;
		size_t j;
		/* Attachments as inline_data parts before the text. */
		json_array_foreach(files, j, f)
			json_array_append_new(parts, json_pack("{s:{s:O, s:O}}", "inline_data",
				"mime_type", json_object_get(f, "type"),
				"data", json_object_get(f, "data")));
		json_array_append_new(parts, json_pack("{s:O}", "text", json_object_get(t, "content")));
		json_array_append_new(contents, c);
		json_decref(files);
	}
	json_decref(turns);
	json_object_set_new(root, "contents", contents);
	if (rq->max_tokens > 0)
		json_object_set_new(gen, "maxOutputTokens", json_integer(rq->max_tokens));
	if (rq->model->reasoning)
		json_object_set_new(gen, "thinkingConfig", json_pack("{s:b}", "includeThoughts", 1));
	json_object_set_new(root, "generationConfig", gen);
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s)
		return -1;
	buf_puts(body, s);
	free(s);
	return 0;
}

/* A sentence for a finishReason that cut the reply off; NULL for the
 * ordinary ends (and for ones not known yet, which are not fatal). */
static const char *finish_sentence(const char *r)
{
	static const struct { const char *reason, *sentence; } why[] = {
		{ "SAFETY", "Gemini stopped the reply: its safety filter flagged it (SAFETY)." },
		{ "RECITATION", "Gemini stopped the reply: it was reciting text it was trained on "
				"(RECITATION)." },
		{ "BLOCKLIST", "Gemini stopped the reply: it contained a blocked term (BLOCKLIST)." },
		{ "PROHIBITED_CONTENT", "Gemini stopped the reply: prohibited content "
					"(PROHIBITED_CONTENT)." },
		{ "SPII", "Gemini stopped the reply: it may have contained sensitive personal "
			  "information (SPII)." },
		{ "LANGUAGE", "Gemini stopped the reply: the language is not supported (LANGUAGE)." },
		{ "IMAGE_SAFETY", "Gemini stopped the reply: an image was flagged (IMAGE_SAFETY)." },
		{ "MALFORMED_FUNCTION_CALL", "Gemini stopped the reply: it produced a malformed "
					     "function call (MALFORMED_FUNCTION_CALL)." },
		{ "OTHER", "Gemini stopped the reply for an unstated reason (OTHER)." },
	};
	for (size_t i = 0; i < sizeof why / sizeof *why; i++)
		if (strcmp(r, why[i].reason) == 0)
			return why[i].sentence;
	return NULL;
}

static void read_usage(json_t *u, struct gen_out *out)
{
	json_t *pin = json_object_get(u, "promptTokenCount");
	json_t *cand = json_object_get(u, "candidatesTokenCount");
	json_t *thoughts = json_object_get(u, "thoughtsTokenCount");
	if (!json_is_object(u))
		return;
	/* Thinking is billed as output but counted apart. */
	out->tokens_in = json_is_integer(pin) ? json_integer_value(pin) : 0;
	out->tokens_out = (json_is_integer(cand) ? json_integer_value(cand) : 0) +
			  (json_is_integer(thoughts) ? json_integer_value(thoughts) : 0);
	out->usage_seen = 1;
}

static void gemini_message(json_t *root, char *d, size_t size)
{
	json_t *e = json_object_get(root, "error");
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *status = json_string_value(json_object_get(e, "status"));
	if (msg && status)
		snprintf(d, size, "%s (%s)", msg, status);
	else
		snprintf(d, size, "%s", msg ? msg : status ? status : "");
}

static int gemini_event(const struct sse_event *ev, struct gen_out *out)
{
	json_t *root, *cands, *c, *parts, *part, *fb;
	json_error_t jerr;
	const char *fin;
	size_t i;
	int rc = 0;

	root = json_loadb(ev->data, ev->data_len, 0, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return provider_unreadable(out);
	}
	if (json_object_get(root, "error")) {
		char d[1024];
		gemini_message(root, d, sizeof d);
		json_decref(root);
		return provider_stream_error(out, d);
	}
	read_usage(json_object_get(root, "usageMetadata"), out);
	cands = json_object_get(root, "candidates");
	c = json_array_get(cands, 0);
	parts = json_object_get(json_object_get(c, "content"), "parts");
	json_array_foreach(parts, i, part) {
		json_t *text = json_object_get(part, "text");
		provider_append_str(json_is_true(json_object_get(part, "thought")) ? &out->reasoning
										      : &out->text, text);
	}
	fin = json_string_value(json_object_get(c, "finishReason"));
	if (fin && strcmp(fin, "FINISH_REASON_UNSPECIFIED") != 0) {
		snprintf(out->finish, sizeof out->finish, "%s", fin);
		if (finish_sentence(fin)) {
			snprintf(out->error, sizeof out->error, "%s%s", finish_sentence(fin),
				 out->text.len ? " The text so far is kept." : "");
			rc = -1;
		} else {
			out->done = 1;    /* informative only: the stream ends at EOF */
		}
	}
	/* A prompt blocked outright: feedback and no candidates. */
	fb = json_object_get(root, "promptFeedback");
	if (!rc && json_array_size(cands) == 0 && json_is_string(json_object_get(fb, "blockReason"))) {
		json_t *why = json_object_get(fb, "blockReason");
		char r[64];
		provider_clean_text(json_string_value(why), json_string_length(why), 60, r, sizeof r);
		snprintf(out->error, sizeof out->error, "Gemini refused the message: it was "
			 "blocked (%s).", r);
		rc = -1;
	}
	json_decref(root);
	return rc;
}

static void gemini_error_detail(const char *body, size_t n, char *detail, size_t size)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, n, 0, &jerr);
	*detail = '\0';
	/* Some errors come as a one-element array, the non-SSE answer's shape. */
	if (json_is_array(root))
		gemini_message(json_array_get(root, 0), detail, size);
	else if (json_is_object(root))
		gemini_message(root, detail, size);
	json_decref(root);
}

const struct adapter adapter_gemini = {
	.type = "gemini",
	.ends_at_eof = 1,
	.build = gemini_build,
	.event = gemini_event,
	.error_detail = gemini_error_detail,
};
