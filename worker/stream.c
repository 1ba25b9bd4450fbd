/* stream.c — one provider request of confabd: the curl handle, the bytes
 * through the SSE parser into the adapter, retries and timeouts. */
#include "confabd.h"
#include "hold.h"
#include "keybox.h"
#include "own_key.h"
#include "store_quota.h"
#include "turn_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ERROR_BODY (64 * 1024)

static const char title_instruction[] =
	"Write a title of at most six words for a conversation that begins with the "
	"message below. Answer with the title only: no quotes, no punctuation at the end.";

/* A reply past [worker] max_reply_kib: keep what fits (whole characters)
 * and end it failed, saying why. Returns -1: stop reading. */
static int cut_at_limit(struct stream *s)
{
	size_t room = w.max_reply_bytes > s->out.reasoning.len
		      ? w.max_reply_bytes - s->out.reasoning.len : 0;
	if (s->out.text.len > room) {
		size_t n = room;
		while (n > 0 && ((unsigned char)s->out.text.data[n] & 0xC0) == 0x80)
			n--;
		s->out.text.len = n;
		s->out.text.data[n] = '\0';
	}
	snprintf(s->out.error, sizeof s->out.error, "The reply grew past confab's limit of "
		 "%zu KiB and was cut there; the text up to the limit is kept.",
		 w.max_reply_bytes / 1024);
	return -1;
}

/* The end of a failure sentence about the stream: whether text is kept. */
static const char *kept(const struct stream *s)
{
	return s->out.text.len || s->out.reasoning.len ? "; the text so far is kept." : ".";
}

/* Progress is what the adapter took from an event: new text or
 * reasoning, new token counts, the end. Bytes alone (keep-alive comments,
 * events that carry nothing) are not progress, so they cannot hold a
 * stream open past the silence timeout. */
static int on_event(void *user, const struct sse_event *ev)
{
	struct stream *s = user;
	size_t before = s->out.text.len + s->out.reasoning.len;
	int64_t tin = s->out.tokens_in, tout = s->out.tokens_out;
	int done = s->out.done;
	int rc = s->ad->event(ev, &s->out);
	int grew = s->out.text.len + s->out.reasoning.len > before;
	if (grew || s->out.tokens_in != tin || s->out.tokens_out != tout || s->out.done != done)
		s->last_progress = now_ms();
	/* Thinking counts: the provider is producing, so the first-token
	 * timeout is over and the silence timeout applies. */
	if (!s->first_token && grew)
		s->first_token = s->last_progress;
	if (rc == 0 && s->out.text.len + s->out.reasoning.len > w.max_reply_bytes)
		return cut_at_limit(s);
	return rc;
}

/* The SSE parser refused a line or an event as too large. */
static void too_large(struct stream *s)
{
	snprintf(s->out.error, sizeof s->out.error, "The provider's stream sent %s larger than "
		 "confab's limit of %zu KiB (event size limit)%s",
		 s->sse.over == SSE_LINE_TOO_LONG ? "a line" : "an event",
		 w.max_event_bytes / 1024, kept(s));
}

/* curl hands over the body: into the SSE parser when the answer is 2xx,
 * kept (bounded) as the error body otherwise. */
static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	struct stream *s = user;
	size_t len = size * n;
	if (!s->http_status)
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->http_status);
	if (s->http_status < 200 || s->http_status > 299) {
		if (s->errbody.len < MAX_ERROR_BODY)
			buf_append(&s->errbody, p, len);
		return len;
	}
	/* Counted after decompression: what the parser has to read. */
	s->received += len;
	if (s->received > w.max_response_bytes) {
		snprintf(s->out.error, sizeof s->out.error, "The provider's stream went past "
			 "confab's limit of %zu MiB for one response (response size limit)%s",
			 w.max_response_bytes >> 20, kept(s));
		return 0;
	}
	if (sse_feed(&s->sse, p, len) == 0)
		return len;
	/* An error the stream carried, or a limit: stop reading;
	 * transfer_done reports it. */
	if (!s->out.error[0] && s->sse.over)
		too_large(s);
	return 0;
}

/* retry-after-ms (float ms) or retry-after (seconds; an HTTP date is
 * treated as "soon", the backoff then decides). */
