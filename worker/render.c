/* render.c — a finished reply's HTML, made without stalling the loop.
 *
 * The HTML is rendered once, when a reply ends. cmark-gfm takes about 34 µs
 * for a 2 KB reply, but a hostile reply near the renderer's input limit can
 * take over a second, and in the loop that second would stall every other
 * stream. So replies up to RENDER_INLINE_MAX are rendered at once (a
 * hand-off would cost more), and larger ones go to one render thread; the
 * loop records such a reply at the first tick after its HTML is back. So do
 * all replies while more than RENDER_INLINE_STREAMS stream: a thousand
 * that end together would otherwise render in the loop, one tick after
 * another, while the other streams wait. The
 * thread touches nothing but the stream's text (immutable once it has
 * ended) and its html buffer, under the queue's lock. */
#include "confabd.h"

#include <pthread.h>
#include <string.h>

#define RENDER_INLINE_MAX (8 * 1024)
#define RENDER_INLINE_STREAMS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct stream *queue;   /* waiting for the thread, linked by render_next */
static struct stream **queue_tail = &queue;
static int quitting, started;
static pthread_t thread;

static void render_into(struct stream *s, struct buf *html)
{
	if (markdown_render(buf_str(&s->out.text), s->out.text.len, html) != 0)
		buf_clear(html);
}

static void *render_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		struct stream *s;
		while (!queue && !quitting)
			pthread_cond_wait(&wake, &lock);
		if (!queue)
			break;
		s = queue;
		queue = s->render_next;
		if (!queue)
			queue_tail = &queue;
		pthread_mutex_unlock(&lock);
		struct buf html = BUF_INIT;
		render_into(s, &html);
		pthread_mutex_lock(&lock);
		s->html = html;
		s->render = RENDER_DONE;
	}
	pthread_mutex_unlock(&lock);
	markdown_cleanup();   /* this thread's cached parser dies with it */
	return NULL;
}

int render_start(void)
{
	if (pthread_create(&thread, NULL, render_main, NULL) != 0)
		return -1;
	started = 1;
	return 0;
}

void render_stop(void)
{
	if (!started)
		return;
	pthread_mutex_lock(&lock);
	quitting = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	started = 0;
}

int render_ready(struct stream *s)
{
	int ready;
	if (s->render == RENDER_NONE) {
		if (!s->out.text.len) {
			s->render = RENDER_DONE;
			return 1;
		}
		if (!started || (s->out.text.len <= RENDER_INLINE_MAX &&
				 w.nstreams <= RENDER_INLINE_STREAMS)) {
			render_into(s, &s->html);
			s->render = RENDER_DONE;
			return 1;
		}
		if (s->out.text.len > RENDER_INLINE_MAX)
			log_info("message %s: %zu bytes to render, handed to the render thread",
				 s->job.message_id, s->out.text.len);
		pthread_mutex_lock(&lock);
		s->render = RENDER_QUEUED;
		s->render_next = NULL;
		*queue_tail = s;
		queue_tail = &s->render_next;
		pthread_cond_signal(&wake);
		pthread_mutex_unlock(&lock);
		return 0;
	}
	pthread_mutex_lock(&lock);
	ready = s->render == RENDER_DONE;
	pthread_mutex_unlock(&lock);
	return ready;
}
