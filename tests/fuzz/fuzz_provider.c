/* fuzz_provider.c — libFuzzer target for the provider adapters behind
 * their framing (SSE, or JSON lines for Ollama). Differential: the body fed
 * whole, split at a position from the input, and one byte at a time must
 * leave the same text, reasoning, token counts, end and error. The HTTP
 * error reader runs on the same bytes and must write a terminated sentence.
 *
 * Input byte 0 picks the adapter (mod 4), byte 1 the split point; the rest
 * is the body.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Ilib \
 *   tests/fuzz/fuzz_provider.c lib/provider*.c lib/sse.c lib/buf.c lib/util.c \
 *   -ljansson -lcurl -lsodium -o fuzz_provider */
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
	char msg[400];
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

	memset(msg, 'x', sizeof msg);
	whole.ad->http_error(400 + data[1], copy, n, msg, sizeof msg);
	CHECK(memchr(msg, '\0', sizeof msg));

	gen_out_free(&whole.out);
	gen_out_free(&split.out);
	gen_out_free(&bytes.out);
	free(copy);
	return 0;
}
