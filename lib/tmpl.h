/* tmpl.h — HTML templates: values, parsing once per process, rendering.
 *
 * Syntax (logic-less, mustache-like):
 *   {{name}}  {{a.b}}  {{.}}    value, HTML-escaped (safe in text AND in quoted
 *                               attributes); a missing name renders nothing
 *   {{#name}} ... {{/name}}     section: a list repeats its body per item (the
 *                               item is pushed on the context stack), a map is
 *                               pushed once, a true / non-empty scalar renders
 *                               once; false, 0, "", an empty list or a missing
 *                               name renders nothing
 *   {{^name}} ... {{/name}}     inverted section: renders when the above would not
 *   {{>partial}}                includes templates/partial.html (checked at load)
 *   {{>@name}}                  includes the template whose name is the value of
 *                               name (how a layout includes its page)
 *   {{RAW_HTML name}}           unescaped: only for HTML our markdown renderer
 *                               produced in safe mode. Greppable on purpose.
 *   {{! comment }}
 * Names are looked up from the innermost context outwards.
 */
#ifndef CONFAB_TMPL_H
#define CONFAB_TMPL_H

#include <stdint.h>
#include "arena.h"
#include "buf.h"

/* ---- values ---- */

enum tval_kind { TV_NULL, TV_BOOL, TV_INT, TV_STR, TV_LIST, TV_MAP };

struct tval;

/* All values live in the arena they were made in. */
struct tval *tv_map(struct arena *a);
struct tval *tv_list(struct arena *a);
struct tval *tv_str(struct arena *a, const char *s);     /* copies s */
struct tval *tv_str_ref(struct arena *a, const char *s); /* keeps the pointer */
struct tval *tv_int(struct arena *a, int64_t v);
struct tval *tv_bool(struct arena *a, int v);

/* Set key in a map (replacing an earlier value of that key). key is not
 * copied: pass a literal or arena string. Returns the value set. */
struct tval *tv_set(struct arena *a, struct tval *map, const char *key, struct tval *v);
void tv_set_str(struct arena *a, struct tval *map, const char *key, const char *s);
void tv_set_int(struct arena *a, struct tval *map, const char *key, int64_t v);
void tv_set_bool(struct arena *a, struct tval *map, const char *key, int v);
/* Append to a list; returns v. */
struct tval *tv_push(struct arena *a, struct tval *list, struct tval *v);
/* A map's value for key (one level, no dots), or NULL. */
struct tval *tv_get(const struct tval *map, const char *key);
size_t tv_len(const struct tval *list);

/* ---- templates ---- */

struct tmpl_set;

/* Parse every *.html in dir. On error returns NULL and sets *err to a
 * malloc'd message naming file and line (caller frees). */
struct tmpl_set *tmpl_load_dir(const char *dir, char **err);
/* Parse templates from memory (for tests): names[i] → texts[i]. */
struct tmpl_set *tmpl_load_mem(const char *const *names, const char *const *texts,
			       size_t n, char **err);
void tmpl_free(struct tmpl_set *set);
int tmpl_exists(const struct tmpl_set *set, const char *name);

/* Render template name with ctx appended to out. 0 on success; -1 if the
 * template (or a dynamic partial) does not exist or partials nest deeper
 * than 16 — a bug, which the caller reports as a 500. */
int tmpl_render(const struct tmpl_set *set, const char *name,
		const struct tval *ctx, struct buf *out);

#endif
