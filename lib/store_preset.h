/* store_preset.h — presets (docs/DATA-MODEL.md): a named choice of at most one
 * component of each type, picked on a chat to compose its system prompt.
 * Every query is scoped to the user. Results come from the arena given.
 *
 * The system prompt sent to a provider is composed, at the time of each
 * request, from the chat's current preset and the chat's own prompt, in
 * this fixed order, separated by a blank line, leaving out empty parts:
 *
 *     role, context, style, mode, the chat's own system prompt
 *
 * (who speaks, what it knows, how it writes, how it works; the chat's own
 * words last so they can refine everything before them). */
#ifndef CONFAB_STORE_PRESET_H
#define CONFAB_STORE_PRESET_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"
#include "store_component.h"

#define PRESET_NAME_MAX 100
#define PRESET_DESCRIPTION_MAX 500

struct preset {
	char id[UUID_BUF];
	const char *name, *description;
	/* Per slot (component_types order): the component's id and name, NULL
	 * when the slot is empty. */
	const char *comp_id[COMPONENT_TYPES];
	const char *comp_name[COMPONENT_TYPES];
	int slots;                 /* the slots the user filled when saving */
	int64_t usage_count;
	int64_t last_used_at;      /* 0 when never used */
	int64_t created_at, updated_at;
};

/* The slots that lost their component (bit i: slot i): an incomplete preset. */
int preset_missing(const struct preset *p);

enum preset_sort { PRESET_SORT_USED, PRESET_SORT_RECENT, PRESET_SORT_NAME };

/* All the user's presets, in the order asked; *out is an arena array. */
size_t preset_list(struct db *db, struct arena *a, const char *user_id,
		   enum preset_sort sort, struct preset **out);
enum store_rc preset_get(struct db *db, struct arena *a, const char *user_id,
			 const char *id, struct preset *out);
int64_t preset_count(struct db *db, const char *user_id);

/* Create or change a preset from comp_id[] (NULL or "" for an empty slot).
 * Each id given must be the user's component of that slot's type: when
 * one is not, STORE_CONFLICT with *bad_slot set to its slot, and nothing
 * is written. The caller checks that at least one slot is filled. */
enum store_rc preset_create(struct db *db, const char *user_id, const char *name,
			    const char *description, const char *const comp_id[COMPONENT_TYPES],
			    char id[UUID_BUF], int *bad_slot);
enum store_rc preset_update(struct db *db, const char *user_id, const char *id,
			    const char *name, const char *description,
			    const char *const comp_id[COMPONENT_TYPES], int *bad_slot);
/* Delete it; chats that used it keep their history and have no preset. */
enum store_rc preset_delete(struct db *db, const char *user_id, const char *id);

/* ---- presets on a chat ---- */

/* Make preset_id (NULL: none) the current preset of the user's chat, add
 * it to the chat's history, and count a use of the preset and of each of
 * its components (usage_count + 1, last_used_at = now). STORE_NOT_FOUND
 * when the chat or the preset is not the user's; STORE_EXISTS when it is
 * already the chat's preset (nothing changes). */
enum store_rc store_preset_chat_preset_use(struct db *db, const char *user_id, const char *chat_id,
			      const char *preset_id, int64_t now);

/* A new chat of the user's with preset_id as its preset (counted as a use),
 * in one transaction. Fills chat_id. STORE_NOT_FOUND if not the user's. */
enum store_rc store_preset_chat_create_with_preset(struct db *db, const char *user_id,
				      const char *preset_id, int64_t now, char chat_id[UUID_BUF]);

/* The chat's current preset's id into id: STORE_OK, or STORE_NOT_FOUND
 * when it has none. The caller has checked the chat is the user's. */
enum store_rc store_preset_chat_preset_id(struct db *db, const char *chat_id, char id[UUID_BUF]);

/* The presets to choose from on a chat page: no joins, most used first. */
struct preset_choice {
	char id[UUID_BUF];
	const char *name;
	int missing;               /* as preset_missing() */
};
size_t preset_choices(struct db *db, struct arena *a, const char *user_id,
		      struct preset_choice **out);

struct preset_change {
	const char *preset_id;    /* NULL: the preset was taken off */
	const char *name;         /* the preset's name at the time */
	int64_t at;
};
/* The chat's preset history, newest first, at most limit; *more set if
 * older entries exist. *out is an arena array. */
size_t store_preset_chat_preset_history(struct db *db, struct arena *a, const char *chat_id,
			   size_t limit, struct preset_change **out, int *more);

/* Set the chat's own instructions (chats.system_prompt), the last part of
 * the composition. STORE_NOT_FOUND when the chat is not the user's. */
enum store_rc store_preset_chat_instructions_set(struct db *db, const char *user_id, const char *chat_id,
				    const char *text);

/* The system prompt for the next request of a chat, composed as above.
 * Heap string ("" when none); the caller frees. */
char *store_preset_chat_system_prompt(struct db *db, const char *chat_id);
/* The composition itself: parts[] are role, context, style, mode (the
 * component_types order) and the chat's own prompt, each may be NULL or "".
 * Heap string. */
char *preset_compose(const char *const parts[COMPONENT_TYPES + 1]);

/* ---- the starter set (preset_starter.h) ---- */

/* 1 when the user was given the starter set. */
int preset_starter_given(struct db *db, const char *user_id);
/* Inside a transaction: record that the user is given it now. 1 if this
 * call recorded it, 0 if it was recorded before (or on an error). */
int preset_starter_mark(struct db *db, const char *user_id, int64_t now);

/* ---- limits ---- */

/* 1 when the user already has max presets (components = 0) or components
 * (= 1) or more: the plan's limit (plans.h; max < 0: no limit). */
int preset_limit_reached(struct db *db, int64_t max, const char *user_id, int components);

#endif
