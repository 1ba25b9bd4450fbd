/* turn.h — one message of a conversation as it goes to a provider: what
 * the store reads (store_reply.h job_history), what a send's hold counts
 * (hold.h) and what the adapters send (provider.h). Provider-neutral: it
 * knows neither the store nor any wire format. */
#ifndef CONFAB_TURN_H
#define CONFAB_TURN_H

#include <stddef.h>

struct turn_file {
	char *type, *name;        /* media type (from the bytes), original name */
	unsigned char *data;      /* the file's bytes (heap); NULL until read */
	size_t len;
	char hash[64 + 1];        /* its name in the data directory (attach.h) */
};

struct turn {
	char *role, *content;
	/* A user message's attachments (heap), or NULL. */
	struct turn_file *files;
	size_t nfiles;
};

/* Free n turns (their strings and files) and the array. */
void turns_free(struct turn *turns, size_t n);

#endif
