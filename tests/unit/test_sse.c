/* test_sse.c — the SSE parser: WHATWG line and field rules, input split at
 * every byte, BOM, end of stream without a blank line, limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sse.h"
#include "util.h"

#define MAX_EVENTS 32

/* Feed a string literal (which may hold a NUL). */
#define FEED(p, lit) sse_feed((p), (lit), sizeof(lit) - 1)

/* What the callback saw, copied (the event's strings die with the call). */
struct rec {
	size_t n;
	char *type[MAX_EVENTS];
	char *data[MAX_EVENTS];
	size_t len[MAX_EVENTS];
	char *id[MAX_EVENTS];
	size_t stop_at;       /* return stop_rc on this event (1-based), 0 = never */
	int stop_rc;
};

static int record(void *user, const struct sse_event *ev)
{
	struct rec *r = user;

	assert_non_null(ev->type);
	assert_non_null(ev->data);
	assert_non_null(ev->id);
	assert_int_equal(ev->data[ev->data_len], '\0');
	assert_true(r->n < MAX_EVENTS);
	r->type[r->n] = xstrdup(ev->type);
	r->data[r->n] = xmalloc(ev->data_len + 1);
	memcpy(r->data[r->n], ev->data, ev->data_len + 1);
	r->len[r->n] = ev->data_len;
	r->id[r->n] = xstrdup(ev->id);
	r->n++;
	if (r->stop_at && r->n == r->stop_at)
		return r->stop_rc;
	return 0;
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->type[i]);
		free(r->data[i]);
		free(r->id[i]);
	}
	memset(r, 0, sizeof *r);
}

static void assert_ev(const struct rec *r, size_t i, const char *type, const char *data)
{
	assert_true(i < r->n);
	assert_string_equal(r->type[i], type);
	assert_int_equal(r->len[i], strlen(data));
	assert_memory_equal(r->data[i], data, r->len[i] + 1);
}

static void assert_same(const struct rec *a, const struct rec *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->type[i], b->type[i]);
		assert_int_equal(a->len[i], b->len[i]);
		assert_memory_equal(a->data[i], b->data[i], a->len[i]);
		assert_string_equal(a->id[i], b->id[i]);
	}
}

/* Feed s[0..n) in pieces ending at the offsets in cuts (ascending), then
 * the rest, then finish. Every call must succeed. */
static void run_cuts(struct rec *r, const char *s, size_t n, const size_t *cuts, size_t ncuts)
{
	struct sse p;
	size_t at = 0;

	sse_init(&p, record, r);
	for (size_t i = 0; i < ncuts; i++) {
		assert_int_equal(sse_feed(&p, s + at, cuts[i] - at), 0);
		at = cuts[i];
	}
	assert_int_equal(sse_feed(&p, s + at, n - at), 0);
	assert_int_equal(sse_finish(&p), 0);
	sse_free(&p);
}

static void run_whole(struct rec *r, const char *s, size_t n)
{
	run_cuts(r, s, n, NULL, 0);
}

static void run_str(struct rec *r, const char *s)
{
	run_whole(r, s, strlen(s));
}

/* Whole, split in two at every position, and one byte at a time must all
 * give the events in want. */
static void check_all_splits(const char *s, size_t n, const struct rec *want)
{
	struct rec got = { 0 };
	size_t *cuts = xmalloc((n ? n : 1) * sizeof *cuts);

	run_whole(&got, s, n);
	assert_same(&got, want);
	rec_free(&got);
	for (size_t at = 0; at <= n; at++) {
		run_cuts(&got, s, n, &at, 1);
		assert_same(&got, want);
		rec_free(&got);
	}
	for (size_t i = 0; i < n; i++)
		cuts[i] = i;
	run_cuts(&got, s, n, cuts, n);
	assert_same(&got, want);
	rec_free(&got);
	free(cuts);
}

/* Like check_all_splits, for a string whose whole-feed result is the
 * reference; returns that result for checking. */
static void check_splits_str(struct rec *r, const char *s)
{
	run_str(r, s);
	check_all_splits(s, strlen(s), r);
}

/* ---- a recorded OpenAI stream (docs/PROVIDERS.md, OpenAI) ---- */

