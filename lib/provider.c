/* provider.c — the adapter table and what adapters share. */
#include "provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

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

/* ---- provider text made safe: UTF-8, control characters, keys, length */

/* The length of the valid UTF-8 sequence at s (n bytes left), 0 if none:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

/* Valid UTF-8 with every control character a space. */
static void fix_text(struct buf *b, const char *in, size_t n)
{
	const unsigned char *s = (const unsigned char *)in;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_len(s + i, n - i);
		if (k == 0) {
			buf_puts(b, "\xEF\xBF\xBD");    /* U+FFFD */
			i++;
		} else if (k == 1 && (s[i] < 0x20 || s[i] == 0x7F)) {
			buf_putc(b, ' ');
			i++;
		} else {
			buf_append(b, s + i, k);
			i += k;
		}
	}
}

/* The bytes a key can be made of, and the ones of a base64 or hex run. */
static int key_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-_+/=*.~", c));
}

static int run_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '+' || c == '/' || c == '=';
}

#define KEY_RUN 20    /* a run of letters and digits this long is a secret */

/* Whether the word w (n bytes of key_byte) looks like a key or part of one. */
static int looks_like_key(const char *w, size_t n)
{
	static const char *const prefixes[] = {
		"sk-", "sk_", "rk-", "rk_", "pk-", "pk_", "AIza", "ya29.", "xai-", "gsk_", "hf_",
		"ghp_", "glpat-", "eyJ", NULL
	};
	for (const char *const *p = prefixes; *p; p++)
		if (n > strlen(*p) && strncmp(w, *p, strlen(*p)) == 0)
			return 1;
	/* A key shown partly masked: sk-abc***xyz, AIza...wxyz. */
	for (size_t i = 0; i + 2 < n; i++)
		if (w[i] == '*' && w[i + 1] == '*' && w[i + 2] == '*')
			return 1;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int letter = 0, digit = 0;
		while (j < n && run_byte((unsigned char)w[j])) {
			letter |= (w[j] >= 'A' && w[j] <= 'Z') || (w[j] >= 'a' && w[j] <= 'z');
			digit |= w[j] >= '0' && w[j] <= '9';
			j++;
		}
		if (j - i >= KEY_RUN && letter && digit)
			return 1;
		i = j > i ? j : j + 1;
	}
	return 0;
}

/* Copy in to b with each key-like word, and the word after "Bearer", as
 * "[hidden]". A word's trailing dots are a sentence's, kept. */
static void mask_keys(struct buf *b, const char *in, size_t n)
{
	int after_bearer = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, end;
		if (!key_byte((unsigned char)in[i])) {
			if (in[i] != ' ')
				after_bearer = 0;
			buf_putc(b, in[i++]);
			continue;
		}
		while (j < n && key_byte((unsigned char)in[j]))
			j++;
		end = j;
		while (end > i + 1 && in[end - 1] == '.')
			end--;
		if (after_bearer || looks_like_key(in + i, end - i))
			buf_puts(b, "[hidden]");
		else
			buf_append(b, in + i, end - i);
		buf_append(b, in + end, j - end);
		after_bearer = j - i == 6 && strncasecmp(in + i, "bearer", 6) == 0;
		i = j;
	}
}

void provider_clean_text(const char *in, size_t n, size_t max, char *out, size_t size)
{
	struct buf fixed = BUF_INIT, masked = BUF_INIT;
	size_t len;
	if (size == 0)
		return;
	if (max > size - 1)
		max = size - 1;
	fix_text(&fixed, in ? in : "", in ? n : 0);
	mask_keys(&masked, buf_str(&fixed), fixed.len);
	len = masked.len;
	if (len > max) {
		/* Room for "…"; back to the start of a character. */
		len = max >= 3 ? max - 3 : 0;
		while (len > 0 && ((unsigned char)masked.data[len] & 0xC0) == 0x80)
			len--;
	}
	if (len)
		memcpy(out, masked.data, len);
	if (len < masked.len && max >= 3) {
		memcpy(out + len, "\xE2\x80\xA6", 3);
		len += 3;
	}
	out[len] = '\0';
	buf_free(&fixed);
	buf_free(&masked);
}

/* ---- error sentences */

#define DETAIL_SHOWN 200

void provider_http_error(const struct adapter *ad, const char *provider, int own_key,
			 long status, const char *body, size_t n, char *msg, size_t size,
			 char *log, size_t log_size)
{
	char raw[2048] = "", detail[DETAIL_SHOWN + 1], what[160];
	const char *who = own_key ? "Your own key" : "The server's key";

	if (body && n)
		ad->error_detail(body, n, raw, sizeof raw);
	/* The log: the whole message, or the body's start when none was found. */
	if (*raw)
		provider_clean_text(raw, strlen(raw), log_size, log, log_size);
	else
		provider_clean_text(body, n, 300, log, log_size);
	provider_clean_text(raw, strlen(raw), DETAIL_SHOWN, detail, sizeof detail);

	if (status == 401 || status == 403)
		snprintf(what, sizeof what, "%s for %s was refused", who, provider);
	else if (status == 429)
		snprintf(what, sizeof what, "%s is limiting requests right now; try again in a "
			 "minute", provider);
	else if (status == 402)
		snprintf(what, sizeof what, "The account at %s has run out of credit", provider);
	else if (status == 404)
		snprintf(what, sizeof what, "%s does not know this model", provider);
	else if (status == 529)
		snprintf(what, sizeof what, "%s is overloaded right now; try again in a minute",
			 provider);
	else if (status >= 500)
		snprintf(what, sizeof what, "%s had a problem on its side", provider);
	else
		snprintf(what, sizeof what, "%s refused the request", provider);
	/* A 401 only ever means the key: what the provider adds may quote it. */
	if (status == 401)
		snprintf(msg, size, "%s (HTTP 401). %s", what, own_key
			 ? "Check it in Settings." : "The server's administrator needs to check it.");
	else if (*detail)
		snprintf(msg, size, "%s (HTTP %ld): %s", what, status, detail);
	else
		snprintf(msg, size, "%s (HTTP %ld).", what, status);
}

int provider_stream_error(struct gen_out *out, const char *detail)
{
	char d[DETAIL_SHOWN + 1];
	provider_clean_text(detail, detail ? strlen(detail) : 0, DETAIL_SHOWN, d, sizeof d);
	snprintf(out->error, sizeof out->error,
		 "The provider reported an error in the middle of the reply: %s",
		 *d ? d : "no details given.");
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
