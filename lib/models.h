/* models.h — providers and models from the configuration: sections
 * [provider.NAME] (type, base_url, api_key or api_key_env) and [model.ID]
 * (provider, name, api_model, price_in, price_out, context, max_output,
 * images, pdfs, reasoning). Prices are USD per million tokens in the file
 * and integer micro-dollars per million tokens here. */
#ifndef CONFAB_MODELS_H
#define CONFAB_MODELS_H

#include <stdint.h>
#include "config.h"

struct provider_cfg {
	char *name;
	char *type;        /* openai, anthropic, gemini, openai-compatible, ollama */
	char *base_url;    /* without a trailing slash */
	char *api_key;     /* may be "" (local servers) */
};

struct model_cfg {
	char *id;          /* the part after "model." */
	char *name;        /* shown to users */
	char *api_model;   /* the provider's name for it (default: id) */
	const struct provider_cfg *provider;
	int64_t price_in, price_out;  /* micro-dollars per million tokens */
	int64_t context, max_output;
	int images, pdfs, reasoning;
	int demo;          /* the built-in offline demo */
	int added;         /* from `confab model add` (data.db), not the config */
	int active;        /* offered for new messages (`confab model disable`) */
	int cache;         /* [model.ID] cache: 1 on, 0 off, -1 as [cache] enabled */
};

struct models_retired;

struct models {
	struct provider_cfg *providers;
	size_t nproviders;
	struct model_cfg *models;     /* the registry now: config + added */
	size_t nmodels;
	/* What models_sync builds from: the config's models, as loaded. */
	struct model_cfg *base;
	size_t nbase;
	char stamp[64];               /* the registry tables when last read */
	int64_t synced_at;
	/* Arrays replaced by models_sync, kept until models_free: a worker's
	 * stream may still point into one. */
	struct models_retired *retired;
};

/* Read providers and models from cfg. With no provider configured and
 * demo_url non-NULL (./run passes the local simulator's address), adds the
 * clearly labelled offline demo model "demo". -1 with *err (malloc'd) on a
 * bad section, e.g. a model naming an unknown provider or a negative price. */
int models_load(struct models *m, const struct config *cfg, const char *demo_url, char **err);
void models_free(struct models *m);

struct db;
/* Bring the registry in step with data.db (models added, switched on or
 * off), at most once a second (now: Unix ms). 1 when it changed. */
int models_sync(struct models *m, struct db *db, int64_t now);

/* The model with this id, active or not, or NULL. */
const struct model_cfg *models_find(const struct models *m, const char *id);
/* The model with this id if it is active, or NULL. */
const struct model_cfg *models_find_active(const struct models *m, const char *id);
/* The model new chats start with: [chat] default_model, else the first
 * (active ones only; NULL when none is). */
const struct model_cfg *models_default(const struct models *m, const struct config *cfg);

/* Parse "2.50" (USD) into micro-dollars; -1 if not a non-negative number
 * with at most 6 decimals. */
int64_t models_parse_usd(const char *s);

#endif
