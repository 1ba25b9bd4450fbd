/* fuzz_cookie.c — libFuzzer target for form_parse_cookies on a Cookie header.
 * The input sits in an exactly-sized heap block so ASan catches any read past
 * n; the checks are the parser's promises: names are non-empty token
 * characters, values are cookie-octets without their quotes.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"

#define MAX_COOKIES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static int tchar(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int octet(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int ready;
	struct kvlist l;
	char *in;
	enum form_err err;

	if (!ready) {
		arena_init(&a, 1024);
		ready = 1;
	}
	in = malloc(size ? size : 1);
	if (!in)
		return 0;
	if (size)
		memcpy(in, data, size);

	err = form_parse_cookies(&a, in, size, MAX_COOKIES, &l);
	CHECK(err == FORM_OK || err == FORM_TOO_MANY);
	if (err != FORM_OK) {
		CHECK(l.n == 0 && l.items == NULL);
	} else {
		CHECK(l.n <= MAX_COOKIES);
		for (size_t i = 0; i < l.n; i++) {
			const struct kv *kv = &l.items[i];
			size_t kn = strlen(kv->key);
			CHECK(kn > 0);
			for (size_t j = 0; j < kn; j++)
				CHECK(tchar((unsigned char)kv->key[j]));
			CHECK(strlen(kv->val) == kv->val_len);
			for (size_t j = 0; j < kv->val_len; j++)
				CHECK(octet((unsigned char)kv->val[j]));
			/* Both came from the input, so both occur in it. */
			CHECK(memmem(in, size, kv->key, kn) != NULL);
			CHECK(memmem(in, size, kv->val, kv->val_len) != NULL);
			CHECK(kv_get(&l, kv->key) != NULL);
		}
	}
	arena_reset(&a);
	free(in);
	return 0;
}
