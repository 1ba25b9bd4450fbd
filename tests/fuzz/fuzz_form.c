/* fuzz_form.c — libFuzzer target for form_parse_urlencoded on a request body.
 * Besides crashes and over-reads (the input sits in an exactly-sized heap
 * block), it checks the documented guarantees and a round trip: every pair
 * that parsed, re-encoded with esc_url, must parse back to the same pairs.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "esc.h"
#include "form.h"

#define MAX_FIELDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* Non-empty '&'-separated segments: what the field limit counts. */
static size_t count_pairs(const char *s, size_t n)
{
	size_t count = 0, len = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '&') {
			count += len > 0;
			len = 0;
		} else {
			len++;
		}
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int ready;
	struct kvlist l, again;
	struct buf re = BUF_INIT;
	char *in;
	enum form_err err;

	if (!ready) {
		/* Small chunks so the arena's chunk and big-block paths run too. */
		arena_init(&a, 1024);
		ready = 1;
	}
	in = malloc(size ? size : 1);
	if (!in)
		return 0;
	if (size)
		memcpy(in, data, size);

	err = form_parse_urlencoded(&a, in, size, MAX_FIELDS, &l);
	CHECK(err == FORM_OK || err == FORM_TOO_MANY || err == FORM_BAD_ENCODING);
	CHECK((err == FORM_TOO_MANY) == (count_pairs(in, size) > MAX_FIELDS));
	if (err != FORM_OK) {
		CHECK(l.n == 0 && l.items == NULL);
	} else {
		CHECK(l.n <= MAX_FIELDS);
		for (size_t i = 0; i < l.n; i++) {
			const struct kv *kv = &l.items[i];
			CHECK(kv->key && kv->val);
			CHECK(strlen(kv->val) == kv->val_len);
			CHECK(utf8_valid(kv->key, strlen(kv->key)));
			CHECK(utf8_valid(kv->val, kv->val_len));
			CHECK(kv_get(&l, kv->key) != NULL);
			if (i)
				buf_putc(&re, '&');
			esc_url(&re, kv->key, strlen(kv->key));
			buf_putc(&re, '=');
			esc_url(&re, kv->val, kv->val_len);
		}
		/* An empty key with an empty value re-encodes as "=", which is not an
		 * empty pair, so the count is preserved. */
		CHECK(form_parse_urlencoded(&a, buf_str(&re), re.len, MAX_FIELDS, &again) ==
		      FORM_OK);
		CHECK(again.n == l.n);
		for (size_t i = 0; i < l.n; i++) {
			CHECK(strcmp(again.items[i].key, l.items[i].key) == 0);
			CHECK(again.items[i].val_len == l.items[i].val_len);
			CHECK(memcmp(again.items[i].val, l.items[i].val, l.items[i].val_len) == 0);
		}
	}
	buf_free(&re);
	arena_reset(&a);
	free(in);
	return 0;
}
