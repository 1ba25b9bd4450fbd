-- Reasoning ("thinking") text of a reply, kept apart from the answer: shown
-- folded on the chat page, never sent back to a provider.
ALTER TABLE messages ADD COLUMN reasoning TEXT NOT NULL DEFAULT '';

-- The reasoning while the reply is written, one row per worker tick, as
-- message_parts is for the answer; folded into messages.reasoning, and
-- deleted, when the reply ends.
CREATE TABLE reasoning_parts (
	message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
	start      INTEGER NOT NULL,                  -- byte offset within the reasoning
	text       TEXT NOT NULL,
	PRIMARY KEY (message_id, start)
) STRICT, WITHOUT ROWID;
