/* test_hold.c — a request's hold (lib/hold.h, store_quota.c quota_admit)
 * bounds what it can cost. The cases seen: a user with $0.10 whose 25 KB
 * of instructions and files made a $10 request; a tokens_per_month = 5000
 * user spending 10,037 tokens in one request; a reasoning model sending
 * more max_tokens than the plan's cap. Then 1,000 requests of random
 * shape, each queued through reply_send, built as the worker builds it,
 * billed at random up to what a provider could bill for what was sent,
 * and settled: the charge is never above the hold, the balance never
 * below zero, and the max_tokens sent never above the hold's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "attach.h"
#include "db.h"
#include "hold.h"
#include "media_dims.h"
#include "provider.h"
#include "store_attach.h"
#include "store_credits.h"
#include "store_quota.h"
#include "store_reply.h"
#include "turn_files.h"

#define USER "00000000-0000-4000-8000-0000000000aa"

struct fixture {
	char dir[64], path[96];
	struct db *db;
	struct provider_cfg prov;
	struct model_cfg model;
	struct plan_cfg plan;
	unsigned seed;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *share = getenv("CONFAB_SHARE_DIR");
	char mig[512], *err = NULL;
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-hold-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/data.db", f->dir);
	snprintf(mig, sizeof mig, "%s/schema/data", share && *share ? share : ".");
	f->db = db_open(f->path, &err);
	if (!f->db || db_migrate(f->db, mig, &err)) {
		fprintf(stderr, "%s\n", err ? err : "?");
		return -1;
	}
	f->prov.name = (char *)"p";
	f->prov.type = (char *)"anthropic";
	f->prov.base_url = (char *)"http://127.0.0.1:9";
	f->prov.api_key = (char *)"";
	f->model.id = (char *)"m";
	f->model.api_model = (char *)"m";
	f->model.provider = &f->prov;
	f->model.max_output = 1024;
	f->model.images = f->model.pdfs = 1;
	f->plan.name = (char *)"p";
	f->plan.requests_per_hour = f->plan.requests_per_day = f->plan.requests_per_month = -1;
	f->plan.tokens_per_month = f->plan.max_tokens_per_request = -1;
	/* 1,000 sends: no need to wait for the disk. */
	sqlite3_exec(db_handle(f->db), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
	f->seed = 20240613;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	db_close(f->db);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* The sum of the user's ledger rows, which must always equal the balance:
 * read here with SQLite directly, since nothing in the program needs it. */
static int64_t ledger_sum(struct db *db, const char *user_id)
{
	sqlite3_stmt *st;
	int64_t s = -1;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), "SELECT coalesce(sum(amount), 0) "
					    "FROM credit_ledger WHERE user_id = ?1", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		s = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return s;
}

static unsigned rnd(struct fixture *f, unsigned n)
{
	f->seed = f->seed * 1103515245u + 12345u;
	return n ? (f->seed >> 8) % n : 0;
}

