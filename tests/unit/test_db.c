/* test_db.c — db.c's read snapshots on a real SQLite file: they nest, a
 * write ends them first (so it never meets a stale snapshot), and inside a
 * write transaction they read in it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;    /* the page's connection */
	struct db *other; /* another process writing meanwhile */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *err = NULL;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-db.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	f->db = db_open(f->path, &err);
	assert_non_null(f->db);
	f->other = db_open(f->path, &err);
	assert_non_null(f->other);
	assert_int_equal(sqlite3_exec(db_handle(f->db), "CREATE TABLE t (x INTEGER)", NULL, NULL,
				      NULL), SQLITE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	db_close(f->db);
	db_close(f->other);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int64_t count(struct db *db)
{
	sqlite3_stmt *st = db_prep(db, "SELECT count(*) FROM t");
	int64_t n = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static void insert(struct db *db)
{
	assert_int_equal(db_exec_stmt(db_prep(db, "INSERT INTO t (x) VALUES (1)")), SQLITE_DONE);
}

static int in_tx(struct db *db)
{
	return !sqlite3_get_autocommit(db_handle(db));
}

/* Reads inside one snapshot do not see another connection's commit. */
static void snapshot_holds_and_nests(void **state)
{
	struct fixture *f = *state;
	db_read_begin(f->db);
	assert_int_equal(count(f->db), 0);
	insert(f->other);
	assert_int_equal(count(f->db), 0);
	db_read_begin(f->db); /* nested: still the same snapshot */
	assert_int_equal(count(f->db), 0);
	db_read_end(f->db);
	assert_true(in_tx(f->db));
	assert_int_equal(count(f->db), 0);
	db_read_end(f->db);
	assert_false(in_tx(f->db));
	assert_int_equal(count(f->db), 1);
	db_read_end(f->db); /* one too many: nothing to end, no harm */
	assert_false(in_tx(f->db));
}

/* A write in a snapshot another connection has moved past: without ending
 * it first, SQLite answers SQLITE_BUSY_SNAPSHOT and the write is lost. */
static void write_ends_a_stale_snapshot(void **state)
{
	struct fixture *f = *state;
	db_read_begin(f->db);
	assert_int_equal(count(f->db), 0);
	insert(f->other);
	insert(f->db);
	assert_false(in_tx(f->db));
	assert_int_equal(count(f->db), 2);
	db_read_end(f->db);
	assert_false(in_tx(f->db));
	assert_int_equal(count(f->other), 2);
}

/* db_begin inside a snapshot: the write transaction is a fresh one. */
static void begin_ends_the_snapshot(void **state)
{
	struct fixture *f = *state;
	db_read_begin(f->db);
	assert_int_equal(count(f->db), 0);
	insert(f->other);
	assert_int_equal(db_begin(f->db), SQLITE_OK);
	assert_int_equal(count(f->db), 1);
	insert(f->db);
	assert_int_equal(db_commit(f->db), SQLITE_OK);
	db_read_end(f->db);
	assert_false(in_tx(f->db));
	assert_int_equal(count(f->other), 2);
}

/* A read snapshot asked for inside a write transaction reads in it and
 * never commits it: the writer's rollback still takes everything back. */
static void read_inside_a_write_keeps_it(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_begin(f->db), SQLITE_OK);
	insert(f->db);
	db_read_begin(f->db);
	assert_int_equal(count(f->db), 1);
	db_read_end(f->db);
	assert_true(in_tx(f->db));
	db_rollback(f->db);
	assert_int_equal(count(f->db), 0);
	assert_int_equal(count(f->other), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(snapshot_holds_and_nests, setup, teardown),
		cmocka_unit_test_setup_teardown(write_ends_a_stale_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(begin_ends_the_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(read_inside_a_write_keeps_it, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
