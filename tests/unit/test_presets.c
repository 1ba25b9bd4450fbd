/* test_presets.c — store_component.c, store_preset.c and preset_starter.c
 * on a real data.db in a temporary directory, migrated with the schema of
 * the source tree ($CONFAB_SHARE_DIR/schema; "." when unset). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "db.h"
#include "preset_starter.h"
#include "store_chat.h"
#include "store_preset.h"
#include "store_reply.h"
#include "util.h"

struct fixture {
	char dir[64];
	struct db *data;
	struct arena a;
};

static const char ua[] = "11111111-1111-4111-8111-111111111111";
static const char ub[] = "22222222-2222-4222-8222-222222222222";

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char path[128], mig[512], *err = NULL;
	const char *share = getenv("CONFAB_SHARE_DIR");
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-presets-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(path, sizeof path, "%s/data.db", f->dir);
	snprintf(mig, sizeof mig, "%s/schema/data", share && *share ? share : ".");
	f->data = db_open(path, &err);
	if (!f->data || db_migrate(f->data, mig, &err)) {
		fprintf(stderr, "setup: %s\n", err ? err : "?");
		free(err);
		db_close(f->data);
		free(f);
		return -1;
	}
	arena_init(&f->a, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[128];
	db_close(f->data);
	arena_free(&f->a);
	for (const char *suffix = "data.db\0data.db-wal\0data.db-shm\0"; *suffix;
	     suffix += strlen(suffix) + 1) {
		snprintf(path, sizeof path, "%s/%s", f->dir, suffix);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void exec_fmt(struct db *db, const char *fmt, ...)
{
	va_list ap;
	char *sql, *msg = NULL;
	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (sqlite3_exec(db_handle(db), sql, NULL, NULL, &msg) != SQLITE_OK)
		fprintf(stderr, "exec: %s\n  %s\n", msg ? msg : "?", sql);
	assert_null(msg);
	sqlite3_free(sql);
}

/* The first column of the first row as an integer (-999 when no row or NULL). */
static int64_t query_int(struct db *db, const char *fmt, ...)
{
	va_list ap;
	char *sql;
	sqlite3_stmt *st;
	int64_t v = -999;
	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return v;
}

static void new_component(struct fixture *f, const char *user, const char *type,
			  const char *name, const char *content, const char *tags, char id[UUID_BUF])
{
	assert_int_equal(component_create(f->data, user, type, name, content, "", tags, id),
			 STORE_OK);
}

/* ---- components ---- */

static void tags_typed_to_stored(void **state)
{
	struct fixture *f = *state;
	const char *err;
	assert_string_equal(tags_normalize(&f->a, "Marketing,  social   media , LinkedIn",
						     &err), "marketing,social media,linkedin");
	assert_null(err);
	assert_string_equal(tags_normalize(&f->a, " , a,,A , b,", &err), "a,b");
	assert_string_equal(tags_normalize(&f->a, "", &err), "");
	assert_string_equal(tags_normalize(&f->a, ",,, ,", &err), "");
	assert_string_equal(tags_normalize(&f->a, "Café, ÉTÉ", &err), "café,ÉtÉ");
	assert_string_equal(tags_normalize(&f->a, "1,2,3,4,5,6,7,8,9,10", &err),
			    "1,2,3,4,5,6,7,8,9,10");
	assert_null(tags_normalize(&f->a, "1,2,3,4,5,6,7,8,9,10,11", &err));
	assert_non_null(err);
	/* 40 characters is the most a tag may have (counted in characters). */
	assert_non_null(tags_normalize(&f->a,
		"éééééééééééééééééééééééééééééééééééééééé", &err));
	assert_null(tags_normalize(&f->a,
		"ééééééééééééééééééééééééééééééééééééééééé", &err));
	assert_non_null(err);
}

