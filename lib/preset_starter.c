/* preset_starter.c — see preset_starter.h. */
#include "preset_starter.h"
#include "log.h"
#include "store_preset.h"
#include "util.h"

#include <string.h>

struct starter {
	const char *type, *name, *content, *description, *tags;
	int in_preset;  /* part of the starter preset */
};

static const struct starter starters[] = {
	{ "role", "Patient teacher",
	  "You are a patient teacher. Explain ideas step by step, starting from what the "
	  "reader already knows, and use a small concrete example before any general rule.",
	  "For learning something new.", "learning", 1 },
	{ "role", "Senior software engineer",
	  "You are a senior software engineer. Give correct, idiomatic code, point out edge "
	  "cases and risks, and prefer the simplest design that works.",
	  "For code reviews and programming questions.", "programming", 0 },
	{ "context", "Beginner audience",
	  "The reader is new to this subject. Avoid jargon, or define a term the first time "
	  "you use it.",
	  "Who the answers are for.", "learning", 1 },
	{ "style", "Concise",
	  "Answer briefly: lead with the answer, then at most three short supporting points. "
	  "No filler and no repetition of the question.",
	  "Short, direct answers.", "writing", 1 },
	{ "mode", "Step by step",
	  "Work through the problem step by step. State your assumptions before you "
	  "conclude, and say plainly when you are unsure.",
	  "Careful reasoning for harder questions.", "reasoning", 1 },
	{ "mode", "Brainstorm",
	  "Offer several distinct options before recommending one, and say in a line what "
	  "each one trades off.",
	  "When you want ideas rather than one answer.", "ideas", 0 },
};

int preset_starter_ensure(struct db *db, const char *user_id)
{
	const char *slot[COMPONENT_TYPES] = { NULL, NULL, NULL, NULL };
	char ids[COUNTOF(starters)][UUID_BUF], preset_id[UUID_BUF];
	int bad;

	if (preset_starter_given(db, user_id))
		return 0;
	if (db_begin(db) != SQLITE_OK)
		return -1;
	/* Whoever marks the user first gives the set: two pages opened at
	 * once give it once. */
	if (!preset_starter_mark(db, user_id, now_ms())) {
		db_rollback(db);
		return 0;
	}
	for (size_t i = 0; i < COUNTOF(starters); i++) {
		const struct starter *s = &starters[i];
		if (component_create(db, user_id, s->type, s->name, s->content, s->description,
				     s->tags, ids[i]) != STORE_OK) {
			db_rollback(db);
			return -1;
		}
		if (s->in_preset)
			slot[component_type_index(s->type)] = ids[i];
	}
	if (db_commit(db) != SQLITE_OK)
		return -1;
	/* The preset in its own transaction: preset_create checks the
	 * components it names, which are committed now. */
	if (preset_create(db, user_id, "Explain simply",
			  "A patient teacher for a beginner, brief and step by step.", slot,
			  preset_id, &bad) != STORE_OK)
		log_warn("could not create the starter preset");
	return 0;
}
