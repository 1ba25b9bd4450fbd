/* preset_starter.h — the few components (and one preset made of them) a
 * new account starts with, so the preset picker is never empty and the
 * user sees what a component looks like. They are ordinary rows: the user
 * may edit or delete them, and they are given once per account. */
#ifndef CONFAB_PRESET_STARTER_H
#define CONFAB_PRESET_STARTER_H

#include "db.h"

/* Give the user the starter set unless they were given it before (the
 * first visit to the presets page or a chat page). Cheap when already
 * given: one primary-key lookup. 0, or -1 when the database was busy (the
 * next visit tries again). */
int preset_starter_ensure(struct db *db, const char *user_id);

#endif
