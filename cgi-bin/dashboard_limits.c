/* dashboard_limits.c — the plan part of the dashboard: requests this hour,
 * today and this month, and tokens this month, against the user's plan
 * (lib/plans.h, counted by lib/store_quota.h exactly as a send is
 * checked), and whether a request may be made now. */
#include "dashboard.h"
#include "esc.h"
#include "quota_http.h"
#include "store_credits.h"
#include "store_user.h"
#include "util.h"

#include <string.h>

void dash_limits_get(struct req *r, struct dash_limits *l)
{
	const struct plan_cfg *p = user_plan(r);
	l->plan = p;
	quota_usage(g.data_db, r->user->id, r->user->timezone, now_ms(), &l->u);
	l->balance = p->charge_credits ? credits_balance(g.data_db, r->user->id) : -1;
	l->can = (p->requests_per_hour < 0 || l->u.hour < p->requests_per_hour) &&
		 (p->requests_per_day < 0 || l->u.today < p->requests_per_day) &&
		 (p->requests_per_month < 0 || l->u.month < p->requests_per_month) &&
		 (p->tokens_per_month < 0 || l->u.tokens_month < p->tokens_per_month) &&
		 (!p->charge_credits || l->balance > 0);
}

/* A limit, or null for none. */
static void limit_json(struct buf *b, int64_t v)
{
	if (v < 0)
		buf_puts(b, "null");
	else
		buf_printf(b, "%lld", (long long)v);
}

void dash_limits_json(struct buf *b, const struct dash_limits *l)
{
	buf_puts(b, "{\"planName\":\"");
	esc_json(b, l->plan->name, strlen(l->plan->name));
	buf_printf(b, "\",\"monthlyUsed\":%lld,\"monthlyLimit\":", (long long)l->u.month);
	limit_json(b, l->plan->requests_per_month);
	buf_printf(b, ",\"dailyUsed\":%lld,\"dailyLimit\":", (long long)l->u.today);
	limit_json(b, l->plan->requests_per_day);
	buf_printf(b, ",\"hourlyUsed\":%lld,\"hourlyLimit\":", (long long)l->u.hour);
	limit_json(b, l->plan->requests_per_hour);
	buf_printf(b, ",\"tokensThisMonth\":%lld,\"tokensLimit\":", (long long)l->u.tokens_month);
	limit_json(b, l->plan->tokens_per_month);
	buf_printf(b, ",\"canMakeRequest\":%s}", l->can ? "true" : "false");
}

/* One line of the plan table; limit -1: none. */
static void limit_row(struct req *r, struct tval *list, const char *what, int64_t used,
		      int64_t limit)
{
	struct tval *x = tv_push(r->a, list, tv_map(r->a));
	tv_set(r->a, x, "what", tv_str_ref(r->a, what));
	tv_set_int(r->a, x, "used", used);
	if (limit >= 0) {
		tv_set_bool(r->a, x, "has_limit", 1);
		tv_set_int(r->a, x, "limit", limit);
		tv_set_int(r->a, x, "left", limit > used ? limit - used : 0);
	}
}

void dash_limits_ctx(struct req *r, struct tval *ctx, const struct dash_limits *l)
{
	struct tval *x = tv_set(r->a, ctx, "limits", tv_map(r->a));
	struct tval *rows = tv_set(r->a, x, "rows", tv_list(r->a));
	tv_set(r->a, x, "plan", tv_str_ref(r->a, l->plan->name));
	tv_set_bool(r->a, x, "can", l->can);
	limit_row(r, rows, "Requests this hour", l->u.hour, l->plan->requests_per_hour);
	limit_row(r, rows, "Requests today", l->u.today, l->plan->requests_per_day);
	limit_row(r, rows, "Requests this month", l->u.month, l->plan->requests_per_month);
	limit_row(r, rows, "Tokens this month", l->u.tokens_month, l->plan->tokens_per_month);
	if (l->balance >= 0)
		tv_set(r->a, x, "credits", tv_str_ref(r->a, dash_money(r->a, l->balance)));
}
