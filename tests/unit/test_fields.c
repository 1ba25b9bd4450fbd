/* test_fields.c — app_dispatch and the fields a route declares: a handler
 * reads only those (any other name is NULL), and an invalid one is a 400
 * page naming it before the handler runs, unless the route takes
 * ROUTE_FORM_ERRORS and shows the error itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_fixture.h"

/* What the handler saw; calls counts its runs. */
static struct {
	int calls;
	const char *n, *other, *invalid;
} seen;

static int handler(struct req *r)
{
	seen.calls++;
	seen.n = http_query(r, "n");
	seen.other = http_query(r, "other");
	seen.invalid = r->invalid;
	return 200;
}

static const struct field n_fields[] = {
	{ "n", V_INT, 0, 1, 10, NULL, "Number" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

static const struct route routes[] = {
	{ "GET", "/plain", handler, 0, n_fields },
	{ "GET", "/form", handler, ROUTE_FORM_ERRORS, n_fields },
	{ "GET", "/none", handler, 0, NULL },
};

static int setup(void **state)
{
	return (*state = app_fixture_new("fields", routes, sizeof routes / sizeof routes[0])) ? 0 : -1;
}

static int teardown(void **state)
{
	app_fixture_free(*state);
	return 0;
}

/* GET path?query through the dispatcher; the status. */
static int get(struct app_fixture *f, const char *path, const char *query)
{
	char uri[256], qs[256];
	char *vars[] = { (char *)"REQUEST_METHOD=GET", uri, qs, NULL };
	snprintf(uri, sizeof uri, "REQUEST_URI=%s?%s", path, query);
	snprintf(qs, sizeof qs, "QUERY_STRING=%s", query);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(app_fixture_read(f, vars, NULL), 0);
	app_dispatch(&f->r);
	return f->r.status;
}

static void declared_field_read(void **state)
{
	struct app_fixture *f = *state;
	assert_int_equal(get(f, "/plain", "n=5&other=x"), 200);
	assert_int_equal(seen.calls, 1);
	assert_non_null(seen.n);
	assert_string_equal(seen.n, "5");
	assert_null(seen.invalid);
}

static void undeclared_field_is_null(void **state)
{
	struct app_fixture *f = *state;
	/* "other" is in the query but no route declares it. */
	assert_int_equal(get(f, "/plain", "n=5&other=x"), 200);
	assert_null(seen.other);
	assert_int_equal(get(f, "/none", "n=5&other=x"), 200);
	assert_int_equal(seen.calls, 1);
	assert_null(seen.n);
	assert_null(seen.other);
}

static void invalid_field_is_400_before_handler(void **state)
{
	struct app_fixture *f = *state;
	assert_int_equal(get(f, "/plain", "n=99"), 400);
	assert_int_equal(seen.calls, 0);
	/* The page names the field. */
	assert_non_null(strstr(buf_str(&f->body), "Number"));
	assert_int_equal(get(f, "/plain", "n=abc"), 400);
	assert_int_equal(seen.calls, 0);
}

static void form_errors_route_gets_invalid(void **state)
{
	struct app_fixture *f = *state;
	assert_int_equal(get(f, "/form", "n=99"), 200);
	assert_int_equal(seen.calls, 1);
	assert_non_null(seen.invalid);
	assert_non_null(strstr(seen.invalid, "Number"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(declared_field_read, setup, teardown),
		cmocka_unit_test_setup_teardown(undeclared_field_is_null, setup, teardown),
		cmocka_unit_test_setup_teardown(invalid_field_is_400_before_handler, setup,
						teardown),
		cmocka_unit_test_setup_teardown(form_errors_route_gets_invalid, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
