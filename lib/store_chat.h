/* store_chat.h — chats and messages in data.db. Every query is scoped to
 * the user: another user's chat id finds nothing. Results come from the
 * arena given. */
#ifndef CONFAB_STORE_CHAT_H
#define CONFAB_STORE_CHAT_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"
#include "store_user.h"

struct chat {
	char id[UUID_BUF];
	const char *title;
	const char *model;
	const char *system_prompt;
	const char *visibility;
	int pinned;
	int64_t total_tokens;
	int64_t created_at;
	int64_t updated_at;
	int64_t deleted_at;     /* when it went to the trash; 0: a live chat */
};

struct message {
	char id[UUID_BUF];
	int64_t seq;
	const char *role;
	const char *content;
	const char *html;       /* rendered markdown, or NULL */
	const char *reasoning;  /* thinking text kept apart ("" when none) */
	const char *status;
	const char *model;
	int64_t tokens_in, tokens_out, cost;
	int64_t ttft_ms, response_ms;  /* -1 when not known */
	const char *error;      /* NULL when none */
	int64_t created_at, completed_at;
	int rating, vote;       /* the user's 1..5 and -1/1 (request_analytics); 0: none */
};

/* Create an empty chat; fills out. */
enum store_rc store_chat_create(struct db *db, struct arena *a, const char *user_id,
			  const char *title, const char *model, struct chat *out);
/* The chat if it is user_id's and not in the trash. Every page but the
 * trash's goes through this or a query with the same condition, so a
 * trashed chat is a 404 there. */
enum store_rc store_chat_get(struct db *db, struct arena *a, const char *user_id,
		       const char *chat_id, struct chat *out);
/* The chat if it is user_id's and in the trash. */
enum store_rc store_chat_get_trashed(struct db *db, struct arena *a, const char *user_id,
			       const char *chat_id, struct chat *out);
/* One page of the user's live chats, pinned first then newest first; q (may be
 * NULL or "") matches titles containing it, ignoring ASCII case. Returns
 * the number filled in (at most limit) and sets *more if another page follows. */
size_t store_chat_list(struct db *db, struct arena *a, const char *user_id, const char *q,
		 size_t offset, size_t limit, struct chat *out, int *more);
enum store_rc store_chat_rename(struct db *db, const char *user_id, const char *chat_id,
			  const char *title);
enum store_rc store_chat_set_pinned(struct db *db, const char *user_id, const char *chat_id,
			      int pinned);
/* Move the user's live chat to the trash, deleted_at = now. */
enum store_rc store_chat_trash(struct db *db, const char *user_id, const char *chat_id, int64_t now);
/* Bring the user's chat back from the trash, as it was. */
enum store_rc store_chat_restore(struct db *db, const char *user_id, const char *chat_id);
/* Delete the user's chat forever, with its messages: only one in the trash. */
enum store_rc store_chat_purge(struct db *db, const char *user_id, const char *chat_id);
/* One page of the user's trash, most recently deleted first (as store_chat_list). */
size_t store_chat_list_trash(struct db *db, struct arena *a, const char *user_id, size_t offset,
		       size_t limit, struct chat *out, int *more);
/* How many chats the user has in the trash. */
int64_t store_chat_trash_count(struct db *db, const char *user_id);
/* Every user's: delete forever at most max chats trashed before `before`
 * (ms), oldest first, in one transaction. How many went, or -1 when the
 * database was busy or failed. The vacuum's (vacuum_trash.h). */
int store_chat_purge_expired(struct db *db, int64_t before, int max);

/* A window of a chat's messages, oldest first: what the chat page shows of
 * a chat too long to show whole. */
struct message_window {
	struct message *m;
	size_t n;
	int earlier;                /* the chat has messages before m[0] */
	char earlier_id[UUID_BUF];  /* then the newest of them (else "") */
	int later;                  /* ... after the window (it is not the newest) */
};
/* At most limit of the chat's messages with seq below before (INT64_MAX:
 * the newest ones), oldest first. Read backwards along the (chat_id, seq)
 * index, so the cost is the window's, not the chat's. The caller has
 * checked the chat belongs to the user. */
void store_chat_window(struct db *db, struct arena *a, const char *chat_id, int64_t before,
		       size_t limit, struct message_window *out);
/* The seq of the message k places after seq (k = 0: the next one);
 * NOT_FOUND when fewer follow. Where a window of the chat ends
 * (the page's Show later and ?at= links). */
enum store_rc store_chat_seq_after(struct db *db, const char *chat_id, int64_t seq, int64_t k,
				   int64_t *out);
/* The seq of message msg_id in the chat (with role, unless NULL);
 * NOT_FOUND when it is not there. The caller has checked the chat
 * belongs to the user. */
enum store_rc store_chat_message_seq(struct db *db, const char *chat_id, const char *msg_id,
				     const char *role, int64_t *out);

/* The id of the chat's newest message, where a page after an action lands
 * (/chat/ID#m-MSG); NOT_FOUND in a chat with none. The caller has checked
 * the chat belongs to the user. */
enum store_rc store_chat_newest_message(struct db *db, const char *chat_id, char out[UUID_BUF]);
/* The id of the chat's message at SEQ with ROLE (user/assistant): the
 * page's short ?edit=SEQ and ?rate=SEQ links; NOT_FOUND when there is none.
 * The caller has checked the chat belongs to the user. */
enum store_rc store_chat_message_at(struct db *db, const char *chat_id, int64_t seq,
				    const char *role, char out[UUID_BUF]);
/* The id of the ended reply before (later 0) or after (later 1) the
 * reply msg_id in its chat: the rating page's Earlier and Later links;
 * NOT_FOUND at either end. The caller has checked the reply is the user's. */
enum store_rc store_chat_reply_beside(struct db *db, const char *msg_id, int later,
				      char out[UUID_BUF]);
/* The model of the user's most recently used chat (send, edit and
 * regenerate set it), arena-owned; NULL when there is none yet. The new
 * chat's composer starts on it. */
const char *user_last_model(struct db *db, struct arena *a, const char *user_id);

#endif
