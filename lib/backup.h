/* backup.h — copies of a data directory taken while the site is live, and
 * bringing one back.
 *
 * A backup is a directory: user.db and data.db (each a consistent snapshot
 * made with SQLite's online backup API; no transaction ever spans the two
 * files, so each on its own is what matters), files/ab/HASH for each
 * attachment file the copy of data.db refers to (as under the data
 * directory), secret.key, the confab.ini in use (for reference; never
 * restored), and MANIFEST, written last: a directory without it is an
 * unfinished backup and is refused. */
#ifndef CONFAB_BACKUP_H
#define CONFAB_BACKUP_H

#include <stdint.h>

#define BACKUP_FORMAT 1

struct backup_info {
	int format;
	int user_version, data_version;   /* PRAGMA user_version of each file */
	int64_t user_bytes, data_bytes;
	int has_config;                   /* confab.ini was copied too */
	int files;                        /* attachment files; -1: a backup from
					   * before they were backed up */
	char created[32];                 /* UTC, 2026-11-23T10:00:00Z */
	char software[64];                /* "confab 0.1.0" */
	char source[1024];                /* the data directory it was taken from */
};

/* Copy the database at src to dst with the online backup API: one read
 * transaction on src (in WAL mode writers carry on meanwhile) and one write
 * transaction on dst, so dst's readers see all of the old or all of the new.
 * dst need not exist. 0 or -1 with *err (malloc'd). */
int backup_copy_db(const char *src, const char *dst, char **err);

/* Open path read-only, run PRAGMA quick_check and read user_version.
 * 0 or -1 with *err. */
int backup_check_db(const char *path, int *version, char **err);

/* Back up data_dir (and config_path, when it exists) into dir, which must be
 * missing or empty; it is created 0700. Fills out. On failure what was
 * written is removed. 0 or -1 with *err. */
int backup_create(const char *data_dir, const char *config_path, const char *dir,
		  struct backup_info *out, char **err);

/* Read dir/MANIFEST and check each file (present, quick_check, versions as
 * recorded, every attachment file data.db refers to). 0 or -1 with *err
 * saying what is wrong. */
int backup_read(const char *dir, struct backup_info *out, char **err);

/* Bring the backup in dir back into data_dir (created if missing): both
 * databases page by page through the online backup API (processes with the
 * files open keep working and then see the restored content), the
 * attachment files (each checked against its hash; those already there are
 * kept, and those the restored data.db does not refer to are left for
 * `confab vacuum`), and the key file. The caller holds the worker's lease. *key_changed is set when the
 * key file differed. 0 or -1 with *err. */
int backup_restore(const char *dir, const char *data_dir, int *key_changed, char **err);

#endif
