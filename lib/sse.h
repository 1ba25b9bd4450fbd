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

struct sse {
	struct buf line;      /* the current, incomplete line */
	struct buf data;      /* data lines of the event being built */
	struct buf type;      /* its event type ("" = message) */
	struct buf id;        /* last event id */
	long retry_ms;        /* last valid retry value, -1 if none */
	int saw_cr;           /* the previous byte was CR (a following LF is part of it) */
	int started;          /* past the optional BOM at the very start */
	size_t max_line;      /* a longer line is an error (default 4 MiB) */
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
 * or -1 if a line exceeded max_line. */
int sse_feed(struct sse *p, const char *bytes, size_t n);

/* End of stream: the spec discards an event with no final blank line, but
 * providers end with "data: [DONE]" and no blank line, so (like the OpenAI
 * SDK) a pending event is dispatched. Returns as sse_feed. */
int sse_finish(struct sse *p);

#endif
