/* plans.c — see plans.h. */
#include "plans.h"
#include "db.h"
#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The specification's figures: requests per hour 20 / 200 / 1,000, tokens a month
 * 50k / 500k / 2M, free presets 5 and components 20; the rest chosen to
 * keep the same proportions. */
static const struct plan_cfg builtin[] = {
	{ (char *)"free", 20, 100, 1500, 50000, 4096, 5, 20, 0, NULL, 0,
	  (char *)"All active models, 20 requests an hour, 50,000 tokens a month", 0 },
	{ (char *)"pro", 200, 2000, 40000, 500000, 16384, 50, 200, 2000, NULL, 0,
	  (char *)"Everything in free, 200 requests an hour, 500,000 tokens a month", 0 },
	{ (char *)"enterprise", 1000, 10000, 250000, 2000000, 65536, -1, -1, 10000, NULL, 0,
	  (char *)"Everything in pro, 1,000 requests an hour, 2 million tokens a month", 0 },
};

static int fail(char **err, const char *fmt, const char *a, const char *b)
{
	if (asprintf(err, fmt, a, b) < 0)
		*err = NULL;
	return -1;
}

/* A limit: empty or absent = def; "none" or "-1" = no limit. */
static int limit(const struct config *cfg, const char *sec, const char *key, int64_t def,
		 int64_t *out, char **err)
{
	const char *v = config_get(cfg, sec, key);
	int64_t n;
	if (!v || !*v) {
		*out = def;
		return 0;
	}
	if (!strcmp(v, "none") || !strcmp(v, "-1")) {
		*out = -1;
		return 0;
	}
	if (parse_int64(v, &n) || n < 0)
		return fail(err, "[%s] %s: expected a whole number, 0 or more, or none", sec, key);
	*out = n;
	return 0;
}

static void copy_builtin(struct plan_cfg *d, const struct plan_cfg *s)
{
	*d = *s;
	d->name = xstrdup(s->name);
	d->features = xstrdup(s->features);
	d->models = NULL;
	d->nmodels = 0;
}

/* "a, b c" → the ids, split on commas and spaces. */
static void split_models(struct plan_cfg *pl, const char *v)
{
	char *s = xstrdup(v), *save = NULL;
	for (char *t = strtok_r(s, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		pl->models = xrealloc(pl->models, (pl->nmodels + 1) * sizeof *pl->models);
		pl->models[pl->nmodels++] = xstrdup(t);
	}
	free(s);
}

static int load_section(struct plan_cfg *pl, const struct config *cfg, const char *sec,
			char **err)
{
	const char *v;
	pl->name = xstrdup(sec + strlen("plan."));
	if (limit(cfg, sec, "requests_per_hour", -1, &pl->requests_per_hour, err) ||
	    limit(cfg, sec, "requests_per_day", -1, &pl->requests_per_day, err) ||
	    limit(cfg, sec, "requests_per_month", -1, &pl->requests_per_month, err) ||
	    limit(cfg, sec, "tokens_per_month", -1, &pl->tokens_per_month, err) ||
	    limit(cfg, sec, "max_tokens_per_request", -1, &pl->max_tokens_per_request, err) ||
	    limit(cfg, sec, "max_presets", -1, &pl->max_presets, err) ||
	    limit(cfg, sec, "max_components", -1, &pl->max_components, err) ||
	    limit(cfg, sec, "price_per_month", 0, &pl->price_per_month, err))
		return -1;
	if (pl->price_per_month < 0)
		pl->price_per_month = 0;
	if ((v = config_get(cfg, sec, "models")) && *v)
		split_models(pl, v);
	v = config_get(cfg, sec, "features");
	pl->features = xstrdup(v ? v : "");
	v = config_get(cfg, sec, "charge_credits");
	pl->charge_credits = v && (!strcmp(v, "true") || !strcmp(v, "1"));
	return 0;
}

int plans_load(struct plans *p, const struct config *cfg, char **err)
{
	const char *defname = config_get(cfg, "auth", "default_plan");
	memset(p, 0, sizeof *p);
	*err = NULL;
	for (size_t i = 0; i < cfg->n; i++) {
		const char *sec = cfg->entries[i].section;
		if (strncmp(sec, "plan.", 5) || !sec[5] || plan_find(p, sec + 5))
			continue;
		p->plans = xrealloc(p->plans, (p->n + 1) * sizeof *p->plans);
		memset(&p->plans[p->n], 0, sizeof *p->plans);
		if (load_section(&p->plans[p->n++], cfg, sec, err)) {
			plans_free(p);
			return -1;
		}
	}
	if (p->n == 0) {
		p->n = COUNTOF(builtin);
		p->plans = xcalloc(p->n, sizeof *p->plans);
		for (size_t i = 0; i < p->n; i++)
			copy_builtin(&p->plans[i], &builtin[i]);
	}
	p->def = plan_find(p, defname && *defname ? defname : "free");
	if (!p->def) {
		if (defname && *defname) {
			fail(err, "[auth] default_plan = %s: there is no [plan.%s]", defname, defname);
			plans_free(p);
			return -1;
		}
		p->def = &p->plans[0];
	}
	return 0;
}

void plans_free(struct plans *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->plans[i].name);
		free(p->plans[i].features);
		for (size_t j = 0; j < p->plans[i].nmodels; j++)
			free(p->plans[i].models[j]);
		free(p->plans[i].models);
	}
	free(p->plans);
	memset(p, 0, sizeof *p);
}

