/* store_user.h — users, sessions and sign-in failures in user.db. Every
 * function takes the request arena for what it returns. */
#ifndef CONFAB_STORE_USER_H
#define CONFAB_STORE_USER_H

#include <stdint.h>
#include "arena.h"
#include "db.h"

struct user {
	char id[UUID_BUF];
	const char *email;
	const char *name;
	const char *plan;
	const char *timezone;
	int64_t credits;
	int is_admin;
	int is_active;
	int64_t created_at;
	int64_t last_login_at;
	int64_t plan_expires_at;     /* 0: the plan does not expire */
};

/* Create a user; the first account ever created becomes the administrator.
 * Fills out (arena). STORE_EXISTS when the email is taken (any case). */
enum store_rc user_create(struct db *db, struct arena *a, const char *email,
			  const char *name, const char *password_hash,
			  const char *timezone, struct user *out);

/* Find by email (any case): fills out and *hash (arena); STORE_NOT_FOUND. */
enum store_rc user_find_by_email(struct db *db, struct arena *a, const char *email,
				 struct user *out, const char **hash);
int user_count(struct db *db);

/* ---- the administrator's (confab user ...) ---- */
/* Every user, oldest first (arena). */
struct user *user_list(struct db *db, struct arena *a, size_t *n);
/* Switch an account off (1: on); switching it off also ends its sessions. */
enum store_rc user_set_active(struct db *db, const char *user_id, int active, int64_t now);
/* Put the user on plan until expires_at (ms; 0: no end). */
enum store_rc user_set_plan(struct db *db, const char *user_id, const char *plan,
			    int64_t expires_at, int64_t now);
/* A new password hash (argon2id string); ends the user's sessions. */
enum store_rc user_set_password(struct db *db, const char *user_id, const char *hash,
				int64_t now);
void user_record_login(struct db *db, const char *user_id, int64_t now);

/* Sessions, by the hex SHA-256 of the cookie value. */
enum store_rc store_user_session_create(struct db *db, const char *token_hash, const char *user_id,
			     int64_t now, int64_t expires_at, const char *ip,
			     const char *user_agent);
/* The session's user if the session is live (not past its absolute expiry,
 * seen within idle_ms, user active); refreshes last_seen at most once a
 * minute. STORE_NOT_FOUND otherwise. */
enum store_rc store_user_session_user(struct db *db, struct arena *a, const char *token_hash,
			   int64_t now, int64_t idle_ms, struct user *out);
void store_user_session_delete(struct db *db, const char *token_hash);

/* Sign-in failures: kind is "email" or "ip". */
void login_failure_add(struct db *db, const char *kind, const char *key, int64_t now,
		       int64_t window_ms);
/* Failures since `since`, and the time of the oldest of them (for Retry-After). */
int login_failure_count(struct db *db, const char *kind, const char *key, int64_t since,
			int64_t *oldest);
void login_failure_clear(struct db *db, const char *kind, const char *key);

#endif
