/* fuzz_openai_chunk.c — libFuzzer target for lib/openai_chunk.c, the
 * OpenAI chunk read without jansson. Differential: whatever it reads,
 * jansson must read as an object with no error in it, giving the same
 * text, reasoning, finish reason, token counts and result as the adapter's
 * jansson reading (written out again below, member by member); whatever
 * it leaves to jansson, it must leave untouched.
 *
 * The input is one event's data.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "openai_chunk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void append(struct buf *b, json_t *v)
{
	if (json_is_string(v))
		buf_append(b, json_string_value(v), json_string_length(v));
}

/* provider_openai.c's reading of a chunk without an error. */
static int reference(json_t *root, struct gen_out *out)
{
	json_t *choices = json_object_get(root, "choices"), *usage = json_object_get(root, "usage");
	if (json_is_array(choices) && json_array_size(choices) > 0) {
		json_t *c = json_array_get(choices, 0);
		json_t *delta = json_object_get(c, "delta"), *fin = json_object_get(c, "finish_reason");
		append(&out->text, json_object_get(delta, "content"));
		append(&out->reasoning, json_object_get(delta, "reasoning"));
		append(&out->reasoning, json_object_get(delta, "reasoning_content"));
		if (json_is_string(fin))
			snprintf(out->finish, sizeof out->finish, "%s", json_string_value(fin));
		if (json_is_string(fin) && strcmp(json_string_value(fin), "content_filter") == 0)
			return -1;
	}
	if (json_is_object(usage)) {
		json_t *pin = json_object_get(usage, "prompt_tokens");
		json_t *pout = json_object_get(usage, "completion_tokens");
		if (json_is_integer(pin) && json_is_integer(pout)) {
			out->tokens_in = json_integer_value(pin);
			out->tokens_out = json_integer_value(pout);
			out->usage_seen = 1;
		}
	}
	return 0;
}

static int same_buf(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (!a->len || memcmp(a->data, b->data, a->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gen_out fast, ref;
	json_error_t jerr;
	json_t *root, *obj;
	int rc = 7, read;

	gen_out_init(&fast);
	read = openai_chunk_read((const char *)data, size, &fast, &rc);
	if (!read) {
		CHECK(rc == 7 && !fast.text.len && !fast.reasoning.len && !fast.finish[0] &&
		      !fast.error[0] && !fast.usage_seen);
		gen_out_free(&fast);
		return 0;
	}
	CHECK(rc == 0 || (rc == -1 && fast.error[0]));
	root = json_loadb((const char *)data, size, 0, &jerr);
	CHECK(json_is_object(root));
	CHECK(!json_object_get(root, "error"));
	obj = json_object_get(root, "object");
	CHECK(!json_is_string(obj) || strcmp(json_string_value(obj), "error") != 0);
	gen_out_init(&ref);
	CHECK(reference(root, &ref) == rc);
	CHECK(same_buf(&fast.text, &ref.text));
	CHECK(same_buf(&fast.reasoning, &ref.reasoning));
	CHECK(strcmp(fast.finish, ref.finish) == 0);
	CHECK(fast.usage_seen == ref.usage_seen && fast.tokens_in == ref.tokens_in &&
	      fast.tokens_out == ref.tokens_out);
	json_decref(root);
	gen_out_free(&fast);
	gen_out_free(&ref);
	return 0;
}