static void component_crud_scoped(void **state)
{
	struct fixture *f = *state;
	char id[UUID_BUF];
	struct component c;
	int64_t hit = -1;

	new_component(f, ua, "role", "Teacher", "You teach.", "edu", id);
	assert_true(uuid_valid(id));
	assert_int_equal(component_get(f->data, &f->a, ua, id, &c), STORE_OK);
	assert_string_equal(c.type, "role");
	assert_string_equal(c.name, "Teacher");
	assert_string_equal(c.content, "You teach.");
	assert_string_equal(c.tags, "edu");
	assert_int_equal(c.usage_count, 0);
	assert_int_equal(c.last_used_at, 0);
	assert_int_equal(component_count(f->data, ua), 1);
	assert_int_equal(component_count(f->data, ub), 0);

	/* Another user sees, changes and deletes nothing. */
	assert_int_equal(component_get(f->data, &f->a, ub, id, &c), STORE_NOT_FOUND);
	assert_int_equal(component_update(f->data, ub, id, "X", "Y", "", ""), STORE_NOT_FOUND);
	assert_int_equal(component_delete(f->data, ub, id, &hit), STORE_NOT_FOUND);
	assert_int_equal(hit, 0);

	assert_int_equal(component_update(f->data, ua, id, "Tutor", "You tutor.", "d", "a,b"),
			 STORE_OK);
	assert_int_equal(component_get(f->data, &f->a, ua, id, &c), STORE_OK);
	assert_string_equal(c.name, "Tutor");
	assert_string_equal(c.content, "You tutor.");
	assert_string_equal(c.description, "d");
	assert_string_equal(c.tags, "a,b");
	assert_string_equal(c.type, "role");

	/* A type outside the four is refused, by the store and the schema. */
	assert_int_equal(component_create(f->data, ua, "tone", "n", "c", "", "", id), STORE_ERROR);
	assert_int_equal(component_count(f->data, ua), 1);
}

static void component_list_filters(void **state)
{
	struct fixture *f = *state;
	char r1[UUID_BUF], r2[UUID_BUF], s1[UUID_BUF], m1[UUID_BUF], other[UUID_BUF];
	struct component *c;
	int more;
	size_t n;

	new_component(f, ua, "role", "Marketing expert", "x", "marketing,social media", r1);
	new_component(f, ua, "role", "Engineer", "x", "code", r2);
	new_component(f, ua, "style", "Terse 50%", "x", "writing", s1);
	new_component(f, ua, "mode", "Ship mode", "x", "", m1);
	new_component(f, ub, "role", "Other's marketing", "x", "marketing", other);
	exec_fmt(f->data, "UPDATE components SET usage_count = 5, last_used_at = 1000 WHERE name = 'Engineer'");
	exec_fmt(f->data, "UPDATE components SET usage_count = 2, last_used_at = 9000, "
			  "updated_at = 10 WHERE name = 'Ship mode'");
	exec_fmt(f->data, "UPDATE components SET updated_at = 10 WHERE user_id = %Q AND name != 'Ship mode'", ua);

	n = component_list(f->data, &f->a, ua, NULL, NULL, NULL, SORT_USED, 10, &c, &more);
	assert_int_equal(n, 4);
	assert_false(more);
	assert_string_equal(c[0].name, "Engineer");
	assert_string_equal(c[1].name, "Ship mode");

	n = component_list(f->data, &f->a, ua, NULL, NULL, NULL, SORT_RECENT, 10, &c, &more);
	assert_string_equal(c[0].name, "Ship mode");
	assert_string_equal(c[1].name, "Engineer");

	n = component_list(f->data, &f->a, ua, NULL, NULL, NULL, SORT_NAME, 10, &c, &more);
	assert_string_equal(c[0].name, "Engineer");
	assert_string_equal(c[3].name, "Terse 50%");

	n = component_list(f->data, &f->a, ua, "role", NULL, NULL, SORT_NAME, 10, &c, &more);
	assert_int_equal(n, 2);

	/* Search: names or tags containing the words, any ASCII case. */
	n = component_list(f->data, &f->a, ua, NULL, "MARKET", NULL, SORT_NAME, 10, &c, &more);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].name, "Marketing expert");
	n = component_list(f->data, &f->a, ua, NULL, "social", NULL, SORT_NAME, 10, &c, &more);
	assert_int_equal(n, 1);
	n = component_list(f->data, &f->a, ua, NULL, "%", NULL, SORT_NAME, 10, &c, &more);
	assert_int_equal(n, 1);   /* a literal %, not everything */
	assert_string_equal(c[0].name, "Terse 50%");

	/* Tag: exactly that tag, not a part of one. */
	n = component_list(f->data, &f->a, ua, NULL, NULL, "social media", SORT_NAME, 10, &c, &more);
	assert_int_equal(n, 1);
	n = component_list(f->data, &f->a, ua, NULL, NULL, "media", SORT_NAME, 10, &c, &more);
	assert_int_equal(n, 0);
	n = component_list(f->data, &f->a, ua, NULL, NULL, "marketing", SORT_NAME, 10, &c, &more);
	assert_int_equal(n, 1);   /* not ub's */

	n = component_list(f->data, &f->a, ua, NULL, NULL, NULL, SORT_NAME, 3, &c, &more);
	assert_int_equal(n, 3);
	assert_true(more);
}

