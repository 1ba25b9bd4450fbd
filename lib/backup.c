/* backup.c — see backup.h. */
#include "backup.h"
#include "attach.h"
#include "files.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ini.h>
#include <sodium.h>
#include <sqlite3.h>

static const char *const backup_files[] = { "user.db", "data.db", "secret.key", "confab.ini",
					    "MANIFEST" };

static int sql_fail(char **err, const char *path, const char *what, sqlite3 *h)
{
	if (asprintf(err, "%s: %s: %s", path, what, h ? sqlite3_errmsg(h) : "out of memory") < 0)
		*err = NULL;
	return -1;
}

static int open_db(const char *path, int flags, sqlite3 **h, char **err)
{
	if (sqlite3_open_v2(path, h, flags, NULL) != SQLITE_OK) {
		sql_fail(err, path, "cannot open", *h);
		sqlite3_close(*h);
		*h = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*h, 10000);
	return 0;
}

int backup_copy_db(const char *src, const char *dst, char **err)
{
	sqlite3 *s = NULL, *d = NULL;
	sqlite3_backup *b;
	int rc, tries = 0;
	*err = NULL;
	/* Read-write without CREATE: a missing source is an error, not a new
	 * empty file; and a WAL file needs its -shm writable to be read. */
	if (open_db(src, SQLITE_OPEN_READWRITE, &s, err) ||
	    open_db(dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &d, err))
		goto fail;
	b = sqlite3_backup_init(d, "main", s, "main");
	if (!b) {
		sql_fail(err, dst, "cannot start the copy", d);
		goto fail;
	}
	/* All pages in one step: one read transaction on the source. Copying
	 * in slices would restart each time another process writes to it. The
	 * busy handler does not cover the destination's lock: retry here. */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (++tries > 100)
			break;
		usleep(100 * 1000);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		if (asprintf(err, "%s: copying from %s failed: %s", dst, src, sqlite3_errstr(rc)) < 0)
			*err = NULL;
		goto fail;
	}
	sqlite3_close(s);
	sqlite3_close(d);
	return 0;
fail:
	sqlite3_close(s);
	sqlite3_close(d);
	return -1;
}

int backup_check_db(const char *path, int *version, char **err)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int ok = 0;
	*err = NULL;
	if (access(path, R_OK)) {
		if (asprintf(err, "%s: %s", path, strerror(errno)) < 0)
			*err = NULL;
		return -1;
	}
	if (open_db(path, SQLITE_OPEN_READONLY, &h, err))
		return -1;
	if (sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sql_fail(err, path, "not a readable SQLite database", h);
		goto out;
	}
	if (strcmp((const char *)sqlite3_column_text(st, 0), "ok")) {
		if (asprintf(err, "%s: damaged: %s", path, sqlite3_column_text(st, 0)) < 0)
			*err = NULL;
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sql_fail(err, path, "cannot read the schema version", h);
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
	ok = 1;
out:
	sqlite3_finalize(st);
	sqlite3_close(h);
	return ok ? 0 : -1;
}

/* A copy is one file: no -wal beside it, so it can be moved or archived
 * alone. db_open turns WAL back on when the file is used again. */
