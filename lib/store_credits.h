/* store_credits.h — the credit ledger in data.db (schema/data/007). Every
 * change is a ledger row and the balance moves with it in the same
 * transaction; the balance never goes below zero. Amounts are micro-dollars.
 * Functions marked (tx) run inside the caller's transaction; the others
 * open their own. */
#ifndef CONFAB_STORE_CREDITS_H
#define CONFAB_STORE_CREDITS_H

#include <stdint.h>
#include "arena.h"
#include "db.h"
#include "store_user.h"

/* The balance (0 for a user with no account row). */
int64_t credits_balance(struct db *db, const char *user_id);

/* Add a row of kind (grant, purchase, refund) with amount >= 0, or a
 * negative grant (an administrator taking credits back): STORE_CONFLICT
 * when it would take the balance below zero, STORE_EXISTS when a row of
 * this kind and ref exists (a replayed payment). ref may be NULL. */
enum store_rc credits_add(struct db *db, const char *user_id, const char *kind,
			  int64_t amount, const char *ref, const char *note, int64_t now);

/* (tx) Hold amount for message msg_id: STORE_CONFLICT when the balance is
 * smaller (nothing held). */
enum store_rc credits_reserve(struct db *db, const char *user_id, const char *msg_id,
			      int64_t amount, int64_t now);
/* (tx) Settle msg_id's hold, if any: give it back and charge cost, capped
 * at the hold (the most the request could cost: hold.h; a provider that
 * billed past it is logged, and its true cost stays in the usage row).
 * The balance held the hold, so it never goes below zero. Returns what
 * was charged. */
int64_t credits_settle(struct db *db, const char *user_id, const char *msg_id, int64_t cost,
		       int64_t now);

struct credit_row {
	const char *kind, *ref, *note;
	int64_t amount, created_at;
};
/* The user's newest rows, at most max (arena). */
struct credit_row *credits_history(struct db *db, struct arena *a, const char *user_id,
				   size_t max, size_t *n);

#endif
