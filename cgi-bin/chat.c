/* chat — one conversation: its messages in order. Sending, polling and
 * stopping arrive with the worker. */
#include "app.h"
#include "page.h"
#include "store_chat.h"
#include "tz.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* The text as a list of lines ({t, last}): a line break becomes <br> in the
 * template, so text browsers, which ignore white-space: pre-wrap, keep it. */
static struct tval *text_lines(struct req *r, const char *text)
{
	struct tval *list = tv_list(r->a);
	for (;;) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		struct tval *line = tv_push(r->a, list, tv_map(r->a));
		if (n && text[n - 1] == '\r')
			n--;
		tv_set(r->a, line, "t", tv_str_ref(r->a, arena_strndup(r->a, text, n)));
		tv_set_bool(r->a, line, "last", nl == NULL);
		if (!nl)
			return list;
		text = nl + 1;
	}
}

/* Words for a state the reader should notice; NULL for done. */
static const char *status_label(const char *status)
{
	if (strcmp(status, "queued") == 0)
		return "Queued";
	if (strcmp(status, "running") == 0)
		return "Writing…";
	if (strcmp(status, "failed") == 0)
		return "Failed";
	if (strcmp(status, "stopped") == 0)
		return "Stopped";
	return NULL;
}

static int chat_get_page(struct req *r)
{
	const char *id = r->params[0];
	struct chat c;
	struct message *m;
	struct tval *ctx, *list;
	size_t n;

	/* Not a UUID, or not this user's: the same 404, revealing nothing. */
	if (!uuid_valid(id) || chat_get(g.data_db, r->a, r->user->id, id, &c) != STORE_OK)
		return page_error(r, 404, "There is no such chat.");
	m = message_list(g.data_db, r->a, c.id, &n);
	ctx = page_ctx(r, *c.title ? c.title : "New chat", c.id);
	tv_set_str(r->a, ctx, "chat_id", c.id);
	tv_set(r->a, ctx, "chat_title", tv_str_ref(r->a, *c.title ? c.title : "New chat"));
	tv_set_bool(r->a, ctx, "pinned", c.pinned);
	tv_set_bool(r->a, ctx, "empty", n == 0);
	list = tv_set(r->a, ctx, "messages", tv_list(r->a));
	for (size_t i = 0; i < n; i++) {
		struct tval *x = tv_push(r->a, list, tv_map(r->a));
		char when[32];
		tv_set_str(r->a, x, "id", m[i].id);
		tv_set(r->a, x, "role", tv_str_ref(r->a, m[i].role));
		tv_set(r->a, x, "status", tv_str_ref(r->a, m[i].status));
		tv_set_bool(r->a, x, "is_user", strcmp(m[i].role, "user") == 0);
		if (m[i].html)
			tv_set(r->a, x, "html", tv_str_ref(r->a, m[i].html));
		else
			tv_set(r->a, x, "lines", text_lines(r, m[i].content));
		if (status_label(m[i].status))
			tv_set(r->a, x, "status_label", tv_str_ref(r->a, status_label(m[i].status)));
		if (*m[i].model)
			tv_set(r->a, x, "model", tv_str_ref(r->a, m[i].model));
		if (m[i].error)
			tv_set(r->a, x, "error", tv_str_ref(r->a, m[i].error));
		tz_format(r->user->timezone, m[i].created_at, "%Y-%m-%d %H:%M", when, sizeof when);
		tv_set_str(r->a, x, "when", when);
	}
	return page_render(r, 200, "chat", ctx);
}

static const struct route routes[] = {
	{ "GET", "/chat/:id", chat_get_page, ROUTE_LOGIN, NULL },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "chat", routes, COUNTOF(routes));
}
