/* settings — the account's settings. Provider keys ("bring your own key"):
 * a user may store a key per configured provider; it is sealed at rest
 * (keybox.c), used instead of the server's key for that user's requests,
 * shown again only as its last four characters, and never logged. */
#include "app.h"
#include "keybox.h"
#include "page.h"
#include "session.h"
#include "store_keys.h"
#include "tz.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_KEY_CHARS 512

static const struct field key_fields[] = {
	{ "provider", V_STRING, 1, 1, 100, NULL, "Provider" },
	{ "key", V_STRING, 1, 8, MAX_KEY_CHARS, NULL, "Key" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field key_delete_fields[] = {
	{ "provider", V_STRING, 1, 1, 100, NULL, "Provider" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

static const struct provider_cfg *provider_named(const char *name)
{
	for (size_t i = 0; name && i < g.models.nproviders; i++)
		if (!strcmp(g.models.providers[i].name, name))
			return &g.models.providers[i];
	return NULL;
}

/* A key is one token of printable ASCII: what every provider issues. */
static int key_plausible(const char *k)
{
	for (; *k; k++)
		if (*k <= ' ' || *k > '~')
			return 0;
	return 1;
}

static int show_settings(struct req *r, int status, const char *error)
{
	struct tval *ctx = page_ctx(r, "Settings", NULL);
	struct tval *list = tv_set(r->a, ctx, "providers", tv_list(r->a));
	size_t n;
	struct key_info *keys = provider_key_list(g.user_db, r->a, r->user->id, &n);

	for (size_t i = 0; i < g.models.nproviders; i++) {
		const struct provider_cfg *p = &g.models.providers[i];
		struct tval *x;
		if (!strcmp(p->name, "demo") && g.models.nproviders == 1)
			continue;   /* the offline demo takes no key */
		x = tv_push(r->a, list, tv_map(r->a));
		tv_set(r->a, x, "name", tv_str_ref(r->a, p->name));
		tv_set(r->a, x, "type", tv_str_ref(r->a, p->type));
		for (size_t k = 0; k < n; k++) {
			char when[32];
			if (strcmp(keys[k].provider, p->name))
				continue;
			tv_set(r->a, x, "last4", tv_str_ref(r->a, keys[k].last4));
			tz_format(r->user->timezone, keys[k].created_at, "%Y-%m-%d", when, sizeof when);
			tv_set_str(r->a, x, "added", when);
		}
	}
	tv_set_bool(r->a, ctx, "no_providers", g.models.nproviders == 0);
	if (error)
		tv_set_str(r->a, ctx, "error", error);
	return page_render(r, status, "settings", ctx);
}

static int settings_get(struct req *r)
{
	return show_settings(r, 200, NULL);
}

/* POST /settings/keys: store (or replace) the user's key for a provider.
 * On any refusal the key is not echoed back into the page. */
static int key_post(struct req *r)
{
	const char *prov = http_form(r, "provider"), *key = http_form(r, "key");
	const struct provider_cfg *p;
	unsigned char *sealed;
	size_t len, n;
	char last4[5];

	if (r->invalid)
		return show_settings(r, 400, r->invalid);
	if (!(p = provider_named(prov)))
		return show_settings(r, 400, "There is no such provider on this server.");
	if (!key_plausible(key))
		return show_settings(r, 400, "A key is one word of letters, digits and "
					     "punctuation, with no spaces.");
	n = strlen(key);
	memcpy(last4, key + n - 4, 4);
	last4[4] = '\0';
	if (keybox_seal(g.key, r->user->id, p->name, key, &sealed, &len))
		return show_settings(r, 503, "The key could not be stored. Try again.");
	if (provider_key_put(g.user_db, r->user->id, p->name, sealed, len, last4,
			     now_ms()) != STORE_OK) {
		free(sealed);
		return show_settings(r, 503, "The server is busy; the key was not stored. Try again.");
	}
	free(sealed);
	flash_set(r, arena_printf(r->a, "Your %s key ending in %s is stored. Your requests to "
				  "%s now use it.", p->name, last4, p->name));
	return http_redirect(r, "/settings");
}

static int key_delete_post(struct req *r)
{
	const char *prov = http_form(r, "provider");
	if (r->invalid || !provider_named(prov))
		return show_settings(r, 400, "There is no such provider on this server.");
	if (provider_key_delete(g.user_db, r->user->id, prov) == STORE_OK)
		flash_set(r, arena_printf(r->a, "Your %s key is removed; the server's key is "
					  "used again.", prov));
	return http_redirect(r, "/settings");
}

static const struct route routes[] = {
	{ "GET", "/settings", settings_get, ROUTE_LOGIN, NULL },
	{ "POST", "/settings/keys", key_post, ROUTE_LOGIN, key_fields },
	{ "POST", "/settings/keys/delete", key_delete_post, ROUTE_LOGIN, key_delete_fields },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "settings", routes, COUNTOF(routes));
}
