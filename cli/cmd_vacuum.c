/* confab vacuum — empty the trash of chats past their time, and give the
 * space of deleted chats and accounts back to the disk now, rather than
 * waiting for the worker's idle-time reclaim. */
#include "cli.h"
#include "app.h"
#include "files.h"
#include "vacuum.h"
#include "vacuum_files.h"
#include "vacuum_trash.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int vacuum_usage(FILE *f)
{
	fputs("usage: confab vacuum [--full]\n"
	      "  Delete for good the chats in the trash for over [chat] trash_days, then\n"
	      "  the attached files no message refers to any more. Return the free pages\n"
	      "  of user.db and data.db to the file system and truncate their write-ahead\n"
	      "  logs; print each file's size before and after.\n"
	      "  Safe while the site runs. Files made before incremental vacuum are first\n"
	      "  converted with one VACUUM. --full rewrites each file whole with VACUUM\n"
	      "  (defragments; needs as much free disk as the file, and holds the write\n"
	      "  lock while it runs).\n", f);
	return f == stdout ? CLI_OK : CLI_USAGE;
}

/* File and WAL together: what the database costs on disk. */
static long long disk_bytes(const char *data_dir, const char *file)
{
	char p[4096];
	long long n, w;
	snprintf(p, sizeof p, "%s/%s", data_dir, file);
	n = files_size(p);
	snprintf(p, sizeof p, "%s/%s-wal", data_dir, file);
	w = files_size(p);
	return (n > 0 ? n : 0) + (w > 0 ? w : 0);
}

static int vacuum_one(const char *file, struct db *db, int full)
{
	long long before = disk_bytes(g.cfg.data_dir, file);
	int64_t freed;
	char *err = NULL;
	int rc = full ? vacuum_full(db, &err) : vacuum_make_incremental(db, &err);
	if (rc < 0) {
		cli_error("vacuum", "%s: %s", file, err ? err : "out of memory");
		free(err);
		return -1;
	}
	/* In slices, each its own transaction: the site's writes get their
	 * turn between them however many pages there are. */
	freed = 0;
	for (int64_t n; (n = vacuum_reclaim(db, 0)) != 0; freed += n) {
		if (n < 0) {
			cli_error("vacuum", "%s: busy; try again", file);
			return -1;
		}
	}
	if (vacuum_checkpoint(db))
		fprintf(stderr, "confab vacuum: %s: a reader kept the write-ahead log from "
				"being truncated; it shrinks at a later checkpoint\n", file);
	printf("%s: %lld -> %lld bytes (%lld free pages returned%s)\n", file, before,
	       disk_bytes(g.cfg.data_dir, file), (long long)freed,
	       full ? ", rewritten" : rc > 0 ? ", converted to incremental vacuum" : "");
	return 0;
}

int cmd_vacuum(int argc, char **argv)
{
	int full = 0, rc;
	int64_t trashed;
	struct config c;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i]))
			return vacuum_usage(stdout);
		if (!strcmp(argv[i], "--full"))
			full = 1;
		else
			return vacuum_usage(stderr);
	}
	if (cli_load_config("vacuum", &c))
		return CLI_FAILED;
	config_free(&c);
	if (app_init("confab", NULL, 0))
		return CLI_FAILED;
	/* The trash first, so its chats' files and pages go in this run. */
	trashed = vacuum_trash(g.data_db, vacuum_trash_cutoff(now_ms(), g.cfg.trash_days), 1);
	if (trashed < 0) {
		cli_error("vacuum", "data.db: busy; try again");
		app_fini();
		return CLI_FAILED;
	}
	printf("trash: %lld chats deleted for good (in the trash over %d days)\n",
	       (long long)trashed, g.cfg.trash_days);
	/* Attached files no message refers to any more (deleted chats'); an
	 * hour's grace for a send that wrote its file but has not committed. */
	printf("files: %d unreferenced removed\n",
	       vacuum_files(g.data_db, g.cfg.data_dir, 3600 * 1000));
	rc = vacuum_one("user.db", g.user_db, full) || vacuum_one("data.db", g.data_db, full)
		     ? CLI_FAILED : CLI_OK;
	app_fini();
	return rc;
}
