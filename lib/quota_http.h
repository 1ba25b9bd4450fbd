/* quota_http.h — the plan's limits as the pages apply them: the quota a
 * send carries into its transaction, the X-RateLimit-* headers, the
 * sentence a refused user reads, and the `throttled` usage row. */
#ifndef CONFAB_QUOTA_HTTP_H
#define CONFAB_QUOTA_HTTP_H

#include "models.h"
#include "store_quota.h"

struct req;

/* The signed-in user's plan now. */
const struct plan_cfg *user_plan(struct req *r);
/* A quota for a request from r's user to model (arena). */
struct quota *quota_for(struct req *r, const struct model_cfg *model);
/* X-RateLimit-Limit/-Remaining/-Reset (and Retry-After when refused). */
void quota_headers(struct req *r, const struct quota *q, int refused);
/* What a refused user reads: which limit, and when it frees up (arena). */
const char *quota_refusal(struct req *r, const struct quota *q);
/* The refused attempt, in the usage log as `throttled`. */
void quota_log_throttled(struct req *r, const struct model_cfg *model,
			 const struct quota *q);

#endif
