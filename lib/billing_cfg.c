/* billing_cfg.c — see billing_cfg.h. */
#include "billing_cfg.h"
#include "site_url.h"
#include "models.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static int fail(char **err, const char *section, const char *what)
{
	if (asprintf(err, "[%s] %s", section, what) < 0)
		*err = NULL;
	return -1;
}

/* Add the item of section sec (kind "plan" or "credits"); 0 or -1. */
static int add_item(const struct config *cfg, struct billing_cfg *bc, const char *kind,
		    const char *sec, char **err)
{
	struct billing_item it = { 0 };
	const char *price = config_str(cfg, sec, strcmp(kind, "plan") ? "price" : "price_per_month");
	int on;

	it.kind = kind;
	it.name = strchr(sec, '.') + 1;
	it.label = nonempty(config_str(cfg, sec, "name")) ? config_str(cfg, sec, "name") : it.name;
	it.stripe_price = nonempty(config_str(cfg, sec, "stripe_price"));
	it.polar_product = nonempty(config_str(cfg, sec, "polar_product"));
	if (!strcmp(kind, "plan")) {
		if (config_bool(cfg, sec, "enabled", 1, &on, err))
			return -1;
		if (!price || !*price || !on)
			return 0;   /* a plan without a price, or removed, is not sold */
		if (config_int(cfg, sec, "price_per_month", 0, 0, INT64_MAX, &it.price_cents, err))
			return -1;
		if (it.price_cents == 0)
			return 0;
	} else {
		if (!price)
			return fail(err, sec, "needs price: a whole number of cents above 0");
		if (config_int(cfg, sec, "price", 0, 1, INT64_MAX, &it.price_cents, err))
			return -1;
		it.credits = models_parse_usd(config_str(cfg, sec, "credits"));
		if (it.credits <= 0)
			return fail(err, sec, "needs credits: the USD of credit it buys, above 0");
	}
	bc->items = xrealloc(bc->items, (bc->n + 1) * sizeof *bc->items);
	bc->items[bc->n++] = it;
	return 0;
}

/* Each section named PREFIX.NAME once, in config order. */
static int add_sections(const struct config *cfg, struct billing_cfg *bc, const char *prefix,
			const char *kind, char **err)
{
	size_t plen = strlen(prefix);
	for (size_t i = 0; i < cfg->n; i++) {
		const char *sec = cfg->entries[i].section;
		int seen = 0;
		if (strncmp(sec, prefix, plen) || !sec[plen])
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(cfg->entries[j].section, sec);
		if (!seen && add_item(cfg, bc, kind, sec, err))
			return -1;
	}
	return 0;
}

int billing_cfg_load(const struct config *cfg, struct billing_cfg *bc, char **err)
{
	const char *prov = nonempty(config_str(cfg, "billing", "provider"));

	memset(bc, 0, sizeof *bc);
	bc->stripe_secret_key = nonempty(config_str(cfg, "billing", "stripe_secret_key"));
	bc->stripe_webhook_secret = nonempty(config_str(cfg, "billing", "stripe_webhook_secret"));
	bc->stripe_api_base = nonempty(config_str(cfg, "billing", "stripe_api_base"));
	bc->polar_access_token = nonempty(config_str(cfg, "billing", "polar_access_token"));
	bc->polar_webhook_secret = nonempty(config_str(cfg, "billing", "polar_webhook_secret"));
	bc->polar_api_base = nonempty(config_str(cfg, "billing", "polar_api_base"));
	bc->currency = nonempty(config_str(cfg, "billing", "currency"));
	bc->site_url = nonempty(config_str(cfg, "billing", "site_url"));
	if (!bc->site_url)
		bc->site_url = nonempty(config_str(cfg, "server", "public_url"));
	if (!bc->stripe_api_base)
		bc->stripe_api_base = "https://api.stripe.com";
	if (!bc->polar_api_base)
		bc->polar_api_base = "https://api.polar.sh";
	if (!bc->currency)
		bc->currency = "usd";
	if (bc->site_url && strncmp(bc->site_url, "https://", 8) &&
	    strncmp(bc->site_url, "http://", 7))
		return fail(err, config_str(cfg, "billing", "site_url") ? "billing" : "server",
			    "site_url and public_url must begin with https:// or http://");
	if (config_int(cfg, "billing", "webhook_tolerance", 300, 1, 86400, &bc->tolerance, err))
		return -1;
	if (prov && strcmp(prov, "stripe") && strcmp(prov, "polar"))
		return fail(err, "billing", "provider must be stripe or polar");
	/* With no provider named, the one whose API key is set sells. */
	if (!prov)
		prov = bc->stripe_secret_key ? "stripe" : bc->polar_access_token ? "polar" : NULL;
	if (prov && !strcmp(prov, "stripe") && !bc->stripe_secret_key)
		prov = NULL;
	if (prov && !strcmp(prov, "polar") && !bc->polar_access_token)
		prov = NULL;
	bc->provider = prov;
	if (add_sections(cfg, bc, "plan.", "plan", err) ||
	    add_sections(cfg, bc, "credits.", "credits", err)) {
		billing_cfg_free(bc);
		return -1;
	}
	return 0;
}

void billing_cfg_free(struct billing_cfg *bc)
{
	free(bc->items);
	bc->items = NULL;
	bc->n = 0;
}

int billing_item_sellable(const struct billing_cfg *bc, const struct billing_item *it)
{
	if (!bc->provider)
		return 0;
	return strcmp(bc->provider, "polar") || it->polar_product;
}

const struct billing_item *billing_item_find(const struct billing_cfg *bc, const char *kind,
					     const char *name)
{
	for (size_t i = 0; kind && name && i < bc->n; i++)
		if (!strcmp(bc->items[i].kind, kind) && !strcmp(bc->items[i].name, name))
			return billing_item_sellable(bc, &bc->items[i]) ? &bc->items[i] : NULL;
	return NULL;
}

const struct billing_item *billing_plan_by_external(const struct billing_cfg *bc,
						    const char *provider, const char *id)
{
	int stripe = provider && !strcmp(provider, "stripe");
	for (size_t i = 0; id && i < bc->n; i++) {
		const char *ext = stripe ? bc->items[i].stripe_price : bc->items[i].polar_product;
		if (!strcmp(bc->items[i].kind, "plan") && ext && !strcmp(ext, id))
			return &bc->items[i];
	}
	return NULL;
}

char *billing_site(const struct billing_cfg *bc, int https, const char *host,
		   const char *server_port)
{
	return site_url(bc->site_url, https, host, server_port);
}
