/* store_reply.h — the life of a reply in data.db: queued by a page,
 * claimed and written by confabd, read by polls. The only file that knows
 * the SQL of message_parts and of jobs (but for store_quota.c, which sums
 * the live jobs' held tokens and sets a job's max_tokens). */
#ifndef CONFAB_STORE_REPLY_H
#define CONFAB_STORE_REPLY_H

#include <stdint.h>
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "store_chat.h"
#include "turn.h"

/* ---- pages ---- */

/* Where a request came from, kept with its job for the usage log; and
 * (set by the worker) whether it went out on the user's own key. tags: the
 * request type, category and complexity the user chose (NULL or empty
 * fields: derived; store_analytics.h). */
struct quota;
struct attachment;
struct request_tags;
struct origin {
	const char *ip, *user_agent;
	int own_key;
	/* The plan's limits, checked in the transaction that queues the reply
	 * (NULL: none); a refusal ends it with STORE_LIMITED. */
	struct quota *quota;
	/* Files attached to the user's message (stored already;
	 * cgi-bin/attach_http.h),
	 * linked to it in the same transaction. */
	const struct attachment *files;
	size_t nfiles;
	const struct request_tags *tags;
};

/* In ONE transaction: the user's message (and from->files linked to it),
 * the assistant message (queued, for model) and its job; with from->quota
 * the plan's limits checked and the hold taken (quota_admit; a refusal is
 * STORE_LIMITED); the request's analytics row; the chat's model and time,
 * and, for an untitled chat, a title from the first words of content.
 * STORE_NOT_FOUND for another user's chat, STORE_CONFLICT while a reply is
 * in progress. Fills the two ids. */
enum store_rc reply_send(struct db *db, const char *user_id, const char *chat_id,
			 const char *content, const char *model, const struct origin *from,
			 char user_msg[UUID_BUF], char asst_msg[UUID_BUF]);

/* Create a chat and send its first message, in one transaction. */
enum store_rc reply_send_new_chat(struct db *db, const char *user_id, const char *content,
				  const char *model, const struct origin *from, char chat_id[UUID_BUF],
				  char asst_msg[UUID_BUF]);

/* Earlier versions are replaced, not kept as branches (README: "Regenerate
 * and edit"); their usage log rows stay. Both refuse with STORE_CONFLICT
 * while a reply is in progress, STORE_NOT_FOUND for another user's chat. */

/* Replace the chat's last reply with a new one from model (queued). */
enum store_rc reply_regenerate(struct db *db, const char *user_id, const char *chat_id,
			       const char *model, const struct origin *from, char asst_msg[UUID_BUF]);
/* Replace user message msg_id, and everything after it, with content sent
 * to model. from->files are all the new message's files, those it keeps
 * of the old one's included (attach_take_edit); the old rows go with the
 * old message, in the same transaction, so a kept file is never left
 * unreferenced. */
enum store_rc reply_edit(struct db *db, const char *user_id, const char *chat_id,
			 const char *msg_id, const char *content, const char *model,
			 const struct origin *from, char user_msg[UUID_BUF], char asst_msg[UUID_BUF]);

/* Ask the worker to stop the chat's reply in progress (if any). A reply
 * not yet started is marked stopped at once. */
enum store_rc reply_request_stop(struct db *db, const char *user_id, const char *chat_id);

struct reply_poll {
	const char *status;
	const char *text;      /* the reply's bytes from `from` on (arena) */
	int64_t next;          /* the offset to ask from next time */
	struct message msg;    /* the whole message, filled when it has ended */
	int ended;
};

/* The state of message msg_id of chat_id (the user's), text after byte
 * `from`. STORE_NOT_FOUND if not the user's. */
enum store_rc reply_poll(struct db *db, struct arena *a, const char *user_id,
			 const char *chat_id, const char *msg_id, int64_t from,
			 struct reply_poll *out);

/* The text written so far of a running reply (arena). */
const char *reply_partial_text(struct db *db, struct arena *a, const char *msg_id);
/* Its reasoning so far (arena; "" when none). */
const char *reply_partial_reasoning(struct db *db, struct arena *a, const char *msg_id);
/* The reasoning of a running reply from byte `from` on (arena) and the
 * offset to ask from next. The caller has checked the message is the
 * user's (reply_poll). */
