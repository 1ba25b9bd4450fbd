/* vacuum_trash.c — see vacuum_trash.h. */
#include "vacuum_trash.h"
#include "log.h"
#include "store_chat.h"

int64_t vacuum_trash_cutoff(int64_t now, int days)
{
	return now - (int64_t)days * 24 * 3600 * 1000;
}

int64_t vacuum_trash(struct db *db, int64_t cutoff, int all)
{
	int64_t total = 0;
	int n;
	do {
		n = store_chat_purge_expired(db, cutoff, VACUUM_TRASH_SLICE);
		if (n < 0) {
			log_warn("emptying the trash: the database is busy or failed; later");
			return -1;
		}
		total += n;
	} while (all && n == VACUUM_TRASH_SLICE);
	return total;
}
