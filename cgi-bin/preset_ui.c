/* preset_ui.c — see preset_ui.h. */
#include "preset_ui.h"
#include "app.h"
#include "log.h"
#include "page.h"
#include "preset_starter.h"
#include "session.h"
#include "store_chat.h"
#include "store_preset.h"
#include "tz.h"
#include "util.h"

#include <string.h>

#define HISTORY_SHOWN 20

#define INSTRUCTIONS_MAX 5000

const struct field preset_use_fields[] = {
	{ "preset", V_UUID, 0, 0, 0, NULL, "Preset" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
const struct field chat_instructions_fields[] = {
	{ "instructions", V_TEXT, 0, 0, INSTRUCTIONS_MAX, NULL, "Instructions" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

/* "role and mode" — the names of the slots in mask, for a sentence (arena). */
static const char *slot_words(struct arena *a, int mask)
{
	const char *s = "";
	int total = 0, done = 0;
	for (int i = 0; i < COMPONENT_TYPES; i++)
		total += (mask >> i) & 1;
	for (int i = 0; i < COMPONENT_TYPES; i++) {
		if (!(mask & (1 << i)))
			continue;
		done++;
		s = arena_printf(a, "%s%s%s", s, done == 1 ? "" : done == total ? " and " : ", ",
				 component_types[i]);
	}
	return s;
}

static void add_history(struct req *r, struct tval *picker, const char *chat_id)
{
	struct preset_change *h;
	int more;
	size_t n = store_preset_chat_preset_history(g.data_db, r->a, chat_id, HISTORY_SHOWN, &h, &more);
	struct tval *list = tv_set(r->a, picker, "history", tv_list(r->a));
	for (size_t i = 0; i < n; i++) {
		struct tval *x = tv_push(r->a, list, tv_map(r->a));
		char when[64];
		tv_set(r->a, x, "name", tv_str_ref(r->a, h[i].name));
		tv_set_bool(r->a, x, "none", h[i].preset_id == NULL);
		tz_format(r->user->timezone, h[i].at, "%Y-%m-%d %H:%M", when, sizeof when);
		tv_set_str(r->a, x, "when", when);
		tz_format(r->user->timezone, h[i].at, "%Y-%m-%dT%H:%M:%S%z", when, sizeof when);
		tv_set_str(r->a, x, "when_iso", when);
	}
	tv_set_int(r->a, picker, "history_count", (int64_t)n);
	tv_set_bool(r->a, picker, "history_more", more);
}

void preset_picker_add(struct req *r, struct tval *ctx, const char *chat_id,
		       const char *instructions)
{
	struct tval *picker = tv_set(r->a, ctx, "picker", tv_map(r->a));
	struct tval *options;
	struct preset_choice *list;
	char cur[UUID_BUF] = "";
	size_t n;

	if (preset_starter_ensure(g.data_db, r->user->id))
		log_warn("could not give the starter presets (busy); next visit");
	if (chat_id) {
		if (store_preset_chat_preset_id(g.data_db, chat_id, cur) != STORE_OK)
			cur[0] = '\0';
		tv_set(r->a, picker, "action",
		       tv_str_ref(r->a, arena_printf(r->a, "/chat/%s/preset", chat_id)));
		add_history(r, picker, chat_id);
		tv_set(r->a, picker, "instructions_action",
		       tv_str_ref(r->a, arena_printf(r->a, "/chat/%s/instructions", chat_id)));
		tv_set(r->a, picker, "instructions", tv_str_ref(r->a, instructions ? instructions : ""));
		tv_set_int(r->a, picker, "instructions_max", INSTRUCTIONS_MAX);
	} else {
		tv_set(r->a, picker, "action", tv_str_ref(r->a, "/presets/start"));
		tv_set_bool(r->a, picker, "new_chat", 1);
	}
	n = preset_choices(g.data_db, r->a, r->user->id, &list);
	options = tv_set(r->a, picker, "options", tv_list(r->a));
	for (size_t i = 0; i < n; i++) {
		struct tval *o = tv_push(r->a, options, tv_map(r->a));
		int selected = *cur && strcmp(cur, list[i].id) == 0;
		tv_set_str(r->a, o, "id", list[i].id);
		tv_set(r->a, o, "name", tv_str_ref(r->a, list[i].name));
		tv_set_bool(r->a, o, "incomplete", list[i].missing != 0);
		tv_set_bool(r->a, o, "selected", selected);
		if (selected) {
			/* The chat's current preset, with a warning when incomplete. */
			struct tval *c = tv_set(r->a, picker, "current", tv_map(r->a));
			tv_set_str(r->a, c, "id", list[i].id);
			tv_set(r->a, c, "name", tv_str_ref(r->a, list[i].name));
			if (list[i].missing)
				tv_set(r->a, c, "missing",
				       tv_str_ref(r->a, slot_words(r->a, list[i].missing)));
		}
	}
	tv_set_bool(r->a, picker, "has_options", n > 0);
}

void preset_current_add(struct req *r, struct tval *ctx, const char *chat_id)
{
	char cur[UUID_BUF];
	struct preset p;
	if (store_preset_chat_preset_id(g.data_db, chat_id, cur) == STORE_OK && *cur &&
	    preset_get(g.data_db, r->a, r->user->id, cur, &p) == STORE_OK)
		tv_set(r->a, ctx, "preset_name", tv_str_ref(r->a, p.name));
}

int preset_use_post(struct req *r)
{
	const char *chat_id = r->params[0], *preset_id = http_form(r, "preset");
	struct preset p;
	const char *back;

	if (!uuid_valid(chat_id))
		return page_error(r, 404, "There is no such chat.");
	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (preset_id && !*preset_id)
		preset_id = NULL;
	if (preset_id && preset_get(g.data_db, r->a, r->user->id, preset_id, &p) != STORE_OK)
		return page_error(r, 404, "There is no such preset.");
	back = arena_printf(r->a, "/chat/%s", chat_id);
	switch (store_preset_chat_preset_use(g.data_db, r->user->id, chat_id, preset_id, now_ms())) {
	case STORE_OK:
		/* A flash holds 300 bytes: a long name is left out. */
		flash_set(r, !preset_id ? "This chat no longer uses a preset."
			     : strlen(p.name) > 200 ? "This chat now uses the preset you chose."
			     : arena_printf(r->a, "This chat now uses the preset “%s”.", p.name));
		return http_redirect(r, back);
	case STORE_EXISTS:
		flash_set(r, preset_id ? "This chat already uses that preset."
				       : "This chat uses no preset.");
		return http_redirect(r, back);
	case STORE_NOT_FOUND:
		/* The chat (the preset was found above, or none was asked). */
		return page_error(r, 404, "There is no such chat.");
	default:
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	}
}

int chat_instructions_post(struct req *r)
{
	const char *chat_id = r->params[0], *text = http_form(r, "instructions");
	struct tval *ctx, *f;
	struct chat c;

	if (!uuid_valid(chat_id) || store_chat_get(g.data_db, r->a, r->user->id, chat_id, &c) != STORE_OK)
		return page_error(r, 404, "There is no such chat.");
	if (r->invalid) {
		/* The form alone, with what was typed and why it was refused. */
		ctx = page_ctx(r, "Instructions for this chat", chat_id);
		f = tv_set(r->a, ctx, "picker", tv_map(r->a));
		tv_set_str(r->a, ctx, "error", r->invalid);
		tv_set(r->a, ctx, "chat_title", tv_str_ref(r->a, *c.title ? c.title : "New chat"));
		tv_set(r->a, ctx, "back", tv_str_ref(r->a, arena_printf(r->a, "/chat/%s", chat_id)));
		tv_set(r->a, f, "instructions_action",
		       tv_str_ref(r->a, arena_printf(r->a, "/chat/%s/instructions", chat_id)));
		tv_set(r->a, f, "instructions", tv_str_ref(r->a, text ? text : ""));
		tv_set_int(r->a, f, "instructions_max", INSTRUCTIONS_MAX);
		tv_set_bool(r->a, f, "open", 1);
		return page_render(r, 400, "chat_instructions", ctx);
	}
	switch (store_preset_chat_instructions_set(g.data_db, r->user->id, chat_id, text ? text : "")) {
	case STORE_OK:
		flash_set(r, text && *text ? "Instructions saved: they follow the preset in the "
					     "system prompt." : "Instructions removed.");
		return http_redirect(r, arena_printf(r->a, "/chat/%s", chat_id));
	case STORE_NOT_FOUND:
		return page_error(r, 404, "There is no such chat.");
	default:
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	}
}
