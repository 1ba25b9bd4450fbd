/* presets — prompt presets (docs/DATA-MODEL.md): the list, create, edit, delete,
 * start a chat with one; the component library is in presets_components.c.
 * How a preset composes a system prompt: lib/store_preset.h. */
#include "presets.h"
#include "log.h"
#include "page.h"
#include "quota_http.h"
#include "preset_starter.h"
#include "session.h"
#include "store_preset.h"
#include "tz.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

const char *const presets_sorts[] = { "used", "recent", "name", NULL };

static const struct field list_fields[] = {
	{ "sort", V_ENUM, 0, 0, 0, presets_sorts, "Sort" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
/* One select per slot, named after the slot's type. */
static const struct field preset_fields[] = {
	{ "name", V_STRING, 1, 1, PRESET_NAME_MAX, NULL, "Name" },
	{ "description", V_TEXT, 0, 0, PRESET_DESCRIPTION_MAX, NULL, "Description" },
	{ "role", V_UUID, 0, 0, 0, NULL, "Role" },
	{ "style", V_UUID, 0, 0, 0, NULL, "Style" },
	{ "context", V_UUID, 0, 0, 0, NULL, "Context" },
	{ "mode", V_UUID, 0, 0, 0, NULL, "Mode" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field start_fields[] = {
	{ "preset", V_UUID, 1, 0, 0, NULL, "Preset" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

const char *presets_when(struct req *r, int64_t ms)
{
	char when[64];
	tz_format(r->user->timezone, ms, "%Y-%m-%d %H:%M", when, sizeof when);
	return arena_strdup(r->a, when);
}

const char *presets_usage(struct req *r, int64_t count, int64_t last_used_at)
{
	if (count == 0)
		return "Not used yet";
	return arena_printf(r->a, "Used %s%s%s", count == 1 ? "once" :
			    arena_printf(r->a, "%lld times", (long long)count),
			    last_used_at ? ", last " : "",
			    last_used_at ? presets_when(r, last_used_at) : "");
}

struct tval *presets_ctx(struct req *r, const char *title, const char *tab)
{
	struct tval *ctx = page_ctx(r, title, NULL);
	tv_set_bool(r->a, ctx, strcmp(tab, "presets") == 0 ? "tab_presets" : "tab_components", 1);
	return ctx;
}

void presets_first_visit(struct req *r)
{
	if (preset_starter_ensure(g.data_db, r->user->id))
		log_warn("could not give the starter presets (busy); next visit");
}

static enum preset_sort sort_of(const char *s)
{
	if (s && strcmp(s, "recent") == 0)
		return PRESET_SORT_RECENT;
	if (s && strcmp(s, "name") == 0)
		return PRESET_SORT_NAME;
	return PRESET_SORT_USED;
}

/* The list of a preset's slots for the page: filled ones with their
 * component, emptied ones with a warning; slots never filled are left out. */
static struct tval *slot_values(struct req *r, const struct preset *p)
{
	struct tval *list = tv_list(r->a);
	for (int i = 0; i < COMPONENT_TYPES; i++) {
		struct tval *x;
		if (!p->comp_id[i] && !(p->slots & (1 << i)))
			continue;
		x = tv_push(r->a, list, tv_map(r->a));
		tv_set(r->a, x, "label", tv_str_ref(r->a, component_type_labels[i]));
		if (p->comp_id[i]) {
			tv_set(r->a, x, "component_id", tv_str_ref(r->a, p->comp_id[i]));
			tv_set(r->a, x, "component", tv_str_ref(r->a, p->comp_name[i]));
		} else {
			tv_set_bool(r->a, x, "missing", 1);
		}
	}
	return list;
}

static int root_get(struct req *r)
{
	const char *sort = http_query(r, "sort");
	static const char *const labels[] = { "Most used", "Recently used", "Name" };
	struct preset *p;
	struct tval *ctx, *list, *sorts;
	size_t n;

	if (r->invalid)
		return page_error(r, 400, r->invalid);
	presets_first_visit(r);
	ctx = presets_ctx(r, "Presets", "presets");
	n = preset_list(g.data_db, r->a, r->user->id, sort_of(sort), &p);
	list = tv_set(r->a, ctx, "presets", tv_list(r->a));
	for (size_t i = 0; i < n; i++) {
		struct tval *x = tv_push(r->a, list, tv_map(r->a));
		tv_set_str(r->a, x, "id", p[i].id);
		tv_set(r->a, x, "name", tv_str_ref(r->a, p[i].name));
		tv_set(r->a, x, "description", tv_str_ref(r->a, p[i].description));
		tv_set(r->a, x, "slots", slot_values(r, &p[i]));
		tv_set_bool(r->a, x, "incomplete", preset_missing(&p[i]) != 0);
		tv_set(r->a, x, "usage", tv_str_ref(r->a, presets_usage(r, p[i].usage_count,
									p[i].last_used_at)));
	}
	tv_set_bool(r->a, ctx, "empty", n == 0);
	sorts = tv_set(r->a, ctx, "sorts", tv_list(r->a));
	for (int i = 0; presets_sorts[i]; i++) {
		struct tval *o = tv_push(r->a, sorts, tv_map(r->a));
		tv_set(r->a, o, "value", tv_str_ref(r->a, presets_sorts[i]));
		tv_set(r->a, o, "label", tv_str_ref(r->a, labels[i]));
		tv_set_bool(r->a, o, "selected", sort ? strcmp(sort, presets_sorts[i]) == 0 : i == 0);
	}
	return page_render(r, 200, "presets", ctx);
}

/* The preset form, new (id NULL) or an edit, showing name, description and
 * chosen[] (ids per slot, NULL for none); missing: the slots that lost
 * their component. */
static int show_form(struct req *r, int status, const char *error, const char *id,
		     const char *name, const char *description,
		     const char *const chosen[COMPONENT_TYPES], int missing)
{
	struct tval *ctx = presets_ctx(r, id ? "Edit preset" : "New preset", "presets");
	struct tval *f = tv_set(r->a, ctx, "form", tv_map(r->a));
	struct tval *slots = tv_set(r->a, f, "slots", tv_list(r->a));
	if (error)
		tv_set_str(r->a, ctx, "error", error);
	tv_set(r->a, f, "action", tv_str_ref(r->a, id ? arena_printf(r->a, "/presets/%s", id)
						 : "/presets"));
	tv_set_bool(r->a, f, "is_new", id == NULL);
	tv_set(r->a, f, "name", tv_str_ref(r->a, name ? name : ""));
	tv_set(r->a, f, "description", tv_str_ref(r->a, description ? description : ""));
	tv_set_int(r->a, f, "name_max", PRESET_NAME_MAX);
	tv_set_int(r->a, f, "description_max", PRESET_DESCRIPTION_MAX);
	for (int i = 0; i < COMPONENT_TYPES; i++) {
		struct tval *s = tv_push(r->a, slots, tv_map(r->a)), *opts;
		struct component *c;
		int more;
		size_t n = component_list(g.data_db, r->a, r->user->id, component_types[i], NULL,
					  NULL, SORT_NAME, 500, &c, &more);
		tv_set(r->a, s, "type", tv_str_ref(r->a, component_types[i]));
		tv_set(r->a, s, "label", tv_str_ref(r->a, component_type_labels[i]));
		tv_set_bool(r->a, s, "missing", (missing & (1 << i)) != 0);
		tv_set_bool(r->a, s, "none_yet", n == 0);
		opts = tv_set(r->a, s, "options", tv_list(r->a));
		for (size_t k = 0; k < n; k++) {
			struct tval *o = tv_push(r->a, opts, tv_map(r->a));
			tv_set_str(r->a, o, "id", c[k].id);
			tv_set(r->a, o, "name", tv_str_ref(r->a, c[k].name));
			tv_set_bool(r->a, o, "selected", chosen[i] && strcmp(chosen[i], c[k].id) == 0);
		}
	}
	return page_render(r, status, "preset_form", ctx);
}

static int new_get(struct req *r)
{
	const char *none[COMPONENT_TYPES] = { NULL, NULL, NULL, NULL };
	presets_first_visit(r);
	return show_form(r, 200, NULL, NULL, "", "", none, 0);
}

/* The preset id from the path, or NULL (then 404). */
static const char *id_param(struct req *r)
{
	return r->nparams == 1 && uuid_valid(r->params[0]) ? r->params[0] : NULL;
}

static int edit_get(struct req *r)
{
	const char *id = id_param(r);
	struct preset p;
	if (!id || preset_get(g.data_db, r->a, r->user->id, id, &p) != STORE_OK)
		return page_error(r, 404, "There is no such preset.");
	return show_form(r, 200, NULL, id, p.name, p.description,
			 (const char *const *)p.comp_id, preset_missing(&p));
}

/* Create (id NULL) or update from the form; the checks both share. */
static int save(struct req *r, const char *id, int missing)
{
	const char *chosen[COMPONENT_TYPES], *name = http_form(r, "name");
	const char *description = http_form(r, "description"), *trimmed;
	int filled = 0, bad = -1;
	int64_t limit;
	char new_id[UUID_BUF];
	enum store_rc rc;

	for (int i = 0; i < COMPONENT_TYPES; i++) {
		chosen[i] = http_form(r, component_types[i]);
		if (chosen[i] && !*chosen[i])
			chosen[i] = NULL;
		filled += chosen[i] != NULL;
	}
	if (r->invalid)
		return show_form(r, 400, r->invalid, id, name, description, chosen, missing);
	trimmed = text_trim(r->a, name);
	if (!*trimmed)
		return show_form(r, 400, "Name must not be blank.", id, name, description, chosen,
				 missing);
	if (!filled)
		return show_form(r, 400, "Choose at least one component: a role, a style, a "
				 "context or a mode.", id, name, description, chosen, missing);
	limit = user_plan(r)->max_presets;
	if (!id && preset_limit_reached(g.data_db, limit, r->user->id, 0))
		return show_form(r, 402, arena_printf(r->a, "Your plan allows %lld presets. Delete "
						      "one you no longer use to make room.",
						      (long long)limit),
				 id, name, description, chosen, missing);
	rc = id ? preset_update(g.data_db, r->user->id, id, trimmed, description, chosen, &bad)
		: preset_create(g.data_db, r->user->id, trimmed, description, chosen, new_id, &bad);
	switch (rc) {
	case STORE_OK:
		flash_set(r, id ? "Preset saved." : "Preset created.");
		return http_redirect(r, "/presets");
	case STORE_CONFLICT:
		/* Another user's component, or one of another type: refused,
		 * without saying whether it exists. */
		chosen[bad] = NULL;
		return show_form(r, 400, arena_printf(r->a, "The %s you chose is not one of your %s "
						      "components. Choose another.",
						      component_types[bad], component_types[bad]),
				 id, name, description, chosen, missing);
	case STORE_NOT_FOUND:
		return page_error(r, 404, "There is no such preset.");
	default:
		return show_form(r, 503, "The server is busy; nothing was saved. Try again.",
				 id, name, description, chosen, missing);
	}
}

static int create_post(struct req *r)
{
	return save(r, NULL, 0);
}

static int update_post(struct req *r)
{
	const char *id = id_param(r);
	struct preset p;
	if (!id || preset_get(g.data_db, r->a, r->user->id, id, &p) != STORE_OK)
		return page_error(r, 404, "There is no such preset.");
	return save(r, id, preset_missing(&p));
}

static int delete_post(struct req *r)
{
	const char *id = id_param(r);
	enum store_rc rc = id ? preset_delete(g.data_db, r->user->id, id) : STORE_NOT_FOUND;
	if (rc == STORE_NOT_FOUND)
		return page_error(r, 404, "There is no such preset.");
	if (rc != STORE_OK)
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	flash_set(r, "Preset deleted.");
	return http_redirect(r, "/presets");
}

/* A new chat using the preset: from the list (id in the path) or from the
 * new-chat page (field preset). */
static int start_chat(struct req *r, const char *preset_id)
{
	char chat_id[UUID_BUF];
	if (!preset_id)
		return page_error(r, 404, "There is no such preset.");
	switch (store_preset_chat_create_with_preset(g.data_db, r->user->id, preset_id, now_ms(), chat_id)) {
	case STORE_OK:
		return http_redirect(r, arena_printf(r->a, "/chat/%s", chat_id));
	case STORE_NOT_FOUND:
		return page_error(r, 404, "There is no such preset.");
	default:
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	}
}

static int chat_post(struct req *r)
{
	return start_chat(r, id_param(r));
}

static int start_post(struct req *r)
{
	if (r->invalid)
		return page_error(r, 400, r->invalid);
	return start_chat(r, http_form(r, "preset"));
}

/* First match wins: the fixed paths come before the ":id" ones. */
static const struct route routes[] = {
	{ "GET", "/presets", root_get, ROUTE_LOGIN, list_fields },
	{ "POST", "/presets", create_post, ROUTE_LOGIN | ROUTE_FORM_ERRORS, preset_fields },
	{ "GET", "/presets/new", new_get, ROUTE_LOGIN, NULL },
	{ "POST", "/presets/start", start_post, ROUTE_LOGIN, start_fields },
	{ "GET", "/presets/components", component_list_get, ROUTE_LOGIN, component_list_fields },
	{ "POST", "/presets/components", component_create_post, ROUTE_LOGIN | ROUTE_FORM_ERRORS,
	  component_create_fields },
	{ "GET", "/presets/components/new", component_new_get, ROUTE_LOGIN | ROUTE_FORM_ERRORS,
	  component_new_fields },
	{ "GET", "/presets/components/:id", component_edit_get, ROUTE_LOGIN, NULL },
	{ "POST", "/presets/components/:id", component_update_post, ROUTE_LOGIN | ROUTE_FORM_ERRORS,
	  component_update_fields },
	{ "POST", "/presets/components/:id/delete", component_delete_post, ROUTE_LOGIN, NULL },
	{ "GET", "/presets/:id", edit_get, ROUTE_LOGIN, NULL },
	{ "POST", "/presets/:id", update_post, ROUTE_LOGIN | ROUTE_FORM_ERRORS, preset_fields },
	{ "POST", "/presets/:id/delete", delete_post, ROUTE_LOGIN, NULL },
	{ "POST", "/presets/:id/chat", chat_post, ROUTE_LOGIN, NULL },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "presets", routes, COUNTOF(routes));
}
