/* store_model.h — the model registry's rows in data.db: models added with
 * `confab model add` (table models) and the on/off switch of any model
 * (table model_state). lib/models.c merges them with the config's. */
#ifndef CONFAB_STORE_MODEL_H
#define CONFAB_STORE_MODEL_H

#include <stdint.h>
#include "db.h"
#include "store_user.h"

struct model_row {
	const char *id, *provider, *name, *api_model;
	int64_t context, max_output;
	int images, pdfs, reasoning;
	int64_t price_in, price_out;  /* micro-dollars per million tokens, >= 0 */
};

/* Add a model; STORE_EXISTS if the id is taken in the table. */
enum store_rc model_add(struct db *db, const struct model_row *m, int64_t now);
/* Remove an added model (not one from the config); STORE_NOT_FOUND. */
enum store_rc model_remove(struct db *db, const char *id);
/* Switch a model on or off, wherever it is defined. */
enum store_rc model_set_active(struct db *db, const char *id, int active, int64_t now);

/* fn for every added model (strings live until fn returns). */
void model_each_added(struct db *db, void (*fn)(void *ctx, const struct model_row *m),
		      void *ctx);
/* 1 or 0 for a model with a switch, -1 for one without. */
int model_state(struct db *db, const char *id);
/* Text that changes whenever either table changes (size 64). */
void model_registry_stamp(struct db *db, char out[64]);

#endif