void reply_poll_reasoning(struct db *db, struct arena *a, const char *msg_id, int64_t from,
			  const char **text, int64_t *next);

/* ---- the worker ---- */

/* 1 if any job waits to be claimed. */
int reply_queued(struct db *db);

struct job {
	int64_t id;
	char message_id[UUID_BUF], chat_id[UUID_BUF], user_id[UUID_BUF];
	char *model;             /* heap */
	char ip[64], user_agent[256];
	int use_cache;           /* 0: a fresh answer was asked for */
	int64_t max_tokens;      /* the plan's cap for this reply; 0: the model's */
	int stop_requested;
};

/* (tx) Claim up to max queued jobs (state → running, message → running).
 * Returns how many were filled in jobs[] (model strings are malloc'd), or
 * -1 when a write failed (nothing to free; roll back). The worker starts
 * no request before this transaction has committed. */
int job_claim(struct db *db, struct job *jobs, size_t max, int64_t now);

/* Ids of running jobs whose stop was requested; returns count. */
size_t job_stop_requests(struct db *db, int64_t *ids, size_t max);

/* The conversation before assistant message msg_id, oldest first, in one
 * read: the chat's system prompt (composed with its preset:
 * store_preset_chat_system_prompt; heap) and done user/assistant messages, each user
 * message with the rows of its attached files (type, name, hash; the
 * bytes are read by turn_files.h). Free the turns with turns_free. */
size_t job_history(struct db *db, const char *chat_id, const char *msg_id,
		   char **system_prompt, struct turn **turns);

/* Append text at offset start of a running reply (inside a transaction).
 * The same start again replaces the part, so a tick rolled back is simply
 * written again. 0, or -1 when the write failed. */
int reply_append(struct db *db, const char *msg_id, int64_t start, const char *text,
		 size_t n);
/* The same for its reasoning, kept apart from the answer. */
int reply_append_reasoning(struct db *db, const char *msg_id, int64_t start, const char *text,
			   size_t n);

struct reply_end {
	const char *content;         /* the whole reply text */
	size_t content_len;
	const char *status;          /* done, failed, stopped */
	const char *error;           /* for failed; NULL otherwise */
	const char *html;            /* rendered markdown of the whole reply */
	const char *reasoning;       /* the whole reasoning (NULL: none) */
	size_t reasoning_len;
	int64_t tokens_in, tokens_out, cost;
	int tokens_estimated;
	int64_t ttft_ms, response_ms; /* -1 unknown */
	const char *provider, *model;
	int64_t started_at;
	struct origin from;
	int cached;                  /* answered from the response cache */
};

/* Finish a reply (inside a transaction): content = all parts, parts
 * deleted, message updated, job deleted, usage logged (status success,
 * stopped, error or cached), chat tokens added, the credits held settled.
 * 0, or -1 when any write of it failed (then roll the transaction back). */
int reply_finish(struct db *db, int64_t job_id, const char *msg_id, const char *chat_id,
		  const char *user_id, const struct reply_end *e, int64_t now);

/* The whole text of a reply (its parts, in order), into out. */
void reply_collect(struct db *db, const char *msg_id, struct buf *out);
/* The same for its reasoning. */
void reply_collect_reasoning(struct db *db, const char *msg_id, struct buf *out);

/* On start, with the lease held (in a transaction): every reply left
 * running by a worker that died ends failed, keeping its partial text,
 * with a usage row `interrupted` that estimates its tokens (and their cost
 * at the model's prices, when models knows it) and no charge: the hold
 * goes back whole. Returns how many, or -1 when a write failed. */
struct models;
int reply_recover(struct db *db, const struct models *models, const char *error, int64_t now);

/* Titles: the chat's title if it is still automatic, else NULL (heap). */
char *store_reply_chat_auto_title(struct db *db, const char *chat_id);
int store_reply_chat_set_generated_title(struct db *db, const char *chat_id, const char *title);
/* 1 if msg_id is the first assistant message of its chat. */
int reply_is_first(struct db *db, const char *chat_id, const char *msg_id);

/* A usage row for a request with no message (titles). 0, or -1. */
int usage_log_add(struct db *db, const char *user_id, const char *chat_id,
		   const char *message_id, const char *type, const char *provider,
		   const char *model, int64_t tin, int64_t tout, int64_t cost,
		   const char *status, int64_t duration_ms, const char *error,
		   const struct origin *from, int64_t now);

#endif
