/* app_fixture.c — see app_fixture.h. */
#include "app_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct app_fixture *app_fixture_new(const char *name, const struct route *routes, size_t n)
{
	struct app_fixture *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-%s-XXXXXX", name);
	if (!mkdtemp(f->dir)) {
		free(f);
		return NULL;
	}
	setenv("CONFAB_DATA_DIR", f->dir, 1);
	unsetenv("CONFAB_CONFIG");
	if (!getenv("CONFAB_SHARE_DIR"))
		setenv("CONFAB_SHARE_DIR", ".", 1);
	if (app_init(name, routes, n)) {
		free(f);
		return NULL;
	}
	arena_init(&f->a, 0);
	return f;
}

void app_fixture_free(struct app_fixture *f)
{
	char cmd[128];
	app_fini();
	arena_free(&f->a);
	buf_free(&f->hdr);
	buf_free(&f->body);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(f);
}

int app_fixture_read(struct app_fixture *f, char *const *vars, const char *body)
{
	memset(&f->r, 0, sizeof f->r);
	arena_reset(&f->a);
	buf_clear(&f->hdr);
	buf_clear(&f->body);
	f->r.a = &f->a;
	f->r.resp_headers = &f->hdr;
	f->r.resp_body = &f->body;
	f->r.status = 200;
	return http_read_vars(&f->r, vars, body, body ? strlen(body) : 0, 65536);
}
