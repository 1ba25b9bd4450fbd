/* vacuum_trash.h — the end of the trash: a chat deleted more than [chat]
 * trash_days ago is deleted for good, with its messages, replies in
 * progress, file links and preset history (store_chat.h
 * store_chat_purge_expired), as deleting a chat did before there was a trash.
 * Its files go at the next vacuum_files, its pages at the next
 * vacuum_reclaim. Run by `confab vacuum` and by the idle worker. */
#ifndef CONFAB_VACUUM_TRASH_H
#define CONFAB_VACUUM_TRASH_H

#include <stdint.h>
#include "db.h"

/* Chats one slice of vacuum_trash deletes, in one transaction. */
#define VACUUM_TRASH_SLICE 100

/* The time before which a chat put in the trash is due: now less days. */
int64_t vacuum_trash_cutoff(int64_t now, int days);

/* Delete the chats trashed before cutoff (ms): all of them, a slice per
 * transaction so the site's writes get their turn, or (all=0) one slice.
 * How many went, or -1 when the database was busy or failed (logged;
 * those deleted so far stay deleted). */
int64_t vacuum_trash(struct db *db, int64_t cutoff, int all);

#endif
