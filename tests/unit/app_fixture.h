/* app_fixture.h — an app instance for unit tests of the dispatcher: its
 * own data directory under /tmp, no config file, the templates of the
 * tree, the caller's routes; and a request buffer to push through it. */
#ifndef CONFAB_APP_FIXTURE_H
#define CONFAB_APP_FIXTURE_H

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "http.h"

struct app_fixture {
	char dir[64];
	struct arena a;
	struct buf hdr, body;
	struct req r;
};

/* A fixture with the app loaded (app_init) as name with routes; NULL if
 * it could not start. */
struct app_fixture *app_fixture_new(const char *name, const struct route *routes, size_t n);
/* Stop the app and remove the data directory. */
void app_fixture_free(struct app_fixture *f);
/* A fresh request in f (arena and buffers emptied) read from vars and
 * body as the server would pass them; http_read_vars' answer. */
int app_fixture_read(struct app_fixture *f, char *const *vars, const char *body);

#endif
