/* loop.c — confabd's event loop. Each tick (tick_ms): let curl move every
 * stream, check timeouts, then ONE data.db transaction that appends what
 * arrived for all live streams and records the ones that ended; then stop
 * requests, and new jobs claimed in a transaction of their own.
 *
 * Nothing acts before its COMMIT: a stream's text counts as written, an
 * ended stream is freed and a title request starts only once the tick's
 * transaction has committed, and a claimed job's provider request starts
 * only once the claim has. A tick that fails (a full disk, an I/O error,
 * a busy file) is rolled back whole and written again at the next one, so
 * a fault costs a delay, never a second provider request or a lost row. */
#include "confabd.h"
#include "store_cache.h"
#include "vacuum.h"
#include "vacuum_trash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CLAIM_BATCH 64
#define CACHE_BASE_KIB 2000    /* SQLite's default */
#define CACHE_STREAM_KIB 5     /* the last page of its parts (4 KiB and its header) */

/* Log a failed write of the tick: at once, then at most every 10 s with
 * how many failed meanwhile (a full disk fails every tick). */
static void write_failed(const char *what, const char *why)
{
	static int64_t last_logged;
	static long unlogged;
	int64_t now = now_ms();
	if (last_logged && now - last_logged < 10 * 1000) {
		unlogged++;
		return;
	}
	if (unlogged)
		log_error("data.db: %s (%s); %ld more failed since the last report", what, why,
			  unlogged);
	else
		log_error("data.db: %s (%s)", what, why);
	last_logged = now;
	unlogged = 0;
}

