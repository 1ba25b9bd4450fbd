/* fuzz_multipart.c — libFuzzer target for the multipart/form-data parser.
 * The input's first line is a Content-Type whose boundary (if it has one)
 * is tried; the rest is a body parsed with boundary "XyZ" and small limits.
 * Besides crashes and over-reads (the body sits in an exactly-sized heap
 * block), it checks the documented guarantees — limits kept, files inside
 * the body, fields valid UTF-8 — and a round trip: what parsed, written out
 * again, parses to the same fields and files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const struct mp_limits lim = { 8, 256, 3, 64 };

static void write_part(struct buf *b, const char *name, const char *filename,
		       const void *d, size_t n)
{
	buf_printf(b, "--XyZ\r\nContent-Disposition: form-data; name=\"%s\"", name);
	if (filename)
		buf_printf(b, "; filename=\"%s\"\r\nContent-Type: x/y", filename);
	buf_puts(b, "\r\n\r\n");
	buf_append(b, d, n);
	buf_puts(b, "\r\n");
}

/* 1 if s can be written back inside quotes unchanged. */
static int plain(const char *s)
{
	return !strpbrk(s, "\"\\;");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int ready;
	const uint8_t *nl = memchr(data, '\n', size);
	struct kvlist f, f2;
	struct mp_file *files, *files2;
	size_t nfiles, nfiles2;
	char bnd[80], *ct, *body;
	size_t n;
	enum mp_err e;
	struct buf re = BUF_INIT;
	int round = 1;

	if (!ready) {
		arena_init(&a, 1024);
		ready = 1;
	}
	if (nl) {
		ct = arena_strndup(&a, (const char *)data, (size_t)(nl - data));
		if (multipart_boundary(ct, bnd, sizeof bnd) == 0)
			CHECK(strlen(bnd) >= 1 && strlen(bnd) <= 70);
		size -= (size_t)(nl - data) + 1;
		data = nl + 1;
	}
	n = size;
	body = malloc(n ? n : 1);
	if (!body)
		return 0;
	if (n)
		memcpy(body, data, n);
	e = multipart_parse(&a, "XyZ", body, n, &lim, &f, &files, &nfiles);
	CHECK(e <= MP_FILE_TOO_LARGE);
	CHECK(f.n <= lim.max_fields && nfiles <= lim.max_files);
	for (size_t i = 0; i < f.n; i++) {
		CHECK(f.items[i].val_len <= lim.max_field_len);
		CHECK(strlen(f.items[i].val) == f.items[i].val_len);
		CHECK(utf8_valid(f.items[i].val, f.items[i].val_len));
		round &= plain(f.items[i].key) && !strstr(f.items[i].val, "--XyZ");
		write_part(&re, f.items[i].key, NULL, f.items[i].val, f.items[i].val_len);
	}
	for (size_t i = 0; i < nfiles; i++) {
		CHECK(files[i].len <= lim.max_file_len);
		CHECK((const char *)files[i].data >= body &&
		      (const char *)files[i].data + files[i].len <= body + n);
		CHECK(files[i].len > 0 || *files[i].filename);
		round &= plain(files[i].field) && plain(files[i].filename) &&
			 !memmem(files[i].data, files[i].len, "--XyZ", 5);
		write_part(&re, files[i].field, files[i].filename, files[i].data, files[i].len);
	}
	buf_puts(&re, "--XyZ--\r\n");
	if ((e == MP_OK) && round) {
		CHECK(multipart_parse(&a, "XyZ", buf_str(&re), re.len, &lim, &f2, &files2,
				      &nfiles2) == MP_OK);
		CHECK(f2.n == f.n && nfiles2 == nfiles);
		for (size_t i = 0; i < f.n; i++)
			CHECK(f2.items[i].val_len == f.items[i].val_len &&
			      !memcmp(f2.items[i].val, f.items[i].val, f.items[i].val_len) &&
			      !strcmp(f2.items[i].key, f.items[i].key));
		for (size_t i = 0; i < nfiles; i++)
			CHECK(files2[i].len == files[i].len &&
			      !memcmp(files2[i].data, files[i].data, files[i].len) &&
			      !strcmp(files2[i].filename, files[i].filename));
	}
	buf_free(&re);
	arena_reset(&a);
	free(body);
	return 0;
}
