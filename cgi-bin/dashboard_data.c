/* dashboard_data.c — the numbers of one user's dashboard, from the rollups
 * (store_analytics.h), with days in the user's time zone. */
#include "dashboard.h"
#include "money.h"
#include "tz.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t dash_avg_response(const struct dash_row *x)
{
	return x->dur_n ? (x->dur_sum + x->dur_n / 2) / x->dur_n : -1;
}

int64_t dash_avg_ttft(const struct dash_row *x)
{
	return x->ttft_n ? (x->ttft_sum + x->ttft_n / 2) / x->ttft_n : -1;
}

double dash_success_rate(const struct dash_row *x)
{
	return x->requests ? (double)x->ok / (double)x->requests : -1;
}

const char *dash_money(struct arena *a, int64_t micro)
{
	return money_format(a, micro, MONEY_EXACT);
}

/* Requests per day over the last DASH_DAYS days, today's and this
 * month's, from the running totals at each local midnight (days differ in
 * length across a DST change). One day more than shown is read, so that
 * the month (which starts at most 30 days before today) is always inside. */
static void load_days(struct req *r, struct dash *d, int64_t now)
{
	const char *tz = r->user->timezone;
	enum { N = DASH_DAYS + 1 };
	int64_t start[N + 1], mstart = tz_month_start(tz, now, 0);
	struct dash_bucket cum[N + 1];

	for (int i = 0; i <= N; i++) {
		start[i] = tz_day_start(tz, now, N - 1 - i);   /* start[N]: tomorrow */
		store_analytics_dash_totals_before(g.data_db, r->user->id, start[i], &cum[i]);
	}
	for (int i = N - 1; i >= 0 && start[i] >= mstart; i--)
		d->month = cum[N].requests - cum[i].requests;
	d->today = cum[N].requests - cum[N - 1].requests;
	for (int i = 0; i < DASH_DAYS; i++) {
		struct dash_day *x = &d->days[i];
		x->start_ms = start[i + 1];
		tz_format(tz, x->start_ms, "%Y-%m-%d", x->date, sizeof x->date);
		x->requests = cum[i + 2].requests - cum[i + 1].requests;
		x->tokens = cum[i + 2].tokens - cum[i + 1].tokens;
		x->cost = cum[i + 2].cost - cum[i + 1].cost;
	}
}

void dash_load(struct req *r, struct dash *d)
{
	struct dash_rollups u;
	memset(d, 0, sizeof *d);
	store_analytics_dash_read_begin(g.data_db);
	store_analytics_dash_rollup_user(g.data_db, r->a, r->user->id, &u);
	d->total = u.total;
	d->models = u.models;
	d->nmodels = u.nmodels;
	d->cats = u.cats;
	d->ncats = u.ncats;
	load_days(r, d, now_ms());
	store_analytics_dash_ratings(g.data_db, r->user->id, &d->rating_sum, &d->rating_n, &d->up, &d->down);
	d->nrecent = store_analytics_dash_recent(g.data_db, r->a, r->user->id, DASH_RECENT, &d->recent);
	dash_limits_get(r, &d->limits);
	store_analytics_dash_read_end(g.data_db);
}
