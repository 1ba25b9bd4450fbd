/* chats — the chat list: grouped by day in the user's time zone, search,
 * create, rename, pin and delete; the trash (restore, delete forever). */
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
	/* The chat just moved to the trash: the notice offers Undo. */
	{ "undo", V_UUID, 0, 0, 0, NULL, "Undo" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field trash_fields[] = {
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
/* Delete and delete forever ask once, unless the form says confirm=1
 * (the confirmation page's, or the list's button with the script). */
static const struct field delete_fields[] = {
	{ "confirm", V_ENUM, 0, 0, 0, on_off, "Confirm" },
	BACK_FIELD
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field restore_fields[] = {
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

/* A chat's title as pages show it. */
static const char *title_of(const struct chat *c)
{
	return *c->title ? c->title : "New chat";
}

/* The title cut for a notice: a flash holds 300 bytes (session.c), a
 * title up to 200 characters of up to 4 bytes each. */
static const char *notice_title(struct req *r, const struct chat *c)
{
	const char *t = title_of(c);
	size_t n = 80;
	if (strlen(t) <= n)
		return t;
	while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
		n--;
	return arena_printf(r->a, "%.*s…", (int)n, t);
}

/* The pager's links: prev_page / next_page when there are such pages. */
static void set_pager(struct req *r, struct tval *ctx, int64_t page, int more)
{
	tv_set_bool(r->a, ctx, "pager", page > 1 || more);
	if (page > 1) {
		tv_set_int(r->a, ctx, "prev_page", page - 1);
		tv_set_bool(r->a, ctx, "has_prev", 1);
	}
	if (more) {
		tv_set_int(r->a, ctx, "next_page", page + 1);
		tv_set_bool(r->a, ctx, "has_next", 1);
	}
}

/* The list's notice after a delete, with its Undo, while the chat is
 * still in the trash (a reload after Undo shows no stale one). */
static void set_undo(struct req *r, struct tval *ctx)
{
	const char *id = http_query(r, "undo");
	struct chat c;
	struct tval *u;
	if (!id || !*id || store_chat_get_trashed(g.data_db, r->a, r->user->id, id, &c) != STORE_OK)
		return;
	u = tv_set(r->a, ctx, "undo", tv_map(r->a));
	tv_set_str(r->a, u, "id", c.id);
	tv_set(r->a, u, "title", tv_str_ref(r->a, title_of(&c)));
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
	int64_t trashed;

	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (pg && *pg)
		parse_int64(pg, &page);
	n = store_chat_list(g.data_db, r->a, r->user->id, q, (size_t)(page - 1) * limit, limit,
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
		tv_set(r->a, c, "title", tv_str_ref(r->a, title_of(&chats[i])));
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
	set_pager(r, ctx, page, more);
	set_undo(r, ctx);
	if ((trashed = store_chat_trash_count(g.data_db, r->user->id)) > 0) {
		tv_set_bool(r->a, ctx, "has_trash", 1);
		tv_set_int(r->a, ctx, "trash_count", trashed);
	}
	return page_render(r, 200, "chats", ctx);
}

/* "12 days left" until the vacuum deletes a chat trashed at deleted_at. */
static const char *days_left(struct req *r, int64_t deleted_at, int64_t now)
{
	const int64_t day = 24 * 3600 * 1000;
	int64_t left = deleted_at + (int64_t)g.cfg.trash_days * day - now;
	int64_t days = (left + day - 1) / day;
	if (left <= 0)
		return "deleted for good at the next clean-up";
	return days == 1 ? "1 day left" : arena_printf(r->a, "%lld days left", (long long)days);
}

static int trash_get(struct req *r)
{
	const char *pg = http_query(r, "page"), *tzname = r->user->timezone;
	int64_t page = 1, now = now_ms();
	size_t limit = (size_t)g.cfg.page_size, n;
	struct chat *chats = arena_alloc(r->a, limit * sizeof *chats);
	struct tval *ctx, *list;
	int more = 0;

	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (pg && *pg)
		parse_int64(pg, &page);
	n = store_chat_list_trash(g.data_db, r->a, r->user->id, (size_t)(page - 1) * limit, limit,
			    chats, &more);
	ctx = page_ctx(r, "Trash", NULL);
	tv_set_int(r->a, ctx, "trash_days", g.cfg.trash_days);
	list = tv_set(r->a, ctx, "chats", tv_list(r->a));
	for (size_t i = 0; i < n; i++) {
		struct tval *c = tv_push(r->a, list, tv_map(r->a));
		char when[64];
		tv_set_str(r->a, c, "id", chats[i].id);
		tv_set(r->a, c, "title", tv_str_ref(r->a, title_of(&chats[i])));
		tz_format(tzname, chats[i].deleted_at, "%Y-%m-%d %H:%M", when, sizeof when);
		tv_set_str(r->a, c, "deleted", when);
		tz_format(tzname, chats[i].deleted_at, "%Y-%m-%dT%H:%M:%S%z", when, sizeof when);
		tv_set_str(r->a, c, "deleted_iso", when);
		tv_set_str(r->a, c, "left", days_left(r, chats[i].deleted_at, now));
	}
	tv_set_bool(r->a, ctx, "empty", n == 0);
	set_pager(r, ctx, page, more);
	return page_render(r, 200, "trash", ctx);
}

/* The page that asks once before a delete: its form posts confirm=1 to
 * action; Cancel goes to cancel. */
static int confirm_page(struct req *r, const char *heading, const char *question,
			const char *note, const char *verb, const char *action,
			const char *cancel)
{
	struct tval *ctx = page_ctx(r, heading, NULL);
	tv_set(r->a, ctx, "question", tv_str_ref(r->a, question));
	tv_set(r->a, ctx, "note", tv_str_ref(r->a, note));
	tv_set(r->a, ctx, "verb", tv_str_ref(r->a, verb));
	tv_set(r->a, ctx, "action", tv_str_ref(r->a, action));
	tv_set(r->a, ctx, "cancel", tv_str_ref(r->a, cancel));
	return page_render(r, 200, "chat_confirm", ctx);
}

static int create_post(struct req *r)
{
	const char *title = http_form(r, "title");
	struct chat c;
	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (store_chat_create(g.data_db, r->a, r->user->id, title ? title : "", NULL, &c) != STORE_OK)
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
	return done(r, store_chat_rename(g.data_db, r->user->id, id, http_form(r, "title")),
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
	return done(r, store_chat_set_pinned(g.data_db, r->user->id, id, pinned),
		    pinned ? "Chat pinned." : "Chat unpinned.");
}

/* The form said confirm=1: the question was asked (or the script skipped
 * it, offering Undo instead). */
static int confirmed(struct req *r)
{
	const char *v = strcmp(r->method, "POST") == 0 ? http_form(r, "confirm") : NULL;
	return v && strcmp(v, "1") == 0;
}

/* Where Cancel goes: back to the page the form was on, else the chat's. */
static const char *cancel_to(struct req *r, const char *fallback)
{
	const char *back = strcmp(r->method, "POST") == 0 ? http_form(r, "back") : NULL;
	return back && http_local_path(back) ? back : fallback;
}

/* GET asks; POST asks too unless confirm=1, then moves the chat to the
 * trash and lands on the list, whose notice offers Undo. */
static int delete_chat(struct req *r)
{
	const char *id = chat_param(r);
	struct chat c;
	enum store_rc rc;
	if (!id || store_chat_get(g.data_db, r->a, r->user->id, id, &c) != STORE_OK)
		return page_error(r, 404, "There is no such chat.");
	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (!confirmed(r))
		return confirm_page(r, "Delete chat",
				    arena_printf(r->a, "Move “%s” to the trash?", title_of(&c)),
				    arena_printf(r->a, "You can restore it from the trash for %d "
						       "days; then it is deleted for good.",
						 g.cfg.trash_days),
				    "Move to trash", arena_printf(r->a, "/chats/%s/delete", c.id),
				    cancel_to(r, arena_printf(r->a, "/chat/%s", c.id)));
	rc = store_chat_trash(g.data_db, r->user->id, id, now_ms());
	if (rc != STORE_OK)
		return done(r, rc, "");
	return http_redirect(r, arena_printf(r->a, "/chats?undo=%s", id));
}

static int restore_post(struct req *r)
{
	const char *id = chat_param(r), *back = http_form(r, "back");
	struct chat c;
	enum store_rc rc;
	if (!id || store_chat_get_trashed(g.data_db, r->a, r->user->id, id, &c) != STORE_OK)
		return page_error(r, 404, "There is no such chat in the trash.");
	rc = store_chat_restore(g.data_db, r->user->id, id);
	if (rc == STORE_NOT_FOUND)
		return page_error(r, 404, "There is no such chat in the trash.");
	if (rc != STORE_OK)
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	flash_set(r, arena_printf(r->a, "Restored “%s”.", notice_title(r, &c)));
	return http_redirect(r, back && http_local_path(back) ? back : "/chats");
}

/* Delete forever, from the trash only: always asks (there is no undo). */
static int purge_chat(struct req *r)
{
	const char *id = chat_param(r);
	struct chat c;
	enum store_rc rc;
	if (!id || store_chat_get_trashed(g.data_db, r->a, r->user->id, id, &c) != STORE_OK)
		return page_error(r, 404, "There is no such chat in the trash.");
	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (!confirmed(r))
		return confirm_page(r, "Delete forever",
				    arena_printf(r->a, "Delete “%s” forever?", title_of(&c)),
				    "Its messages and files cannot be brought back.",
				    "Delete forever", arena_printf(r->a, "/chats/%s/purge", c.id),
				    "/chats/trash");
	rc = store_chat_purge(g.data_db, r->user->id, id);
	if (rc == STORE_NOT_FOUND)
		return page_error(r, 404, "There is no such chat in the trash.");
	if (rc != STORE_OK)
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	flash_set(r, arena_printf(r->a, "Deleted “%s” forever.", notice_title(r, &c)));
	return http_redirect(r, "/chats/trash");
}

static const struct route routes[] = {
	{ "GET", "/", root_get, ROUTE_LOGIN, NULL },
	{ "GET", "/chats", list_get, ROUTE_LOGIN, list_fields },
	{ "POST", "/chats", create_post, ROUTE_LOGIN, create_fields },
	{ "POST", "/chats/:id/rename", rename_post, ROUTE_LOGIN, rename_fields },
	{ "POST", "/chats/:id/pin", pin_post, ROUTE_LOGIN, pin_fields },
	{ "GET", "/chats/:id/delete", delete_chat, ROUTE_LOGIN, NULL },
	{ "POST", "/chats/:id/delete", delete_chat, ROUTE_LOGIN, delete_fields },
	{ "GET", "/chats/trash", trash_get, ROUTE_LOGIN, trash_fields },
	{ "POST", "/chats/:id/restore", restore_post, ROUTE_LOGIN, restore_fields },
	{ "GET", "/chats/:id/purge", purge_chat, ROUTE_LOGIN, NULL },
	{ "POST", "/chats/:id/purge", purge_chat, ROUTE_LOGIN, delete_fields },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "chats", routes, COUNTOF(routes));
}
