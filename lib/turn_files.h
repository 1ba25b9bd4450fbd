/* turn_files.h — the bytes of a request's attachments: the store returns
 * a chat's turns with the rows of their files (store_reply.h job_history);
 * this reads the files themselves from the data directory (attach.h). The
 * send's hold (store_quota.c) and the worker's request (worker/stream.c)
 * both come from turn_files_history, so they count the same bytes. */
#ifndef CONFAB_TURN_FILES_H
#define CONFAB_TURN_FILES_H

#include <stddef.h>
#include "db.h"
#include "models.h"
#include "turn.h"

/* Read the files of turns[0..n) from data_dir: only images when images is
 * set and PDFs when pdfs is (a chat may have moved to a model that takes
 * neither); a file missing from disk is left out (logged). The files left
 * out are dropped from their turn. */
void turn_files_load(const char *data_dir, int images, int pdfs, struct turn *turns, size_t n);

/* What the worker sends for assistant message msg_id to model m: the
 * chat's system prompt and turns (job_history, one read) with the files m
 * takes read from data_dir. Returns the number of turns; free them with
 * turns_free and *system with free. */
size_t turn_files_history(struct db *db, const char *data_dir, const struct model_cfg *m,
			  const char *chat_id, const char *msg_id, char **system,
			  struct turn **turns);

#endif
