/* store_analytics.h — request analytics, ratings and the dashboard's
 * rollups (docs/DATA-MODEL.md) in data.db. The rollups are kept by triggers
 * (schema/data/009_dashboard.sql) in the transaction of each usage row, so
 * these reads touch a few rows per model and category, however many
 * requests a user has made. Results live in the arena given. */
#ifndef CONFAB_STORE_ANALYTICS_H
#define CONFAB_STORE_ANALYTICS_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "classify.h"
#include "db.h"
#include "store_user.h"

/* Inside the send's transaction (store_reply.c insert_reply): the analytics
 * row of the reply msg_id at seq of chat_id. Fields of chosen that are NULL
 * or "" (or chosen itself NULL) are derived from the user message before
 * it (classify.h). */
enum store_rc analytics_on_request(struct db *db, const char *user_id, const char *chat_id,
				   const char *msg_id, int64_t seq,
				   const struct request_tags *chosen, int64_t now);

/* Rate the user's finished reply msg_id: rating 1..5 and/or vote -1/1 (0:
 * leave as is). Giving the value it already has takes it back. Fills
 * chat_id (the reply's chat). STORE_NOT_FOUND when msg_id is not an ended
 * assistant message in one of the user's chats. */
enum store_rc rating_set(struct db *db, const char *user_id, const char *msg_id, int rating,
			 int vote, char chat_id[UUID_BUF]);

/* The user's finished reply msg_id as the rating page shows it. */
struct rated_reply {
	char chat_id[UUID_BUF];
	const char *chat_title, *content; /* in the arena */
	int rating, vote;                 /* 0: none */
};
/* STORE_NOT_FOUND as rating_set has it. */
enum store_rc rating_get(struct db *db, struct arena *a, const char *user_id, const char *msg_id,
			 struct rated_reply *out);

/* One line of a rollup: key is the model, category or user id ("" for a
 * total). requests counts type 'chat' usage rows, other the title rows;
 * tokens and cost count every row. */
struct dash_row {
	const char *key;
	int64_t requests, ok, cached, other, tokens_in, tokens_out, cost;
	int64_t dur_sum, dur_n, ttft_sum, ttft_n;
};

/* The user's rollup, added up three ways: the total, by model (most
 * requests first, then most cost) and by category (most requests first;
 * title rows are in no category). Arrays in the arena. */
struct dash_rollups {
	struct dash_row total;
	struct dash_row *models, *cats;
	size_t nmodels, ncats;
};
void store_analytics_dash_rollup_user(struct db *db, struct arena *a, const char *user_id,
		      struct dash_rollups *out);

enum dash_group { DASH_TOTAL, DASH_BY_MODEL };
/* The whole instance's rollup (the administrator's view), grouped; most
 * requests first. Returns the count (a total is always one row). */
size_t store_analytics_dash_rollup_all(struct db *db, struct arena *a, enum dash_group g, struct dash_row **out);
/* Every user's totals (the administrator's view), most requests first. */
size_t store_analytics_dash_rollup_by_user(struct db *db, struct arena *a, struct dash_row **out);

struct dash_bucket {
	int64_t requests, tokens, cost;
};
/* The user's running totals of requests, tokens and cost logged before
 * t_ms, a whole quarter hour (the rollup's grain: every zone in use is
 * offset from UTC by whole quarter hours). One index lookup; a span is the
 * difference of two. */
void store_analytics_dash_totals_before(struct db *db, const char *user_id, int64_t t_ms,
			struct dash_bucket *out);

struct dash_request {
	const char *id;
	const char *chat_id, *message_id;   /* NULL when none */
	const char *type, *model, *status, *error;
	const char *request_type, *category, *complexity;  /* NULL: no analytics */
	int64_t tokens_in, tokens_out, cost, duration_ms, ttft_ms;  /* -1 unknown */
	int rating, vote;                   /* 0: none */
	int64_t created_at;
};
/* The user's newest usage rows. */
size_t store_analytics_dash_recent(struct db *db, struct arena *a, const char *user_id, size_t limit,
		   struct dash_request **out);

/* The user's ratings: sum and count of 1..5 ratings, thumbs up and down. */
void store_analytics_dash_ratings(struct db *db, const char *user_id, int64_t *sum, int64_t *n, int64_t *up,
		  int64_t *down);

/* Begin and end a read transaction on data.db, so the numbers of one page
 * agree with each other. */
void store_analytics_dash_read_begin(struct db *db);
void store_analytics_dash_read_end(struct db *db);

/* The email of user id in user.db (arena), or NULL. */
const char *store_analytics_dash_user_email(struct db *user_db, struct arena *a, const char *id);

#endif