static size_t on_header(char *p, size_t size, size_t n, void *user)
{
	struct stream *s = user;
	size_t len = size * n;
	if (len > 15 && strncasecmp(p, "retry-after-ms:", 15) == 0)
		s->retry_after_ms = (int64_t)strtod(p + 15, NULL);
	else if (len > 12 && strncasecmp(p, "retry-after:", 12) == 0 && s->retry_after_ms < 0)
		s->retry_after_ms = (int64_t)(strtod(p + 12, NULL) * 1000);
	return len;
}

static struct stream *stream_alloc(void)
{
	struct stream *s = xcalloc(1, sizeof *s);
	s->retry_after_ms = -1;
	gen_out_init(&s->out);
	return s;
}

/* Fill url, headers and body from a request; 0 or -1 (then ended). */
static int prepare(struct stream *s, const struct gen_request *rq)
{
	for (size_t i = 0; i < rq->nturns; i++)
		s->prompt_bytes += (int64_t)strlen(rq->turns[i].content);
	s->prompt_bytes += (int64_t)strlen(rq->system);
	if (s->ad->build(rq, &s->url, &s->headers, &s->body)) {
		stream_end(s, "failed", "confab could not build the request for this provider.");
		return -1;
	}
	return 0;
}

/* The user's own key for the model's provider, if it pays for this
 * request (own_key.h), into s->user_key. 0 (and s ended failed) when one
 * is stored but cannot be opened. */
static int own_key(struct stream *s)
{
	if (own_key_for(w.user_db, w.have_key ? w.key : NULL, s->job.user_id,
			s->model->provider->name, &s->user_key) != OWN_KEY_UNREADABLE)
		return 1;
	stream_end(s, "failed", "Your own key for this provider could not be read (the "
				"server's key file has changed). Store it again in Settings.");
	return 0;
}

/* The chat's first user message, kept for its title request (loop.c
 * start_title) when nothing was answered before it: the title comes from
 * the history read here, not from a second read. */
static void keep_first_message(struct stream *s, struct turn *turns, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(turns[i].role, "assistant"))
			return;
		if (!strcmp(turns[i].role, "user")) {
			s->first_message = turns[i].content;
			turns[i].content = NULL;
			return;
		}
	}
}

struct stream *stream_new_reply(const struct job *job, int64_t now)
{
	struct stream *s = stream_alloc();
	struct gen_request rq;
	struct turn *turns;
	char *system;
	size_t n;
	int64_t held;

	s->kind = STREAM_REPLY;
	s->job = *job;
	s->started = now;
	s->model = models_find(&w.models, job->model);
	if (!s->model) {
		stream_end(s, "failed", "This model is no longer offered on this server. "
					"Choose another one and send again.");
		return s;
	}
	s->ad = adapter_for(s->model->provider->type);
	if (!s->ad) {
		stream_end(s, "failed", "This provider's kind is not supported yet.");
		return s;
	}
	if (!own_key(s))
		return s;
	n = turn_files_history(w.db, w.cfg.data_dir, s->model, job->chat_id, job->message_id,
			       &system, &turns);
	rq.model = s->model;
	rq.system = system;
	rq.turns = turns;
	rq.nturns = n;
	rq.max_tokens = job->max_tokens > 0 && job->max_tokens < s->model->max_output
			? job->max_tokens : s->model->max_output;
	rq.api_key = s->user_key;
	/* Within the hold taken when it was queued (hold.h): a chat that grew
	 * since (its preset edited) gets less room to answer, or none. */
	held = quota_held_tokens(w.db, job->message_id);
	if (held >= 0) {
		int64_t in = hold_input_tokens(s->model->provider->type, system, turns, n);
		if (rq.max_tokens > held - in)
			rq.max_tokens = held - in;
		if (rq.max_tokens < 1)
			stream_end(s, "failed", "The chat's instructions or files grew after this "
						"reply was queued, past what was held for it. "
						"Send again.");
	}
	if (!s->ended)
		prepare(s, &rq);
	cache_answer(s, now);
	keep_first_message(s, turns, n);
	turns_free(turns, n);
	free(system);
	return s;
}

