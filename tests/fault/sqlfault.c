/* sqlfault.c — fault injection for confab's anomaly tests, in the manner of
 * SQLite's own test VFS: an LD_PRELOAD shim that makes chosen SQLite calls
 * of a running process fail, as a full disk, an I/O error or a busy
 * database would. Nothing of it is in confab itself.
 *
 *   LD_PRELOAD=build/tests/fault/sqlfault.so SQLFAULT_RULES=FILE [SQLFAULT_LOG=FILE] prog
 *
 * FILE holds rules, one a line, read again whenever the file changes
 * (a test rewrites it at the moment it chooses; a rewrite starts the
 * counts anew):
 *
 *   WHERE ERROR COUNT [SKIP] PATTERN...
 *
 *   WHERE    exec   sqlite3_exec() of SQL that starts with PATTERN (COMMIT)
 *            step   sqlite3_step() of a statement whose SQL contains PATTERN
 *            write  a write to a file whose path contains PATTERN (data.db-wal),
 *                   through a VFS wrapped around the default one: SQLite
 *                   itself sees the error, as it would from the disk
 *   ERROR    full (SQLITE_FULL), ioerr (SQLITE_IOERR_WRITE), busy (SQLITE_BUSY)
 *   COUNT    how many matching calls fail, after SKIP (default 0) that pass
 *
 * A failed exec or step does not run the SQL: the transaction stays open,
 * as after SQLITE_BUSY. A failed write leaves SQLite to do what it does on
 * a real disk error (for SQLITE_FULL in a COMMIT: roll the transaction
 * back). Each fault injected appends a line to SQLFAULT_LOG, so that a test
 * can tell that the fault it wanted did happen. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <pthread.h>
#include <sqlite3.h>

#define MAX_RULES 16

enum where { AT_EXEC, AT_STEP, AT_WRITE };

struct rule {
	enum where where;
	int err;
	long count, skip;
	char pattern[200];
};

static struct rule rules[MAX_RULES];
static int nrules;
static struct stat rules_seen;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int parse_error(const char *s)
{
	if (!strcmp(s, "full"))
		return SQLITE_FULL;
	if (!strcmp(s, "ioerr"))
		return SQLITE_IOERR_WRITE;
	if (!strcmp(s, "busy"))
		return SQLITE_BUSY;
	return 0;
}

/* Read the rules again if the file is not the one read last. */
static void reload(void)
{
	const char *path = getenv("SQLFAULT_RULES");
	struct stat sb;
	char line[512];
	FILE *f;
	if (!path || stat(path, &sb) != 0) {
		nrules = 0;
		return;
	}
	if (sb.st_ino == rules_seen.st_ino && sb.st_size == rules_seen.st_size &&
	    sb.st_mtim.tv_sec == rules_seen.st_mtim.tv_sec &&
	    sb.st_mtim.tv_nsec == rules_seen.st_mtim.tv_nsec)
		return;
	rules_seen = sb;
	nrules = 0;
	if (!(f = fopen(path, "r")))
		return;
	while (nrules < MAX_RULES && fgets(line, sizeof line, f)) {
		char where[16], error[16];
		struct rule *r = &rules[nrules];
		int used = 0;
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%15s %15s %ld %n", where, error, &r->count, &used) < 3)
			continue;
		r->skip = 0;
		if (line[used] >= '0' && line[used] <= '9') {
			char *end;
			r->skip = strtol(line + used, &end, 10);
			used = (int)(end - line);
			while (line[used] == ' ')
				used++;
		}
		snprintf(r->pattern, sizeof r->pattern, "%s", line + used);
		r->err = parse_error(error);
		if (!strcmp(where, "exec"))
			r->where = AT_EXEC;
		else if (!strcmp(where, "step"))
			r->where = AT_STEP;
		else if (!strcmp(where, "write"))
			r->where = AT_WRITE;
		else
			continue;
		if (r->err && r->pattern[0])
			nrules++;
	}
	fclose(f);
}

static void note(const struct rule *r, const char *what)
{
	const char *path = getenv("SQLFAULT_LOG");
	FILE *f;
	if (!path || !(f = fopen(path, "a")))
		return;
	fprintf(f, "%s %s: %.120s\n", r->where == AT_EXEC ? "exec" : r->where == AT_STEP
		? "step" : "write", sqlite3_errstr(r->err), what);
	fclose(f);
}