#define CHUNK "{\"id\":\"chatcmpl-9tXjg\xe2\x80\xa6\",\"object\":\"chat.completion.chunk\"," \
	"\"created\":1723024748,\"model\":\"gpt-4o-2024-08-06\"," \
	"\"system_fingerprint\":\"fp_845eaabc1f\","

static const char *const openai_data[] = {
	CHUNK "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
	"\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}",
	CHUNK "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"I'm\"},\"logprobs\":null,"
	"\"finish_reason\":null}]}",
	CHUNK "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
	"\"finish_reason\":\"stop\"}]}",
	CHUNK "\"choices\":[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":47,"
	"\"total_tokens\":61}}",
	"[DONE]",
};

/* The stream with the given line ending; blank_after_done = 0 leaves out
 * the blank line after [DONE] (and, with -1, its line ending too). */
static char *openai_stream(const char *eol, int blank_after_done)
{
	struct buf b = BUF_INIT;
	size_t last = COUNTOF(openai_data) - 1;

	for (size_t i = 0; i <= last; i++) {
		buf_printf(&b, "data: %s", openai_data[i]);
		if (i < last || blank_after_done >= 0)
			buf_puts(&b, eol);
		if (i < last || blank_after_done > 0)
			buf_puts(&b, eol);
	}
	return b.data;
}

static void openai_expected(struct rec *want)
{
	for (size_t i = 0; i < COUNTOF(openai_data); i++) {
		want->type[i] = xstrdup("message");
		want->data[i] = xstrdup(openai_data[i]);
		want->len[i] = strlen(openai_data[i]);
		want->id[i] = xstrdup("");
	}
	want->n = COUNTOF(openai_data);
}

static void check_openai(const char *eol, int blank_after_done)
{
	struct rec want = { 0 };
	char *s = openai_stream(eol, blank_after_done);

	openai_expected(&want);
	check_all_splits(s, strlen(s), &want);
	rec_free(&want);
	free(s);
}

static void openai_lf(void **state)
{
	(void)state;
	check_openai("\n", 1);
}

static void openai_crlf(void **state)
{
	(void)state;
	check_openai("\r\n", 1);
}

static void openai_cr(void **state)
{
	(void)state;
	check_openai("\r", 1);
}

/* "data: [DONE]" with no blank line after it: only sse_finish delivers it. */
static void done_without_blank_line(void **state)
{
	static const char *const eols[] = { "\n", "\r\n", "\r" };
	(void)state;
	for (size_t i = 0; i < COUNTOF(eols); i++) {
		check_openai(eols[i], 0);
		check_openai(eols[i], -1);
	}

	struct rec r = { 0 };
	struct sse p;
	sse_init(&p, record, &r);
	assert_int_equal(FEED(&p, "data: a\n\ndata: [DONE]\n"), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(sse_finish(&p), 0);
	assert_int_equal(r.n, 2);
	assert_ev(&r, 1, "message", "[DONE]");
	/* Nothing left over for a second finish. */
	assert_int_equal(sse_finish(&p), 0);
	assert_int_equal(r.n, 2);
	sse_free(&p);
	rec_free(&r);
}

/* The stream ends in the middle of a line: that line counts. */
static void ends_mid_line(void **state)
{
	struct rec r = { 0 };
	(void)state;

	check_splits_str(&r, "data: a\ndata: b");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "a\nb");
	rec_free(&r);

	check_splits_str(&r, "event: x\ndata: a\n\nevent: y");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "x", "a");
	rec_free(&r);

	/* Mid field name: "dat" is an unknown field, so nothing pending. */
	check_splits_str(&r, "data: a\n\ndat");
	assert_int_equal(r.n, 1);
	rec_free(&r);

	/* A lone CR at the very end is a line ending, not a blank line. */
	check_splits_str(&r, "data: a\r");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "a");
	rec_free(&r);
}

/* ---- lines and fields ---- */

