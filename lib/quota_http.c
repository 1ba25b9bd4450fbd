/* quota_http.c — see quota_http.h. */
#include "quota_http.h"
#include "money.h"
#include "app.h"
#include "own_key.h"
#include "store_reply.h"
#include "tz.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

const struct plan_cfg *user_plan(struct req *r)
{
	return plan_effective(&g.plans, r->user->plan, r->user->plan_expires_at, now_ms());
}

struct quota *quota_for(struct req *r, const struct model_cfg *model)
{
	struct quota *q = arena_zalloc(r->a, sizeof *q);
	q->plan = user_plan(r);
	q->tz = r->user->timezone;
	q->model = model;
	q->data_dir = g.cfg.data_dir;
	/* A request on the user's own key costs the operator nothing. */
	q->charge_credits = q->plan->charge_credits && !model->demo &&
			    own_key_for(g.user_db, NULL, r->user->id, model->provider->name,
					NULL) == OWN_KEY_NONE;
	return q;
}

void quota_headers(struct req *r, const struct quota *q, int refused)
{
	int64_t now = now_ms(), wait = q->reset_at > now ? (q->reset_at - now + 999) / 1000 : 0;
	if (q->limit >= 0) {
		http_header(r, "X-RateLimit-Limit", arena_printf(r->a, "%lld", (long long)q->limit));
		http_header(r, "X-RateLimit-Remaining",
			    arena_printf(r->a, "%lld", (long long)(q->remaining > 0 ? q->remaining : 0)));
		http_header(r, "X-RateLimit-Reset",
			    arena_printf(r->a, "%lld", (long long)((q->reset_at + 999) / 1000)));
	}
	if (refused && q->reset_at > 0)
		http_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait));
}

const char *quota_refusal(struct req *r, const struct quota *q)
{
	char when[64];
	int64_t now = now_ms(), mins;
	const char *plan = q->plan->name;
	/* The hold is the request at its most: every token of the system
	 * prompt, the history and the files, and the whole max_tokens. */
	if (!strcmp(q->what, "credits"))
		return arena_printf(r->a, "You do not have enough credits for this request: at "
				    "most it can cost %s (%lld tokens with the chat's instructions, "
				    "history and files, and the reply), and you have %s. Add "
				    "credits, start a new chat, or use a model of your own key. "
				    "Your message is kept below.", money_format(r->a, q->hold_cost, MONEY_EXACT),
				    (long long)q->hold_tokens, money_format(r->a, q->left, MONEY_EXACT));
	tz_format(r->user->timezone, q->reset_at, "%Y-%m-%d %H:%M", when, sizeof when);
	mins = (q->reset_at - now + 59999) / 60000;
	if (!strcmp(q->what, "tokens per month"))
		return arena_printf(r->a, "This request needs up to %lld tokens (the chat's "
				    "instructions, history and files, and the reply), and %lld are "
				    "left of your plan's limit of %lld tokens per month (plan: %s). "
				    "It frees up at %s (in %lld minute%s); a new chat needs fewer. "
				    "Your message is kept below.", (long long)q->hold_tokens,
				    (long long)q->left, (long long)q->refused_limit, plan, when,
				    (long long)(mins > 0 ? mins : 1), mins == 1 ? "" : "s");
	return arena_printf(r->a, "You have reached your plan's limit of %lld %s (plan: %s). "
			    "It frees up at %s (in %lld minute%s). Your message is kept below.",
			    (long long)q->refused_limit, q->what, plan, when,
			    (long long)(mins > 0 ? mins : 1), mins == 1 ? "" : "s");
}

void quota_log_throttled(struct req *r, const struct model_cfg *model, const struct quota *q)
{
	struct origin o = { .ip = r->remote_addr, .user_agent = r->user_agent };
	usage_log_add(g.data_db, r->user->id, NULL, NULL, "chat", model->provider->name,
		      model->id, 0, 0, 0, "throttled", 0,
		      arena_printf(r->a, "limit: %s", q->what), &o, now_ms());
}
