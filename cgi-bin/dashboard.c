/* dashboard — what a user has asked, spent and thought of the answers
 * (README "Dashboard"): GET /dashboard (page, SVG charts drawn here), GET
 * /dashboard.json, POST /ratings (rate a reply: the chat page's thumbs),
 * GET /ratings?m=ID (its stars), and
 * GET /dashboard/admin (administrators: totals per user and per model). */
#include "dashboard.h"
#include "classify.h"
#include "markdown_text.h"
#include "page.h"
#include "store_chat.h"
#include "tz.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static const char *const vote_choices[] = { "1", "-1", NULL };
static const struct field rating_fields[] = {
	{ "m", V_UUID, 0, 0, 0, NULL, "Reply" },
	{ "up", V_UUID, 0, 0, 0, NULL, "Reply" },   /* the chat page's thumbs: up=ID */
	{ "down", V_UUID, 0, 0, 0, NULL, "Reply" },
	{ "rating", V_INT, 0, 1, 5, NULL, "Rating" },
	{ "vote", V_ENUM, 0, 0, 0, vote_choices, "Vote" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

static const struct field rating_page_fields[] = {
	{ "m", V_UUID, 1, 0, 0, NULL, "Reply" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

/* The figures every summary shows, for a total or one line. */
static void add_summary(struct req *r, struct tval *x, const struct dash_row *t)
{
	double rate = dash_success_rate(t);
	int64_t avg = dash_avg_response(t), ttft = dash_avg_ttft(t);
	tv_set_int(r->a, x, "requests", t->requests);
	tv_set_int(r->a, x, "tokens", t->tokens_in + t->tokens_out);
	tv_set_int(r->a, x, "tokens_in", t->tokens_in);
	tv_set_int(r->a, x, "tokens_out", t->tokens_out);
	tv_set_int(r->a, x, "titles", t->other);
	tv_set(r->a, x, "cost", tv_str_ref(r->a, dash_money(r->a, t->cost)));
	tv_set(r->a, x, "avg_ms", avg >= 0 ? tv_int(r->a, avg) : tv_str_ref(r->a, "–"));
	tv_set(r->a, x, "ttft_ms", ttft >= 0 ? tv_int(r->a, ttft) : tv_str_ref(r->a, "–"));
	tv_set(r->a, x, "success", tv_str_ref(r->a, rate >= 0 ? arena_printf(r->a, "%.1f%%", rate * 100)
								  : "–"));
}

/* A bar chart with its ids and caption (templates/_bars.html). */
static struct tval *bars(struct req *r, const struct dash_row *rows, size_t n, int by_category,
			 const char *cid, const char *caption)
{
	struct tval *c = dash_chart_bars(r, rows, n, by_category);
	tv_set(r->a, c, "cid", tv_str_ref(r->a, cid));
	tv_set(r->a, c, "caption", tv_str_ref(r->a, caption));
	return c;
}

static const char *status_word(const char *s)
{
	if (!strcmp(s, "success"))
		return "Success";
	if (!strcmp(s, "cached"))
		return "Cached";
	if (!strcmp(s, "error"))
		return "Error";
	if (!strcmp(s, "throttled"))
		return "Throttled";
	return s;
}

static void add_recent(struct req *r, struct tval *ctx, const struct dash *d)
{
	struct tval *list = tv_set(r->a, ctx, "recent", tv_list(r->a));
	tv_set_bool(r->a, ctx, "has_recent", d->nrecent > 0);
	for (size_t i = 0; i < d->nrecent; i++) {
		const struct dash_request *q = &d->recent[i];
		const struct model_cfg *m = models_find(&g.models, q->model);
		struct tval *x = tv_push(r->a, list, tv_map(r->a));
		char when[32];
		tz_format(r->user->timezone, q->created_at, "%Y-%m-%d %H:%M", when, sizeof when);
		tv_set_str(r->a, x, "when", when);
		tv_set(r->a, x, "model", tv_str_ref(r->a, m ? m->name : q->model));
		tv_set(r->a, x, "type", tv_str_ref(r->a, !strcmp(q->type, "chat") ? "Reply"
						       : !strcmp(q->type, "title") ? "Title" : q->type));
		tv_set(r->a, x, "request_type", tv_str_ref(r->a, classify_label(q->request_type)));
		tv_set(r->a, x, "category", tv_str_ref(r->a, classify_label(q->category)));
		tv_set(r->a, x, "complexity", tv_str_ref(r->a, classify_label(q->complexity)));
		tv_set(r->a, x, "status", tv_str_ref(r->a, status_word(q->status)));
		tv_set(r->a, x, "status_class", tv_str_ref(r->a, q->status));
		tv_set_int(r->a, x, "tokens", q->tokens_in + q->tokens_out);
		tv_set(r->a, x, "cost", tv_str_ref(r->a, dash_money(r->a, q->cost)));
		if (q->duration_ms >= 0)
			tv_set_int(r->a, x, "duration", q->duration_ms);
		if (q->rating)
			tv_set_int(r->a, x, "rating", q->rating);
		if (q->vote)
			tv_set(r->a, x, "vote", tv_str_ref(r->a, q->vote > 0 ? "good" : "bad"));
		/* ?at=: the chat page's window holding the message, however
		 * long the chat (a bare #m- would open the newest window). */
		if (q->chat_id && q->message_id)
			tv_set(r->a, x, "href", tv_str_ref(r->a, arena_printf(r->a, "/chat/%s?at=%s",
									     q->chat_id, q->message_id)));
	}
}

static int dashboard_page(struct req *r)
{
	struct dash d;
	struct tval *ctx = page_ctx(r, "Dashboard", NULL), *tot;
	dash_load(r, &d);
	tot = tv_set(r->a, ctx, "total", tv_map(r->a));
	add_summary(r, tot, &d.total);
	tv_set_int(r->a, ctx, "today", d.today);
	tv_set_int(r->a, ctx, "month", d.month);
	if (d.rating_n)
		tv_set(r->a, ctx, "avg_rating", tv_str_ref(r->a, arena_printf(r->a, "%.2f",
				(double)d.rating_sum / (double)d.rating_n)));
	tv_set_int(r->a, ctx, "ratings", d.rating_n);
	tv_set_int(r->a, ctx, "up", d.up);
	tv_set_int(r->a, ctx, "down", d.down);
	dash_limits_ctx(r, ctx, &d.limits);
	dash_chart_days(r, ctx, &d);
	tv_set(r->a, ctx, "by_model", bars(r, d.models, d.nmodels, 0, "models",
					     "Requests by model"));
	tv_set(r->a, ctx, "by_category", bars(r, d.cats, d.ncats, 1, "cats",
						"Requests by category"));
	add_recent(r, ctx, &d);
	tv_set_str(r->a, ctx, "timezone", r->user->timezone);
	return page_render(r, 200, "dashboard", ctx);
}

static int dashboard_json(struct req *r)
{
	struct dash d;
	dash_load(r, &d);
	dash_json(r, &d);
	return 200;
}

/* GET /dashboard/admin: every user's and every model's totals. Anyone
 * else is told there is no such page. */
static int admin_page(struct req *r)
{
	struct dash_row *rows, *total;
	struct tval *ctx, *users;
	size_t n;
	if (!r->user->is_admin)
		return page_error(r, 404, "There is no page at this address.");
	ctx = page_ctx(r, "Dashboard: whole instance", NULL);
	store_analytics_dash_read_begin(g.data_db);
	if (store_analytics_dash_rollup_all(g.data_db, r->a, DASH_TOTAL, &total) == 1)
		add_summary(r, tv_set(r->a, ctx, "total", tv_map(r->a)), total);
	n = store_analytics_dash_rollup_all(g.data_db, r->a, DASH_BY_MODEL, &rows);
	tv_set(r->a, ctx, "by_model", bars(r, rows, n, 0, "models", "Requests by model, all accounts"));
	n = store_analytics_dash_rollup_by_user(g.data_db, r->a, &rows);
	store_analytics_dash_read_end(g.data_db);
	users = tv_set(r->a, ctx, "users", tv_list(r->a));
	tv_set_bool(r->a, ctx, "has_users", n > 0);
	for (size_t i = 0; i < n; i++) {
		struct tval *x = tv_push(r->a, users, tv_map(r->a));
		const char *email = store_analytics_dash_user_email(g.user_db, r->a, rows[i].key);
		tv_set(r->a, x, "email", tv_str_ref(r->a, email ? email : "(deleted account)"));
		tv_set(r->a, x, "id", tv_str_ref(r->a, rows[i].key));
		add_summary(r, x, &rows[i]);
	}
	return page_render(r, 200, "dashboard_admin", ctx);
}

/* POST /ratings: m, and rating (1..5) and/or vote (1, -1); or up=ID or
 * down=ID (the chat page's thumbs, buttons of one form). Back to the reply
 * on its chat page, or to the rating page it came from. */
static int rating_post(struct req *r)
{
	const char *m = http_form(r, "m"), *rating = http_form(r, "rating");
	const char *vote = http_form(r, "vote"), *up = http_form(r, "up"), *down = http_form(r, "down");
	int64_t stars = 0;
	int thumbs = 0;
	char chat_id[UUID_BUF];
	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (up && *up)
		m = up, thumbs = 1;
	else if (down && *down)
		m = down, thumbs = -1;
	else if (vote && *vote)
		thumbs = vote[0] == '-' ? -1 : 1;
	if (!m || !*m)
		return page_error(r, 400, "Say which reply to rate.");
	if (rating && *rating)
		parse_int64(rating, &stars);
	if (!stars && !thumbs)
		return page_error(r, 400, "Choose a rating from 1 to 5, or thumbs up or down.");
	switch (rating_set(g.data_db, r->user->id, m, (int)stars, thumbs, chat_id)) {
	case STORE_OK:
		if (stars)
			return http_redirect(r, arena_printf(r->a, "/ratings?m=%s", m));
		return http_redirect(r, arena_printf(r->a, "/chat/%s?at=%s", chat_id, m));
	case STORE_NOT_FOUND:
		return page_error(r, 404, "There is no such reply.");
	default:
		return page_error(r, 503, "The server is busy; your rating was not saved. Try again.");
	}
}

/* GET /ratings?m=ID: the stars for one reply (kept off the chat page,
 * where every reply carries only its thumbs). */
static int rating_page(struct req *r)
{
	struct rated_reply rr;
	struct tval *ctx, *stars;
	const char *m = http_query(r, "m");
	struct buf excerpt = BUF_INIT;

	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (rating_get(g.data_db, r->a, r->user->id, m, &rr) != STORE_OK)
		return page_error(r, 404, "There is no such reply.");
	ctx = page_ctx(r, "Rate this reply", rr.chat_id);
	tv_set_str(r->a, ctx, "id", m);
	tv_set_str(r->a, ctx, "chat_id", rr.chat_id);
	tv_set(r->a, ctx, "chat_title", tv_str_ref(r->a, *rr.chat_title ? rr.chat_title : "Untitled chat"));
	/* The reply's words, as a quote: its markdown rendered is on the
	 * chat's page, a link away. */
	markdown_text(rr.content, strlen(rr.content), 400, &excerpt);
	tv_set(r->a, ctx, "excerpt", tv_str_ref(r->a, arena_strdup(r->a, buf_str(&excerpt))));
	buf_free(&excerpt);
	if (rr.rating)
		tv_set_int(r->a, ctx, "rating", rr.rating);
	/* Without the script this page is how replies are rated: it walks
	 * the chat's replies from the newest (the chat's Rate replies link). */
	for (int later = 0; later <= 1; later++) {
		char id[UUID_BUF];
		if (store_chat_reply_beside(g.data_db, m, later, id) == STORE_OK)
			tv_set_str(r->a, ctx, later ? "later" : "earlier", id);
	}
	tv_set_bool(r->a, ctx, "up", rr.vote == 1);
	tv_set_bool(r->a, ctx, "down", rr.vote == -1);
	stars = tv_set(r->a, ctx, "stars", tv_list(r->a));
	for (int i = 1; i <= 5; i++) {
		struct tval *s = tv_push(r->a, stars, tv_map(r->a));
		tv_set_int(r->a, s, "n", i);
		tv_set_bool(r->a, s, "on", rr.rating == i);
	}
	return page_render(r, 200, "rating", ctx);
}

static const struct route routes[] = {
	{ "GET", "/dashboard", dashboard_page, ROUTE_LOGIN, NULL },
	{ "GET", "/dashboard.json", dashboard_json, ROUTE_LOGIN, NULL },
	{ "GET", "/dashboard/admin", admin_page, ROUTE_LOGIN, NULL },
	{ "GET", "/ratings", rating_page, ROUTE_LOGIN, rating_page_fields },
	{ "POST", "/ratings", rating_post, ROUTE_LOGIN, rating_fields },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "dashboard", routes, COUNTOF(routes));
}
