/* fuzz_local_path.c — libFuzzer target for http_local_path, the check that
 * keeps a redirect (a login's "next", a form's return path) on this site,
 * and for http_redirect, which uses it. The input is the path.
 *
 * The checks are independent of the code under test: a path it accepts,
 * read as a browser reads a URL (tabs and line breaks dropped, '\' taken
 * as '/'), starts with exactly one slash, so it can name neither another
 * host ("//evil", "/\evil") nor a scheme; and the redirect always writes
 * exactly one Location line, either the path unchanged or "/". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise: which one, then abort (the replay names the input). */
#define CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

/* The path as a browser's URL parser sees it (at most its first 3 bytes). */
static size_t browser_view(const char *s, char out[3])
{
	size_t n = 0;
	for (; *s && n < 3; s++) {
		if (*s == '\t' || *s == '\r' || *s == '\n')
			continue;
		out[n++] = *s == '\\' ? '/' : *s;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct buf headers = BUF_INIT, body = BUF_INIT;
	struct req r;
	char *path = malloc(size + 1), head[3];
	const char *loc;
	size_t n;
	int local;

	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';

	local = http_local_path(path);
	CHECK(local == 0 || local == 1);
	n = browser_view(path, head);
	if (local) {
		CHECK(n >= 1 && head[0] == '/');
		CHECK(n == 1 || head[1] != '/');
		CHECK(!strpbrk(path, "\t\r\n"));
	}
	CHECK(http_local_path(NULL) == 0);

	memset(&r, 0, sizeof r);
	arena_init(&a, 1024);
	r.a = &a;
	r.resp_headers = &headers;
	r.resp_body = &body;
	buf_puts(&body, "stale");
	CHECK(http_redirect(&r, path) == 303 && r.status == 303);
	CHECK(body.len == 0);
	loc = buf_str(&headers);
	CHECK(strncmp(loc, "Location: ", 10) == 0);
	loc += 10;
	if (local)
		CHECK(strncmp(loc, path, strlen(path)) == 0 && strcmp(loc + strlen(path), "\r\n") == 0);
	else
		CHECK(strcmp(loc, "/\r\n") == 0);

	buf_free(&headers);
	buf_free(&body);
	arena_free(&a);
	free(path);
	return 0;
}
