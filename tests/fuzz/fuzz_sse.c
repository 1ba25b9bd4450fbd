/* fuzz_sse.c — libFuzzer target for the SSE parser. Differential: the
 * stream fed whole, split in two at a position taken from the first input
 * byte, and fed one byte at a time must give the same events, the same
 * result, and the same id and retry at the end. Each event is also checked:
 * data_len == strlen(data) unless the data holds a NUL, and no CR or LF
 * survives in a type or id (nor a CR in data).
 *
 * The second input byte picks options: bit 0 a small max_line (from bits
 * 1-6) so the line-limit error runs; bit 7 makes the callback stop at the
 * third event. The third byte, when its bit 7 is set, is a small max_event
 * (bits 0-6) so the event-size error runs too; when that error (or the
 * line one) ends a run, the parser must have released its buffers.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

#define STOP_AT 3
#define STOP_RC 9

struct run {
	struct buf events;    /* every event, serialized, for comparing runs */
	size_t n;
	int stop;
};

static void put_field(struct buf *b, const char *s, size_t n)
{
	buf_append(b, &n, sizeof n);
	buf_append(b, s, n);
}

static int record(void *user, const struct sse_event *ev)
{
	struct run *r = user;
	size_t type_len, id_len;

	CHECK(ev->type && ev->data && ev->id);
	type_len = strlen(ev->type);
	id_len = strlen(ev->id);
	CHECK(ev->data[ev->data_len] == '\0');
	if (!memchr(ev->data, '\0', ev->data_len))
		CHECK(strlen(ev->data) == ev->data_len);
	CHECK(!memchr(ev->data, '\r', ev->data_len));
	CHECK(!memchr(ev->type, '\r', type_len) && !memchr(ev->type, '\n', type_len));
	CHECK(!memchr(ev->id, '\r', id_len) && !memchr(ev->id, '\n', id_len));

	put_field(&r->events, ev->type, type_len);
	put_field(&r->events, ev->data, ev->data_len);
	put_field(&r->events, ev->id, id_len);
	r->n++;
	return r->stop && r->n == STOP_AT ? STOP_RC : 0;
}

/* Feed in pieces of at most step bytes (0 = whole), except that the
 * first piece ends at cut; finish unless a feed failed or stopped. */
static int run(struct run *r, struct sse *p, const char *s, size_t n,
	       size_t cut, size_t step, size_t max_line, size_t max_event)
{
	size_t at = 0;
	int rc = 0;

	sse_init(p, record, r);
	if (max_line != (size_t)-1)
		p->max_line = max_line;
	if (max_event != (size_t)-1)
		p->max_event = max_event;
	if (cut) {
		rc = sse_feed(p, s, cut);
		at = cut;
	}
	while (rc == 0 && at < n) {
		size_t k = step && n - at > step ? step : n - at;
		rc = sse_feed(p, s + at, k);
		at += k;
	}
	if (rc == -1) {
		CHECK(p->over == SSE_LINE_TOO_LONG || p->over == SSE_EVENT_TOO_LARGE);
		CHECK(p->line.cap == 0 && p->data.cap == 0);
		CHECK(sse_feed(p, "data: x\n\n", 9) == -1);
	}
	if (rc == 0)
		rc = sse_finish(p);
	CHECK(rc == 0 || rc == -1 || (r->stop && rc == STOP_RC));
	return rc;
}

static void same(const struct run *a, int rc_a, const struct sse *pa,
		 const struct run *b, int rc_b, const struct sse *pb)
{
	CHECK(rc_a == rc_b);
	CHECK(a->n == b->n);
	CHECK(a->events.len == b->events.len);
	CHECK(a->events.len == 0 || memcmp(a->events.data, b->events.data, a->events.len) == 0);
	/* After an error or a stop the rest of the stream is dropped, so the
	 * final state only has to agree on a clean end. */
	if (rc_a == 0) {
		CHECK(pa->retry_ms == pb->retry_ms);
		CHECK(strcmp(buf_str(&pa->id), buf_str(&pb->id)) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole = { BUF_INIT, 0, 0 }, split = { BUF_INIT, 0, 0 },
		   bytes = { BUF_INIT, 0, 0 };
	struct sse pw, ps, pb;
	size_t max_line = (size_t)-1, max_event = (size_t)-1, n, cut;
	const char *s;
	char *copy;
	int rc_w, rc_s, rc_b;

	if (size < 3)
		return 0;
	if (data[1] & 1)
		max_line = (data[1] >> 1) & 63;
	if (data[2] & 0x80)
		max_event = data[2] & 0x7f;
	whole.stop = split.stop = bytes.stop = (data[1] & 0x80) != 0;
	n = size - 3;
	/* An exactly-sized heap copy, so ASan sees any over-read. */
	copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 3, n);
	s = copy;
	cut = n ? (size_t)data[0] * n / 255 : 0;

	rc_w = run(&whole, &pw, s, n, 0, 0, max_line, max_event);
	rc_s = run(&split, &ps, s, n, cut, 0, max_line, max_event);
	rc_b = run(&bytes, &pb, s, n, 0, 1, max_line, max_event);
	same(&whole, rc_w, &pw, &split, rc_s, &ps);
	same(&whole, rc_w, &pw, &bytes, rc_b, &pb);

	sse_free(&pw);
	sse_free(&ps);
	sse_free(&pb);
	buf_free(&whole.events);
	buf_free(&split.events);
	buf_free(&bytes.events);
	free(copy);
	return 0;
}
