/* provider.c — the adapter table and what adapters share. */
#include "provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

const struct adapter *adapter_for(const char *type)
{
	if (!type)
		return NULL;
	/* OpenAI-compatible servers speak Chat Completions; their quirks are
	 * handled inside the same adapter. */
	if (strcmp(type, "openai") == 0 || strcmp(type, "openai-compatible") == 0)
		return &adapter_openai;
	if (strcmp(type, "anthropic") == 0)
		return &adapter_anthropic;
	if (strcmp(type, "gemini") == 0)
		return &adapter_gemini;
	if (strcmp(type, "ollama") == 0)
		return &adapter_ollama;
	return NULL;
}

void gen_out_init(struct gen_out *o)
{
	memset(o, 0, sizeof *o);
}

void gen_out_free(struct gen_out *o)
{
	buf_free(&o->text);
	buf_free(&o->reasoning);
}

void provider_error_sentence(long status, const char *detail, char *msg, size_t size)
{
	const char *what;
	if (status == 401 || status == 403)
		what = "The provider refused confab's API key";
	else if (status == 429)
		what = "The provider is limiting requests right now; try again in a minute";
	else if (status == 402)
		what = "The provider's account has run out of credit";
	else if (status == 404)
		what = "The provider does not know this model";
	else if (status == 529)
		what = "The provider is overloaded right now; try again in a minute";
	else if (status >= 500)
		what = "The provider had a problem on its side";
	else
		what = "The provider refused the request";
	if (detail && *detail)
		snprintf(msg, size, "%s (HTTP %ld): %.200s", what, status, detail);
	else
		snprintf(msg, size, "%s (HTTP %ld).", what, status);
}

int provider_stream_error(struct gen_out *out, const char *detail)
{
	snprintf(out->error, sizeof out->error,
		 "The provider reported an error in the middle of the reply: %.200s",
		 detail && *detail ? detail : "no details given.");
	return -1;
}

int provider_unreadable(struct gen_out *out)
{
	snprintf(out->error, sizeof out->error,
		 "The provider sent part of its reply in a form confab could not read.");
	return -1;
}

/* Add turn t's files to merged message m under "_files". */
static void add_files(json_t *m, const struct turn *t)
{
	json_t *arr;
	if (!m || !t->nfiles)
		return;
	arr = json_object_get(m, "_files");
	if (!arr)
		json_object_set_new(m, "_files", arr = json_array());
	for (size_t i = 0; i < t->nfiles; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o}", "type", t->files[i].type,
						     "name", t->files[i].name, "data",
						     provider_base64(&t->files[i])));
}

json_t *provider_take_files(json_t *msg)
{
	json_t *f = json_object_get(msg, "_files");
	if (!f)
		return NULL;
	json_incref(f);
	json_object_del(msg, "_files");
	return f;
}

json_t *provider_base64(const struct turn_file *f)
{
	size_t n = sodium_base64_encoded_len(f->len, sodium_base64_VARIANT_ORIGINAL);
	char *b = malloc(n);
	json_t *v;
	if (!b)
		return json_string("");
	sodium_bin2base64(b, n, f->data, f->len, sodium_base64_VARIANT_ORIGINAL);
	v = json_stringn(b, n - 1);
	free(b);
	return v;
}

json_t *provider_data_url(const struct turn_file *f)
{
	json_t *b64 = provider_base64(f), *v;
	struct buf u = BUF_INIT;
	buf_printf(&u, "data:%s;base64,", f->type);
	buf_append(&u, json_string_value(b64), json_string_length(b64));
	v = json_stringn(u.data, u.len);
	buf_free(&u);
	json_decref(b64);
	return v;
}

json_t *provider_merged_turns(const struct gen_request *rq)
{
	json_t *arr = json_array(), *last = NULL;
	for (size_t i = 0; i < rq->nturns; i++) {
		const char *role = rq->turns[i].role, *text = rq->turns[i].content;
		if (last && strcmp(json_string_value(json_object_get(last, "role")), role) == 0) {
			add_files(last, &rq->turns[i]);
			struct buf b = BUF_INIT;
			buf_puts(&b, json_string_value(json_object_get(last, "content")));
			buf_puts(&b, "\n\n");
			buf_puts(&b, text);
			json_object_set_new(last, "content", json_stringn(b.data, b.len));
			buf_free(&b);
			continue;
		}
		last = json_pack("{s:s, s:s}", "role", role, "content", text);
		if (last)    /* NULL only for text that is not UTF-8 */
			json_array_append_new(arr, last);
		add_files(last, &rq->turns[i]);
	}
	return arr;
}

void provider_append_str(struct buf *b, json_t *v)
{
	if (json_is_string(v))
		buf_append(b, json_string_value(v), json_string_length(v));
}

const char *gen_api_key(const struct gen_request *rq)
{
	return rq->api_key ? rq->api_key : rq->model->provider->api_key;
}
