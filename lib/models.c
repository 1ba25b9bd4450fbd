/* models.c — see models.h. */
#include "models.h"
#include "log.h"
#include "store_model.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const provider_types[] = {
	"openai", "anthropic", "gemini", "openai-compatible", "ollama", NULL
};

static int fail(char **err, const char *fmt, const char *a, const char *b)
{
	if (asprintf(err, fmt, a, b ? b : "") < 0)
		*err = NULL;
	return -1;
}

int64_t models_parse_usd(const char *s)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, fdigits = 0;
	if (!s)
		return -1;
	while (*s == ' ')
		s++;
	for (; isdigit((unsigned char)*s); s++, digits++) {
		if (whole > 1000000000)
			return -1;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++, fdigits++) {
			if (fdigits == 6)
				return -1;
			frac = frac * 10 + (*s - '0');
		}
	}
	while (*s == ' ')
		s++;
	if (*s || (digits == 0 && fdigits == 0))
		return -1;
	for (int i = fdigits; i < 6; i++)
		frac *= 10;
	return whole * 1000000 + frac;
}

/* Distinct section names starting with prefix, in file order. */
static size_t sections(const struct config *cfg, const char *prefix, const char ***out)
{
	size_t n = 0, plen = strlen(prefix);
	const char **names = xcalloc(cfg->n + 1, sizeof *names);
	for (size_t i = 0; i < cfg->n; i++) {
		const char *s = cfg->entries[i].section;
		int seen = 0;
		if (strncmp(s, prefix, plen) != 0 || !s[plen])
			continue;
		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(names[j], s) == 0;
		if (!seen)
			names[n++] = s;
	}
	*out = names;
	return n;
}

