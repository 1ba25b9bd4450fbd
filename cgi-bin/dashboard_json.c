/* dashboard_json.c — GET /dashboard.json in the specification's shape (user,
 * metrics, limits, performance, recentRequests, requestsByCategory), plus
 * requestsByModel and requestsPerDay. Money is integer micro-dollars
 * (costUnit says so); a figure with nothing to average is null. */
#include "dashboard.h"
#include "esc.h"
#include "session.h"
#include "store_user.h"
#include "tz.h"

#include <string.h>

static void str(struct buf *b, const char *s)
{
	if (!s) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	esc_json(b, s, strlen(s));
	buf_putc(b, '"');
}

static void num_or_null(struct buf *b, int64_t v)
{
	if (v < 0)
		buf_puts(b, "null");
	else
		buf_printf(b, "%lld", (long long)v);
}

static void ratio(struct buf *b, double v, const char *fmt)
{
	if (v < 0)
		buf_puts(b, "null");
	else
		buf_printf(b, fmt, v);
}

static void recent_json(struct req *r, struct buf *b, const struct dash_request *q)
{
	char when[32];
	buf_puts(b, "{\"id\":");
	str(b, q->id);
	buf_puts(b, ",\"chatId\":");
	str(b, q->chat_id);
	buf_puts(b, ",\"messageId\":");
	str(b, q->message_id);
	buf_puts(b, ",\"type\":");
	str(b, q->type);
	buf_puts(b, ",\"requestType\":");
	str(b, q->request_type);
	buf_puts(b, ",\"category\":");
	str(b, q->category);
	buf_puts(b, ",\"complexity\":");
	str(b, q->complexity);
	buf_puts(b, ",\"model\":");
	str(b, q->model);
	buf_puts(b, ",\"status\":");
	str(b, q->status);
	buf_puts(b, ",\"error\":");
	str(b, q->error);
	buf_printf(b, ",\"tokensIn\":%lld,\"tokensOut\":%lld,\"cost\":%lld,\"durationMs\":",
		   (long long)q->tokens_in, (long long)q->tokens_out, (long long)q->cost);
	num_or_null(b, q->duration_ms);
	buf_puts(b, ",\"ttftMs\":");
	num_or_null(b, q->ttft_ms);
	buf_puts(b, ",\"userRating\":");
	num_or_null(b, q->rating ? q->rating : -1);
	buf_printf(b, ",\"vote\":%d,\"createdAt\":%lld,\"createdAtLocal\":", q->vote,
		   (long long)q->created_at);
	tz_format(r->user->timezone, q->created_at, "%Y-%m-%dT%H:%M:%S%z", when, sizeof when);
	str(b, when);
	buf_putc(b, '}');
}

void dash_json(struct req *r, const struct dash *d)
{
	struct buf *b = r->resp_body;
	const struct dash_row *t = &d->total;
	r->resp_type = "application/json";
	buf_puts(b, "{\"user\":{\"id\":");
	str(b, r->user->id);
	buf_puts(b, ",\"email\":");
	str(b, r->user->email);
	buf_puts(b, ",\"plan\":");
	str(b, d->limits.plan->name);
	buf_puts(b, ",\"timezone\":");
	str(b, r->user->timezone);
	buf_printf(b, ",\"requestsUsed\":%lld,\"requestsLimit\":", (long long)d->limits.u.month);
	num_or_null(b, d->limits.plan->requests_per_month);
	buf_puts(b, "},\"metrics\":{");
	buf_printf(b, "\"totalRequests\":%lld,\"totalTokensUsed\":%lld,\"tokensIn\":%lld,"
		   "\"tokensOut\":%lld,\"totalCost\":%lld,\"costUnit\":\"micro-USD\","
		   "\"titleRequests\":%lld,\"averageResponseTime\":",
		   (long long)t->requests, (long long)(t->tokens_in + t->tokens_out),
		   (long long)t->tokens_in, (long long)t->tokens_out, (long long)t->cost,
		   (long long)t->other);
	num_or_null(b, dash_avg_response(t));
	buf_puts(b, ",\"averageTimeToFirstToken\":");
	num_or_null(b, dash_avg_ttft(t));
	buf_printf(b, ",\"requestsThisMonth\":%lld,\"requestsToday\":%lld},", (long long)d->month,
		   (long long)d->today);
	buf_puts(b, "\"limits\":");
	dash_limits_json(b, &d->limits);
	buf_puts(b, ",\"performance\":{\"averageResponseTime\":");
	num_or_null(b, dash_avg_response(t));
	buf_puts(b, ",\"averageTimeToFirstToken\":");
	num_or_null(b, dash_avg_ttft(t));
	buf_puts(b, ",\"successRate\":");
	ratio(b, dash_success_rate(t), "%.4f");
	buf_puts(b, ",\"averageRating\":");
	ratio(b, d->rating_n ? (double)d->rating_sum / (double)d->rating_n : -1, "%.2f");
	buf_printf(b, ",\"ratings\":%lld,\"thumbsUp\":%lld,\"thumbsDown\":%lld,\"totalRequests\":%lld},",
		   (long long)d->rating_n, (long long)d->up, (long long)d->down,
		   (long long)t->requests);
	buf_puts(b, "\"recentRequests\":[");
	for (size_t i = 0; i < d->nrecent; i++) {
		if (i)
			buf_putc(b, ',');
		recent_json(r, b, &d->recent[i]);
	}
	buf_puts(b, "],\"requestsByCategory\":{");
	for (size_t i = 0; i < d->ncats; i++) {
		if (i)
			buf_putc(b, ',');
		str(b, d->cats[i].key);
		buf_printf(b, ":%lld", (long long)d->cats[i].requests);
	}
	buf_puts(b, "},\"requestsByModel\":{");
	for (size_t i = 0; i < d->nmodels; i++) {
		const struct dash_row *m = &d->models[i];
		if (i)
			buf_putc(b, ',');
		str(b, m->key);
		buf_printf(b, ":{\"requests\":%lld,\"tokensIn\":%lld,\"tokensOut\":%lld,\"cost\":%lld,"
			   "\"successRate\":", (long long)m->requests, (long long)m->tokens_in,
			   (long long)m->tokens_out, (long long)m->cost);
		ratio(b, dash_success_rate(m), "%.4f");
		buf_puts(b, ",\"averageResponseTime\":");
		num_or_null(b, dash_avg_response(m));
		buf_puts(b, ",\"averageTimeToFirstToken\":");
		num_or_null(b, dash_avg_ttft(m));
		buf_putc(b, '}');
	}
	buf_puts(b, "},\"requestsPerDay\":[");
	for (int i = 0; i < DASH_DAYS; i++)
		buf_printf(b, "%s{\"date\":\"%s\",\"requests\":%lld,\"tokens\":%lld,\"cost\":%lld}",
			   i ? "," : "", d->days[i].date, (long long)d->days[i].requests,
			   (long long)d->days[i].tokens, (long long)d->days[i].cost);
	buf_puts(b, "]}");
}
