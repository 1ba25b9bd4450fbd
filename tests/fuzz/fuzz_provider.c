/* fuzz_provider.c — libFuzzer target for the provider adapters behind
 * their framing (SSE, or JSON lines for Ollama). Differential: the body fed
 * whole, split at a position from the input, and one byte at a time must
 * leave the same text, reasoning, token counts, end and error. The HTTP
 * error reader runs on the same bytes and must write a terminated sentence
 * in valid UTF-8 (and so must the cleaner of provider text, within its
 * length), as must a stream's error.
 *
 * Input byte 0 picks the adapter (mod 4), byte 1 the split point; the rest
 * is the body.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const struct adapter *const adapters[] = {
	&adapter_openai, &adapter_anthropic, &adapter_gemini, &adapter_ollama
};

struct run {
	const struct adapter *ad;
	struct gen_out out;
};

/* Strict UTF-8: no overlongs, surrogates or code points past U+10FFFF. */
static int valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		size_t len = *s < 0x80 ? 1 : *s >= 0xC2 && *s <= 0xDF ? 2 : *s >= 0xE0 && *s <= 0xEF ? 3
			     : *s >= 0xF0 && *s <= 0xF4 ? 4 : 0;
		unsigned cp = len == 1 ? *s : len == 2 ? *s & 0x1F : len == 3 ? *s & 0x0F : *s & 0x07;
		if (!len)
			return 0;
		for (size_t i = 1; i < len; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		s += len;
	}
	return 1;
}

static int on_event(void *user, const struct sse_event *ev)
{
	struct run *r = user;
	int rc = r->ad->event(ev, &r->out);
	CHECK(rc == 0 || rc == -1);
	CHECK(rc == 0 || r->out.error[0]);
	return rc;
}

/* As confabd reads a body: pieces of at most step bytes (0: whole), the
 * first ending at cut, then the end of the stream unless an event stopped. */
static void run(struct run *r, const char *s, size_t n, size_t cut, size_t step)
{
	struct sse p;
	size_t at = 0;
	int rc = 0;
	gen_out_init(&r->out);
	sse_init(&p, on_event, r);
	p.ndjson = r->ad->ndjson;
	p.error_field = r->ad->error_field;
	if (cut) {
		rc = sse_feed(&p, s, cut);
		at = cut;
	}
	while (rc == 0 && at < n) {
		size_t k = step && n - at > step ? step : n - at;
		rc = sse_feed(&p, s + at, k);
		at += k;
	}
	if (rc == 0)
		sse_finish(&p);
	sse_free(&p);
	CHECK(memchr(r->out.error, '\0', sizeof r->out.error));
	CHECK(memchr(r->out.finish, '\0', sizeof r->out.finish));
}

static void same(const struct gen_out *a, const struct gen_out *b)
{
	CHECK(a->text.len == b->text.len);
	CHECK(a->text.len == 0 || memcmp(a->text.data, b->text.data, a->text.len) == 0);
	CHECK(a->reasoning.len == b->reasoning.len);
	CHECK(a->reasoning.len == 0 || memcmp(a->reasoning.data, b->reasoning.data, a->reasoning.len) == 0);
	CHECK(a->tokens_in == b->tokens_in && a->tokens_out == b->tokens_out);
	CHECK(a->usage_seen == b->usage_seen && a->done == b->done);
	CHECK(strcmp(a->finish, b->finish) == 0 && strcmp(a->error, b->error) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, split, bytes;
	char msg[400], log[1024];
	size_t n, cut;
	char *copy;

	if (size < 2)
		return 0;
	whole.ad = split.ad = bytes.ad = adapters[data[0] % 4];
	n = size - 2;
	/* An exactly-sized heap copy, so ASan sees any over-read. */
	copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 2, n);
	cut = n ? (size_t)data[1] * n / 255 : 0;

	run(&whole, copy, n, 0, 0);
	run(&split, copy, n, cut, 0);
	run(&bytes, copy, n, 0, 1);
	same(&whole.out, &split.out);
	same(&whole.out, &bytes.out);

	CHECK(valid_utf8(whole.out.error));
	memset(msg, 'x', sizeof msg);
	provider_http_error(whole.ad, "fuzz", data[1] & 1, 400 + data[1], copy, n, msg, sizeof msg,
			    log, sizeof log);
	CHECK(memchr(msg, '\0', sizeof msg) && valid_utf8(msg));
	CHECK(memchr(log, '\0', sizeof log) && valid_utf8(log));
	provider_clean_text(copy, n, data[1], log, sizeof log);
	CHECK(strlen(log) <= data[1] && valid_utf8(log));

	gen_out_free(&whole.out);
	gen_out_free(&split.out);
	gen_out_free(&bytes.out);
	free(copy);
	return 0;
}
