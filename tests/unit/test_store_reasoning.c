/* test_store_reasoning.c — a reply's reasoning in data.db (migration 003):
 * appended in parts while the reply runs, read back from any offset by the
 * poll (on character boundaries), folded into messages.reasoning when the
 * reply ends or when a dead worker's reply is recovered, parts deleted. */
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
#include "store_chat.h"
#include "store_reply.h"
#include "util.h"

#define USER "00000000-0000-4000-8000-000000000001"

struct fixture {
	char dir[64], path[96];
	struct db *data;
	struct arena a;
	char chat[UUID_BUF], msg[UUID_BUF];
	struct job job;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *share = getenv("CONFAB_SHARE_DIR");
	char mig[512], *err = NULL;
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-reasoning-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/data.db", f->dir);
	snprintf(mig, sizeof mig, "%s/schema/data", share && *share ? share : ".");
	f->data = db_open(f->path, &err);
	if (!f->data || db_migrate(f->data, mig, &err)) {
		fprintf(stderr, "%s\n", err ? err : "?");
		return -1;
	}
	arena_init(&f->a, 0);
	/* A chat with one reply claimed by the worker. */
	if (reply_send_new_chat(f->data, USER, "Think first", "m", NULL, f->chat, f->msg) != STORE_OK ||
	    db_begin(f->data) != SQLITE_OK || job_claim(f->data, &f->job, 1, 1000) != 1 ||
	    db_commit(f->data) != SQLITE_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[128];
	db_close(f->data);
	arena_free(&f->a);
	free(f->job.model);
	for (const char *const *s = (const char *const[]){ "", "-wal", "-shm", NULL }; *s; s++) {
		snprintf(p, sizeof p, "%s%s", f->path, *s);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Two ticks' worth of reasoning, the second starting with "é" (2 bytes). */
static void append_two_ticks(struct fixture *f)
{
	assert_int_equal(db_begin(f->data), SQLITE_OK);
	reply_append_reasoning(f->data, f->msg, 0, "Hmm, caf", 8);
	reply_append(f->data, f->msg, 0, "Ans", 3);
	assert_int_equal(db_commit(f->data), SQLITE_OK);
	assert_int_equal(db_begin(f->data), SQLITE_OK);
	reply_append_reasoning(f->data, f->msg, 8, "\xc3\xa9 <ok>", 8);
	assert_int_equal(db_commit(f->data), SQLITE_OK);
}

static int64_t count_parts(struct fixture *f)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	assert_int_equal(sqlite3_prepare_v2(db_handle(f->data), "SELECT count(*) FROM reasoning_parts",
					    -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void parts_while_running(void **state)
{
	struct fixture *f = *state;
	const char *t;
	int64_t next;
	append_two_ticks(f);
	reply_poll_reasoning(f->data, &f->a, f->msg, 0, &t, &next);
	assert_string_equal(t, "Hmm, caf\xc3\xa9 <ok>");
	assert_int_equal(next, 16);
	reply_poll_reasoning(f->data, &f->a, f->msg, 5, &t, &next);
	assert_string_equal(t, "caf\xc3\xa9 <ok>");
	/* An offset inside "é" moves on to the next character. */
	reply_poll_reasoning(f->data, &f->a, f->msg, 9, &t, &next);
	assert_string_equal(t, " <ok>");
	reply_poll_reasoning(f->data, &f->a, f->msg, 16, &t, &next);
	assert_string_equal(t, "");
	assert_int_equal(next, 16);
	assert_string_equal(reply_partial_reasoning(f->data, &f->a, f->msg), "Hmm, caf\xc3\xa9 <ok>");
	/* The answer's parts are apart. */
	assert_string_equal(reply_partial_text(f->data, &f->a, f->msg), "Ans");
}

static void folded_when_done(void **state)
{
	struct fixture *f = *state;
	struct reply_end e = { 0 };
	struct message_window w;
	struct message *m;
	append_two_ticks(f);
	e.content = "Answer";
	e.content_len = 6;
	e.status = "done";
	e.reasoning = "Hmm, caf\xc3\xa9 <ok>";
	e.reasoning_len = strlen(e.reasoning);
	e.ttft_ms = e.response_ms = -1;
	e.provider = e.model = "m";
	assert_int_equal(db_begin(f->data), SQLITE_OK);
	reply_finish(f->data, f->job.id, f->msg, f->chat, USER, &e, 2000);
	assert_int_equal(db_commit(f->data), SQLITE_OK);
	assert_int_equal(count_parts(f), 0);
	store_chat_window(f->data, &f->a, f->chat, INT64_MAX, 10, &w);
	m = w.m;
	assert_int_equal(w.n, 2);
	assert_string_equal(m[0].reasoning, "");
	assert_string_equal(m[1].content, "Answer");
	assert_string_equal(m[1].reasoning, "Hmm, caf\xc3\xa9 <ok>");
}

static void folded_on_recovery(void **state)
{
	struct fixture *f = *state;
	struct reply_poll p;
	append_two_ticks(f);
	assert_int_equal(db_begin(f->data), SQLITE_OK);
	assert_int_equal(reply_recover(f->data, NULL, "interrupted", 3000), 1);
	assert_int_equal(db_commit(f->data), SQLITE_OK);
	assert_int_equal(count_parts(f), 0);
	assert_int_equal(reply_poll(f->data, &f->a, USER, f->chat, f->msg, 0, &p), STORE_OK);
	assert_true(p.ended);
	assert_string_equal(p.msg.content, "Ans");
	assert_string_equal(p.msg.reasoning, "Hmm, caf\xc3\xa9 <ok>");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(parts_while_running),
		T(folded_when_done),
		T(folded_on_recovery),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
