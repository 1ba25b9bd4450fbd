/* own_key.c — see own_key.h. */
#include "own_key.h"
#include "keybox.h"
#include "store_keys.h"

#include <stdlib.h>

enum own_key own_key_for(struct db *user_db, const unsigned char *master, const char *user_id,
			 const char *provider, char **key)
{
	unsigned char *sealed;
	size_t len;
	if (key)
		*key = NULL;
	if (!user_db || !(sealed = store_keys_provider_key_get(user_db, user_id, provider, &len)))
		return OWN_KEY_NONE;
	if (key && master)
		*key = keybox_open(master, user_id, provider, sealed, len);
	free(sealed);
	return !key || *key ? OWN_KEY_PAYS : OWN_KEY_UNREADABLE;
}
