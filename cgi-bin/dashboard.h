/* dashboard.h — the dashboard executable's parts: the numbers of one user
 * (dashboard_data.c), drawn as SVG (dashboard_chart.c) and written as JSON
 * (dashboard_json.c); cgi-bin/dashboard.c has the routes. */
#ifndef CONFAB_DASHBOARD_H
#define CONFAB_DASHBOARD_H

#include "app.h"
#include "store_analytics.h"
#include "store_quota.h"

#define DASH_DAYS 30
#define DASH_RECENT 25

struct dash_day {
	char date[11];                /* YYYY-MM-DD in the user's zone */
	int64_t start_ms, requests, tokens, cost;
};

/* The user's plan and what it has left now (dashboard_limits.c). */
struct dash_limits {
	const struct plan_cfg *plan;
	struct quota_usage u;
	int64_t balance;              /* credits, when the plan charges them; else -1 */
	int can;                      /* another request may be sent now */
};
void dash_limits_get(struct req *r, struct dash_limits *l);
/* As JSON (the specification's "limits") and as template values ("limits"). */
void dash_limits_json(struct buf *b, const struct dash_limits *l);
void dash_limits_ctx(struct req *r, struct tval *ctx, const struct dash_limits *l);

/* Everything the page and the JSON show, read in one read transaction. */
struct dash {
	struct dash_row total;
	struct dash_row *models, *cats;
	size_t nmodels, ncats;
	struct dash_day days[DASH_DAYS];  /* oldest first; the last is today */
	int64_t today, month;             /* requests since local midnight, the 1st */
	int64_t rating_sum, rating_n, up, down;
	struct dash_request *recent;
	size_t nrecent;
	struct dash_limits limits;
};

void dash_load(struct req *r, struct dash *d);

/* Derived figures; -1 when there is nothing to average. */
int64_t dash_avg_response(const struct dash_row *x);  /* ms, rounded */
int64_t dash_avg_ttft(const struct dash_row *x);      /* ms, rounded */
double dash_success_rate(const struct dash_row *x);   /* 0..1 */
/* "$1.234567" from micro-dollars (arena). */
const char *dash_money(struct arena *a, int64_t micro);

/* Template values for the charts: "days" (requests per day), "model_bars"
 * and "category_bars", each with its SVG geometry. */
void dash_chart_days(struct req *r, struct tval *ctx, const struct dash *d);
struct tval *dash_chart_bars(struct req *r, const struct dash_row *rows, size_t n,
			     int by_category);


/* GET /dashboard.json: the specification's shape, into r->resp_body. */
void dash_json(struct req *r, const struct dash *d);

#endif