static int make_standalone(const char *path, char **err)
{
	sqlite3 *h = NULL;
	if (open_db(path, SQLITE_OPEN_READWRITE, &h, err))
		return -1;
	if (sqlite3_exec(h, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		sql_fail(err, path, "cannot leave WAL mode", h);
		sqlite3_close(h);
		return -1;
	}
	sqlite3_close(h);
	return 0;
}

static char *join(const char *dir, const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		die("out of memory");
	return p;
}

/* Remove dir/files/ab/HASH and their directories (a failed backup's). */
static void remove_files(const char *dir)
{
	char *root = join(dir, "files");
	DIR *top = opendir(root);
	struct dirent *e;
	while (top && (e = readdir(top))) {
		char *sub;
		DIR *d;
		struct dirent *f;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sub = join(root, e->d_name);
		if ((d = opendir(sub))) {
			while ((f = readdir(d))) {
				/* All ours: the directory was empty when we began. */
				char *p = join(sub, f->d_name);
				if (strcmp(f->d_name, ".") && strcmp(f->d_name, ".."))
					unlink(p);
				free(p);
			}
			closedir(d);
		}
		rmdir(sub);
		free(sub);
	}
	if (top)
		closedir(top);
	rmdir(root);
	free(root);
}

static void remove_partial(const char *dir)
{
	remove_files(dir);
	for (size_t i = 0; i < COUNTOF(backup_files); i++) {
		char *p = join(dir, backup_files[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);  /* only if we left it empty */
}

/* Copy one database into the backup and note its version and size. */
static int take_db(const char *data_dir, const char *dir, const char *name, int *version,
		   int64_t *bytes, char **err)
{
	char *src = join(data_dir, name), *dst = join(dir, name);
	int rc = -1;
	if (access(src, F_OK)) {
		if (asprintf(err, "%s: %s (is this the data directory? `confab init` creates it)",
			     src, strerror(errno)) < 0)
			*err = NULL;
	} else if (backup_copy_db(src, dst, err) == 0 && make_standalone(dst, err) == 0 &&
		   backup_check_db(dst, version, err) == 0) {
		chmod(dst, 0600);
		*bytes = files_size(dst);
		rc = 0;
	}
	free(src);
	free(dst);
	return rc;
}

/* The hashes of the files the rows of data.db at path refer to (malloc'd
 * array of malloc'd strings, *n set), or -1 with *err. A database from
 * before attachments has none. */
static int referenced_files(const char *path, char ***out, size_t *n, char **err)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	char **l = NULL;
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (open_db(path, SQLITE_OPEN_READONLY, &h, err))
		return -1;
	if (sqlite3_prepare_v2(h, "SELECT DISTINCT hash FROM attachments ORDER BY hash", -1, &st,
			       NULL) != SQLITE_OK) {
		int none = strstr(sqlite3_errmsg(h), "no such table") != NULL;
		if (!none)
			sql_fail(err, path, "cannot list the attachments", h);
		sqlite3_close(h);
		return none ? 0 : -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *hash = (const char *)sqlite3_column_text(st, 0);
		if (!attach_hash_valid(hash))
			continue;   /* never a path: only names attach_store makes */
		if (*n == cap)
			l = xrealloc(l, (cap = cap * 2 + 16) * sizeof *l);
		l[(*n)++] = xstrdup(hash);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sql_fail(err, path, "cannot list the attachments", h);
		sqlite3_close(h);
		for (size_t i = 0; i < *n; i++)
			free(l[i]);
		free(l);
		*n = 0;
		return -1;
	}
	sqlite3_close(h);
	*out = l;
	return 0;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* The bytes of the file named hash under dir (malloc'd, *len set),
 * checked against its name; NULL with *err when it is missing (saying
 * missing) or damaged. */
static unsigned char *load_checked(const char *dir, const char *hash, size_t *len,
				   const char *missing, char **err)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char got[ATTACH_HASH_LEN + 1];
	unsigned char *d = attach_load(dir, hash, len);
	char *path = attach_path(dir, hash);
	if (!d) {
		if (asprintf(err, "%s %s", path, missing) < 0)
			*err = NULL;
	} else {
		crypto_hash_sha256(h, d, *len);
		hex_encode(got, h, sizeof h);
		if (strcmp(got, hash)) {
			if (asprintf(err, "%s is damaged: its bytes no longer match its name",
				     path) < 0)
				*err = NULL;
			free(d);
			d = NULL;
		}
	}
	free(path);
	return d;
}

/* The file named hash, checked (a damaged or missing file is an error,
 * never copied), stored under to_dir the way attach_store stores uploads. */
static int copy_file(const char *from_dir, const char *to_dir, const char *hash,
		     const char *missing, char **err)
{
	char stored[ATTACH_HASH_LEN + 1];
	size_t len = 0;
	unsigned char *d = load_checked(from_dir, hash, &len, missing, err);
	int rc = d ? attach_store(to_dir, d, len, stored, err) : -1;
	free(d);
	return rc;
}

/* Copy every file the backup's data.db refers to from_dir/files into
 * to_dir/files; *count set. */
static int copy_files(const char *db_path, const char *from_dir, const char *to_dir,
		      const char *missing, int *count, char **err)
{
	char **l;
	size_t n;
	int rc = 0;
	if (referenced_files(db_path, &l, &n, err))
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = copy_file(from_dir, to_dir, l[i], missing, err);
	*count = (int)n;
	free_list(l, n);
	return rc;
}

int backup_create(const char *data_dir, const char *config_path, const char *dir,
		  struct backup_info *out, char **err)
{
	char *p = NULL, *q = NULL, *manifest = NULL;
	int empty;
	time_t t = time(NULL);

	*err = NULL;
	memset(out, 0, sizeof *out);
	empty = files_dir_empty(dir);
	if (empty == 0) {
		if (asprintf(err, "%s is not empty: a backup goes into a new directory and never "
				  "overwrites one", dir) < 0)
			*err = NULL;
		return -1;
	}
	if (empty < 0 && (errno != ENOENT || files_mkdirs(dir, 0700))) {
		if (asprintf(err, "%s: cannot create the directory: %s", dir, strerror(errno)) < 0)
			*err = NULL;
		return -1;
	}
	chmod(dir, 0700);  /* it holds the key */

	if (take_db(data_dir, dir, "user.db", &out->user_version, &out->user_bytes, err) ||
	    take_db(data_dir, dir, "data.db", &out->data_version, &out->data_bytes, err))
		goto fail;
	/* The attachment files the copy of data.db refers to, after it: a send
	 * writes its file before its row, so each of them is on disk already,
	 * and one that arrives meanwhile belongs to a row the copy lacks. Only
	 * `confab vacuum` removing a file of a chat deleted since could take
	 * one away: then the backup fails, and a second run finds all. */
	q = join(dir, "data.db");
	if (copy_files(q, data_dir, dir, "is missing, though the copy of data.db refers to it "
					 "(removed by confab vacuum while the backup ran?): run "
					 "the backup again", &out->files, err))
		goto fail;
	free(q);
	q = NULL;
	p = join(data_dir, "secret.key");
	q = join(dir, "secret.key");
	if (files_copy(p, q, 0600, err))
		goto fail;
	free(p);
	free(q);
	p = q = NULL;
	if (config_path && access(config_path, R_OK) == 0) {
		q = join(dir, "confab.ini");
		if (files_copy(config_path, q, 0600, err))
			goto fail;
		free(q);
		q = NULL;
		out->has_config = 1;
	}
	out->format = BACKUP_FORMAT;
	strftime(out->created, sizeof out->created, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	snprintf(out->software, sizeof out->software, "%s", PACKAGE_STRING);
	snprintf(out->source, sizeof out->source, "%s", data_dir);
	if (asprintf(&manifest,
		     "; A confab backup. Bring it back with: confab restore %s\n"
		     "format = %d\nsoftware = %s\ncreated = %s\nsource = %s\n"
		     "user.db = %d\ndata.db = %d\nfiles = %d\n",
		     dir, out->format, out->software, out->created, out->source,
		     out->user_version, out->data_version, out->files) < 0)
		die("out of memory");
	/* Last: a directory with a MANIFEST is a finished backup. */
	q = join(dir, "MANIFEST");
	if (files_write(q, manifest, strlen(manifest), 0600, err))
		goto fail;
	free(q);
	free(manifest);
	files_sync_dir(dir);
	return 0;
fail:
	free(p);
	free(q);
	free(manifest);
	remove_partial(dir);
	return -1;
}

static int on_manifest(void *user, const char *section, const char *key, const char *value)
{
	struct backup_info *b = user;
	(void)section;
	if (!strcmp(key, "format"))
		b->format = atoi(value);
	else if (!strcmp(key, "software"))
		snprintf(b->software, sizeof b->software, "%s", value);
	else if (!strcmp(key, "created"))
		snprintf(b->created, sizeof b->created, "%s", value);
	else if (!strcmp(key, "source"))
		snprintf(b->source, sizeof b->source, "%s", value);
	else if (!strcmp(key, "user.db"))
		b->user_version = atoi(value);
	else if (!strcmp(key, "data.db"))
		b->data_version = atoi(value);
	else if (!strcmp(key, "files"))
		b->files = atoi(value);
	return 1;
}

int backup_read(const char *dir, struct backup_info *out, char **err)
{
	char *p = join(dir, "MANIFEST");
	int v, rc;
	*err = NULL;
	memset(out, 0, sizeof *out);
	out->user_version = out->data_version = -1;
	out->files = -1;
	rc = ini_parse(p, on_manifest, out);
	free(p);
	if (rc < 0) {
		if (asprintf(err, "%s has no MANIFEST: it is not a confab backup, or the backup "
				  "did not finish", dir) < 0)
			*err = NULL;
		return -1;
	}
	if (rc > 0 || out->format != BACKUP_FORMAT || out->user_version < 0 ||
	    out->data_version < 0) {
		if (asprintf(err, "%s/MANIFEST: not a backup this confab can read (format %d)",
			     dir, out->format) < 0)
			*err = NULL;
		return -1;
	}
	p = join(dir, "secret.key");
	rc = files_size(p) == 32;
	free(p);
	if (!rc) {
		if (asprintf(err, "%s/secret.key is missing or not a key file", dir) < 0)
			*err = NULL;
		return -1;
	}
	p = join(dir, "user.db");
	rc = backup_check_db(p, &v, err);
	free(p);
	if (rc)
		return -1;
	if (v != out->user_version)
		goto mismatch;
	out->user_bytes = files_size(p = join(dir, "user.db"));
	free(p);
	p = join(dir, "data.db");
	rc = backup_check_db(p, &v, err);
	free(p);
	if (rc)
		return -1;
	if (v != out->data_version)
		goto mismatch;
	out->data_bytes = files_size(p = join(dir, "data.db"));
	/* Every file its data.db refers to is there (a backup from before
	 * files were backed up says no "files =" and has none). */
	if (out->files >= 0) {
		char **l;
		size_t n;
		rc = referenced_files(p, &l, &n, err);
		free(p);
		if (rc)
			return -1;
		for (size_t i = 0; i < n && rc == 0; i++) {
			size_t len;
			unsigned char *d = load_checked(dir, l[i], &len,
							"is missing: data.db refers to it", err);
			rc = d ? 0 : -1;
			free(d);
		}
		free_list(l, n);
		if (rc)
			return -1;
		if ((size_t)out->files != n)
			goto mismatch;
		return 0;
	}
	free(p);
	return 0;
mismatch:
	if (asprintf(err, "%s: the databases do not match the MANIFEST", dir) < 0)
		*err = NULL;
	return -1;
}

int backup_restore(const char *dir, const char *data_dir, int *key_changed, char **err)
{
	static const char *const dbs[] = { "user.db", "data.db" };
	unsigned char old_key[32], new_key[32];
	char *src, *dst;
	int rc, files;

	*err = NULL;
	*key_changed = 0;
	if (files_mkdirs(data_dir, 0700)) {
		if (asprintf(err, "%s: cannot create the directory: %s", data_dir,
			     strerror(errno)) < 0)
			*err = NULL;
		return -1;
	}
	for (size_t i = 0; i < COUNTOF(dbs); i++) {
		src = join(dir, dbs[i]);
		dst = join(data_dir, dbs[i]);
		rc = backup_copy_db(src, dst, err);
		if (rc == 0)
			chmod(dst, 0600);
		free(src);
		free(dst);
		if (rc)
			return -1;
	}
	/* The attachment files, each checked against its name on the way. */
	src = join(dir, "data.db");
	rc = copy_files(src, dir, data_dir, "is missing from the backup", &files, err);
	free(src);
	if (rc)
		return -1;
	src = join(dir, "secret.key");
	dst = join(data_dir, "secret.key");
	if (files_read(src, new_key, sizeof new_key) != (ssize_t)sizeof new_key) {
		if (asprintf(err, "%s: cannot read: %s", src, strerror(errno)) < 0)
			*err = NULL;
		rc = -1;
	} else {
		*key_changed = files_read(dst, old_key, sizeof old_key) != (ssize_t)sizeof old_key ||
			       memcmp(old_key, new_key, sizeof old_key) != 0;
		rc = *key_changed ? files_write(dst, new_key, sizeof new_key, 0600, err) : 0;
	}
	sodium_memzero(old_key, sizeof old_key);
	sodium_memzero(new_key, sizeof new_key);
	free(src);
	free(dst);
	files_sync_dir(data_dir);
	return rc;
}
