/* confab backup, confab restore — see lib/backup.h for what a backup is. */
#include "cli.h"
#include "app.h"
#include "config_perm.h"
#include "backup.h"
#include "lease.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int backup_usage(FILE *f)
{
	fputs("usage: confab backup DIR\n"
	      "  Copy user.db and data.db (SQLite's online backup: a consistent copy while\n"
	      "  the site runs and replies stream), the attachment files that copy of\n"
	      "  data.db refers to, the key file and confab.ini into DIR, a new or empty\n"
	      "  directory, created 0700. MANIFEST, written last, marks a finished\n"
	      "  backup. Bring it back with confab restore DIR.\n", f);
	return f == stdout ? CLI_OK : CLI_USAGE;
}

int cmd_backup(int argc, char **argv)
{
	const char *dir = NULL;
	struct backup_info b;
	struct config c;
	char *err = NULL;
	int allow_missing;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i]))
			return backup_usage(stdout);
		if (argv[i][0] == '-' || dir)
			return backup_usage(stderr);
		dir = argv[i];
	}
	if (!dir)
		return backup_usage(stderr);
	if (cli_load_config("backup", &c))
		return CLI_FAILED;
	if (backup_create(c.data_dir, config_file_path(&allow_missing), dir, &b, &err)) {
		cli_error("backup", "%s", err ? err : "out of memory");
		free(err);
		config_free(&c);
		return CLI_FAILED;
	}
	printf("backup of %s in %s\n"
	       "  user.db  version %d, %lld bytes\n"
	       "  data.db  version %d, %lld bytes\n"
	       "  files/   %d attachment file%s\n"
	       "  secret.key%s, MANIFEST\n",
	       c.data_dir, dir, b.user_version, (long long)b.user_bytes, b.data_version,
	       (long long)b.data_bytes, b.files, b.files == 1 ? "" : "s",
	       b.has_config ? ", confab.ini" : "");
	config_free(&c);
	return CLI_OK;
}

static int restore_usage(FILE *f)
{
	fputs("usage: confab restore DIR [--force]\n"
	      "  Bring the backup in DIR back into the data directory: both databases, the\n"
	      "  attachment files and the key file (confab.ini is not touched), then\n"
	      "  migrate them to this version. Refuses while the worker (confabd) runs:\n"
	      "  stop it first. When the data directory already holds databases,\n"
	      "  --force says to replace them.\n"
	      "  Restart the FastCGI executables afterwards.\n", f);
	return f == stdout ? CLI_OK : CLI_USAGE;
}

/* Refuse a backup newer than this software: it would run on a schema it
 * does not know. */
static int check_versions(const struct config *c, const struct backup_info *b)
{
	char dir[4096];
	int latest;
	snprintf(dir, sizeof dir, "%s/schema/user", c->share_dir);
	latest = db_migrations_latest(dir);
	if (latest < 0 || b->user_version > latest)
		goto newer;
	snprintf(dir, sizeof dir, "%s/schema/data", c->share_dir);
	latest = db_migrations_latest(dir);
	if (latest < 0 || b->data_version > latest)
		goto newer;
	return 0;
newer:
	if (latest < 0)
		cli_error("restore", "cannot read the schema in %s (CONFAB_SHARE_DIR)", dir);
	else
		cli_error("restore", "the backup was made by a newer confab (%s): upgrade this "
				     "one first", b->software);
	return -1;
}

static int has_databases(const char *data_dir)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/user.db", data_dir);
	if (access(p, F_OK) == 0)
		return 1;
	snprintf(p, sizeof p, "%s/data.db", data_dir);
	return access(p, F_OK) == 0;
}

int cmd_restore(int argc, char **argv)
{
	const char *dir = NULL;
	struct backup_info b;
	struct config c;
	char *err = NULL, lockpid[32] = "";
	int force = 0, lease = -1, key_changed, rc = CLI_FAILED;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i]))
			return restore_usage(stdout);
		if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (argv[i][0] == '-' || dir)
			return restore_usage(stderr);
		else
			dir = argv[i];
	}
	if (!dir)
		return restore_usage(stderr);
	if (cli_load_config("restore", &c))
		return CLI_FAILED;
	if (backup_read(dir, &b, &err)) {
		cli_error("restore", "%s", err ? err : "out of memory");
		goto out;
	}
	if (check_versions(&c, &b))
		goto out;
	if (has_databases(c.data_dir) && !force) {
		cli_error("restore", "%s already holds databases; restoring replaces them. Say "
				     "--force to go on (a backup of them first: confab backup DIR)",
			  c.data_dir);
		goto out;
	}
	/* Hold the worker's lease throughout: a running worker would write
	 * replies into chats the restore removes, and a page cannot start one
	 * on demand while we hold it. */
	if (access(c.data_dir, F_OK) == 0 && (lease = lease_acquire(c.data_dir, 0)) < 0) {
		char path[4096];
		FILE *f;
		snprintf(path, sizeof path, "%s/confabd.lock", c.data_dir);
		if ((f = fopen(path, "r"))) {
			if (!fgets(lockpid, sizeof lockpid, f))
				lockpid[0] = '\0';
			lockpid[strcspn(lockpid, "\n")] = '\0';
			fclose(f);
		}
		cli_error("restore", "the worker confabd is running on %s (pid %s): stop it first "
				     "(systemctl stop confabd, or kill %s; one started on demand "
				     "exits by itself after [worker] idle_exit seconds), then run "
				     "this again", c.data_dir, *lockpid ? lockpid : "?",
			  *lockpid ? lockpid : "its pid");
		goto out;
	}
	printf("restoring the backup of %s taken %s (%s)\n", b.source, b.created, b.software);
	if (backup_restore(dir, c.data_dir, &key_changed, &err)) {
		cli_error("restore", "%s", err ? err : "out of memory");
		goto out;
	}
	/* Now migrate what came back, as a start would. */
	if (lease < 0)
		lease = lease_acquire(c.data_dir, 0);
	if (app_init("confab", NULL, 0)) {
		cli_error("restore", "the files are back but cannot be opened (above)");
		goto out;
	}
	printf("restored into %s: user.db version %d, data.db version %d\n", g.cfg.data_dir,
	       db_version(g.user_db), db_version(g.data_db));
	if (key_changed)
		printf("the key file was replaced by the backup's\n");
	printf("restart the FastCGI executables so that they load it all afresh\n");
	app_fini();
	rc = CLI_OK;
out:
	free(err);
	config_free(&c);
	if (lease >= 0)
		lease_release(lease);
	return rc;
}
