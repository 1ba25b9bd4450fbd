/* test_multipart.c — the multipart/form-data parser: boundaries, fields,
 * files, limits, malformed bodies, and every truncation of a good body. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "attach.h"
#include "multipart.h"

static struct arena A;
static const struct mp_limits lim = { 16, 1000, 2, 10 };

static struct kvlist F;
static struct mp_file *files;
static size_t nfiles;

static enum mp_err parse(const char *body)
{
	return multipart_parse(&A, "b0", body, strlen(body), &lim, &F, &files, &nfiles);
}

#define GOOD \
	"--b0\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n" \
	"--b0\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nhi\r\nthere\r\n" \
	"--b0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\x\\\\a.png\"\r\n" \
	"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n!!\r\n" \
	"--b0--\r\n"

static void test_boundary(void **state)
{
	char b[80];
	(void)state;
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundaryAbC",
					    b, sizeof b), 0);
	assert_string_equal(b, "----WebKitFormBoundaryAbC");
	assert_int_equal(multipart_boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b\"",
					    b, sizeof b), 0);
	assert_string_equal(b, "a b");
	assert_int_equal(multipart_boundary("multipart/form-data", b, sizeof b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=", b, sizeof b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=\"a \"", b, sizeof b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=a<b", b, sizeof b), -1);
	assert_int_equal(multipart_boundary("text/plain; boundary=ab", b, sizeof b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=\"ab", b, sizeof b), -1);
	/* 71 characters is one too many. */
	assert_int_equal(multipart_boundary("multipart/form-data; boundary="
		"12345678901234567890123456789012345678901234567890123456789012345678901",
		b, sizeof b), -1);
}

static void test_good(void **state)
{
	(void)state;
	assert_int_equal(parse(GOOD), MP_OK);
	assert_int_equal(F.n, 2);
	assert_string_equal(kv_get(&F, "csrf"), "tok");
	assert_string_equal(kv_get(&F, "content"), "hi\r\nthere");
	assert_int_equal(nfiles, 1);
	assert_string_equal(files[0].field, "file");
	assert_string_equal(files[0].filename, "a.png");  /* the path is dropped */
	assert_string_equal(files[0].type, "image/png");
	assert_int_equal(files[0].len, 10);
	assert_string_equal(attach_sniff(files[0].data, files[0].len), "image/png");
}

/* Every prefix of a good body is refused, never read past. */
static void test_truncated(void **state)
{
	const char *good = GOOD;
	size_t n = strlen(good);
	(void)state;
	/* The last "\r\n" after the close delimiter is epilogue. */
	for (size_t i = 0; i + 2 < n; i++) {
		char *cut = malloc(i ? i : 1);
		memcpy(cut, good, i);
		assert_int_equal(multipart_parse(&A, "b0", cut, i, &lim, &F, &files, &nfiles),
				 MP_MALFORMED);
		free(cut);
	}
}

static void test_malformed(void **state)
{
	(void)state;
	/* Preamble, LF-only lines, no disposition, no name, bad UTF-8, NUL. */
	assert_int_equal(parse("x\r\n--b0\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b0--"),
			 MP_MALFORMED);
	assert_int_equal(parse("--b0\nContent-Disposition: form-data; name=a\n\n1\n--b0--"), MP_MALFORMED);
	assert_int_equal(parse("--b0\r\nContent-Type: text/plain\r\n\r\n1\r\n--b0--"), MP_MALFORMED);
	assert_int_equal(parse("--b0\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b0--"), MP_MALFORMED);
	assert_int_equal(parse("--b0\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--b0--"),
			 MP_MALFORMED);
	assert_int_equal(parse("--b0\r\nContent-Disposition: form-data; name=a\r\n\r\n\xff\r\n--b0--"),
			 MP_MALFORMED);
	assert_int_equal(multipart_parse(&A, "b0", "--b0\r\nContent-Disposition: form-data; name=a\r\n\r\n"
					 "x\0y\r\n--b0--", 54, &lim, &F, &files, &nfiles), MP_MALFORMED);
	/* Two dispositions; an unterminated quote; a header with no colon. */
	assert_int_equal(parse("--b0\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: "
			       "form-data; name=b\r\n\r\n1\r\n--b0--"), MP_MALFORMED);
	assert_int_equal(parse("--b0\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--b0--"),
			 MP_MALFORMED);
	assert_int_equal(parse("--b0\r\nnonsense\r\n\r\n1\r\n--b0--"), MP_MALFORMED);
	/* A delimiter followed by something other than CRLF or "--". */
	assert_int_equal(parse("--b0\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b0x"),
			 MP_MALFORMED);
	/* An empty body, a body with only the boundary, the wrong boundary. */
	assert_int_equal(parse(""), MP_MALFORMED);
	assert_int_equal(parse("--b0"), MP_MALFORMED);
	assert_int_equal(parse("--b1\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b1--"),
			 MP_MALFORMED);
	/* An empty form is fine. */
	assert_int_equal(parse("--b0--"), MP_OK);
	assert_int_equal(F.n + nfiles, 0);
}

