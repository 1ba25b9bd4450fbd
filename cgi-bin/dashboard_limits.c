/* dashboard_limits.c — the plan part of the dashboard: requests this month
 * and today against the plan's limits. The limits themselves belong to the
 * plans module (issue 5); until it is in this tree the dashboard shows the
 * plan's name and the usage, and says the limits are not known. */
#include "dashboard.h"
#include "esc.h"
#include "store_user.h"

#include <string.h>

void dash_limits_json(struct req *r, struct buf *b, const struct dash *d)
{
	buf_puts(b, "{\"planName\":\"");
	esc_json(b, r->user->plan, strlen(r->user->plan));
	buf_printf(b, "\",\"monthlyUsed\":%lld,\"monthlyLimit\":null,\"dailyUsed\":%lld,"
		   "\"dailyLimit\":null,\"canMakeRequest\":null}", (long long)d->month,
		   (long long)d->today);
}

void dash_limits_ctx(struct req *r, struct tval *ctx, const struct dash *d)
{
	struct tval *l = tv_set(r->a, ctx, "limits", tv_map(r->a));
	tv_set(r->a, l, "plan", tv_str_ref(r->a, r->user->plan));
	tv_set_int(r->a, l, "month", d->month);
	tv_set_int(r->a, l, "today", d->today);
}
