/* presets.h — what the two files of the presets executable share:
 * presets.c (presets, the route table) and presets_components.c
 * (components). */
#ifndef CONFAB_CGI_PRESETS_H
#define CONFAB_CGI_PRESETS_H

#include <stdint.h>
#include "app.h"

struct tval;

/* The user's time zone's "YYYY-MM-DD HH:MM" for ms (arena). */
const char *presets_when(struct req *r, int64_t ms);
/* "Used 3 times, last 2026-01-02 10:00" or "Not used yet" (arena). */
const char *presets_usage(struct req *r, int64_t count, int64_t last_used_at);
/* A page context with the section tabs ("presets" or "components") marked. */
struct tval *presets_ctx(struct req *r, const char *title, const char *tab);
/* Give the starter set on a first visit (see preset_starter.h). */
void presets_first_visit(struct req *r);

/* The sort choices offered on both lists. */
extern const char *const presets_sorts[];

/* presets_components.c */
extern const struct field component_list_fields[], component_new_fields[],
	component_create_fields[], component_update_fields[];
int component_list_get(struct req *r);
int component_new_get(struct req *r);
int component_create_post(struct req *r);
int component_edit_get(struct req *r);
int component_update_post(struct req *r);
int component_delete_post(struct req *r);

#endif