/* ---- presets ---- */

struct kit {
	char role[UUID_BUF], style[UUID_BUF], context[UUID_BUF], mode[UUID_BUF];
};

static void new_kit(struct fixture *f, const char *user, struct kit *k)
{
	new_component(f, user, "role", "R", "ROLE", "", k->role);
	new_component(f, user, "style", "S", "STYLE", "", k->style);
	new_component(f, user, "context", "C", "CONTEXT", "", k->context);
	new_component(f, user, "mode", "M", "MODE", "", k->mode);
}

static void preset_components_checked(void **state)
{
	struct fixture *f = *state;
	struct kit a, b;
	char id[UUID_BUF];
	int bad = -1;
	struct preset p;

	new_kit(f, ua, &a);
	new_kit(f, ub, &b);
	{
		/* Another user's component: refused, its slot named, nothing saved. */
		const char *slots[4] = { a.role, b.context, NULL, NULL };
		assert_int_equal(preset_create(f->data, ua, "P", "", slots, id, &bad), STORE_CONFLICT);
		assert_int_equal(bad, 1);
		assert_int_equal(preset_count(f->data, ua), 0);
	}
	{
		/* The right user's component in the wrong slot: refused. */
		const char *slots[4] = { NULL, NULL, a.mode, NULL };
		assert_int_equal(preset_create(f->data, ua, "P", "", slots, id, &bad), STORE_CONFLICT);
		assert_int_equal(bad, 2);
	}
	{
		/* No such id at all: refused. */
		const char *slots[4] = { NULL, NULL, NULL, ub };
		assert_int_equal(preset_create(f->data, ua, "P", "", slots, id, &bad), STORE_CONFLICT);
		assert_int_equal(bad, 3);
		assert_int_equal(preset_count(f->data, ua), 0);
	}
	{
		const char *slots[4] = { a.role, "", NULL, a.mode };
		assert_int_equal(preset_create(f->data, ua, "Pair", "two", slots, id, &bad), STORE_OK);
		assert_int_equal(bad, -1);
	}
	assert_int_equal(preset_get(f->data, &f->a, ua, id, &p), STORE_OK);
	assert_string_equal(p.name, "Pair");
	assert_string_equal(p.comp_id[0], a.role);
	assert_string_equal(p.comp_name[0], "R");
	assert_null(p.comp_id[1]);
	assert_null(p.comp_id[2]);
	assert_string_equal(p.comp_id[3], a.mode);
	assert_int_equal(p.slots, 1 | 8);
	assert_int_equal(preset_missing(&p), 0);
	assert_int_equal(preset_get(f->data, &f->a, ub, id, &p), STORE_NOT_FOUND);
	{
		/* An update is checked the same way, and scoped. */
		const char *slots[4] = { b.role, NULL, NULL, NULL };
		const char *mine[4] = { NULL, a.context, a.style, NULL };
		const char *theirs[4] = { b.role, NULL, NULL, NULL };
		assert_int_equal(preset_update(f->data, ua, id, "P2", "", slots, &bad), STORE_CONFLICT);
		assert_int_equal(bad, 0);
		assert_int_equal(preset_update(f->data, ub, id, "P2", "", theirs, &bad), STORE_NOT_FOUND);
		assert_int_equal(preset_update(f->data, ub, id, "P2", "", mine, &bad), STORE_CONFLICT);
		assert_int_equal(preset_update(f->data, ua, id, "P2", "", mine, &bad), STORE_OK);
		assert_int_equal(preset_get(f->data, &f->a, ua, id, &p), STORE_OK);
		assert_int_equal(p.slots, 2 | 4);
		assert_null(p.comp_id[0]);
	}
	assert_int_equal(preset_delete(f->data, ub, id), STORE_NOT_FOUND);
	assert_int_equal(preset_delete(f->data, ua, id), STORE_OK);
	assert_int_equal(preset_count(f->data, ua), 0);
}

