/* loop.c — confabd's event loop. Each tick (tick_ms): let curl move every
 * stream, check timeouts, then ONE data.db transaction that appends what
 * arrived for all live streams, records the ones that ended, claims new
 * jobs and picks up stop requests. */
#include "confabd.h"
#include "store_cache.h"
#include "vacuum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CLAIM_BATCH 64

static int64_t data_version(void)
{
	sqlite3_stmt *st = db_prep(w.db, "PRAGMA data_version");
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return v;
}

/* Cost in micro-dollars, rounded to the nearest: prices are micro-dollars
 * per million tokens. */
static int64_t cost_of(const struct model_cfg *m, int64_t tin, int64_t tout)
{
	if (!m)
		return 0;
	return (tin * m->price_in + tout * m->price_out + 500000) / 1000000;
}

/* Clean a generated title: first line, no surrounding quotes, at most 80
 * bytes on a character boundary. "" when nothing usable is left. */
static void clean_title(const char *in, char *out, size_t size)
{
	size_t n = 0;
	while (*in == ' ' || *in == '\n' || *in == '"' || *in == '\'' || *in == '*' || *in == '#')
		in++;
	while (in[n] && in[n] != '\n' && n < size - 1 && n < 80)
		n++;
	while (n && ((unsigned char)in[n] & 0xC0) == 0x80 && in[n])
		n--;
	memcpy(out, in, n);
	out[n] = '\0';
	while (n && (out[n - 1] == ' ' || out[n - 1] == '"' || out[n - 1] == '\'' ||
		     out[n - 1] == '.' || out[n - 1] == '*'))
		out[--n] = '\0';
}

/* Record a title request's end: the title, and its usage row. */
static void record_title(struct stream *s, int64_t now)
{
	int ok = strcmp(s->end_status, "done") == 0;
	char title[96];
	int64_t tin = s->out.usage_seen ? s->out.tokens_in : (s->prompt_bytes + 3) / 4;
	int64_t tout = s->out.usage_seen ? s->out.tokens_out : ((int64_t)s->out.text.len + 3) / 4;
	clean_title(buf_str(&s->out.text), title, sizeof title);
	if (ok && *title)
		chat_set_generated_title(w.db, s->job.chat_id, title);
	if (s->attempts)
		usage_log_add(w.db, s->job.user_id, s->job.chat_id, NULL, "title",
			      s->model->provider->name, s->model->id, tin, tout,
			      cost_of(s->model, tin, tout), ok ? "success" : "error", now - s->started,
			      ok ? NULL : s->end_error,
			      &(struct origin){ .ip = s->job.ip, .user_agent = s->job.user_agent,
						  .own_key = s->user_key != NULL },
			      now);
}

