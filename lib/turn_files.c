/* turn_files.c — see turn_files.h. */
#include "turn_files.h"
#include "attach.h"
#include "log.h"
#include "store_reply.h"

#include <stdlib.h>

void turn_files_load(const char *data_dir, int images, int pdfs, struct turn *turns, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct turn *t = &turns[i];
		size_t kept = 0;
		for (size_t j = 0; j < t->nfiles; j++) {
			struct turn_file f = t->files[j];
			if (attach_is_image(f.type) ? images : pdfs) {
				f.data = attach_load(data_dir, f.hash, &f.len);
				if (f.data) {
					t->files[kept++] = f;
					continue;
				}
				log_error("attachment %s is missing from the data directory", f.hash);
			}
			free(f.type);
			free(f.name);
		}
		t->nfiles = kept;
	}
}

size_t turn_files_history(struct db *db, const char *data_dir, const struct model_cfg *m,
			  const char *chat_id, const char *msg_id, char **system,
			  struct turn **turns)
{
	size_t n = job_history(db, chat_id, msg_id, system, turns);
	turn_files_load(data_dir, m->images, m->pdfs, *turns, n);
	return n;
}
