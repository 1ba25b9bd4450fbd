/* own_key.h — whose key pays for a user's request: theirs, when they
 * stored one for the model's provider (Settings), else the server's. The
 * send asks it to know whether to hold the plan's credits (quota_http.c
 * quota_for: a request on the user's own key costs the operator nothing),
 * the worker to pick the key it sends (worker/stream.c); one function, so
 * the two never disagree. */
#ifndef CONFAB_OWN_KEY_H
#define CONFAB_OWN_KEY_H

#include "db.h"

enum own_key {
	OWN_KEY_NONE,        /* none stored: the server's key pays */
	OWN_KEY_PAYS,        /* the user's own key pays */
	OWN_KEY_UNREADABLE,  /* one is stored but cannot be opened (the server's key
				file changed): the request fails rather than fall
				back to the server's key behind the user's back */
};

/* Does user_id's own key for provider pay for their request? user_db NULL:
 * no keys are kept (OWN_KEY_NONE). With key NULL, only whether one is
 * stored is asked. With key set, it is opened too, under master (NULL:
 * the server has no key file, so it cannot be), into *key (keybox_free)
 * for OWN_KEY_PAYS, NULL otherwise. */
enum own_key own_key_for(struct db *user_db, const unsigned char *master, const char *user_id,
			 const char *provider, char **key);

#endif
