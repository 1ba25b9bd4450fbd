/* provider.h — what confabd needs from each provider's wire format: build
 * the HTTP request, read one SSE event, turn an error answer into a
 * sentence. One adapter per type: provider_openai.c (OpenAI and the
 * OpenAI-compatible servers), provider_anthropic.c, provider_gemini.c,
 * provider_ollama.c (Ollama's native NDJSON stream). */
#ifndef CONFAB_PROVIDER_H
#define CONFAB_PROVIDER_H

#include <stdint.h>
#include <curl/curl.h>
#include <jansson.h>
#include "buf.h"
#include "models.h"
#include "sse.h"
#include "turn.h"

struct gen_request {
	const struct model_cfg *model;
	const char *system;        /* "" when none */
	const struct turn *turns;  /* oldest first; roles user / assistant */
	size_t nturns;
	int64_t max_tokens;
	const char *api_key;       /* the user's own key; NULL: the provider's */
};

/* The key to send with rq: the user's own, else the provider's ("" none). */
const char *gen_api_key(const struct gen_request *rq);

/* What an adapter has read so far. */
struct gen_out {
	struct buf text;           /* the answer */
	struct buf reasoning;      /* thinking text, kept apart */
	int64_t tokens_in, tokens_out;
	int usage_seen;
	int done;                  /* the stream said it is complete */
	char finish[32];           /* finish reason, "" until known */
	char error[400];           /* an error the stream carried, "" if none */
};

struct adapter {
	const char *type;
	/* 1 if the stream ends by closing (no end marker), like Gemini's. */
	int ends_at_eof;
	/* How the body is framed: SSE, unless ndjson (JSON lines, each one an
	 * event). error_field: read "error: V" lines as error events (see sse.h). */
	int ndjson, error_field;
	/* URL, headers (appended to *headers) and JSON body. 0 or -1. */
	int (*build)(const struct gen_request *rq, struct buf *url,
		     struct curl_slist **headers, struct buf *body);
	/* One event; returns 0 to go on, -1 when out->error was set. */
	int (*event)(const struct sse_event *ev, struct gen_out *out);
	/* The provider's own message in a non-2xx answer's body, as it is
	 * ("" when there is none); provider_http_error makes it safe. */
	void (*error_detail)(const char *body, size_t n, char *detail, size_t size);
};

/* The adapter for a provider type, or NULL. */
const struct adapter *adapter_for(const char *type);

void gen_out_init(struct gen_out *o);
void gen_out_free(struct gen_out *o);

/* A sentence for the user from a non-2xx answer: what the status means,
 * naming the provider and whose key it refused (own_key: the user's own),
 * then the provider's message made safe (provider_clean_text, at most
 * 200 bytes), except after a 401, where it only ever says the key is bad.
 * log gets the provider's message made safe but not shortened (or the
 * body's start when it has none), for the worker's log. */
void provider_http_error(const struct adapter *ad, const char *provider, int own_key,
			 long status, const char *body, size_t n, char *msg, size_t size,
			 char *log, size_t log_size);

/* Provider text made safe to show and to put in JSON: anything that looks
 * like a key (sk-…, AIza…, a Bearer token, a partly masked key such as
 * sk-abc***xyz, long runs of letters and digits) becomes "[hidden]",
 * control characters become spaces, invalid UTF-8 becomes U+FFFD, and it
 * is cut to at most max bytes on a character boundary, ending "…" when cut.
 * out (size bytes) is always NUL-terminated valid UTF-8. */
void provider_clean_text(const char *in, size_t n, size_t max, char *out, size_t size);

/* Shared by adapters: set out->error for an error the stream carried
 * (detail may be NULL), or for data that is not readable JSON. Both
 * return -1, the event callback's "stop". */
int provider_stream_error(struct gen_out *out, const char *detail);
int provider_unreadable(struct gen_out *out);

/* The conversation as a JSON array of {"role","content"} with turns of
 * the same role in a row joined by a blank line: Anthropic and Gemini
 * want roles to alternate, and a failed reply left out of the history
 * leaves two user turns together. New reference; the caller decrefs. */
json_t *provider_merged_turns(const struct gen_request *rq);

/* Attachments. A turn's files in the merged turns above sit under the key
 * "_files" as [{"type","name","data"}] (data in base64); each adapter
 * moves them into its own shape. provider_take_files removes that key
 * from a merged message and returns its array (new reference) or NULL. */
json_t *provider_take_files(json_t *msg);
/* The base64 of a file as a JSON string; and as a data: URL. */
json_t *provider_base64(const struct turn_file *f);
json_t *provider_data_url(const struct turn_file *f);

/* Append a JSON string value's bytes to b (nothing if v is not a string). */
void provider_append_str(struct buf *b, json_t *v);

extern const struct adapter adapter_openai, adapter_anthropic, adapter_gemini, adapter_ollama;

#endif
