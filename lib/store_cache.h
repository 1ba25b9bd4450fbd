/* store_cache.h — the response cache in data.db (table model_cache). The
 * worker looks a request up before sending it and stores a finished answer;
 * see worker/cache.c for what the hash covers. */
#ifndef CONFAB_STORE_CACHE_H
#define CONFAB_STORE_CACHE_H

#include <stdint.h>
#include "buf.h"
#include "db.h"

struct cached {
	struct buf response;
	int64_t tokens_in, tokens_out;
};

/* 1 and *out filled (caller frees out->response) when hash has an answer
 * that has not expired at now; 0 otherwise. */
int store_cache_get(struct db *db, const char *hash, int64_t now, struct cached *out);
/* Store (or replace) an answer, kept until expires_at. */
void store_cache_put(struct db *db, const char *hash, const char *model, const char *response,
	       size_t len, int64_t tokens_in, int64_t tokens_out, int64_t now,
	       int64_t expires_at);
/* Delete expired answers; returns how many. */
int store_cache_purge(struct db *db, int64_t now);

#endif
