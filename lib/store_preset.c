/* store_preset.c — see store_preset.h. The only file that knows the SQL of
 * presets, a chat's preset, its preset history and its own instructions. */
#include "store_preset.h"
#include "buf.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

int preset_missing(const struct preset *p)
{
	int missing = 0;
	for (int i = 0; i < COMPONENT_TYPES; i++)
		if ((p->slots & (1 << i)) && !p->comp_id[i])
			missing |= 1 << i;
	return missing;
}

/* The slots in component_types order: role, context, style, mode. */
#define PRESET_SELECT "SELECT p.id, p.name, p.description, p.role_id, r.name, " \
	"p.context_id, x.name, p.style_id, s.name, p.mode_id, m.name, p.slots, " \
	"p.usage_count, coalesce(p.last_used_at, 0), p.created_at, p.updated_at " \
	"FROM presets p LEFT JOIN components r ON r.id = p.role_id " \
	"LEFT JOIN components s ON s.id = p.style_id " \
	"LEFT JOIN components x ON x.id = p.context_id " \
	"LEFT JOIN components m ON m.id = p.mode_id "

static const char *col_or_null(sqlite3_stmt *st, struct arena *a, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL
							  : arena_strdup(a, db_col_text(st, i));
}

static void preset_from_row(sqlite3_stmt *st, struct arena *a, struct preset *p)
{
	snprintf(p->id, sizeof p->id, "%s", db_col_text(st, 0));
	p->name = arena_strdup(a, db_col_text(st, 1));
	p->description = arena_strdup(a, db_col_text(st, 2));
	for (int i = 0; i < COMPONENT_TYPES; i++) {
		p->comp_id[i] = col_or_null(st, a, 3 + 2 * i);
		p->comp_name[i] = p->comp_id[i] ? col_or_null(st, a, 4 + 2 * i) : NULL;
	}
	p->slots = sqlite3_column_int(st, 11);
	p->usage_count = sqlite3_column_int64(st, 12);
	p->last_used_at = sqlite3_column_int64(st, 13);
	p->created_at = sqlite3_column_int64(st, 14);
	p->updated_at = sqlite3_column_int64(st, 15);
}

size_t preset_list(struct db *db, struct arena *a, const char *user_id,
		   enum preset_sort sort, struct preset **out)
{
	sqlite3_stmt *st;
	size_t n = 0, cap = 16;
	switch (sort) {
	case PRESET_SORT_RECENT:
		st = db_prep(db, PRESET_SELECT "WHERE p.user_id = ?1 ORDER BY "
				 "max(coalesce(p.last_used_at, 0), p.updated_at) DESC, p.id");
		break;
	case PRESET_SORT_NAME:
		st = db_prep(db, PRESET_SELECT "WHERE p.user_id = ?1 ORDER BY "
				 "p.name COLLATE NOCASE, p.id");
		break;
	default:
		st = db_prep(db, PRESET_SELECT "WHERE p.user_id = ?1 ORDER BY p.usage_count DESC, "
				 "coalesce(p.last_used_at, 0) DESC, p.name COLLATE NOCASE, p.id");
		break;
	}
	*out = arena_alloc(a, cap * sizeof **out);
	db_bind_text(st, 1, user_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			struct preset *bigger = arena_alloc(a, 2 * cap * sizeof **out);
			memcpy(bigger, *out, cap * sizeof **out);
			*out = bigger;
			cap *= 2;
		}
		preset_from_row(st, a, &(*out)[n++]);
	}
	sqlite3_reset(st);
	return n;
}

