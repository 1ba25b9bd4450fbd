/* checkpoint.c — data.db's WAL checkpoints on a thread of their own.
 *
 * SQLite checkpoints in the commit that takes the -wal file past its
 * limit: it copies the pages into data.db and fsyncs both files, and the
 * loop waits. With 1,000 streams a tick rewrites about 600 pages, so that
 * was several checkpoints a second, and on a disk busy with other work one
 * fsync can take a second, in which no stream's text is written. Here the
 * loop's commits only count the pages (sqlite3_wal_hook); past
 * CHECKPOINT_PAGES (16 MB of -wal, so each page is copied once for several
 * ticks) this thread checkpoints through its own connection, PASSIVE:
 * it never blocks the loop's writes, it copies what no reader still needs. */
#include "confabd.h"

#include <pthread.h>
#include <stdlib.h>

#define CHECKPOINT_PAGES 4000
#define CHECKPOINT_INLINE_PAGES (4 * CHECKPOINT_PAGES)
#define CHECKPOINT_PASSES 20

static struct db *cdb;              /* the thread's own connection */
static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int due, quitting, started;

/* After each commit of the loop's connection: pages in the -wal file. The
 * file starts over only at a write that finds all of it copied, which a
 * checkpoint racing the ticks, or a reader holding an old snapshot, can
 * keep from happening: past CHECKPOINT_INLINE_PAGES the loop checkpoints
 * itself, between two of its writes, as SQLite would (the thread has
 * copied most of it). */
static int on_wal(void *user, sqlite3 *h, const char *name, int pages)
{
	(void)user;
	(void)name;
	if (pages >= CHECKPOINT_INLINE_PAGES) {
		sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	if (pages >= CHECKPOINT_PAGES) {
		pthread_mutex_lock(&lock);
		due = 1;
		pthread_cond_signal(&wake);
		pthread_mutex_unlock(&lock);
	}
	return SQLITE_OK;
}

/* The loop commits while a checkpoint runs, so one pass leaves the pages
 * of the ticks meanwhile: again, while each pass copies something and some
 * remain. The later passes are short, and one may end between two ticks,
 * so that the next write starts the -wal over. */
static void checkpoint_all(void)
{
	int pages = 0, copied = 0, before = -1;
	for (int i = 0; i < CHECKPOINT_PASSES && copied > before; i++) {
		before = copied;
		if (sqlite3_wal_checkpoint_v2(db_handle(cdb), NULL, SQLITE_CHECKPOINT_PASSIVE, &pages,
					      &copied) != SQLITE_OK) {
			log_warn("data.db: checkpoint failed (%s); trying again after the next "
				 "commits", sqlite3_errmsg(db_handle(cdb)));
			return;
		}
		if (copied >= pages)
			return;
	}
}

static void *checkpoint_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (!due && !quitting)
			pthread_cond_wait(&wake, &lock);
		if (quitting)
			break;
		due = 0;
		pthread_mutex_unlock(&lock);
		checkpoint_all();
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void checkpoint_start(const char *path)
{
	char *err = NULL;
	/* Without the thread, SQLite's own checkpoints, as rarely. */
	sqlite3_wal_autocheckpoint(db_handle(w.db), CHECKPOINT_PAGES);
	if (!(cdb = db_open(path, &err))) {
		log_warn("data.db: no checkpoint thread (%s); checkpoints run in the loop",
			 err ? err : "out of memory");
		free(err);
		return;
	}
	if (pthread_create(&thread, NULL, checkpoint_main, NULL) != 0) {
		log_warn("data.db: no checkpoint thread; checkpoints run in the loop");
		db_close(cdb);
		cdb = NULL;
		return;
	}
	started = 1;
	sqlite3_wal_hook(db_handle(w.db), on_wal, NULL);
}

void checkpoint_stop(void)
{
	if (!started)
		return;
	sqlite3_wal_hook(db_handle(w.db), NULL, NULL);
	pthread_mutex_lock(&lock);
	quitting = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	db_close(cdb);
	cdb = NULL;
	started = 0;
	sqlite3_wal_autocheckpoint(db_handle(w.db), CHECKPOINT_PAGES);
}