struct stream *stream_new_title(const char *chat_id, const char *user_id,
				const struct model_cfg *model, const char *first_message,
				int64_t now)
{
	struct stream *s = stream_alloc();
	struct turn t = { .role = (char *)"user", .content = (char *)first_message };
	struct gen_request rq = { model, title_instruction, &t, 1, 24, NULL };
	s->kind = STREAM_TITLE;
	snprintf(s->job.chat_id, sizeof s->job.chat_id, "%s", chat_id);
	snprintf(s->job.user_id, sizeof s->job.user_id, "%s", user_id);
	s->job.model = xstrdup(model->id);
	s->model = model;
	s->ad = adapter_for(model->provider->type);
	s->started = now;
	if (!s->ad)
		stream_end(s, "failed", "unsupported provider");
	else if (own_key(s)) {
		rq.api_key = s->user_key;
		prepare(s, &rq);
	}
	return s;
}

void stream_start(struct stream *s, int64_t now)
{
	if (s->ended)
		return;
	if (!s->easy)
		s->easy = curl_easy_init();
	else
		curl_easy_reset(s->easy);
	sse_free(&s->sse);
	sse_init(&s->sse, on_event, s);
	s->sse.ndjson = s->ad->ndjson;
	s->sse.error_field = s->ad->error_field;
	s->sse.max_line = s->sse.max_event = w.max_event_bytes;
	buf_clear(&s->errbody);
	s->http_status = 0;
	s->retry_after_ms = -1;
	s->retry_at = 0;
	s->req_started = now;
	s->last_progress = now;
	s->received = 0;
	s->attempts++;
	curl_easy_setopt(s->easy, CURLOPT_URL, buf_str(&s->url));
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, buf_str(&s->body));
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)s->body.len);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
	curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)w.connect_timeout_ms);
	curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->easy, CURLOPT_USERAGENT, "confab/" PACKAGE_VERSION);
	curl_easy_setopt(s->easy, CURLOPT_ACCEPT_ENCODING, "");
	/* Tokens come a few bytes at a time: curl's 16 KB read buffer per
	 * stream was most of confabd's memory with thousands of streams. */
	curl_easy_setopt(s->easy, CURLOPT_BUFFERSIZE, 4096L);
	/* Only HTTP(S): a base_url must not reach files or other schemes. */
	curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_multi_add_handle(w.multi, s->easy);
	s->in_multi = 1;
}

static void remove_from_multi(struct stream *s)
{
	if (s->in_multi) {
		curl_multi_remove_handle(w.multi, s->easy);
		s->in_multi = 0;
	}
}

void stream_end(struct stream *s, const char *status, const char *error)
{
	if (s->ended)
		return;
	if (s->easy)
		remove_from_multi(s);
	s->ended = 1;
	s->end_status = status;
	snprintf(s->end_error, sizeof s->end_error, "%s", error ? error : "");
}

/* 429 and 5xx before any text are worth another try, after a backoff that
 * honours retry-after (capped at 30 s). */
static int retry_later(struct stream *s, int64_t now)
{
	int64_t wait;
	if (s->first_token || s->attempts > w.max_retries)
		return 0;
	if (s->http_status != 429 && s->http_status < 500)
		return 0;
	wait = s->retry_after_ms >= 0 ? s->retry_after_ms : 500LL << (s->attempts - 1);
	if (wait > 30000)
		wait = 30000;
	remove_from_multi(s);
	s->retry_at = now + wait;
	log_info("message %s: HTTP %ld, trying again in %lld ms", s->job.message_id,
		 s->http_status, (long long)wait);
	return 1;
}

