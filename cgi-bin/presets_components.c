/* presets_components.c — the component library: list (by type, sorted,
 * searched by name and tag), create, edit and delete. */
#include "presets.h"
#include "esc.h"
#include "page.h"
#include "quota_http.h"
#include "session.h"
#include "store_preset.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define LIST_LIMIT 200

const struct field component_list_fields[] = {
	{ "type", V_ENUM, 0, 0, 0, component_types, "Type" },
	{ "sort", V_ENUM, 0, 0, 0, presets_sorts, "Sort" },
	{ "q", V_STRING, 0, 0, 100, NULL, "Search" },
	{ "tag", V_STRING, 0, 0, TAG_CHARS, NULL, "Tag" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
const struct field component_new_fields[] = {
	{ "type", V_ENUM, 0, 0, 0, component_types, "Type" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
/* The fields both forms share come after the type. */
#define COMPONENT_FIELDS \
	{ "name", V_STRING, 1, 1, COMPONENT_NAME_MAX, NULL, "Name" }, \
	{ "content", V_TEXT, 1, 1, COMPONENT_CONTENT_MAX, NULL, "Content" }, \
	{ "description", V_TEXT, 0, 0, COMPONENT_DESCRIPTION_MAX, NULL, "Description" }, \
	{ "tags", V_STRING, 0, 0, 500, NULL, "Tags" }, \
	{ NULL, 0, 0, 0, 0, NULL, NULL }
const struct field component_create_fields[] = {
	{ "type", V_ENUM, 1, 0, 0, component_types, "Type" },
	COMPONENT_FIELDS
};
const struct field component_update_fields[] = { COMPONENT_FIELDS };

static enum component_sort sort_of(const char *s)
{
	if (s && strcmp(s, "recent") == 0)
		return SORT_RECENT;
	if (s && strcmp(s, "name") == 0)
		return SORT_NAME;
	return SORT_USED;
}

/* The type choices of a filter or form, `selected` chosen. all: offer
 * "All types" (value "") first. */
static struct tval *type_options(struct req *r, const char *selected, int all)
{
	struct tval *list = tv_list(r->a);
	if (all) {
		struct tval *o = tv_push(r->a, list, tv_map(r->a));
		tv_set(r->a, o, "value", tv_str_ref(r->a, ""));
		tv_set(r->a, o, "label", tv_str_ref(r->a, "All types"));
		tv_set_bool(r->a, o, "selected", !selected || !*selected);
	}
	for (int i = 0; i < COMPONENT_TYPES; i++) {
		struct tval *o = tv_push(r->a, list, tv_map(r->a));
		tv_set(r->a, o, "value", tv_str_ref(r->a, component_types[i]));
		tv_set(r->a, o, "label", tv_str_ref(r->a, component_type_labels[i]));
		tv_set_bool(r->a, o, "selected", selected && strcmp(selected, component_types[i]) == 0);
	}
	return list;
}

static struct tval *sort_options(struct req *r, const char *selected)
{
	static const char *const labels[] = { "Most used", "Recently used", "Name" };
	struct tval *list = tv_list(r->a);
	for (int i = 0; presets_sorts[i]; i++) {
		struct tval *o = tv_push(r->a, list, tv_map(r->a));
		tv_set(r->a, o, "value", tv_str_ref(r->a, presets_sorts[i]));
		tv_set(r->a, o, "label", tv_str_ref(r->a, labels[i]));
		tv_set_bool(r->a, o, "selected", selected ? strcmp(selected, presets_sorts[i]) == 0
							  : i == 0);
	}
	return list;
}

static const char *url_escaped(struct req *r, const char *s)
{
	struct buf b = BUF_INIT;
	const char *out;
	esc_url(&b, s, strlen(s));
	out = arena_strdup(r->a, buf_str(&b));
	buf_free(&b);
	return out;
}

/* The stored "a,b" tags as a list of {tag, url}. */
static struct tval *tag_list(struct req *r, const char *tags)
{
	struct tval *list = tv_list(r->a);
	while (*tags) {
		const char *end = strchr(tags, ',');
		size_t n = end ? (size_t)(end - tags) : strlen(tags);
		const char *t = arena_strndup(r->a, tags, n);
		struct tval *x = tv_push(r->a, list, tv_map(r->a));
		tv_set(r->a, x, "tag", tv_str_ref(r->a, t));
		tv_set(r->a, x, "tag_url", tv_str_ref(r->a, url_escaped(r, t)));
		tags += n + (end ? 1 : 0);
	}
	return list;
}

/* Stored tags "a,b" as the form shows them: "a, b" (arena). */
static const char *tags_for_reading(struct req *r, const char *tags)
{
	struct buf b = BUF_INIT;
	const char *out;
	for (const char *p = tags; *p; p++) {
		if (*p == ',')
			buf_puts(&b, ", ");
		else
			buf_putc(&b, *p);
	}
	out = arena_strdup(r->a, buf_str(&b));
	buf_free(&b);
	return out;
}

int component_list_get(struct req *r)
{
	const char *type = http_query(r, "type"), *q = http_query(r, "q");
	const char *tag = http_query(r, "tag"), *sort = http_query(r, "sort");
	struct component *c;
	struct tval *ctx, *list;
	int more;
	size_t n;
	int ti;

	if (r->invalid)
		return page_error(r, 400, r->invalid);
	presets_first_visit(r);
	ti = component_type_index(type);
	ctx = presets_ctx(r, ti >= 0 ? arena_printf(r->a, "Components: %s",
						    component_type_labels[ti])
				     : "Components", "components");
	n = component_list(g.data_db, r->a, r->user->id, type, q, tag, sort_of(sort), LIST_LIMIT,
			   &c, &more);
	list = tv_set(r->a, ctx, "components", tv_list(r->a));
	for (size_t i = 0; i < n; i++) {
		struct tval *x = tv_push(r->a, list, tv_map(r->a));
		tv_set_str(r->a, x, "id", c[i].id);
		tv_set(r->a, x, "type", tv_str_ref(r->a, c[i].type));
		tv_set(r->a, x, "type_label",
		       tv_str_ref(r->a, component_type_labels[component_type_index(c[i].type)]));
		tv_set(r->a, x, "name", tv_str_ref(r->a, c[i].name));
		tv_set(r->a, x, "content", tv_str_ref(r->a, c[i].content));
		tv_set(r->a, x, "description", tv_str_ref(r->a, c[i].description));
		tv_set(r->a, x, "tags", tag_list(r, c[i].tags));
		tv_set_bool(r->a, x, "has_tags", *c[i].tags != '\0');
		tv_set(r->a, x, "usage", tv_str_ref(r->a, presets_usage(r, c[i].usage_count,
									c[i].last_used_at)));
	}
	tv_set_bool(r->a, ctx, "empty", n == 0);
	tv_set_bool(r->a, ctx, "more", more);
	tv_set_int(r->a, ctx, "limit", LIST_LIMIT);
	tv_set(r->a, ctx, "types", type_options(r, type, 1));
	tv_set(r->a, ctx, "sorts", sort_options(r, sort));
	tv_set(r->a, ctx, "q", tv_str_ref(r->a, q ? q : ""));
	if (tag && *tag) {
		tv_set(r->a, ctx, "tag", tv_str_ref(r->a, tag));
		tv_set(r->a, ctx, "filtered", tv_bool(r->a, 1));
	}
	if ((q && *q) || (type && *type))
		tv_set_bool(r->a, ctx, "filtered", 1);
	tv_set(r->a, ctx, "new_type", tv_str_ref(r->a, ti >= 0 ? component_types[ti] : "role"));
	return page_render(r, 200, "components", ctx);
}

/* The component form: for a new one (id NULL) or an edit; the values
 * shown come from c, status and error (may be NULL) as given. */
static int show_form(struct req *r, int status, const char *error, const char *id,
		     const struct component *c)
{
	int ti = component_type_index(c->type);
	struct tval *ctx = presets_ctx(r, id ? arena_printf(r->a, "Edit %s", c->name)
					     : "New component", "components");
	struct tval *f = tv_set(r->a, ctx, "form", tv_map(r->a));
	if (error)
		tv_set_str(r->a, ctx, "error", error);
	if (id) {
		tv_set(r->a, f, "id", tv_str_ref(r->a, id));
		tv_set(r->a, f, "action", tv_str_ref(r->a, arena_printf(r->a, "/presets/components/%s", id)));
		tv_set(r->a, f, "type_label",
		       tv_str_ref(r->a, ti >= 0 ? component_type_labels[ti] : c->type));
	} else {
		tv_set(r->a, f, "action", tv_str_ref(r->a, "/presets/components"));
		tv_set_bool(r->a, f, "is_new", 1);
		tv_set(r->a, f, "types", type_options(r, c->type, 0));
	}
	tv_set(r->a, f, "name", tv_str_ref(r->a, c->name ? c->name : ""));
	tv_set(r->a, f, "content", tv_str_ref(r->a, c->content ? c->content : ""));
	tv_set(r->a, f, "description", tv_str_ref(r->a, c->description ? c->description : ""));
	tv_set(r->a, f, "tags", tv_str_ref(r->a, c->tags ? c->tags : ""));
	tv_set_int(r->a, f, "name_max", COMPONENT_NAME_MAX);
	tv_set_int(r->a, f, "content_max", COMPONENT_CONTENT_MAX);
	tv_set_int(r->a, f, "description_max", COMPONENT_DESCRIPTION_MAX);
	return page_render(r, status, "component_form", ctx);
}

int component_new_get(struct req *r)
{
	struct component c;
	const char *type = http_query(r, "type");
	memset(&c, 0, sizeof c);
	c.type = !r->invalid && type && *type ? type : "role";
	presets_first_visit(r);
	return show_form(r, 200, NULL, NULL, &c);
}

/* What the user typed, as a component, for showing the form again. */
static void typed(struct req *r, struct component *c, const char *type)
{
	const char *tags = http_form(r, "tags");
	memset(c, 0, sizeof *c);
	c->type = type;
	c->name = http_form(r, "name");
	c->content = http_form(r, "content");
	c->description = http_form(r, "description");
	c->tags = tags ? tags : "";
}

/* Check what the form carries beyond the declared fields: a name that is
 * not only spaces, and tags that normalise. NULL when fine; else the
 * message. Sets *name and *tags to the values to store. */
static const char *check_component(struct req *r, const char **name, const char **tags)
{
	const char *err = NULL, *t = http_form(r, "tags");
	if (r->invalid)
		return r->invalid;
	*name = text_trim(r->a, http_form(r, "name"));
	if (!**name)
		return "Name must not be blank.";
	if (!*text_trim(r->a, http_form(r, "content")))
		return "Content must not be blank.";
	*tags = tags_normalize(r->a, t ? t : "", &err);
	return err;
}

int component_create_post(struct req *r)
{
	const char *type = http_form(r, "type"), *name, *tags, *err;
	struct component c;
	int64_t limit;
	char id[UUID_BUF];

	typed(r, &c, component_type_index(type) >= 0 ? type : "role");
	if ((err = check_component(r, &name, &tags)))
		return show_form(r, 400, err, NULL, &c);
	/* The plan's limit on components (plans.h). */
	limit = user_plan(r)->max_components;
	if (preset_limit_reached(g.data_db, limit, r->user->id, 1))
		return show_form(r, 402, arena_printf(r->a, "Your plan allows %lld components. "
						      "Delete one you no longer use to make room.",
						      (long long)limit), NULL, &c);
	if (component_create(g.data_db, r->user->id, type, name, http_form(r, "content"),
			     http_form(r, "description"), tags, id) != STORE_OK)
		return show_form(r, 503, "The server is busy; nothing was saved. Try again.", NULL, &c);
	flash_set(r, "Component created.");
	return http_redirect(r, arena_printf(r->a, "/presets/components?type=%s", type));
}

/* The component id from the path, or NULL (then 404). */
static const char *id_param(struct req *r)
{
	return r->nparams == 1 && uuid_valid(r->params[0]) ? r->params[0] : NULL;
}

int component_edit_get(struct req *r)
{
	const char *id = id_param(r);
	struct component c;
	if (!id || component_get(g.data_db, r->a, r->user->id, id, &c) != STORE_OK)
		return page_error(r, 404, "There is no such component.");
	c.tags = tags_for_reading(r, c.tags);
	return show_form(r, 200, NULL, id, &c);
}

int component_update_post(struct req *r)
{
	const char *id = id_param(r), *name, *tags, *err;
	struct component c, now;
	if (!id || component_get(g.data_db, r->a, r->user->id, id, &now) != STORE_OK)
		return page_error(r, 404, "There is no such component.");
	typed(r, &c, now.type);
	if ((err = check_component(r, &name, &tags)))
		return show_form(r, 400, err, id, &c);
	switch (component_update(g.data_db, r->user->id, id, name, http_form(r, "content"),
				 http_form(r, "description"), tags)) {
	case STORE_OK:
		flash_set(r, "Component saved.");
		return http_redirect(r, arena_printf(r->a, "/presets/components?type=%s", now.type));
	case STORE_NOT_FOUND:
		return page_error(r, 404, "There is no such component.");
	default:
		return show_form(r, 503, "The server is busy; nothing was saved. Try again.", id, &c);
	}
}

int component_delete_post(struct req *r)
{
	const char *id = id_param(r);
	int64_t hit = 0;
	if (!id)
		return page_error(r, 404, "There is no such component.");
	switch (component_delete(g.data_db, r->user->id, id, &hit)) {
	case STORE_OK:
		break;
	case STORE_NOT_FOUND:
		return page_error(r, 404, "There is no such component.");
	default:
		return page_error(r, 503, "The server is busy. Try again in a moment.");
	}
	if (hit == 0)
		flash_set(r, "Component deleted.");
	else
		flash_set(r, arena_printf(r->a, "Component deleted. %lld preset%s that used it %s "
					  "now incomplete: open %s to choose another.",
					  (long long)hit, hit == 1 ? "" : "s", hit == 1 ? "is" : "are",
					  hit == 1 ? "it" : "them"));
	return http_redirect(r, "/presets/components");
}
