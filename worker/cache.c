/* cache.c — the response cache between confabd and the providers.
 *
 * The key is BLAKE2b-256 of the provider's name, the request URL and the
 * whole request body the adapter built (model, system prompt, every message,
 * max tokens and other parameters), and of the user unless [cache] shared:
 * two requests share an answer only when they would have sent the provider
 * the same bytes. The API key is not part of it. A hit ends the reply at
 * once with the stored text; its usage row says `cached` and costs 0.
 * On for every model with [cache] enabled, or per model with
 * [model.ID] cache; a regenerate always asks the provider afresh. */
#include "confabd.h"
#include "store_cache.h"

#include <sodium.h>
#include <string.h>

static void cache_key(struct stream *s)
{
	unsigned char h[32];
	crypto_generichash_state st;
	const char *prov = s->model->provider->name;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)prov, strlen(prov) + 1);
	crypto_generichash_update(&st, (const unsigned char *)buf_str(&s->url), s->url.len + 1);
	crypto_generichash_update(&st, (const unsigned char *)buf_str(&s->body), s->body.len + 1);
	if (!w.cache_shared)
		crypto_generichash_update(&st, (const unsigned char *)s->job.user_id,
					  strlen(s->job.user_id) + 1);
	crypto_generichash_final(&st, h, sizeof h);
	hex_encode(s->cache_key, h, sizeof h);
}

static int cache_on_for(const struct model_cfg *m)
{
	return m->cache >= 0 ? m->cache : w.cache_on;
}

int cache_answer(struct stream *s, int64_t now)
{
	struct cached c;
	if (s->ended || !s->model || !cache_on_for(s->model))
		return 0;
	cache_key(s);
	if (!s->job.use_cache || !store_cache_get(w.db, s->cache_key, now, &c))
		return 0;
	buf_clear(&s->out.text);
	buf_append(&s->out.text, c.response.data ? c.response.data : "", c.response.len);
	s->out.tokens_in = c.tokens_in;
	s->out.tokens_out = c.tokens_out;
	s->out.usage_seen = 1;
	s->cached = 1;
	s->first_token = now;
	buf_free(&c.response);
	stream_end(s, "done", NULL);
	return 1;
}

void cache_keep(struct stream *s, int64_t now)
{
	if (!*s->cache_key || s->cached || !s->out.text.len ||
	    strcmp(s->end_status, "done") != 0)
		return;
	store_cache_put(w.db, s->cache_key, s->model->id, buf_str(&s->out.text), s->out.text.len,
		  s->out.tokens_in, s->out.tokens_out, now, now + w.cache_ttl_ms);
}
