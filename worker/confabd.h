/* confabd.h — the worker's state, shared by its files:
 *   confabd.c  start, lease, recovery, signals
 *   loop.c     the event loop: claim, stream, flush once per tick
 *   events.c   curl driven by epoll: sockets ready and curl's timer
 *   stream.c   one provider request: curl handle, SSE (or NDJSON), adapter,
 *              retries
 *   render.c   a finished reply's HTML, off the loop when it is large
 *   checkpoint.c  data.db's WAL checkpoints, off the loop
 *   cache.c    the response cache */
#ifndef CONFABD_H
#define CONFABD_H

#include <signal.h>
#include <stdint.h>
#include <curl/curl.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "lease.h"
#include "log.h"
#include "markdown.h"
#include "models.h"
#include "provider.h"
#include "sse.h"
#include "store_reply.h"
#include "util.h"

enum stream_kind { STREAM_REPLY, STREAM_TITLE };
enum render_state { RENDER_NONE, RENDER_QUEUED, RENDER_DONE };

struct stream {
	struct stream *next;
	enum stream_kind kind;
	struct job job;               /* the reply (for a title: its chat and user) */
	const struct model_cfg *model;
	const struct adapter *ad;

	CURL *easy;
	struct curl_slist *headers;
	struct buf url, body;
	struct sse sse;
	struct gen_out out;
	int64_t prompt_bytes;         /* for an estimate when no usage comes */

	long http_status;             /* 0 until the headers are in */
	struct buf errbody;           /* a non-2xx answer's body */
	int64_t retry_after_ms;       /* from the last answer's headers, -1 none */
	int attempts;
	int64_t retry_at;             /* > 0: waiting to try again at this time */
	int in_multi;

	int64_t started;              /* first attempt */
	int64_t req_started;          /* this attempt */
	int64_t first_token;          /* 0 until the first text arrives */
	int64_t last_progress;        /* new text, reasoning or usage (not just bytes) */
	size_t received;              /* body bytes of this attempt */
	size_t flushed;               /* bytes of out.text already in data.db */
	size_t rflushed;              /* bytes of out.reasoning already there */
	size_t flush_to, rflush_to;   /* the same once this tick commits */
	int recorded;                 /* its end is in this tick's transaction */

	int ended;                    /* waiting for the next flush to record it */
	const char *end_status;       /* done, failed, stopped */
	char end_error[400];
	char *user_key;               /* the user's own key for this provider */
	char *first_message;          /* a first reply's user message, for the title */
	char cache_key[65];           /* "" when the cache is off */
	int cached;                   /* answered from the cache */
	enum render_state render;     /* its HTML, once ended (render.c) */
	struct buf html;
	struct stream *render_next;
};

struct worker {
	struct config cfg;
	struct models models;
	struct db *db;
	CURLM *multi;
	struct stream *streams;
	struct stream *started;       /* begun during a flush; joined after it */
	size_t nstreams;
	int64_t connect_timeout_ms, first_token_timeout_ms, silence_timeout_ms;
	int max_retries;
	size_t max_streams;
	size_t max_reply_bytes;       /* answer + reasoning of one reply */
	size_t max_event_bytes;       /* one SSE event's data, one line */
	size_t max_response_bytes;    /* the body of one provider response */
	int64_t reply_timeout_ms;     /* first attempt to end, whatever arrives */
	int cache_on;                 /* [cache] enabled: models may say otherwise */
	int64_t cache_ttl_ms;
	int cache_shared;             /* one cache for all users */
	struct db *user_db;           /* users' own provider keys (read only) */
	unsigned char key[32];        /* the key file: opens those keys */
	int have_key;
	int64_t tick_ms;
	int64_t idle_exit_ms;         /* 0: never */
	int64_t reclaim_ms;           /* free pages given back when idle this often; 0 never */
};

extern struct worker w;

/* The loop; returns when *stop is set (or when idle past idle_exit_ms). */
void worker_run(volatile sig_atomic_t *stop);

/* events.c: watch curl's sockets with epoll (0, or -1 with errno). */
int events_init(void);
void events_free(void);
/* Wait for ready sockets, curl's timer or deadline (now_ms()), whichever is
 * first, and let curl move what is ready. */
void events_run(int64_t deadline);

/* stream.c */
struct stream *stream_new_reply(const struct job *job, int64_t now);
struct stream *stream_new_title(const char *chat_id, const char *user_id,
				const struct model_cfg *model, const char *first_message,
				int64_t now);
/* Start (or restart after a retry wait) the HTTP request. */
void stream_start(struct stream *s, int64_t now);
/* curl says the transfer ended with result rc. */
void stream_transfer_done(struct stream *s, CURLcode rc, int64_t now);
/* Check the timeouts and a due retry; may end the stream. */
void stream_check_time(struct stream *s, int64_t now);
/* End it now with status and (for failed) error; removes it from curl. */
void stream_end(struct stream *s, const char *status, const char *error);
void stream_free(struct stream *s);

/* cache.c: answer s from the response cache (1: it has ended, done); and
 * keep a finished answer there. Both do nothing when [cache] is off. */
int cache_answer(struct stream *s, int64_t now);
void cache_keep(struct stream *s, int64_t now);

/* render.c: the render thread; without it everything renders inline. */
int render_start(void);
void render_stop(void);
/* 1 when s->html is ready (rendered now if small), 0: ask at a later tick. */
int render_ready(struct stream *s);

/* checkpoint.c: data.db's checkpoints on their own thread and connection
 * (SQLite's own, rarely, when that cannot start). */
void checkpoint_start(const char *data_db_path);
void checkpoint_stop(void);

#endif
