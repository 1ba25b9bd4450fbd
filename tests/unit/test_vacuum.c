/* test_vacuum.c — vacuum.c, backup.c and files.c on real SQLite files in a
 * temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "db.h"
#include "files.h"
#include "vacuum.h"

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *err = NULL;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-vacuum.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	f->db = db_open(f->path, &err);
	assert_non_null(f->db);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	db_close(f->db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db_handle(db), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* 3000 rows of 2000 bytes: about 1500 pages, then all deleted. */
static void fill_and_delete(struct db *db)
{
	exec(db, "CREATE TABLE IF NOT EXISTS t (x BLOB);"
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
		 "INSERT INTO t SELECT randomblob(2000) FROM n;");
	exec(db, "DELETE FROM t");
}

static void new_files_are_incremental(void **state)
{
	struct fixture *f = *state;
	struct db_space s;
	exec(f->db, "CREATE TABLE t (x BLOB)");
	vacuum_space(f->db, &s);
	assert_true(s.incremental);
	assert_int_equal(s.page_size, 4096);
}

static void reclaim_slices_then_all(void **state)
{
	struct fixture *f = *state;
	struct db_space before, after;
	int64_t freed;
	fill_and_delete(f->db);
	vacuum_space(f->db, &before);
	assert_true(before.free_pages > VACUUM_SLICE);
	/* The file shrinks by the free pages and by the pointer-map pages
	 * (auto_vacuum's bookkeeping) that are no longer needed. */
	freed = vacuum_reclaim(f->db, 0);
	assert_in_range(freed, VACUUM_SLICE, VACUUM_SLICE + 8);
	vacuum_space(f->db, &after);
	assert_true(after.free_pages > 0);
	freed += vacuum_reclaim(f->db, 1);
	vacuum_space(f->db, &after);
	assert_int_equal(after.free_pages, 0);
	assert_in_range(freed, before.free_pages, before.free_pages + 8);
	assert_int_equal(after.pages, before.pages - freed);
	assert_int_equal(vacuum_reclaim(f->db, 1), 0);  /* nothing left: nothing done */
	/* The file itself shrinks once the WAL is checkpointed. */
	assert_int_equal(vacuum_checkpoint(f->db), 0);
	assert_int_equal(files_size(f->path), after.pages * after.page_size);
}

static void old_files_are_converted(void **state)
{
	struct fixture *f = *state;
	struct db_space s;
	char *err = NULL;
	/* As a file made before incremental vacuum: auto_vacuum NONE. */
	exec(f->db, "PRAGMA auto_vacuum=NONE; VACUUM");
	fill_and_delete(f->db);
	vacuum_space(f->db, &s);
	assert_false(s.incremental);
	assert_int_equal(vacuum_reclaim(f->db, 1), 0);  /* cannot, in NONE mode */
	assert_int_equal(vacuum_make_incremental(f->db, &err), 1);
	vacuum_space(f->db, &s);
	assert_true(s.incremental);
	assert_int_equal(s.free_pages, 0);  /* the VACUUM dropped them */
	assert_int_equal(vacuum_make_incremental(f->db, &err), 0);
}

/* A copy taken while another connection has a write open holds what was
 * committed and nothing of what was not. */
static void backup_copies_a_committed_snapshot(void **state)
{
	struct fixture *f = *state;
	char *err = NULL, copy[160];
	struct db *other, *c;
	sqlite3_stmt *st;
	int version = -1;
	exec(f->db, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2); "
		    "PRAGMA user_version=7");
	other = db_open(f->path, &err);
	assert_non_null(other);
	assert_int_equal(db_begin(other), SQLITE_OK);
	exec(other, "INSERT INTO t VALUES (3)");
	snprintf(copy, sizeof copy, "%s/copy.db", f->dir);
	assert_int_equal(backup_copy_db(f->path, copy, &err), 0);
	db_rollback(other);
	db_close(other);
	assert_int_equal(backup_check_db(copy, &version, &err), 0);
	assert_int_equal(version, 7);
	c = db_open(copy, &err);
	assert_non_null(c);
	assert_int_equal(sqlite3_prepare_v2(db_handle(c), "SELECT count(*), sum(x) FROM t", -1,
					    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);
	assert_int_equal(sqlite3_column_int(st, 1), 3);
	sqlite3_finalize(st);
	db_close(c);
}

static void backup_of_missing_file_fails(void **state)
{
	struct fixture *f = *state;
	char *err = NULL, src[160], dst[160];
	snprintf(src, sizeof src, "%s/absent.db", f->dir);
	snprintf(dst, sizeof dst, "%s/copy.db", f->dir);
	assert_int_equal(backup_copy_db(src, dst, &err), -1);
	assert_non_null(err);
	free(err);
	assert_int_equal(access(src, F_OK), -1);  /* not created on the way */
}

static void check_refuses_garbage(void **state)
{
	struct fixture *f = *state;
	char *err = NULL, path[160];
	int v;
	snprintf(path, sizeof path, "%s/junk.db", f->dir);
	assert_int_equal(files_write(path, "this is not a database at all, not even close....",
				     50, 0600, &err), 0);
	assert_int_equal(backup_check_db(path, &v, &err), -1);
	assert_non_null(err);
	free(err);
}

static void files_write_sets_mode_and_replaces(void **state)
{
	struct fixture *f = *state;
	char *err = NULL, path[160], buf[16];
	struct stat sb;
	mode_t old = umask(0);
	snprintf(path, sizeof path, "%s/key", f->dir);
	assert_int_equal(files_write(path, "first", 5, 0600, &err), 0);
	assert_int_equal(files_write(path, "second", 6, 0600, &err), 0);
	umask(old);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(files_read(path, buf, sizeof buf), 6);
	assert_memory_equal(buf, "second", 6);
	snprintf(path, sizeof path, "%s/key.tmp", f->dir);
	assert_int_equal(access(path, F_OK), -1);
}

static void dir_empty_and_mkdirs(void **state)
{
	struct fixture *f = *state;
	char path[160];
	snprintf(path, sizeof path, "%s/a/b/c", f->dir);
	assert_int_equal(files_dir_empty(path), -1);
	assert_int_equal(files_mkdirs(path, 0700), 0);
	assert_int_equal(files_dir_empty(path), 1);
	assert_int_equal(files_mkdirs(path, 0700), 0);  /* again: fine */
	assert_int_equal(files_dir_empty(f->dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(new_files_are_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(reclaim_slices_then_all, setup, teardown),
		cmocka_unit_test_setup_teardown(old_files_are_converted, setup, teardown),
		cmocka_unit_test_setup_teardown(backup_copies_a_committed_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(backup_of_missing_file_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(check_refuses_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(files_write_sets_mode_and_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(dir_empty_and_mkdirs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