static void multiline_data(void **state)
{
	struct rec r = { 0 };
	(void)state;

	check_splits_str(&r, "data: a\ndata: b\ndata:\ndata: c\n\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "a\nb\n\nc");
	rec_free(&r);

	/* Mixed line endings in one event. */
	check_splits_str(&r, "data: 1\r\ndata: 2\rdata: 3\ndata: 4\r\r\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "1\n2\n3\n4");
	rec_free(&r);

	/* An empty data line still makes an event, with empty data. */
	check_splits_str(&r, "data:\n\ndata\n\n");
	assert_int_equal(r.n, 2);
	assert_ev(&r, 0, "message", "");
	assert_ev(&r, 1, "message", "");
	rec_free(&r);
}

static void cr_and_lf_pairs(void **state)
{
	struct rec r = { 0 };
	(void)state;

	/* CR LF split across reads is one line ending, not a blank line. */
	struct sse p;
	sse_init(&p, record, &r);
	assert_int_equal(FEED(&p, "data: a\r"), 0);
	assert_int_equal(FEED(&p, "\ndata: b\r"), 0);
	assert_int_equal(FEED(&p, "\n"), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(FEED(&p, "\r"), 0);
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "a\nb");
	/* A CR after a CR is a second line ending: here the blank line. */
	assert_int_equal(FEED(&p, "data: c\r"), 0);
	assert_int_equal(FEED(&p, "\r"), 0);
	assert_int_equal(r.n, 2);
	assert_ev(&r, 1, "message", "c");
	assert_int_equal(sse_finish(&p), 0);
	sse_free(&p);
	rec_free(&r);

	/* LF CR is two line endings. */
	check_splits_str(&r, "data: a\n\rdata: b\r\n\r\n");
	assert_int_equal(r.n, 2);
	assert_ev(&r, 0, "message", "a");
	assert_ev(&r, 1, "message", "b");
	rec_free(&r);
}

static void comments_ignored(void **state)
{
	struct rec r = { 0 };
	(void)state;

	check_splits_str(&r, ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n"
			 "data: a\n: keep-alive\ndata: b\n\n:\n\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "a\nb");
	rec_free(&r);
}

/* "event: ping" with no data dispatches nothing, and its type does not
 * leak into the next event. */
static void ping_without_data(void **state)
{
	struct rec r = { 0 };
	(void)state;

	check_splits_str(&r, "event: ping\n\n");
	assert_int_equal(r.n, 0);
	rec_free(&r);

	check_splits_str(&r, "event: ping\n\ndata: x\n\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "x");
	rec_free(&r);
}

static void field_without_colon(void **state)
{
	struct rec r = { 0 };
	(void)state;

	/* "data" alone appends an empty line; "event" alone sets "" = message. */
	check_splits_str(&r, "event: x\nevent\ndata\ndata\n\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "\n");
	rec_free(&r);

	/* "id" alone sets the id to "". */
	check_splits_str(&r, "id: 7\ndata: a\n\nid\ndata: b\n\n");
	assert_int_equal(r.n, 2);
	assert_string_equal(r.id[0], "7");
	assert_string_equal(r.id[1], "");
	rec_free(&r);
}

static void value_spaces(void **state)
{
	struct rec r = { 0 };
	(void)state;

	check_splits_str(&r, "data:x\n\ndata:  x\n\ndata: x \n\ndata:\tx\n\n"
			 "data: a:b: c\n\ndata: \n\n");
	assert_int_equal(r.n, 6);
	assert_ev(&r, 0, "message", "x");
	assert_ev(&r, 1, "message", " x");
	assert_ev(&r, 2, "message", "x ");
	assert_ev(&r, 3, "message", "\tx");
	assert_ev(&r, 4, "message", "a:b: c");
	assert_ev(&r, 5, "message", "");
	rec_free(&r);

	/* The space is stripped from event values too; the name is exact. */
	check_splits_str(&r, "event:  x\ndata: 1\n\nevent:y\ndata: 2\n\n"
			 "Data: no\ndata : no\nevent : no\ndata: 3\n\n");
	assert_int_equal(r.n, 3);
	assert_ev(&r, 0, " x", "1");
	assert_ev(&r, 1, "y", "2");
	assert_ev(&r, 2, "message", "3");
	rec_free(&r);
}

static void unknown_fields(void **state)
{
	struct rec r = { 0 };
	(void)state;

	check_splits_str(&r, "foo: bar\nevent: a\nevent: b\nobfuscation: x\ndata: 1\n\n"
			 "foo\n\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "b", "1");
	rec_free(&r);
}

/* Anthropic names its events; after each, the type is back to message. */
static void named_events(void **state)
{
	static const char stream[] =
		"event: message_start\n"
		"data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_4QpJ\","
		"\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}}\n\n"
		"event: content_block_start\n"
		"data: {\"type\":\"content_block_start\",\"index\":0,"
		"\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
		"event: ping\n"
		"data: {\"type\": \"ping\"}\n\n"
		"event: content_block_delta\n"
		"data: {\"type\":\"content_block_delta\",\"index\":0,"
		"\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n"
		"event: content_block_stop\n"
		"data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
		"event: message_stop\n"
		"data: {\"type\":\"message_stop\"}\n\n"
		"data: {\"plain\":true}\n\n";
	struct rec r = { 0 };
	(void)state;

	check_splits_str(&r, stream);
	assert_int_equal(r.n, 7);
	assert_ev(&r, 0, "message_start", "{\"type\":\"message_start\",\"message\":"
		  "{\"id\":\"msg_4QpJ\",\"type\":\"message\",\"role\":\"assistant\","
		  "\"content\":[]}}");
	assert_string_equal(r.type[1], "content_block_start");
	assert_ev(&r, 2, "ping", "{\"type\": \"ping\"}");
	assert_ev(&r, 3, "content_block_delta", "{\"type\":\"content_block_delta\","
		  "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}");
	assert_string_equal(r.type[4], "content_block_stop");
	assert_string_equal(r.type[5], "message_stop");
	assert_ev(&r, 6, "message", "{\"plain\":true}");
	rec_free(&r);
}

/* ---- bytes ---- */

static void utf8_split(void **state)
{
	static const char *const text[] = {
		"caf\xc3\xa9",             /* é: 2 bytes */
		"5 \xe2\x82\xac",          /* €: 3 bytes */
		"\xf0\x9f\x98\x80!",       /* 😀: 4 bytes */
		"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	};
	struct rec r = { 0 };
	struct buf b = BUF_INIT;
	(void)state;

	for (size_t i = 0; i < COUNTOF(text); i++)
		buf_printf(&b, "data: {\"content\":\"%s\"}\n\n", text[i]);
	check_splits_str(&r, b.data);
	assert_int_equal(r.n, COUNTOF(text));
	for (size_t i = 0; i < COUNTOF(text); i++) {
		char want[64];
		snprintf(want, sizeof want, "{\"content\":\"%s\"}", text[i]);
		assert_ev(&r, i, "message", want);
	}
	rec_free(&r);
	buf_free(&b);
}

/* Only CR and LF bytes end lines: not U+2028, U+2029 or U+0085 (NEL). */
static void unicode_separators_do_not_split(void **state)
{
	static const char want[] =
		"{\"t\":\"a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xc2\x85" "d\x0b\x0c" "e\"}";
	struct rec r = { 0 };
	struct buf b = BUF_INIT;
	(void)state;

	buf_printf(&b, "data: %s\n\n", want);
	check_splits_str(&r, b.data);
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", want);
	rec_free(&r);
	buf_free(&b);
}

static void nul_in_data(void **state)
{
	static const char s[] = "data: a\0b\n\n";
	struct rec r = { 0 };
	(void)state;

	run_whole(&r, s, sizeof s - 1);
	check_all_splits(s, sizeof s - 1, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.len[0], 3);
	assert_memory_equal(r.data[0], "a\0b", 4);
	rec_free(&r);
}

static void bom_stripped(void **state)
{
	struct rec r = { 0 };
	(void)state;

	/* At the start, also split anywhere (check_splits_str cuts inside it). */
	check_splits_str(&r, "\xef\xbb\xbf" "data: x\n\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "x");
	rec_free(&r);

	/* Right before a blank line or a comment. */
	check_splits_str(&r, "\xef\xbb\xbf\ndata: x\n\n");
	assert_int_equal(r.n, 1);
	rec_free(&r);
	check_splits_str(&r, "\xef\xbb\xbf: hi\ndata: x\n\n");
	assert_int_equal(r.n, 1);
	rec_free(&r);

	/* Only one: a second BOM is part of the field name, an unknown field. */
	check_splits_str(&r, "\xef\xbb\xbf\xef\xbb\xbf" "data: x\n\ndata: y\n\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "y");
	rec_free(&r);

	/* Only at the very start of the stream, not at the start of a line. */
	check_splits_str(&r, "data: a\n\n\xef\xbb\xbf" "data: b\n\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "a");
	rec_free(&r);

	/* Not at the start of a value either. */
	check_splits_str(&r, "data: \xef\xbb\xbfx\n\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "\xef\xbb\xbfx");
	rec_free(&r);

	/* A partial BOM is kept as bytes of the first line. */
	check_splits_str(&r, "\xef\xbb" "data: x\n\ndata: y\n\n");
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "y");
	rec_free(&r);
	check_splits_str(&r, "\xef\xbb");
	assert_int_equal(r.n, 0);
	rec_free(&r);

	/* A BOM alone, and a BOM split over two feeds. */
	check_splits_str(&r, "\xef\xbb\xbf");
	assert_int_equal(r.n, 0);
	rec_free(&r);
	struct sse p;
	sse_init(&p, record, &r);
	assert_int_equal(FEED(&p, "\xef"), 0);
	assert_int_equal(FEED(&p, "\xbb\xbf" "data: z\n\n"), 0);
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "z");
	assert_int_equal(sse_finish(&p), 0);
	sse_free(&p);
	rec_free(&r);
}

/* ---- id and retry ---- */

static void event_id(void **state)
{
	static const char s[] = "data: a\n\nid: 1\ndata: b\n\ndata: c\n\n"
		"id: 2\0x\ndata: d\n\nid: 3\n\ndata: e\n\nid:\ndata: f\n\n";
	struct rec r = { 0 };
	(void)state;

	run_whole(&r, s, sizeof s - 1);
	check_all_splits(s, sizeof s - 1, &r);
	assert_int_equal(r.n, 6);
	assert_string_equal(r.id[0], "");
	assert_string_equal(r.id[1], "1");
	assert_string_equal(r.id[2], "1");    /* the last id seen persists */
	assert_string_equal(r.id[3], "1");    /* an id with NUL is ignored */
	assert_string_equal(r.id[4], "3");    /* set even by an event with no data */
	assert_string_equal(r.id[5], "");
	rec_free(&r);
}

static long retry_after(const char *s)
{
	struct sse p;
	long ms;

	sse_init(&p, NULL, NULL);
	assert_int_equal(FEED(&p, "retry: 10\n"), 0);
	assert_int_equal(sse_feed(&p, s, strlen(s)), 0);
	assert_int_equal(sse_finish(&p), 0);
	ms = p.retry_ms;
	sse_free(&p);
	return ms;
}

static void retry_field(void **state)
{
	struct sse p;
	(void)state;

	sse_init(&p, NULL, NULL);
	assert_int_equal(p.retry_ms, -1);
	sse_free(&p);

	assert_int_equal(retry_after("retry: 1500\n"), 1500);
	assert_int_equal(retry_after("retry:0\n"), 0);
	assert_int_equal(retry_after("retry: 007\n"), 7);
	assert_int_equal(retry_after("retry: 15x\n"), 10);
	assert_int_equal(retry_after("retry: -1\n"), 10);
	assert_int_equal(retry_after("retry: 1.5\n"), 10);
	assert_int_equal(retry_after("retry: 1 \n"), 10);
	assert_int_equal(retry_after("retry:  1\n"), 10);
	assert_int_equal(retry_after("retry:\n"), 10);
	assert_int_equal(retry_after("retry\n"), 10);
	assert_int_equal(retry_after("retry: \xd9\xa3\n"), 10);   /* Arabic-Indic 3 */
	assert_int_equal(retry_after("Retry: 5\n"), 10);
	/* Too big for a long: clamped, not wrapped. */
	assert_true(retry_after("retry: 99999999999999999999999999\n") > 10);
	/* At the end of the stream without a line ending. */
	assert_int_equal(retry_after("retry: 25"), 25);
}

/* ---- control and limits ---- */

static void callback_stops(void **state)
{
	struct rec r = { 0 };
	struct sse p;
	(void)state;

	r.stop_at = 2;
	r.stop_rc = 7;
	sse_init(&p, record, &r);
	assert_int_equal(FEED(&p, "data: a\n\ndata: b\n\ndata: c\n\n"), 7);
	assert_int_equal(r.n, 2);
	assert_ev(&r, 1, "message", "b");
	/* The stopped event was reset: finish has nothing to deliver. */
	assert_int_equal(sse_finish(&p), 0);
	assert_int_equal(r.n, 2);
	sse_free(&p);
	rec_free(&r);

	/* sse_finish passes the callback's value on too. */
	r.stop_at = 1;
	r.stop_rc = -5;
	sse_init(&p, record, &r);
	assert_int_equal(FEED(&p, "data: [DONE]"), 0);
	assert_int_equal(sse_finish(&p), -5);
	assert_int_equal(r.n, 1);
	sse_free(&p);
	rec_free(&r);
}

static void line_limit(void **state)
{
	struct rec r = { 0 };
	struct sse p;
	(void)state;

	/* Exactly max_line bytes (the line ending not counted) is fine. */
	sse_init(&p, record, &r);
	p.max_line = 8;
	assert_int_equal(FEED(&p, "data: 12\r\n\r\n"), 0);
	assert_int_equal(FEED(&p, "data: 1"), 0);
	assert_int_equal(FEED(&p, "2\n\n"), 0);
	assert_int_equal(r.n, 2);
	assert_ev(&r, 1, "message", "12");
	/* One more: an error, whether it ends in this read or not. */
	assert_int_equal(FEED(&p, "data: 123\n\n"), -1);
	sse_free(&p);

	sse_init(&p, record, &r);
	p.max_line = 8;
	assert_int_equal(FEED(&p, "data: 1234567"), -1);
	sse_free(&p);

	sse_init(&p, record, &r);
	p.max_line = 8;
	assert_int_equal(FEED(&p, "data: 12"), 0);
	assert_int_equal(FEED(&p, "3"), -1);
	sse_free(&p);
	rec_free(&r);

	/* The default is 1 MiB; a big line up to it goes through. */
	size_t big = ((size_t)1 << 20) - 6;
	char *s = xmalloc(big + 8);
	memcpy(s, "data: ", 6);
	memset(s + 6, 'x', big);
	memcpy(s + 6 + big, "\n\n", 2);
	sse_init(&p, record, &r);
	assert_int_equal(p.max_line, (size_t)1 << 20);
	assert_int_equal(p.max_event, (size_t)1 << 20);
	assert_int_equal(sse_feed(&p, s, 6 + big / 2), 0);
	assert_int_equal(sse_feed(&p, s + 6 + big / 2, big - big / 2 + 2), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.len[0], big);
	sse_free(&p);
	free(s);
	rec_free(&r);
}

/* Once the buffers have grown, events reuse them. */
static void buffers_reused(void **state)
{
	struct rec r = { 0 };
	struct sse p;
	char *data;
	size_t cap;
	(void)state;

	sse_init(&p, record, &r);
	assert_int_equal(FEED(&p, "data: a fairly long first event\n\n"), 0);
	data = p.data.data;
	cap = p.data.cap;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(FEED(&p, "data: sh"), 0);
		assert_int_equal(FEED(&p, "ort\n\n"), 0);
	}
	assert_ptr_equal(p.data.data, data);
	assert_int_equal(p.data.cap, cap);
	assert_int_equal(r.n, 21);
	sse_free(&p);
	rec_free(&r);
}

/* After sse_finish the parser takes a new stream (a reconnect): a BOM is
 * stripped again, the last id is kept. */
static void finish_then_new_stream(void **state)
{
	struct rec r = { 0 };
	struct sse p;
	(void)state;

	sse_init(&p, record, &r);
	assert_int_equal(FEED(&p, "id: 42\nevent: x\ndata: a"), 0);
	assert_int_equal(sse_finish(&p), 0);
	assert_int_equal(FEED(&p, "\xef\xbb\xbf" "data: b\n\n"), 0);
	assert_int_equal(sse_feed(&p, NULL, 0), 0);
	assert_int_equal(sse_finish(&p), 0);
	assert_int_equal(r.n, 2);
	assert_ev(&r, 0, "x", "a");
	assert_ev(&r, 1, "message", "b");
	assert_string_equal(r.id[1], "42");
	sse_free(&p);
	rec_free(&r);
}

/* ndjson: every non-blank line is one event, whatever it holds (no field
 * parsing, no comments), CR/LF/CRLF as in SSE; a last line without a line
 * ending counts at the end; split at every byte gives the same events. */
static void ndjson_lines(void **state)
{
	static const char s[] = "{\"a\":1}\n\r\n: x\rdata: y\r\n\n{\"b\":\"\xe2\x80\xa8\"}";
	size_t n = sizeof s - 1;
	(void)state;
	for (size_t at = 0; at <= n; at++) {
		struct rec r = { 0 };
		struct sse p;
		sse_init(&p, record, &r);
		p.ndjson = 1;
		assert_int_equal(sse_feed(&p, s, at), 0);
		assert_int_equal(sse_feed(&p, s + at, n - at), 0);
		assert_int_equal(sse_finish(&p), 0);
		assert_int_equal(r.n, 4);
		assert_ev(&r, 0, "message", "{\"a\":1}");
		assert_ev(&r, 1, "message", ": x");
		assert_ev(&r, 2, "message", "data: y");
		assert_ev(&r, 3, "message", "{\"b\":\"\xe2\x80\xa8\"}");
		rec_free(&r);
		sse_free(&p);
	}
}

/* error_field: "error: V" is an error event with data V; without the flag
 * the spec's rule holds and the unknown field is ignored. */
static void error_field(void **state)
{
	static const char s[] = "error: {\"code\":1}\n\ndata: [DONE]\n\n";
	struct rec r = { 0 };
	struct sse p;
	(void)state;
	sse_init(&p, record, &r);
	p.error_field = 1;
	assert_int_equal(FEED(&p, s), 0);
	assert_int_equal(r.n, 2);
	assert_ev(&r, 0, "error", "{\"code\":1}");
	assert_ev(&r, 1, "message", "[DONE]");
	rec_free(&r);
	sse_free(&p);
	sse_init(&p, record, &r);
	assert_int_equal(FEED(&p, s), 0);
	assert_int_equal(r.n, 1);
	assert_ev(&r, 0, "message", "[DONE]");
	rec_free(&r);
	sse_free(&p);
}

/* An event's data is capped as a whole: many short data lines with no
 * blank line between them (a hostile or broken server) stop at max_event,
 * wherever the input is split, and nothing of that event is dispatched. */
static void event_limit(void **state)
{
	static const char s[] = "data: 1234\ndata: 567\n\ndata: 1234\ndata: 5678\n\ndata: z\n\n";
	size_t n = sizeof s - 1;
	(void)state;
	for (size_t at = 0; at <= n; at++) {
		struct rec r = { 0 };
		struct sse p;
		int rc;
		sse_init(&p, record, &r);
		p.max_event = 8;    /* "1234\n567" is 8 bytes: fits */
		rc = sse_feed(&p, s, at);
		if (rc == 0)
			rc = sse_feed(&p, s + at, n - at);
		assert_int_equal(rc, -1);
		assert_int_equal(p.over, SSE_EVENT_TOO_LARGE);
		assert_int_equal(r.n, 1);
		assert_ev(&r, 0, "message", "1234\n567");
		/* The memory is given back; later bytes are refused, and the end
		 * of the stream dispatches nothing of the cut event. */
		assert_int_equal(p.data.cap, 0);
		assert_int_equal(p.line.cap, 0);
		assert_int_equal(FEED(&p, "data: z\n\n"), -1);
		assert_int_equal(sse_finish(&p), -1);
		assert_int_equal(r.n, 1);
		/* sse_finish readies the parser for a new stream. */
		assert_int_equal(p.over, SSE_WITHIN);
		assert_int_equal(FEED(&p, "data: ok\n\n"), 0);
		assert_int_equal(r.n, 2);
		assert_ev(&r, 1, "message", "ok");
		rec_free(&r);
		sse_free(&p);
	}
}

/* What a hostile stream sends, at the default limits, fed as curl hands
 * it over (16 KiB reads): endless data lines with no blank line, and one
 * line that never ends. Each stops just past 1 MiB with the buffers
 * released, instead of growing without end. */
static void hostile_streams_stop_at_the_defaults(void **state)
{
	enum { READ = 16 * 1024 };
	char *chunk = xmalloc(READ);
	struct rec r = { 0 };
	struct sse p;
	size_t fed;
	int rc = 0;
	(void)state;

	/* data: xxxx...\n lines of 1 KiB. */
	for (size_t i = 0; i < READ; i += 1024) {
		memcpy(chunk + i, "data: ", 6);
		memset(chunk + i + 6, 'x', 1024 - 7);
		chunk[i + 1023] = '\n';
	}
	sse_init(&p, record, &r);
	for (fed = 0; rc == 0 && fed < ((size_t)64 << 20); fed += READ) {
		rc = sse_feed(&p, chunk, READ);
		assert_true(p.data.cap <= 2 * SSE_MAX_DEFAULT);
	}
	assert_int_equal(rc, -1);
	assert_int_equal(p.over, SSE_EVENT_TOO_LARGE);
	assert_true(fed > SSE_MAX_DEFAULT && fed <= SSE_MAX_DEFAULT + 2 * READ);
	assert_int_equal(p.data.cap, 0);
	assert_int_equal(r.n, 0);
	sse_free(&p);

	/* One line: "data: " and then x forever. */
	memset(chunk, 'x', READ);
	sse_init(&p, record, &r);
	rc = FEED(&p, "data: ");
	for (fed = 6; rc == 0 && fed < ((size_t)64 << 20); fed += READ) {
		rc = sse_feed(&p, chunk, READ);
		assert_true(p.line.cap <= 2 * SSE_MAX_DEFAULT);
	}
	assert_int_equal(rc, -1);
	assert_int_equal(p.over, SSE_LINE_TOO_LONG);
	assert_true(fed > SSE_MAX_DEFAULT && fed <= SSE_MAX_DEFAULT + 2 * READ);
	assert_int_equal(p.line.cap, 0);
	assert_int_equal(sse_finish(&p), -1);
	assert_int_equal(r.n, 0);
	sse_free(&p);

	/* The same in NDJSON mode: a JSON line that never ends. */
	sse_init(&p, record, &r);
	p.ndjson = 1;
	rc = FEED(&p, "{\"message\":{\"content\":\"");
	for (fed = 0; rc == 0 && fed < ((size_t)64 << 20); fed += READ)
		rc = sse_feed(&p, chunk, READ);
	assert_int_equal(rc, -1);
	assert_int_equal(p.over, SSE_LINE_TOO_LONG);
	assert_true(fed <= SSE_MAX_DEFAULT + 2 * READ);
	sse_free(&p);
	free(chunk);
	rec_free(&r);
}

/* NDJSON: a line is an event; max_event caps it when below max_line. */
static void ndjson_limits(void **state)
{
	struct rec r = { 0 };
	struct sse p;
	(void)state;
	sse_init(&p, record, &r);
	p.ndjson = 1;
	p.max_line = 16;
	assert_int_equal(FEED(&p, "{\"a\":\"01234567\"}\n"), 0);    /* 16 bytes */
	assert_int_equal(FEED(&p, "{\"a\":\"012345678\"}\n"), -1);
	assert_int_equal(p.over, SSE_LINE_TOO_LONG);
	assert_int_equal(sse_finish(&p), -1);
	p.max_event = 8;
	assert_int_equal(FEED(&p, "{\"a\":1}\n"), 0);
	assert_int_equal(FEED(&p, "{\"a\":123}\n"), -1);
	assert_int_equal(p.over, SSE_EVENT_TOO_LARGE);
	assert_int_equal(r.n, 2);
	sse_free(&p);
	rec_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openai_lf),
		cmocka_unit_test(openai_crlf),
		cmocka_unit_test(openai_cr),
		cmocka_unit_test(done_without_blank_line),
		cmocka_unit_test(ends_mid_line),
		cmocka_unit_test(multiline_data),
		cmocka_unit_test(cr_and_lf_pairs),
		cmocka_unit_test(comments_ignored),
		cmocka_unit_test(ping_without_data),
		cmocka_unit_test(field_without_colon),
		cmocka_unit_test(value_spaces),
		cmocka_unit_test(unknown_fields),
		cmocka_unit_test(named_events),
		cmocka_unit_test(utf8_split),
		cmocka_unit_test(unicode_separators_do_not_split),
		cmocka_unit_test(nul_in_data),
		cmocka_unit_test(bom_stripped),
		cmocka_unit_test(event_id),
		cmocka_unit_test(retry_field),
		cmocka_unit_test(callback_stops),
		cmocka_unit_test(line_limit),
		cmocka_unit_test(event_limit),
		cmocka_unit_test(hostile_streams_stop_at_the_defaults),
		cmocka_unit_test(ndjson_limits),
		cmocka_unit_test(buffers_reused),
		cmocka_unit_test(finish_then_new_stream),
		cmocka_unit_test(ndjson_lines),
		cmocka_unit_test(error_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