static char *trimmed_url(const char *u)
{
	char *s = xstrdup(u);
	size_t n = strlen(s);
	while (n && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

static int load_providers(struct models *m, const struct config *cfg, char **err)
{
	const char **names;
	size_t n = sections(cfg, "provider.", &names);
	m->providers = xcalloc(n + 1, sizeof *m->providers);
	for (size_t i = 0; i < n; i++) {
		const char *sec = names[i], *type = config_str(cfg, sec, "type");
		const char *url = config_str(cfg, sec, "base_url");
		const char *key = config_str(cfg, sec, "api_key");
		const char *key_env = config_str(cfg, sec, "api_key_env");
		struct provider_cfg *p = &m->providers[m->nproviders];
		int known = 0;
		for (const char *const *t = provider_types; *t && !known; t++)
			known = type && strcmp(type, *t) == 0;
		if (!known) {
			free(names);
			return fail(err, "[%s] type must be openai, anthropic, gemini, openai-compatible or ollama%s", sec, NULL);
		}
		if (!url || !*url) {
			if (!strcmp(type, "openai"))
				url = "https://api.openai.com/v1";
			else if (!strcmp(type, "anthropic"))
				url = "https://api.anthropic.com/v1";
			else if (!strcmp(type, "gemini"))
				url = "https://generativelanguage.googleapis.com/v1beta";
			else if (!strcmp(type, "ollama"))
				url = "http://127.0.0.1:11434";
			else {
				free(names);
				return fail(err, "[%s] needs base_url%s", sec, NULL);
			}
		}
		if (key_env && *key_env)
			key = getenv(key_env);
		p->name = xstrdup(sec + strlen("provider."));
		p->type = xstrdup(type);
		p->base_url = trimmed_url(url);
		p->api_key = xstrdup(key ? key : "");
		m->nproviders++;
	}
	free(names);
	return 0;
}

static const struct provider_cfg *provider_named(const struct models *m, const char *name)
{
	for (size_t i = 0; i < m->nproviders; i++)
		if (strcmp(m->providers[i].name, name) == 0)
			return &m->providers[i];
	return NULL;
}

static int load_models(struct models *m, const struct config *cfg, char **err)
{
	const char **names;
	size_t n = sections(cfg, "model.", &names);
	m->models = xcalloc(n + 2, sizeof *m->models);
	for (size_t i = 0; i < n; i++) {
		const char *sec = names[i], *id = sec + strlen("model.");
		const char *prov = config_str(cfg, sec, "provider");
		const char *name = config_str(cfg, sec, "name");
		const char *api = config_str(cfg, sec, "api_model");
		struct model_cfg *md = &m->models[m->nmodels];
		int64_t pin, pout;
		if (!prov || !provider_named(m, prov)) {
			free(names);
			return fail(err, "[%s] names provider '%s', which is not configured", sec, prov ? prov : "");
		}
		pin = models_parse_usd(config_str(cfg, sec, "price_in"));
		pout = models_parse_usd(config_str(cfg, sec, "price_out"));
		/* A missing or negative price would let a user spend the operator's
		 * money unaccounted: refuse it (write 0 for a free local model). */
		if (pin < 0 || pout < 0) {
			const char *bad = pin < 0 ? "price_in" : "price_out";
			free(names);
			if (config_str(cfg, sec, bad))
				return config_fail(cfg, sec, bad, "expected USD per million tokens, "
						   "0 or more, with at most 6 decimals", err);
			return fail(err, "[%s] needs price_in and price_out: USD per million tokens, 0 or more%s", sec, NULL);
		}
		md->id = xstrdup(id);
		md->name = xstrdup(name && *name ? name : id);
		md->api_model = xstrdup(api && *api ? api : id);
		md->provider = provider_named(m, prov);
		md->price_in = pin;
		md->price_out = pout;
		m->nmodels++;
		/* As `confab model add` takes them; cache absent (-1): [cache] enabled. */
		if (config_int(cfg, sec, "context", 8192, 1, 100000000, &md->context, err) ||
		    config_int(cfg, sec, "max_output", 1024, 1, 100000000, &md->max_output, err) ||
		    config_bool(cfg, sec, "images", 0, &md->images, err) ||
		    config_bool(cfg, sec, "pdfs", 0, &md->pdfs, err) ||
		    config_bool(cfg, sec, "reasoning", 0, &md->reasoning, err) ||
		    config_bool(cfg, sec, "cache", -1, &md->cache, err)) {
			free(names);
			return -1;
		}
	}
	free(names);
	return 0;
}

struct models_retired {
	struct model_cfg *models;
	size_t n;
	struct models_retired *next;
};

static void model_copy(struct model_cfg *dst, const struct model_cfg *src)
{
	*dst = *src;
	dst->id = xstrdup(src->id);
	dst->name = xstrdup(src->name);
	dst->api_model = xstrdup(src->api_model);
}

static void models_array_free(struct model_cfg *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].id);
		free(a[i].name);
		free(a[i].api_model);
	}
	free(a);
}

/* The registry as the config alone makes it: every model active. */
static void models_from_base(struct models *m)
{
	m->models = xcalloc(m->nbase + 1, sizeof *m->models);
	for (size_t i = 0; i < m->nbase; i++) {
		model_copy(&m->models[i], &m->base[i]);
		m->models[i].active = 1;
	}
	m->nmodels = m->nbase;
}

struct build {
	struct models *m;
	struct model_cfg *a;
	size_t n, cap;
};

static void add_row(void *ctx, const struct model_row *r)
{
	struct build *b = ctx;
	const struct provider_cfg *p = provider_named(b->m, r->provider);
	if (!p) {
		log_warn("model %s: its provider '%s' is not configured; not offered",
			 r->id, r->provider);
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->a[i].id, r->id))
			return;   /* the config's model of that id wins */
	if (b->n == b->cap) {
		b->cap = b->cap * 2 + 8;
		b->a = xrealloc(b->a, (b->cap + 1) * sizeof *b->a);
	}
	struct model_cfg *md = &b->a[b->n++];
	memset(md, 0, sizeof *md);
	md->id = xstrdup(r->id);
	md->name = xstrdup(*r->name ? r->name : r->id);
	md->api_model = xstrdup(*r->api_model ? r->api_model : r->id);
	md->provider = p;
	md->price_in = r->price_in;
	md->price_out = r->price_out;
	md->context = r->context;
	md->max_output = r->max_output;
	md->images = r->images;
	md->pdfs = r->pdfs;
	md->reasoning = r->reasoning;
	md->cache = -1;
	md->added = 1;
}

