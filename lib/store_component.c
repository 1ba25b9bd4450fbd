/* store_component.c — see store_component.h. The only file that knows the
 * SQL of components. */
#include "store_component.h"
#include "util.h"
#include "valid.h"

#include <stdio.h>
#include <string.h>

const char *const component_types[COMPONENT_TYPES + 1] = {
	"role", "context", "style", "mode", NULL
};
const char *const component_type_labels[COMPONENT_TYPES] = {
	"Role", "Context", "Style", "Mode"
};

int component_type_index(const char *type)
{
	for (int i = 0; type && i < COMPONENT_TYPES; i++)
		if (strcmp(type, component_types[i]) == 0)
			return i;
	return -1;
}

#define COMPONENT_COLS "id, type, name, content, description, tags, usage_count, " \
		       "coalesce(last_used_at, 0), created_at, updated_at"

static void component_from_row(sqlite3_stmt *st, struct arena *a, struct component *c)
{
	snprintf(c->id, sizeof c->id, "%s", db_col_text(st, 0));
	c->type = arena_strdup(a, db_col_text(st, 1));
	c->name = arena_strdup(a, db_col_text(st, 2));
	c->content = arena_strdup(a, db_col_text(st, 3));
	c->description = arena_strdup(a, db_col_text(st, 4));
	c->tags = arena_strdup(a, db_col_text(st, 5));
	c->usage_count = sqlite3_column_int64(st, 6);
	c->last_used_at = sqlite3_column_int64(st, 7);
	c->created_at = sqlite3_column_int64(st, 8);
	c->updated_at = sqlite3_column_int64(st, 9);
}

/* s with LIKE's wildcards escaped, between pre and post (arena). */
static const char *like_escaped(struct arena *a, const char *pre, const char *s,
				const char *post)
{
	size_t n = strlen(s);
	char *p = arena_alloc(a, strlen(pre) + 2 * n + strlen(post) + 1), *o = p;
	o = stpcpy(o, pre);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			*o++ = '\\';
		*o++ = s[i];
	}
	strcpy(o, post);
	return p;
}

/* One statement per order: each is a literal the statement cache keys on.
 * NULL parameters switch a filter off. */
#define LIST_WHERE "WHERE user_id = ?1 AND (?2 IS NULL OR type = ?2) " \
	"AND (?3 IS NULL OR name LIKE ?3 ESCAPE '\\' OR tags LIKE ?3 ESCAPE '\\') " \
	"AND (?4 IS NULL OR ',' || tags || ',' LIKE ?4 ESCAPE '\\') "

size_t component_list(struct db *db, struct arena *a, const char *user_id,
		      const char *type, const char *q, const char *tag,
		      enum component_sort sort, size_t limit, struct component **out,
		      int *more)
{
	sqlite3_stmt *st;
	size_t n = 0;
	switch (sort) {
	case SORT_RECENT:
		st = db_prep(db, "SELECT " COMPONENT_COLS " FROM components " LIST_WHERE
				 "ORDER BY max(coalesce(last_used_at, 0), updated_at) DESC, id "
				 "LIMIT ?5");
		break;
	case SORT_NAME:
		st = db_prep(db, "SELECT " COMPONENT_COLS " FROM components " LIST_WHERE
				 "ORDER BY name COLLATE NOCASE, id LIMIT ?5");
		break;
	default:
		st = db_prep(db, "SELECT " COMPONENT_COLS " FROM components " LIST_WHERE
				 "ORDER BY usage_count DESC, coalesce(last_used_at, 0) DESC, "
				 "name COLLATE NOCASE, id LIMIT ?5");
		break;
	}
	*out = arena_alloc(a, (limit ? limit : 1) * sizeof **out);
	*more = 0;
	db_bind_text(st, 1, user_id);
	db_bind_text(st, 2, type && *type ? type : NULL);
	db_bind_text(st, 3, q && *q ? like_escaped(a, "%", q, "%") : NULL);
	db_bind_text(st, 4, tag && *tag ? like_escaped(a, "%,", tag, ",%") : NULL);
	/* One row beyond the limit says whether there are more. */
	sqlite3_bind_int64(st, 5, (int64_t)limit + 1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == limit) {
			*more = 1;
			break;
		}
		component_from_row(st, a, &(*out)[n++]);
	}
	sqlite3_reset(st);
	return n;
}

enum store_rc component_get(struct db *db, struct arena *a, const char *user_id,
			    const char *id, struct component *out)
{
	sqlite3_stmt *st = db_prep(db, "SELECT " COMPONENT_COLS " FROM components "
				       "WHERE id = ?1 AND user_id = ?2");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, user_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		component_from_row(st, a, out);
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int64_t component_count(struct db *db, const char *user_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT count(*) FROM components WHERE user_id = ?1");
	int64_t n = 0;
	db_bind_text(st, 1, user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

enum store_rc component_create(struct db *db, const char *user_id, const char *type,
			       const char *name, const char *content,
			       const char *description, const char *tags, char id[UUID_BUF])
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO components (id, user_id, type, name, "
				       "content, description, tags, created_at, updated_at) "
				       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
	if (component_type_index(type) < 0)
		return STORE_ERROR;
	uuid_new(id);
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, user_id);
	db_bind_text(st, 3, type);
	db_bind_text(st, 4, name);
	db_bind_text(st, 5, content);
	db_bind_text(st, 6, description ? description : "");
	db_bind_text(st, 7, tags ? tags : "");
	sqlite3_bind_int64(st, 8, now_ms());
	return db_exec_stmt(st) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc component_update(struct db *db, const char *user_id, const char *id,
			       const char *name, const char *content,
			       const char *description, const char *tags)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE components SET name = ?3, content = ?4, "
				       "description = ?5, tags = ?6, updated_at = ?7 "
				       "WHERE id = ?1 AND user_id = ?2");
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, user_id);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, content);
	db_bind_text(st, 5, description ? description : "");
	db_bind_text(st, 6, tags ? tags : "");
	sqlite3_bind_int64(st, 7, now_ms());
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	return sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_NOT_FOUND;
}

enum store_rc component_delete(struct db *db, const char *user_id, const char *id,
			       int64_t *presets_hit)
{
	sqlite3_stmt *st;
	int64_t hit = 0;
	enum store_rc rc;
	/* Count and delete in one transaction so the number is the truth. */
	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	st = db_prep(db, "SELECT count(*) FROM presets WHERE user_id = ?2 AND "
			 "(role_id = ?1 OR style_id = ?1 OR context_id = ?1 OR mode_id = ?1)");
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		hit = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	st = db_prep(db, "DELETE FROM components WHERE id = ?1 AND user_id = ?2");
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, user_id);
	if (db_exec_stmt(st) != SQLITE_DONE) {
		db_rollback(db);
		return STORE_ERROR;
	}
	rc = sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_NOT_FOUND;
	if (db_commit(db) != SQLITE_OK)
		return STORE_BUSY;
	if (presets_hit)
		*presets_hit = rc == STORE_OK ? hit : 0;
	return rc;
}
