-- One row per request a user made (a send, a regenerate, an edit), written
-- in the same transaction that queues it, after the plan's limits were
-- checked there: SQLite runs one writer at a time, so a burst is counted
-- exactly. Rows outlive their messages (an edit deletes those), so a
-- limit cannot be dodged. tokens_held is the request's token estimate,
-- counted against tokens_per_month while its job exists.
CREATE TABLE request_log (
	message_id  TEXT PRIMARY KEY,
	user_id     TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	tokens_held INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX request_log_user ON request_log(user_id, created_at);

-- The plan's max_tokens_per_request for this reply (0: the model's own).
ALTER TABLE jobs ADD COLUMN max_tokens INTEGER NOT NULL DEFAULT 0;