void stream_transfer_done(struct stream *s, CURLcode rc, int64_t now)
{
	char msg[400], raw[1024];
	if (!s->http_status)
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->http_status);
	if (rc == CURLE_OK || rc == CURLE_WRITE_ERROR)
		sse_finish(&s->sse);
	if (s->out.error[0]) {
		stream_end(s, "failed", s->out.error);
	} else if (s->http_status >= 200 && s->http_status <= 299 &&
		   (rc == CURLE_OK || rc == CURLE_RECV_ERROR || rc == CURLE_PARTIAL_FILE ||
		    rc == CURLE_GOT_NOTHING)) {
		/* A clean close without the end marker is a broken stream too. */
		if (rc == CURLE_OK && (s->out.done || s->ad->ends_at_eof))
			stream_end(s, "done", NULL);
		else
			stream_end(s, "failed", "The connection to the provider broke off before "
						"the reply was complete. The text so far is kept.");
	} else if (rc == CURLE_OK) {
		if (retry_later(s, now))
			return;
		provider_http_error(s->ad, s->model->provider->name, s->user_key != NULL,
				    s->http_status, buf_str(&s->errbody), s->errbody.len, msg,
				    sizeof msg, raw, sizeof raw);
		/* The provider's whole message for the administrator, keys masked. */
		log_warn("message %s: HTTP %ld from %s: %s", s->job.message_id, s->http_status,
			 s->model->provider->name, raw);
		stream_end(s, "failed", msg);
	} else if (rc == CURLE_OPERATION_TIMEDOUT && !s->http_status) {
		snprintf(msg, sizeof msg, "The provider did not accept the connection within %lld "
			 "seconds (connect timeout).", (long long)(w.connect_timeout_ms / 1000));
		stream_end(s, "failed", msg);
	} else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) {
		snprintf(msg, sizeof msg, "confab could not connect to the provider (%s).",
			 curl_easy_strerror(rc));
		stream_end(s, "failed", msg);
	} else {
		snprintf(msg, sizeof msg, "The connection to the provider failed (%s).%s",
			 curl_easy_strerror(rc),
			 s->out.text.len ? " The text so far is kept." : "");
		stream_end(s, "failed", msg);
	}
}

/* "10 minutes" or "90 seconds". */
static void duration(char *d, size_t size, int64_t ms)
{
	int64_t sec = ms / 1000;
	if (sec >= 60 && sec % 60 == 0)
		snprintf(d, size, "%lld minute%s", (long long)(sec / 60), sec == 60 ? "" : "s");
	else
		snprintf(d, size, "%lld second%s", (long long)sec, sec == 1 ? "" : "s");
}

/* The timeouts. Before the first text or reasoning: first_token_timeout
 * from the request, whatever bytes come (a keep-alive says the server is
 * there, not that the model is writing). After it: silence_timeout since
 * the last progress (on_event). And reply_timeout over everything, from
 * the first attempt: a stream that trickles text forever still ends. */
void stream_check_time(struct stream *s, int64_t now)
{
	char msg[400], d[32];
	if (s->ended)
		return;
	if (now - s->started > w.reply_timeout_ms) {
		duration(d, sizeof d, w.reply_timeout_ms);
		snprintf(msg, sizeof msg, "The provider's stream was still going after %s, confab's "
			 "limit for one reply (reply timeout)%s", d, kept(s));
		stream_end(s, "failed", msg);
		return;
	}
	if (s->retry_at) {
		if (now >= s->retry_at)
			stream_start(s, now);
		return;
	}
	if (!s->in_multi)
		return;
	if (!s->first_token && now - s->req_started > w.first_token_timeout_ms) {
		snprintf(msg, sizeof msg, "The provider sent no reply within %lld seconds "
			 "(first-token timeout).", (long long)(w.first_token_timeout_ms / 1000));
		stream_end(s, "failed", msg);
	} else if (s->first_token && now - s->last_progress > w.silence_timeout_ms) {
		duration(d, sizeof d, w.silence_timeout_ms);
		snprintf(msg, sizeof msg, "The provider's stream brought no new text for %s in the "
			 "middle of the reply (silence timeout)%s", d, kept(s));
		stream_end(s, "failed", msg);
	}
}

void stream_free(struct stream *s)
{
	if (s->easy) {
		remove_from_multi(s);
		curl_easy_cleanup(s->easy);
	}
	curl_slist_free_all(s->headers);
	buf_free(&s->url);
	buf_free(&s->body);
	buf_free(&s->errbody);
	buf_free(&s->html);
	keybox_free(s->user_key);
	sse_free(&s->sse);
	gen_out_free(&s->out);
	free(s->job.model);
	free(s->first_message);
	free(s);
}