int models_sync(struct models *m, struct db *db, int64_t now)
{
	char stamp[64];
	struct build b = { .m = m };
	struct models_retired *old;

	if (m->synced_at && now - m->synced_at < 1000 && now >= m->synced_at)
		return 0;
	m->synced_at = now;
	model_registry_stamp(db, stamp);
	if (!strcmp(stamp, m->stamp))
		return 0;
	snprintf(m->stamp, sizeof m->stamp, "%s", stamp);
	b.cap = m->nbase + 8;
	b.a = xcalloc(b.cap + 1, sizeof *b.a);
	for (; b.n < m->nbase; b.n++)
		model_copy(&b.a[b.n], &m->base[b.n]);
	model_each_added(db, add_row, &b);
	for (size_t i = 0; i < b.n; i++)
		b.a[i].active = model_state(db, b.a[i].id) != 0;
	old = xmalloc(sizeof *old);
	old->models = m->models;
	old->n = m->nmodels;
	old->next = m->retired;
	m->retired = old;
	m->models = b.a;
	m->nmodels = b.n;
	return 1;
}

int models_load(struct models *m, const struct config *cfg, const char *demo_url, char **err)
{
	memset(m, 0, sizeof *m);
	*err = NULL;
	if (load_providers(m, cfg, err) || load_models(m, cfg, err)) {
		models_free(m);
		return -1;
	}
	if (m->nproviders == 0 && demo_url && *demo_url) {
		struct provider_cfg *p;
		struct model_cfg *md;
		m->providers = xrealloc(m->providers, sizeof *m->providers);
		p = &m->providers[0];
		p->name = xstrdup("demo");
		p->type = xstrdup("openai-compatible");
		p->base_url = trimmed_url(demo_url);
		p->api_key = xstrdup("");
		m->nproviders = 1;
		md = &m->models[m->nmodels++];
		md->id = xstrdup("demo");
		md->name = xstrdup("Offline demo (simulated replies)");
		md->api_model = xstrdup("sim:tps=25:ttft=400:reply=demo");
		md->provider = p;
		md->context = 8192;
		md->max_output = 1024;
		md->cache = -1;
		md->demo = 1;
	}
	/* What was loaded is the base; the registry starts as a copy of it. */
	m->base = m->models;
	m->nbase = m->nmodels;
	models_from_base(m);
	return 0;
}

void models_free(struct models *m)
{
	for (size_t i = 0; i < m->nproviders; i++) {
		free(m->providers[i].name);
		free(m->providers[i].type);
		free(m->providers[i].base_url);
		free(m->providers[i].api_key);
	}
	models_array_free(m->models, m->nmodels);
	if (m->base != m->models)
		models_array_free(m->base, m->nbase);
	while (m->retired) {
		struct models_retired *r = m->retired;
		m->retired = r->next;
		models_array_free(r->models, r->n);
		free(r);
	}
	free(m->providers);
	memset(m, 0, sizeof *m);
}

const struct model_cfg *models_find(const struct models *m, const char *id)
{
	for (size_t i = 0; id && i < m->nmodels; i++)
		if (strcmp(m->models[i].id, id) == 0)
			return &m->models[i];
	return NULL;
}

const struct model_cfg *models_find_active(const struct models *m, const char *id)
{
	const struct model_cfg *md = models_find(m, id);
	return md && md->active ? md : NULL;
}

const struct model_cfg *models_default(const struct models *m, const struct config *cfg)
{
	const struct model_cfg *d = models_find_active(m, config_str(cfg, "chat", "default_model"));
	for (size_t i = 0; !d && i < m->nmodels; i++)
		if (m->models[i].active)
			d = &m->models[i];
	return d;
}