/* Text that looks like a boundary but is not one stays data. */
static void test_near_boundaries(void **state)
{
	(void)state;
	assert_int_equal(parse("--b0\r\nContent-Disposition: form-data; name=a\r\n\r\n"
			       "--b0 \r\n--b \r\n-b0\r\n--b0--"), MP_OK);
	assert_string_equal(kv_get(&F, "a"), "--b0 \r\n--b \r\n-b0");
	/* Transport padding after a delimiter. */
	assert_int_equal(parse("--b0 \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b0--"),
			 MP_OK);
	assert_string_equal(kv_get(&F, "a"), "1");
}

static void test_limits(void **state)
{
	char body[4096];
	size_t n = 0;
	(void)state;
	/* A file over max_file_len: left out, the text kept. */
	assert_int_equal(parse("--b0\r\nContent-Disposition: form-data; name=content\r\n\r\nkeep\r\n"
			       "--b0\r\nContent-Disposition: form-data; name=f; filename=a.pdf\r\n\r\n"
			       "%PDF-0123456789\r\n--b0--"), MP_FILE_TOO_LARGE);
	assert_string_equal(kv_get(&F, "content"), "keep");
	assert_int_equal(nfiles, 0);
	/* Three files where two are allowed. */
	assert_int_equal(parse("--b0\r\nContent-Disposition: form-data; name=f; filename=1\r\n\r\n1\r\n"
			       "--b0\r\nContent-Disposition: form-data; name=f; filename=2\r\n\r\n2\r\n"
			       "--b0\r\nContent-Disposition: form-data; name=f; filename=3\r\n\r\n3\r\n"
			       "--b0\r\nContent-Disposition: form-data; name=content\r\n\r\nkeep\r\n--b0--"),
			 MP_TOO_MANY_FILES);
	assert_int_equal(nfiles, 2);
	assert_string_equal(kv_get(&F, "content"), "keep");
	/* An empty file input is not a file. */
	assert_int_equal(parse("--b0\r\nContent-Disposition: form-data; name=f; filename=\"\"\r\n"
			       "Content-Type: application/octet-stream\r\n\r\n\r\n--b0--"), MP_OK);
	assert_int_equal(nfiles, 0);
	/* Too many fields, a field too long. */
	for (int i = 0; i < 17; i++)
		n += (size_t)snprintf(body + n, sizeof body - n,
				      "--b0\r\nContent-Disposition: form-data; name=f%d\r\n\r\nv\r\n", i);
	snprintf(body + n, sizeof body - n, "--b0--");
	assert_int_equal(parse(body), MP_TOO_MANY_FIELDS);
	memset(body, 'x', sizeof body);
	memcpy(body, "--b0\r\nContent-Disposition: form-data; name=a\r\n\r\n", 48);
	memcpy(body + 48 + 1001, "\r\n--b0--", 9);
	assert_int_equal(parse(body), MP_TOO_MANY_FIELDS);
}

static void test_sniff(void **state)
{
	(void)state;
	assert_string_equal(attach_sniff((const unsigned char *)"\xff\xd8\xff\xe0", 4), "image/jpeg");
	assert_string_equal(attach_sniff((const unsigned char *)"GIF89a..", 8), "image/gif");
	assert_string_equal(attach_sniff((const unsigned char *)"RIFF\0\0\0\0WEBPVP8 ", 16), "image/webp");
	assert_string_equal(attach_sniff((const unsigned char *)"%PDF-1.7", 8), "application/pdf");
	assert_null(attach_sniff((const unsigned char *)"<svg>", 5));
	assert_null(attach_sniff((const unsigned char *)"RIFF\0\0\0\0WAVE", 12));
	assert_null(attach_sniff((const unsigned char *)"\x89PNG", 4));
	assert_int_equal(attach_hash_valid("ab"), 0);
	assert_int_equal(attach_hash_valid("../../../../etc/passwd"), 0);
}

static int reset(void **state)
{
	(void)state;
	arena_reset(&A);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_boundary, reset),
		cmocka_unit_test_teardown(test_good, reset),
		cmocka_unit_test_teardown(test_truncated, reset),
		cmocka_unit_test_teardown(test_malformed, reset),
		cmocka_unit_test_teardown(test_near_boundaries, reset),
		cmocka_unit_test_teardown(test_limits, reset),
		cmocka_unit_test_teardown(test_sniff, reset),
	};
	arena_init(&A, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
