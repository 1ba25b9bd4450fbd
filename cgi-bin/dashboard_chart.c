/* dashboard_chart.c — SVG charts drawn on the server: plain numbers for
 * the template (templates/_bars.html, dashboard.html), no script. Bars take
 * currentColor and the CSS variables of static/confab.css, so dark mode
 * follows the page. */
#include "dashboard.h"
#include "classify.h"

#define DAY_W 20        /* one day's slot in the 600-wide chart */
#define DAY_H 140       /* the tallest bar */
#define BAR_LABEL_W 180 /* the left column of a bar chart */
#define BAR_MAX_W 300
#define BAR_ROW_H 24

void dash_chart_days(struct req *r, struct tval *ctx, const struct dash *d)
{
	struct tval *days = tv_set(r->a, ctx, "days", tv_list(r->a));
	int64_t max = 0, total = 0;
	for (int i = 0; i < DASH_DAYS; i++) {
		if (d->days[i].requests > max)
			max = d->days[i].requests;
		total += d->days[i].requests;
	}
	for (int i = 0; i < DASH_DAYS; i++) {
		struct tval *x = tv_push(r->a, days, tv_map(r->a));
		int64_t h = max ? (d->days[i].requests * DAY_H + max - 1) / max : 0;
		tv_set_str(r->a, x, "date", d->days[i].date);
		tv_set_int(r->a, x, "requests", d->days[i].requests);
		tv_set_int(r->a, x, "tokens", d->days[i].tokens);
		tv_set(r->a, x, "cost", tv_str_ref(r->a, dash_money(r->a, d->days[i].cost)));
		tv_set_int(r->a, x, "x", i * DAY_W + 2);
		tv_set_int(r->a, x, "y", 150 - h);
		tv_set_int(r->a, x, "h", h);
		/* A label under the first, every seventh and the last day, but
		 * none so near the last that the two would overlap. */
		if ((i % 7 == 0 && DASH_DAYS - 1 - i >= 4) || i == DASH_DAYS - 1) {
			tv_set_bool(r->a, x, "tick", 1);
			tv_set_str(r->a, x, "short", d->days[i].date + 5);
			/* The first and the last end at the chart's edges, not past them. */
			tv_set_int(r->a, x, "tx", i == 0 ? 0 : i == DASH_DAYS - 1 ? DASH_DAYS * DAY_W
							: i * DAY_W + DAY_W / 2);
			tv_set(r->a, x, "anchor", tv_str_ref(r->a, i == 0 ? "start" : i == DASH_DAYS - 1
								       ? "end" : "middle"));
		}
	}
	tv_set_int(r->a, ctx, "days_max", max);
	tv_set_int(r->a, ctx, "days_total", total);
	tv_set_str(r->a, ctx, "days_from", d->days[0].date);
	tv_set_str(r->a, ctx, "days_to", d->days[DASH_DAYS - 1].date);
}

/* A bar's label, cut to what fits left of the bars (BAR_LABEL_W at 12px:
 * 26 characters); the bar's <title> and the table keep the whole name. */
static const char *bar_label(struct arena *a, const char *label)
{
	size_t n = 0, chars = 0;
	while (label[n] && chars < 26)
		if (((unsigned char)label[n++] & 0xC0) != 0x80)
			chars++;
	while (label[n] && ((unsigned char)label[n] & 0xC0) == 0x80)
		n++;
	return label[n] ? arena_printf(a, "%.*s…", (int)n, label) : label;
}

struct tval *dash_chart_bars(struct req *r, const struct dash_row *rows, size_t n,
			     int by_category)
{
	struct tval *c = tv_map(r->a), *list = tv_set(r->a, c, "bars", tv_list(r->a));
	int64_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].requests > max)
			max = rows[i].requests;
	for (size_t i = 0; i < n; i++) {
		struct tval *x = tv_push(r->a, list, tv_map(r->a));
		const char *label = by_category ? classify_label(rows[i].key) : rows[i].key;
		const struct model_cfg *m = by_category ? NULL : models_find(&g.models, rows[i].key);
		int64_t w = max ? (rows[i].requests * BAR_MAX_W + max - 1) / max : 0;
		double rate = dash_success_rate(&rows[i]);
		int64_t avg = dash_avg_response(&rows[i]), ttft = dash_avg_ttft(&rows[i]);
		tv_set(r->a, x, "key", tv_str_ref(r->a, rows[i].key));
		tv_set(r->a, x, "label", tv_str_ref(r->a, m ? m->name : label));
		tv_set(r->a, x, "short", tv_str_ref(r->a, bar_label(r->a, m ? m->name : label)));
		tv_set_int(r->a, x, "requests", rows[i].requests);
		tv_set_int(r->a, x, "tokens_in", rows[i].tokens_in);
		tv_set_int(r->a, x, "tokens_out", rows[i].tokens_out);
		tv_set(r->a, x, "cost", tv_str_ref(r->a, dash_money(r->a, rows[i].cost)));
		if (rate >= 0)
			tv_set(r->a, x, "success", tv_str_ref(r->a, arena_printf(r->a, "%.1f%%",
										 rate * 100)));
		if (avg >= 0)
			tv_set_int(r->a, x, "avg_ms", avg);
		if (ttft >= 0)
			tv_set_int(r->a, x, "ttft_ms", ttft);
		tv_set_int(r->a, x, "y", (int64_t)i * BAR_ROW_H);
		tv_set_int(r->a, x, "ty", (int64_t)i * BAR_ROW_H + 16);
		tv_set_int(r->a, x, "w", w);
		tv_set_int(r->a, x, "vx", BAR_LABEL_W + w + 6);
	}
	tv_set_int(r->a, c, "height", (int64_t)(n ? n : 1) * BAR_ROW_H);
	tv_set_int(r->a, c, "count", (int64_t)n);
	return c;
}
