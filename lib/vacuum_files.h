/* vacuum_files.h — giving back the disk space of attachment files: the
 * files under DATA/files/ (attach.h) that no message refers to any more,
 * a deleted chat's or one ticked off an edited message. The rows are
 * asked of the store (store_attach.h store_attach_referenced); the files are
 * this module's. Run by `confab vacuum`. */
#ifndef CONFAB_VACUUM_FILES_H
#define CONFAB_VACUUM_FILES_H

#include <stdint.h>
#include "db.h"

/* Delete stored files no message refers to any more, and temporaries left
 * by a send that died, leaving those younger than min_age_ms alone: a send
 * may have written its file and not yet committed the row. Returns how
 * many went. */
int vacuum_files(struct db *db, const char *data_dir, int64_t min_age_ms);

#endif
