/* test_quota.c — the plan's counts (store_quota.c quota_usage) read from
 * the running totals of migration 013 equal the same counts taken row by
 * row from request_log and usage_logs: over a random history written out of
 * time order, in zones whose days start on the half and three-quarter hour,
 * in one whose midnight was not on a quarter hour at all (Monrovia before
 * 1972), after rows are deleted and changed, and in a data directory that
 * had its history before the migration came. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "store_quota.h"
#include "tz.h"

#define HOUR (3600 * INT64_C(1000))
#define DAY (24 * HOUR)

static const char *const users[] = { "00000000-0000-4000-8000-00000000000a",
				     "00000000-0000-4000-8000-00000000000b" };

struct fixture {
	char dir[64], path[96];
	struct db *data;
	unsigned seed;
};

/* The data migrations of the source tree. */
static void migrations_dir(char *out, size_t n)
{
	const char *share = getenv("CONFAB_SHARE_DIR");
	snprintf(out, n, "%s/schema/data", share && *share ? share : ".");
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char mig[512], *err = NULL;
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-quota-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/data.db", f->dir);
	migrations_dir(mig, sizeof mig);
	f->data = db_open(f->path, &err);
	if (!f->data || db_migrate(f->data, mig, &err)) {
		fprintf(stderr, "%s\n", err ? err : "?");
		return -1;
	}
	f->seed = 12345;
	*state = f;
	return 0;
}

/* A data file at the schema before migration 013 (a directory of links to
 * the migrations numbered below it). */
