/* store_component.h — prompt components in data.db (docs/DATA-MODEL.md): a named
 * piece of system prompt of one of four types. Every query is scoped to
 * the user: another user's component id finds nothing. Results come from
 * the arena given. */
#ifndef CONFAB_STORE_COMPONENT_H
#define CONFAB_STORE_COMPONENT_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"
#include "store_user.h"
#include "tags.h"

/* The four types, in the order a preset composes them (store_preset.h); a
 * preset has one slot per type and slot i is bit (1 << i) of presets.slots. */
#define COMPONENT_TYPES 4
extern const char *const component_types[COMPONENT_TYPES + 1]; /* NULL-ended */
extern const char *const component_type_labels[COMPONENT_TYPES]; /* "Role" ... */
/* The index of a type name, or -1. */
int component_type_index(const char *type);

/* Field limits (the specification's); tags: tags.h. */
#define COMPONENT_NAME_MAX 100
#define COMPONENT_CONTENT_MAX 5000
#define COMPONENT_DESCRIPTION_MAX 500

struct component {
	char id[UUID_BUF];
	const char *type, *name, *content, *description;
	const char *tags;          /* "a,b": normalised, "" when none */
	int64_t usage_count;
	int64_t last_used_at;      /* 0 when never used */
	int64_t created_at, updated_at;
};

enum component_sort { SORT_USED, SORT_RECENT, SORT_NAME };

/* The user's components: type (NULL: all), q (NULL or "": any; else the
 * name or the tags contain it, ASCII case ignored), tag (NULL or "": any;
 * else exactly this tag), in the order asked. At most limit, *more set if
 * there were more. Returns the count; *out is an arena array. */
size_t component_list(struct db *db, struct arena *a, const char *user_id,
		      const char *type, const char *q, const char *tag,
		      enum component_sort sort, size_t limit, struct component **out,
		      int *more);
enum store_rc component_get(struct db *db, struct arena *a, const char *user_id,
			    const char *id, struct component *out);
/* Number of components the user has. */
int64_t component_count(struct db *db, const char *user_id);

/* Create one; tags already normalised. Fills id. */
enum store_rc component_create(struct db *db, const char *user_id, const char *type,
			       const char *name, const char *content,
			       const char *description, const char *tags, char id[UUID_BUF]);
/* Change name, content, description and tags (never the type: presets
 * hold it in a slot of that type). */
enum store_rc component_update(struct db *db, const char *user_id, const char *id,
			       const char *name, const char *content,
			       const char *description, const char *tags);
/* Delete it; the presets that held it keep their other components (SET
 * NULL). *presets_hit, when not NULL, is set to how many held it. */
enum store_rc component_delete(struct db *db, const char *user_id, const char *id,
			       int64_t *presets_hit);

#endif
