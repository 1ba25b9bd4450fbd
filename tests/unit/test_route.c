/* test_route.c — route_match: literal segments, ':' captures, and every way
 * a path can fail to fit a pattern. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "http.h"

struct fixture {
	struct arena a;
	struct req r;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	arena_init(&f->a, 0);
	f->r.a = &f->a;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	arena_free(&f->a);
	free(f);
	return 0;
}

static struct req *req_of(void **state)
{
	return &((struct fixture *)*state)->r;
}

/* ---- literal paths ---- */

static void literal_match(void **state)
{
	struct req *r = req_of(state);
	r->nparams = 7;
	assert_int_equal(route_match("/chats", "/chats", r), 1);
	assert_int_equal(r->nparams, 0);
	assert_int_equal(route_match("/", "/", r), 1);
	assert_int_equal(r->nparams, 0);
	assert_int_equal(route_match("/chats/new", "/chats/new", r), 1);
	assert_int_equal(route_match("/login", "/logout", r), 0);
	assert_int_equal(route_match("/chats", "/Chats", r), 0);
	assert_int_equal(route_match("/chats", "", r), 0);
	assert_int_equal(route_match("/", "", r), 0);
	assert_int_equal(route_match("/", "/x", r), 0);
}

static void literal_without_req(void **state)
{
	(void)state;
	assert_int_equal(route_match("/chats", "/chats", NULL), 1);
	assert_int_equal(route_match("/chats", "/chat", NULL), 0);
	assert_int_equal(route_match("/chat/:id", "/chat/abc", NULL), 1);
	assert_int_equal(route_match("/chat/:id", "/chat/", NULL), 0);
}

static void prefix_refused(void **state)
{
	struct req *r = req_of(state);
	/* Neither may be a prefix of the other. */
	assert_int_equal(route_match("/chats", "/chatsx", r), 0);
	assert_int_equal(route_match("/chatsx", "/chats", r), 0);
	assert_int_equal(route_match("/chat", "/chat/abc", r), 0);
	assert_int_equal(route_match("/chat/:id/poll", "/chat/abc/pollx", r), 0);
	assert_int_equal(route_match("/chat/:id/poll", "/chat/abc/pol", r), 0);
}

static void trailing_slash_mismatch(void **state)
{
	struct req *r = req_of(state);
	assert_int_equal(route_match("/chats", "/chats/", r), 0);
	assert_int_equal(route_match("/chats/", "/chats", r), 0);
	assert_int_equal(route_match("/chat/:id", "/chat/abc/", r), 0);
	assert_int_equal(route_match("/chat/:id/poll", "/chat/abc/poll/", r), 0);
	/* The same pattern without the slash still matches. */
	assert_int_equal(route_match("/chat/:id/poll", "/chat/abc/poll", r), 1);
}

/* ---- captures ---- */

static void one_capture(void **state)
{
	struct req *r = req_of(state);
	assert_int_equal(route_match("/chat/:id", "/chat/3f2a-xyz", r), 1);
	assert_int_equal(r->nparams, 1);
	assert_string_equal(r->params[0], "3f2a-xyz");

	assert_int_equal(route_match("/chat/:id/poll", "/chat/abc/poll", r), 1);
	assert_int_equal(r->nparams, 1);
	assert_string_equal(r->params[0], "abc");

	/* A capture is taken as it is: no percent-decoding, any byte but '/'. */
	assert_int_equal(route_match("/chat/:id", "/chat/a%2Fb:c.d", r), 1);
	assert_int_equal(r->nparams, 1);
	assert_string_equal(r->params[0], "a%2Fb:c.d");

	/* A one-character capture. */
	assert_int_equal(route_match("/:x", "/z", r), 1);
	assert_int_equal(r->nparams, 1);
	assert_string_equal(r->params[0], "z");
}

