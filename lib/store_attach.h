/* store_attach.h — the rows of data.db that link a user's message to its
 * attached files (schema/data/011_attachments.sql); the files themselves
 * are attach.h's. */
#ifndef CONFAB_STORE_ATTACH_H
#define CONFAB_STORE_ATTACH_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"
#include "store_user.h"

struct attachment {
	char message_id[UUID_BUF];
	char hash[65];
	const char *type, *name;
	int64_t size;
};

/* Link files[0..n) to msg_id, in order (inside the send's transaction). */
enum store_rc store_attach_link(struct db *db, const char *msg_id, const struct attachment *files,
			  size_t n);

/* The attachments of the chat's messages with seq from first to last,
 * in message and file order (arena): those of the chat page's window. */
struct attachment *store_attach_of_window(struct db *db, struct arena *a, const char *chat_id,
					  int64_t first, int64_t last, size_t *n);

/* The files of user message msg_id, in order (arena), when it is in
 * chat_id and the chat is user_id's; none otherwise. What an edit keeps
 * comes from here, never from names in the form. */
struct attachment *store_attach_of_own_message(struct db *db, struct arena *a, const char *user_id,
					 const char *chat_id, const char *msg_id, size_t *n);

/* The attachment with hash on a message of chat_id, if the chat is
 * user_id's: STORE_OK (out filled, arena) or STORE_NOT_FOUND. */
enum store_rc store_attach_find(struct db *db, struct arena *a, const char *user_id,
			  const char *chat_id, const char *hash, struct attachment *out);

/* 1 if some message still refers to the file. */
int store_attach_referenced(struct db *db, const char *hash);

#endif