/* Record a reply's end, and start its chat's title request when due. */
static void record_reply(struct stream *s, int64_t now)
{
	struct reply_end e;
	int estimated = !s->out.usage_seen;
	char *auto_title;

	memset(&e, 0, sizeof e);
	e.content = buf_str(&s->out.text);
	e.content_len = s->out.text.len;
	e.status = s->end_status;
	e.error = strcmp(s->end_status, "failed") == 0 ? s->end_error : NULL;
	if (s->html.len)
		e.html = buf_str(&s->html);
	e.reasoning = buf_str(&s->out.reasoning);
	e.reasoning_len = s->out.reasoning.len;
	/* A server that sends no counts: estimate (about 4 bytes a token), and
	 * mark the message so the numbers are never taken for the provider's.
	 * Reasoning is output the provider bills too. */
	e.tokens_in = estimated ? (s->attempts ? (s->prompt_bytes + 3) / 4 : 0) : s->out.tokens_in;
	e.tokens_out = estimated ? ((int64_t)(s->out.text.len + s->out.reasoning.len) + 3) / 4
				 : s->out.tokens_out;
	e.tokens_estimated = estimated && s->attempts;
	e.cost = s->cached ? 0 : cost_of(s->model, e.tokens_in, e.tokens_out);
	e.cached = s->cached;
	e.ttft_ms = s->first_token ? s->first_token - s->started : -1;
	e.response_ms = s->attempts || s->cached ? now - s->started : -1;
	e.provider = s->model ? s->model->provider->name : "";
	e.model = s->model ? s->model->id : s->job.model;
	e.started_at = s->attempts || s->cached ? s->started : 0;
	e.from.ip = s->job.ip;
	e.from.user_agent = s->job.user_agent;
	e.from.own_key = s->user_key != NULL;
	reply_finish(w.db, s->job.id, s->job.message_id, s->job.chat_id, s->job.user_id, &e, now);
	cache_keep(s, now);

	if (strcmp(s->end_status, "done") == 0 && s->model &&
	    reply_is_first(w.db, s->job.chat_id, s->job.message_id) &&
	    (auto_title = chat_auto_title(w.db, s->job.chat_id)) != NULL) {
		char *system = NULL;
		struct turn *turns = NULL;
		size_t n = job_history(w.db, s->job.chat_id, s->job.message_id, &system, &turns);
		const char *first = NULL;
		for (size_t i = 0; i < n && !first; i++)
			if (strcmp(turns[i].role, "user") == 0)
				first = turns[i].content;
		if (first && w.nstreams < w.max_streams) {
			struct stream *t = stream_new_title(s->job.chat_id, s->job.user_id, s->model,
							    first, now);
			memcpy(t->job.ip, s->job.ip, sizeof t->job.ip);
			memcpy(t->job.user_agent, s->job.user_agent, sizeof t->job.user_agent);
			/* Not into w.streams: flush() is walking that list. */
			t->next = w.started;
			w.started = t;
			w.nstreams++;
			stream_start(t, now);
		}
		for (size_t i = 0; i < n; i++) {
			free(turns[i].role);
			free(turns[i].content);
		}
		free(turns);
		free(system);
		free(auto_title);
	}
}

/* Claim what fits; 1 if the batch was full (more may be waiting). */
static int claim(int64_t now)
{
	struct job jobs[CLAIM_BATCH];
	size_t room = w.max_streams > w.nstreams ? w.max_streams - w.nstreams : 0;
	size_t n = job_claim(w.db, jobs, room < CLAIM_BATCH ? room : CLAIM_BATCH, now);
	for (size_t i = 0; i < n; i++) {
		struct stream *s = stream_new_reply(&jobs[i], now);
		s->next = w.streams;
		w.streams = s;
		w.nstreams++;
		if (jobs[i].stop_requested)
			stream_end(s, "stopped", NULL);
		else
			stream_start(s, now);
	}
	return n == CLAIM_BATCH;
}

static void apply_stop_requests(void)
{
	int64_t ids[256];
	size_t n = job_stop_requests(w.db, ids, 256);
	for (size_t i = 0; i < n; i++)
		for (struct stream *s = w.streams; s; s = s->next)
			if (s->kind == STREAM_REPLY && s->job.id == ids[i])
				stream_end(s, "stopped", NULL);
}

/* The one write transaction of a tick. Returns 1 when a full batch was
 * claimed, so the next tick looks for more at once. */
