/* plans.c — see plans.h. */
#include "plans.h"
#include "store_plan.h"
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

/* What a [plan.NAME] of a name that is not built in starts from: no
 * limits, free, nothing charged. */
static const struct plan_cfg blank = { NULL, -1, -1, -1, -1, -1, -1, -1, 0, NULL, 0, NULL, 0 };

/* A limit: absent or empty = as it was; "none" or "-1" = no limit. */
static int limit(const struct config *cfg, const char *sec, const char *key, int64_t *out,
		 char **err)
{
	const char *v = config_str(cfg, sec, key);
	char *why = NULL;
	if (!v || !*v)
		return 0;
	if (!strcmp(v, "none") || !strcmp(v, "-1")) {
		*out = -1;
		return 0;
	}
	if (config_int(cfg, sec, key, 0, 0, INT64_MAX, out, &why) == 0)
		return 0;
	free(why);
	return config_fail(cfg, sec, key, "expected a whole number, 0 or more, or none", err);
}

static void plan_init(struct plan_cfg *d, const struct plan_cfg *s, const char *name)
{
	*d = *s;
	d->name = xstrdup(name);
	d->features = xstrdup(s->features ? s->features : "");
	d->models = NULL;
	d->nmodels = 0;
}

static void models_clear(struct plan_cfg *pl)
{
	for (size_t j = 0; j < pl->nmodels; j++)
		free(pl->models[j]);
	free(pl->models);
	pl->models = NULL;
	pl->nmodels = 0;
}

static void plan_clear(struct plan_cfg *pl)
{
	free(pl->name);
	free(pl->features);
	models_clear(pl);
}

/* "a, b c" → the ids, split on commas and spaces; empty: every model. */
static void split_models(struct plan_cfg *pl, const char *v)
{
	char *s = xstrdup(v), *save = NULL;
	models_clear(pl);
	for (char *t = strtok_r(s, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		pl->models = xrealloc(pl->models, (pl->nmodels + 1) * sizeof *pl->models);
		pl->models[pl->nmodels++] = xstrdup(t);
	}
	free(s);
}

/* The keys section sec names, over what pl has (a built-in's values, or
 * blank's); the keys it leaves out stay as they were. */
static int layer(struct plan_cfg *pl, const struct config *cfg, const char *sec, char **err)
{
	const char *v;
	if (limit(cfg, sec, "requests_per_hour", &pl->requests_per_hour, err) ||
	    limit(cfg, sec, "requests_per_day", &pl->requests_per_day, err) ||
	    limit(cfg, sec, "requests_per_month", &pl->requests_per_month, err) ||
	    limit(cfg, sec, "tokens_per_month", &pl->tokens_per_month, err) ||
	    limit(cfg, sec, "max_tokens_per_request", &pl->max_tokens_per_request, err) ||
	    limit(cfg, sec, "max_presets", &pl->max_presets, err) ||
	    limit(cfg, sec, "max_components", &pl->max_components, err) ||
	    config_bool(cfg, sec, "charge_credits", pl->charge_credits, &pl->charge_credits, err))
		return -1;
	/* Cents, as the billing page sells it; empty: as it was. */
	if ((v = config_str(cfg, sec, "price_per_month")) && *v &&
	    config_int(cfg, sec, "price_per_month", 0, 0, INT64_MAX, &pl->price_per_month, err))
		return -1;
	if ((v = config_str(cfg, sec, "models")))
		split_models(pl, v);
	if ((v = config_str(cfg, sec, "features"))) {
		free(pl->features);
		pl->features = xstrdup(v);
	}
	return 0;
}

static struct plan_cfg *plan_named(struct plans *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->plans[i].name, name))
			return &p->plans[i];
	return NULL;
}

/* Each [plan.NAME] once, in config order, over the built-in of that name
 * or a new plan. */