static void delete_component_sets_null(void **state)
{
	struct fixture *f = *state;
	struct kit a;
	char p1[UUID_BUF], p2[UUID_BUF];
	int bad;
	int64_t hit = 0;
	struct preset p;
	const char *all[4], *two[4];

	new_kit(f, ua, &a);
	all[0] = a.role; all[1] = a.context; all[2] = a.style; all[3] = a.mode;
	two[0] = a.role; two[1] = NULL; two[2] = NULL; two[3] = a.mode;
	assert_int_equal(preset_create(f->data, ua, "All", "", all, p1, &bad), STORE_OK);
	assert_int_equal(preset_create(f->data, ua, "Two", "", two, p2, &bad), STORE_OK);

	assert_int_equal(component_delete(f->data, ua, a.role, &hit), STORE_OK);
	assert_int_equal(hit, 2);
	/* Both presets remain, their role slot emptied and marked missing. */
	assert_int_equal(preset_count(f->data, ua), 2);
	assert_int_equal(preset_get(f->data, &f->a, ua, p1, &p), STORE_OK);
	assert_null(p.comp_id[0]);
	assert_string_equal(p.comp_id[1], a.context);
	assert_int_equal(preset_missing(&p), 1);
	assert_int_equal(preset_get(f->data, &f->a, ua, p2, &p), STORE_OK);
	assert_int_equal(preset_missing(&p), 1);

	{
		/* The chat page's choices say the same, without joins. */
		struct preset_choice *ch;
		size_t n = preset_choices(f->data, &f->a, ua, &ch);
		assert_int_equal(n, 2);
		assert_int_equal(ch[0].missing, 1);
		assert_int_equal(ch[1].missing, 1);
		assert_int_equal(preset_choices(f->data, &f->a, ub, &ch), 0);
	}
	/* A preset whose every component is gone still stands. */
	assert_int_equal(component_delete(f->data, ua, a.mode, &hit), STORE_OK);
	assert_int_equal(preset_get(f->data, &f->a, ua, p2, &p), STORE_OK);
	assert_int_equal(preset_missing(&p), 1 | 8);
	{
		struct preset_choice *ch;
		size_t n = preset_choices(f->data, &f->a, ua, &ch);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(ch[i].missing, 1 | 8);  /* both had a role and a mode */
	}
	for (int i = 0; i < 4; i++)
		assert_null(p.comp_id[i]);

	/* Saving it again with a new component repairs it. */
	{
		char role2[UUID_BUF];
		const char *fix[4] = { NULL, NULL, NULL, NULL };
		new_component(f, ua, "role", "R2", "ROLE2", "", role2);
		fix[0] = role2;
		assert_int_equal(preset_update(f->data, ua, p2, "Two", "", fix, &bad), STORE_OK);
		assert_int_equal(preset_get(f->data, &f->a, ua, p2, &p), STORE_OK);
		assert_int_equal(preset_missing(&p), 0);
	}
}

static void compose_order(void **state)
{
	char *s;
	const char *parts[5] = { "ROLE", "CONTEXT", "STYLE", "MODE", "CHAT" };
	const char *some[5] = { NULL, "", "STYLE", "MODE", "" };
	const char *none[5] = { NULL, NULL, NULL, NULL, NULL };
	(void)state;
	s = preset_compose(parts);
	assert_string_equal(s, "ROLE\n\nCONTEXT\n\nSTYLE\n\nMODE\n\nCHAT");
	free(s);
	s = preset_compose(some);
	assert_string_equal(s, "STYLE\n\nMODE");
	free(s);
	s = preset_compose(none);
	assert_string_equal(s, "");
	free(s);
}

