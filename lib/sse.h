/* sse.h — a Server-Sent Events parser following the WHATWG event-stream
 * rules: bytes arrive in pieces of any size (an event, a line ending or a
 * UTF-8 sequence may be split across reads at any byte) and complete
 * events come out through a callback. No allocation per event: the parser
 * owns growable buffers it reuses. */
#ifndef CONFAB_SSE_H
#define CONFAB_SSE_H

#include <stddef.h>
#include "buf.h"

/* One dispatched event. Strings are NUL-terminated and valid only during
 * the callback. type is "message" when the stream named none. data has the
 * data lines joined with '\n' (no trailing '\n'). */
struct sse_event {
	const char *type;
	const char *data;
	size_t data_len;
	const char *id;       /* the last event id seen, "" if none */
};

/* Return 0 to go on, non-zero to stop parsing (sse_feed then returns it). */
typedef int (*sse_cb)(void *user, const struct sse_event *ev);

#define SSE_MAX_DEFAULT ((size_t)1 << 20)

enum sse_over { SSE_WITHIN, SSE_LINE_TOO_LONG, SSE_EVENT_TOO_LARGE };

struct sse {
	struct buf line;      /* the current, incomplete line */
	struct buf data;      /* data lines of the event being built */
	struct buf type;      /* its event type ("" = message) */
	struct buf id;        /* last event id */
	long retry_ms;        /* last valid retry value, -1 if none */
	int saw_cr;           /* the previous byte was CR (a following LF is part of it) */
	int started;          /* past the optional BOM at the very start */
	/* Limits, so that a stream with no line ending or no blank line cannot
	 * grow the buffers without end: a line longer than max_line, or an
	 * event whose data exceeds max_event bytes, is an error (-1, with
	 * `over` saying which; both default to SSE_MAX_DEFAULT). In NDJSON
	 * mode a line is an event and max_line applies. */
	size_t max_line, max_event;
	enum sse_over over;   /* why the last -1: SSE_LINE_TOO_LONG, SSE_EVENT_TOO_LARGE */
	/* Opt-in departures from the spec, for servers that need them:
	 * ndjson: each non-blank line is one "message" event whose data is the
	 *   whole line (Ollama's native stream is JSON lines, not SSE);
	 * error_field: a line "error: V" counts as "event: error" plus
	 *   "data: V" (older llama.cpp servers report errors that way). */
	int ndjson, error_field;
	sse_cb cb;
	void *user;
};

void sse_init(struct sse *p, sse_cb cb, void *user);
void sse_free(struct sse *p);

/* Feed n bytes. Returns 0, the callback's non-zero value if it stopped,
 * or -1 if a limit was exceeded (p->over says which; the buffers are
 * released then, and every later feed returns -1 until sse_finish). */
int sse_feed(struct sse *p, const char *bytes, size_t n);

/* End of stream: the spec discards an event with no final blank line, but
 * providers end with "data: [DONE]" and no blank line, so (like the OpenAI
 * SDK) a pending event is dispatched (not after a limit was exceeded).
 * Returns as sse_feed; p->over is reset for the next stream. */
int sse_finish(struct sse *p);

#endif
