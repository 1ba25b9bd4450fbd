/* dashboard_data.c — the numbers of one user's dashboard, from the rollups
 * (store_analytics.h), with days in the user's time zone. */
#include "dashboard.h"
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
	return arena_printf(a, "%s$%lld.%06lld", micro < 0 ? "-" : "",
			    (long long)(llabs(micro) / 1000000), (long long)(llabs(micro) % 1000000));
}

/* Local midnight of the first of this month in zone tz. */
static int64_t month_start(const char *tz, int64_t now)
{
	char mday[4];
	tz_format(tz, now, "%d", mday, sizeof mday);
	return tz_day_start(tz, now, atoi(mday) - 1);
}

/* Requests per day over the last DASH_DAYS days and today's and this
 * month's, from the quarter-hour buckets (days are unions of them). */
static void load_days(struct req *r, struct dash *d, int64_t now)
{
	const char *tz = r->user->timezone;
	int64_t first, mstart = month_start(tz, now), tomorrow = tz_day_start(tz, now, -1);
	struct dash_bucket *b;
	size_t n, day = 0;

	for (int i = 0; i < DASH_DAYS; i++) {
		struct dash_day *x = &d->days[i];
		x->start_ms = tz_day_start(tz, now, DASH_DAYS - 1 - i);
		tz_format(tz, x->start_ms, "%Y-%m-%d", x->date, sizeof x->date);
	}
	first = d->days[0].start_ms < mstart ? d->days[0].start_ms : mstart;
	n = dash_buckets(g.data_db, r->a, r->user->id, first, &b);
	for (size_t i = 0; i < n; i++) {
		int64_t t = b[i].start_ms;
		if (t >= tomorrow)
			continue;   /* a clock set back: not "today" */
		if (t >= mstart)
			d->month += b[i].requests;
		if (t >= d->days[DASH_DAYS - 1].start_ms)
			d->today += b[i].requests;
		if (t < d->days[0].start_ms)
			continue;
		while (day + 1 < DASH_DAYS && t >= d->days[day + 1].start_ms)
			day++;
		d->days[day].requests += b[i].requests;
		d->days[day].tokens += b[i].tokens;
		d->days[day].cost += b[i].cost;
	}
}

void dash_load(struct req *r, struct dash *d)
{
	struct dash_row *rows;
	memset(d, 0, sizeof *d);
	dash_read_begin(g.data_db);
	if (dash_rollup(g.data_db, r->a, r->user->id, DASH_TOTAL, &rows) == 1)
		d->total = rows[0];
	d->total.key = "";
	d->nmodels = dash_rollup(g.data_db, r->a, r->user->id, DASH_BY_MODEL, &d->models);
	d->ncats = dash_rollup(g.data_db, r->a, r->user->id, DASH_BY_CATEGORY, &d->cats);
	load_days(r, d, now_ms());
	dash_ratings(g.data_db, r->user->id, &d->rating_sum, &d->rating_n, &d->up, &d->down);
	d->nrecent = dash_recent(g.data_db, r->a, r->user->id, DASH_RECENT, &d->recent);
	dash_read_end(g.data_db);
}