enum store_rc preset_get(struct db *db, struct arena *a, const char *user_id,
			 const char *id, struct preset *out)
{
	sqlite3_stmt *st = db_prep(db, PRESET_SELECT "WHERE p.id = ?1 AND p.user_id = ?2");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, user_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		preset_from_row(st, a, out);
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int64_t preset_count(struct db *db, const char *user_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT count(*) FROM presets WHERE user_id = ?1");
	int64_t n = 0;
	db_bind_text(st, 1, user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* Inside a transaction: is every id given the user's component of its
 * slot's type? -1 when so, else the first bad slot. Sets *slots. */
static int check_components(struct db *db, const char *user_id,
			    const char *const comp_id[COMPONENT_TYPES], int *slots)
{
	sqlite3_stmt *st = db_prep(db, "SELECT type FROM components WHERE id = ?1 AND user_id = ?2");
	*slots = 0;
	for (int i = 0; i < COMPONENT_TYPES; i++) {
		int ok;
		if (!comp_id[i] || !*comp_id[i])
			continue;
		db_bind_text(st, 1, comp_id[i]);
		db_bind_text(st, 2, user_id);
		ok = sqlite3_step(st) == SQLITE_ROW &&
		     strcmp(db_col_text(st, 0), component_types[i]) == 0;
		sqlite3_reset(st);
		if (!ok)
			return i;
		*slots |= 1 << i;
	}
	return -1;
}

static const char *id_or_null(const char *id)
{
	return id && *id ? id : NULL;
}

/* Bind the four slots at ?first.. and the slots mask after them. */
static void bind_slots(sqlite3_stmt *st, int first, const char *const comp_id[COMPONENT_TYPES],
		       int slots)
{
	for (int i = 0; i < COMPONENT_TYPES; i++)
		db_bind_text(st, first + i, id_or_null(comp_id[i]));
	sqlite3_bind_int(st, first + COMPONENT_TYPES, slots);
}

/* Commit what a write did, or roll back; the store result. */
static enum store_rc finish(struct db *db, enum store_rc rc)
{
	if (rc != STORE_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == SQLITE_OK ? STORE_OK : STORE_BUSY;
}

enum store_rc preset_create(struct db *db, const char *user_id, const char *name,
			    const char *description, const char *const comp_id[COMPONENT_TYPES],
			    char id[UUID_BUF], int *bad_slot)
{
	sqlite3_stmt *st;
	int slots;
	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	if ((*bad_slot = check_components(db, user_id, comp_id, &slots)) >= 0)
		return finish(db, STORE_CONFLICT);
	st = db_prep(db, "INSERT INTO presets (id, user_id, name, description, role_id, context_id, "
			 "style_id, mode_id, slots, created_at, updated_at) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)");
	uuid_new(id);
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, user_id);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, description ? description : "");
	bind_slots(st, 5, comp_id, slots);
	sqlite3_bind_int64(st, 10, now_ms());
	return finish(db, db_exec_stmt(st) == SQLITE_DONE ? STORE_OK : STORE_ERROR);
}

enum store_rc preset_update(struct db *db, const char *user_id, const char *id,
			    const char *name, const char *description,
			    const char *const comp_id[COMPONENT_TYPES], int *bad_slot)
{
	sqlite3_stmt *st;
	int slots;
	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	if ((*bad_slot = check_components(db, user_id, comp_id, &slots)) >= 0)
		return finish(db, STORE_CONFLICT);
	st = db_prep(db, "UPDATE presets SET name = ?3, description = ?4, role_id = ?5, "
			 "context_id = ?6, style_id = ?7, mode_id = ?8, slots = ?9, updated_at = ?10 "
			 "WHERE id = ?1 AND user_id = ?2");
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, user_id);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, description ? description : "");
	bind_slots(st, 5, comp_id, slots);
	sqlite3_bind_int64(st, 10, now_ms());
	if (db_exec_stmt(st) != SQLITE_DONE)
		return finish(db, STORE_ERROR);
	return finish(db, sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_NOT_FOUND);
}

enum store_rc preset_delete(struct db *db, const char *user_id, const char *id)
{
	sqlite3_stmt *st = db_prep(db, "DELETE FROM presets WHERE id = ?1 AND user_id = ?2");
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, user_id);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	return sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_NOT_FOUND;
}

