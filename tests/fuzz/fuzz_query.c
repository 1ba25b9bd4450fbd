/* fuzz_query.c — libFuzzer target for the query-string path a handler takes:
 * form_parse_urlencoded, kv_get of the fields a route declares, valid_check of
 * each, then the escapers a page or a JSON answer would apply to the values.
 * The input sits in an exactly-sized heap block so ASan catches over-reads.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "esc.h"
#include "form.h"
#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const char *const sorts[] = { "new", "top", "old", NULL };

static const struct field fields[] = {
	{ "q", V_STRING, 0, 1, 100, NULL, "Search" },
	{ "body", V_TEXT, 0, 1, 4000, NULL, "Message" },
	{ "page", V_INT, 0, 1, 1000, NULL, "Page" },
	{ "before", V_INT, 0, INT64_MIN, INT64_MAX, NULL, NULL },
	{ "email", V_EMAIL, 1, 0, 0, NULL, "Email" },
	{ "room", V_UUID, 1, 0, 0, NULL, "Room" },
	{ "sort", V_ENUM, 0, 0, 0, sorts, "Sort" },
};

/* No byte that could end an HTML text run, attribute or script block. */
static void check_html(const struct buf *b)
{
	CHECK(!memchr(b->data, '<', b->len) && !memchr(b->data, '>', b->len) &&
	      !memchr(b->data, '"', b->len) && !memchr(b->data, '\'', b->len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int ready;
	struct kvlist l;
	char *in;

	if (!ready) {
		arena_init(&a, 1024);
		ready = 1;
	}
	in = malloc(size ? size : 1);
	if (!in)
		return 0;
	if (size)
		memcpy(in, data, size);

	/* utf8_count and utf8_valid must agree on the raw bytes. */
	CHECK((utf8_count(in, size) >= 0) == utf8_valid(in, size));

	if (form_parse_urlencoded(&a, in, size, 32, &l) == FORM_OK) {
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
			const char *v = kv_get(&l, fields[i].name);
			const char *msg = valid_check(&fields[i], v);
			struct buf b = BUF_INIT;
			if (msg) {
				CHECK(*msg && utf8_valid(msg, strlen(msg)));
				continue;
			}
			if (!v || !*v)
				continue;
			if (fields[i].kind == V_STRING || fields[i].kind == V_TEXT) {
				int64_t n = utf8_count(v, strlen(v));
				CHECK(n >= fields[i].min && n <= fields[i].max);
			}
			esc_html(&b, v, strlen(v));
			check_html(&b);
			buf_clear(&b);
			esc_json(&b, v, strlen(v));
			CHECK(!memchr(b.data, '<', b.len) && !memchr(b.data, '&', b.len));
			for (size_t j = 0; j < b.len; j++)
				CHECK((unsigned char)b.data[j] >= 0x20 && b.data[j] != 0x7f);
			buf_clear(&b);
			esc_url(&b, v, strlen(v));
			for (size_t j = 0; j < b.len; j++)
				CHECK((unsigned char)b.data[j] > 0x20 && (unsigned char)b.data[j] < 0x7f &&
				      !strchr("&=?#/+ ", b.data[j]));
			buf_free(&b);
		}
	}
	arena_reset(&a);
	free(in);
	return 0;
}