/* The error to return for this call, or 0 to let it through. */
static int fault(enum where where, const char *what)
{
	int err = 0;
	if (!what)
		return 0;
	pthread_mutex_lock(&lock);
	reload();
	for (int i = 0; i < nrules && !err; i++) {
		struct rule *r = &rules[i];
		int match = r->where != where ? 0 : where == AT_EXEC
			    ? strncasecmp(what, r->pattern, strlen(r->pattern)) == 0
			    : strstr(what, r->pattern) != NULL;
		if (!match || r->count <= 0)
			continue;
		if (r->skip > 0) {
			r->skip--;
			continue;
		}
		r->count--;
		err = r->err;
		note(r, what);
	}
	pthread_mutex_unlock(&lock);
	return err;
}

int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **),
		 void *arg, char **errmsg)
{
	static int (*real)(sqlite3 *, const char *, int (*)(void *, int, char **, char **),
			   void *, char **);
	int err = fault(AT_EXEC, sql);
	if (err) {
		if (errmsg)
			*errmsg = sqlite3_mprintf("%s (injected)", sqlite3_errstr(err));
		return err;
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "sqlite3_exec");
	return real(db, sql, cb, arg, errmsg);
}

int sqlite3_step(sqlite3_stmt *st)
{
	static int (*real)(sqlite3_stmt *);
	int err = fault(AT_STEP, sqlite3_sql(st));
	if (err)
		return err;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "sqlite3_step");
	return real(st);
}

/* ---- the VFS: every file's writes pass through fault(AT_WRITE, path) ---- */

struct ffile {
	sqlite3_file base;
	const char *path;
	sqlite3_file *real;     /* follows this struct in the same allocation */
};

static sqlite3_vfs *real_vfs;

#define REAL(f) (((struct ffile *)(f))->real)

static int f_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}
static int f_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}
static int f_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	int err = fault(AT_WRITE, ((struct ffile *)f)->path);
	return err ? err : REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int f_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int f_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int f_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int f_check_lock(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int f_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int f_devchar(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int f_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}
static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int f_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}
static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fmethods = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock,
	f_check_lock, f_control, f_sector, f_devchar, f_shm_map, f_shm_lock, f_shm_barrier,
	f_shm_unmap, f_fetch, f_unfetch
};

static int v_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags,
		  int *out_flags)
{
	struct ffile *f = (struct ffile *)file;
	int rc;
	(void)vfs;
	f->real = (sqlite3_file *)(f + 1);
	f->path = name ? name : "";
	rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
	/* Whatever the real VFS made of it, xClose must reach it. */
	f->base.pMethods = f->real->pMethods ? &fmethods : NULL;
	return rc;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync)
{
	(void)v;
	return real_vfs->xDelete(real_vfs, name, sync);
}
static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}
static int v_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}
static void *v_dlopen(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return real_vfs->xDlOpen(real_vfs, name);
}
static void v_dlerror(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	real_vfs->xDlError(real_vfs, n, out);
}
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return real_vfs->xDlSym(real_vfs, h, sym);
}
static void v_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	real_vfs->xDlClose(real_vfs, h);
}
static int v_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return real_vfs->xRandomness(real_vfs, n, out);
}
static int v_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return real_vfs->xSleep(real_vfs, us);
}
static int v_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return real_vfs->xCurrentTime(real_vfs, out);
}
static int v_last_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return real_vfs->xGetLastError(real_vfs, n, out);
}
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static sqlite3_vfs fvfs;

__attribute__((constructor)) static void sqlfault_init(void)
{
	sqlite3_initialize();
	real_vfs = sqlite3_vfs_find(NULL);
	if (!real_vfs)
		return;
	fvfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname,
		.zName = "sqlfault",
		.xOpen = v_open, .xDelete = v_delete, .xAccess = v_access,
		.xFullPathname = v_full, .xDlOpen = v_dlopen, .xDlError = v_dlerror,
		.xDlSym = v_dlsym, .xDlClose = v_dlclose, .xRandomness = v_random,
		.xSleep = v_sleep, .xCurrentTime = v_time, .xGetLastError = v_last_error,
		.xCurrentTimeInt64 = v_time64,
	};
	sqlite3_vfs_register(&fvfs, 1);
}
