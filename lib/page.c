/* page.c — see page.h. */
#include "page.h"
#include "app.h"
#include "log.h"
#include "session.h"
#include "store_chat.h"
#include "tmpl.h"

#include <string.h>

#define SIDEBAR_CHATS 20

/* The sidebar's chat list: the newest chats, pinned first. */
static void add_sidebar(struct req *r, struct tval *ctx, const char *active_id)
{
	struct chat *chats = arena_alloc(r->a, SIDEBAR_CHATS * sizeof *chats);
	int more = 0;
	size_t n = store_chat_list(g.data_db, r->a, r->user->id, NULL, 0, SIDEBAR_CHATS, chats, &more);
	struct tval *list = tv_set(r->a, ctx, "sidebar_chats", tv_list(r->a));
	for (size_t i = 0; i < n; i++) {
		struct tval *c = tv_push(r->a, list, tv_map(r->a));
		tv_set_str(r->a, c, "id", chats[i].id);
		tv_set(r->a, c, "title", tv_str_ref(r->a, *chats[i].title ? chats[i].title
								     : "New chat"));
		tv_set_bool(r->a, c, "pinned", chats[i].pinned);
		if (active_id && strcmp(active_id, chats[i].id) == 0)
			tv_set_bool(r->a, c, "current", 1);
	}
	tv_set_bool(r->a, ctx, "sidebar_more", more);
}

struct tval *page_ctx(struct req *r, const char *title, const char *active_chat)
{
	struct tval *ctx = tv_map(r->a);
	const char *flash = flash_take(r);
	tv_set(r->a, ctx, "title", tv_str_ref(r->a, title));
	tv_set(r->a, ctx, "csrf", tv_str_ref(r->a, r->csrf ? r->csrf : ""));
	if (flash)
		tv_set(r->a, ctx, "flash", tv_str_ref(r->a, flash));
	if (r->user) {
		struct tval *u = tv_set(r->a, ctx, "user", tv_map(r->a));
		tv_set(r->a, u, "email", tv_str_ref(r->a, r->user->email));
		tv_set(r->a, u, "name", tv_str_ref(r->a, *r->user->name ? r->user->name
									 : r->user->email));
		tv_set_bool(r->a, u, "is_admin", r->user->is_admin);
		add_sidebar(r, ctx, active_chat);
	}
	return ctx;
}

int page_render(struct req *r, int status, const char *page, struct tval *ctx)
{
	tv_set(r->a, ctx, "page", tv_str_ref(r->a, page));
	r->status = status;
	buf_clear(r->resp_body);
	if (tmpl_render(g.tmpl, "layout", ctx, r->resp_body)) {
		/* A template that cannot render is a bug, never the user's doing. */
		log_error("template %s failed to render", page);
		buf_clear(r->resp_body);
		buf_puts(r->resp_body, "<!DOCTYPE html><title>Error</title>"
				       "<p role=\"alert\">Something went wrong on our side.</p>");
		r->status = 500;
	}
	return r->status;
}

int page_error(struct req *r, int status, const char *message)
{
	struct tval *ctx = page_ctx(r, http_reason(status), NULL);
	tv_set_str(r->a, ctx, "message", message);
	tv_set_int(r->a, ctx, "status", status);
	return page_render(r, status, "error", ctx);
}
