/* store_plan.h — `confab plan set`'s changes to the plans, kept in data.db
 * plan_settings (docs/DATA-MODEL.md); lib/plans.c layers them over the
 * config's. */
#ifndef CONFAB_STORE_PLAN_H
#define CONFAB_STORE_PLAN_H

#include <stdint.h>
#include "db.h"

/* "COUNT.LATEST": changes whenever a setting is added or changed, so a
 * process can tell cheaply that it must reload the plans. */
void plan_settings_stamp(struct db *db, char out[64]);
/* Call fn for each stored setting, oldest change first (a later one wins). */
void plan_settings_each(struct db *db,
			void (*fn)(void *arg, const char *plan, const char *key,
				   const char *value),
			void *arg);
/* Store one of `confab plan set`'s changes. 0 or -1. */
int plan_setting_put(struct db *db, const char *plan, const char *key, const char *value,
		     int64_t now);

#endif
