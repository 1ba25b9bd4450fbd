-- Files sent with a user's message (images and PDFs). The bytes live under
-- DATA/files/ab/<hash> (lib/attach.c); a row links one message to one
-- file. Deleting a chat deletes its messages and so these rows; files no
-- row names any more are removed by `confab vacuum`
-- (lib/vacuum_files.c).
CREATE TABLE attachments (
	message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
	idx        INTEGER NOT NULL,          -- order within the message, from 0
	hash       TEXT NOT NULL,             -- SHA-256 of the bytes, hex
	type       TEXT NOT NULL,             -- media type found from the bytes
	size       INTEGER NOT NULL,
	name       TEXT NOT NULL DEFAULT '',  -- the name the browser gave (escaped when shown)
	PRIMARY KEY (message_id, idx)
);
CREATE INDEX attachments_hash ON attachments(hash);
