/* plans.h — plans and their limits (docs/DATA-MODEL.md). The built-in free,
 * pro and enterprise always exist; a config section [plan.NAME] sets the
 * keys it names (requests_per_hour, requests_per_day, requests_per_month,
 * tokens_per_month, max_tokens_per_request, max_presets, max_components,
 * models, price_per_month, features, charge_credits) over the built-in of
 * that name, or makes a new plan (no limits unless it names them), and
 * `confab plan set` layers over both. enabled = false removes a plan.
 * [auth] default_plan names a new account's plan. A limit of -1 means none. */
#ifndef CONFAB_PLANS_H
#define CONFAB_PLANS_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"

struct plan_cfg {
	char *name;
	int64_t requests_per_hour, requests_per_day, requests_per_month;
	int64_t tokens_per_month, max_tokens_per_request;
	int64_t max_presets, max_components;
	int64_t price_per_month;   /* cents; 0: a free plan */
	char **models;             /* the model ids it may use; none: all */
	size_t nmodels;
	char *features;            /* comma-separated, shown on the plan page */
	int charge_credits;        /* each request's cost comes off the credits */
};

struct plans {
	struct plan_cfg *plans;
	size_t n;
	const struct plan_cfg *def; /* [auth] default_plan */
	char stamp[64];             /* plan_settings when last read */
	int64_t synced_at;
};

/* 0, or -1 with *err (malloc'd, naming the file and line) for a bad value. */
int plans_load(struct plans *p, const struct config *cfg, char **err);
struct db;
/* plans_load with `confab plan set`'s changes (data.db plan_settings) on
 * top of cfg's; cfg is as it was after. 0, or -1 with *err. */
int plans_load_db(struct plans *p, struct config *cfg, struct db *db, char **err);
/* The plans again from cfg with `confab plan set`'s changes (data.db
 * plan_settings) on top, when those changed; at most once a second.
 * A change that makes a plan unreadable is logged and left out. */
void plans_sync(struct plans *p, struct config *cfg, struct db *db, int64_t now);
/* The keys `confab plan set` takes (NULL-terminated). */
extern const char *const plan_keys[];
void plans_free(struct plans *p);
const struct plan_cfg *plan_find(const struct plans *p, const char *name);
/* The plan a user is on now: a paid plan past plan_expires_at (ms; 0 = no
 * expiry), or a plan the config no longer has, is the default plan. */
const struct plan_cfg *plan_effective(const struct plans *p, const char *plan,
				      int64_t expires_at, int64_t now);
/* 1 if the plan may use model_id. */
int plan_allows_model(const struct plan_cfg *pl, const char *model_id);

#endif