static int64_t data_version(void)
{
	return db_data_version(w.db);
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

/* Record a title request's end: the title, and its usage row. 0 or -1. */
static int record_title(struct stream *s, int64_t now)
{
	int ok = strcmp(s->end_status, "done") == 0;
	char title[96];
	int64_t tin = s->out.usage_seen ? s->out.tokens_in : (s->prompt_bytes + 3) / 4;
	int64_t tout = s->out.usage_seen ? s->out.tokens_out : ((int64_t)s->out.text.len + 3) / 4;
	clean_title(buf_str(&s->out.text), title, sizeof title);
	if (ok && *title && store_reply_chat_set_generated_title(w.db, s->job.chat_id, title))
		return -1;
	if (s->attempts)
		return usage_log_add(w.db, s->job.user_id, s->job.chat_id, NULL, "title",
				     s->model->provider->name, s->model->id, tin, tout,
				     cost_of(s->model, tin, tout), ok ? "success" : "error",
				     now - s->started, ok ? NULL : s->end_error,
				     &(struct origin){ .ip = s->job.ip,
						       .user_agent = s->job.user_agent,
						       .own_key = s->user_key != NULL },
				     now);
	return 0;
}

/* Record a reply's end (in the tick's transaction). 0 or -1. */
static int record_reply(struct stream *s, int64_t now)
{
	struct reply_end e;
	int estimated = !s->out.usage_seen;
	/* Nothing came back and nothing was reported: the provider refused
	 * it or never answered, and billed nothing we can see. */
	int nothing = estimated && !s->first_token;

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
	e.tokens_in = nothing ? 0 : estimated ? (s->prompt_bytes + 3) / 4 : s->out.tokens_in;
	e.tokens_out = nothing ? 0 : estimated
		       ? ((int64_t)(s->out.text.len + s->out.reasoning.len) + 3) / 4
		       : s->out.tokens_out;
	e.tokens_estimated = estimated && !nothing && s->attempts;
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
	if (reply_finish(w.db, s->job.id, s->job.message_id, s->job.chat_id, s->job.user_id,
			 &e, now))
		return -1;
	cache_keep(s, now);
	return db_tx_error(w.db, NULL) == SQLITE_OK ? 0 : -1;
}

/* After the commit that recorded reply s: its chat's title request, when
 * this was the chat's first reply and the title is still automatic. */
static void start_title(struct stream *s, int64_t now)
{
	char *auto_title;

	if (strcmp(s->end_status, "done") != 0 || !s->model || w.nstreams >= w.max_streams ||
	    !reply_is_first(w.db, s->job.chat_id, s->job.message_id) ||
	    (auto_title = store_reply_chat_auto_title(w.db, s->job.chat_id)) == NULL)
		return;
	/* The user message the reply's own history read kept (stream.c). */
	if (s->first_message) {
		struct stream *t = stream_new_title(s->job.chat_id, s->job.user_id, s->model,
						    s->first_message, now);
		memcpy(t->job.ip, s->job.ip, sizeof t->job.ip);
		memcpy(t->job.user_agent, s->job.user_agent, sizeof t->job.user_agent);
		/* Not into w.streams: the caller is walking that list. */
		t->next = w.started;
		w.started = t;
		w.nstreams++;
		stream_start(t, now);
	}
	free(auto_title);
}

/* Claim what fits, in a transaction of its own; the provider requests
 * start once it has committed. 1 if the batch was full (more may wait),
 * -1 if the claim failed (to try again at the next tick), else 0. */
static int claim(int64_t now)
{
	struct job jobs[CLAIM_BATCH];
	size_t room = w.max_streams > w.nstreams ? w.max_streams - w.nstreams : 0;
	const char *why;
	int n;

	if (!room || !reply_queued(w.db))
		return 0;
	if (db_begin(w.db) != SQLITE_OK) {
		db_tx_error(w.db, &why);
		write_failed("cannot claim new jobs; trying again at the next tick", why);
		return -1;
	}
	n = job_claim(w.db, jobs, room < CLAIM_BATCH ? room : CLAIM_BATCH, now);
	if (n < 0 || db_commit(w.db) != SQLITE_OK) {
		db_tx_error(w.db, &why);
		db_rollback(w.db);
		for (int i = 0; i < n; i++)
			free(jobs[i].model);
		write_failed("claiming new jobs failed; they stay queued and are claimed at the "
			     "next tick", why);
		return -1;
	}
	for (int i = 0; i < n; i++) {
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

/* A backlog (a thousand replies queued at once) is claimed a batch after
 * another, in job order, while they take less than half a tick: at 64 a
 * tick it took 4 s for 5,000 to start. 1: look again at the next tick. */
static int claim_some(int64_t now)
{
	int64_t t0 = now_ms();
	int rc;
	while ((rc = claim(now)) == 1 && now_ms() - t0 < w.tick_ms / 2)
		;
	return rc != 0;
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

/* The tick's writes for one stream: its end when it has ended (and its
 * HTML is ready) and may_end allows, otherwise what arrived. 0 or -1. */
static int write_stream(struct stream *s, int may_end, int64_t now)
{
	s->recorded = 0;
	s->flush_to = s->flushed;
	s->rflush_to = s->rflushed;
	/* A large reply's HTML may still be on the render thread. */
	if (s->ended && may_end && (s->kind != STREAM_REPLY || render_ready(s))) {
		if (s->kind == STREAM_REPLY ? record_reply(s, now) : record_title(s, now))
			return -1;
		s->recorded = 1;
		return 0;
	}
	if (s->kind != STREAM_REPLY)
		return 0;
	/* An ended reply waiting for its turn shows its last text meanwhile. */
	if (s->out.text.len > s->flushed &&
	    reply_append(w.db, s->job.message_id, (int64_t)s->flushed,
			 s->out.text.data + s->flushed, s->out.text.len - s->flushed))
		return -1;
	s->flush_to = s->out.text.len;
	if (s->out.reasoning.len > s->rflushed &&
	    reply_append_reasoning(w.db, s->job.message_id, (int64_t)s->rflushed,
				   s->out.reasoning.data + s->rflushed,
				   s->out.reasoning.len - s->rflushed))
		return -1;
	s->rflush_to = s->out.reasoning.len;
	return 0;
}

/* The tick has committed: what it wrote counts, the ended streams go, and
 * their chats' title requests start. Ended streams that waited go to the
 * front, in their order, so the next tick records them first. */
static void tick_committed(int64_t now)
{
	struct stream **pp, *waited = NULL, **wtail = &waited;
	for (pp = &w.streams; *pp;) {
		struct stream *s = *pp;
		s->flushed = s->flush_to;
		s->rflushed = s->rflush_to;
		if (!s->recorded && !s->ended) {
			pp = &s->next;
			continue;
		}
		*pp = s->next;
		if (!s->recorded) {
			s->next = NULL;
			*wtail = s;
			wtail = &s->next;
			continue;
		}
		if (s->kind == STREAM_REPLY)
			start_title(s, now);
		w.nstreams--;
		stream_free(s);
	}
	*wtail = w.streams;
	w.streams = waited;
	while (w.started) {
		struct stream *t = w.started;
		w.started = t->next;
		t->next = w.streams;
		w.streams = t;
	}
}

/* Say (at most once a minute) that ends waited for a later tick. */
static void ends_waited(int ended, int waiting, int64_t now)
{
	static int64_t last_logged;
	if (last_logged && now - last_logged < 60 * 1000)
		return;
	log_info("%d replies ended in one tick; %d more wait for the next ticks", ended + waiting,
		 waiting);
	last_logged = now;
}

/* The one write transaction of a tick. 0, or -1 when it was rolled back
 * (the streams are as they were: the same writes are made next time). */
static int write_tick(int purge, int64_t now)
{
	const char *why;
	int failed = 0, ends = 0, waiting = 0;
	int64_t t0;
	if (!w.streams && !purge)
		return 0;
	if (db_begin(w.db) != SQLITE_OK) {
		db_tx_error(w.db, &why);
		write_failed("cannot write this tick; will write at the next tick", why);
		return -1;
	}
	/* Ending a reply costs about a millisecond (its whole text, HTML,
	 * usage, the parts deleted): when a thousand end together, the ends
	 * past half a tick's time wait for the next tick, and the other
	 * streams' text is not held up behind them. */
	t0 = now_ms();
	for (struct stream *s = w.streams; s && !failed; s = s->next) {
		int may_end = s->ended && (!ends || now_ms() - t0 < w.tick_ms / 2);
		failed = write_stream(s, may_end, now) != 0;
		ends += s->recorded;
		waiting += s->ended && !may_end;
	}
	if (waiting)
		ends_waited(ends, waiting, now);
	if (!failed && purge)
		store_cache_purge(w.db, now);
	if (!failed && db_commit(w.db) == SQLITE_OK) {
		tick_committed(now);
		return 0;
	}
	db_tx_error(w.db, &why);
	db_rollback(w.db);
	for (struct stream *s = w.streams; s; s = s->next)
		s->recorded = 0;
	write_failed("this tick's writes were rolled back; they are written again at the next "
		     "tick", why);
	return -1;
}

/* Write the tick; then stop requests and new jobs. Returns 1 when a full
 * batch was claimed, so the next tick looks for more at once. */
static int flush(int check_jobs, int64_t now)
{
	static int64_t last_purge;
	int purge = check_jobs && now - last_purge >= 60 * 1000;
	if (write_tick(purge, now) == 0 && purge)
		last_purge = now;
	if (!check_jobs)
		return 0;
	apply_stop_requests();
	return claim_some(now);
}

/* data.db's page cache follows the number of streams: each tick appends
 * to the last page of every live reply's parts, and with SQLite's default
 * 2 MB a thousand of them were read back from the file at every tick.
 * Grown as streams start, given back once they are fewer than half. */
static void size_cache(void)
{
	static int64_t kib;
	int64_t want = CACHE_BASE_KIB + CACHE_STREAM_KIB * (int64_t)w.nstreams;
	if (want > kib || want < kib / 2) {
		kib = want + want / 4;
		db_cache_kib(w.db, kib);
	}
}

/* Idle: delete for good one slice of the chats past [chat] trash_days in
 * the trash (vacuum_trash.h); their pages come back with the reclaim. */
static void empty_trash(int64_t now)
{
	int64_t n = vacuum_trash(w.db, vacuum_trash_cutoff(now, w.cfg.trash_days), 0);
	if (n > 0)
		log_info("deleted %lld chats from the trash for good (in it over %d days)",
			 (long long)n, w.cfg.trash_days);
}

void worker_run(volatile sig_atomic_t *stop)
{
	int64_t last_version = -1, last_busy = now_ms(), last_jobs_check = 0, last_reclaim = 0;
	int64_t next_tick = now_ms();
	int more = 0;
	w.multi = curl_multi_init();
	if (events_init() != 0)
		die("epoll: %s", strerror(errno));
	while (!*stop) {
		int msgs, changed;
		CURLMsg *m;
		int64_t now, v;

		/* Bytes are read as they come (in paced batches, events.c), but
		 * the database is written only once per tick. */
		events_run(next_tick);
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
		size_cache();
		if (w.streams) {
			last_busy = now;
		} else if (w.idle_exit_ms && now - last_busy > w.idle_exit_ms) {
			log_info("idle for %lld s; exiting", (long long)(w.idle_exit_ms / 1000));
			break;
		} else if (w.reclaim_ms && now - last_reclaim >= w.reclaim_ms) {
			/* Idle: hand the pages of deleted chats back to the disk, a
			 * slice at a time so a stream that starts waits little. */
			int64_t freed;
			empty_trash(now);
			freed = vacuum_reclaim(w.db, 0);
			last_reclaim = now;
			if (freed > 0)
				log_info("gave %lld free pages back to the disk", (long long)freed);
		}
	}
	/* Stopping: what is in flight ends failed, its text kept. */
	for (struct stream *s = w.streams; s; s = s->next)
		stream_end(s, "failed", "This reply was interrupted: confab's worker was stopped "
					"while writing it. The text so far is kept.");
	/* Replies whose HTML is still being made, or whose writes keep
	 * failing: a while, then what is left is recovered as interrupted
	 * when a worker next starts. */
	for (int i = 0; w.streams && i < 1000; i++) {
		if (flush(0, now_ms()) != 0 || w.streams)
			usleep(10 * 1000);
	}
	if (w.streams)
		log_error("data.db: %zu replies could not be recorded before stopping; the next "
			  "worker ends them as interrupted", w.nstreams);
	curl_multi_cleanup(w.multi);
	events_free();
}
