/* fuzz_read_params.c — libFuzzer target for reading a request: the server's
 * parameters (lib/http.c read_params, through http_read_vars, its public
 * door) and then the body. The input is NAME=value lines up to the first
 * empty line; the rest is the POST body. A POST to /upload may carry files
 * (small limits, so the limit paths run).
 *
 * The checks are http.h's promises: the answer is 0, 400 or 413 (413 with
 * the sentence for the page); on 0 every string the page reads is set,
 * HEAD is served as GET, the path holds no '?', the parsed lists keep
 * their limits and their values are valid UTF-8, the body is
 * NUL-terminated, and files come only to the upload route. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "http.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise: which one, then abort (the replay names the input). */
#define CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

#define MAX_VARS 48
#define MAX_BODY 2048

static int upload_route(const struct req *r)
{
	return strcmp(r->path, "/upload") == 0;
}

static void check_list(const struct kvlist *l, size_t max)
{
	CHECK(l->n <= max);
	for (size_t i = 0; i < l->n; i++) {
		CHECK(l->items[i].key && l->items[i].val);
		CHECK(l->items[i].val[l->items[i].val_len] == '\0');
	}
}

static void check_form(const struct kvlist *l)
{
	check_list(l, 256);
	for (size_t i = 0; i < l->n; i++) {
		CHECK(utf8_valid(l->items[i].key, strlen(l->items[i].key)));
		CHECK(utf8_valid(l->items[i].val, l->items[i].val_len));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct arena a;
	struct buf headers = BUF_INIT, body = BUF_INIT;
	struct req r;
	char *in, *vars[MAX_VARS + 1], *p, *end, *post = NULL;
	size_t nvars = 0, post_len = 0;
	int rc;

	if (!ready) {
		struct http_uploads u = { upload_route, { 8, 512, 2, 256 }, MAX_BODY };
		http_set_uploads(&u);
		ready = 1;
	}
	in = malloc(size + 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	/* NAME=value lines until an empty one; a NUL inside a line ends its
	 * value early, as it would in an environment. */
	for (p = in, end = in + size; p < end && nvars < MAX_VARS;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == p) {
			post = p + 1;
			post_len = (size_t)(end - post);
			break;
		}
		if (nl)
			*nl = '\0';
		vars[nvars++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	vars[nvars] = NULL;

	memset(&r, 0, sizeof r);
	arena_init(&a, 1024);
	r.a = &a;
	r.resp_headers = &headers;
	r.resp_body = &body;
	rc = http_read_vars(&r, vars, post, post_len, MAX_BODY);
	CHECK(rc == 0 || rc == 400 || rc == 413);
	if (rc == 413)
		CHECK(!r.refused || *r.refused);
	if (rc == 0) {
		CHECK(r.method && r.path && r.query && r.content_type && r.remote_addr &&
		      r.user_agent && r.origin && r.host);
		CHECK(strcmp(r.method, "HEAD") != 0);
		CHECK(!strchr(r.path, '?'));
		CHECK(r.content_length >= -1 && r.server_max_body >= 0);
		CHECK(r.body && r.body[r.body_len] == '\0');
		CHECK(r.body_len <= MAX_BODY);
		check_form(&r.query_kv);
		CHECK(r.query_kv.n <= 64);
		check_list(&r.cookies, 64);
		check_form(&r.form);
		CHECK(r.nfiles == 0 || upload_route(&r));
		CHECK(r.nfiles <= 2);
		for (size_t i = 0; i < r.nfiles; i++)
			CHECK(r.files[i].len <= 256 && r.files[i].filename);
		for (size_t i = 0; i < r.cookies.n; i++)
			CHECK(http_cookie(&r, r.cookies.items[i].key) != NULL);
		for (size_t i = 0; i < nvars; i++) {
			const char *eq = strchr(vars[i], '=');
			if (eq)
				CHECK(http_env(&r, arena_strndup(&a, vars[i], (size_t)(eq - vars[i]))));
		}
	}
	buf_free(&headers);
	buf_free(&body);
	arena_free(&a);
	free(in);
	return 0;
}
