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
#include "store_reply.h"

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
	/* A sentence for the user from a non-2xx answer (status and body). */
	void (*http_error)(long status, const char *body, size_t n, char *msg, size_t size);
};

/* The adapter for a provider type, or NULL. */
const struct adapter *adapter_for(const char *type);

void gen_out_init(struct gen_out *o);
void gen_out_free(struct gen_out *o);

/* Shared by adapters: "The provider refused ... (HTTP 401): detail." */
void provider_error_sentence(long status, const char *detail, char *msg, size_t size);

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