const struct plan_cfg *plan_find(const struct plans *p, const char *name)
{
	for (size_t i = 0; name && i < p->n; i++)
		if (!strcmp(p->plans[i].name, name))
			return &p->plans[i];
	return NULL;
}

const struct plan_cfg *plan_effective(const struct plans *p, const char *plan,
				      int64_t expires_at, int64_t now)
{
	const struct plan_cfg *pl = plan_find(p, plan);
	if (!pl)
		return p->def;
	if (pl->price_per_month > 0 && expires_at > 0 && expires_at <= now)
		return p->def;
	return pl;
}

int plan_allows_model(const struct plan_cfg *pl, const char *model_id)
{
	if (!pl || pl->nmodels == 0)
		return 1;
	for (size_t i = 0; i < pl->nmodels; i++)
		if (!strcmp(pl->models[i], model_id))
			return 1;
	return 0;
}

const char *const plan_keys[] = {
	"requests_per_hour", "requests_per_day", "requests_per_month", "tokens_per_month",
	"max_tokens_per_request", "max_presets", "max_components", "models",
	"price_per_month", "charge_credits", "features", NULL
};

static void stamp_of(struct db *db, char out[64])
{
	sqlite3_stmt *st = db_prep(db, "SELECT count(*) || '.' || coalesce(max(updated_at), 0) "
				       "FROM plan_settings");
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, 64, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
}

void plans_sync(struct plans *p, struct config *cfg, struct db *db, int64_t now)
{
	char stamp[64], sec[160], *err = NULL;
	size_t n0 = cfg->n;
	struct plans fresh;
	sqlite3_stmt *st;

	if (p->synced_at && now >= p->synced_at && now - p->synced_at < 1000)
		return;
	p->synced_at = now;
	stamp_of(db, stamp);
	if (!strcmp(stamp, p->stamp))
		return;
	st = db_prep(db, "SELECT plan, key, value FROM plan_settings ORDER BY updated_at");
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(sec, sizeof sec, "plan.%s", db_col_text(st, 0));
		config_push(cfg, sec, db_col_text(st, 1), db_col_text(st, 2));
	}
	sqlite3_reset(st);
	if (plans_load(&fresh, cfg, &err) == 0) {
		plans_free(p);
		*p = fresh;
	} else {
		log_error("plans from confab plan set: %s", err ? err : "out of memory");
		free(err);
	}
	config_truncate(cfg, n0);
	snprintf(p->stamp, sizeof p->stamp, "%s", stamp);
	p->synced_at = now;
}

int plan_setting_put(struct db *db, const char *plan, const char *key, const char *value,
		     int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO plan_settings (plan, key, value, updated_at) "
				       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (plan, key) DO UPDATE "
				       "SET value = excluded.value, updated_at = excluded.updated_at");
	db_bind_text(st, 1, plan);
	db_bind_text(st, 2, key);
	db_bind_text(st, 3, value);
	sqlite3_bind_int64(st, 4, now);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}