static void chat_prompt_and_history(void **state)
{
	struct fixture *f = *state;
	struct kit a, b;
	char p1[UUID_BUF], p2[UUID_BUF], pb[UUID_BUF], chat[UUID_BUF];
	const char *all[4], *rm[4], *bs[4];
	struct chat c;
	char cur[UUID_BUF];
	struct preset_change *h;
	int bad, more;
	size_t n;
	char *sys;

	new_kit(f, ua, &a);
	new_kit(f, ub, &b);
	all[0] = a.role; all[1] = a.context; all[2] = a.style; all[3] = a.mode;
	rm[0] = a.role; rm[1] = NULL; rm[2] = NULL; rm[3] = a.mode;
	bs[0] = b.role; bs[1] = NULL; bs[2] = NULL; bs[3] = NULL;
	assert_int_equal(preset_create(f->data, ua, "All four", "", all, p1, &bad), STORE_OK);
	assert_int_equal(preset_create(f->data, ua, "Role and mode", "", rm, p2, &bad), STORE_OK);
	assert_int_equal(preset_create(f->data, ub, "B's", "", bs, pb, &bad), STORE_OK);
	assert_int_equal(store_chat_create(f->data, &f->a, ua, "t", "m", &c), STORE_OK);
	memcpy(chat, c.id, sizeof chat);
	assert_int_equal(store_preset_chat_instructions_set(f->data, ub, chat, "B's"), STORE_NOT_FOUND);
	assert_int_equal(store_preset_chat_instructions_set(f->data, ua, chat, "CHAT"), STORE_OK);

	sys = store_preset_chat_system_prompt(f->data, chat);
	assert_string_equal(sys, "CHAT");
	free(sys);
	assert_int_equal(store_preset_chat_preset_id(f->data, chat, cur), STORE_NOT_FOUND);

	/* Another user's preset, or another user's chat: not found, nothing changes. */
	assert_int_equal(store_preset_chat_preset_use(f->data, ua, chat, pb, 100), STORE_NOT_FOUND);
	assert_int_equal(store_preset_chat_preset_use(f->data, ub, chat, pb, 100), STORE_NOT_FOUND);
	assert_int_equal(store_preset_chat_preset_use(f->data, ub, chat, NULL, 100), STORE_NOT_FOUND);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM chat_preset_history"), 0);

	assert_int_equal(store_preset_chat_preset_use(f->data, ua, chat, p1, 1000), STORE_OK);
	sys = store_preset_chat_system_prompt(f->data, chat);
	assert_string_equal(sys, "ROLE\n\nCONTEXT\n\nSTYLE\n\nMODE\n\nCHAT");
	free(sys);
	assert_int_equal(store_preset_chat_preset_id(f->data, chat, cur), STORE_OK);
	assert_string_equal(cur, p1);
	/* The same preset again: nothing to do, nothing counted. */
	assert_int_equal(store_preset_chat_preset_use(f->data, ua, chat, p1, 1500), STORE_EXISTS);
	assert_int_equal(store_preset_chat_preset_use(f->data, ua, chat, p2, 2000), STORE_OK);
	sys = store_preset_chat_system_prompt(f->data, chat);
	assert_string_equal(sys, "ROLE\n\nMODE\n\nCHAT");
	free(sys);
	assert_int_equal(store_preset_chat_preset_use(f->data, ua, chat, NULL, 3000), STORE_OK);
	sys = store_preset_chat_system_prompt(f->data, chat);
	assert_string_equal(sys, "CHAT");
	free(sys);
	assert_int_equal(store_preset_chat_preset_use(f->data, ua, chat, p1, 4000), STORE_OK);

	/* Usage: p1 twice, p2 once; role and mode in both, three times. */
	assert_int_equal(query_int(f->data, "SELECT usage_count FROM presets WHERE id = %Q", p1), 2);
	assert_int_equal(query_int(f->data, "SELECT last_used_at FROM presets WHERE id = %Q", p1), 4000);
	assert_int_equal(query_int(f->data, "SELECT usage_count FROM presets WHERE id = %Q", p2), 1);
	assert_int_equal(query_int(f->data, "SELECT last_used_at FROM presets WHERE id = %Q", p2), 2000);
	assert_int_equal(query_int(f->data, "SELECT usage_count FROM components WHERE id = %Q", a.role), 3);
	assert_int_equal(query_int(f->data, "SELECT usage_count FROM components WHERE id = %Q", a.style), 2);
	assert_int_equal(query_int(f->data, "SELECT last_used_at FROM components WHERE id = %Q", a.mode), 4000);
	assert_int_equal(query_int(f->data, "SELECT usage_count FROM components WHERE id = %Q", b.role), 0);
	assert_int_equal(query_int(f->data, "SELECT usage_count FROM presets WHERE id = %Q", pb), 0);

	/* History, newest first, names kept after a rename and a delete. */
	exec_fmt(f->data, "UPDATE presets SET name = 'Renamed' WHERE id = %Q", p2);
	assert_int_equal(preset_delete(f->data, ua, p1), STORE_OK);
	n = store_preset_chat_preset_history(f->data, &f->a, chat, 10, &h, &more);
	assert_int_equal(n, 4);
	assert_false(more);
	assert_string_equal(h[0].preset_id, p1);
	assert_string_equal(h[0].name, "All four");
	assert_int_equal(h[0].at, 4000);
	assert_null(h[1].preset_id);
	assert_int_equal(h[1].at, 3000);
	assert_string_equal(h[2].name, "Role and mode");
	assert_int_equal(h[3].at, 1000);
	n = store_preset_chat_preset_history(f->data, &f->a, chat, 3, &h, &more);
	assert_int_equal(n, 3);
	assert_true(more);
	/* The deleted preset left the chat without one (SET NULL). */
	assert_int_equal(store_preset_chat_preset_id(f->data, chat, cur), STORE_NOT_FOUND);
	sys = store_preset_chat_system_prompt(f->data, chat);
	assert_string_equal(sys, "CHAT");
	free(sys);
}