static void several_captures(void **state)
{
	struct req *r = req_of(state);
	assert_int_equal(route_match("/chat/:id/message/:mid/edit",
				     "/chat/c1/message/m22/edit", r), 1);
	assert_int_equal(r->nparams, 2);
	assert_string_equal(r->params[0], "c1");
	assert_string_equal(r->params[1], "m22");

	/* Adjacent captures. */
	assert_int_equal(route_match("/:a/:b/:c", "/one/two/three", r), 1);
	assert_int_equal(r->nparams, 3);
	assert_string_equal(r->params[0], "one");
	assert_string_equal(r->params[1], "two");
	assert_string_equal(r->params[2], "three");

	/* A later literal match resets the count. */
	assert_int_equal(route_match("/chats", "/chats", r), 1);
	assert_int_equal(r->nparams, 0);
}

static void capture_is_copied(void **state)
{
	struct req *r = req_of(state);
	char path[] = "/chat/abc/poll";
	assert_int_equal(route_match("/chat/:id/poll", path, r), 1);
	/* The capture lives in the arena, not in the caller's path. */
	assert_true((uintptr_t)r->params[0] < (uintptr_t)path ||
		    (uintptr_t)r->params[0] >= (uintptr_t)(path + sizeof path));
	memset(path, 'X', sizeof path - 1);
	assert_string_equal(r->params[0], "abc");
}

static void empty_segment_refused(void **state)
{
	struct req *r = req_of(state);
	assert_int_equal(route_match("/chat/:id/poll", "/chat//poll", r), 0);
	assert_int_equal(route_match("/chat/:id", "/chat/", r), 0);
	assert_int_equal(route_match("/:a/:b", "//b", r), 0);
	assert_int_equal(route_match("/:a/:b", "/a/", r), 0);
	/* Literal empty segments must match literally. */
	assert_int_equal(route_match("/chats", "//chats", r), 0);
}

static void segment_count_mismatch(void **state)
{
	struct req *r = req_of(state);
	/* More segments than the pattern. */
	assert_int_equal(route_match("/chat/:id", "/chat/abc/poll", r), 0);
	assert_int_equal(route_match("/chat/:id/poll", "/chat/abc/poll/x", r), 0);
	assert_int_equal(route_match("/:a", "/a/b", r), 0);
	/* Fewer. */
	assert_int_equal(route_match("/chat/:id/poll", "/chat/abc", r), 0);
	assert_int_equal(route_match("/chat/:id/poll", "/chat", r), 0);
	assert_int_equal(route_match("/:a/:b", "/a", r), 0);
}

/* Build "/:p/:p/..." with n captures and "/v0/v1/..." to go with it. */
static void make_pattern(char *pattern, char *path, size_t size, int n)
{
	size_t pl = 0, ql = 0;
	pattern[0] = path[0] = '\0';
	for (int i = 0; i < n; i++) {
		pl += (size_t)snprintf(pattern + pl, size - pl, "/:p%d", i);
		ql += (size_t)snprintf(path + ql, size - ql, "/v%d", i);
	}
	assert_true(pl < size && ql < size);
}

static void capture_limit(void **state)
{
	struct req *r = req_of(state);
	char pattern[256], path[256];

	make_pattern(pattern, path, sizeof pattern, HTTP_MAX_PARAMS);
	assert_int_equal(route_match(pattern, path, r), 1);
	assert_int_equal(r->nparams, HTTP_MAX_PARAMS);
	for (int i = 0; i < HTTP_MAX_PARAMS; i++) {
		char want[16];
		snprintf(want, sizeof want, "v%d", i);
		assert_string_equal(r->params[i], want);
	}

	/* One more than the request can hold: refused, never overflowed. */
	make_pattern(pattern, path, sizeof pattern, HTTP_MAX_PARAMS + 1);
	assert_int_equal(route_match(pattern, path, r), 0);
	assert_int_equal(route_match(pattern, path, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(literal_match, setup, teardown),
		cmocka_unit_test(literal_without_req),
		cmocka_unit_test_setup_teardown(prefix_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(trailing_slash_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(one_capture, setup, teardown),
		cmocka_unit_test_setup_teardown(several_captures, setup, teardown),
		cmocka_unit_test_setup_teardown(capture_is_copied, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_segment_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(segment_count_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(capture_limit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
