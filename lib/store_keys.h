/* store_keys.h — users' own provider keys in user.db (sealed by keybox.c;
 * this file never sees a key in the clear). */
#ifndef CONFAB_STORE_KEYS_H
#define CONFAB_STORE_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"
#include "store_user.h"

struct key_info {
	const char *provider, *last4;
	int64_t created_at;
};

enum store_rc store_keys_provider_key_put(struct db *db, const char *user_id, const char *provider,
			       const unsigned char *sealed, size_t len, const char *last4,
			       int64_t now);
/* The sealed key (malloc'd) or NULL when the user has none. */
unsigned char *store_keys_provider_key_get(struct db *db, const char *user_id, const char *provider,
				size_t *len);
enum store_rc store_keys_provider_key_delete(struct db *db, const char *user_id, const char *provider);
/* The user's stored keys (arena), by provider. */
struct key_info *store_keys_provider_key_list(struct db *db, struct arena *a, const char *user_id,
				   size_t *n);

#endif