static int layer_sections(struct plans *p, const struct config *cfg, char **err)
{
	for (size_t i = 0; i < cfg->n; i++) {
		const char *sec = cfg->entries[i].section;
		struct plan_cfg *pl;
		int seen = 0;
		if (strncmp(sec, "plan.", 5) || !sec[5])
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(cfg->entries[j].section, sec);
		if (seen)
			continue;
		if (!(pl = plan_named(p, sec + 5))) {
			p->plans = xrealloc(p->plans, (p->n + 1) * sizeof *p->plans);
			pl = &p->plans[p->n++];
			plan_init(pl, &blank, sec + 5);
		}
		if (layer(pl, cfg, sec, err))
			return -1;
	}
	return 0;
}

/* Drop the plans whose section says enabled = false. */
static int drop_disabled(struct plans *p, const struct config *cfg, char **err)
{
	size_t kept = 0;
	for (size_t i = 0; i < p->n; i++) {
		size_t len = strlen(p->plans[i].name) + sizeof "plan.";
		char *sec = xmalloc(len);
		int on, rc;
		snprintf(sec, len, "plan.%s", p->plans[i].name);
		rc = config_bool(cfg, sec, "enabled", 1, &on, err);
		free(sec);
		if (rc || on)
			p->plans[kept++] = p->plans[i];   /* on an error, kept for plans_free */
		else
			plan_clear(&p->plans[i]);
		if (rc) {
			while (++i < p->n)
				p->plans[kept++] = p->plans[i];
			p->n = kept;
			return -1;
		}
	}
	p->n = kept;
	return 0;
}

int plans_load(struct plans *p, const struct config *cfg, char **err)
{
	const char *defname = config_str(cfg, "auth", "default_plan");
	memset(p, 0, sizeof *p);
	*err = NULL;
	p->n = COUNTOF(builtin);
	p->plans = xcalloc(p->n, sizeof *p->plans);
	for (size_t i = 0; i < p->n; i++)
		plan_init(&p->plans[i], &builtin[i], builtin[i].name);
	if (layer_sections(p, cfg, err) || drop_disabled(p, cfg, err))
		goto fail;
	if (p->n == 0) {
		if (asprintf(err, "every plan has enabled = false: keep at least one") < 0)
			*err = NULL;
		goto fail;
	}
	if (defname && *defname) {
		if (!(p->def = plan_find(p, defname))) {
			config_fail(cfg, "auth", "default_plan",
				    "there is no such plan (or it has enabled = false)", err);
			goto fail;
		}
	} else if (!(p->def = plan_find(p, "free"))) {
		p->def = &p->plans[0];
	}
	return 0;
fail:
	plans_free(p);
	return -1;
}

void plans_free(struct plans *p)
{
	for (size_t i = 0; i < p->n; i++)
		plan_clear(&p->plans[i]);
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
	"price_per_month", "charge_credits", "features", "enabled", NULL
};

/* plan_settings_each's callback: one setting as a [plan.NAME] entry. */
static void push_setting(void *arg, const char *plan, const char *key, const char *value)
{
	char sec[160];
	snprintf(sec, sizeof sec, "plan.%s", plan);
	config_push(arg, "confab plan set", sec, key, value);
}

int plans_load_db(struct plans *p, struct config *cfg, struct db *db, char **err)
{
	size_t n0 = cfg->n;
	int rc;
	plan_settings_each(db, push_setting, cfg);
	rc = plans_load(p, cfg, err);
	config_truncate(cfg, n0);
	return rc;
}

void plans_sync(struct plans *p, struct config *cfg, struct db *db, int64_t now)
{
	char stamp[64], *err = NULL;
	struct plans fresh;

	if (p->synced_at && now >= p->synced_at && now - p->synced_at < 1000)
		return;
	p->synced_at = now;
	plan_settings_stamp(db, stamp);
	if (!strcmp(stamp, p->stamp))
		return;
	if (plans_load_db(&fresh, cfg, db, &err) == 0) {
		plans_free(p);
		*p = fresh;
	} else {
		log_error("plans: %s", err ? err : "out of memory");
		free(err);
	}
	snprintf(p->stamp, sizeof p->stamp, "%s", stamp);
	p->synced_at = now;
}
