/* preset_ui.h — the preset picker of a chat's settings page (templates/_preset_picker.html)
 * and the form it posts. Kept out of cgi-bin/chat.c so the chat page only
 * adds one call and one route. */
#ifndef CONFAB_PRESET_UI_H
#define CONFAB_PRESET_UI_H

#include "valid.h"

struct req;
struct tval;

/* Give the user the starter set on a first visit, then add "picker" to the
 * page context: the presets to choose from, the chat's current one (with a
 * warning when it is incomplete), its history and the chat's own
 * instructions. chat_id NULL: the new-chat page, whose picker starts a
 * chat with a preset. */
void preset_picker_add(struct req *r, struct tval *ctx, const char *chat_id,
		       const char *instructions);

/* Add "preset_name", the chat's preset's, when it has one: the chat page
 * says it; its settings page holds the picker. */
void preset_current_add(struct req *r, struct tval *ctx, const char *chat_id);

/* POST /chat/:id/preset (field preset: an id, or empty for none): switch
 * the chat's preset, then back to the chat. */
extern const struct field preset_use_fields[];
int preset_use_post(struct req *r);

/* POST /chat/:id/instructions (field instructions): set the chat's own
 * system prompt, the last part of the composition. A 400 shows the form
 * again with what was typed. */
extern const struct field chat_instructions_fields[];
int chat_instructions_post(struct req *r);

#endif