static int setup_before_013(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char mig[512], old[128], from[1024], to[1024], *err = NULL;
	struct dirent *e;
	DIR *d;
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-quota-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/data.db", f->dir);
	snprintf(old, sizeof old, "%s/old", f->dir);
	migrations_dir(mig, sizeof mig);
	if (mkdir(old, 0700) || !(d = opendir(mig)))
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && atoi(e->d_name) < 13) {
			snprintf(from, sizeof from, "%s/%s", mig, e->d_name);
			snprintf(to, sizeof to, "%s/%s", old, e->d_name);
			if (symlink(from, to))
				return -1;
		}
	closedir(d);
	f->data = db_open(f->path, &err);
	if (!f->data || db_migrate(f->data, old, &err)) {
		fprintf(stderr, "%s\n", err ? err : "?");
		return -1;
	}
	f->seed = 777;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[128];
	db_close(f->data);
	for (const char *const *s = (const char *const[]){ "", "-wal", "-shm", NULL }; *s; s++) {
		snprintf(p, sizeof p, "%s%s", f->path, *s);
		unlink(p);
	}
	snprintf(p, sizeof p, "%s/old", f->dir);
	{
		DIR *d = opendir(p);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char l[512];
			snprintf(l, sizeof l, "%s/%s", p, e->d_name);
			if (e->d_name[0] != '.')
				unlink(l);
		}
		if (d)
			closedir(d);
		rmdir(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t rnd(struct fixture *f, int64_t n)
{
	return (int64_t)(((uint64_t)rand_r(&f->seed) << 31 ^ (uint64_t)rand_r(&f->seed)) % (uint64_t)n);
}

/* n requests of random users at random times in [from, from + span), in no
 * order: each a request_log row and a usage row of a random kind (the kinds
 * the plan does not count among them). */
static void write_history(struct fixture *f, int64_t from, int64_t span, int n)
{
	static const char *const types[] = { "chat", "chat", "chat", "title" };
	static const char *const statuses[] = { "success", "success", "error", "cached", "throttled" };
	static const char *const keys[] = { "server", "server", "server", "user" };
	sqlite3_stmt *rl = db_prep(f->data, "INSERT INTO request_log (message_id, user_id, created_at) "
					    "VALUES (?1, ?2, ?3)");
	sqlite3_stmt *ul = db_prep(f->data, "INSERT INTO usage_logs (id, user_id, type, key_source, "
					    "status, tokens_in, tokens_out, created_at) "
					    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	assert_int_equal(db_begin(f->data), SQLITE_OK);
	for (int i = 0; i < n; i++) {
		char id[48];
		const char *user = users[rnd(f, 2)];
		int64_t t = from + rnd(f, span);
		snprintf(id, sizeof id, "r-%lld-%d", (long long)from, i);
		db_bind_text(rl, 1, id);
		db_bind_text(rl, 2, user);
		sqlite3_bind_int64(rl, 3, t);
		assert_int_equal(db_exec_stmt(rl), SQLITE_DONE);
		snprintf(id, sizeof id, "u-%lld-%d", (long long)from, i);
		db_bind_text(ul, 1, id);
		db_bind_text(ul, 2, user);
		db_bind_text(ul, 3, types[rnd(f, 4)]);
		db_bind_text(ul, 4, keys[rnd(f, 4)]);
		db_bind_text(ul, 5, statuses[rnd(f, 5)]);
		sqlite3_bind_int64(ul, 6, rnd(f, 2000));
		sqlite3_bind_int64(ul, 7, rnd(f, 2000));
		/* The usage row lands a little after its request, as the
		 * worker writes it when the reply ends. */
		sqlite3_bind_int64(ul, 8, t + rnd(f, 60000));
		assert_int_equal(db_exec_stmt(ul), SQLITE_DONE);
	}
	assert_int_equal(db_commit(f->data), SQLITE_OK);
}

/* The count of one SQL query with user and since bound. */
/* A macro so that sql stays a literal for db_prep (db.h). */
#define raw(f, sql, user, since) raw_count(db_prep((f)->data, sql), (user), (since))

static int64_t raw_count(sqlite3_stmt *st, const char *user, int64_t since)
{
	int64_t n;
	db_bind_text(st, 1, user);
	sqlite3_bind_int64(st, 2, since);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

#define RAW_REQUESTS "SELECT count(*) FROM request_log WHERE user_id = ?1 AND created_at >= ?2"
#define RAW_TOKENS "SELECT coalesce(sum(tokens_in + tokens_out), 0) FROM usage_logs " \
	"WHERE user_id = ?1 AND created_at >= ?2 AND type = 'chat' AND key_source = 'server' " \
	"AND status IN ('success', 'error')"

/* quota_usage for both users at now in tz against the rows themselves;
 * returns how many of the checks had something to count. */
static int check_at(struct fixture *f, const char *tz, int64_t now)
{
	int counted = 0;
	for (int i = 0; i < 2; i++) {
		struct quota_usage u;
		int64_t day = tz_day_start(tz, now, 0), month = tz_month_start(tz, now, 0);
		quota_usage(f->data, users[i], tz, now, &u);
		assert_int_equal(u.hour, raw(f, RAW_REQUESTS, users[i], now - HOUR + 1));
		assert_int_equal(u.today, raw(f, RAW_REQUESTS, users[i], day));
		assert_int_equal(u.month, raw(f, RAW_REQUESTS, users[i], month));
		assert_int_equal(u.tokens_month, raw(f, RAW_TOKENS, users[i], month));
		assert_int_equal(u.day_reset, tz_day_start(tz, now, -1));
		assert_int_equal(u.month_reset, tz_month_start(tz, now, 1));
		counted += u.today > 0 && u.month > u.today && u.tokens_month > 0;
	}
	return counted;
}

/* At many instants of the history, in zones from UTC-3:30 to UTC+13:45. */
static void check_zones(struct fixture *f, int64_t from, int64_t span)
{
	static const char *const zones[] = { "UTC", "Asia/Kathmandu", "Australia/Eucla",
					     "Pacific/Chatham", "Pacific/Kiritimati",
					     "America/St_Johns", "Asia/Kolkata", NULL };
	int counted = 0;
	for (const char *const *z = zones; *z; z++)
		for (int k = 0; k < 40; k++)
			counted += check_at(f, *z, from + rnd(f, span));
	/* The checks compared something, not empty windows. */
	assert_true(counted > 100);
}

static void test_random_history(void **state)
{
	struct fixture *f = *state;
	int64_t from = INT64_C(1767225600000);  /* 2026-01-01 UTC */
	write_history(f, from, 120 * DAY, 3000);
	check_zones(f, from + 35 * DAY, 85 * DAY);
	/* Checks within a send's write transaction read the same. */
	assert_int_equal(db_begin(f->data), SQLITE_OK);
	check_at(f, "Asia/Kathmandu", from + 60 * DAY);
	db_rollback(f->data);
}

/* Rows deleted and changed (an operator's correction): the totals follow. */
static void test_rows_changed(void **state)
{
	struct fixture *f = *state;
	int64_t from = INT64_C(1767225600000);
	write_history(f, from, 120 * DAY, 3000);
	assert_int_equal(sqlite3_exec(db_handle(f->data),
		"DELETE FROM request_log WHERE rowid % 7 = 0;"
		"DELETE FROM usage_logs WHERE rowid % 11 = 0;"
		"UPDATE request_log SET created_at = created_at - 3 * 86400000 WHERE rowid % 5 = 0;"
		"UPDATE request_log SET user_id = '00000000-0000-4000-8000-00000000000a' WHERE rowid % 13 = 0;"
		"UPDATE usage_logs SET status = 'error' WHERE rowid % 6 = 0;"
		"UPDATE usage_logs SET key_source = 'user' WHERE rowid % 9 = 0;"
		"UPDATE usage_logs SET tokens_out = tokens_out + 17, created_at = created_at + 86400000 "
		" WHERE rowid % 4 = 0;", NULL, NULL, NULL), SQLITE_OK);
	check_zones(f, from + 35 * DAY, 85 * DAY);
}

/* Liberia kept UTC-0:44:30 until 1972: its midnights then were not on a
 * quarter hour, and the counts come out right all the same. */
static void test_odd_offset(void **state)
{
	struct fixture *f = *state;
	int64_t from = INT64_C(36000000000), counted = 0;  /* 1971-02-21 */
	write_history(f, from, 60 * DAY, 3000);
	assert_true(tz_day_start("Africa/Monrovia", from + 45 * DAY, 0) % 900000 != 0);
	for (int k = 0; k < 40; k++)
		counted += check_at(f, "Africa/Monrovia", from + 32 * DAY + rnd(f, 28 * DAY));
	assert_true(counted > 20);
}

/* History written before migration 013, then the migration: its totals
 * are filled in from the rows, and kept from then on. */
static void test_backfill(void **state)
{
	struct fixture *f = *state;
	int64_t from = INT64_C(1767225600000);
	char mig[512], *err = NULL;
	assert_int_equal(db_version(f->data), 12);
	write_history(f, from, 120 * DAY, 3000);
	migrations_dir(mig, sizeof mig);
	assert_int_equal(db_migrate(f->data, mig, &err), 0);
	assert_true(db_version(f->data) >= 13);
	check_zones(f, from + 35 * DAY, 85 * DAY);
	write_history(f, from + 60 * DAY, 60 * DAY, 1000);
	check_zones(f, from + 35 * DAY, 85 * DAY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backfill, setup_before_013, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