static int flush(int check_jobs, int64_t now)
{
	struct stream **pp;
	int more = 0;
	if (db_begin(w.db) != SQLITE_OK) {
		log_warn("data.db busy; will write at the next tick");
		return 0;
	}
	for (pp = &w.streams; *pp;) {
		struct stream *s = *pp;
		if (s->kind == STREAM_REPLY && s->out.text.len > s->flushed && !s->ended) {
			reply_append(w.db, s->job.message_id, (int64_t)s->flushed,
				     s->out.text.data + s->flushed, s->out.text.len - s->flushed);
			s->flushed = s->out.text.len;
		}
		if (s->kind == STREAM_REPLY && s->out.reasoning.len > s->rflushed && !s->ended) {
			reply_append_reasoning(w.db, s->job.message_id, (int64_t)s->rflushed,
					       s->out.reasoning.data + s->rflushed,
					       s->out.reasoning.len - s->rflushed);
			s->rflushed = s->out.reasoning.len;
		}
		/* A large reply's HTML may still be on the render thread. */
		if (s->ended && s->kind == STREAM_REPLY && !render_ready(s)) {
			pp = &s->next;
			continue;
		}
		if (s->ended) {
			if (s->kind == STREAM_REPLY)
				record_reply(s, now);
			else
				record_title(s, now);
			*pp = s->next;
			w.nstreams--;
			stream_free(s);
			continue;
		}
		pp = &s->next;
	}
	while (w.started) {
		struct stream *t = w.started;
		w.started = t->next;
		t->next = w.streams;
		w.streams = t;
	}
	if (check_jobs) {
		static int64_t last_purge;
		apply_stop_requests();
		more = claim(now);
		if (now - last_purge >= 60 * 1000) {
			cache_purge(w.db, now);
			last_purge = now;
		}
	}
	if (db_commit(w.db) != SQLITE_OK)
		log_error("data.db commit failed: %s", sqlite3_errmsg(db_handle(w.db)));
	return more;
}

void worker_run(volatile sig_atomic_t *stop)
{
	int64_t last_version = -1, last_busy = now_ms(), last_jobs_check = 0, last_reclaim = 0;
	int64_t next_tick = now_ms();
	int more = 0;
	w.multi = curl_multi_init();
	while (!*stop) {
		int running, msgs, changed;
		CURLMsg *m;
		int64_t now, v, wait;

		/* curl wakes us whenever any stream has bytes; those are read at
		 * once, but the database is written only once per tick. */
		now = now_ms();
		wait = next_tick > now ? next_tick - now : 0;
		curl_multi_poll(w.multi, NULL, 0, (int)wait, NULL);
		curl_multi_perform(w.multi, &running);
		now = now_ms();
		while ((m = curl_multi_info_read(w.multi, &msgs))) {
			struct stream *s;
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
			s->in_multi = 0;
			curl_multi_remove_handle(w.multi, m->easy_handle);
			stream_transfer_done(s, m->data.result, now);
		}
		if (now < next_tick)
			continue;
		next_tick = now + w.tick_ms;
		for (struct stream *s = w.streams; s; s = s->next)
			stream_check_time(s, now);
		models_sync(&w.models, w.db, now);
		/* Jobs are looked for when another process committed to data.db
		 * (a cheap PRAGMA), after a full batch, and once a second anyway. */
		v = data_version();
		changed = more || v != last_version || now - last_jobs_check >= 1000;
		if (changed) {
			last_version = v;
			last_jobs_check = now;
		}
		more = flush(changed, now);
		if (w.streams) {
			last_busy = now;
		} else if (w.idle_exit_ms && now - last_busy > w.idle_exit_ms) {
			log_info("idle for %lld s; exiting", (long long)(w.idle_exit_ms / 1000));
			break;
		} else if (w.reclaim_ms && now - last_reclaim >= w.reclaim_ms) {
			/* Idle: hand the pages of deleted chats back to the disk, a
			 * slice at a time so a stream that starts waits little. */
			int64_t freed = vacuum_reclaim(w.db, 0);
			last_reclaim = now;
			if (freed > 0)
				log_info("gave %lld free pages back to the disk", (long long)freed);
		}
	}
	/* Stopping: what is in flight ends failed, its text kept. */
	for (struct stream *s = w.streams; s; s = s->next)
		stream_end(s, "failed", "This reply was interrupted: confab's worker was stopped "
					"while writing it. The text so far is kept.");
	flush(0, now_ms());
	while (w.streams) {    /* replies whose HTML is still being made */
		usleep(10 * 1000);
		flush(0, now_ms());
	}
	curl_multi_cleanup(w.multi);
}