static void worker_history_gets_composed_prompt(void **state)
{
	struct fixture *f = *state;
	struct kit a;
	char p[UUID_BUF], chat[UUID_BUF], umsg[UUID_BUF], amsg[UUID_BUF];
	const char *slots[4];
	struct turn *turns;
	char *sys;
	size_t n;
	int bad;

	new_kit(f, ua, &a);
	slots[0] = a.role; slots[1] = a.context; slots[2] = NULL; slots[3] = NULL;
	assert_int_equal(preset_create(f->data, ua, "P", "", slots, p, &bad), STORE_OK);
	assert_int_equal(store_preset_chat_create_with_preset(f->data, ua, p, 5000, chat), STORE_OK);
	assert_int_equal(query_int(f->data, "SELECT usage_count FROM presets WHERE id = %Q", p), 1);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM chat_preset_history WHERE chat_id = %Q", chat), 1);
	assert_int_equal(reply_send(f->data, ua, chat, "hello", "m", NULL, umsg, amsg), STORE_OK);
	n = job_history(f->data, chat, amsg, &sys, &turns);
	assert_int_equal(n, 1);
	assert_string_equal(sys, "ROLE\n\nCONTEXT");
	free(sys);
	turns_free(turns, n);

	/* Starting a chat with another user's preset makes no chat. */
	assert_int_equal(store_preset_chat_create_with_preset(f->data, ub, p, 5000, chat), STORE_NOT_FOUND);
	assert_int_equal(query_int(f->data, "SELECT count(*) FROM chats WHERE user_id = %Q", ub), 0);
}

static void starter_given_once(void **state)
{
	struct fixture *f = *state;
	int64_t n;
	assert_int_equal(preset_starter_ensure(f->data, ua), 0);
	n = component_count(f->data, ua);
	assert_true(n >= 4);
	assert_int_equal(preset_count(f->data, ua), 1);
	/* Every type is represented, and the starter preset is complete. */
	for (int i = 0; i < COMPONENT_TYPES; i++)
		assert_true(query_int(f->data, "SELECT count(*) FROM components WHERE user_id = %Q "
					       "AND type = %Q", ua, component_types[i]) >= 1);
	assert_int_equal(query_int(f->data, "SELECT slots FROM presets WHERE user_id = %Q", ua), 15);
	assert_int_equal(preset_starter_ensure(f->data, ua), 0);
	assert_int_equal(component_count(f->data, ua), n);
	/* Deleted, they stay deleted. */
	exec_fmt(f->data, "DELETE FROM components WHERE user_id = %Q", ua);
	exec_fmt(f->data, "DELETE FROM presets WHERE user_id = %Q", ua);
	assert_int_equal(preset_starter_ensure(f->data, ua), 0);
	assert_int_equal(component_count(f->data, ua), 0);
	assert_int_equal(component_count(f->data, ub), 0);
}

static void limits_from_plans(void **state)
{
	struct fixture *f = *state;
	char id[UUID_BUF];
	/* A limit below zero: none. */
	assert_int_equal(preset_limit_reached(f->data, -1, ua, 1), 0);
	assert_int_equal(preset_limit_reached(f->data, 2, ua, 1), 0);
	new_component(f, ua, "role", "a", "a", "", id);
	assert_int_equal(preset_limit_reached(f->data, 2, ua, 1), 0);
	new_component(f, ua, "role", "b", "b", "", id);
	assert_int_equal(preset_limit_reached(f->data, 2, ua, 1), 1);
	assert_int_equal(preset_limit_reached(f->data, -1, ua, 1), 0);
	assert_int_equal(preset_limit_reached(f->data, 1, ua, 0), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(tags_typed_to_stored),
		T(component_crud_scoped),
		T(component_list_filters),
		T(preset_components_checked),
		T(delete_component_sets_null),
		cmocka_unit_test(compose_order),
		T(chat_prompt_and_history),
		T(worker_history_gets_composed_prompt),
		T(starter_given_once),
		T(limits_from_plans),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