/* Inside a transaction: the work of store_preset_chat_preset_use. */
static enum store_rc use_preset(struct db *db, const char *user_id, const char *chat_id,
				const char *preset_id, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "SELECT preset_id FROM chats WHERE id = ?1 AND user_id = ?2 "
				       "AND deleted_at IS NULL");
	char current[UUID_BUF] = "", name[4 * PRESET_NAME_MAX + 1] = "";
	int found;

	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		snprintf(current, sizeof current, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	if (!found)
		return STORE_NOT_FOUND;
	if (preset_id) {
		st = db_prep(db, "SELECT name FROM presets WHERE id = ?1 AND user_id = ?2");
		db_bind_text(st, 1, preset_id);
		db_bind_text(st, 2, user_id);
		found = sqlite3_step(st) == SQLITE_ROW;
		if (found)
			snprintf(name, sizeof name, "%s", db_col_text(st, 0));
		sqlite3_reset(st);
		if (!found)
			return STORE_NOT_FOUND;
	}
	if (strcmp(current, preset_id ? preset_id : "") == 0)
		return STORE_EXISTS;

	st = db_prep(db, "UPDATE chats SET preset_id = ?2 WHERE id = ?1");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, preset_id);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	st = db_prep(db, "INSERT INTO chat_preset_history (chat_id, preset_id, preset_name, "
			 "changed_at) VALUES (?1, ?2, ?3, ?4)");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, preset_id);
	db_bind_text(st, 3, name);
	sqlite3_bind_int64(st, 4, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	if (!preset_id)
		return STORE_OK;
	st = db_prep(db, "UPDATE presets SET usage_count = usage_count + 1, last_used_at = ?2 "
			 "WHERE id = ?1");
	db_bind_text(st, 1, preset_id);
	sqlite3_bind_int64(st, 2, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	st = db_prep(db, "UPDATE components SET usage_count = usage_count + 1, last_used_at = ?3 "
			 "WHERE user_id = ?2 AND id IN (SELECT role_id FROM presets WHERE id = ?1 "
			 "UNION ALL SELECT style_id FROM presets WHERE id = ?1 "
			 "UNION ALL SELECT context_id FROM presets WHERE id = ?1 "
			 "UNION ALL SELECT mode_id FROM presets WHERE id = ?1)");
	db_bind_text(st, 1, preset_id);
	db_bind_text(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	return db_exec_stmt(st) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc store_preset_chat_preset_use(struct db *db, const char *user_id, const char *chat_id,
			      const char *preset_id, int64_t now)
{
	enum store_rc rc;
	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	rc = use_preset(db, user_id, chat_id, id_or_null(preset_id), now);
	if (rc == STORE_EXISTS) {
		db_rollback(db);
		return rc;
	}
	return finish(db, rc);
}

enum store_rc store_preset_chat_create_with_preset(struct db *db, const char *user_id,
				      const char *preset_id, int64_t now, char chat_id[UUID_BUF])
{
	sqlite3_stmt *st;
	enum store_rc rc;
	if (db_begin(db) != SQLITE_OK)
		return STORE_BUSY;
	uuid_new(chat_id);
	st = db_prep(db, "INSERT INTO chats (id, user_id, created_at, updated_at) "
			 "VALUES (?1, ?2, ?3, ?3)");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return finish(db, STORE_ERROR);
	/* A missing preset rolls the new chat back too. */
	rc = use_preset(db, user_id, chat_id, preset_id, now);
	return finish(db, rc == STORE_EXISTS ? STORE_ERROR : rc);
}

enum store_rc store_preset_chat_preset_id(struct db *db, const char *chat_id, char id[UUID_BUF])
{
	sqlite3_stmt *st = db_prep(db, "SELECT preset_id FROM chats WHERE id = ?1 "
				       "AND preset_id IS NOT NULL");
	enum store_rc rc = STORE_NOT_FOUND;
	db_bind_text(st, 1, chat_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(id, 37, "%s", db_col_text(st, 0));
		rc = STORE_OK;
	}
	sqlite3_reset(st);
	return rc;
}

size_t preset_choices(struct db *db, struct arena *a, const char *user_id,
		      struct preset_choice **out)
{
	/* The missing slots: filled when saved (slots) but now NULL. */
	sqlite3_stmt *st = db_prep(db, "SELECT id, name, slots & ~((role_id IS NOT NULL) "
				       "| ((context_id IS NOT NULL) << 1) | ((style_id IS NOT NULL) << 2) "
				       "| ((mode_id IS NOT NULL) << 3)) FROM presets WHERE user_id = ?1 "
				       "ORDER BY usage_count DESC, coalesce(last_used_at, 0) DESC, "
				       "name COLLATE NOCASE, id");
	size_t n = 0, cap = 16;
	*out = arena_alloc(a, cap * sizeof **out);
	db_bind_text(st, 1, user_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct preset_choice *c;
		if (n == cap) {
			struct preset_choice *bigger = arena_alloc(a, 2 * cap * sizeof **out);
			memcpy(bigger, *out, cap * sizeof **out);
			*out = bigger;
			cap *= 2;
		}
		c = &(*out)[n++];
		snprintf(c->id, sizeof c->id, "%s", db_col_text(st, 0));
		c->name = arena_strdup(a, db_col_text(st, 1));
		c->missing = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return n;
}

size_t store_preset_chat_preset_history(struct db *db, struct arena *a, const char *chat_id,
			   size_t limit, struct preset_change **out, int *more)
{
	sqlite3_stmt *st = db_prep(db, "SELECT preset_id, preset_name, changed_at "
				       "FROM chat_preset_history WHERE chat_id = ?1 "
				       "ORDER BY id DESC LIMIT ?2");
	size_t n = 0;
	*out = arena_alloc(a, (limit ? limit : 1) * sizeof **out);
	*more = 0;
	db_bind_text(st, 1, chat_id);
	sqlite3_bind_int64(st, 2, (int64_t)limit + 1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct preset_change *c;
		if (n == limit) {
			*more = 1;
			break;
		}
		c = &(*out)[n++];
		c->preset_id = col_or_null(st, a, 0);
		c->name = arena_strdup(a, db_col_text(st, 1));
		c->at = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return n;
}

enum store_rc store_preset_chat_instructions_set(struct db *db, const char *user_id, const char *chat_id,
				    const char *text)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE chats SET system_prompt = ?3 "
				       "WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NULL");
	db_bind_text(st, 1, chat_id);
	db_bind_text(st, 2, user_id);
	db_bind_text(st, 3, text);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return STORE_ERROR;
	return sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_NOT_FOUND;
}

char *preset_compose(const char *const parts[COMPONENT_TYPES + 1])
{
	struct buf b = BUF_INIT;
	char *s;
	for (int k = 0; k <= COMPONENT_TYPES; k++) {
		const char *p = parts[k];
		if (!p || !*p)
			continue;
		if (b.len)
			buf_puts(&b, "\n\n");
		buf_puts(&b, p);
	}
	s = xstrdup(buf_str(&b));
	buf_free(&b);
	return s;
}

char *store_preset_chat_system_prompt(struct db *db, const char *chat_id)
{
	/* The components are joined through the preset's owner as well, so a
	 * row that somehow pointed at another user's preset or component
	 * contributes nothing. */
	sqlite3_stmt *st = db_prep(db, "SELECT r.content, x.content, s.content, m.content, "
				       "c.system_prompt FROM chats c "
				       "LEFT JOIN presets p ON p.id = c.preset_id AND p.user_id = c.user_id "
				       "LEFT JOIN components r ON r.id = p.role_id AND r.user_id = p.user_id "
				       "LEFT JOIN components s ON s.id = p.style_id AND s.user_id = p.user_id "
				       "LEFT JOIN components x ON x.id = p.context_id AND x.user_id = p.user_id "
				       "LEFT JOIN components m ON m.id = p.mode_id AND m.user_id = p.user_id "
				       "WHERE c.id = ?1");
	char *s;
	db_bind_text(st, 1, chat_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *parts[COMPONENT_TYPES + 1];
		for (int i = 0; i <= COMPONENT_TYPES; i++)
			parts[i] = db_col_text(st, i);
		s = preset_compose(parts);
	} else {
		s = xstrdup("");
	}
	sqlite3_reset(st);
	return s;
}

int preset_starter_given(struct db *db, const char *user_id)
{
	sqlite3_stmt *st = db_prep(db, "SELECT 1 FROM preset_starters WHERE user_id = ?1");
	int yes;
	db_bind_text(st, 1, user_id);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

int preset_starter_mark(struct db *db, const char *user_id, int64_t now)
{
	sqlite3_stmt *st = db_prep(db, "INSERT OR IGNORE INTO preset_starters (user_id, given_at) "
				       "VALUES (?1, ?2)");
	db_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, now);
	return db_exec_stmt(st) == SQLITE_DONE && sqlite3_changes(db_handle(db)) > 0;
}

int preset_limit_reached(struct db *db, int64_t max, const char *user_id, int components)
{
	if (max < 0)
		return 0;
	return (components ? component_count(db, user_id) : preset_count(db, user_id)) >= max;
}