/* A PNG header of w x h (all the bound reads). */
static size_t png(unsigned char *out, uint32_t w, uint32_t h)
{
	memcpy(out, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
	for (int i = 0; i < 4; i++) {
		out[16 + i] = (unsigned char)(w >> (24 - 8 * i));
		out[20 + i] = (unsigned char)(h >> (24 - 8 * i));
	}
	memset(out + 24, 0, 9);
	return 33;
}

/* A PDF of pages pages: plain page objects, or (packed) inside a Flate
 * object stream as PDF 1.5 writers make them. Heap; *len set. */
static unsigned char *pdf(int pages, int packed, size_t *len)
{
	size_t cap = 64 + 40 * (size_t)pages, n = 0;
	char *objs = malloc(cap);
	unsigned char *out;
	for (int i = 0; i < pages; i++)
		n += (size_t)sprintf(objs + n, "<</Type /Page /Parent 2 0 R>>\n");
	out = malloc(cap + 256);
	if (!packed) {
		*len = (size_t)sprintf((char *)out, "%%PDF-1.4\n%s%%%%EOF\n", objs);
	} else {
		uLongf z = compressBound(n);
		unsigned char *zb = malloc(z);
		size_t h;
		assert_int_equal(compress(zb, &z, (unsigned char *)objs, n), Z_OK);
		out = realloc(out, z + 256);
		h = (size_t)sprintf((char *)out, "%%PDF-1.5\n3 0 obj <</Type /ObjStm /N %d "
				    "/Filter /FlateDecode /Length %lu>>\nstream\n", pages,
				    (unsigned long)z);
		memcpy(out + h, zb, z);
		h += z;
		h += (size_t)sprintf((char *)out + h, "\nendstream\nendobj\n%%%%EOF\n");
		*len = h;
		free(zb);
	}
	free(objs);
	return out;
}

/* Send content in a new chat whose own instructions are system (and files),
 * after the exchanges of history[0..n) (each a user message answered
 * "ok"), under f's plan and model; the rc and the quota it filled. */
static enum store_rc send_after(struct fixture *f, const char *system, char *const *history,
				size_t nhistory, const char *content,
				const struct attachment *files, size_t nfiles, struct quota *q,
				char chat[UUID_BUF], char msg[UUID_BUF]);
static enum store_rc send_new(struct fixture *f, const char *system, const char *content,
			  const struct attachment *files, size_t nfiles, struct quota *q,
			  char chat[UUID_BUF], char msg[UUID_BUF])
{
	return send_after(f, system, NULL, 0, content, files, nfiles, q, chat, msg);
}
static enum store_rc send_after(struct fixture *f, const char *system, char *const *history,
				size_t nhistory, const char *content,
				const struct attachment *files, size_t nfiles, struct quota *q,
				char chat[UUID_BUF], char msg[UUID_BUF])
{
	struct origin o = { .ip = "127.0.0.1", .user_agent = "t", .quota = q,
			    .files = files, .nfiles = nfiles };
	sqlite3_stmt *st;
	enum store_rc rc;
	memset(q, 0, sizeof *q);
	q->plan = &f->plan;
	q->tz = "UTC";
	q->model = &f->model;
	q->data_dir = f->dir;
	q->charge_credits = 1;
	/* The chat first (a send into it): its instructions are read from it. */
	rc = reply_send_new_chat(f->db, USER, "first", "m", NULL, chat, msg);
	assert_int_equal(rc, STORE_OK);
	st = db_prep(f->db, "UPDATE chats SET system_prompt = ?2 WHERE id = ?1");
	db_bind_text(st, 1, chat);
	db_bind_text(st, 2, system);
	assert_int_equal(db_exec_stmt(st), SQLITE_DONE);
	st = db_prep(f->db, "DELETE FROM jobs WHERE message_id = ?1");
	db_bind_text(st, 1, msg);
	assert_int_equal(db_exec_stmt(st), SQLITE_DONE);
	st = db_prep(f->db, "UPDATE messages SET status = 'done', content = 'ok' WHERE id = ?1");
	db_bind_text(st, 1, msg);
	assert_int_equal(db_exec_stmt(st), SQLITE_DONE);
	for (size_t i = 0; i < nhistory; i++) {
		char user_msg[UUID_BUF];
		assert_int_equal(reply_send(f->db, USER, chat, history[i], "m", NULL, user_msg, msg),
				 STORE_OK);
		st = db_prep(f->db, "DELETE FROM jobs WHERE message_id = ?1");
		db_bind_text(st, 1, msg);
		assert_int_equal(db_exec_stmt(st), SQLITE_DONE);
		st = db_prep(f->db, "UPDATE messages SET status = 'done', content = 'ok' WHERE id = ?1");
		db_bind_text(st, 1, msg);
		assert_int_equal(db_exec_stmt(st), SQLITE_DONE);
	}
	{
		char user_msg[UUID_BUF];
		return reply_send(f->db, USER, chat, content, "m", &o, user_msg, msg);
	}
}

static struct attachment stored(struct fixture *f, const unsigned char *d, size_t n,
				const char *type, const char *name)
{
	struct attachment a;
	char *err = NULL;
	memset(&a, 0, sizeof a);
	assert_int_equal(attach_store(f->dir, d, n, a.hash, &err), 0);
	a.type = type;
	a.name = name;
	a.size = (int64_t)n;
	return a;
}

static char *filled(size_t n, char c)
{
	char *s = malloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Seen: $0.10 of credits, 25 KB of instructions and two large images on a
 * model at $10 / $30 per million: the old hold counted the message's few
 * bytes and let it through, and the reply was charged far past the hold.
 * Now it is refused, saying what it needs, and nothing is held. */
static void test_seen_credits(void **state)
{
	struct fixture *f = *state;
	unsigned char img[64];
	struct attachment files[2];
	struct quota q;
	char chat[UUID_BUF], msg[UUID_BUF], *system = filled(25 * 1024, 'x');
	f->model.price_in = 10000000;
	f->model.price_out = 30000000;
	assert_int_equal(credits_add(f->db, USER, "grant", 100000, NULL, "", 1), STORE_OK);
	files[0] = stored(f, img, png(img, 4000, 3000), "image/png", "a.png");
	files[1] = stored(f, img, png(img, 3000, 4000), "image/png", "b.png");
	assert_int_equal(send_new(f, system, "what is in these?", files, 2, &q, chat, msg),
			 STORE_LIMITED);
	assert_int_equal(q.status, 402);
	assert_string_equal(q.what, "credits");
	assert_true(q.hold_tokens >= 25 * 1024 + 2 * 1600 + 1024);
	assert_true(q.hold_cost > 100000);
	assert_int_equal(q.left, 100000);
	assert_int_equal(credits_balance(f->db, USER), 100000);
	free(system);
}

/* Seen: tokens_per_month = 5000 and one request of 10,037 tokens. */
static void test_seen_tokens(void **state)
{
	struct fixture *f = *state;
	struct quota q;
	char chat[UUID_BUF], msg[UUID_BUF], *system = filled(9000, 'y');
	f->plan.tokens_per_month = 5000;
	assert_int_equal(send_new(f, system, "hello", NULL, 0, &q, chat, msg), STORE_LIMITED);
	assert_int_equal(q.status, 402);
	assert_string_equal(q.what, "tokens per month");
	assert_true(q.hold_tokens > 10000);
	assert_int_equal(q.left, 5000);
	free(system);
}

/* The max_tokens field an adapter put in its body (0: none). */
static int64_t sent_max(const struct gen_request *rq, int64_t *budget)
{
	const struct adapter *ad = adapter_for(rq->model->provider->type);
	struct buf url = BUF_INIT, body = BUF_INIT;
	struct curl_slist *h = NULL;
	json_error_t err;
	json_t *root, *v;
	int64_t n = 0;
	assert_int_equal(ad->build(rq, &url, &h, &body), 0);
	root = json_loads(buf_str(&body), 0, &err);
	assert_non_null(root);
	if ((v = json_object_get(root, "max_tokens")) ||
	    (v = json_object_get(root, "max_completion_tokens")) ||
	    (v = json_object_get(json_object_get(root, "generationConfig"), "maxOutputTokens")) ||
	    (v = json_object_get(json_object_get(root, "options"), "num_predict")))
		n = json_integer_value(v);
	*budget = json_integer_value(json_object_get(json_object_get(root, "thinking"),
						     "budget_tokens"));
	json_decref(root);
	curl_slist_free_all(h);
	buf_free(&url);
	buf_free(&body);
	return n;
}

/* Seen: a reasoning model under max_tokens_per_request = 50 sent 2048
 * (Anthropic's thinking budget raised it). Every adapter now sends at
 * most the plan's cap, thinking included. */
static void test_reasoning_cap(void **state)
{
	struct fixture *f = *state;
	static const char *const types[] = { "anthropic", "openai", "openai-compatible",
					     "gemini", "ollama" };
	struct turn t = { (char *)"user", (char *)"think hard", NULL, 0 };
	struct gen_request rq = { &f->model, "", &t, 1, 0, NULL };
	int64_t budget;
	f->model.reasoning = 1;
	f->model.max_output = 64000;
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		f->prov.type = (char *)types[i];
		rq.max_tokens = hold_max_tokens(&f->model, 50);
		assert_int_equal(rq.max_tokens, 50);
		assert_true(sent_max(&rq, &budget) <= 50);
		assert_int_equal(budget, 0);
		/* Room for thinking: the budget stays inside max_tokens. */
		rq.max_tokens = hold_max_tokens(&f->model, 3000);
		assert_int_equal(sent_max(&rq, &budget), 3000);
		assert_true(budget < 3000);
	}
}

/* A provider billing past the hold is charged the hold, not the balance. */
static void test_settle_caps_at_hold(void **state)
{
	struct fixture *f = *state;
	const char *m = "00000000-0000-4000-8000-0000000000m1";
	assert_int_equal(credits_add(f->db, USER, "grant", 1000000, NULL, "", 1), STORE_OK);
	assert_int_equal(db_begin(f->db), SQLITE_OK);
	assert_int_equal(credits_reserve(f->db, USER, m, 1000, 2), STORE_OK);
	assert_int_equal(credits_settle(f->db, USER, m, 5000, 3), 1000);
	assert_int_equal(db_commit(f->db), SQLITE_OK);
	assert_int_equal(credits_balance(f->db, USER), 999000);
	assert_int_equal(ledger_sum(f->db, USER), 999000);
}

static void test_dims(void **state)
{
	unsigned char b[64];
	int64_t w, h;
	size_t n;
	unsigned char *p;
	(void)state;
	assert_int_equal(image_dims(b, png(b, 1234, 567), &w, &h), 0);
	assert_int_equal(w, 1234);
	assert_int_equal(h, 567);
	memcpy(b, "GIF89a\x10\x02\x20\x01", 10);
	assert_int_equal(image_dims(b, 10, &w, &h), 0);
	assert_int_equal(w, 0x210);
	assert_int_equal(h, 0x120);
	/* JPEG: an APP0 segment, then SOF0 with height 0x0300, width 0x0400. */
	memcpy(b, "\xFF\xD8\xFF\xE0\x00\x04\x00\x00\xFF\xC0\x00\x11\x08\x03\x00\x04\x00", 17);
	assert_int_equal(image_dims(b, 17, &w, &h), 0);
	assert_int_equal(w, 1024);
	assert_int_equal(h, 768);
	assert_int_equal(image_dims(b, 9, &w, &h), -1);
	for (int packed = 0; packed < 2; packed++) {
		p = pdf(37, packed, &n);
		assert_int_equal(pdf_pages(p, n), 37);
		free(p);
	}
	assert_int_equal(pdf_pages((const unsigned char *)"%PDF-1.4 /Type /Pages /Count 12", 31), 12);
}

/* Random text of up to max bytes: ASCII, two- and three-byte characters. */
static char *random_text(struct fixture *f, size_t max)
{
	static const char *const bits[] = { "a", "word ", "é", "日本", "\n", "{}", "0" };
	size_t n = rnd(f, (unsigned)max + 1), len = 0;
	char *s = malloc(n + 8);
	while (len < n) {
		const char *b = bits[rnd(f, 7)];
		memcpy(s + len, b, strlen(b));
		len += strlen(b);
	}
	s[len] = '\0';
	return s;
}

/* A macro so that sql stays a literal for db_prep (db.h). */
#define one_int(db, sql, arg) one_int_st(db_prep((db), sql), (arg))

static int64_t one_int_st(sqlite3_stmt *st, const char *arg)
{
	int64_t v = -1;
	db_bind_text(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

/* 1,000 requests of random shape, end to end short of the network. */
static void test_random(void **state)
{
	static const char *const types[] = { "anthropic", "openai", "openai-compatible",
					     "gemini", "ollama" };
	struct fixture *f = *state;
	int admitted = 0, refused = 0, over = 0;
	for (int round = 0; round < 1000; round++) {
		struct attachment files[4];
		unsigned char img[64], *blobs[4] = { NULL };
		char *history[4], *system, *content, chat[UUID_BUF], msg[UUID_BUF], *sys2;
		size_t nfiles = rnd(f, 5), nhist = rnd(f, 5), n;
		struct turn *turns;
		struct quota q;
		enum store_rc rc;
		int64_t before, in, held, job_max, sent, budget, tin, tout, cost, charged;

		f->prov.type = (char *)types[rnd(f, 5)];
		f->model.reasoning = (int)rnd(f, 2);
		f->model.max_output = 16 + rnd(f, 16000);
		f->model.price_in = rnd(f, 20000001);
		f->model.price_out = rnd(f, 60000001);
		f->plan.max_tokens_per_request = rnd(f, 3) ? -1 : (int64_t)rnd(f, 4000);
		f->plan.tokens_per_month = -1;
		if (rnd(f, 3) == 0)
			assert_int_equal(credits_add(f->db, USER, "grant", rnd(f, 400000), NULL, "",
						     1), STORE_OK);
		system = random_text(f, rnd(f, 4) ? 2000 : 30000);
		content = random_text(f, 3000);
		for (size_t i = 0; i < nhist; i++)
			history[i] = random_text(f, 4000);
		for (size_t i = 0; i < nfiles; i++) {
			if (rnd(f, 2)) {
				files[i] = stored(f, img, png(img, 1 + rnd(f, 6000), 1 + rnd(f, 6000)),
						  "image/png", "i.png");
			} else {
				blobs[i] = pdf(1 + (int)rnd(f, 30), (int)rnd(f, 2), &n);
				files[i] = stored(f, blobs[i], n, "application/pdf", "d.pdf");
			}
		}
		before = credits_balance(f->db, USER);
		rc = send_after(f, system, history, nhist, content, files, nfiles, &q, chat, msg);
		if (rc == STORE_LIMITED) {
			assert_int_equal(q.status, 402);
			assert_true(q.hold_cost > before);
			assert_int_equal(credits_balance(f->db, USER), before);
			refused++;
			goto next;
		}
		assert_int_equal(rc, STORE_OK);
		admitted++;
		assert_int_equal(credits_balance(f->db, USER), before - q.hold_cost);

		/* The worker's side (worker/stream.c stream_new_reply). */
		n = job_history(f->db, chat, msg, &sys2, &turns);
		turn_files_load(f->dir, 1, 1, turns, n);
		in = hold_input_tokens(f->prov.type, sys2, turns, n);
		held = quota_held_tokens(f->db, msg);
		job_max = one_int(f->db, "SELECT max_tokens FROM jobs WHERE message_id = ?1", msg);
		assert_int_equal(held, q.hold_tokens);
		assert_true(in + job_max <= held);
		if (f->plan.max_tokens_per_request >= 0)
			assert_true(job_max <= (f->plan.max_tokens_per_request > 0
						? f->plan.max_tokens_per_request : 1));
		{
			struct gen_request rq = { &f->model, sys2, turns, n, 0, NULL };
			rq.max_tokens = job_max > 0 && job_max < f->model.max_output
					? job_max : f->model.max_output;
			sent = sent_max(&rq, &budget);
		}
		assert_true(sent >= 1 && sent <= job_max);
		assert_true(budget < sent);
		turns_free(turns, n);
		free(sys2);

		/* The provider bills up to what was sent; now and then past it. */
		tin = rnd(f, (unsigned)in + 1);
		tout = rnd(f, (unsigned)sent + 1);
		if (rnd(f, 30) == 0) {
			tin = in + 1 + rnd(f, 100000);
			over++;
		}
		cost = (tin * f->model.price_in + tout * f->model.price_out + 500000) / 1000000;
		{
			struct reply_end e;
			int64_t job = one_int(f->db, "SELECT id FROM jobs WHERE message_id = ?1", msg);
			int64_t mid = credits_balance(f->db, USER);
			memset(&e, 0, sizeof e);
			e.content = "r";
			e.content_len = 1;
			e.status = "done";
			e.tokens_in = tin;
			e.tokens_out = tout;
			e.cost = cost;
			e.ttft_ms = e.response_ms = -1;
			e.provider = "p";
			e.model = "m";
			e.started_at = 1;
			assert_int_equal(db_begin(f->db), SQLITE_OK);
			reply_finish(f->db, job, msg, chat, USER, &e, 2);
			assert_int_equal(db_commit(f->db), SQLITE_OK);
			charged = mid + q.hold_cost - credits_balance(f->db, USER);
		}
		assert_true(charged <= q.hold_cost);
		assert_int_equal(charged, cost < q.hold_cost ? cost : q.hold_cost);
		assert_true(credits_balance(f->db, USER) >= 0);
		assert_int_equal(ledger_sum(f->db, USER), credits_balance(f->db, USER));
		/* The usage row keeps what the provider reported. */
		assert_int_equal(one_int(f->db, "SELECT cost FROM usage_logs WHERE message_id = ?1",
					 msg), cost);
next:
		for (size_t i = 0; i < nfiles; i++)
			free(blobs[i]);
		for (size_t i = 0; i < nhist; i++)
			free(history[i]);
		free(system);
		free(content);
	}
	/* The shapes were varied enough to see each way. */
	printf("# %d admitted, %d refused, %d billed past the bound\n", admitted, refused, over);
	assert_true(admitted > 100);
	assert_true(refused > 100);
	assert_true(over > 5);
}

/* sqlite3_trace_v2: count the statements that read a chat's history (the
 * messages before a reply, by seq). */
static int count_history_reads(unsigned what, void *ctx, void *p, void *x)
{
	const char *sql = sqlite3_sql(p);
	(void)what;
	(void)x;
	if (sql && strstr(sql, "FROM messages") && strstr(sql, "seq < (SELECT seq"))
		++*(int *)ctx;
	return 0;
}

/* The history is read once per use: one statement for the send's hold and
 * one for the worker's request, the files' rows coming with the turns;
 * the bytes read from disk are the ones the model takes, in order, and a
 * file gone from disk is left out. */
static void test_history_read_once(void **state)
{
	struct fixture *f = *state;
	unsigned char img[64];
	size_t n, np;
	unsigned char *doc = pdf(3, 0, &np);
	struct attachment files[3];
	char chat[UUID_BUF], msg[UUID_BUF], *sys, *path;
	struct turn *turns;
	struct quota q;
	int reads = 0;

	files[0] = stored(f, doc, np, "application/pdf", "d.pdf");
	files[1] = stored(f, img, png(img, 10, 20), "image/png", "i.png");
	files[2] = stored(f, (const unsigned char *)"GIF89a\x01\0\x01\0", 10, "image/gif",
			  "gone.gif");
	sqlite3_trace_v2(db_handle(f->db), SQLITE_TRACE_STMT, count_history_reads, &reads);
	assert_int_equal(send_new(f, "sys", "look", files, 3, &q, chat, msg), STORE_OK);
	assert_int_equal(reads, 1);

	/* The third file is gone from disk by the time the worker reads. */
	path = attach_path(f->dir, files[2].hash);
	assert_int_equal(unlink(path), 0);
	free(path);
	reads = 0;
	f->model.pdfs = 0;
	n = turn_files_history(f->db, f->dir, &f->model, chat, msg, &sys, &turns);
	assert_int_equal(reads, 1);
	sqlite3_trace_v2(db_handle(f->db), 0, NULL, NULL);
	assert_string_equal(sys, "sys");
	assert_int_equal(n, 3);
	assert_string_equal(turns[2].content, "look");
	assert_int_equal(turns[0].nfiles + turns[1].nfiles, 0);
	assert_int_equal(turns[2].nfiles, 1);
	assert_string_equal(turns[2].files[0].name, "i.png");
	assert_string_equal(turns[2].files[0].type, "image/png");
	assert_int_equal(turns[2].files[0].len, 33);
	assert_memory_equal(turns[2].files[0].data, img, 33);
	turns_free(turns, n);
	free(sys);

	/* The store alone: every row, in order, no bytes. */
	n = job_history(f->db, chat, msg, &sys, &turns);
	assert_int_equal(turns[2].nfiles, 3);
	assert_string_equal(turns[2].files[0].hash, files[0].hash);
	assert_string_equal(turns[2].files[1].hash, files[1].hash);
	assert_string_equal(turns[2].files[2].name, "gone.gif");
	assert_null(turns[2].files[0].data);
	turns_free(turns, n);
	free(sys);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seen_credits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seen_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reasoning_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settle_caps_at_hold, setup, teardown),
		cmocka_unit_test(test_dims),
		cmocka_unit_test_setup_teardown(test_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_read_once, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
