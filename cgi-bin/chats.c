/* chats — the chat list: grouped by day in the user's time zone, search,
 * create, rename, pin and delete. */
#include "app.h"
#include "esc.h"
#include "page.h"
#include "session.h"
#include "store_chat.h"
#include "tz.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static const char *const on_off[] = { "0", "1", NULL };

/* Where done() goes after an action (a local path; the chat page's forms
 * send their own). */
#define BACK_FIELD { "back", V_STRING, 0, 0, 500, NULL, "Back" },

static const struct field list_fields[] = {
	{ "q", V_STRING, 0, 0, 200, NULL, "Search" },
	{ "page", V_INT, 0, 1, 100000, NULL, "Page" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field create_fields[] = {
	{ "title", V_STRING, 0, 0, 200, NULL, "Title" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field rename_fields[] = {
	{ "title", V_STRING, 1, 1, 200, NULL, "Title" },
	BACK_FIELD
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field delete_fields[] = {
	BACK_FIELD
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field pin_fields[] = {
	{ "pinned", V_ENUM, 1, 0, 0, on_off, "Pinned" },
	BACK_FIELD
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

static int root_get(struct req *r)
{
	return http_redirect(r, "/chats");
}

/* The group a chat falls in, by its last activity in the user's zone. */
static const char *group_of(const struct chat *c, const int64_t bounds[3])
{
	if (c->pinned)
		return "Pinned";
	if (c->updated_at >= bounds[0])
		return "Today";
	if (c->updated_at >= bounds[1])
		return "Yesterday";
	if (c->updated_at >= bounds[2])
		return "Previous 7 days";
	return "Older";
}

static int list_get(struct req *r)
{
	const char *q = http_query(r, "q"), *tzname = r->user->timezone;
	const char *pg = http_query(r, "page");
	int64_t page = 1, now = now_ms(), bounds[3];
	size_t limit = (size_t)g.cfg.page_size, n;
	struct chat *chats = arena_alloc(r->a, limit * sizeof *chats);
	struct tval *ctx, *groups, *group = NULL;
	const char *current_group = NULL;
	int more = 0;

	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (pg && *pg)
		parse_int64(pg, &page);
	n = chat_list(g.data_db, r->a, r->user->id, q, (size_t)(page - 1) * limit, limit,
		      chats, &more);
	bounds[0] = tz_day_start(tzname, now, 0);
	bounds[1] = tz_day_start(tzname, now, 1);
	bounds[2] = tz_day_start(tzname, now, 7);

	ctx = page_ctx(r, q && *q ? "Search chats" : "Chats", NULL);
	groups = tv_set(r->a, ctx, "groups", tv_list(r->a));
	for (size_t i = 0; i < n; i++) {
		const char *name = group_of(&chats[i], bounds);
		char when[64];
		struct tval *c;
		if (!current_group || strcmp(current_group, name) != 0) {
			current_group = name;
			group = tv_push(r->a, groups, tv_map(r->a));
			tv_set(r->a, group, "name", tv_str_ref(r->a, name));
			tv_set(r->a, group, "chats", tv_list(r->a));
		}
		c = tv_push(r->a, tv_get(group, "chats"), tv_map(r->a));
		tv_set_str(r->a, c, "id", chats[i].id);
		tv_set(r->a, c, "title", tv_str_ref(r->a, *chats[i].title ? chats[i].title
								     : "New chat"));
		tv_set_bool(r->a, c, "pinned", chats[i].pinned);
		tz_format(tzname, chats[i].updated_at,
			  chats[i].updated_at >= bounds[0] ? "%H:%M" : "%Y-%m-%d", when, sizeof when);
		tv_set_str(r->a, c, "when", when);
		tz_format(tzname, chats[i].updated_at, "%Y-%m-%dT%H:%M:%S%z", when, sizeof when);
		tv_set_str(r->a, c, "when_iso", when);
	}
	tv_set_bool(r->a, ctx, "empty", n == 0);
	if (q && *q) {
		struct buf qb = BUF_INIT;
		esc_url(&qb, q, strlen(q));
		tv_set(r->a, ctx, "q", tv_str_ref(r->a, q));
		tv_set_str(r->a, ctx, "q_url", buf_str(&qb));
		buf_free(&qb);
	}
	tv_set_bool(r->a, ctx, "pager", page > 1 || more);
	if (page > 1) {
		tv_set_int(r->a, ctx, "prev_page", page - 1);
		tv_set_bool(r->a, ctx, "has_prev", 1);
	}
	if (more) {
		tv_set_int(r->a, ctx, "next_page", page + 1);
		tv_set_bool(r->a, ctx, "has_next", 1);
	}
	return page_render(r, 200, "chats", ctx);
}

static int create_post(struct req *r)
{
	const char *title = http_form(r, "title");
	struct chat c;
	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (chat_create(g.data_db, r->a, r->user->id, title ? title : "", NULL, &c) != STORE_OK)
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	return http_redirect(r, arena_printf(r->a, "/chat/%s", c.id));
}

/* The chat id from the path, or NULL (then 404) when it is not a UUID. */
static const char *chat_param(struct req *r)
{
	return r->nparams == 1 && uuid_valid(r->params[0]) ? r->params[0] : NULL;
}

/* After an action: back to the list, or wherever the form asked (a local
 * path), with a message. */
static int done(struct req *r, enum store_rc rc, const char *message)
{
	const char *back = http_form(r, "back");
	if (rc == STORE_NOT_FOUND)
		return page_error(r, 404, "There is no such chat.");
	if (rc != STORE_OK)
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	flash_set(r, message);
	return http_redirect(r, back && http_local_path(back) ? back : "/chats");
}

static int rename_post(struct req *r)
{
	const char *id = chat_param(r);
	if (!id)
		return page_error(r, 404, "There is no such chat.");
	if (r->invalid)
		return page_error(r, 400, r->invalid);
	return done(r, chat_rename(g.data_db, r->user->id, id, http_form(r, "title")),
		    "Chat renamed.");
}

static int pin_post(struct req *r)
{
	const char *id = chat_param(r);
	int pinned;
	if (!id)
		return page_error(r, 404, "There is no such chat.");
	if (r->invalid)
		return page_error(r, 400, r->invalid);
	pinned = strcmp(http_form(r, "pinned"), "1") == 0;
	return done(r, chat_set_pinned(g.data_db, r->user->id, id, pinned),
		    pinned ? "Chat pinned." : "Chat unpinned.");
}

static int delete_post(struct req *r)
{
	const char *id = chat_param(r);
	enum store_rc rc;
	if (!id)
		return page_error(r, 404, "There is no such chat.");
	rc = chat_delete(g.data_db, r->user->id, id);
	if (rc != STORE_OK)
		return done(r, rc, "");
	flash_set(r, "Chat deleted.");
	return http_redirect(r, "/chats");
}

static const struct route routes[] = {
	{ "GET", "/", root_get, ROUTE_LOGIN, NULL },
	{ "GET", "/chats", list_get, ROUTE_LOGIN, list_fields },
	{ "POST", "/chats", create_post, ROUTE_LOGIN, create_fields },
	{ "POST", "/chats/:id/rename", rename_post, ROUTE_LOGIN, rename_fields },
	{ "POST", "/chats/:id/pin", pin_post, ROUTE_LOGIN, pin_fields },
	{ "POST", "/chats/:id/delete", delete_post, ROUTE_LOGIN, delete_fields },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "chats", routes, COUNTOF(routes));
}
